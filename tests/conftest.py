"""Shared fixtures: a real mongod started for the session in a temporary folder, on a free port."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core import localdb, repository

# The `cddh` console script of the environment running the tests (beside its Python), whatever
# that environment is called.
CDDH = str(Path(sys.executable).with_name("cddh"))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session", autouse=True)
def readmodel_snapshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The read model's snapshots of every app the tests start go to a temporary folder."""
    path = tmp_path_factory.mktemp("readmodel")
    old = os.environ.get("CDDH_READMODEL_DIR")
    os.environ["CDDH_READMODEL_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("CDDH_READMODEL_DIR", None)
    else:
        os.environ["CDDH_READMODEL_DIR"] = old


@pytest.fixture(scope="session")
def mongod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A real one-node replica set for the whole session; stopped at the end."""
    data_dir = tmp_path_factory.mktemp("mongod")
    port = free_port()
    status = localdb.start(data_dir=data_dir, port=port)
    try:
        yield {"uri": status.uri, "port": port, "data_dir": Path(data_dir), "status": status}
    finally:
        repository.close_all()
        localdb.stop(data_dir=data_dir)


@pytest.fixture()
def repo(mongod: dict[str, Any], request: pytest.FixtureRequest) -> Iterator[repository.Repository]:
    """A fresh, empty database (schema applied) for one test."""
    name = "t_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name)[:50]
    r = repository.connect(mongod["uri"], name)
    r.drop_all()
    r.ensure_schema()
    yield r
    r.db.client.drop_database(name)


@pytest.fixture()
def mongo_db(repo: repository.Repository) -> Any:
    """The pymongo Database behind a fresh repository (for low-level checks only)."""
    return repo.db


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests save screenshots and rendered pages for people to look at."""
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
