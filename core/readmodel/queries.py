"""The figures of core/metrics and core/backlog computed on the read model's columns.

Each function returns exactly what its pipeline twin returns for the same question (the
property tests hold them equal): `status_metrics`, `period_metrics`, `overdue_age`,
`longest_overdue`, `due_soon`. Populations, scope and filters are applied here as
`population_match` and `Scope.task_match()` apply them in MongoDB; the classification is
`core.readmodel.rules`; grouping keys are re-keyed (successors, portfolios) and shaped by the
same helpers as the pipelines' (`core.metrics.status`).
"""

from __future__ import annotations

import threading
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
from core.rows import DueSoon, OverdueTaskRow, StatusResult
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


def scope_mask(cols: FactColumns, scope: Scope, rows: Any = None) -> npt.NDArray[np.bool_] | None:
    """Rows (all, or those given) the scope lets the reader see, as `Scope.task_match()`
    says (None: all)."""
    match = scope.task_match()
    if not match:
        return None
    units = scope.units if scope.units is not None else frozenset()
    table = _allowed(cols, units)
    rows = slice(0, cols.n) if rows is None else rows
    mask = table[cols.lead[rows] + 1]
    if scope.include_coordinating:
        for k in range(cols.coord.shape[0]):
            mask |= table[cols.coord[k][rows] + 1]
    return np.asarray(mask, np.bool_)


def _sorted_unique(rows: I64) -> I64:
    """`np.unique` of row numbers, by a sort and a comparison of neighbours: three times
    faster than numpy 2's hash table on the tens of thousands of rows a period or a unit has
    at 1M tasks."""
    out = np.sort(rows)
    if len(out) < 2:
        return out
    keep = np.empty(len(out), np.bool_)
    keep[0] = True
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    return out[keep]


class DayIndex:
    """Rows sorted by a day (the assigned day; or every deadline a task may have in force: the
    original and each extension's), for range questions (a period) that touch few rows.
    Rows changed after it was built (`FactColumns.dirty`) are checked directly."""

    def __init__(self, cols: FactColumns, kind: str) -> None:
        n = cols.n
        if kind == "assigned":
            days = cols.assigned[:n]
            rows = np.arange(n, dtype=np.int64)
        else:
            parts = [
                cols.deadline[:n],
                *(cols.ext_new[k, :n] for k in range(cols.ext_new.shape[0])),
            ]
            days = np.concatenate(parts)
            rows = np.tile(np.arange(n, dtype=np.int64), len(parts))
            keep = days != NEVER
            days, rows = days[keep], rows[keep]
        order = np.argsort(days, kind="stable")
        self.days = days[order]
        self.rows = rows[order]
        self.n = n
        self.dirty_at_build = len(cols.dirty)

    def usable(self, cols: FactColumns) -> bool:
        """Whether the index still serves these columns (few rows changed since)."""
        return len(cols.dirty) - self.dirty_at_build < 20_000 and cols.n - self.n < 20_000

    def count(self, lo: int, hi: int) -> int:
        """How many entries have a day in [lo, hi] (when built)."""
        i = int(np.searchsorted(self.days, np.int32(lo), side="left"))
        return int(np.searchsorted(self.days, np.int32(hi), side="right")) - i

    def candidates(self, cols: FactColumns, lo: int, hi: int) -> I64:
        """Rows that may have a day in [lo, hi] (a superset; sorted, unique)."""
        i = int(np.searchsorted(self.days, np.int32(lo), side="left"))
        j = int(np.searchsorted(self.days, np.int32(hi), side="right"))
        found = self.rows[i:j]
        extra = [*cols.dirty[self.dirty_at_build :], *range(self.n, cols.n)]
        if extra:
            stale = np.zeros(cols.n, np.bool_)
            stale[np.array(extra, np.int64)] = True
            found = np.concatenate([found[~stale[found]], np.array(extra, np.int64)])
        if len(found) * 64 < cols.n:
            return _sorted_unique(found)
        marked = np.zeros(cols.n, np.bool_)
        marked[found] = True
        return np.flatnonzero(marked)


