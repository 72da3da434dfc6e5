"""The one adapter to MongoDB (kho dữ liệu): connection, schema, reads with a scope, writes
with an actor and a version, all through pymongo.

Reads of tasks take a `Scope`; writes of tasks take an actor and, for updates, the version the
writer read (optimistic concurrency), and record a `task_events` entry in the same
transaction.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, MongoClient, ReplaceOne, UpdateOne
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    CollectionInvalid,
    ConnectionFailure,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WTimeoutError,
)
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from core import config
from core.dates import from_bson_day, now_utc, to_bson_day
from core.errors import (
    ConflictError,
    DatabaseAuthFailed,
    DatabaseUnavailable,
    Problem,
    ValidationFailed,
    WriteNotConfirmed,
)
from core.localdb import pid_alive
from core.model import (
    Delegation,
    Document,
    Leader,
    Task,
    Unit,
    delegation_rule_problems,
    validate,
)
from core.schema import INDEXES, VALIDATORS, task_facts, task_facts_projection
from core.scope import Scope

_CLIENTS: dict[str, MongoClient[dict[str, Any]]] = {}

WRITE_TIMEOUT_MS = 15_000  # longest wait for a majority to acknowledge one write
WRITE_RETRY_SECONDS = 30.0  # a transaction is retried this long (an election takes ~10 s)
JOURNAL = "publish_journal"  # the bulk-write lock and the journal of a publication
STAGE = "stage__"  # prefix of the side collections a big import is built in
STAGE_DB_SUFFIX = "__stage"  # the side database a whole new store (demo) is built in
STAGE_BATCH = 2000
LOCK_SECONDS = 60


def not_confirmed_message(exc: BaseException | None = None) -> str:
    """What a user reads when a write was sent but not confirmed (Vietnamese)."""
    return (
        "Không xác nhận được việc ghi dữ liệu: máy chủ MongoDB mất kết nối hoặc đang chuyển "
        "nút chính (bầu lại primary) đúng lúc ghi, nên thay đổi CÓ THỂ ĐÃ ĐƯỢC GHI HOẶC CHƯA. "
        "Hãy kiểm tra lại dữ liệu (xem lại nhiệm vụ; nhập lại cùng tệp là an toàn, không ghi "
        "trùng) rồi mới làm lại."
    )


def not_written_message() -> str:
    """What a user reads when a write failed before anything was committed (Vietnamese)."""
    return (
        "Không ghi được dữ liệu: máy chủ MongoDB không có nút chính (primary) hoặc mất kết nối "
        f"quá {WRITE_RETRY_SECONDS:.0f} giây. Chưa có gì được ghi; hãy thử lại sau ít phút."
    )


def _outcome_unknown(exc: PyMongoError) -> bool:
    """Whether a failed write may still have been applied."""
    return (
        isinstance(exc, (ConnectionFailure, WTimeoutError))
        or exc.has_error_label("UnknownTransactionCommitResult")
        or (isinstance(exc, OperationFailure) and exc.code in _NOT_PRIMARY_CODES)
    )


# NotWritablePrimary, NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary, InterruptedAtShutdown,
# InterruptedDueToReplStateChange, PrimarySteppedDown, ShutdownInProgress, HostUnreachable…
_NOT_PRIMARY_CODES = {10107, 13435, 13436, 11600, 11602, 189, 91, 6, 7, 89, 9001}


# A connection lost, a primary stepping down, a majority not reached in time.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (ConnectionFailure, WTimeoutError)


def outage_message(exc: BaseException | None = None) -> str:
    """What a user reads when MongoDB went away in the middle of a command (Vietnamese)."""
    return (
        "Mất kết nối tới MongoDB giữa chừng (máy chủ dừng hoặc đang bầu lại nút chính). "
        "Nếu lệnh đang ghi, thay đổi có thể đã được ghi hoặc chưa: kiểm tra lại, rồi chạy lại "
        "lệnh (nhập lại cùng tệp là an toàn, không ghi trùng)."
    )


@contextmanager
def confirming_write() -> Iterator[None]:
    """Run one (non-transaction) write: an unknown outcome becomes WriteNotConfirmed."""
    try:
        yield
    except PyMongoError as exc:
        if _outcome_unknown(exc):
            raise WriteNotConfirmed(not_confirmed_message(exc)) from None
        raise


def _client(
    uri: str, timeout_ms: int = 5000, socket_timeout_ms: int | None = None
) -> MongoClient[dict[str, Any]]:
    key = f"{uri}|{timeout_ms}|{socket_timeout_ms}"
    if key not in _CLIENTS:
        # Writes are acknowledged by a majority of the replica set (an acknowledged write
        # survives the loss of the primary) and retried once by the driver after a network
        # error or a change of primary (retryable writes: applied at most once).
        _CLIENTS[key] = MongoClient(
            uri,
            tz_aware=True,
            serverSelectionTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
            socketTimeoutMS=socket_timeout_ms,
            appname="cddh",
            retryWrites=True,
            retryReads=True,
            w="majority",
            wTimeoutMS=WRITE_TIMEOUT_MS,
        )
    return _CLIENTS[key]


def close_all(uri: str | None = None) -> None:
    """Close the cached clients of one URI (the server stops) or of every URI (shutdown)."""
    for key in [k for k in _CLIENTS if uri is None or k.split("|")[0] == uri]:
        _CLIENTS.pop(key).close()


# --- server administration (used by core.localdb) -------------------------------------------


def wait_for_server(uri: str, timeout: float = 60.0) -> None:
    """Block until a server answers ping at `uri` (direct connection)."""
    deadline = time.monotonic() + timeout
    client = _client(uri, timeout_ms=1000)
    while True:
        try:
            client.admin.command("ping")
            return
        except PyMongoError as exc:
            if time.monotonic() > deadline:
                raise DatabaseUnavailable(f"MongoDB tại {uri} không trả lời: {exc}") from None
            time.sleep(0.2)


def ensure_replica_set(uri: str, name: str, host: str, timeout: float = 60.0) -> None:
    """Initiate a one-node replica set if needed and wait until the node is primary."""
    client = _client(uri, timeout_ms=1000)
    try:
        client.admin.command("replSetGetStatus")
    except OperationFailure as exc:
        if exc.code == 94:  # NotYetInitialized
            client.admin.command(
                "replSetInitiate", {"_id": name, "members": [{"_id": 0, "host": host}]}
            )
        elif exc.code == 93:  # InvalidReplicaSetConfig: the data was started on another port
            _move_single_node(client, host)
        else:
            raise
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            hello = client.admin.command("hello")
            if hello.get("isWritablePrimary"):
                return
        except PyMongoError:
            pass
        time.sleep(0.2)
    raise DatabaseUnavailable(f"Replica set {name} chưa có nút chính sau {timeout:.0f} giây")


def _move_single_node(client: MongoClient[dict[str, Any]], host: str) -> None:
    """Point a one-node development replica set at its new host:port (forced reconfig)."""
    config = client.local["system.replset"].find_one()
    if config is None:
        return
    config["members"] = [{**config["members"][0], "host": host}]
    config["version"] = int(config.get("version", 1)) + 1
    client.admin.command("replSetReconfig", config, force=True)


def server_version(uri: str) -> str | None:
    """The server's version, or None when nothing answers."""
    try:
        info = _client(uri, timeout_ms=1500).server_info()
        return str(info.get("version"))
    except PyMongoError:
        return None


