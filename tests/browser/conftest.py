"""Browser fixtures: `streamlit run` on a free port against the test mongod, and Chromium.

Chromium comes from Debian's `chromium` package (/usr/bin/chromium), never a downloaded
browser; without it every browser test is skipped with a plain message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core import repository
from tests.conftest import free_port
from tests.dashboard.demo_db import load_demo_db
from tests.signin import sign_in_browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]


def require_chromium() -> None:
    """Skip with a plain message when Debian's Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed ({CHROMIUM}): browser tests skipped")


def start_app(env_extra: dict[str, str], log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The dashboard (`python -m dashboard.serve`, i.e. `streamlit run dashboard/app.py`) on a
    free port; returns the process and its URL."""
    port = free_port()
    env = {**os.environ, **env_extra}
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "dashboard.serve",
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "minimal",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            raise RuntimeError(f"streamlit did not answer:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.3)


def stop_app(proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Stop the server; print its output when it had died on its own."""
    died = proc.poll() is not None
    if not died:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if died:
        print(log_path.read_text(errors="replace"))


@pytest.fixture(scope="session")
def browser_repo(mongod: dict[str, Any]) -> Iterator[repository.Repository]:
    """The demo province for the browser tests."""
    require_chromium()
    repo = load_demo_db(mongod, "browser_demo")
    yield repo
    repo.db.client.drop_database("browser_demo")


@pytest.fixture(scope="session")
def app_url(
    mongod: dict[str, Any], browser_repo: repository.Repository, artifacts_dir: Path
) -> Iterator[str]:
    """The dashboard served by `streamlit run` against the demo database."""
    log_path = artifacts_dir / "streamlit-browser.log"
    proc, url = start_app({"MONGODB_URI": mongod["uri"], "MONGODB_DB": "browser_demo"}, log_path)
    try:
        yield url
    finally:
        stop_app(proc, log_path)


@pytest.fixture(scope="session")
def browser_context() -> Iterator[Any]:
    """A headless Chromium with a fresh profile, 1600×1000 like a laptop on a projector."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="cddh-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1600, "height": 1000},
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture()
def page(browser_context: Any, app_url: str, browser_repo: repository.Repository) -> Iterator[Any]:
    """A new tab, signed in to the demo dashboard as the Office Chief (sees every page)."""
    sign_in_browser(browser_context, app_url, browser_repo)
    tab = browser_context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    tab.close()
