"""Open tasks against their deadline: overdue age, the longest overdue, due soon."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from core.calendar import WorkCalendar, working_day_index_expr
from core.dates import from_bson_day, to_bson_day
from core.metrics.query import AGE_BUCKETS, MetricsQuery, category_prefilter, classify_stages
from core.repository import Repository
from core.rows import DueSoon, OverdueTaskRow

# --- overdue age, longest overdue, due soon ---------------------------------------------------


def _wd_range(q: MetricsQuery) -> tuple[date, date]:
    return date(2000, 1, 3), q.as_of + timedelta(days=400)


def overdue_pipeline(q: MetricsQuery, cal: WorkCalendar) -> list[dict[str, Any]]:
    """Open overdue tasks as of D with `age` = working days overdue (in (eff, D])."""
    start, end = _wd_range(q)
    d_index = cal.working_day_index(q.as_of)
    stages = classify_stages(q, keep=["lead_unit"])
    stages[0] = {
        "$match": {"$and": [stages[0]["$match"], category_prefilter(["open_overdue"], q.as_of)]}
    }
    stages.append({"$match": {"cat": "open_overdue"}})
    stages.append(
        {
            "$addFields": {
                "age": {"$subtract": [d_index, working_day_index_expr(cal, "$eff", start, end)]}
            }
        }
    )
    return stages


def _bucket_expr() -> dict[str, Any]:
    branches = []
    for key, _label, _low, high in AGE_BUCKETS:
        if high is not None:
            branches.append({"case": {"$lte": ["$age", high]}, "then": key})
    return {"$switch": {"branches": branches, "default": AGE_BUCKETS[-1][0]}}


def overdue_age(repo: Repository, q: MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
    """Counts of open overdue tasks by age bucket, in total and per lead unit."""
    stages = overdue_pipeline(q, cal)
    stages.append({"$group": {"_id": {"u": "$lead_unit", "b": _bucket_expr()}, "n": {"$sum": 1}}})
    rows = repo.aggregate_tasks(stages, q.scope, source="facts")
    totals = {key: 0 for key, *_ in AGE_BUCKETS}
    by_unit: dict[str, dict[str, int]] = {}
    for row in rows:
        bucket, unit = row["_id"]["b"], row["_id"]["u"]
        totals[bucket] += row["n"]
        by_unit.setdefault(unit, {key: 0 for key, *_ in AGE_BUCKETS})[bucket] += row["n"]
    return {
        "as_of": q.as_of.isoformat(),
        "buckets": [
            {"key": key, "label": label, "count": totals[key]} for key, label, *_ in AGE_BUCKETS
        ],
        "by_unit": by_unit,
    }


_FACT_KEEP = [
    "lead_unit",
    "coord_units",
    "deadline",
    "assigned_date",
    "priority",
    "signer",
    "doc_type",
    "tracking_room",
    "extensions",
]


def longest_overdue(
    repo: Repository, q: MetricsQuery, cal: WorkCalendar, limit: int = 20, skip: int = 0
) -> list[OverdueTaskRow]:
    """The open overdue tasks, longest overdue first, with working days overdue."""
    stages = overdue_pipeline(q, cal)
    stages[1]["$project"].update({name: 1 for name in _FACT_KEEP})
    stages += [
        {"$sort": {"eff": 1, "_id": 1}},
        {"$skip": skip},
        {"$limit": limit},
        *_join_task_and_document(),
    ]
    return [_task_row(t) for t in repo.aggregate_tasks(stages, q.scope, source="facts")]


def join_task_text() -> list[dict[str, Any]]:
    """Stages adding a task's document, order and content to rows of `task_facts`."""
    return [
        {
            "$lookup": {
                "from": "tasks",
                "localField": "_id",
                "foreignField": "_id",
                "as": "task",
                "pipeline": [{"$project": {"document": 1, "seq": 1, "content": 1}}],
            }
        },
        {"$set": {"task": {"$first": "$task"}}},
        {"$set": {"document": "$task.document", "seq": "$task.seq", "content": "$task.content"}},
        {"$unset": "task"},
    ]