# --- the repository ---------------------------------------------------------------------------


def unavailable_message(uri: str, exc: Exception | None = None) -> str:
    """What a user reads when MongoDB cannot be reached, and what to check."""
    where = uri.split("@")[-1]  # never show credentials
    return (
        f"Không kết nối được cơ sở dữ liệu MongoDB ({where}). Kiểm tra: máy chủ MongoDB đã chạy "
        "chưa (`cddh db status`, `cddh db start`), biến môi trường MONGODB_URI có đúng không, "
        "và mạng tới máy chủ."
    )


_AUTH_FAILED = 18  # MongoDB error code AuthenticationFailed
_UNAUTHORIZED = 13  # Unauthorized


def auth_failed_message(uri: str) -> str:
    """What a user reads when MongoDB refuses the credentials of the connection string."""
    where = uri.split("@")[-1]  # never show credentials
    return (
        f"MongoDB ({where}) từ chối đăng nhập: xác thực không thành công. Kiểm tra tên người "
        "dùng, mật khẩu và authSource trong MONGODB_URI (máy chủ vẫn đang chạy)."
    )


def connect(
    uri: str | None = None,
    db_name: str | None = None,
    timeout_ms: int = 5000,
    socket_timeout_ms: int | None = None,
) -> Repository:
    """A repository on MONGODB_URI / MONGODB_DB (or the given ones); raises DatabaseUnavailable
    (DatabaseAuthFailed when the server refuses the credentials).

    `socket_timeout_ms`: the longest wait for one answer (None: no limit, the dashboard's)."""
    uri = uri or config.effective_uri()
    client = _client(uri, timeout_ms, socket_timeout_ms)
    try:
        client.admin.command("ping")
    except OperationFailure as exc:
        if exc.code == _AUTH_FAILED:
            raise DatabaseAuthFailed(auth_failed_message(uri)) from None
        raise DatabaseUnavailable(unavailable_message(uri, exc)) from None
    except PyMongoError as exc:
        raise DatabaseUnavailable(unavailable_message(uri, exc)) from None
    return Repository(client[db_name or config.mongodb_db()])


