"""Writes too large for one transaction: built beside the live collections in stage collections
of the same database, then published at once by renames a journal makes kill-safe (see the
comment in the class)."""

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
from pymongo.database import Database
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
from core.repository.connection import JOURNAL, LOCK_SECONDS, NEXT_STORE, STAGE, STAGE_BATCH
from core.repository.task_writes import _task_writes
from core.schema import INDEXES, VALIDATORS, task_facts


class _Prefixed(Database[dict[str, Any]]):
    """The same database with every collection name behind a prefix: `db.tasks` is
    `<prefix>tasks`, and `list_collection_names` shows only the prefixed ones, unprefixed.

    A whole new store (the demo) is built through it with the ordinary repository code, in
    collections of the live database nobody reads, so that publishing it is a rename within
    one database (the only kind a sharded cluster allows, docs/scaling.md). It covers what
    that code uses: collections by attribute or key, `get_collection`, `create_collection`,
    `drop_collection`, `list_collection_names`; a pipeline naming another collection must
    take the name from a collection object (`self.db.tasks.name`), as `rebuild_facts` does."""

    def __init__(self, db: Database[dict[str, Any]], prefix: str) -> None:
        super().__init__(
            db.client,
            db.name,
            db.codec_options,
            db.read_preference,
            db.write_concern,
            db.read_concern,
        )
        self.prefix = prefix

    def _own(self, name: str) -> str:
        # "$cmd" and the like are the driver's own namespaces, not collections
        return name if name.startswith("$") else self.prefix + name

    def __getitem__(self, name: str) -> Collection[dict[str, Any]]:
        return super().__getitem__(self._own(name))

    def get_collection(self, name: str, *args: Any, **kwargs: Any) -> Collection[dict[str, Any]]:
        return super().get_collection(self._own(name), *args, **kwargs)

    def create_collection(self, name: str, *args: Any, **kwargs: Any) -> Collection[dict[str, Any]]:
        return super().create_collection(self.prefix + name, *args, **kwargs)

    def drop_collection(
        self, name_or_collection: str | Collection[Any], *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        if isinstance(name_or_collection, str):
            name_or_collection = self.prefix + name_or_collection
        return super().drop_collection(name_or_collection, *args, **kwargs)

    def list_collection_names(self, *args: Any, **kwargs: Any) -> list[str]:
        names = super().list_collection_names(*args, **kwargs)
        return [n[len(self.prefix) :] for n in names if n.startswith(self.prefix)]


class StagingStore(StoreBase):
    """Staged bulk writes published at once, the bulk-write lock, fast loads."""

    # -- staged bulk writes: built beside the store, published at once ---------------------
    #
    # A write too large for one transaction (a big import, the demo province) is built in
    # collections of the same database that nobody reads ("stage__tasks"… for an import,
    # "next__tasks"… for a whole new store), then published by renaming them over the live
    # ones, within the database: a sharded cluster renames a sharded collection only within
    # its database (MongoDB 5.0+), never across databases (docs/scaling.md). A journal
    # written in a small transaction lists the renames first: a kill at any moment leaves
    # either no journal (the live store is the old one; stage collections are leftovers the
    # next run drops) or a journal that any process finishes (`finish_publish`, run by
    # ensure_schema) — the new store.

    def _journal(self) -> Collection[dict[str, Any]]:
        return self.db[JOURNAL]

    def _rename_within(self, source: str, target: str) -> None:
        """Rename `source` over `target`, both collections of this database (the only rename
        in the application: tests/unit/test_sharded_cluster_source.py)."""
        try:
            self.db.client.admin.command(
                "renameCollection",
                f"{self.db.name}.{source}",
                to=f"{self.db.name}.{target}",
                dropTarget=True,
            )
        except OperationFailure as exc:
            if exc.code != 26:  # NamespaceNotFound: another process renamed it meanwhile
                raise

    def finish_publish(self) -> bool:
        """Finish a publication a kill interrupted (roll forward); True when one was pending."""
        journal = self._journal().find_one({"_id": "publish"})
        if journal is None:
            return False
        existing = set(self.db.list_collection_names())
        for entry in journal["renames"]:
            if len(entry) == 3:  # a journal of the versions that staged in a side database
                source_db, source, target = entry
                if source_db != self.db.name:
                    raise ConflictError(_OLD_JOURNAL.format(db=source_db))
            else:
                source, target = entry
            if source in existing:  # else renamed already
                self._rename_within(source, target)
        for name in journal.get("drop", []):
            self.db.drop_collection(name)
        self.db.store_state.update_one(
            {"_id": "tasks"},
            {"$max": {"generation": int(journal.get("generation", 0))}},
            upsert=True,
        )
        self.clear_period_summaries()
        self._journal().delete_one({"_id": "publish"})
        self._schema_ready = False
        return True

    def _publish(
        self,
        renames: Sequence[tuple[str, str]],
        *,
        drop: Sequence[str] = (),
        expect_generation: int | None = None,
    ) -> None:
        """Write the journal (one small transaction that also checks no task write landed
        since `expect_generation`), then carry it out: each (source, target) renamed within
        this database, then `drop` dropped."""
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
                self._publish([(stage[n], n) for n in names], expect_generation=generation)
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
        """An empty repository to build a whole new store in (demo): the `next__*` collections
        of this same database, seen without their prefix; `replace_with` publishes it."""
        self._system_only("nạp lại toàn bộ dữ liệu")
        staged = type(self)(_Prefixed(self.db, NEXT_STORE))
        staged.drop_all()
        staged.ensure_schema()
        return staged

    def replace_with(self, staged: StoreBase) -> None:
        """Make the store exactly what `staged` (from `staging`) holds, at once (kill-safe,
        see above): its collections renamed over the live ones, the live ones it lacks
        dropped."""
        self._system_only("nạp lại toàn bộ dữ liệu")
        if not isinstance(staged.db, _Prefixed) or staged.db.name != self.db.name:
            raise ValueError("replace_with takes the repository `staging()` returned")
        prefix = staged.db.prefix
        self._ready()
        owner = self._lock()
        try:
            self.finish_publish()
            generation = self.summary_generation()
            sources = [n for n in staged.db.list_collection_names() if not n.startswith("system.")]
            drop = [
                n
                for n in self.db.list_collection_names()
                if n not in sources
                and n != JOURNAL
                and not n.startswith(prefix)
                and not n.startswith("system.")
            ]
            self._publish([(prefix + n, n) for n in sources], drop=drop)
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


# A publication from a side database, journaled by a version before this one and cut short by
# a kill: only a rename across databases finishes it, which this version no longer does.
_OLD_JOURNAL = (
    "Cơ sở dữ liệu còn dở một lần nạp lại toàn bộ dữ liệu do phiên bản trước của cddh ghi (dữ "
    "liệu mới nằm trong cơ sở dữ liệu phụ «{db}»); phiên bản này không hoàn tất được. Hãy chạy "
    "một lệnh bất kỳ (ví dụ «cddh db init») bằng phiên bản trước để hoàn tất, rồi nâng cấp."
)
