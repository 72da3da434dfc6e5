"""Fixtures of the dashboard tests: the demo province database and the app's environment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import streamlit as st

from core import repository
from tests.dashboard.demo_db import load_demo_db


@pytest.fixture(scope="session")
def demo_repo(mongod: dict[str, Any]) -> Iterator[repository.Repository]:
    """The demo province, loaded once for the session (read-only for the tests)."""
    repo = load_demo_db(mongod, "dash_demo")
    yield repo
    repo.db.client.drop_database("dash_demo")


def _use(monkeypatch: pytest.MonkeyPatch, uri: str, name: str) -> None:
    monkeypatch.setenv("MONGODB_URI", uri)
    monkeypatch.setenv("MONGODB_DB", name)
    st.cache_data.clear()


@pytest.fixture()
def demo_env(
    mongod: dict[str, Any], demo_repo: repository.Repository, monkeypatch: pytest.MonkeyPatch
) -> repository.Repository:
    """The app reads the demo database."""
    _use(monkeypatch, mongod["uri"], demo_repo.db.name)
    return demo_repo


@pytest.fixture()
def empty_env(
    mongod: dict[str, Any], repo: repository.Repository, monkeypatch: pytest.MonkeyPatch
) -> repository.Repository:
    """The app reads an empty database (schema applied, no data)."""
    _use(monkeypatch, mongod["uri"], repo.db.name)
    return repo


@pytest.fixture(scope="session")
def demo_accounts(demo_repo: repository.Repository) -> dict[str, tuple[str, str]]:
    """One demo account per role on the demo database: role -> (username, password)."""
    from core.access.accounts import create_demo_accounts

    return {a.role: (a.username, a.password) for a in create_demo_accounts(demo_repo)}