def describe_failure(exc: BaseException) -> str | None:
    """A short Vietnamese message for a database error met in the middle of a command, or None
    when `exc` is not one. Never quotes the server's text: it can hold record contents."""
    if not isinstance(exc, PyMongoError):
        return None
    if isinstance(exc, ServerSelectionTimeoutError):
        return unavailable_message(config.effective_uri())
    if isinstance(exc, ConnectionFailure):  # AutoReconnect, NetworkTimeout: the server went away
        return (
            f"Mất kết nối tới MongoDB giữa chừng ({type(exc).__name__}): thao tác có thể chưa "
            "hoàn tất. Kiểm tra máy chủ (`cddh db status`) rồi chạy lại lệnh."
        )
    if isinstance(exc, OperationFailure) and exc.code == _AUTH_FAILED:
        return auth_failed_message(config.effective_uri())
    if isinstance(exc, OperationFailure) and exc.code == _UNAUTHORIZED:
        return (
            "Người dùng MongoDB trong MONGODB_URI không có quyền làm thao tác này; cần quyền "
            "đọc, ghi và tạo chỉ mục trên cơ sở dữ liệu MONGODB_DB."
        )
    code = getattr(exc, "code", None)
    return (
        f"MongoDB từ chối thao tác ({type(exc).__name__}"
        + (f", mã {code}" if code is not None else "")
        + "). Kiểm tra quyền của người dùng và trạng thái máy chủ rồi chạy lại lệnh."
    )


