"""Read scopes (phạm vi): which tasks a reader may see; every task read takes one.

Today the dashboard reads with `Scope.everything()`; the accounts issue will build scopes
from a user's role (a unit sees its own tasks, a Vice-Chairman his portfolio).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scope:
    """A set of lead units (None: all), optionally widened to tasks they coordinate."""

    units: frozenset[str] | None = None
    include_coordinating: bool = False

    @classmethod
    def everything(cls) -> Scope:
        """The whole province (toàn tỉnh)."""
        return cls()

    @classmethod
    def of_units(
        cls, units: list[str] | set[str] | frozenset[str], coordinating: bool = False
    ) -> Scope:
        """Tasks led (and optionally coordinated) by these units."""
        return cls(frozenset(units), coordinating)

    def task_match(self) -> dict[str, Any]:
        """The $match condition on tasks for this scope ({} for everything)."""
        if self.units is None:
            return {}
        units = sorted(self.units)
        if self.include_coordinating:
            return {"$or": [{"lead_unit": {"$in": units}}, {"coord_units": {"$in": units}}]}
        return {"lead_unit": {"$in": units}}
