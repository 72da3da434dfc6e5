"""What the store already holds that an import file may refer to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.model import Delegation, Leader, Unit

if TYPE_CHECKING:
    from core.repository import Repository


@dataclass
class Known:
    """What the store already holds that a file may refer to, in stored form (`_id`, days as
    BSON datetimes). The default is empty: `parse_file` then needs no database."""

    units: list[dict[str, Any]] = field(default_factory=list)
    leaders: list[dict[str, Any]] = field(default_factory=list)
    delegations: list[dict[str, Any]] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        units: Iterable[Unit] = (),
        leaders: Iterable[Leader] = (),
        delegations: Iterable[Delegation] = (),
    ) -> Known:
        """Known records built from model objects (tests, dry runs)."""
        return cls(
            units=[u.to_mongo() for u in units],
            leaders=[x.to_mongo() for x in leaders],
            delegations=[x.to_mongo() for x in delegations],
        )

    def stored_documents(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored documents among these keys."""
        return {k: self.documents[k] for k in keys if k in self.documents}

    def stored_tasks(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored tasks among these keys."""
        return {k: self.tasks[k] for k in keys if k in self.tasks}


class RepoKnown(Known):
    """Known records read from a repository."""

    def __init__(self, repo: Repository) -> None:
        super().__init__(units=repo.units(), leaders=repo.leaders(), delegations=repo.delegations())
        self._repo = repo

    def stored_documents(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not keys:
            return {}
        found = self._repo.documents_page({"_id": {"$in": list(keys)}}, limit=0)
        return {d["_id"]: d for d in found}

    def stored_tasks(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        from core.scope import Scope

        if not keys:
            return {}
        found = self._repo.find_tasks(
            {"_id": {"$in": list(keys)}}, Scope.everything(), sort=(("_id", 1),), limit=0
        )
        return {t["_id"]: t for t in found}
