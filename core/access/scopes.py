"""A user's scope (phạm vi được xem) from the role table: the whole province, or the tasks
his unit leads or coordinates (with the tasks of the units it succeeded), and whether he may
read task contents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from core.access.roles import Actor
from core.accountability import Accountability
from core.scope import Scope


def unit_codes(actor: Actor, units: Sequence[Mapping[str, Any]], as_of: date) -> frozenset[str]:
    """The unit officer's unit and every ended unit whose tasks it answers for on D."""
    if not actor.unit:
        return frozenset()
    formers = Accountability.of(units, as_of).formers_of(actor.unit)
    return frozenset({actor.unit, *formers})


def scope_for(actor: Actor, units: Sequence[Mapping[str, Any]], as_of: date) -> Scope:
    """What `actor` may read, as the scope every task read applies."""
    rule = actor.rule
    if rule.sees == "unit":
        codes = unit_codes(actor, units, as_of)
        return Scope(codes, include_coordinating=True, content=rule.content)
    return Scope(None, False, content=rule.content)