class UnitIndex:
    """Rows grouped by lead unit, for the questions about one unit or a few (a unit's page):
    their rows are gathered instead of every row of the column being tested. Rows changed
    after it was built (`FactColumns.dirty`) are checked directly."""

    def __init__(self, cols: FactColumns) -> None:
        n = cols.n
        slots = len(cols.units.values) + 1  # code + 1: slot 0 holds tasks without a unit
        codes = cols.lead[:n] + 1
        # Few units: 16-bit keys sort by radix, several times faster than a 32-bit sort.
        keys = codes.astype(np.int16) if slots < np.iinfo(np.int16).max else codes
        self.rows: I64 = np.argsort(keys, kind="stable").astype(np.int64)
        self.starts: I64 = np.searchsorted(codes[self.rows], np.arange(slots + 1)).astype(np.int64)
        self.n = n
        self.dirty_at_build = len(cols.dirty)

    def usable(self, cols: FactColumns) -> bool:
        """Whether the index still serves these columns (few rows changed since)."""
        return len(cols.dirty) - self.dirty_at_build < 20_000 and cols.n - self.n < 20_000

    def _slots(self, codes: I32) -> list[int]:
        """Slots of the given unit codes held by the index (a unit first seen since has
        none: its rows are among those changed since)."""
        last = len(self.starts) - 1
        return [int(c) + 1 for c in codes if int(c) + 1 < last]

    def count(self, codes: I32) -> int:
        """How many rows `candidates` gives at least (the rows of those units when built)."""
        return sum(int(self.starts[s + 1] - self.starts[s]) for s in self._slots(codes))

    def candidates(self, cols: FactColumns, codes: I32) -> I64:
        """Rows that may be led by one of the units (a superset; sorted, unique)."""
        parts = [self.rows[self.starts[s] : self.starts[s + 1]] for s in self._slots(codes)]
        extra = [*cols.dirty[self.dirty_at_build :], *range(self.n, cols.n)]
        if extra:
            parts.append(np.array(extra, np.int64))
        if not parts:
            return np.zeros(0, np.int64)
        if len(parts) == 1 and not extra:
            return parts[0]  # one unit's rows: already in row order (a stable sort)
        return _sorted_unique(np.concatenate(parts))


def _cache_lock(cols: FactColumns) -> threading.RLock:
    """The lock under which readers build what the columns keep for the next readers (day
    indexes, classifications): many queries read the columns at once, each is built once."""
    lock: threading.RLock | None = cols.__dict__.get("_cache_lock")
    if lock is None:
        lock = cols.__dict__.setdefault("_cache_lock", threading.RLock())
    return lock


def day_index(cols: FactColumns, kind: str) -> DayIndex:
    """The columns' `DayIndex` of a kind, built on first use and again after many changes."""
    key = f"_index_{kind}"
    index: DayIndex | None = cols.__dict__.get(key)
    if index is not None and index.usable(cols):
        return index
    with _cache_lock(cols):
        index = cols.__dict__.get(key)
        if index is None or not index.usable(cols):
            index = DayIndex(cols, kind)
            cols.__dict__[key] = index
        return index


def unit_index(cols: FactColumns) -> UnitIndex:
    """The columns' `UnitIndex`, built on first use and again after many changes."""
    index: UnitIndex | None = cols.__dict__.get("_index_unit")
    if index is not None and index.usable(cols):
        return index
    with _cache_lock(cols):
        index = cols.__dict__.get("_index_unit")
        if index is None or not index.usable(cols):
            index = UnitIndex(cols)
            cols.__dict__["_index_unit"] = index
        return index


def _all_classified(cols: FactColumns, d: int) -> tuple[I32, npt.NDArray[np.int8]]:
    """Every row's deadline in force and category as of day number `d` (kept for the last
    few days asked while the columns do not change: the figures of a page share one D)."""
    with _cache_lock(cols):
        return _classified_of(cols, d)


def _classified_of(cols: FactColumns, d: int) -> tuple[I32, npt.NDArray[np.int8]]:
    key = (cols.changes, cols.n, d)
    cache: dict[tuple[int, int, int], tuple[I32, npt.NDArray[np.int8]]] = cols.__dict__.setdefault(
        "_classified", {}
    )
    found = cache.get(key)
    if found is not None:
        return found
    n = cols.n
    completed = cols.completed[:n]
    eff = effective_deadline(
        cols.deadline[:n], completed, cols.ext_appr[:, :n], cols.ext_new[:, :n], d
    )
    result = (eff, category(completed, eff, d))
    for old in [k for k in cache if k[0] != cols.changes or k[1] != n][:]:
        del cache[old]
    while len(cache) >= 4:
        del cache[next(iter(cache))]
    cache[key] = result
    return result


