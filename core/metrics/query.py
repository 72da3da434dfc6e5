"""The status query as of D: categories, rates, `MetricsQuery` and the pure pipeline builders.

Evaluated as of a cut-off date D on the deadline in force (the last extension approved by D):
the four official categories plus tasks without a deadline, counted apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar, get_args

from core.dates import to_bson_day
from core.periods import (
    Period,
    year_to_date,
)
from core.rows import Category, CountField, Figures, RateField
from core.scope import Scope

# In the order of `core.vocab.STATUS_LABELS` (a test checks they agree).
CATEGORIES: tuple[Category, ...] = get_args(Category)
COUNT_FIELDS: tuple[CountField, ...] = ("assigned", *CATEGORIES)
RATE_FIELDS: tuple[RateField, ...] = get_args(RateField)
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
    # The day whose organisation decides the rollup (default: `as_of`). Pages and briefings set
    # it to the day they are read on, so every period, however old, is counted under today's
    # units: a trend or a past month names the successor, not a unit that no longer exists.
    rollup_as_of: date | None = None
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

    @property
    def organisation_day(self) -> date:
        """The day whose organisation re-keys the groups (successors, portfolios)."""
        return self.rollup_as_of or self.as_of

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
        if self.rollup_successors and self.rollup_as_of not in (None, self.as_of):
            out["rollup_as_of"] = iso(self.rollup_as_of)
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


F = TypeVar("F", bound=Figures)


def with_rates(row: F) -> F:
    """Set the three named rates of a row from its counts (None when a denominator is 0)."""
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
