"""The organisation on a day: which leaders are in office and which delegations are in force.

The one home of these two rules (pages, metrics and briefings ask here); the store's own queries
for them (`Repository.leaders(as_of=…)`, `Repository.delegations(as_of=…)`) state the same rule
as a MongoDB filter. Who answers for a dissolved unit's tasks lives in `core.accountability`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from core.dates import optional_day

PPC_LEADER_TITLES: tuple[str, ...] = ("chairman", "vice_chairman")


def in_office(leader: Mapping[str, Any], on: date) -> bool:
    """Whether a leader's term holds D (both ends inclusive; no end: still in office)."""
    start = optional_day(leader.get("term_from")) or date.min
    end = optional_day(leader.get("term_to")) or date.max
    return start <= on <= end


def leaders_in_office(
    leaders: Iterable[Mapping[str, Any]], on: date, titles: Sequence[str] = PPC_LEADER_TITLES
) -> list[dict[str, Any]]:
    """The leaders with one of `titles` in office on D, the Chairman first, then by id."""
    out = [dict(ldr) for ldr in leaders if ldr.get("title") in titles and in_office(ldr, on)]
    out.sort(key=lambda ldr: (ldr["title"] != "chairman", str(ldr["_id"])))
    return out


def in_force(delegation: Mapping[str, Any], on: date) -> bool:
    """Whether a delegation (ủy quyền) is in force on D: from and to days inclusive."""
    start, end = optional_day(delegation.get("date_from")), optional_day(delegation.get("date_to"))
    return start is not None and end is not None and start <= on <= end


def delegations_in_force(
    delegations: Iterable[Mapping[str, Any]], on: date
) -> list[dict[str, Any]]:
    """The delegations in force on D, in the order given."""
    return [dict(g) for g in delegations if in_force(g, on)]
