"""Stored summaries of closed periods: kept only when no task write landed meanwhile, and
deleted by every task write that touches their days."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pymongo import ReplaceOne
from pymongo.client_session import ClientSession
from pymongo.errors import (
    PyMongoError,
)

from core.dates import from_bson_day, now_utc, to_bson_day
from core.errors import (
    DatabaseUnavailable,
)
from core.repository.base import StoreBase


class SummaryStore(StoreBase):
    """Stored counts of closed periods and the task generation that guards them."""

    # -- summaries of closed periods ---------------------------------------------------------
    #
    # A closed period's counts (as of its end) change only when a task whose assigned date,
    # deadline or extended deadline lies in that period changes. Every task write therefore
    # deletes, in its own transaction, the summaries of the periods holding the old and new
    # forms' dates, and bumps the store's task generation; a summary computed while a write
    # landed is not stored (`save_period_summaries` checks the generation it started from).

    _SUMMARY_DAY_LIMIT = 200  # more distinct days touched in one write: clear every summary

    def _invalidate_summaries(
        self, tasks: Iterable[Mapping[str, Any] | None], session: ClientSession | None
    ) -> None:
        self._check_no_publish(session)
        days: set[datetime] = set()
        for task in tasks:
            if not task:
                continue
            for name in ("assigned_date", "deadline"):
                if task.get(name) is not None:
                    days.add(task[name])
            for ext in task.get("extensions") or []:
                if ext.get("new_deadline") is not None:
                    days.add(ext["new_deadline"])
        self.db.store_state.update_one(
            {"_id": "tasks"}, {"$inc": {"generation": 1}}, upsert=True, session=session
        )
        if len(days) > self._SUMMARY_DAY_LIMIT:
            self.db.period_summaries.delete_many({}, session=session)
        elif days:
            self.db.period_summaries.delete_many(
                {"$or": [{"start": {"$lte": d}, "end": {"$gte": d}} for d in sorted(days)]},
                session=session,
            )

    def clear_period_summaries(self) -> None:
        """Forget every stored period summary (after bulk loads and rebuilds)."""
        self.db.store_state.update_one({"_id": "tasks"}, {"$inc": {"generation": 1}}, upsert=True)
        self.db.period_summaries.delete_many({})

    def summary_generation(self) -> int:
        """The store's task generation: bumped by every task write."""
        state = self.db.store_state.find_one({"_id": "tasks"})
        return int(state["generation"]) if state else 0

    def period_summaries(
        self, population: str, ranges: Sequence[tuple[date, date]]
    ) -> dict[tuple[date, date], list[dict[str, Any]]]:
        """Stored summaries of these periods (start, end) for a population; missing ones absent.

        Each is a list of {u: lead unit, r: priority, c: category, n: count}.
        """
        if self.reader.units is not None:
            return {}  # province-wide counts: a restricted reader recounts within his scope
        ids = [_summary_id(population, start, end) for start, end in ranges]
        found: dict[tuple[date, date], list[dict[str, Any]]] = {}
        for doc in self.db.period_summaries.find({"_id": {"$in": ids}}):
            found[(from_bson_day(doc["start"]), from_bson_day(doc["end"]))] = doc["rows"]
        return found

    def save_period_summaries(
        self,
        population: str,
        generation: int,
        items: Mapping[tuple[date, date], Sequence[Mapping[str, Any]]],
    ) -> bool:
        """Store summaries computed from the store as it was at `generation`.

        Nothing is stored (False) when a task write has landed since: the summaries might
        miss it. The check and the writes are one transaction that also writes the state
        record, so a task write running at the same time conflicts with it instead.
        """
        if not items or self.reader.units is not None:
            return not items
        self._ready()  # an older store may lack the state record
        now = now_utc()
        docs = [
            {
                "_id": _summary_id(population, start, end),
                "population": population,
                "start": to_bson_day(start),
                "end": to_bson_day(end),
                "rows": [dict(r) for r in rows],
                "generation": generation,
                "computed_at": now,
            }
            for (start, end), rows in items.items()
        ]

        def write(session: ClientSession) -> bool:
            state = self.db.store_state.find_one_and_update(
                {"_id": "tasks", "generation": generation},
                {"$set": {"checked_at": now}},
                session=session,
            )
            if state is None:
                return False
            self.db.period_summaries.bulk_write(
                [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in docs], session=session
            )
            return True

        try:
            return bool(self._transaction(write))
        except (PyMongoError, DatabaseUnavailable):
            return False  # a concurrent write won: the summaries are simply not kept


def _summary_id(population: str, start: date, end: date) -> str:
    return f"{population}:{start.isoformat()}:{end.isoformat()}"
