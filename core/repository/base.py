"""The part of the Repository every other part stands on: the database handle, the schema,
transactions committed by a majority, and versioned upserts."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Self

from pymongo import UpdateOne
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import (
    CollectionInvalid,
    ConnectionFailure,
    OperationFailure,
    PyMongoError,
)
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from core.access.roles import READ_TASKS, Actor, refusal
from core.dates import now_utc
from core.errors import (
    AccessDenied,
    DatabaseUnavailable,
    WriteNotConfirmed,
)
from core.repository.connection import (
    _NOT_PRIMARY_CODES,
    WRITE_RETRY_SECONDS,
    WRITE_TIMEOUT_MS,
    _outcome_unknown,
    confirming_write,
    not_confirmed_message,
    not_written_message,
)
from core.schema import (
    DOCUMENTS_FORMAT,
    DUTY_FIELDS,
    FACT_FIELDS,
    FACT_TEXT,
    FACT_UPDATES,
    FACTS_FORMAT,
    INDEXES,
    RETIRED_INDEXES,
    VALIDATORS,
    task_facts_projection,
)
from core.scope import Scope
from core.text import fold

# Passes of `rebuild_facts` at most while task writes keep landing during a pass.
_REBUILD_PASSES = 3


class StoreBase:
    """The database handle, the schema, transactions and versioned upserts."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.db = db
        self._schema_ready = False
        # The acting user and what he may read. None: the system itself (the CLI run by the
        # server's operator, the demo loader, tests), which sees and may do everything.
        self.actor: Actor | None = None
        self.reader: Scope = Scope.everything()

    # -- the acting user ---------------------------------------------------------------------

    def acting_as(self, actor: Actor, scope: Scope) -> Self:
        """This store as `actor` sees it: every task read is intersected with `scope` and
        every action is checked against the role table (same connection, no new client)."""
        bound = type(self)(self.db)
        bound._schema_ready = self._schema_ready
        bound.actor = actor
        bound.reader = scope
        return bound

    def _require(self, action: str) -> None:
        """Refuse (AccessDenied) unless the acting user's role allows `action`."""
        if self.actor is not None and not self.actor.may(action):
            raise AccessDenied(refusal(self.actor, action))

    def _require_content(self) -> None:
        """Refuse a read of task contents to a reader of aggregated figures only."""
        if not self.reader.content:
            raise AccessDenied(refusal(self.actor, READ_TASKS))

    def _system_only(self, what: str) -> None:
        """Refuse to a logged-in user what only the server's operator does (backups…)."""
        if self.actor is not None:
            raise AccessDenied(f"Chỉ quản trị máy chủ (dòng lệnh cddh) mới được {what}.")

    def _who(self, actor: str) -> str:
        """The author recorded for a write: the logged-in user when there is one."""
        return self.actor.username if self.actor is not None else actor

    # -- schema ------------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create collections, validators and named indexes; safe to run any number of times.

        A publication a kill interrupted is finished first (see `finish_publish`)."""
        self.finish_publish()
        existing = set(self.db.list_collection_names())
        for name, validator in VALIDATORS.items():
            if name not in existing:
                try:
                    self.db.create_collection(name, validator=validator, validationLevel="strict")
                except CollectionInvalid:
                    pass
            else:
                # by the collection's own name: a staging repository prefixes its names
                self.db.command(
                    "collMod", self.db[name].name, validator=validator, validationLevel="strict"
                )
        for coll, index_name, keys, options in INDEXES:
            self.db[coll].create_index(keys, name=index_name, **options)
        for coll, index_name in RETIRED_INDEXES:
            if index_name in self.db[coll].index_information():
                self.db[coll].drop_index(index_name)
        self.db.store_state.update_one(
            {"_id": "tasks"}, {"$setOnInsert": {"generation": 0}}, upsert=True
        )
        self._schema_ready = True
        state = self.db.store_state.find_one({"_id": "tasks"}) or {}
        if (
            state.get("facts_format") != FACTS_FORMAT
            or self.db.task_facts.estimated_document_count()
            != self.db.tasks.estimated_document_count()
        ):
            self.rebuild_facts()
            self.db.store_state.update_one(
                {"_id": "tasks"}, {"$set": {"facts_format": FACTS_FORMAT}}, upsert=True
            )
        if state.get("documents_format") != DOCUMENTS_FORMAT:
            self.fold_document_texts()
            self.db.store_state.update_one(
                {"_id": "tasks"}, {"$set": {"documents_format": DOCUMENTS_FORMAT}}, upsert=True
            )

    def fold_document_texts(self, batch: int = 5000) -> int:
        """Write each document's folded number and abstract (`search_text`, as
        `Document.to_mongo` writes it) where it is missing or differs; returns how many were
        written. Folding needs Python (Unicode decomposition), so it is done here, in batches.
        Neither the version nor the history moves: the text is derived, not entered."""
        written = 0
        ops: list[UpdateOne] = []
        fields = {"number": 1, "abstract": 1, "search_text": 1}
        for doc in self.db.documents.find({}, fields, batch_size=batch):
            text = fold(f"{doc.get('number', '')} {doc.get('abstract', '')}")
            if doc.get("search_text") != text:
                ops.append(UpdateOne({"_id": doc["_id"]}, {"$set": {"search_text": text}}))
            if len(ops) >= batch:
                written += self.db.documents.bulk_write(ops, ordered=False).modified_count
                ops = []
        if ops:
            written += self.db.documents.bulk_write(ops, ordered=False).modified_count
        return written

    def rebuild_facts(self) -> int:
        """Bring `task_facts` in step with `tasks` on the server (after a restore or an upgrade).

        In place, never by swapping in another collection (`$out` does that, and a sharded
        cluster refuses `$out` into a sharded collection: docs/scaling.md): every task's facts
        are written by a `$merge` that replaces the stored ones, then the facts whose task is
        gone are deleted. A reader therefore never finds `task_facts` missing or empty; while
        the rebuild runs it may see some facts already rebuilt and others not yet, each one
        whole. The change stream carries ordinary replaces, inserts and deletes (the read
        model applies them; it does not reload), and facts that are already right are not
        rewritten (a replacement by the same document writes nothing). A task write landing
        meanwhile may have its new facts overwritten by the pass that read the older task:
        the pass is repeated while a task write landed during it (at most
        `_REBUILD_PASSES` times). Returns the number of facts."""
        self.clear_period_summaries()
        for _ in range(_REBUILD_PASSES):
            generation = self.summary_generation()
            self._merge_facts()
            self._delete_orphan_facts()
            if self.summary_generation() == generation:
                break
        self.clear_period_summaries()
        return self.db.task_facts.estimated_document_count()

    def _merge_facts(self) -> None:
        """Write the projection of every task over its stored facts (one server-side pass)."""
        # The projection's values in exactly the field order and null-for-missing form of
        # `core.schema.task_facts`, so that facts already right compare equal and stay as
        # they are. `$merge` without `on`: `_id` on an unsharded collection, the shard key and
        # `_id` on a sharded one (the only choices a sharded output allows).
        same_form = {
            "_id": "$_id",
            **{name: {"$ifNull": [f"${name}", None]} for name in FACT_FIELDS},
            "extensions": "$extensions",
            FACT_TEXT: f"${FACT_TEXT}",
            **{name: {"$ifNull": [f"${name}", None]} for name in DUTY_FIELDS},
            FACT_UPDATES: f"${FACT_UPDATES}",
        }
        self.db.tasks.aggregate(
            [
                {"$project": task_facts_projection()},
                {"$replaceWith": same_form},
                {
                    "$merge": {
                        "into": self.db.task_facts.name,
                        "whenMatched": "replace",
                        "whenNotMatched": "insert",
                    }
                },
            ]
        )

    def _delete_orphan_facts(self, batch: int = 1000) -> int:
        """Delete the facts whose task no longer exists; returns how many.

        The candidates come from one server-side join; each batch is deleted in a transaction
        that looks for the tasks again, so a task inserted meanwhile (with its facts, in its
        own transaction) keeps them."""
        candidates = self.db.task_facts.aggregate(
            [
                {
                    "$lookup": {
                        "from": self.db.tasks.name,
                        "localField": "_id",
                        "foreignField": "_id",
                        "pipeline": [{"$project": {"_id": 1}}],
                        "as": "task",
                    }
                },
                {"$match": {"task": {"$size": 0}}},
                {"$project": {"_id": 1}},
            ]
        )

        def delete(ids: list[Any]) -> int:
            def run(session: ClientSession) -> int:
                alive = {
                    t["_id"]
                    for t in self.db.tasks.find({"_id": {"$in": ids}}, {"_id": 1}, session=session)
                }
                gone = [i for i in ids if i not in alive]
                if not gone:
                    return 0
                result = self.db.task_facts.delete_many({"_id": {"$in": gone}}, session=session)
                return int(result.deleted_count)

            return int(self._transaction(run))

        removed = 0
        ids: list[Any] = []
        for doc in candidates:
            ids.append(doc["_id"])
            if len(ids) >= batch:
                removed += delete(ids)
                ids = []
        if ids:
            removed += delete(ids)
        return removed

    def _ready(self) -> None:
        if not self._schema_ready:
            self.ensure_schema()

    def counts(self) -> dict[str, int]:
        """Number of records in each collection."""
        return {name: self.db[name].estimated_document_count() for name in VALIDATORS}

    def index_names(self, collection: str) -> list[str]:
        """Names of a collection's indexes."""
        return sorted(ix["name"] for ix in self.db[collection].list_indexes())

    def drop_all(self) -> None:
        """Remove every collection of the store (demo reload, tests)."""
        self._system_only("xóa toàn bộ dữ liệu")
        for name in self.db.list_collection_names():
            self.db.drop_collection(name)
        self._schema_ready = False

    def is_empty(self) -> bool:
        """True when no task and no unit is stored."""
        return (
            self.db.tasks.estimated_document_count() == 0 and self.db.units.count_documents({}) == 0
        )

    # -- transactions ------------------------------------------------------------------------

    def _transaction(self, fn: Any) -> Any:
        """Run `fn(session)` in a transaction committed with majority write concern.

        Like pymongo's `with_transaction` (retry the whole transaction on a transient error,
        retry the commit when its outcome is unknown) but for WRITE_RETRY_SECONDS, not 120 s,
        and ending in a Vietnamese message: `DatabaseUnavailable` when nothing was committed,
        `WriteNotConfirmed` when the commit may or may not have been applied.
        """
        deadline = time.monotonic() + WRITE_RETRY_SECONDS
        write_concern = WriteConcern("majority", wtimeout=WRITE_TIMEOUT_MS)
        with self.db.client.start_session() as session:
            while True:
                session.start_transaction(
                    read_concern=ReadConcern("snapshot"), write_concern=write_concern
                )
                try:
                    result = fn(session)
                except BaseException as exc:
                    if session.in_transaction:
                        try:
                            session.abort_transaction()
                        except PyMongoError:
                            pass  # the server aborts it on its own
                    if not isinstance(exc, PyMongoError):
                        raise
                    if exc.has_error_label("TransientTransactionError"):
                        if time.monotonic() < deadline:
                            time.sleep(0.2)
                            continue
                        raise DatabaseUnavailable(not_written_message()) from None
                    if isinstance(exc, ConnectionFailure) or (
                        isinstance(exc, OperationFailure) and exc.code in _NOT_PRIMARY_CODES
                    ):
                        raise DatabaseUnavailable(not_written_message()) from None
                    raise
                retry_whole = False
                while True:
                    try:
                        session.commit_transaction()
                        return result
                    except PyMongoError as exc:
                        unknown = exc.has_error_label("UnknownTransactionCommitResult")
                        if unknown and time.monotonic() < deadline:
                            time.sleep(0.2)
                            continue  # committing again is safe: same transaction number
                        if exc.has_error_label("TransientTransactionError"):
                            # not committed (e.g. lost with the old primary): start again
                            if time.monotonic() < deadline:
                                retry_whole = True
                                break
                            raise DatabaseUnavailable(not_written_message()) from None
                        if unknown or _outcome_unknown(exc):
                            raise WriteNotConfirmed(not_confirmed_message(exc)) from None
                        raise
                if retry_whole:
                    time.sleep(0.2)

    # -- versioned upserts ---------------------------------------------------------------------

    def _upsert(
        self,
        coll: str,
        docs: Sequence[dict[str, Any]],
        actor: str,
        session: ClientSession | None = None,
    ) -> int:
        if not docs:
            return 0
        now = now_utc()
        ops = []
        for doc in docs:
            body = {k: v for k, v in doc.items() if k != "_id"}
            ops.append(
                UpdateOne(
                    {"_id": doc["_id"]},
                    [
                        {
                            "$replaceWith": {
                                "$mergeObjects": [
                                    {"_id": doc["_id"]},
                                    {"$literal": body},
                                    {
                                        "version": {"$add": [{"$ifNull": ["$version", 0]}, 1]},
                                        "created_by": {"$ifNull": ["$created_by", actor]},
                                        "created_at": {"$ifNull": ["$created_at", now]},
                                        "updated_by": actor,
                                        "updated_at": now,
                                    },
                                ]
                            }
                        }
                    ],
                    upsert=True,
                )
            )
        if session is not None:  # inside a transaction: _transaction judges the outcome
            result = self.db[coll].bulk_write(ops, ordered=True, session=session)
        else:
            with confirming_write():
                result = self.db[coll].bulk_write(ops, ordered=True)
        return result.upserted_count + result.modified_count

    def _upsert_changed(
        self,
        coll: str,
        docs: Sequence[dict[str, Any]],
        actor: str,
        session: ClientSession | None,
    ) -> int:
        """Upsert only the records whose stored fields differ (keeps versions stable)."""
        if not docs:
            return 0
        existing = {
            d["_id"]: d
            for d in self.db[coll].find({"_id": {"$in": [d["_id"] for d in docs]}}, session=session)
        }
        changed = [
            d
            for d in docs
            if d["_id"] not in existing or any(existing[d["_id"]].get(k) != v for k, v in d.items())
        ]
        return self._upsert(coll, changed, actor, session)

    # -- provided by the other parts of the Repository (core/repository/store.py) --------------

    def finish_publish(self) -> bool:  # staging.py
        raise NotImplementedError

    def clear_period_summaries(self) -> None:  # summaries.py
        raise NotImplementedError

    def summary_generation(self) -> int:  # summaries.py
        raise NotImplementedError

    def _invalidate_summaries(
        self, tasks: Iterable[Mapping[str, Any] | None], session: ClientSession | None
    ) -> None:  # summaries.py
        raise NotImplementedError

    def _check_no_publish(self, session: ClientSession | None) -> None:  # staging.py
        raise NotImplementedError