def _join_task_and_document() -> list[dict[str, Any]]:
    """Stages adding the task's text fields and its document to a page of facts."""
    return [
        *join_task_text(),
        {
            "$lookup": {
                "from": "documents",
                "localField": "document",
                "foreignField": "_id",
                "as": "doc",
                "pipeline": [{"$project": {"number": 1, "abstract": 1, "issue_date": 1}}],
            }
        },
    ]


def _task_row(t: Mapping[str, Any]) -> OverdueTaskRow:
    doc = (t.get("doc") or [{}])[0]
    return {
        "id": t["_id"],
        "content": t.get("content"),
        "lead_unit": t.get("lead_unit"),
        "coord_units": t.get("coord_units", []),
        "document": t.get("document"),
        "document_number": doc.get("number"),
        "document_abstract": doc.get("abstract"),
        "assigned_date": from_bson_day(t["assigned_date"]) if t.get("assigned_date") else None,
        "deadline": from_bson_day(t["deadline"]) if t.get("deadline") else None,
        "effective_deadline": from_bson_day(t["eff"]) if t.get("eff") else None,
        "extended": bool(t.get("extensions")),
        "priority": bool(t.get("priority")),
        "category": t.get("cat"),
        "days_overdue": int(t["age"]) if t.get("age") is not None else None,
        "days_left": int(t["left"]) if t.get("left") is not None else None,
    }


def due_soon(
    repo: Repository,
    q: MetricsQuery,
    cal: WorkCalendar,
    windows: Sequence[int] = (1, 3, 7),
    limit: int = 50,
) -> DueSoon:
    """Open tasks whose effective deadline is D or within N working days after D (sắp đến hạn)."""
    horizon = max(windows)
    last_day = cal.add_working_days(q.as_of, horizon)
    limits = {n: to_bson_day(cal.add_working_days(q.as_of, n)) for n in windows}
    # Open within deadline means D <= effective deadline: narrowing the population to effective
    # deadlines in [D, last day] (intersected with the caller's range) changes no result and
    # lets the deadline indexes skip every other task.
    low = max(q.deadline_from or q.as_of, q.as_of)
    high = min(q.deadline_to or last_day, last_day)
    if low > high:
        return {
            "as_of": q.as_of.isoformat(),
            "windows": {str(n): 0 for n in windows},
            "window_ends": {str(n): cal.add_working_days(q.as_of, n).isoformat() for n in windows},
            "tasks": [],
        }
    q = replace(q, deadline_from=low, deadline_to=high)
    stages = classify_stages(q, keep=_FACT_KEEP)
    stages.append(
        {"$match": {"cat": "open_within_deadline", "eff": {"$lte": to_bson_day(last_day)}}}
    )
    start, end = _wd_range(q)
    d_index = cal.working_day_index(q.as_of)
    stages.append(
        {
            "$facet": {
                "counts": [
                    {
                        "$group": {
                            "_id": None,
                            **{
                                str(n): {"$sum": {"$cond": [{"$lte": ["$eff", limit_day]}, 1, 0]}}
                                for n, limit_day in limits.items()
                            },
                        }
                    }
                ],
                **(
                    {}
                    if limit == 0
                    else {
                        "tasks": [
                            {"$sort": {"eff": 1, "_id": 1}},
                            {"$limit": limit},
                            {
                                "$addFields": {
                                    "left": {
                                        "$subtract": [
                                            working_day_index_expr(cal, "$eff", start, end),
                                            d_index,
                                        ]
                                    }
                                }
                            },
                            *_join_task_and_document(),
                        ]
                    }
                ),
            }
        }
    )
    res = repo.aggregate_tasks(stages, q.scope, source="facts")
    facet = {"counts": [], "tasks": [], **(res[0] if res else {})}
    counts = facet["counts"][0] if facet["counts"] else {}
    return {
        "as_of": q.as_of.isoformat(),
        "windows": {str(n): int(counts.get(str(n), 0)) for n in windows},
        "window_ends": {str(n): cal.add_working_days(q.as_of, n).isoformat() for n in windows},
        "tasks": [_task_row(t) for t in facet["tasks"]],
    }
