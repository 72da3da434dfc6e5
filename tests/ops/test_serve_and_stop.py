"""The dashboard server listens on loopback by default; a stopped mongod leaves its port free."""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from core import localdb, repository
from dashboard import serve
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def _listeners(port: int) -> list[str]:
    """Local addresses listening on a TCP port, as `ss -ltnH` prints them."""
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[3].rsplit(":", 1)[-1] == str(port):
            found.append(fields[3])
    return found


def _non_loopback_ipv4() -> str | None:
    """An address of this machine other than 127.x, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: only picks a route
            address = str(s.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_serve_binds_loopback_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STREAMLIT_SERVER_FILE_WATCHER_TYPE", raising=False)
    monkeypatch.delenv("STREAMLIT_SERVER_ADDRESS", raising=False)
    monkeypatch.delenv("STREAMLIT_RUNNER_MAGIC_ENABLED", raising=False)
    quiet = ["--server.fileWatcherType", "none", "--runner.magicEnabled", "false"]
    assert serve.streamlit_args(["--server.port", "1"]) == [
        "--server.address", "127.0.0.1", *quiet, "--server.port", "1"
    ]  # fmt: skip
    assert serve.streamlit_args(["--server.address", "0.0.0.0"]) == [
        *quiet, "--server.address", "0.0.0.0"
    ]  # fmt: skip
    assert serve.streamlit_args(["--server.address=::"]) == [*quiet, "--server.address=::"]


def test_serve_watches_no_file_and_adds_no_magic_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STREAMLIT_SERVER_FILE_WATCHER_TYPE", raising=False)
    monkeypatch.setenv("STREAMLIT_RUNNER_MAGIC_ENABLED", "true")
    asked = serve.streamlit_args(["--server.fileWatcherType", "auto", "--server.address=::"])
    assert asked == ["--server.fileWatcherType", "auto", "--server.address=::"]
    monkeypatch.setenv("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "poll")
    monkeypatch.delenv("STREAMLIT_RUNNER_MAGIC_ENABLED")
    magic_on = serve.streamlit_args(["--runner.magicEnabled=true", "--server.address=::"])
    assert magic_on == ["--runner.magicEnabled=true", "--server.address=::"]
    assert serve.streamlit_args(["--server.address=::"]) == [
        "--runner.magicEnabled", "false", "--server.address=::"
    ]  # fmt: skip


def test_no_page_relies_on_streamlit_magic() -> None:
    """The server turns Streamlit's «magic» off (dashboard/serve.py): no page may hold a bare
    value meant to be shown by it, which would then show nothing."""
    from streamlit.runtime.scriptrunner import magic

    scripts = [ROOT / "dashboard" / "app.py", *sorted((ROOT / "dashboard" / "views").glob("*.py"))]
    assert len(scripts) > 10
    for script in scripts:
        rewritten = ast.unparse(magic.add_magic(script.read_text(encoding="utf-8"), str(script)))
        assert "__streamlitmagic__." not in rewritten, script.name


def _page_imports(root: Path) -> list[str]:
    """The modules dashboard/app.py and the pages import (a name imported from a package
    counts when it is a module of this repository)."""
    wanted: set[str] = set()
    for path in [
        root / "dashboard" / "app.py",
        *sorted((root / "dashboard" / "views").glob("*.py")),
    ]:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                wanted.add(node.module)
                for alias in node.names:
                    sub = root.joinpath(*node.module.split("."), alias.name)
                    if sub.with_suffix(".py").exists() or sub.is_dir():
                        wanted.add(f"{node.module}.{alias.name}")
            elif isinstance(node, ast.Import):
                wanted.update(alias.name for alias in node.names)
    return sorted(wanted)


def test_serve_freezes_every_module_the_pages_import_before_serving() -> None:
    """`serve.freeze_imports` imports every module that dashboard/app.py and the pages import
    (so that the objects frozen out of the collector's way are all of them) and freezes them,
    quietly. Run in a fresh interpreter: its modules are those the freeze imported."""
    root = Path(serve.__file__).resolve().parents[1]
    wanted = _page_imports(root)
    assert "dashboard.data" in wanted and "pandas" in wanted
    code = (
        "import json, sys\n"
        "from dashboard import serve\n"
        "frozen = serve.freeze_imports()\n"
        f"missing = [m for m in {wanted!r} if m not in sys.modules]\n"
        "print(json.dumps({'frozen': frozen, 'missing': missing}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "No runtime found" not in out.stderr, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["missing"] == [], got["missing"]
    assert got["frozen"] > 50_000  # pandas, Altair and Streamlit alone are over 100,000


def test_dashboard_serve_without_address_listens_only_on_loopback(mongod: dict[str, Any]) -> None:
    port = free_port()
    env = {**os.environ, "MONGODB_URI": mongod["uri"], "MONGODB_DB": "serve_bind"}
    env.pop("STREAMLIT_SERVER_ADDRESS", None)
    cmd = [sys.executable, "-m", "dashboard.serve", "--server.port", str(port),
           "--server.headless", "true"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, "the dashboard server exited"
                assert time.monotonic() < deadline, "the dashboard never answered"
                time.sleep(0.3)
        listeners = _listeners(port)
        assert listeners, f"nothing listens on {port}"
        assert all(a.startswith("127.0.0.1:") for a in listeners), listeners
        other = _non_loopback_ipv4()
        if other is not None:
            with socket.socket() as s:
                s.settimeout(2)
                assert s.connect_ex((other, port)) != 0, f"reachable on {other}:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_wait_port_free_waits_for_the_listener_to_go() -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    assert not localdb.port_free(port)
    with pytest.raises(localdb.LocalDbError, match="vẫn đang bị chiếm"):
        localdb.wait_port_free(port, timeout=0.3)
    timer = threading.Timer(0.5, holder.close)
    timer.start()
    started = time.monotonic()
    localdb.wait_port_free(port, timeout=10)
    assert time.monotonic() - started >= 0.4  # it waited for the close, not less
    assert localdb.port_free(port)
    timer.join()


def test_stop_returns_with_the_port_free_and_restart_works(tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "db"
    first = localdb.start(data_dir=data_dir, port=port)
    assert first.running
    try:
        repository.connect(first.uri, "restart").db.marks.insert_one({"_id": 1})
        assert localdb.stop(data_dir=data_dir) is True
        assert _listeners(port) == []
        assert localdb.port_free(port)
        again = localdb.start(data_dir=data_dir, port=port)  # immediately, same port
        assert again.running and again.pid != first.pid
        assert repository.connect(again.uri, "restart").db.marks.find_one({"_id": 1}) == {"_id": 1}
    finally:
        repository.close_all(first.uri)  # only this server's clients: others share the session
        localdb.stop(data_dir=data_dir)
    assert localdb.port_free(port)