class Repository:
    """Every read and write of the store goes through here."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.db = db
        self._schema_ready = False

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
                self.db.command("collMod", name, validator=validator, validationLevel="strict")
        for coll, index_name, keys, options in INDEXES:
            self.db[coll].create_index(keys, name=index_name, **options)
        self.db.store_state.update_one(
            {"_id": "tasks"}, {"$setOnInsert": {"generation": 0}}, upsert=True
        )
        self._schema_ready = True
        if (
            self.db.task_facts.estimated_document_count()
            != self.db.tasks.estimated_document_count()
        ):
            self.rebuild_facts()

    def rebuild_facts(self) -> int:
        """Recompute `task_facts` from `tasks` on the server (after a restore or an upgrade).

        `$out` builds the new collection aside and swaps it in at once, keeping the indexes:
        a kill leaves the old facts whole."""
        self.clear_period_summaries()
        self.db.tasks.aggregate([{"$project": task_facts_projection()}, {"$out": "task_facts"}])
        self.clear_period_summaries()
        return self.db.task_facts.estimated_document_count()

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

    # -- organisation ------------------------------------------------------------------------

    def save_units(self, units: Sequence[Unit], actor: str) -> int:
        """Insert or replace units (by code); returns how many were written."""
        self._ready()
        return self._upsert("units", [u.to_mongo() for u in units], actor)

    def save_leaders(self, leaders: Sequence[Leader], actor: str) -> int:
        """Insert or replace leaders (by id)."""
        self._ready()
        return self._upsert("leaders", [item.to_mongo() for item in leaders], actor)

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
        self._ready()
        problems = self.delegation_problems(delegation)
        if problems:
            raise ValidationFailed(problems)
        self._upsert("delegations", [delegation.to_mongo()], actor)

    # -- documents and tasks ------------------------------------------------------------------

    def save_document(self, document: Document | dict[str, Any], actor: str) -> str:
        """Insert or replace a directive document; a secret one is refused. Returns its key."""
        self._ready()
        doc = document if isinstance(document, Document) else validate(Document, dict(document))
        self._upsert("documents", [doc.to_mongo()], actor)
        return doc.key

    def document(self, key: str) -> dict[str, Any] | None:
        """One document by key."""
        return self.db.documents.find_one({"_id": key})

    def insert_task(self, task: Task | dict[str, Any], actor: str) -> str:
        """Enter a new task (version 1) and its 'created' event, in one transaction."""
        self._ready()
        item = task if isinstance(task, Task) else validate(Task, dict(task))
        parent = self.document(item.document)
        if parent is None:
            raise ValidationFailed([Problem("văn bản", f"chưa có văn bản «{item.document}»")])
        doc = item.to_mongo(parent)
        now = now_utc()
        if doc["entered_at"] is None:
            doc["entered_at"] = now
        doc.update(version=1, created_by=actor, created_at=now, updated_by=actor, updated_at=now)

        def write(session: ClientSession) -> None:
            if self.db.tasks.find_one({"_id": doc["_id"]}, {"_id": 1}, session=session):
                raise ValidationFailed([Problem("nhiệm vụ", f"đã có nhiệm vụ «{doc['_id']}»")])
            self.db.tasks.insert_one(doc, session=session)
            self.db.task_facts.insert_one(task_facts(doc), session=session)
            self._invalidate_summaries([doc], session)
            self.db.task_events.insert_one(
                {
                    "task": doc["_id"],
                    "at": now,
                    "kind": "created",
                    "actor": actor,
                    "before": None,
                    "after": _public(doc),
                    "version": 1,
                },
                session=session,
            )

        self._transaction(write)
        return str(doc["_id"])

    def update_task(
        self,
        task_id: str,
        changes: Mapping[str, Any],
        actor: str,
        expected_version: int,
        kind: str = "updated",
    ) -> int:
        """Apply changes to a task if it is still at `expected_version`; returns the new version.

        The merged task is validated again; the event records the changed fields before/after.
        """
        self._ready()
        now = now_utc()

        def write(session: ClientSession) -> int:
            current = self.db.tasks.find_one({"_id": task_id}, session=session)
            if current is None:
                raise ValidationFailed([Problem("nhiệm vụ", f"không có nhiệm vụ «{task_id}»")])
            if current.get("version") != expected_version:
                raise ConflictError(
                    f"Nhiệm vụ {task_id} đã được người khác cập nhật "
                    f"(phiên bản {current.get('version')}, "
                    f"bạn đang sửa phiên bản {expected_version})"
                )
            merged = {**task_input(current), **dict(changes)}
            item = validate(Task, merged)
            parent = self.document(item.document) or {}
            new_doc = item.to_mongo(parent)
            diff_before = {k: current.get(k) for k in new_doc if current.get(k) != new_doc[k]}
            diff_after = {k: new_doc[k] for k in diff_before}
            version = expected_version + 1
            result = self.db.tasks.update_one(
                {"_id": task_id, "version": expected_version},
                {"$set": {**new_doc, "version": version, "updated_by": actor, "updated_at": now}},
                session=session,
            )
            if result.matched_count != 1:
                raise ConflictError(f"Nhiệm vụ {task_id} vừa thay đổi, hãy tải lại")
            self.db.task_facts.replace_one(
                {"_id": task_id},
                task_facts({**new_doc, "_id": task_id}),
                upsert=True,
                session=session,
            )
            self._invalidate_summaries([current, new_doc], session)
            self.db.task_events.insert_one(
                {
                    "task": task_id,
                    "at": now,
                    "kind": kind,
                    "actor": actor,
                    "before": diff_before,
                    "after": diff_after,
                    "version": version,
                },
                session=session,
            )
            return version

        return int(self._transaction(write))

    def import_batch(
        self,
        *,
        units: Sequence[Unit] = (),
        leaders: Sequence[Leader] = (),
        delegations: Sequence[Delegation] = (),
        documents: Sequence[Document] = (),
        tasks: Sequence[Task] = (),
        actor: str,
    ) -> dict[str, int]:
        """Write validated records in one transaction: all of them or none.

        Records are keyed (unit code, leader id, document number and year, document + task
        order), so importing the same file twice changes nothing. A task whose stored form
        differs gets a new version and an 'imported' event.
        """
        self._ready()
        now = now_utc()
        stats = {"units": 0, "leaders": 0, "delegations": 0, "documents": 0, "tasks": 0}

        def write(session: ClientSession) -> dict[str, int]:
            stats["units"] = self._upsert_changed(
                "units", [u.to_mongo() for u in units], actor, session
            )
            stats["leaders"] = self._upsert_changed(
                "leaders", [x.to_mongo() for x in leaders], actor, session
            )
            stats["delegations"] = self._upsert_changed(
                "delegations", [x.to_mongo() for x in delegations], actor, session
            )
            doc_forms = {d.key: d.to_mongo() for d in documents}
            stats["documents"] = self._upsert_changed(
                "documents", list(doc_forms.values()), actor, session
            )
            parents = dict(doc_forms)
            missing = {t.document for t in tasks} - set(parents)
            if missing:
                for found in self.db.documents.find(
                    {"_id": {"$in": sorted(missing)}}, session=session
                ):
                    parents[found["_id"]] = found
            orphans = sorted({t.document for t in tasks} - set(parents))
            if orphans:
                raise ValidationFailed(
                    [Problem("văn bản", f"chưa có văn bản «{key}»") for key in orphans]
                )
            task_forms = [t.to_mongo(parents[t.document]) for t in tasks]
            existing = {
                d["_id"]: d
                for d in self.db.tasks.find(
                    {"_id": {"$in": [t["_id"] for t in task_forms]}}, session=session
                )
            }
            ops, fact_ops, events, touched = _task_writes(task_forms, existing, actor, now)
            if ops:
                self.db.tasks.bulk_write(ops, ordered=True, session=session)
                self.db.task_facts.bulk_write(fact_ops, ordered=True, session=session)
                self.db.task_events.insert_many(events, session=session)
                self._invalidate_summaries(touched, session)
            stats["tasks"] = len(ops)
            return stats

        return dict(self._transaction(write))

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

    def staging(self) -> Repository:
        """An empty repository in a side database, to build a whole new store in (demo)."""
        staged = Repository(self.db.client[f"{self.db.name}{STAGE_DB_SUFFIX}"])
        staged.drop_all()
        staged.ensure_schema()
        return staged

    def replace_with(self, staged: Repository) -> None:
        """Make the store exactly what `staged` holds, at once (kill-safe, see above)."""
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

    @contextmanager
    def bulk_loading(self, *collections: str) -> Iterator[None]:
        """Load generated data fast: drop the collections' secondary indexes, rebuild after.

        Maintaining the text index on every insert costs ~4x the load time; building it once
        at the end is cheap. The rebuild (ensure_schema) also re-checks unique keys.
        """
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
        if not items:
            return True
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

    # -- task reads (always scoped) -----------------------------------------------------------

    def task(self, task_id: str, scope: Scope) -> dict[str, Any] | None:
        """One task, if the scope lets the reader see it."""
        return self.db.tasks.find_one({"_id": task_id, **scope.task_match()})

    def find_tasks(
        self,
        query: Mapping[str, Any],
        scope: Scope,
        *,
        sort: Sequence[tuple[str, int]] = (("assigned_date", -1), ("_id", 1)),
        skip: int = 0,
        limit: int = 50,
        projection: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """A page of tasks matching a query within a scope (server-side paging and sorting)."""
        match = _and(dict(query), scope.task_match())
        cursor = self.db.tasks.find(match, projection).sort(list(sort)).skip(skip).limit(limit)
        return list(cursor)

    def count_tasks(self, query: Mapping[str, Any], scope: Scope) -> int:
        """Number of tasks matching a query within a scope."""
        return self.db.tasks.count_documents(_and(dict(query), scope.task_match()))

    def aggregate_tasks(
        self,
        pipeline: Sequence[Mapping[str, Any]],
        scope: Scope,
        allow_disk_use: bool = True,
        source: str = "tasks",
    ) -> list[dict[str, Any]]:
        """Run a pipeline on tasks after the scope's $match; returns the (small) result.

        `source="facts"` runs it on `task_facts`, the narrow projection holding only the
        fields the status metrics read (schema.FACT_FIELDS): same keys, a tenth of the bytes.
        """
        if source not in ("tasks", "facts"):
            raise ValueError(f"source: {source!r}")
        stages = list(pipeline)
        match = scope.task_match()
        if match:
            if stages and "$match" in stages[0]:
                stages[0] = {"$match": _and(dict(stages[0]["$match"]), match)}
            else:
                stages.insert(0, {"$match": match})
        coll = self.db.task_facts if source == "facts" else self.db.tasks
        return list(coll.aggregate(stages, allowDiskUse=allow_disk_use))

    def aggregate(
        self, collection: str, pipeline: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Run a pipeline on a non-task collection (units, documents, events)."""
        return list(self.db[collection].aggregate(list(pipeline), allowDiskUse=True))

    def earliest_assigned(self) -> datetime | None:
        """The earliest assigned day of any task (from the index; None when there is none)."""
        first = self.db.task_facts.find_one({}, {"assigned_date": 1}, sort=[("assigned_date", 1)])
        return first["assigned_date"] if first else None

    def task_events(self, task_id: str) -> list[dict[str, Any]]:
        """The history of one task, oldest first."""
        return list(self.db.task_events.find({"task": task_id}).sort([("at", 1), ("_id", 1)]))

    def documents_page(
        self, query: Mapping[str, Any], *, skip: int = 0, limit: int = 50
    ) -> list[dict[str, Any]]:
        """A page of documents, newest first."""
        cursor = self.db.documents.find(dict(query)).sort([("issue_date", -1), ("_id", 1)])
        return list(cursor.skip(skip).limit(limit))

    def count_documents(self, query: Mapping[str, Any]) -> int:
        """Number of documents matching a query."""
        return self.db.documents.count_documents(dict(query))

    # -- calendar -------------------------------------------------------------------------------

    def calendar_days(self, year: int | None = None) -> list[dict[str, Any]]:
        """Stored calendar adjustments (extra days off, make-up working days)."""
        query = {} if year is None else {"year": year}
        return list(self.db.calendar.find(query).sort("date", ASCENDING))

    def save_calendar_day(self, day: date, kind: str, name: str, actor: str) -> None:
        """Add or replace one calendar adjustment ('holiday' or 'workday')."""
        self._ready()
        if kind not in ("holiday", "workday"):
            raise ValidationFailed([Problem("loại ngày", "phải là 'holiday' hoặc 'workday'")])
        if not name.strip():
            raise ValidationFailed([Problem("tên ngày", "không được để trống")])
        self._upsert(
            "calendar",
            [
                {
                    "_id": day.isoformat(),
                    "date": to_bson_day(day),
                    "kind": kind,
                    "name": name,
                    "year": day.year,
                }
            ],
            actor,
        )

    def calendar_overrides(self) -> tuple[dict[date, str], dict[date, str]]:
        """(extra holidays, make-up working days) as {day: name}."""
        holidays: dict[date, str] = {}
        workdays: dict[date, str] = {}
        for row in self.db.calendar.find({}):
            target = holidays if row["kind"] == "holiday" else workdays
            target[from_bson_day(row["date"])] = row["name"]
        return holidays, workdays

    # -- briefing archive (GridFS bucket "briefings"; owned by the briefings issue) -------------

    def _briefing_bucket(self) -> Any:
        from gridfs import GridFSBucket

        return GridFSBucket(self.db, bucket_name="briefings")

    def save_briefing(self, data: bytes, filename: str, metadata: Mapping[str, Any]) -> str:
        """Store a generated Word file with its metadata (period, scope, who, when, sha256)."""
        file_id = self._briefing_bucket().upload_from_stream(
            filename, data, metadata=dict(metadata)
        )
        return str(file_id)

    def list_briefings(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest stored briefings, newest first: id, filename, size, uploaded, metadata."""
        cursor = self.db["briefings.files"].find({}).sort("uploadDate", -1).limit(limit)
        return [
            {
                "id": str(f["_id"]),
                "filename": f["filename"],
                "length": int(f["length"]),
                "uploaded": f["uploadDate"],
                "metadata": f.get("metadata") or {},
            }
            for f in cursor
        ]

    def briefing_file(self, file_id: str) -> tuple[bytes, dict[str, Any]] | None:
        """The bytes and metadata of one stored briefing, None when there is no such file."""
        from bson import ObjectId
        from bson.errors import InvalidId
        from gridfs.errors import NoFile

        try:
            oid = ObjectId(file_id)
        except (InvalidId, TypeError):
            return None
        try:
            stream = self._briefing_bucket().open_download_stream(oid)
        except NoFile:
            return None
        return stream.read(), dict(stream.metadata or {})

    # -- end of briefing archive ----------------------------------------------------------------

    # -- backup and restore primitives (core/backup.py builds the dump layout on these) ----------

    def collection_infos(self) -> list[dict[str, Any]]:
        """listCollections of the store without system collections: name, type, options, info."""
        infos = [
            dict(info)
            for info in self.db.list_collections()
            if not str(info["name"]).startswith("system.")
        ]
        return sorted(infos, key=lambda info: str(info["name"]))

    def index_specs(self, collection: str) -> list[dict[str, Any]]:
        """listIndexes of one collection, key order kept (as mongodump stores them)."""
        return [dict(spec) for spec in self.db[collection].list_indexes()]

    @contextmanager
    def snapshot(self) -> Iterator[ClientSession]:
        """A session whose reads all see one point in time (a consistent backup)."""
        with self.db.client.start_session(snapshot=True) as session:
            yield session

    def raw_documents(
        self, collection: str, session: ClientSession | None = None, batch_size: int = 1000
    ) -> Iterator[bytes]:
        """Every document of a collection as raw BSON bytes, streamed (never decoded)."""
        from bson.codec_options import CodecOptions
        from bson.raw_bson import RawBSONDocument

        raw: Any = self.db.get_collection(
            collection, codec_options=CodecOptions(document_class=RawBSONDocument)
        )
        for doc in raw.find({}, batch_size=batch_size, session=session):
            yield bytes(doc.raw)

    def holds_data(self, ignore: Iterable[str] = ("store_state", "period_summaries")) -> list[str]:
        """Collections holding at least one document (derived bookkeeping ignored)."""
        skip = set(ignore)
        return [
            info["name"]
            for info in self.collection_infos()
            if info["name"] not in skip
            and info.get("type", "collection") == "collection"
            and self.db[info["name"]].find_one({}, {"_id": 1}) is not None
        ]

    def create_collection_raw(self, name: str, options: Mapping[str, Any]) -> None:
        """Create a collection with listCollections-style options (validator, collation…)."""
        command: dict[str, Any] = {"create": name}
        command.update({k: v for k, v in options.items() if k != "uuid"})
        self.db.command(command)

    def create_indexes_raw(self, name: str, specs: Sequence[Mapping[str, Any]]) -> None:
        """Create indexes from listIndexes-style specs (the `_id` index exists already)."""
        wanted = [
            {k: v for k, v in spec.items() if k != "ns"}
            for spec in specs
            if spec.get("name") != "_id_"
        ]
        if wanted:
            self.db.command({"createIndexes": name, "indexes": wanted})

    def insert_raw(self, name: str, documents: Sequence[Any]) -> int:
        """Insert a batch of RawBSONDocument as they are (majority write concern)."""
        if not documents:
            return 0
        coll = self.db.get_collection(name, write_concern=WriteConcern("majority"))
        coll.insert_many(list(documents), ordered=True)  # all acknowledged, or it raises
        return len(documents)

    def drop_collection(self, name: str) -> None:
        """Drop one collection (no error when it does not exist)."""
        self.db.drop_collection(name)
        self._schema_ready = False

    # -- end of backup and restore primitives ----------------------------------------------------


def _task_writes(
    task_forms: Sequence[dict[str, Any]],
    existing: Mapping[str, Mapping[str, Any]],
    actor: str,
    now: datetime,
) -> tuple[list[Any], list[Any], list[dict[str, Any]], list[Mapping[str, Any] | None]]:
    """The writes of imported tasks: (task ops, fact ops, events, old and new forms touched).

    A task whose stored form is unchanged is skipped; a changed one gets the next version and
    an 'imported' event with the changed fields before and after.
    """
    ops: list[Any] = []
    fact_ops: list[Any] = []
    events: list[dict[str, Any]] = []
    touched: list[Mapping[str, Any] | None] = []
    for form in task_forms:
        old = existing.get(form["_id"])
        if old is not None and form["entered_at"] is None:
            form["entered_at"] = old.get("entered_at")
        if form["entered_at"] is None:
            form["entered_at"] = now
        if old is None:
            version = 1
            before = None
            after = _public(form)
            created_by, created_at = actor, now
        else:
            diff = {k: old.get(k) for k in form if old.get(k) != form[k]}
            if not diff:
                continue
            version = int(old.get("version", 1)) + 1
            before, after = diff, {k: form[k] for k in diff}
            created_by, created_at = old.get("created_by", actor), old.get("created_at", now)
        full = {
            **form,
            "version": version,
            "created_by": created_by,
            "created_at": created_at,
            "updated_by": actor,
            "updated_at": now,
        }
        ops.append(ReplaceOne({"_id": form["_id"]}, full, upsert=True))
        touched += [old, form]
        fact_ops.append(ReplaceOne({"_id": form["_id"]}, task_facts(full), upsert=True))
        events.append(
            {
                "_id": ObjectId(),
                "task": form["_id"],
                "at": now,
                "kind": "imported",
                "actor": actor,
                "before": before,
                "after": after,
                "version": version,
            }
        )
    return ops, fact_ops, events, touched


def _summary_id(population: str, start: date, end: date) -> str:
    return f"{population}:{start.isoformat()}:{end.isoformat()}"


def _and(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    if not a:
        return b
    if not b:
        return a
    return {"$and": [a, b]}


def _public(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("search_text",)}


def task_input(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The Task model's input from a stored task (inverse of Task.to_mongo)."""

    def day(v: datetime | None) -> date | None:
        return from_bson_day(v) if v is not None else None

    return {
        "document": stored["document"],
        "seq": stored["seq"],
        "content": stored["content"],
        "lead_unit": stored["lead_unit"],
        "coord_units": list(stored.get("coord_units", [])),
        "tracking_room": stored.get("tracking_room"),
        "specialist": stored.get("specialist"),
        "assigned_date": day(stored["assigned_date"]),
        "deadline": day(stored.get("deadline")),
        "extensions": [
            {
                "new_deadline": day(e["new_deadline"]),
                "approved_date": day(e["approved_date"]),
                "approver": e.get("approver"),
                "reason": e.get("reason"),
            }
            for e in stored.get("extensions", [])
        ],
        "completed_date": day(stored.get("completed_date")),
        "result": stored.get("result"),
        "confirmed_date": day(stored.get("confirmed_date")),
        "confirmed_by": stored.get("confirmed_by"),
        "priority": bool(stored.get("priority", False)),
        "personal": bool(stored.get("personal", False)),
        "cancelled_date": day(stored.get("cancelled_date")),
        "cancel_reason": stored.get("cancel_reason"),
        "returns": [
            {"date": day(r["date"]), "unit": r["unit"], "reason": r["reason"]}
            for r in stored.get("returns", [])
        ],
        "progress": [
            {"date": day(p["date"]), "note": p.get("note")} for p in stored.get("progress", [])
        ],
        "entered_at": stored.get("entered_at"),
    }


def iter_collection(
    repo: Repository,
    collection: str,
    query: Mapping[str, Any],
    projection: Mapping[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream a collection (used only by the naive benchmark baseline and exports)."""
    yield from repo.db[collection].find(dict(query), projection, batch_size=10_000)


__all__ = [
    "AutoReconnect",
    "ConnectionFailure",
    "Repository",
    "ServerSelectionTimeoutError",
    "close_all",
    "connect",
]
