"""Connections to MongoDB, server administration, and what a user reads when the store fails
(Vietnamese messages for an outage, refused credentials, a write not confirmed)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo import MongoClient
from pymongo.errors import (
    ConnectionFailure,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WTimeoutError,
)

from core import config
from core.errors import (
    DatabaseUnavailable,
    WriteNotConfirmed,
)

_CLIENTS: dict[str, MongoClient[dict[str, Any]]] = {}

WRITE_TIMEOUT_MS = 15_000  # longest wait for a majority to acknowledge one write
WRITE_RETRY_SECONDS = 30.0  # a transaction is retried this long (an election takes ~10 s)
JOURNAL = "publish_journal"  # the bulk-write lock and the journal of a publication
STAGE = "stage__"  # prefix of the side collections a big import is built in
NEXT_STORE = "next__"  # prefix of the collections a whole new store (demo) is built in
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
