"""Counts and rates per group as of D: `status_metrics`, the `cddh metrics --json` object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from core.accountability import successor_map
from core.dates import from_bson_day
from core.metrics.query import COUNT_FIELDS, RATE_FIELDS, MetricsQuery, status_pipeline, with_rates
from core.organisation import leaders_in_office
from core.repository import Repository
from core.rows import StatusResult, StatusRow, empty_figures
from core.vocab import DOCUMENT_TYPES

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
    rollup = successor_map(units, q.organisation_day) if q.rollup_successors else {}
    if q.by == "unit":
        return rollup
    owners = portfolio_map(units, leaders, q.as_of)
    return {u["_id"]: owners.get(rollup.get(u["_id"], u["_id"]), "none") for u in units}


def _row(raw: Mapping[str, Any], names: Mapping[Any, str]) -> StatusRow:
    key = raw["_id"]
    row = empty_row(
        key if key is not None else "none",
        names.get(key, str(key) if key is not None else "Chưa xác định"),
    )
    for name in COUNT_FIELDS:
        row[name] = int(raw.get(name, 0))
    for rate in RATE_FIELDS:
        value = raw.get(rate)
        row[rate] = float(value) if value is not None else None
    return row


def empty_row(key: str, name: str) -> StatusRow:
    """A row of zeros (rates None)."""
    return {"key": key, "name": name, **empty_figures()}


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


def status_metrics(repo: Repository, q: MetricsQuery) -> StatusResult:
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
) -> StatusResult:
    """The `status_metrics` object from counted rows (`_id` = group key, one count per field)."""
    rows = [with_rates(_row(r, names)) for r in counted]
    if q.by == "priority":
        for row in rows:
            raw_key: object = row["key"]  # the stored flag until here
            row["key"] = "priority" if raw_key is True else "normal"
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
