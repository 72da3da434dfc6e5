"""Plain-Python reference implementation of the status classification, for comparing pipelines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

CATEGORIES = (
    "completed_on_time",
    "completed_late",
    "open_within_deadline",
    "open_overdue",
    "no_deadline_completed",
    "no_deadline_open",
)


def effective_deadline(task: Mapping[str, Any], as_of: date) -> date | None:
    """The deadline in force: latest extension approved by min(completion, D), else original."""
    completed = task.get("completed_date")
    cutoff = completed if completed is not None and completed <= as_of else as_of
    best: tuple[date, int] | None = None
    eff = task.get("deadline")
    for i, ext in enumerate(task.get("extensions", [])):
        if ext["approved_date"] <= cutoff and (best is None or (ext["approved_date"], i) >= best):
            best = (ext["approved_date"], i)
            eff = ext["new_deadline"]
    return eff


def in_population(
    task: Mapping[str, Any],
    as_of: date,
    assigned_from: date | None = None,
    assigned_to: date | None = None,
    deadline_from: date | None = None,
    deadline_to: date | None = None,
) -> bool:
    """Whether a task is counted as of D under the filters."""
    if task["assigned_date"] > as_of:
        return False
    cancelled = task.get("cancelled_date")
    if cancelled is not None and cancelled <= as_of:
        return False
    if assigned_from is not None and task["assigned_date"] < assigned_from:
        return False
    if assigned_to is not None and task["assigned_date"] > assigned_to:
        return False
    if deadline_from is not None or deadline_to is not None:
        eff = effective_deadline(task, as_of)
        if eff is None:
            return False
        if deadline_from is not None and eff < deadline_from:
            return False
        if deadline_to is not None and eff > deadline_to:
            return False
    return True


def category(task: Mapping[str, Any], as_of: date) -> str:
    """The status category as of D."""
    eff = effective_deadline(task, as_of)
    completed = task.get("completed_date")
    done = completed is not None and completed <= as_of
    if eff is None:
        return "no_deadline_completed" if done else "no_deadline_open"
    if done:
        assert completed is not None
        return "completed_on_time" if completed <= eff else "completed_late"
    return "open_within_deadline" if as_of <= eff else "open_overdue"


def rates(row: dict[str, Any]) -> dict[str, Any]:
    """Add the three named rates to a row of counts."""
    due = row["completed_on_time"] + row["completed_late"] + row["open_overdue"]
    row["completion_rate_due"] = (
        (row["completed_on_time"] + row["completed_late"]) / due if due else None
    )
    row["on_time_rate_due"] = row["completed_on_time"] / due if due else None
    row["overdue_share_assigned"] = (
        row["open_overdue"] / row["assigned"] if row["assigned"] else None
    )
    return row


def metrics(
    tasks: Iterable[Mapping[str, Any]],
    as_of: date,
    key: Any = lambda t: t["lead_unit"],
    **filters: Any,
) -> dict[str, Any]:
    """{"rows": {key: counts+rates}, "total": counts+rates}."""
    rows: dict[Any, dict[str, Any]] = defaultdict(
        lambda: dict.fromkeys(("assigned", *CATEGORIES), 0)
    )
    total = dict.fromkeys(("assigned", *CATEGORIES), 0)
    for task in tasks:
        if not in_population(task, as_of, **filters):
            continue
        cat = category(task, as_of)
        k = key(task)
        rows[k]["assigned"] += 1
        rows[k][cat] += 1
        total["assigned"] += 1
        total[cat] += 1
    return {"rows": {k: rates(v) for k, v in rows.items()}, "total": rates(total)}
