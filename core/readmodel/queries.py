"""The figures of core/metrics and core/backlog computed on the read model's columns.

Each function returns exactly what its pipeline twin returns for the same question (the
property tests hold them equal): `status_metrics`, `period_metrics`, `overdue_age`,
`longest_overdue`, `due_soon`. Populations, scope and filters are applied here as
`population_match` and `Scope.task_match()` apply them in MongoDB; the classification is
`core.readmodel.rules`; grouping keys are re-keyed (successors, portfolios) and shaped by the
same helpers as the pipelines' (`core.metrics.status`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from core.calendar import WorkCalendar
from core.dates import to_bson_day
from core.metrics.overdue import _join_task_and_document, _task_row, _wd_range
from core.metrics.period_counts import _period_query
from core.metrics.query import AGE_BUCKETS, CATEGORIES, COUNT_FIELDS, MetricsQuery
from core.metrics.status import _key_map, _names, _shape
from core.periods import Period
from core.readmodel.columns import NEVER, FactColumns, day_number, day_of
from core.readmodel.rules import CODE, category, effective_deadline
from core.repository import Repository
from core.scope import Scope

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Classified:
    """The tasks of a query's population: their rows, deadline in force and category as of D."""

    rows: I64
    eff: I32
    cat: npt.NDArray[np.int8]


def _allowed(cols: FactColumns, units: frozenset[str] | set[str]) -> npt.NDArray[np.bool_]:
    """A lookup table: code + 1 → whether the unit is in `units` (index 0: no unit)."""
    table = np.zeros(len(cols.units.values) + 1, bool)
    codes = cols.units.codes_of(units)
    table[codes + 1] = True
    return table


def scope_mask(cols: FactColumns, scope: Scope) -> npt.NDArray[np.bool_] | None:
    """Rows the scope lets the reader see, as `Scope.task_match()` says (None: all)."""
    match = scope.task_match()
    if not match:
        return None
    units = scope.units if scope.units is not None else frozenset()
    table = _allowed(cols, units)
    n = cols.n
    mask = table[cols.lead[:n] + 1]
    if scope.include_coordinating:
        for k in range(cols.coord.shape[0]):
            mask |= table[cols.coord[k, :n] + 1]
    return mask


def classify(cols: FactColumns, q: MetricsQuery) -> Classified:
    """The population of `q` as of D (as `population_match` and `classify_stages` define it),
    within its scope, with each task's deadline in force and category."""
    n = cols.n
    d = day_number(q.as_of)
    assigned = cols.assigned[:n]
    high = d if q.assigned_to is None else min(d, day_number(q.assigned_to))
    mask = (assigned <= high) & (cols.cancelled[:n] > d)
    if q.assigned_from is not None:
        mask &= assigned >= day_number(q.assigned_from)
    if q.priority_only:
        mask &= cols.priority[:n]
    if q.lead_units is not None:
        mask &= _allowed(cols, q.lead_units)[cols.lead[:n] + 1]
    seen = scope_mask(cols, q.scope)
    if seen is not None:
        mask &= seen
    low_dl = day_number(q.deadline_from) if q.deadline_from is not None else None
    high_dl = day_number(q.deadline_to) if q.deadline_to is not None else None
    ranged = low_dl is not None or high_dl is not None
    if ranged:
        # Exact pre-filter: the deadline in force is the original or an extension's.
        lo = low_dl if low_dl is not None else np.iinfo(np.int32).min
        hi = high_dl if high_dl is not None else int(NEVER) - 1
        near = (cols.deadline[:n] >= lo) & (cols.deadline[:n] <= hi)
        for k in range(cols.ext_new.shape[0]):
            near |= (cols.ext_new[k, :n] >= lo) & (cols.ext_new[k, :n] <= hi)
        mask &= near
    rows = np.flatnonzero(mask)
    completed = cols.completed[rows]
    eff = effective_deadline(
        cols.deadline[rows], completed, cols.ext_appr[:, rows], cols.ext_new[:, rows], d
    )
    if ranged:
        keep = eff != NEVER
        if low_dl is not None:
            keep &= eff >= low_dl
        if high_dl is not None:
            keep &= eff <= high_dl
        rows, eff, completed = rows[keep], eff[keep], completed[keep]
    return Classified(rows, eff, category(completed, eff, d))


# --- status per group ---------------------------------------------------------------------------

_KEY_COLUMN = {
    "unit": ("lead", "units"),
    "portfolio": ("lead", "units"),
    "signer": ("signer", "signers"),
    "tracking_room": ("room", "rooms"),
    "document_type": ("doc_type", "doc_types"),
}


