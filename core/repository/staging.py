"""Writes too large for one transaction: built beside the store in stage collections, then
published at once by renames a journal makes kill-safe (see the comment in the class)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Self

from bson import ObjectId
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.errors import (
    BulkWriteError,
    CollectionInvalid,
    DuplicateKeyError,
    OperationFailure,
)

from core.access.roles import IMPORT
from core.dates import now_utc
from core.errors import (
    ConflictError,
    Problem,
    ValidationFailed,
)
from core.localdb import pid_alive
from core.model import (
    Document,
    Task,
)
from core.repository.base import StoreBase
from core.repository.connection import JOURNAL, LOCK_SECONDS, STAGE, STAGE_BATCH, STAGE_DB_SUFFIX
from core.repository.task_writes import _task_writes
from core.schema import INDEXES, VALIDATORS, task_facts


class StagingStore(StoreBase):
    """Staged bulk writes published at once, the bulk-write lock, fast loads."""

    # -- staged bulk writes: built beside the store, published at once ---------------------
    #
    # A write too large for one transaction (a big import, the demo province, a rebuild) is
    # built in side collections nobody reads ("stage__tasks"… or a staging database), then
    # published by renaming them over the live ones. A journal written in a small transaction
    # lists the renames first: a kill at any moment leaves either no journal (the live store
    # is the old one; stage collections are leftovers the next run drops) or a journal that
    # any process finishes (`finish_publish`, run by ensure_schema) — the new store.

    def _journal(self) -> Collection[dict[str, Any]]:
        return self.db[JOURNAL]

    def finish_publish(self) -> bool:
        """Finish a publication a kill interrupted (roll forward); True when one was pending."""
        journal = self._journal().find_one({"_id": "publish"})
        if journal is None:
            return False
        client = self.db.client
        for source_db, source, target in journal["renames"]:
            if source not in client[source_db].list_collection_names():
                continue  # renamed already
            try:
                client.admin.command(
                    "renameCollection",
                    f"{source_db}.{source}",
                    to=f"{self.db.name}.{target}",
                    dropTarget=True,
                )
            except OperationFailure as exc:
                if exc.code != 26:  # NamespaceNotFound: another process renamed it meanwhile
                    raise
        for name in journal.get("drop", []):
            self.db.drop_collection(name)
        self.db.store_state.update_one(
            {"_id": "tasks"},
            {"$max": {"generation": int(journal.get("generation", 0))}},
            upsert=True,
        )
        self.clear_period_summaries()
        if journal.get("drop_db"):
            client.drop_database(journal["drop_db"])
        self._journal().delete_one({"_id": "publish"})
        self._schema_ready = False
        return True

    def _publish(
        self,
        renames: Sequence[tuple[str, str, str]],
        *,
        drop: Sequence[str] = (),
        expect_generation: int | None = None,
        drop_db: str | None = None,
    ) -> None:
        """Write the journal (one small transaction that also checks no task write landed
        since `expect_generation`), then carry it out."""
        if JOURNAL not in self.db.list_collection_names():
            try:
                self.db.create_collection(JOURNAL)
            except CollectionInvalid:
                pass

        def start(session: ClientSession) -> None:
            state = self.db.store_state.find_one({"_id": "tasks"}, session=session) or {}
            generation = int(state.get("generation", 0))
            if expect_generation is not None and generation != expect_generation:
                raise ConflictError(
                    "Dữ liệu nhiệm vụ vừa thay đổi trong lúc nhập (có người cập nhật hoặc một "
                    "lần nhập khác): không ghi gì cả, hãy chạy lại lệnh nhập."
                )
            self.db.store_state.update_one(
                {"_id": "tasks"}, {"$inc": {"generation": 1}}, upsert=True, session=session
            )
            self._journal().insert_one(
                {
                    "_id": "publish",
                    "renames": [list(r) for r in renames],
                    "drop": list(drop),
                    "drop_db": drop_db,
                    "generation": generation + 2,
                    "at": now_utc(),
                },
                session=session,
            )

        self._transaction(start)
        self.finish_publish()

    def _check_no_publish(self, session: ClientSession | None) -> None:
        if self._journal().find_one({"_id": "publish"}, {"_id": 1}, session=session):
            raise ConflictError(
                "Đang công bố một lần nạp dữ liệu lớn; thử lại sau ít giây (không có gì bị ghi)."
            )

    def _lock(self) -> str:
        """Take the bulk-write lock (one staged write at a time); ConflictError when held by a
        live process. A lock whose process died (same host) or that was not renewed for
        LOCK_SECONDS is taken over."""
        owner = f"{socket.gethostname()}:{os.getpid()}:{ObjectId()}"
        now = now_utc()
        expired = {"$or": [{"expires": {"$lt": now}}, {"owner": None}]}
        try:
            self._journal().update_one(
                {"_id": "lock", **expired},
                {"$set": {"owner": owner, "expires": now + timedelta(seconds=LOCK_SECONDS)}},
                upsert=True,
            )
            return owner
        except DuplicateKeyError:
            pass
        held = self._journal().find_one({"_id": "lock"}) or {}
        host, _, rest = str(held.get("owner") or "").partition(":")
        pid = rest.partition(":")[0]
        if host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid)):
            result = self._journal().update_one(
                {"_id": "lock", "owner": held.get("owner")},
                {"$set": {"owner": owner, "expires": now + timedelta(seconds=LOCK_SECONDS)}},
            )
            if result.modified_count == 1:
                return owner
        raise ConflictError(
            "Một lần nạp dữ liệu lớn khác đang chạy; chờ nó xong rồi chạy lại (không có gì bị ghi)."
        )

    def _renew(self, owner: str) -> None:
        self._journal().update_one(
            {"_id": "lock", "owner": owner},
            {"$set": {"expires": now_utc() + timedelta(seconds=LOCK_SECONDS)}},
        )

    def _unlock(self, owner: str) -> None:
        self._journal().delete_one({"_id": "lock", "owner": owner})

    def _drop_stage(self) -> None:
        for name in self.db.list_collection_names():
            if name.startswith(STAGE):
                self.db.drop_collection(name)

    def _stage_copy(self, name: str) -> str:
        """A side copy of a live collection with its validator (indexes come at the end)."""
        target = STAGE + name
        self.db.create_collection(target, validator=VALIDATORS[name], validationLevel="strict")
        self.db[name].aggregate([{"$match": {}}, {"$merge": {"into": target}}])
        return target

    def _stage_indexes(self, names: Iterable[str]) -> None:
        for coll, index_name, keys, options in INDEXES:
            if coll in names:
                self.db[STAGE + coll].create_index(keys, name=index_name, **options)

    def import_staged(
        self,
        *,
        documents: Sequence[Document],
        task_batches: Iterable[Sequence[Task]],
        actor: str,
    ) -> dict[str, int]:
        """Write validated documents and tasks of any number, all or nothing.

        Same records, versions, facts and events as `import_batch`, but built in stage
        collections in batches that fit any cache, then published at once (see above).
        Raises ConflictError when another bulk write runs or a task write lands meanwhile.
        """
        self._require(IMPORT)
        actor = self._who(actor)
        self._ready()
        owner = self._lock()
        try:
            self.finish_publish()
            self._drop_stage()
            generation = self.summary_generation()
            now = now_utc()
            names = ("documents", "tasks", "task_facts", "task_events")
            stage = {name: self._stage_copy(name) for name in names}
            stats = {"documents": 0, "tasks": 0}
            doc_forms = {d.key: d.to_mongo() for d in documents}
            forms = list(doc_forms.values())
            for start in range(0, len(forms), STAGE_BATCH):
                chunk = forms[start : start + STAGE_BATCH]
                stats["documents"] += self._upsert_changed(stage["documents"], chunk, actor, None)
            for batch in task_batches:
                self._renew(owner)
                parents: dict[str, Mapping[str, Any]] = {}
                for t in batch:
                    if t.document in doc_forms:
                        parents[t.document] = doc_forms[t.document]
                missing = sorted({t.document for t in batch} - set(parents))
                if missing:
                    for found in self.db[stage["documents"]].find({"_id": {"$in": missing}}):
                        parents[found["_id"]] = found
                orphans = sorted({t.document for t in batch} - set(parents))
                if orphans:
                    raise ValidationFailed(
                        [Problem("văn bản", f"chưa có văn bản «{key}»") for key in orphans]
                    )
                task_forms = [t.to_mongo(dict(parents[t.document])) for t in batch]
                existing = {
                    d["_id"]: d
                    for d in self.db[stage["tasks"]].find(
                        {"_id": {"$in": [t["_id"] for t in task_forms]}}
                    )
                }
                ops, fact_ops, events, _ = _task_writes(task_forms, existing, actor, now)
                if ops:
                    self.db[stage["tasks"]].bulk_write(ops, ordered=False)
                    self.db[stage["task_facts"]].bulk_write(fact_ops, ordered=False)
                    self.db[stage["task_events"]].insert_many(events, ordered=False)
                stats["tasks"] += len(ops)
            self._renew(owner)
            self._stage_indexes(names)
            if stats["documents"] or stats["tasks"]:
                self._publish(
                    [(self.db.name, stage[n], n) for n in names], expect_generation=generation
                )
            return stats
        except BulkWriteError as exc:
            first = exc.details.get("writeErrors", [{}])[0]
            raise ValidationFailed(
                [Problem("dữ liệu", f"ghi hàng loạt bị từ chối: {first.get('errmsg', exc)}")]
            ) from None
        finally:
            if self._journal().find_one({"_id": "publish"}) is None:
                self._drop_stage()
            self._unlock(owner)

    def staging(self) -> Self:
        """An empty repository in a side database, to build a whole new store in (demo)."""
        self._system_only("nạp lại toàn bộ dữ liệu")
        staged = type(self)(self.db.client[f"{self.db.name}{STAGE_DB_SUFFIX}"])
        staged.drop_all()
        staged.ensure_schema()
        return staged

    def replace_with(self, staged: StoreBase) -> None:
        """Make the store exactly what `staged` holds, at once (kill-safe, see above)."""
        self._system_only("nạp lại toàn bộ dữ liệu")
        self._ready()
        owner = self._lock()
        try:
            self.finish_publish()
            generation = self.summary_generation()
            sources = [n for n in staged.db.list_collection_names() if not n.startswith("system.")]
            drop = [
                n
                for n in self.db.list_collection_names()
                if n not in sources and n != JOURNAL and not n.startswith("system.")
            ]
            self._publish(
                [(staged.db.name, n, n) for n in sources], drop=drop, drop_db=staged.db.name
            )
            self.db.store_state.update_one(
                {"_id": "tasks"}, {"$max": {"generation": generation + 3}}
            )
        finally:
            self._unlock(owner)

    @contextmanager
    def bulk_loading(self, *collections: str) -> Iterator[None]:
        """Load generated data fast: drop the collections' secondary indexes, rebuild after.

        Maintaining the text index on every insert costs ~4x the load time; building it once
        at the end is cheap. The rebuild (ensure_schema) also re-checks unique keys.
        """
        self._system_only("nạp lại toàn bộ dữ liệu")
        self._ready()
        names = set(collections or ("tasks", "task_events", "documents"))
        if "tasks" in names:
            names.add("task_facts")
        for name in sorted(names):
            for index in list(self.db[name].list_indexes()):
                if index["name"] != "_id_":
                    self.db[name].drop_index(index["name"])
        try:
            yield
        finally:
            self.ensure_schema()
            self.clear_period_summaries()

    def bulk_insert(
        self, collection: str, docs: Iterable[dict[str, Any]], batch: int = 5000
    ) -> int:
        """Fast unordered batched inserts for generated data (demo, benchmarks)."""
        self._system_only("nạp lại toàn bộ dữ liệu")
        self._ready()
        total = 0
        chunk: list[dict[str, Any]] = []
        for doc in docs:
            chunk.append(doc)
            if len(chunk) >= batch:
                total += self._insert_chunk(collection, chunk)
                chunk = []
        if chunk:
            total += self._insert_chunk(collection, chunk)
        if collection == "tasks":
            self.clear_period_summaries()
        return total

    def _insert_chunk(self, collection: str, chunk: list[dict[str, Any]]) -> int:
        try:
            inserted = len(self.db[collection].insert_many(chunk, ordered=False).inserted_ids)
            if collection == "tasks":
                self.db.task_facts.insert_many([task_facts(t) for t in chunk], ordered=False)
            return inserted
        except BulkWriteError as exc:
            first = exc.details.get("writeErrors", [{}])[0]
            raise ValidationFailed(
                [Problem(collection, f"ghi hàng loạt bị từ chối: {first.get('errmsg', exc)}")]
            ) from None
