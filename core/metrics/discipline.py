"""Update discipline per unit (chất lượng cập nhật): timely entry and reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from core.accountability import successor_map
from core.calendar import WorkCalendar, working_day_index_expr
from core.dates import from_bson_day, to_bson_day
from core.metrics.overdue import _wd_range
from core.metrics.query import MetricsQuery, classify_stages
from core.metrics.status import _names
from core.repository import Repository
from core.schema import UPDATE_DAYS_EXPR
from core.scope import Scope

# --- update discipline ------------------------------------------------------------------------


def discipline_pipeline(q: MetricsQuery, cal: WorkCalendar) -> list[dict[str, Any]]:
    """Per lead unit: the update duties that fell due by D and how many were met on time.

    * late entry (Art. 7.1.a): entered by the Office more than 1 working day after issue;
    * overdue update (Art. 8.1.a): a task that passed its effective deadline unfinished needs a
      progress report, a completion report or its completion within 1 working day after the
      deadline;
    * monthly update of tasks without a deadline: an open no-deadline task assigned before the
      month of D needs a progress report dated in that month (up to D).
    """
    d = to_bson_day(q.as_of)
    start, end = _wd_range(q)
    month_start = to_bson_day(q.as_of.replace(day=1))
    entered_day = {
        "$dateTrunc": {"date": "$entered_at", "unit": "day", "timezone": "Asia/Ho_Chi_Minh"}
    }
    idx = working_day_index_expr
    stages = classify_stages(
        q,
        keep=[
            "lead_unit",
            "tracking_room",
            "entered_at",
            "doc_issue_date",
            "progress",
            "completion_reports",
        ],
    )
    # A unit's updates: its progress reports and its completion reports (the day each was
    # made, whether or not the Office has confirmed it yet).
    progress_dates = {
        "$concatArrays": [
            {"$map": {"input": {"$ifNull": ["$progress", []]}, "in": "$$this.date"}},
            {
                "$map": {
                    "input": {"$ifNull": ["$completion_reports", []]},
                    "in": "$$this.reported_date",
                }
            },
        ]
    }
    stages.append(
        {
            "$addFields": {
                # Entered more than 1 working day after issue. Most tasks are entered on the
                # day of issue or the next: those skip the working-day arithmetic.
                "late_entry": {
                    "$cond": [
                        {
                            "$or": [
                                {"$eq": ["$entered_at", None]},
                                {"$eq": ["$doc_issue_date", None]},
                                {
                                    "$lte": [
                                        entered_day,
                                        {
                                            "$dateAdd": {
                                                "startDate": "$doc_issue_date",
                                                "unit": "day",
                                                "amount": 1,
                                                "timezone": "Asia/Ho_Chi_Minh",
                                            }
                                        },
                                    ]
                                },
                            ]
                        },
                        0,
                        {
                            "$cond": [
                                {
                                    "$gt": [
                                        {
                                            "$subtract": [
                                                idx(cal, entered_day, start, end),
                                                idx(cal, "$doc_issue_date", start, end),
                                            ]
                                        },
                                        1,
                                    ]
                                },
                                1,
                                0,
                            ]
                        },
                    ]
                },
                # Went overdue: a deadline passed before D while the task was unfinished.
                "went_overdue": {
                    "$and": [
                        {"$ne": ["$eff", None]},
                        {"$lt": ["$eff", d]},
                        {"$in": ["$cat", ["open_overdue", "completed_late"]]},
                    ]
                },
                "pdates": progress_dates,
            }
        }
    )
    stages.append(
        {
            "$addFields": {
                "update_due": {
                    "$cond": [
                        "$went_overdue",
                        {"$add": [idx(cal, "$eff", start, end), 1]},
                        None,
                    ]
                },
                "d_index": cal.working_day_index(q.as_of),
            }
        }
    )
    # An overdue update duty is due when D's index reaches eff's index + 1.
    stages.append(
        {
            "$addFields": {
                "overdue_duty": {
                    "$cond": [
                        {
                            "$and": [
                                {"$ne": ["$update_due", None]},
                                {"$gte": ["$d_index", "$update_due"]},
                            ]
                        },
                        1,
                        0,
                    ]
                },
            }
        }
    )
    reported_in_window = {
        "$or": [
            {
                "$gt": [
                    {
                        "$size": {
                            "$filter": {
                                "input": "$pdates",
                                "as": "p",
                                "cond": {
                                    "$and": [
                                        {"$gt": ["$$p", "$eff"]},
                                        {"$lte": [idx(cal, "$$p", start, end), "$update_due"]},
                                    ]
                                },
                            }
                        }
                    },
                    0,
                ]
            },
            {
                "$and": [
                    {"$ne": ["$completed_date", None]},
                    {"$lte": ["$completed_date", d]},
                    {"$lte": [idx(cal, "$completed_date", start, end), "$update_due"]},
                ]
            },
        ]
    }
    stages.append(
        {
            "$addFields": {
                "overdue_ok": {
                    "$cond": [
                        {"$eq": ["$overdue_duty", 1]},
                        {"$cond": [reported_in_window, 1, 0]},
                        0,
                    ]
                },
                "monthly_duty": {
                    "$cond": [
                        {
                            "$and": [
                                {"$eq": ["$cat", "no_deadline_open"]},
                                {"$lt": ["$assigned_date_kept", month_start]},
                            ]
                        },
                        1,
                        0,
                    ]
                },
            }
        }
    )
    stages.append(
        {
            "$addFields": {
                "monthly_ok": {
                    "$cond": [
                        {"$eq": ["$monthly_duty", 1]},
                        {
                            "$cond": [
                                {
                                    "$gt": [
                                        {
                                            "$size": {
                                                "$filter": {
                                                    "input": "$pdates",
                                                    "as": "p",
                                                    "cond": {
                                                        "$and": [
                                                            {"$gte": ["$$p", month_start]},
                                                            {"$lte": ["$$p", d]},
                                                        ]
                                                    },
                                                }
                                            }
                                        },
                                        0,
                                    ]
                                },
                                1,
                                0,
                            ]
                        },
                        0,
                    ]
                }
            }
        }
    )
    stages.append(
        {
            "$group": {
                "_id": "$lead_unit",
                "tasks": {"$sum": 1},
                "late_entry": {"$sum": "$late_entry"},
                "overdue_duties": {"$sum": "$overdue_duty"},
                "overdue_updated": {"$sum": "$overdue_ok"},
                "monthly_duties": {"$sum": "$monthly_duty"},
                "monthly_updated": {"$sum": "$monthly_ok"},
            }
        }
    )
    stages.append({"$sort": {"_id": 1}})
    # classify_stages projects only what it keeps; assigned_date is needed for the monthly duty.
    stages[1]["$project"]["assigned_date_kept"] = "$assigned_date"
    return stages


# The counts of one lead unit's update duties, as `discipline_pipeline` groups them.
DISCIPLINE_COUNTS: tuple[str, ...] = (
    "tasks",
    "late_entry",
    "overdue_duties",
    "overdue_updated",
    "monthly_duties",
    "monthly_updated",
)


# Above this many tasks, a deadline window's tasks are not looked up by key (see below).
BY_KEY_LIMIT = 50_000


def update_discipline(repo: Repository, q: MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
    """Update discipline per lead unit (chất lượng cập nhật), with the share updated on time.

    With `rollup_successors`, a unit that had ended by D is counted under its successor.
    A deadline window (a period's tasks due) is matched on `task_facts` first, whose indexes
    serve both the deadline and the extensions' deadlines (`tasks` has no index on the
    latter: matched there, the window read every task assigned by D); its tasks are then read
    by key.
    """
    stages = discipline_pipeline(q, cal)
    if q.deadline_from is not None or q.deadline_to is not None:
        keys = population_keys(repo, q, BY_KEY_LIMIT + 1)
        if len(keys) <= BY_KEY_LIMIT:
            stages[0] = {"$match": {"_id": {"$in": keys}}}
    return discipline_result(repo, q, repo.aggregate_tasks(stages, q.scope))


def population_keys(repo: Repository, q: MetricsQuery, limit: int) -> list[str]:
    """The keys of (at most `limit` of) the tasks of `q`'s population, from `task_facts`."""
    stages = [*classify_stages(q)[:-1], {"$project": {"_id": 1}}, {"$limit": limit}]
    return [str(t["_id"]) for t in repo.aggregate_tasks(stages, q.scope, source="facts")]


