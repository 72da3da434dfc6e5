"""Task status as of a date and the measures built on it, computed by MongoDB pipelines (số liệu).

Pure functions build the pipelines (tests can print and compare them); `Repository` runs them
and only summaries come back. The rules (DOMAIN.md "Status categories"):

* population as of D: assigned on or before D, not cancelled on or before D, within the
  optional filters (assigned between two dates; *effective* deadline between two dates);
* completed as of D: completion date on or before D;
* effective deadline: the new deadline of the latest extension approved on or before the
  earlier of the completion date and D, else the original deadline (so an extension approved
  after completion never turns a late completion into an on-time one);
* categories: completed_on_time (completion <= effective deadline), completed_late,
  open_within_deadline (D <= effective deadline), open_overdue (D > effective deadline), and for
  tasks without a deadline no_deadline_completed / no_deadline_open (never overdue);
* rates, named for their denominators, None when the denominator is 0:
  completion_rate_due and on_time_rate_due over (completed_on_time + completed_late +
  open_overdue), overdue_share_assigned over assigned.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from core.accountability import successor_map
from core.calendar import WorkCalendar, working_day_index_expr
from core.config import rank_min_due
from core.dates import format_vn, from_bson_day, to_bson_day
from core.numbers import format_count as format_count  # re-exported for callers of metrics
from core.numbers import format_rate as format_rate
from core.organisation import leaders_in_office
from core.periods import (
    Period,
    PeriodKind,
    PeriodRule,
    last_n_periods,
    period_containing,
    previous_period,
    same_period_last_year,
    year_to_date,
)
from core.repository import Repository
from core.scope import Scope
from core.vocab import DOCUMENT_TYPES, STATUS_LABELS

CATEGORIES: tuple[str, ...] = tuple(STATUS_LABELS)
COUNT_FIELDS: tuple[str, ...] = ("assigned", *CATEGORIES)
RATE_FIELDS: tuple[str, ...] = ("completion_rate_due", "on_time_rate_due", "overdue_share_assigned")
GROUPINGS: tuple[str, ...] = (
    "unit",
    "portfolio",
    "signer",
    "tracking_room",
    "document_type",
    "priority",
    "none",
)

# What each rate divides by, in the words a report uses.
RATE_LABELS: dict[str, str] = {
    "completion_rate_due": "Tỷ lệ hoàn thành (trên số nhiệm vụ đã đến hạn)",
    "on_time_rate_due": "Tỷ lệ hoàn thành đúng hạn (trên số nhiệm vụ đã đến hạn)",
    "overdue_share_assigned": "Tỷ lệ quá hạn (trên tổng số nhiệm vụ được giao)",
}
RATE_DENOMINATORS: dict[str, str] = {
    "completion_rate_due": "nhiệm vụ đã đến hạn = hoàn thành đúng hạn + hoàn thành quá hạn "
    "+ chưa hoàn thành quá hạn",
    "on_time_rate_due": "nhiệm vụ đã đến hạn = hoàn thành đúng hạn + hoàn thành quá hạn "
    "+ chưa hoàn thành quá hạn",
    "overdue_share_assigned": "tổng số nhiệm vụ được giao (kể cả nhiệm vụ không có thời hạn)",
}

# Overdue age buckets in working days (tuổi quá hạn): (key, label, low, high inclusive).
AGE_BUCKETS: tuple[tuple[str, str, int, int | None], ...] = (
    ("1-7", "Từ 1 đến 7 ngày", 0, 7),
    ("8-30", "Từ 8 đến 30 ngày", 8, 30),
    ("31-90", "Từ 31 đến 90 ngày", 31, 90),
    ("91-120", "Từ 91 đến 120 ngày", 91, 120),
    (">120", "Trên 120 ngày", 121, None),
)


@dataclass(frozen=True)
class MetricsQuery:
    """What to count: as of which day, which tasks, grouped how."""

    as_of: date
    assigned_from: date | None = None
    assigned_to: date | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    by: str = "unit"
    rollup_successors: bool = False
    priority_only: bool = False
    lead_units: frozenset[str] | None = None
    scope: Scope = field(default_factory=Scope.everything)

    def __post_init__(self) -> None:
        if self.by not in GROUPINGS:
            raise ValueError(
                f"--by: «{self.by}» không hợp lệ (chọn một trong {', '.join(GROUPINGS)})"
            )
        for low, high, name in (
            (self.assigned_from, self.assigned_to, "ngày giao"),
            (self.deadline_from, self.deadline_to, "thời hạn"),
        ):
            if low is not None and high is not None and low > high:
                raise ValueError(f"{name}: ngày bắt đầu sau ngày kết thúc")

    def filters(self) -> dict[str, Any]:
        """The filters echoed in the `cddh metrics` JSON."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        out: dict[str, Any] = {
            "assigned_from": iso(self.assigned_from),
            "assigned_to": iso(self.assigned_to),
            "deadline_from": iso(self.deadline_from),
            "deadline_to": iso(self.deadline_to),
            "rollup_successors": self.rollup_successors,
        }
        if self.priority_only:
            out["priority_only"] = True
        if self.lead_units is not None:
            out["lead_units"] = sorted(self.lead_units)
        return out

    def for_period(self, period: Period, population: str = "deadline") -> MetricsQuery:
        """The same query as of a period's end, restricted to tasks due (or assigned) in it."""
        if population == "deadline":
            return replace(
                self, as_of=period.end, deadline_from=period.start, deadline_to=period.end
            )
        if population == "assigned":
            return replace(
                self, as_of=period.end, assigned_from=period.start, assigned_to=period.end
            )
        # «Lũy kế»: assigned from the start of the reporting year up to the period's end.
        ytd = year_to_date(period.end, period.rule)
        return replace(self, as_of=period.end, assigned_from=ytd.start, assigned_to=period.end)