@dataclass(frozen=True)
class Population:
    """A query's population as of D: a mask over the rows, with every row's deadline in force
    and category (dense populations), or only its rows' (`classified`, sparse ones)."""

    mask: npt.NDArray[np.bool_] | None
    eff: I32 | None
    cat: npt.NDArray[np.int8] | None
    classified: Classified | None


_KEPT_POPULATIONS = 8


def population(cols: FactColumns, q: MetricsQuery, within: I64 | None = None) -> Population:
    """The population of `q` as of D (as `population_match` and `classify_stages` define it),
    within its scope, classified. Narrow populations (a period, a unit, or the rows `within`
    which the caller knows it lies, such as a unit's coordinated tasks) are gathered first and
    classified alone; wide ones use the classification of every row (shared by the queries of
    the same day).

    The last few populations are kept while the columns do not change: a backlog asks four
    figures of one population (status, overdue age, due soon, the longest overdue), which a
    unit's page classified four times (30 ms at 1M)."""
    if within is not None:
        return _population(cols, q, within)
    key = (
        cols.changes,
        cols.n,
        q.as_of,
        q.assigned_from,
        q.assigned_to,
        q.deadline_from,
        q.deadline_to,
        q.lead_units,
        q.priority_only,
        q.scope,
    )  # what `_population` reads of the query (not its grouping or rollup)
    kept: dict[Any, Population] = cols.__dict__.setdefault("_populations", {})
    with _cache_lock(cols):
        found = kept.get(key)
    if found is not None:
        return found
    pop = _population(cols, q, None)
    with _cache_lock(cols):
        for old in [k for k in kept if k[:2] != key[:2]]:
            del kept[old]
        while len(kept) >= _KEPT_POPULATIONS:
            del kept[next(iter(kept))]
        kept[key] = pop
    return pop


def _population(cols: FactColumns, q: MetricsQuery, within: I64 | None) -> Population:
    n = cols.n
    d = day_number(q.as_of)
    high = d if q.assigned_to is None else min(d, day_number(q.assigned_to))
    low_dl = day_number(q.deadline_from) if q.deadline_from is not None else None
    high_dl = day_number(q.deadline_to) if q.deadline_to is not None else None
    ranged = low_dl is not None or high_dl is not None
    lo = low_dl if low_dl is not None else np.iinfo(np.int32).min
    hi = high_dl if high_dl is not None else int(NEVER) - 1
    window = (lo, hi) if ranged else None
    if within is not None:
        return _sparse(cols, q, within, d, window)
    # A few units' tasks (a unit's page): their rows, unless a period's are fewer.
    led = unit_index(cols) if q.lead_units is not None else None
    led_codes = cols.units.codes_of(q.lead_units) if q.lead_units is not None else None
    led_count = led.count(led_codes) if led is not None and led_codes is not None else n
    if ranged and low_dl is not None and high_dl is not None and high_dl - low_dl <= 800:
        # A deadline window (a period): the rows that may be due in it, from the index.
        due = day_index(cols, "deadline")
        if led is not None and led_codes is not None and led_count < due.count(lo, hi):
            return _sparse(cols, q, led.candidates(cols, led_codes), d, window)
        return _sparse(cols, q, due.candidates(cols, lo, hi), d, window)
    if led is not None and led_codes is not None and led_count * 8 < n:
        return _sparse(cols, q, led.candidates(cols, led_codes), d, window)
    if q.assigned_from is not None and high - day_number(q.assigned_from) <= 800:
        cand = day_index(cols, "assigned").candidates(cols, day_number(q.assigned_from), high)
        return _sparse(cols, q, cand, d, window)
    assigned = cols.assigned[:n]
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
    if ranged:
        # Exact pre-filter: the deadline in force is the original or an extension's.
        near = (cols.deadline[:n] >= lo) & (cols.deadline[:n] <= hi)
        for k in range(cols.ext_new.shape[0]):
            row = cols.ext_new[k, :n]
            near |= (row >= lo) & (row <= hi)
        mask &= near
    if np.count_nonzero(mask) * 4 > n:
        eff, cat = _all_classified(cols, d)
        if ranged:
            mask &= (eff >= lo) & (eff <= hi)
        return Population(mask, eff, cat, None)
    return _sparse(cols, q, np.flatnonzero(mask), d, window, checked=True)


