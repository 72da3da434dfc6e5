"""The store's organisation: units, leaders and delegations (with the delegation rules checked
against what is stored)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pymongo import ASCENDING

from core.access.roles import IMPORT
from core.dates import from_bson_day, to_bson_day
from core.errors import (
    Problem,
    ValidationFailed,
)
from core.model import (
    Delegation,
    Leader,
    Unit,
    delegation_rule_problems,
)
from core.repository.base import StoreBase


class OrganisationStore(StoreBase):
    """Units, leaders and delegations."""

    # -- organisation ------------------------------------------------------------------------

    def save_units(self, units: Sequence[Unit], actor: str) -> int:
        """Insert or replace units (by code); returns how many were written."""
        self._require(IMPORT)
        actor = self._who(actor)
        self._ready()
        return self._upsert("units", [u.to_mongo() for u in units], actor)

    def save_leaders(self, leaders: Sequence[Leader], actor: str) -> int:
        """Insert or replace leaders (by id)."""
        self._require(IMPORT)
        actor = self._who(actor)
        self._ready()
        return self._upsert("leaders", [item.to_mongo() for item in leaders], actor)

    def units(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """Units (all, or those valid on a day), ordered by tree order then name."""
        query: dict[str, Any] = {}
        if as_of is not None:
            day = to_bson_day(as_of)
            query = {
                "valid_from": {"$lte": day},
                "$or": [{"valid_to": None}, {"valid_to": {"$gte": day}}],
            }
        return list(self.db.units.find(query).sort([("order", ASCENDING), ("name", ASCENDING)]))

    def unit(self, code: str) -> dict[str, Any] | None:
        """One unit by code."""
        return self.db.units.find_one({"_id": code})

    def leaders(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """Leaders (all, or those in office on a day)."""
        query: dict[str, Any] = {}
        if as_of is not None:
            day = to_bson_day(as_of)
            query = {
                "term_from": {"$lte": day},
                "$or": [{"term_to": None}, {"term_to": {"$gte": day}}],
            }
        return list(self.db.leaders.find(query).sort("_id", ASCENDING))

    def leader(self, leader_id: str) -> dict[str, Any] | None:
        """One leader by id."""
        return self.db.leaders.find_one({"_id": leader_id})

    def delegations(
        self, as_of: date | None = None, to_leader: str | None = None
    ) -> list[dict[str, Any]]:
        """Delegations (all, or in force on a day), optionally those received by one leader."""
        query: dict[str, Any] = {}
        if as_of is not None:
            day = to_bson_day(as_of)
            query = {"date_from": {"$lte": day}, "date_to": {"$gte": day}}
        if to_leader is not None:
            query["to_leader"] = to_leader
        return list(self.db.delegations.find(query).sort("date_from", ASCENDING))

    def delegation_problems(self, delegation: Delegation) -> list[Problem]:
        """Why a delegation breaks the rules (DOMAIN.md): re-delegation, a head's personal task."""
        giver = self.leader(delegation.from_leader)
        if giver is None:
            return [Problem("người ủy quyền", f"không có lãnh đạo mã «{delegation.from_leader}»")]
        if self.leader(delegation.to_leader) is None:
            return [
                Problem("người được ủy quyền", f"không có lãnh đạo mã «{delegation.to_leader}»")
            ]
        start, end = to_bson_day(delegation.date_from), to_bson_day(delegation.date_to)
        received = [
            {
                "id": other["_id"],
                "to_leader": other["to_leader"],
                "date_from": from_bson_day(other["date_from"]),
                "date_to": from_bson_day(other["date_to"]),
                "scope": other.get("scope", {}),
            }
            for other in self.db.delegations.find(
                {
                    "to_leader": delegation.from_leader,
                    "date_from": {"$lte": end},
                    "date_to": {"$gte": start},
                }
            )
        ]
        personal = [
            t["_id"]
            for t in self.db.tasks.find(
                {"_id": {"$in": delegation.scope.tasks}, "personal": True}, {"_id": 1}
            )
        ]
        return delegation_rule_problems(
            delegation, received, bool(giver.get("ppc_member")), personal
        )

    def save_delegation(self, delegation: Delegation, actor: str) -> None:
        """Record a delegation after checking the rules; raises ValidationFailed."""
        self._require(IMPORT)
        actor = self._who(actor)
        self._ready()
        problems = self.delegation_problems(delegation)
        if problems:
            raise ValidationFailed(problems)
        self._upsert("delegations", [delegation.to_mongo()], actor)