# --- pipeline builders (pure) -------------------------------------------------------------------


def population_match(q: MetricsQuery, cancelled_after: date | None = None) -> dict[str, Any]:
    """$match for the population as of D that can use indexes (effective deadline comes later).

    `cancelled_after` (default D) keeps tasks not cancelled by that day: the multi-period pass
    matches the union of its periods' populations with the earliest period end.
    """
    d = to_bson_day(q.as_of)
    gone = to_bson_day(cancelled_after) if cancelled_after is not None else d
    assigned: dict[str, Any] = {"$lte": d}
    if q.assigned_from is not None:
        assigned["$gte"] = to_bson_day(q.assigned_from)
    if q.assigned_to is not None:
        assigned["$lte"] = min(d, to_bson_day(q.assigned_to))
    match: dict[str, Any] = {
        "assigned_date": assigned,
        "$or": [{"cancelled_date": None}, {"cancelled_date": {"$gt": gone}}],
    }
    if q.deadline_from is not None or q.deadline_to is not None:
        # The effective deadline is the original one or one of the extensions' new deadlines,
        # so one of them must lie in the range: an exact pre-filter that indexes can serve.
        rng: dict[str, Any] = {}
        if q.deadline_from is not None:
            rng["$gte"] = to_bson_day(q.deadline_from)
        if q.deadline_to is not None:
            rng["$lte"] = to_bson_day(q.deadline_to)
    else:
        rng = {}
    if q.priority_only:
        match["priority"] = True
    if q.lead_units is not None:
        match["lead_unit"] = {"$in": sorted(q.lead_units)}
    if rng:
        # A top-level $or whose branches each carry the whole condition lets the planner use
        # the deadline index and the extensions' deadline index side by side.
        return {"$or": [{**match, "deadline": rng}, {**match, "extensions.new_deadline": rng}]}
    return match


def _day(as_of: date | Any) -> Any:
    """A day as a BSON value, or an expression (e.g. "$$p.cut") passed through."""
    return to_bson_day(as_of) if isinstance(as_of, date) else as_of


def effective_deadline_expr(as_of: date | Any) -> dict[str, Any]:
    """Expression: the deadline in force as of D (latest extension approved by the cut-off).

    D is a day or an expression giving one (the multi-period trend evaluates each period's end).
    """
    d = _day(as_of)
    cutoff = {
        "$cond": [
            {"$and": [{"$ne": ["$completed_date", None]}, {"$lte": ["$completed_date", d]}]},
            "$completed_date",
            d,
        ]
    }
    return {
        "$cond": [
            {"$eq": [{"$size": {"$ifNull": ["$extensions", []]}}, 0]},
            "$deadline",
            {
                "$let": {
                    "vars": {"cut": cutoff},
                    "in": {
                        "$getField": {
                            "field": "d",
                            "input": {
                                "$reduce": {
                                    "input": "$extensions",
                                    "initialValue": {"a": None, "d": "$deadline"},
                                    "in": {
                                        "$cond": [
                                            {
                                                "$and": [
                                                    {"$lte": ["$$this.approved_date", "$$cut"]},
                                                    {
                                                        "$or": [
                                                            {"$eq": ["$$value.a", None]},
                                                            {
                                                                "$gte": [
                                                                    "$$this.approved_date",
                                                                    "$$value.a",
                                                                ]
                                                            },
                                                        ]
                                                    },
                                                ]
                                            },
                                            {
                                                "a": "$$this.approved_date",
                                                "d": "$$this.new_deadline",
                                            },
                                            "$$value",
                                        ]
                                    },
                                }
                            },
                        }
                    },
                }
            },
        ]
    }


def category_expr(as_of: date | Any, eff: str = "$eff") -> dict[str, Any]:
    """Expression: the status category as of D (a day or an expression), given the deadline
    in force `eff`."""
    d = _day(as_of)
    done = {"$and": [{"$ne": ["$completed_date", None]}, {"$lte": ["$completed_date", d]}]}
    return {
        "$switch": {
            "branches": [
                {
                    "case": {"$eq": [{"$ifNull": [eff, None]}, None]},
                    "then": {"$cond": [done, "no_deadline_completed", "no_deadline_open"]},
                },
                {
                    "case": done,
                    "then": {
                        "$cond": [
                            {"$lte": ["$completed_date", eff]},
                            "completed_on_time",
                            "completed_late",
                        ]
                    },
                },
                {"case": {"$lte": [d, eff]}, "then": "open_within_deadline"},
            ],
            "default": "open_overdue",
        }
    }


