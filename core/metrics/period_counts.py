"""Several reporting periods in one pass: summaries of ended periods, comparisons, trends."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

from core.dates import to_bson_day
from core.metrics.query import (
    _GROUP_FIELD,
    COUNT_FIELDS,
    MetricsQuery,
    category_expr,
    effective_deadline_expr,
    population_match,
)
from core.metrics.status import _key_map, _names, _shape, status_metrics
from core.periods import (
    Period,
    PeriodKind,
    PeriodRule,
    last_n_periods,
    period_containing,
    previous_period,
    same_period_last_year,
)
from core.repository import Repository
from core.rows import Comparison, PeriodTotal, StatusResult, StatusRow, TrendRow
from core.scope import Scope

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
) -> list[StatusResult]:
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
) -> list[StatusResult]:
    """Counted rows {_id: {p, k, c}, n} → one `status_metrics` object per period query."""
    names = _names(repo, q.by)
    org = (repo.units(), repo.leaders()) if q.by in ("unit", "portfolio") else None
    by_period: dict[int, list[Mapping[str, Any]]] = {}
    for row in counted:
        by_period.setdefault(row["_id"]["p"], []).append(row)
    out: list[StatusResult] = []
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


PeriodCounter = Callable[[MetricsQuery, Sequence[Period], str], list[StatusResult]]


def compare_periods(
    repo: Repository,
    q: MetricsQuery,
    period: Period,
    population: str = "assigned",
    counter: PeriodCounter | None = None,
) -> Comparison:
    """Totals for a period, the previous period and the same period a year earlier.

    `population`: 'assigned' (tasks assigned in the period, status at its end), 'deadline'
    (tasks whose effective deadline falls in it) or 'cumulative' («lũy kế»: assigned from the
    start of the reporting year to the period's end, `core.periods.year_to_date`). Each is
    evaluated as of the period's end, capped at the query's as-of date. `counter` counts the
    periods (default: `period_metrics` on this repository; the read model gives the same).
    """
    count = counter or (lambda pq, ps, pop: period_metrics(repo, pq, ps, pop))
    named = (
        ("current", period),
        ("previous", previous_period(period)),
        ("last_year", same_period_last_year(period)),
    )
    queries = [_period_query(q, p, population, "none") for _name, p in named]
    results = count(replace(q, by="none"), [p for _n, p in named], population)
    current, previous, last_year = (
        _period_total(p, pq, res["total"])
        for (_name, p), pq, res in zip(named, queries, results, strict=True)
    )
    return {
        "population": population,
        "current": current,
        "previous": previous,
        "last_year": last_year,
    }


def _period_total(p: Period, pq: MetricsQuery, total: StatusRow) -> PeriodTotal:
    """A period's total with the period and the day it is counted as of."""
    return {"period": p.to_dict(), "as_of": pq.as_of.isoformat(), **total}


def _period_query(q: MetricsQuery, p: Period, population: str, by: str) -> MetricsQuery:
    """The query of one period, as of its end but never after the query's own as-of date."""
    pq = replace(q.for_period(p, population), by=by)
    return replace(pq, as_of=q.as_of) if pq.as_of > q.as_of else pq


def _in_parallel(repo: Repository, queries: Sequence[MetricsQuery]) -> list[StatusResult]:
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
    counter: PeriodCounter | None = None,
) -> list[TrendRow]:
    """Per period (oldest first), the totals (or per-unit rows) as of each period's end.

    Default population: tasks whose effective deadline falls in the period (the third official
    style: "of tasks due in the period"), so each period's rate describes that period alone.
    """
    count = counter or (lambda pq, ps, pop: period_metrics(repo, pq, ps, pop))
    out: list[TrendRow] = []
    periods = last_n_periods(period, n)
    by = "unit" if by_unit else "none"
    for p, res in zip(periods, count(replace(q, by=by), periods, population), strict=True):
        if by_unit:
            out.extend(_in_period(p, row) for row in res["rows"])
        else:
            out.append(_in_period(p, res["total"]))
    return out


def _in_period(p: Period, row: StatusRow) -> TrendRow:
    """A status row of a trend, with its period's report key, label and days."""
    return {"period": p.report, "label": p.label, "start": p.start, "end": p.end, **row}
