"""Ranking units by a rate: worst first, shared ranks, units with too few tasks apart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.config import rank_min_due
from core.metrics.query import RATE_FIELDS
from core.rows import RankedRow, RateField, StatusRow

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
    rows: Sequence[StatusRow],
    rate: RateField = "on_time_rate_due",
    min_volume: int | None = None,
    worst_first: bool = True,
) -> list[RankedRow]:
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

    def goodness(row: RankedRow) -> float:
        rate_value = row[rate]
        assert rate_value is not None  # rows without a rate are kept apart
        value = float(rate_value)
        return -value if lower_is_better else value

    ranked: list[RankedRow] = []
    apart: list[RankedRow] = []
    for raw in rows:
        volume = rate_volume(raw, rate)
        if raw.get(rate) is None or volume < max(min_volume, 1):
            apart.append({**raw, "volume": volume, "rank": None, "ranked": False})
        else:
            ranked.append({**raw, "volume": volume, "ranked": True, "rank": None})
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