def category_prefilter(categories: Sequence[str], as_of: date) -> dict[str, Any]:
    """A $match on stored fields that every task of the given categories as of D satisfies.

    Exact necessary conditions only (the classification still decides), so indexes on
    completion date and deadlines can skip most tasks when a list is filtered by status.
    """
    d = to_bson_day(as_of)
    done = {"completed_date": {"$ne": None, "$lte": d}}
    not_done = {"$or": [{"completed_date": None}, {"completed_date": {"$gt": d}}]}
    has_deadline = {"deadline": {"$ne": None}}
    conditions: dict[str, dict[str, Any]] = {
        "completed_on_time": {"$and": [done, has_deadline]},
        "completed_late": {"$and": [done, has_deadline]},
        "no_deadline_completed": {"$and": [done, {"deadline": None}]},
        "no_deadline_open": {"$and": [not_done, {"deadline": None}]},
        "open_within_deadline": {
            "$and": [
                not_done,
                {"$or": [{"deadline": {"$gte": d}}, {"extensions.new_deadline": {"$gte": d}}]},
            ]
        },
        "open_overdue": {
            "$and": [
                not_done,
                {"$or": [{"deadline": {"$lt": d}}, {"extensions.new_deadline": {"$lt": d}}]},
            ]
        },
    }
    chosen = [conditions[c] for c in dict.fromkeys(categories)]
    if not chosen:
        return {}
    return chosen[0] if len(chosen) == 1 else {"$or": chosen}


def classify_stages(q: MetricsQuery, keep: Sequence[str] = ()) -> list[dict[str, Any]]:
    """$match + $project giving each task of the population `eff` and `cat` (and `keep` fields)."""
    stages: list[dict[str, Any]] = [
        {"$match": population_match(q)},
        {
            "$project": {
                **{name: 1 for name in keep},
                "completed_date": 1,
                "eff": effective_deadline_expr(q.as_of),
            }
        },
    ]
    rng: dict[str, Any] = {}
    if q.deadline_from is not None:
        rng["$gte"] = to_bson_day(q.deadline_from)
    if q.deadline_to is not None:
        rng["$lte"] = to_bson_day(q.deadline_to)
    if rng:
        stages.append({"$match": {"eff": rng}})
    stages.append({"$addFields": {"cat": category_expr(q.as_of)}})
    return stages


def with_rates(row: dict[str, Any]) -> dict[str, Any]:
    """Add the three named rates to a row of counts (None when a denominator is 0)."""
    due = row["completed_on_time"] + row["completed_late"] + row["open_overdue"]
    done = row["completed_on_time"] + row["completed_late"]
    row["completion_rate_due"] = done / due if due else None
    row["on_time_rate_due"] = row["completed_on_time"] / due if due else None
    row["overdue_share_assigned"] = (
        row["open_overdue"] / row["assigned"] if row["assigned"] else None
    )
    return row


_GROUP_FIELD = {
    "unit": "lead_unit",
    "portfolio": "lead_unit",
    "signer": "signer",
    "tracking_room": "tracking_room",
    "document_type": "doc_type",
    "priority": "priority",
}


def _map_expr(value: str, mapping: Mapping[str, str], default: Any) -> dict[str, Any]:
    """Expression mapping a string through a literal table (for a few hundred grouped rows)."""
    keys = list(mapping)
    values = [mapping[k] for k in keys]
    return {
        "$let": {
            "vars": {"i": {"$indexOfArray": [{"$literal": keys}, value]}},
            "in": {
                "$cond": [
                    {"$lt": ["$$i", 0]},
                    default,
                    {"$arrayElemAt": [{"$literal": values}, "$$i"]},
                ]
            },
        }
    }


