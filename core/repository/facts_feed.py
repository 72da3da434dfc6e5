"""The read model's feed: `task_facts` read straight into Arrow columns, and the change stream
that keeps a copy in step (see core/readmodel/).

Only this part of the Repository knows the driver: the read model receives Arrow tables, plain
change records and opaque positions (the change stream's resume token, a JSON-able dict).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from pymongo.change_stream import CollectionChangeStream
from pymongo.collection import Collection
from pymongo.errors import OperationFailure, PyMongoError
from pymongoarrow.api import Schema, find_arrow_all

from core.repository.base import StoreBase
from core.scope import Scope

_TS = pa.timestamp("ms", tz="UTC")
# The Arrow form of a `task_facts` document (core/schema.py FACT_FIELDS, the extensions, the
# folded search text and the inputs of update discipline).
FACTS_ARROW_SCHEMA = pa.schema(
    [
        ("_id", pa.string()),
        ("lead_unit", pa.string()),
        ("coord_units", pa.list_(pa.string())),
        ("assigned_date", _TS),
        ("deadline", _TS),
        ("completed_date", _TS),
        ("cancelled_date", _TS),
        ("extensions", pa.list_(pa.struct([("approved_date", _TS), ("new_deadline", _TS)]))),
        ("priority", pa.bool_()),
        ("signer", pa.string()),
        ("doc_type", pa.string()),
        ("tracking_room", pa.string()),
        ("search_text", pa.string()),
        ("entered_at", _TS),
        ("doc_issue_date", _TS),
        ("updates", pa.list_(_TS)),
    ]
)

# Change events after which the watched collection is another one (a staged import or the demo
# renames its stage over `task_facts`, a restore drops it): the copy must be re-read.
# `rebuild_facts` rewrites it in place ($merge, deletes): ordinary inserts, replaces, deletes.
_RESET_EVENTS = frozenset({"drop", "rename", "dropDatabase", "invalidate"})
# The resume point is older than the oldest oplog entry (or otherwise unusable).
_HISTORY_LOST = frozenset({286, 280, 260})


@dataclass(frozen=True)
class FactChange:
    """One change of `task_facts`: `upsert` (with the whole facts document), `delete`, or
    `reset` (the collection was replaced: re-read it)."""

    kind: str
    task_id: str | None = None
    facts: Mapping[str, Any] | None = None


class FactsFeedLost(Exception):
    """The change stream cannot resume from the position given: re-read the collection."""


class FactsStream:
    """An open change stream on `task_facts`, read in batches by one thread."""

    def __init__(self, stream: CollectionChangeStream[dict[str, Any]]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def next_batch(self, max_changes: int = 5000) -> list[FactChange]:
        """The changes available now (waits at most the stream's await time when there are
        none); after it, `position`/`position_time` cover everything returned."""
        out: list[FactChange] = []
        with self._lock:
            try:
                while len(out) < max_changes:
                    change = self._stream.try_next()
                    if change is None:
                        break
                    out.append(_to_change(change))
                    if out[-1].kind == "reset":
                        break
            except OperationFailure as exc:
                if exc.code in _HISTORY_LOST:
                    raise FactsFeedLost(str(exc)) from None
                raise
        return out

    @property
    def position(self) -> dict[str, Any] | None:
        """The resume token after the last batch (JSON-able)."""
        token = self._stream.resume_token
        return dict(token) if token is not None else None

    def position_time(self) -> tuple[int, int] | None:
        """The cluster time the stream has read up to, as (seconds, increment)."""
        return token_time(self.position)

    @property
    def alive(self) -> bool:
        """False once the server has closed the stream."""
        return bool(self._stream.alive)

    def close(self) -> None:
        """Close the server-side cursor."""
        try:
            self._stream.close()
        except PyMongoError:
            pass


def token_time(token: Mapping[str, Any] | None) -> tuple[int, int] | None:
    """The cluster time a resume token stands for: its `_data` starts with the KeyString of a
    BSON timestamp (type byte 0x82, then seconds and increment, big-endian) on every server
    since 4.2. None when the token is not of that form."""
    if not token:
        return None
    data = token.get("_data")
    if not isinstance(data, str) or len(data) < 18 or not data.startswith("82"):
        return None
    try:
        return int(data[2:10], 16), int(data[10:18], 16)
    except ValueError:
        return None


def _to_change(change: Mapping[str, Any]) -> FactChange:
    op = change.get("operationType")
    if op in _RESET_EVENTS:
        return FactChange("reset")
    key = change.get("documentKey", {}).get("_id")
    if op == "delete":
        return FactChange("delete", str(key))
    doc = change.get("fullDocument")
    if doc is None:  # updated, then deleted before the lookup: the delete follows
        return FactChange("delete", str(key))
    return FactChange("upsert", str(key), doc)


class FactsFeed(StoreBase):
    """`task_facts` as Arrow columns, and its change stream (for core/readmodel)."""

    def facts_arrow(self, scope: Scope | None = None) -> pa.Table:
        """Every `task_facts` document in the scope, as Arrow columns (pymongoarrow: decoded in
        C straight into columns, no Python dict per task)."""
        match = (scope or Scope.everything()).task_match()
        return find_arrow_all(
            self.db.task_facts,
            match,
            schema=Schema({f.name: f.type for f in FACTS_ARROW_SCHEMA}),
            batch_size=50_000,
        )

    def facts_documents(self, scope: Scope | None = None) -> list[dict[str, Any]]:
        """Every `task_facts` document as dicts (the raw-cursor way, kept for measurement)."""
        match = (scope or Scope.everything()).task_match()
        return list(self.db.task_facts.find(match, batch_size=50_000))

    def facts_clock(self) -> tuple[int, int]:
        """The cluster time of the latest write this server knows of (seconds, increment): a
        change stream that has read up to it has seen every acknowledged write."""
        hello = self.db.client.admin.command("hello")
        ts = (hello.get("lastWrite") or {}).get("opTime", {}).get("ts")
        if ts is None:  # through mongos: the operation time of a majority read
            with self.db.client.start_session(causal_consistency=True) as session:
                self.db.store_state.find_one({"_id": "tasks"}, session=session)
                ts = session.operation_time
        if ts is None:
            return (0, 0)
        return int(ts.time), int(ts.inc)

    def watch_facts(
        self,
        resume_after: Mapping[str, Any] | None = None,
        at_time: tuple[int, int] | None = None,
        max_await_ms: int = 200,
    ) -> FactsStream:
        """A change stream on `task_facts` from a resume token (or a cluster time, or now),
        with the whole document of each insert, replace and update."""
        return open_stream(self.db.task_facts, resume_after, at_time, max_await_ms)


def open_stream(
    collection: Collection[dict[str, Any]],
    resume_after: Mapping[str, Any] | None,
    at_time: tuple[int, int] | None,
    max_await_ms: int,
) -> FactsStream:
    """A change stream on one collection from a resume token (or a cluster time, or now), with
    the whole document of each insert, replace and update; `FactsFeedLost` when the token
    cannot be resumed from."""
    from bson.timestamp import Timestamp

    options: dict[str, Any] = {
        "full_document": "updateLookup",
        "max_await_time_ms": max_await_ms,
        "batch_size": 5000,
    }
    if resume_after is not None:
        options["resume_after"] = dict(resume_after)
    elif at_time is not None:
        options["start_at_operation_time"] = Timestamp(at_time[0], at_time[1])
    try:
        stream = collection.watch(**options)
    except OperationFailure as exc:
        if resume_after is not None:
            raise FactsFeedLost(str(exc)) from None
        raise
    return FactsStream(stream)
