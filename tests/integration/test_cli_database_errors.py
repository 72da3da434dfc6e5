"""`cddh` against a database it cannot use: a short Vietnamese message, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from pymongo import MongoClient
from pymongo.errors import AutoReconnect, DuplicateKeyError, NetworkTimeout, OperationFailure
from typer.testing import CliRunner

from cddh_cli import main
from core import localdb
from tests.conftest import free_port

SECRET = "KẾ HOẠCH TUYỆT MẬT ALPHA"


def cddh(uri: str, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "cddh_cli.main", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "MONGODB_URI": uri, "MONGODB_DB": "cli_errors", **env},
        timeout=120,
    )
    return run, time.monotonic() - started


def no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    for out in (run.stdout, run.stderr):
        assert "Traceback" not in out and 'File "' not in out, out


@pytest.fixture(scope="module")
def auth_mongod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A standalone mongod started with --auth (same binary as the embedded one), one user."""
    data = tmp_path_factory.mktemp("auth-mongod")
    port = free_port()
    proc = subprocess.Popen(
        [localdb.find_mongod().path, "--auth", "--dbpath", str(data), "--port", str(port),
         "--bind_ip", "127.0.0.1", "--setParameter", "diagnosticDataCollectionEnabled=false",
         "--logpath", str(data / "mongod.log")],
    )  # fmt: skip
    try:
        client: MongoClient[dict[str, Any]] = MongoClient(
            f"mongodb://127.0.0.1:{port}/?directConnection=true", serverSelectionTimeoutMS=30_000
        )
        client.admin.command("createUser", "cddh", pwd="dung-mat-khau", roles=["root"])
        client.close()
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(data, ignore_errors=True)


def test_wrong_password_says_authentication_failed(auth_mongod: int) -> None:
    uri = f"mongodb://cddh:sai-mat-khau@127.0.0.1:{auth_mongod}/?directConnection=true"
    run, _ = cddh(uri, "metrics", "--as-of", "2026-11-20")
    assert run.returncode != 0
    no_traceback(run)
    assert "xác thực" in run.stderr and "sai-mat-khau" not in run.stderr
    assert "Không kết nối được" not in run.stderr
    good = f"mongodb://cddh:dung-mat-khau@127.0.0.1:{auth_mongod}/?directConnection=true"
    run, _ = cddh(good, "metrics", "--as-of", "2026-11-20")
    assert run.returncode == 0, run.stderr


def test_nothing_listening_says_cannot_connect_quickly() -> None:
    uri = f"mongodb://127.0.0.1:{free_port()}/?directConnection=true"
    run, seconds = cddh(uri, "metrics", "--as-of", "2026-11-20")
    assert run.returncode != 0
    no_traceback(run)
    assert "Không kết nối được cơ sở dữ liệu MongoDB" in run.stderr
    assert seconds < 30


def test_every_command_is_friendly() -> None:
    commands = [c.callback for c in main.app.registered_commands]
    for group in main.app.registered_groups:
        assert group.typer_instance is not None
        commands += [c.callback for c in group.typer_instance.registered_commands]
    assert len(commands) >= 12
    for callback in commands:
        assert getattr(callback, "__cddh_friendly__", False), callback


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (AutoReconnect("connection closed"), "Mất kết nối tới MongoDB"),
        (NetworkTimeout("timed out"), "Mất kết nối tới MongoDB"),
        (OperationFailure("Authentication failed.", code=18), "xác thực"),
        (OperationFailure("not authorized on cddh", code=13), "không có quyền"),
        (DuplicateKeyError(f'E11000 dup key: {{ abstract: "{SECRET}" }}'), "MongoDB từ chối"),
        (KeyError(SECRET), "Lỗi ngoài dự kiến"),
        (ValueError(SECRET), SECRET),  # our own ValueErrors are Vietnamese messages
    ],
)
def test_database_errors_become_short_messages(
    error: Exception, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CDDH_DATA_DIR", str(tmp_path))
    probe = typer.Typer()

    @probe.command()
    @main.friendly
    def boom() -> None:
        raise error

    result = CliRunner().invoke(probe, [])
    assert result.exit_code not in (0, None)
    out = result.output
    assert expected in out and "Traceback" not in out
    if not isinstance(error, ValueError):
        assert SECRET not in out
    log = tmp_path / "cddh-cli-errors.log"
    if log.exists():
        assert SECRET not in log.read_text(encoding="utf-8")


def test_interrupt_is_a_message() -> None:
    probe = typer.Typer()

    @probe.command()
    @main.friendly
    def stop() -> None:
        raise KeyboardInterrupt

    result = CliRunner().invoke(probe, [])
    assert result.exit_code == 130 and "Đã dừng" in result.output


def test_implausible_day_option_is_refused_before_the_database() -> None:
    uri = f"mongodb://127.0.0.1:{free_port()}/?directConnection=true"
    run, _ = cddh(uri, "metrics", "--as-of", "0001-01-01")
    assert run.returncode == 2
    no_traceback(run)
    assert "--as-of: ngày 01/01/0001 nằm ngoài khoảng năm hợp lý (2000–2100)" in run.stderr