def status_pipeline(
    q: MetricsQuery, key_map: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The whole per-group pipeline: classify, count per (raw key, category), pivot, re-key,
    total and rates.

    Per task only one expression is evaluated (the category, inside the $group key); rows are
    then pivoted and re-keyed (unit → successor, unit → Vice-Chairman) on a few hundred groups.
    With a deadline filter the effective deadline must be matched first, so the tasks are
    classified by a $project instead (the filtered population is small).
    """
    raw = _GROUP_FIELD.get(q.by)
    key = f"${raw}" if raw else None
    category: Any
    if q.deadline_from is None and q.deadline_to is None:
        category = {
            "$let": {
                "vars": {"eff": effective_deadline_expr(q.as_of)},
                "in": category_expr(q.as_of, "$$eff"),
            }
        }
        stages: list[dict[str, Any]] = [{"$match": population_match(q)}]
    else:
        category = "$cat"
        stages = classify_stages(q, keep=[raw] if raw else [])
    stages.append({"$group": {"_id": {"k": key, "c": category}, "n": {"$sum": 1}}})
    pivot: dict[str, Any] = {"assigned": {"$sum": "$n"}}
    for cat in CATEGORIES:
        pivot[cat] = {"$sum": {"$cond": [{"$eq": ["$_id.c", cat]}, "$n", 0]}}
    key_expr = "$_id.k" if key_map is None else _map_expr("$_id.k", key_map, "$_id.k")
    stages.append({"$group": {"_id": key_expr, **pivot}})
    stages.append({"$sort": {"_id": 1}})
    return stages


# --- organisation lookups used for keys and names -----------------------------------------------


def portfolio_map(
    units: Sequence[Mapping[str, Any]], leaders: Sequence[Mapping[str, Any]], as_of: date
) -> dict[str, str]:
    """unit → the id of the leader (Vice-Chairman, else Chairman) whose portfolio holds it on D.

    A unit named explicitly in a portfolio wins over a sector match; Vice-Chairmen before the
    Chairman. Units in nobody's portfolio map to "none".
    """
    active = leaders_in_office(leaders, as_of)
    active.sort(key=lambda ldr: (ldr["title"] != "vice_chairman", str(ldr["_id"])))
    out: dict[str, str] = {}
    for unit in units:
        code = unit["_id"]
        holder = next(
            (ldr["_id"] for ldr in active if code in ldr.get("portfolio", {}).get("units", [])),
            None,
        )
        if holder is None and unit.get("sector"):
            holder = next(
                (
                    ldr["_id"]
                    for ldr in active
                    if unit["sector"] in ldr.get("portfolio", {}).get("sectors", [])
                ),
                None,
            )
        out[code] = holder or "none"
    return out


def _names(repo: Repository, by: str) -> dict[Any, str]:
    if by in ("unit", "tracking_room"):
        return {u["_id"]: u["name"] for u in repo.units()}
    if by in ("portfolio", "signer"):
        names = {ldr["_id"]: ldr["name"] for ldr in repo.leaders()}
        names["none"] = "Chưa phân công"
        return names
    if by == "document_type":
        return {code: name for code, (name, _abbr) in DOCUMENT_TYPES.items()}
    if by == "priority":
        return {True: "Nhiệm vụ trọng tâm", False: "Nhiệm vụ khác"}
    return {None: "Toàn tỉnh"}


def _key_map(
    repo: Repository,
    q: MetricsQuery,
    org: tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]] | None = None,
) -> dict[str, str] | None:
    """Raw group key → reported key as of D (successor rollup, Vice-Chairman); None: as is.

    `org` passes (units, leaders) already read, for callers that re-key several dates.
    """
    if q.by not in ("unit", "portfolio") or (q.by == "unit" and not q.rollup_successors):
        return None
    units, leaders = org if org is not None else (repo.units(), repo.leaders())
    rollup = successor_map(units, q.as_of) if q.rollup_successors else {}
    if q.by == "unit":
        return rollup
    owners = portfolio_map(units, leaders, q.as_of)
    return {u["_id"]: owners.get(rollup.get(u["_id"], u["_id"]), "none") for u in units}


def _row(raw: Mapping[str, Any], names: Mapping[Any, str]) -> dict[str, Any]:
    key = raw["_id"]
    row: dict[str, Any] = {
        "key": key if key is not None else "none",
        "name": names.get(key, str(key) if key is not None else "Chưa xác định"),
    }
    for name in COUNT_FIELDS:
        row[name] = int(raw.get(name, 0))
    for name in RATE_FIELDS:
        value = raw.get(name)
        row[name] = float(value) if value is not None else None
    return row


def empty_row(key: str, name: str) -> dict[str, Any]:
    """A row of zeros (rates None)."""
    return {
        "key": key,
        "name": name,
        **dict.fromkeys(COUNT_FIELDS, 0),
        **dict.fromkeys(RATE_FIELDS),
    }


def partitions(q: MetricsQuery, earliest: date | None) -> list[MetricsQuery]:
    """The query split in two halves of assigned dates, when it would scan every task.

    A MongoDB query runs on one core; two halves run side by side on two. Queries already
    narrowed by an assigned or deadline range use indexes and stay whole.
    """
    narrowed = any((q.assigned_from, q.assigned_to, q.deadline_from, q.deadline_to))
    middle = None if narrowed else assigned_middle(earliest, q.as_of)
    if middle is None:
        return [q]
    return [replace(q, assigned_to=middle), replace(q, assigned_from=middle + timedelta(days=1))]


def assigned_middle(earliest: date | None, as_of: date) -> date | None:
    """The day splitting the assigned dates up to D in two halves (the first ends on it), or
    None when a split is not worth it (no task, or under 60 days)."""
    if earliest is None or (as_of - earliest).days < 60:
        return None
    return earliest + (as_of - earliest) / 2


def merge_counts(parts: Sequence[Sequence[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Rows of several partitions summed by key (`_id`), sorted by key."""
    merged: dict[Any, dict[str, Any]] = {}
    for rows in parts:
        for raw in rows:
            row = merged.setdefault(
                raw["_id"], {"_id": raw["_id"], **dict.fromkeys(COUNT_FIELDS, 0)}
            )
            for name in COUNT_FIELDS:
                row[name] += int(raw.get(name, 0))
    return sorted(merged.values(), key=lambda r: (r["_id"] is None, str(r["_id"])))


def status_metrics(repo: Repository, q: MetricsQuery) -> dict[str, Any]:
    """Counts and rates per group as of D: the `cddh metrics --json` object."""
    key_map = _key_map(repo, q)
    earliest = repo.earliest_assigned()
    parts = partitions(q, from_bson_day(earliest) if earliest else None)

    def run(part: MetricsQuery) -> list[dict[str, Any]]:
        return repo.aggregate_tasks(status_pipeline(part, key_map), q.scope, source="facts")

    if len(parts) == 1:
        counted = merge_counts([run(parts[0])])
    else:
        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            counted = merge_counts(list(pool.map(run, parts)))
    return _shape(q, counted, _names(repo, q.by))


def _shape(
    q: MetricsQuery, counted: Sequence[Mapping[str, Any]], names: Mapping[Any, str]
) -> dict[str, Any]:
    """The `status_metrics` object from counted rows (`_id` = group key, one count per field)."""
    rows = [with_rates(_row(r, names)) for r in counted]
    if q.by == "priority":
        for row in rows:
            row["key"] = "priority" if row["key"] is True else "normal"
    if q.by == "none":
        for row in rows:
            row["key"], row["name"] = "ALL", "Toàn tỉnh"
    total = empty_row("ALL", "Tổng cộng")
    for row in rows:
        for name in COUNT_FIELDS:
            total[name] += row[name]
    return {
        "as_of": q.as_of.isoformat(),
        "by": q.by,
        "filters": q.filters(),
        "rows": rows,
        "total": with_rates(total),
    }


# --- ranking, comparison, trend ---------------------------------------------------------------


def rate_volume(row: Mapping[str, Any], rate: str) -> int:
    """The denominator behind a row's rate: tasks fallen due, or tasks assigned."""
    if rate == "overdue_share_assigned":
        return int(row["assigned"])
    return int(row["completed_on_time"] + row["completed_late"] + row["open_overdue"])


def rate_numerator(row: Mapping[str, Any], rate: str) -> int:
    """The count over `rate_volume` that a row's rate divides: completed (on time) of the tasks
    fallen due, or open overdue of the tasks assigned."""
    if rate == "overdue_share_assigned":
        return int(row["open_overdue"])
    if rate == "on_time_rate_due":
        return int(row["completed_on_time"])
    return int(row["completed_on_time"] + row["completed_late"])


def rank_rows(
    rows: Sequence[Mapping[str, Any]],
    rate: str = "on_time_rate_due",
    min_volume: int | None = None,
    worst_first: bool = True,
) -> list[dict[str, Any]]:
    """Rows ranked by a rate: worst first by default; equal rates share a rank.

    `rank` is 1 for the best rate (competition ranking: two units at 100% are both 1st, the next
    is 3rd). A row whose denominator (`rate_volume`: tasks fallen due, or assigned) is below
    `min_volume` (default: the CDDH_RANK_MIN_DUE setting) is kept apart, unranked (`rank`
    None, `ranked` False), after the ranked rows, most tasks first; so are rows without a rate.
    Each row also gets `volume` (the denominator). Within a rate, more tasks behind it come
    first (a worse record on more tasks weighs more), then the key.
    """
    if rate not in RATE_FIELDS:
        raise ValueError(f"tỷ lệ: «{rate}» không hợp lệ")
    if min_volume is None:
        min_volume = rank_min_due()
    lower_is_better = rate == "overdue_share_assigned"

    def goodness(row: Mapping[str, Any]) -> float:
        value = float(row[rate])
        return -value if lower_is_better else value

    ranked: list[dict[str, Any]] = []
    apart: list[dict[str, Any]] = []
    for raw in rows:
        row = dict(raw)
        row["volume"] = rate_volume(row, rate)
        if row.get(rate) is None or row["volume"] < max(min_volume, 1):
            row["rank"], row["ranked"] = None, False
            apart.append(row)
        else:
            row["ranked"] = True
            ranked.append(row)
    # Best first to number the ranks; equal rates (to 1e-9) share the rank of the first of them.
    ranked.sort(key=lambda r: (-round(goodness(r), 9), -r["volume"], str(r["key"])))
    previous: float | None = None
    for position, row in enumerate(ranked, start=1):
        value = round(goodness(row), 9)
        row["rank"] = position if value != previous else ranked[position - 2]["rank"]
        previous = value
    if worst_first:
        ranked.sort(key=lambda r: (round(goodness(r), 9), -r["volume"], str(r["key"])))
    apart.sort(key=lambda r: (-r["volume"], str(r["key"])))
    return ranked + apart


def delta(current: float | None, before: float | None) -> float | None:
    """current - before, None when either is missing."""
    if current is None or before is None:
        return None
    return current - before


# --- several periods in one pass ------------------------------------------------------------------

MULTI_PERIOD_POPULATIONS: tuple[str, ...] = ("deadline", "assigned")


def _period_specs(q: MetricsQuery, periods: Sequence[Period]) -> list[dict[str, Any]]:
    """Each period as the literal the multi-period pipeline reads: index, start, end, cut-off."""
    return [
        {
            "i": i,
            "s": to_bson_day(p.start),
            "e": to_bson_day(p.end),
            "cut": to_bson_day(min(p.end, q.as_of)),
        }
        for i, p in enumerate(periods)
    ]


def multi_period_pipeline(
    q: MetricsQuery,
    periods: Sequence[Period],
    population: str = "deadline",
    summary: bool = False,
) -> list[dict[str, Any]]:
    """One pass counting, for every period at once, its tasks as of its end (capped at D).

    Period i counts exactly what `status_metrics` counts for `_period_query(q, period_i,
    population, q.by)`: tasks assigned by the cut-off (and in the period, for 'assigned'), not
    cancelled by it, and for 'deadline' whose deadline in force at the cut-off lies in the
    period. A task with extensions can fall in several periods, so each task carries the list of
    (period, category) pairs it belongs to, which is unwound and counted per (period, raw key,
    category). Reading the tasks once instead of once per period is what makes a trend over
    ten years of yearly periods cheap. Re-keying (rollup, portfolio) is left to the caller,
    because it depends on each period's date.

    `summary=True` counts every task (the query's unit and priority filters are left out) per
    (period, lead unit, priority, category): the form kept in `period_summaries`.
    """
    if population not in MULTI_PERIOD_POPULATIONS:
        raise ValueError(f"population: «{population}» không hợp lệ")
    if not periods:
        raise ValueError("periods: cần ít nhất một kỳ")
    specs = _period_specs(q, periods)
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    latest_cut = min(last, q.as_of)
    earliest_cut = min(min(p.end, q.as_of) for p in periods)
    if summary:
        q = replace(q, priority_only=False, lead_units=None)
    if population == "deadline":
        union = replace(q, as_of=latest_cut, deadline_from=first, deadline_to=last)
    else:
        union = replace(q, as_of=latest_cut, assigned_from=first, assigned_to=last)
    raw = _GROUP_FIELD.get(q.by)
    keys: dict[str, Any] = (
        {"u": "$lead_unit", "r": "$priority"}
        if summary
        else {"k": f"${raw}" if raw else {"$literal": None}}
    )
    in_force = {
        "$and": [
            {"$lte": ["$assigned_date", "$$p.cut"]},
            {"$or": [{"$eq": ["$cancelled_date", None]}, {"$gt": ["$cancelled_date", "$$p.cut"]}]},
        ]
    }
    if population == "deadline":
        # The deadline in force can only be the original one or an extension's: a cheap test
        # on those picks the candidate periods before the deadline in force is worked out.
        candidate = {
            "$or": [
                {"$and": [{"$gte": ["$deadline", "$$p.s"]}, {"$lte": ["$deadline", "$$p.e"]}]},
                {
                    "$anyElementTrue": [
                        {
                            "$map": {
                                "input": {"$ifNull": ["$extensions", []]},
                                "as": "x",
                                "in": {
                                    "$and": [
                                        {"$gte": ["$$x.new_deadline", "$$p.s"]},
                                        {"$lte": ["$$x.new_deadline", "$$p.e"]},
                                    ]
                                },
                            }
                        }
                    ]
                },
            ]
        }
        eff_in: Any = {"$and": [{"$gte": ["$$eff", "$$p.s"]}, {"$lte": ["$$eff", "$$p.e"]}]}
    else:
        candidate = {
            "$and": [
                {"$gte": ["$assigned_date", "$$p.s"]},
                {"$lte": ["$assigned_date", "$$p.e"]},
            ]
        }
        # The query's own deadline range (if any) still applies to the deadline in force.
        eff_in = {
            "$and": [
                *([{"$gte": ["$$eff", to_bson_day(q.deadline_from)]}] if q.deadline_from else []),
                *([{"$lte": ["$$eff", to_bson_day(q.deadline_to)]}] if q.deadline_to else []),
            ]
        }
    classified = {
        "$map": {
            "input": {
                "$filter": {
                    "input": {"$literal": specs},
                    "as": "p",
                    "cond": {"$and": [candidate, in_force]},
                }
            },
            "as": "p",
            "in": {
                "$let": {
                    "vars": {"eff": effective_deadline_expr("$$p.cut")},
                    "in": {
                        "$cond": [
                            eff_in,
                            {"i": "$$p.i", "c": category_expr("$$p.cut", "$$eff")},
                            None,
                        ]
                    },
                }
            },
        }
    }
    return [
        {"$match": population_match(union, cancelled_after=earliest_cut)},
        {"$project": {**keys, "pc": classified}},
        {"$unwind": "$pc"},
        {"$match": {"pc": {"$ne": None}}},
        {
            "$group": {
                "_id": {"p": "$pc.i", **{k: f"${k}" for k in keys}, "c": "$pc.c"},
                "n": {"$sum": 1},
            }
        },
    ]


def period_metrics(
    repo: Repository,
    q: MetricsQuery,
    periods: Sequence[Period],
    population: str = "deadline",
) -> list[dict[str, Any]]:
    """`status_metrics` of each period (as of its end, capped at D), in the order given.

    Equal, period by period, to `status_metrics(repo, _period_query(q, p, population, q.by))`.
    'deadline' and 'assigned' populations are counted in one pass over the tasks (two halves
    of the periods side by side, one per core); 'cumulative' runs a query per period.
    Periods that ended by D are read from `period_summaries` when the query allows it (see
    `_summarizable`), computed and stored first when missing.
    """
    if not periods:
        return []
    by_dates = {(p.start, p.end): p for p in periods}
    if len(by_dates) < len(periods):
        # A period asked twice (a year's previous period is also the same period last year)
        # is counted once and handed out twice.
        distinct = list(by_dates.values())
        results = period_metrics(repo, q, distinct, population)
        by_span = {(p.start, p.end): r for p, r in zip(distinct, results, strict=True)}
        return [copy.deepcopy(by_span[(p.start, p.end)]) for p in periods]
    queries = [_period_query(q, p, population, q.by) for p in periods]
    if population not in MULTI_PERIOD_POPULATIONS:
        return _in_parallel(repo, queries)
    closed = [i for i, p in enumerate(periods) if _summarizable(q) and p.end <= q.as_of]
    counted: list[dict[str, Any]] = []
    stored: dict[tuple[date, date], list[dict[str, Any]]] = {}
    missing: list[int] = []
    if closed:
        spans = [(periods[i].start, periods[i].end) for i in closed]
        stored = repo.period_summaries(population, spans)
        missing = [i for i in closed if (periods[i].start, periods[i].end) not in stored]
    live = [i for i in range(len(periods)) if i not in closed]
    generation = repo.summary_generation() if missing else 0
    jobs = [(part, False) for part in _halves(periods, live)] + [
        (part, True) for part in _halves(periods, missing)
    ]

    def run(job: tuple[list[int], bool]) -> list[dict[str, Any]]:
        part, summary = job
        chosen = [periods[i] for i in part]
        pipeline = multi_period_pipeline(q, chosen, population, summary=summary)
        scope = Scope.everything() if summary else q.scope
        rows = repo.aggregate_tasks(pipeline, scope, source="facts")
        for row in rows:
            row["_id"]["p"] = part[row["_id"]["p"]]
        return rows

    computed: dict[tuple[date, date], list[dict[str, Any]]] = {
        (periods[i].start, periods[i].end): [] for i in missing
    }
    if jobs:
        with ThreadPoolExecutor(max_workers=min(2, len(jobs))) as pool:
            for (_part, summary), rows in zip(jobs, pool.map(run, jobs), strict=True):
                if not summary:
                    counted.extend(rows)
                    continue
                for row in rows:
                    i = row["_id"]["p"]
                    computed[(periods[i].start, periods[i].end)].append(
                        {"u": row["_id"].get("u"), "r": row["_id"].get("r"),
                         "c": row["_id"]["c"], "n": row["n"]}
                    )  # fmt: skip
        repo.save_period_summaries(population, generation, computed)
    stored.update(computed)
    for i in closed:
        counted.extend(_from_summary(q, i, stored[(periods[i].start, periods[i].end)]))
    return _shape_periods(repo, q, queries, counted)


SUMMARY_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "half", "nine_months", "year")


