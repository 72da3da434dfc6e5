"""Read scopes (phạm vi): which tasks a reader may see; every task read takes one.

A scope is a set of lead units (None: the whole province), optionally widened to the tasks
those units coordinate, and whether the reader may see task contents at all (`content`:
False for a reader of aggregated figures only). `core.access.scopes.scope_for` builds a
user's scope from the role table; the repository intersects it with every scope a page asks
for, so a page that forgets a filter still cannot show more than its reader may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scope:
    """A set of lead units (None: all), optionally widened to tasks they coordinate."""

    units: frozenset[str] | None = None
    include_coordinating: bool = False
    content: bool = True  # False: aggregated figures only, never a task's content

    @classmethod
    def everything(cls) -> Scope:
        """The whole province (toàn tỉnh)."""
        return cls()

    @classmethod
    def nothing(cls) -> Scope:
        """No task at all (an account whose unit is missing)."""
        return cls(frozenset())

    @classmethod
    def of_units(
        cls, units: list[str] | set[str] | frozenset[str], coordinating: bool = False
    ) -> Scope:
        """Tasks led (and optionally coordinated) by these units."""
        return cls(frozenset(units), coordinating)

    @property
    def is_everything(self) -> bool:
        """True when the scope restricts neither tasks nor contents."""
        return self.units is None and self.content

    def task_match(self) -> dict[str, Any]:
        """The $match condition on tasks for this scope ({} for everything)."""
        if self.units is None:
            return {}
        units = sorted(self.units)
        if self.include_coordinating:
            return {"$or": [{"lead_unit": {"$in": units}}, {"coord_units": {"$in": units}}]}
        return {"lead_unit": {"$in": units}}

    def admits(self, task: dict[str, Any]) -> bool:
        """Whether a task (its lead and coordinating units) lies in this scope."""
        if self.units is None:
            return True
        if task.get("lead_unit") in self.units:
            return True
        return self.include_coordinating and bool(set(task.get("coord_units") or []) & self.units)
