"""Who answers for a task on D: a unit that has ceased to exist hands its tasks to its successor.

Vietnam merged and dissolved units (the district level ended on 1 July 2025); a task assigned to a
unit that no longer exists on D is followed up with the unit that took over its duties, found by
following the `successor` chain of every unit that had ended by D.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.dates import from_bson_day


def successor_map(units: Sequence[Mapping[str, Any]], as_of: date) -> dict[str, str]:
    """unit → the unit its tasks roll up to: follow successors while the unit has ended by D."""
    by_code = {u["_id"]: u for u in units}
    out: dict[str, str] = {}
    for code in by_code:
        current, seen = code, {code}
        while True:
            unit = by_code.get(current)
            if unit is None or not unit.get("successor"):
                break
            valid_to = unit.get("valid_to")
            if valid_to is not None and from_bson_day(valid_to) >= as_of:
                break  # still in existence on D: its tasks stay its own
            nxt = unit["successor"]
            if nxt in seen:
                break
            seen.add(nxt)
            current = nxt
        if current != code:
            out[code] = current
    return out


@dataclass(frozen=True)
class Accountability:
    """The organisation as of D, for naming who is responsible for a task."""

    as_of: date
    successors: Mapping[str, str]
    names: Mapping[str, str]
    short_names: Mapping[str, str]

    @classmethod
    def of(cls, units: Sequence[Mapping[str, Any]], as_of: date) -> Accountability:
        """The accountability of every unit in `units` as of D."""
        return cls(
            as_of=as_of,
            successors=successor_map(units, as_of),
            names={u["_id"]: u["name"] for u in units},
            short_names={u["_id"]: u.get("short_name") or u["name"] for u in units},
        )

    def unit(self, code: str | None) -> str | None:
        """The code of the unit answering for `code`'s tasks on D (itself unless it had ended)."""
        if code is None:
            return None
        return self.successors.get(code, code)

    def former(self, code: str | None) -> str | None:
        """The former unit's code when `code` had ended by D and hands over to a successor."""
        return code if code is not None and code in self.successors else None

    def label(self, code: str | None, short: bool = False) -> str:
        """The responsible unit's name, with the former unit's where it helps:
        «Sở Nông nghiệp và Môi trường (trước đây: Sở Tài nguyên và Môi trường)»."""
        if code is None:
            return "Chưa xác định"
        names = self.short_names if short else self.names
        responsible = self.unit(code) or code
        name = names.get(responsible, responsible)
        if responsible == code:
            return name
        return f"{name} (trước đây: {names.get(code, code)})"

    def formers_of(self, code: str) -> list[str]:
        """Codes of the ended units whose tasks `code` answers for on D."""
        return sorted(old for old, new in self.successors.items() if new == code)