def warm_summaries(
    repo: Repository,
    as_of: date,
    rule: PeriodRule = "decree09",
    kinds: Sequence[PeriodKind] = SUMMARY_KINDS,
    n: int = 13,
) -> int:
    """Compute the missing summaries of the last `n` closed periods of each kind (both
    populations), so the first overview of a period kind reads them instead of scanning.

    13 periods cover a 12-period trend, the previous period and the same period a year
    earlier. Returns how many periods (of all kinds and populations) are summarized.
    """
    done = 0
    base = MetricsQuery(as_of=as_of, by="none")
    for kind in kinds:
        recent = last_n_periods(period_containing(kind, as_of, rule), n)
        periods = [p for p in recent if p.end <= as_of]  # the running period is never stored
        if not periods:
            continue
        for population in MULTI_PERIOD_POPULATIONS:
            period_metrics(repo, base, periods, population)
            done += len(periods)
    return done


def _summarizable(q: MetricsQuery) -> bool:
    """Whether summaries (counts per lead unit, priority, category) can answer this query."""
    return (
        q.by in ("unit", "portfolio", "priority", "none")
        and not any((q.assigned_from, q.assigned_to, q.deadline_from, q.deadline_to))
        and not q.scope.include_coordinating
    )


def _halves(periods: Sequence[Period], chosen: Sequence[int]) -> list[list[int]]:
    """The chosen periods in date order, split in two runs when there are several."""
    order = sorted(chosen, key=lambda i: periods[i].start)
    if len(order) < 2:
        return [order] if order else []
    return [order[: len(order) // 2], order[len(order) // 2 :]]


def _from_summary(
    q: MetricsQuery, index: int, rows: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """A period's summary rows as counted rows of the query (its filters and grouping)."""
    units = q.lead_units
    if q.scope.units is not None:
        units = q.scope.units if units is None else units & q.scope.units
    out: list[dict[str, Any]] = []
    for row in rows:
        if units is not None and row["u"] not in units:
            continue
        if q.priority_only and not row["r"]:
            continue
        key = row["r"] if q.by == "priority" else None if q.by == "none" else row["u"]
        out.append({"_id": {"p": index, "k": key, "c": row["c"]}, "n": row["n"]})
    return out


def _shape_periods(
    repo: Repository,
    q: MetricsQuery,
    queries: Sequence[MetricsQuery],
    counted: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Counted rows {_id: {p, k, c}, n} → one `status_metrics` object per period query."""
    names = _names(repo, q.by)
    org = (repo.units(), repo.leaders()) if q.by in ("unit", "portfolio") else None
    by_period: dict[int, list[Mapping[str, Any]]] = {}
    for row in counted:
        by_period.setdefault(row["_id"]["p"], []).append(row)
    out: list[dict[str, Any]] = []
    for i, pq in enumerate(queries):
        key_map = _key_map(repo, pq, org) or {}
        grouped: dict[Any, dict[str, Any]] = {}
        for row in by_period.get(i, []):
            raw_key = row["_id"].get("k")
            key = key_map.get(raw_key, raw_key) if isinstance(raw_key, str) else raw_key
            target = grouped.setdefault(key, {"_id": key, **dict.fromkeys(COUNT_FIELDS, 0)})
            target["assigned"] += row["n"]
            target[row["_id"]["c"]] += row["n"]
        rows = sorted(grouped.values(), key=lambda r: (r["_id"] is None, str(r["_id"])))
        out.append(_shape(pq, rows, names))
    return out


def compare_periods(
    repo: Repository, q: MetricsQuery, period: Period, population: str = "assigned"
) -> dict[str, Any]:
    """Totals for a period, the previous period and the same period a year earlier.

    `population`: 'assigned' (tasks assigned in the period, status at its end), 'deadline'
    (tasks whose effective deadline falls in it) or 'cumulative' («lũy kế»: assigned from the
    start of the reporting year to the period's end, `core.periods.year_to_date`). Each is
    evaluated as of the period's end, capped at the query's as-of date.
    """
    out: dict[str, Any] = {"population": population}
    named = (
        ("current", period),
        ("previous", previous_period(period)),
        ("last_year", same_period_last_year(period)),
    )
    queries = [_period_query(q, p, population, "none") for _name, p in named]
    results = period_metrics(repo, replace(q, by="none"), [p for _n, p in named], population)
    for (name, p), pq, res in zip(named, queries, results, strict=True):
        out[name] = {"period": p.to_dict(), "as_of": pq.as_of.isoformat(), **res["total"]}
    return out


def _period_query(q: MetricsQuery, p: Period, population: str, by: str) -> MetricsQuery:
    """The query of one period, as of its end but never after the query's own as-of date."""
    pq = replace(q.for_period(p, population), by=by)
    return replace(pq, as_of=q.as_of) if pq.as_of > q.as_of else pq


def _in_parallel(repo: Repository, queries: Sequence[MetricsQuery]) -> list[dict[str, Any]]:
    """`status_metrics` of several index-narrowed queries, two at a time (one per core)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda pq: status_metrics(repo, pq), queries))


def trend(
    repo: Repository,
    q: MetricsQuery,
    period: Period,
    n: int = 12,
    population: str = "deadline",
    by_unit: bool = False,
) -> list[dict[str, Any]]:
    """Per period (oldest first), the totals (or per-unit rows) as of each period's end.

    Default population: tasks whose effective deadline falls in the period (the third official
    style: "of tasks due in the period"), so each period's rate describes that period alone.
    """
    out: list[dict[str, Any]] = []
    periods = last_n_periods(period, n)
    by = "unit" if by_unit else "none"
    for p, res in zip(
        periods, period_metrics(repo, replace(q, by=by), periods, population), strict=True
    ):
        base = {"period": p.report, "label": p.label, "start": p.start, "end": p.end}
        if by_unit:
            out.extend({**base, **row} for row in res["rows"])
        else:
            out.append({**base, **res["total"]})
    return out


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
) -> list[dict[str, Any]]:
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


def _task_row(t: Mapping[str, Any]) -> dict[str, Any]:
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
) -> dict[str, Any]:
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
                ],
            }
        }
    )
    res = repo.aggregate_tasks(stages, q.scope, source="facts")
    facet = res[0] if res else {"counts": [], "tasks": []}
    counts = facet["counts"][0] if facet["counts"] else {}
    return {
        "as_of": q.as_of.isoformat(),
        "windows": {str(n): int(counts.get(str(n), 0)) for n in windows},
        "window_ends": {str(n): cal.add_working_days(q.as_of, n).isoformat() for n in windows},
        "tasks": [_task_row(t) for t in facet["tasks"]],
    }


# --- update discipline ------------------------------------------------------------------------


def discipline_pipeline(q: MetricsQuery, cal: WorkCalendar) -> list[dict[str, Any]]:
    """Per lead unit: the update duties that fell due by D and how many were met on time.

    * late entry (Art. 7.1.a): entered by the Office more than 1 working day after issue;
    * overdue update (Art. 8.1.a): a task that passed its effective deadline unfinished needs a
      progress report (or its completion) within 1 working day after the deadline;
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
        q, keep=["lead_unit", "tracking_room", "entered_at", "doc_issue_date", "progress"]
    )
    progress_dates = {"$map": {"input": {"$ifNull": ["$progress", []]}, "in": "$$this.date"}}
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


def update_discipline(repo: Repository, q: MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
    """Update discipline per lead unit (chất lượng cập nhật), with the share updated on time.

    With `rollup_successors`, a unit that had ended by D is counted under its successor.
    """
    rows = repo.aggregate_tasks(discipline_pipeline(q, cal), q.scope)
    names = _names(repo, "unit")
    if q.rollup_successors:
        successors = successor_map(repo.units(), q.as_of)
        merged: dict[Any, dict[str, Any]] = {}
        for raw in rows:
            code = successors.get(raw["_id"], raw["_id"])
            into = merged.setdefault(code, {"_id": code})
            for k, v in raw.items():
                if k != "_id":
                    into[k] = into.get(k, 0) + int(v or 0)
        rows = sorted(merged.values(), key=lambda r: str(r["_id"]))
    out_rows = []
    total = {
        k: 0
        for k in (
            "tasks",
            "late_entry",
            "overdue_duties",
            "overdue_updated",
            "monthly_duties",
            "monthly_updated",
        )
    }
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
    }


def _discipline_rates(row: dict[str, Any]) -> dict[str, Any]:
    duties = row["overdue_duties"] + row["monthly_duties"]
    met = row["overdue_updated"] + row["monthly_updated"]
    row["duties"] = duties
    row["updated_on_time"] = met
    row["not_updated"] = duties - met
    row["update_rate"] = met / duties if duties else None
    row["late_entry_share"] = row["late_entry"] / row["tasks"] if row["tasks"] else None
    return row


# --- presentation helpers shared by the CLI, pages and briefings --------------------------------


def format_table(result: Mapping[str, Any]) -> str:
    """A readable Vietnamese table of a `status_metrics` result (CLI without --json)."""
    head = (
        f"Số liệu tại ngày {format_vn(date.fromisoformat(result['as_of']))} "
        f"(nhóm theo: {result['by']})"
    )
    cols = [
        ("Giao", "assigned"),
        ("HT đúng hạn", "completed_on_time"),
        ("HT quá hạn", "completed_late"),
        ("Chưa HT trong hạn", "open_within_deadline"),
        ("Chưa HT quá hạn", "open_overdue"),
        ("KTH đã HT", "no_deadline_completed"),
        ("KTH chưa HT", "no_deadline_open"),
        ("Tỷ lệ HT đúng hạn*", "on_time_rate_due"),
    ]
    rows = [*result["rows"], result["total"]]
    width = max([len("Nhóm")] + [len(str(r["name"])) for r in rows])
    lines = [head, f"{'Nhóm':<{width}}  " + "  ".join(c for c, _ in cols)]
    for r in rows:
        cells = []
        for label, key in cols:
            value = r[key]
            text = format_rate(value) if key in RATE_FIELDS else format_count(value)
            cells.append(f"{text:>{len(label)}}")
        lines.append(f"{r['name']:<{width}}  " + "  ".join(cells))
    lines.append(
        "* " + RATE_LABELS["on_time_rate_due"] + ": " + RATE_DENOMINATORS["on_time_rate_due"]
    )
    lines.append("HT: hoàn thành; KTH: không có thời hạn.")
    return "\n".join(lines)
