"""Update discipline (`core.metrics.update_discipline`) with its population from the columns.

The columns find the query's tasks and classify them (deadline in force, category) in
milliseconds; the update duties also need when each task was entered, its document's issue day
and the instants of its progress and completion reports, which the facts carry too (facts
format 3: the columns `entered`, `issued` and `updates`). Columns read without them (an older
snapshot is read again instead, so only by hand) get them from MongoDB for those tasks, by key.
The counts are then made with numpy exactly as `discipline_pipeline` makes them (the property
tests hold both equal), and shaped by the same `discipline_result`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from core.calendar import WorkCalendar
from core.metrics.discipline import DISCIPLINE_COUNTS, discipline_inputs, discipline_result
from core.metrics.overdue import _wd_range
from core.metrics.query import MetricsQuery
from core.readmodel.columns import NEVER, FactColumns, day_number
from core.readmodel.queries import classify, working_days
from core.readmodel.rules import CODE
from core.repository import Repository

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
_DAY_MS = 86_400_000
_LOCAL_OFFSET_MS = 7 * 3_600_000  # Asia/Ho_Chi_Minh, UTC+7


@dataclass(frozen=True)
class DisciplinePopulation:
    """The tasks of a discipline query, read from the columns (copies: usable without the lock),
    with their discipline inputs when the columns hold them (`inputs`), or else their keys, to
    read those inputs from MongoDB (`ids`; not made otherwise: 18 ms for a unit's 20,000 tasks)."""

    ids: list[str]
    lead: list[str | None]
    eff: I32
    cat: npt.NDArray[np.int8]
    completed: I32
    assigned: I32
    inputs: DutyInputs | None = None


@dataclass(frozen=True)
class DutyInputs:
    """Per task: the local days it was entered and its document issued (`NEVER`: unknown);
    per update: the position of its task and its instant (ms) — what `DISCIPLINE_INPUTS` reads
    from MongoDB."""

    entered: I32
    issued: I32
    owner: I64
    stamps: I64


def population(cols: FactColumns, q: MetricsQuery) -> DisciplinePopulation:
    """The query's tasks with their deadline in force and category as of D (under the lock)."""
    got = classify(cols, q)
    rows = got.rows
    units: list[str | None] = [None, *cols.units.values]  # code + 1 → unit
    inputs = None
    if cols.updates is not None:
        owner, stamps = cols.updates.gather(rows)
        inputs = DutyInputs(
            entered=np.array(cols.entered[rows], np.int32),
            issued=np.array(cols.issued[rows], np.int32),
            owner=owner,
            stamps=stamps,
        )
    return DisciplinePopulation(
        ids=cols.id_list(rows) if inputs is None else [],
        lead=[units[c + 1] for c in cols.lead[rows].tolist()],
        eff=np.array(got.eff, np.int32),
        cat=np.array(got.cat, np.int8),
        completed=np.array(cols.completed[rows], np.int32),
        assigned=np.array(cols.assigned[rows], np.int32),
        inputs=inputs,
    )


def read_inputs(pop: DisciplinePopulation, inputs: Mapping[str, Mapping[str, Any]]) -> DutyInputs:
    """`DutyInputs` from what `discipline_inputs` read from MongoDB (by task key)."""
    n = len(pop.eff)
    entered = np.full(n, NEVER, np.int32)
    issued = np.full(n, NEVER, np.int32)
    owner: list[int] = []
    stamps: list[int] = []
    for i, key in enumerate(pop.ids):
        doc = inputs.get(key)
        if doc is None:
            continue
        e, s = doc.get("entered"), doc.get("issued")
        if e is not None and s is not None:
            entered[i] = _local_day(np.array([e], np.int64))[0]
            issued[i] = _local_day(np.array([s], np.int64))[0]
        for stamp in doc.get("updates") or ():
            if stamp is not None:
                owner.append(i)
                stamps.append(stamp)
    return DutyInputs(entered, issued, np.array(owner, np.int64), np.array(stamps, np.int64))


def _local_day(ms: npt.NDArray[np.int64]) -> I64:
    return np.asarray((ms + _LOCAL_OFFSET_MS) // _DAY_MS, np.int64)


def _midnight_ms(days: npt.NDArray[Any]) -> I64:
    """The stored instant (local midnight) of day numbers."""
    return np.asarray(days.astype(np.int64) * _DAY_MS - _LOCAL_OFFSET_MS, np.int64)


def counts(
    pop: DisciplinePopulation,
    inputs: DutyInputs,
    q: MetricsQuery,
    cal: WorkCalendar,
) -> list[dict[str, Any]]:
    """Counts per raw lead unit, as `discipline_pipeline` groups them (sorted by unit).

    Working-day indexes are those of `working_day_index_expr` (null outside its years, and a
    null compares as MongoDB compares it: below every number)."""
    n = len(pop.eff)
    if n == 0:
        return []
    d = day_number(q.as_of)
    month_start = day_number(q.as_of.replace(day=1))
    wd = working_days(cal, q.as_of)
    first, last = _wd_range(q)
    low = day_number(date(first.year, 1, 1))
    high = day_number(date(last.year, 12, 31))

    def covered(days: npt.NDArray[Any]) -> B:
        return np.asarray((days >= low) & (days <= high), np.bool_)

    def index(days: npt.NDArray[Any]) -> I64:
        return wd.index(np.clip(days, low, high).astype(np.int32))

    d_index = cal.working_day_index(q.as_of)
    # Late entry: entered more than one working day after the document's issue.
    has_entry = (inputs.entered != NEVER) & (inputs.issued != NEVER)
    e_day, s_day = inputs.entered.astype(np.int64), inputs.issued.astype(np.int64)
    late = has_entry & (e_day > s_day + 1) & covered(e_day) & covered(s_day)
    late &= index(e_day) - index(s_day) > 1
    # The overdue update duty: due the working day after a deadline passed unfinished.
    eff = pop.eff.astype(np.int64)
    dated = (pop.eff != NEVER) & (pop.eff < d)
    went = dated & ((pop.cat == CODE["open_overdue"]) | (pop.cat == CODE["completed_late"]))
    due = index(eff) + 1
    duty = went & covered(eff) & (d_index >= due)
    done = pop.completed.astype(np.int64)
    finished = (pop.completed != NEVER) & (pop.completed <= d)
    met = finished & (~covered(done) | (index(done) <= due))
    # The monthly update of an open task without deadline assigned before D's month.
    monthly = (pop.cat == CODE["no_deadline_open"]) & (pop.assigned < month_start)
    monthly_met = np.zeros(n, np.bool_)
    if len(inputs.owner):
        who, at = inputs.owner, inputs.stamps
        at_day = _local_day(at)
        in_window = (at > _midnight_ms(eff[who])) & (~covered(at_day) | (index(at_day) <= due[who]))
        met[who[in_window]] = True
        in_month = (at >= _midnight_ms(np.array([month_start]))[0]) & (
            at <= _midnight_ms(np.array([d]))[0]
        )
        monthly_met[who[in_month]] = True
    per_task = {
        "tasks": np.ones(n, np.bool_),
        "late_entry": late,
        "overdue_duties": duty,
        "overdue_updated": duty & met,
        "monthly_duties": monthly,
        "monthly_updated": monthly & monthly_met,
    }
    units = sorted(set(pop.lead), key=lambda u: (u is not None, u or ""))
    slot = {u: k for k, u in enumerate(units)}
    group = np.array([slot[u] for u in pop.lead], np.int64)
    sums = {
        name: np.bincount(group, weights=flags.astype(np.int64), minlength=len(units))
        for name, flags in per_task.items()
    }
    return [
        {"_id": u, **{name: int(sums[name][k]) for name in DISCIPLINE_COUNTS}}
        for k, u in enumerate(units)
    ]


def update_discipline(
    repo: Repository,
    read: Callable[[Callable[[FactColumns], DisciplinePopulation]], DisciplinePopulation],
    q: MetricsQuery,
    cal: WorkCalendar,
) -> dict[str, Any]:
    """`core.metrics.update_discipline` with the population from the columns (`read` runs a
    function on them under the model's lock; MongoDB is read after it is released)."""
    pop = read(lambda cols: population(cols, q))
    inputs = pop.inputs
    if inputs is None:  # columns read without them: from MongoDB, by key
        found = discipline_inputs(repo, pop.ids, q.scope) if pop.ids else {}
        inputs = read_inputs(pop, found)
    return discipline_result(repo, q, counts(pop, inputs, q, cal))