def _sparse(
    cols: FactColumns,
    q: MetricsQuery,
    rows: I64,
    d: int,
    window: tuple[int, int] | None,
    checked: bool = False,
) -> Population:
    """The population among candidate rows (`checked`: already filtered by everything but the
    deadline in force, which must lie in `window` when given), classified on their own."""
    if not checked:
        assigned = cols.assigned[rows]
        high = d if q.assigned_to is None else min(d, day_number(q.assigned_to))
        keep = (assigned <= high) & (cols.cancelled[rows] > d)
        if q.assigned_from is not None:
            keep &= assigned >= day_number(q.assigned_from)
        if q.priority_only:
            keep &= cols.priority[rows]
        if q.lead_units is not None:
            keep &= _allowed(cols, q.lead_units)[cols.lead[rows] + 1]
        seen = scope_mask(cols, q.scope, rows)
        if seen is not None:
            keep &= seen
        rows = rows[keep]
    completed = cols.completed[rows]
    appr = np.stack([cols.ext_appr[k][rows] for k in range(cols.ext_appr.shape[0])])
    new = np.stack([cols.ext_new[k][rows] for k in range(cols.ext_new.shape[0])])
    eff = effective_deadline(cols.deadline[rows], completed, appr, new, d)
    if window is not None:  # the deadline in force must lie in the query's deadline range
        keep = (eff >= window[0]) & (eff <= window[1])
        rows, eff, completed = rows[keep], eff[keep], completed[keep]
    return Population(None, None, None, Classified(rows, eff, category(completed, eff, d)))


def classify(cols: FactColumns, q: MetricsQuery, within: I64 | None = None) -> Classified:
    """The tasks of `q`'s population (among the rows `within`, when given): rows, deadline in
    force and category as of D."""
    pop = population(cols, q, within)
    if pop.classified is not None:
        return pop.classified
    assert pop.mask is not None and pop.eff is not None and pop.cat is not None
    rows = np.flatnonzero(pop.mask)
    return Classified(rows, pop.eff[rows], pop.cat[rows])


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
    pop = population(cols, q)
    ncat = len(CATEGORIES)
    n = cols.n
    rows: Any = slice(0, n) if pop.classified is None else pop.classified.rows
    cat = pop.cat if pop.classified is None else pop.classified.cat
    assert cat is not None
    raw_keys: list[Any]
    if q.by in _KEY_COLUMN:
        column, vocab_name = _KEY_COLUMN[q.by]
        codes = getattr(cols, column)[rows] + 1
        raw_keys = [None, *getattr(cols, vocab_name).values]
    elif q.by == "priority":
        codes = cols.priority[rows].astype(np.int32)
        raw_keys = [False, True]
    else:
        codes = np.zeros(len(cat), np.int32)
        raw_keys = [None]
    combined = codes * ncat + cat
    slots = len(raw_keys) * ncat
    if pop.mask is not None:
        combined = np.where(pop.mask, combined, slots)  # rows outside: one slot past the end
    counts = np.bincount(combined, minlength=slots + 1)[:slots].reshape(len(raw_keys), ncat)
    merged: dict[Any, dict[str, Any]] = {}
    for slot in np.flatnonzero(counts.sum(axis=1)):
        raw = raw_keys[slot]
        key = key_map.get(raw, raw) if key_map and isinstance(raw, str) else raw
        row = merged.setdefault(key, {"_id": key, **dict.fromkeys(COUNT_FIELDS, 0)})
        for c, name in enumerate(CATEGORIES):
            row[name] += int(counts[slot, c])
            row["assigned"] += int(counts[slot, c])
    return sorted(merged.values(), key=lambda r: (r["_id"] is None, str(r["_id"])))


def status_metrics(repo: Repository, cols: FactColumns, q: MetricsQuery) -> StatusResult:
    """`core.metrics.status_metrics` on the columns."""
    return _shape(q, counted_rows(cols, q, _key_map(repo, q)), _names(repo, q.by))


def period_metrics(
    repo: Repository,
    cols: FactColumns,
    q: MetricsQuery,
    periods: Sequence[Period],
    population: str = "deadline",
) -> list[StatusResult]:
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
) -> list[OverdueTaskRow]:
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
) -> list[OverdueTaskRow]:
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
) -> DueSoon:
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
