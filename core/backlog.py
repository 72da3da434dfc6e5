"""The backlog as of D (tồn đọng): every task still open on D, whatever period it was due in.

The stock a Chairman asks about first («hôm nay còn bao nhiêu việc quá hạn, ở đâu, việc nào trễ
lâu nhất»), kept apart from a reporting period's flow (`core.metrics.compare_periods`): it counts
every task assigned up to D and not completed or cancelled by D, and names the unit answering for
it on D (a unit that had ceased to exist hands over to its successor, `core.accountability`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core import metrics as m
from core.accountability import Accountability
from core.calendar import WorkCalendar
from core.readmodel.figures import Figures, Pipelines
from core.repository import Repository
from core.rows import Backlog, BacklogTaskRow, BacklogUnitRow, OpenUnitRow, StatusRow

# Overdue for longer than this many working days is reported on its own (provincial practice).
LONG_OVERDUE_DAYS = 120
DUE_SOON_WINDOWS: tuple[int, ...] = (1, 3, 7)


def stock_query(q: m.MetricsQuery) -> m.MetricsQuery:
    """The backlog's population: every task assigned up to D under the query's filters (no period
    or deadline window), grouped by the unit answering for it on D."""
    return replace(
        q,
        assigned_from=None,
        assigned_to=None,
        deadline_from=None,
        deadline_to=None,
        by="unit",
        rollup_successors=True,
    )


def unit_rows(rows: Sequence[StatusRow]) -> list[OpenUnitRow]:
    """Units holding open tasks, most open overdue first (then most open, then code); each row
    with `open` (open within deadline + open overdue + open without deadline)."""
    out: list[OpenUnitRow] = []
    for row in rows:
        open_total = (
            int(row["open_overdue"])
            + int(row["open_within_deadline"])
            + int(row["no_deadline_open"])
        )
        if open_total:
            out.append({**row, "open": open_total})
    out.sort(key=lambda r: (-r["open_overdue"], -r["open"], str(r["key"])))
    return out


def backlog(
    repo: Repository,
    q: m.MetricsQuery,
    cal: WorkCalendar,
    longest: int = 10,
    figures: Figures | None = None,
) -> Backlog:
    """The stock of open tasks as of D: totals, overdue age, due soon, priority tasks overdue,
    the units holding them (successors on D) and the `longest` tasks overdue the longest.

    Every count is the MongoDB pipelines' own (`status_metrics`, `overdue_age`, `due_soon`,
    `longest_overdue` on the same population), so the figures equal `cddh metrics --as-of D`;
    `figures` computes them (default: the pipelines; the read model gives the same).
    """
    fig = figures or Pipelines(repo)
    sq = stock_query(q)
    by_unit = fig.status_metrics(sq)
    total = by_unit["total"]
    age = fig.overdue_age(sq, cal)
    soon = fig.due_soon(sq, cal, windows=DUE_SOON_WINDOWS, limit=0)  # counts only
    priority_overdue = (
        total["open_overdue"]
        if q.priority_only
        else fig.status_metrics(replace(sq, by="none", priority_only=True))["total"]["open_overdue"]
    )
    acc = Accountability.of(repo.units(), q.as_of)
    over_long: dict[str, int] = {}
    for raw_unit, buckets in age["by_unit"].items():
        unit = acc.unit(raw_unit) or "none"
        over_long[unit] = over_long.get(unit, 0) + int(buckets.get(">120", 0))
    units: list[BacklogUnitRow] = [
        {
            **row,
            "over_120": over_long.get(str(row["key"]), 0),
            "formers": acc.formers_of(str(row["key"])),
        }
        for row in unit_rows(by_unit["rows"])
    ]
    tasks: list[BacklogTaskRow] = [
        {
            **t,
            "responsible_unit": acc.unit(t.get("lead_unit")),
            "responsible_label": acc.label(t.get("lead_unit")),
            "responsible_short": acc.label(t.get("lead_unit"), short=True),
        }
        for t in (fig.longest_overdue(sq, cal, limit=longest) if longest else [])
    ]
    return {
        "as_of": q.as_of.isoformat(),
        "open_overdue": int(total["open_overdue"]),
        "open_within_deadline": int(total["open_within_deadline"]),
        "no_deadline_open": int(total["no_deadline_open"]),
        "open": int(
            total["open_overdue"] + total["open_within_deadline"] + total["no_deadline_open"]
        ),
        "priority_overdue": int(priority_overdue),
        "over_long": sum(over_long.values()),
        "age_buckets": age["buckets"],
        "due_soon": {n: int(soon["windows"][n]) for n in soon["windows"]},
        "due_soon_ends": soon["window_ends"],
        "units": units,
        "longest": tasks,
    }