def counted_rows(
    cols: FactColumns, q: MetricsQuery, key_map: Mapping[str, str] | None
) -> list[dict[str, Any]]:
    """Counts per reported key (`_id`) as the pipeline's `merge_counts` gives them."""
    got = classify(cols, q)
    ncat = len(CATEGORIES)
    raw_keys: list[Any]
    if q.by in _KEY_COLUMN:
        column, vocab_name = _KEY_COLUMN[q.by]
        codes = getattr(cols, column)[got.rows] + 1
        raw_keys = [None, *getattr(cols, vocab_name).values]
    elif q.by == "priority":
        codes = cols.priority[got.rows].astype(np.int64)
        raw_keys = [False, True]
    else:
        codes = np.zeros(len(got.rows), np.int64)
        raw_keys = [None]
    counts = np.bincount(
        codes.astype(np.int64) * ncat + got.cat, minlength=len(raw_keys) * ncat
    ).reshape(len(raw_keys), ncat)
    merged: dict[Any, dict[str, Any]] = {}
    for slot in np.flatnonzero(counts.sum(axis=1)):
        raw = raw_keys[slot]
        key = key_map.get(raw, raw) if key_map and isinstance(raw, str) else raw
        row = merged.setdefault(key, {"_id": key, **dict.fromkeys(COUNT_FIELDS, 0)})
        for c, name in enumerate(CATEGORIES):
            row[name] += int(counts[slot, c])
            row["assigned"] += int(counts[slot, c])
    return sorted(merged.values(), key=lambda r: (r["_id"] is None, str(r["_id"])))


def status_metrics(repo: Repository, cols: FactColumns, q: MetricsQuery) -> dict[str, Any]:
    """`core.metrics.status_metrics` on the columns."""
    return _shape(q, counted_rows(cols, q, _key_map(repo, q)), _names(repo, q.by))


def period_metrics(
    repo: Repository,
    cols: FactColumns,
    q: MetricsQuery,
    periods: Sequence[Period],
    population: str = "deadline",
) -> list[dict[str, Any]]:
    """`core.metrics.period_metrics` on the columns: each period's own query, counted live
    (no stored summaries needed: a period costs a few milliseconds)."""
    if population not in ("deadline", "assigned", "cumulative"):
        raise ValueError(f"population: «{population}» không hợp lệ")
    names = _names(repo, q.by)
    org = (repo.units(), repo.leaders()) if q.by in ("unit", "portfolio") else None
    out = []
    for p in periods:
        pq = _period_query(q, p, population, q.by)
        out.append(_shape(pq, counted_rows(cols, pq, _key_map(repo, pq, org)), names))
    return out


# --- overdue age, longest overdue, due soon ----------------------------------------------------


class WorkingDays:
    """`WorkCalendar.working_day_index` as a table over day numbers (built once per calendar)."""

    def __init__(self, cal: WorkCalendar, first: date, last: date) -> None:
        self.cal = cal
        self.first = day_number(first)
        self.last = day_number(last)
        span = self.last - self.first + 1
        working = np.fromiter(
            (cal.is_working_day(first + timedelta(days=i)) for i in range(span)), bool, span
        )
        working[0] = False
        self.table = cal.working_day_index(first) + np.cumsum(working, dtype=np.int64)

    def covers(self, cal: WorkCalendar, first: date, last: date) -> bool:
        """Whether this table serves `cal` over [first, last]."""
        return cal is self.cal and self.first <= day_number(first) and day_number(last) <= self.last

    def index(self, days: I32) -> npt.NDArray[np.int64]:
        """The working-day index of each day number."""
        return np.asarray(self.table[np.clip(days, self.first, self.last) - self.first], np.int64)


_TABLES: list[WorkingDays] = []


def working_days(cal: WorkCalendar, as_of: date) -> WorkingDays:
    """A table for `cal` over the days the pipelines' expression is exact for around D."""
    first, last = _wd_range(MetricsQuery(as_of=as_of))
    first, last = date(first.year, 1, 1), date(last.year, 12, 31)
    for table in _TABLES:
        if table.covers(cal, first, last):
            return table
    table = WorkingDays(cal, first, max(last, date(first.year + 1, 12, 31)))
    _TABLES[:] = [*[t for t in _TABLES if t.cal is not cal][-3:], table]
    return table