def discipline_result(
    repo: Repository, q: MetricsQuery, rows: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The update-discipline figures from counts per raw lead unit (`_id` and
    `DISCIPLINE_COUNTS`, as the pipeline groups them): rolled up, named, totalled, with rates
    and the Office's own duties."""
    rows = list(rows)
    names = _names(repo, "unit")
    if q.rollup_successors:
        successors = successor_map(repo.units(), q.organisation_day)
        merged: dict[Any, dict[str, Any]] = {}
        for raw in rows:
            code = successors.get(raw["_id"], raw["_id"])
            into = merged.setdefault(code, {"_id": code})
            for k, v in raw.items():
                if k != "_id":
                    into[k] = into.get(k, 0) + int(v or 0)
        rows = sorted(merged.values(), key=lambda r: str(r["_id"]))
    out_rows = []
    total = dict.fromkeys(DISCIPLINE_COUNTS, 0)
    for raw in rows:
        row = {"key": raw["_id"], "name": names.get(raw["_id"], raw["_id"])}
        for k in total:
            row[k] = int(raw.get(k, 0))
            total[k] += row[k]
        out_rows.append(_discipline_rates(row))
    return {
        "as_of": q.as_of.isoformat(),
        "rows": out_rows,
        "total": _discipline_rates({"key": "ALL", "name": "Tổng cộng", **total}),
        # The Office's own duty (Điều 15.5) for the readers who see the province.
        "office_duties": office_duties(repo, q.as_of) if repo.reader.units is None else None,
    }


# --- the Office's feedback duties (Quy chế theo dõi …, Điều 15.5) --------------------------------


def duty_state(due: date, handled: date | None, as_of: date) -> str:
    """A feedback duty as of D: «met» (handled by its due day), «late» (handled after it),
    «overdue» (not handled, due day passed), «open» (not handled, still in time)."""
    if handled is not None and handled <= as_of:
        return "met" if handled <= due else "late"
    return "overdue" if as_of > due else "open"


def duty_counts(rows: Iterable[Mapping[str, Any]], as_of: date) -> dict[str, Any]:
    """Counts of feedback duties received by D: fallen due (due day passed, or handled), met
    in time, missed (handled late or not at all), open in time; the rate met / fallen due."""
    states = [
        duty_state(
            from_bson_day(r["due_date"]),
            from_bson_day(r["handled_date"]) if r.get("handled_date") else None,
            as_of,
        )
        for r in rows
        if from_bson_day(r["received_date"]) <= as_of
    ]
    fallen = sum(1 for s in states if s != "open")
    met = states.count("met")
    return {
        "received": len(states),
        "fallen_due": fallen,
        "met_on_time": met,
        "missed": fallen - met,
        "open_in_time": states.count("open"),
        "rate": met / fallen if fallen else None,
    }


def office_duties(repo: Repository, as_of: date) -> dict[str, Any]:
    """The Office's feedback duties as of D, for update discipline."""
    rows = repo.feedback_items({"received_date": {"$lte": to_bson_day(as_of)}}, limit=0)
    return duty_counts(rows, as_of)


def _discipline_rates(row: dict[str, Any]) -> dict[str, Any]:
    duties = row["overdue_duties"] + row["monthly_duties"]
    met = row["overdue_updated"] + row["monthly_updated"]
    row["duties"] = duties
    row["updated_on_time"] = met
    row["not_updated"] = duties - met
    row["update_rate"] = met / duties if duties else None
    row["late_entry_share"] = row["late_entry"] / row["tasks"] if row["tasks"] else None
    return row


# What update discipline reads of a task beyond its facts (`core.readmodel.discipline`), as
# milliseconds since 1970 (numbers decode much faster than dates): `entered` (the instant the
# task was entered), `issued` (its document's issue day) and `updates` (the days of its
# progress and completion reports); null when missing.
DISCIPLINE_INPUTS: dict[str, Any] = {
    "entered": {"$toLong": "$entered_at"},
    "issued": {"$toLong": "$doc_issue_date"},
    "updates": {"$map": {"input": UPDATE_DAYS_EXPR, "in": {"$toLong": "$$this"}}},
}


def discipline_inputs(
    repo: Repository, ids: Sequence[str], scope: Scope
) -> dict[str, dict[str, Any]]:
    """Task key → `DISCIPLINE_INPUTS` (entry instant, issue day, days of its reports, in
    milliseconds), for the tasks given (read by key)."""
    stages: list[dict[str, Any]] = [
        {"$match": {"_id": {"$in": list(ids)}}},
        {"$project": DISCIPLINE_INPUTS},
    ]
    return {str(t["_id"]): t for t in repo.aggregate_tasks(stages, scope)}