def overdue_age(cols: FactColumns, q: MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
    """`core.metrics.overdue_age` on the columns."""
    got = classify(cols, q)
    over = got.cat == CODE["open_overdue"]
    eff = got.eff[over]
    wd = working_days(cal, q.as_of)
    age = wd.index(np.array([day_number(q.as_of)], np.int32))[0] - wd.index(eff)
    highs = [high for _k, _l, _low, high in AGE_BUCKETS if high is not None]
    bucket = np.searchsorted(np.array(highs), age, side="left")
    keys = [key for key, *_ in AGE_BUCKETS]
    nb = len(keys)
    units = cols.lead[got.rows[over]] + 1
    counts = np.bincount(units * nb + bucket, minlength=(len(cols.units.values) + 1) * nb)
    counts = counts.reshape(-1, nb)
    by_unit: dict[Any, dict[str, int]] = {}
    for slot in np.flatnonzero(counts.sum(axis=1)):
        unit = cols.units.decode(int(slot) - 1)
        by_unit[unit] = {keys[b]: int(counts[slot, b]) for b in range(nb)}
    totals = counts.sum(axis=0)
    return {
        "as_of": q.as_of.isoformat(),
        "buckets": [
            {"key": key, "label": label, "count": int(totals[i])}
            for i, (key, label, *_rest) in enumerate(AGE_BUCKETS)
        ],
        "by_unit": by_unit,
    }


def _first_by_deadline(
    cols: FactColumns, rows: I64, eff: I32, start: int, count: int
) -> list[tuple[int, int]]:
    """(row, deadline in force) of the tasks `start`..`start+count` in the order
    (deadline in force, task key), as the pipelines' `$sort: {eff: 1, _id: 1}`."""
    want = start + count
    if want <= 0 or not len(rows):
        return []
    if want < len(eff):
        edge = np.partition(eff, want - 1)[want - 1]
        near = eff <= edge
        rows, eff = rows[near], eff[near]
    order = sorted(
        zip(eff.tolist(), rows.tolist(), strict=True), key=lambda t: (t[0], cols.id_of(t[1]))
    )
    return [(r, e) for e, r in order[start:want]]


def _task_rows(
    repo: Repository,
    cols: FactColumns,
    chosen: Sequence[tuple[int, int]],
    scope: Scope,
    cat: str,
    extra: Mapping[int, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Rows of the task list for chosen (row, deadline in force), in that order, with their
    text and document read from MongoDB (a few dozen keys)."""
    if not chosen:
        return []
    ids = [cols.id_of(r) for r, _e in chosen]
    stages = [{"$match": {"_id": {"$in": ids}}}, *_join_task_and_document()]
    found = {t["_id"]: t for t in repo.aggregate_tasks(stages, scope, source="facts")}
    out = []
    for (row, eff), key in zip(chosen, ids, strict=True):
        t = found.get(key)
        if t is None:  # written since the columns were read: skip rather than guess
            continue
        t.update(eff=to_bson_day(day_of(eff)), cat=cat, **extra.get(row, {}))
        out.append(_task_row(t))
    return out


def longest_overdue(
    repo: Repository,
    cols: FactColumns,
    q: MetricsQuery,
    cal: WorkCalendar,
    limit: int = 20,
    skip: int = 0,
) -> list[dict[str, Any]]:
    """`core.metrics.longest_overdue` on the columns (texts read for the chosen tasks)."""
    got = classify(cols, q)
    over = got.cat == CODE["open_overdue"]
    chosen = _first_by_deadline(cols, got.rows[over], got.eff[over], skip, limit)
    wd = working_days(cal, q.as_of)
    d_index = int(wd.index(np.array([day_number(q.as_of)], np.int32))[0])
    effs = np.array([e for _r, e in chosen], np.int32)
    ages = (d_index - wd.index(effs)).tolist() if chosen else []
    extra = {r: {"age": a} for (r, _e), a in zip(chosen, ages, strict=True)}
    return _task_rows(repo, cols, chosen, q.scope, "open_overdue", extra)


def due_soon(
    repo: Repository,
    cols: FactColumns,
    q: MetricsQuery,
    cal: WorkCalendar,
    windows: Sequence[int] = (1, 3, 7),
    limit: int = 50,
) -> dict[str, Any]:
    """`core.metrics.due_soon` on the columns."""
    ends = {n: cal.add_working_days(q.as_of, n) for n in windows}
    last_day = day_number(cal.add_working_days(q.as_of, max(windows)))
    got = classify(cols, q)
    soon = (got.cat == CODE["open_within_deadline"]) & (got.eff <= last_day)
    eff, rows = got.eff[soon], got.rows[soon]
    counts = {str(n): int((eff <= day_number(end)).sum()) for n, end in ends.items()}
    chosen = _first_by_deadline(cols, rows, eff, 0, limit)
    wd = working_days(cal, q.as_of)
    d_index = int(wd.index(np.array([day_number(q.as_of)], np.int32))[0])
    effs = np.array([e for _r, e in chosen], np.int32)
    left = (wd.index(effs) - d_index).tolist() if chosen else []
    extra = {r: {"left": x} for (r, _e), x in zip(chosen, left, strict=True)}
    return {
        "as_of": q.as_of.isoformat(),
        "windows": counts,
        "window_ends": {str(n): end.isoformat() for n, end in ends.items()},
        "tasks": _task_rows(repo, cols, chosen, q.scope, "open_within_deadline", extra),
    }
