"""Kills in the middle of bulk writes, on a private mongod: the store is the old one or the new one.

1. mongod itself is SIGKILLed at a random moment of a staged `cddh import`, restarted on the same
   data folder and port; the next process that connects (ensure_schema) rolls a publication
   forward. The importer ends with a Vietnamese message or succeeds, never with a traceback.
2. `cddh demo --replace` is SIGKILLed while it builds (in `next__*` collections of the same
   database) or publishes: the old store stays whole or the new province is complete, never a
   partial one.

Each test starts its own one-node replica set (temporary folder, free port, the embedded default
cache of 0.25 GB): killing the session's shared server would break the other tests. The random
delays come from one seed (CDDH_KILL_SEED, default below), printed with every iteration so a
failure can be replayed; they are spread over the whole duration of the command (one random
moment in each equal slice), so the early, middle and late phases are all hit.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bson
import pytest
from bson import ObjectId

from core import localdb, repository
from core.importer import import_file
from core.repository import JOURNAL, NEXT_STORE, STAGE
from tests.conftest import free_port
from tests.integration.test_hostile_imports import CDDH, ORG, ROOT, _tasks_csv

SEED = int(os.environ.get("CDDH_KILL_SEED", "2010"))
VOLATILE = {"created_at", "updated_at", "entered_at", "at"}  # instants of the write itself
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


# --- a private mongod -----------------------------------------------------------------------


@pytest.fixture()
def own_mongod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A one-node replica set of its own (the embedded default's cache), stopped at the end."""
    monkeypatch.setenv("CDDH_LOCALDB_CACHE_GB", "0.25")
    data_dir = tmp_path / "mongod"
    port = free_port()
    status = localdb.start(data_dir=data_dir, port=port)
    server = {"uri": status.uri, "port": port, "data_dir": data_dir, "tmp": tmp_path}
    try:
        yield server
    finally:
        repository.close_all(status.uri)  # only this server's clients: others share the session
        repository.close_all(f"mongodb://127.0.0.1:{port}/?directConnection=true")
        localdb.stop(data_dir=data_dir)


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # a zombie (nobody reaped the daemon yet) is gone too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except (OSError, IndexError):
        return True


def _kill_mongod(server: dict[str, Any]) -> None:
    """SIGKILL the private mongod by the pid in its own pid file, and wait until it is gone."""
    pid = int((server["data_dir"] / "mongod.pid").read_text().strip())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not _pid_gone(pid):
        assert time.monotonic() < deadline, f"mongod {pid} survived SIGKILL"
        time.sleep(0.02)


def _restart_mongod(server: dict[str, Any]) -> None:
    localdb.wait_port_free(server["port"])
    status = localdb.start(data_dir=server["data_dir"], port=server["port"])
    assert status.running and status.uri == server["uri"]


# --- the state of a store ---------------------------------------------------------------------


def _app_collections(db: Any) -> list[str]:
    """Every collection the application can read: not the journal, stage or system ones."""
    return sorted(
        n
        for n in db.list_collection_names()
        if n != JOURNAL
        and not n.startswith(STAGE)
        and not n.startswith(NEXT_STORE)
        and not n.startswith("system.")
    )


def _indexes(db: Any, name: str) -> str:
    return ",".join(sorted(ix["name"] for ix in db[name].list_indexes()))


def _raw_state(db: Any) -> dict[str, str]:
    """Byte for byte: each collection's documents in _id order as raw BSON, and its indexes."""
    out: dict[str, str] = {}
    for name in _app_collections(db):
        digest = hashlib.sha256()
        for doc in db[name].find({}).sort("_id", 1):
            digest.update(bson.encode(doc))
        out[name] = digest.hexdigest()
        out[name + " indexes"] = _indexes(db, name)
    return out


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _strip(v)
            for k, v in value.items()
            if k not in VOLATILE and not (k == "_id" and isinstance(v, ObjectId))
        }
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, str) and len(value) == 24 and ObjectId.is_valid(value):
        return "<generated id>"  # e.g. a feedback's id, and the task event naming it
    return value


def _content_state(db: Any) -> dict[str, str]:
    """Every collection without the instants of the write and generated ids: the same for two
    runs of one command on the same store (versions, generation, facts, events all count)."""
    out: dict[str, str] = {}
    for name in _app_collections(db):
        rows = sorted(bson.encode(_strip(doc)) for doc in db[name].find({}))
        out[name] = hashlib.sha256(b"".join(rows)).hexdigest() + f" ({len(rows)} documents)"
        out[name + " indexes"] = _indexes(db, name)
    return out


def _connect_like_the_app(uri: str, name: str) -> repository.Repository:
    """What every command and the dashboard do on connecting: ensure_schema, which finishes a
    publication a kill interrupted."""
    repo = repository.connect(uri, name)
    repo.ensure_schema()
    assert repo.db[JOURNAL].find_one({"_id": "publish"}) is None
    return repo


def _publication_pending(repo: repository.Repository) -> bool:
    """A kill interrupted a publication (its journal is there until someone finishes it)."""
    return repo.db[JOURNAL].find_one({"_id": "publish"}, {"_id": 1}) is not None


def _load_base(uri: str, name: str, tmp: Path) -> repository.Repository:
    """A small province: the organisation, 40 tasks of 2024 and a stored period summary."""
    repo = repository.connect(uri, name)
    repo.drop_all()
    repo.ensure_schema()
    import_file(repo, ORG)
    import_file(repo, _tasks_csv(tmp / "base.csv", 40, year=2024))
    repo.db.period_summaries.insert_one(
        {"_id": "all:2024-01-15:2024-02-14", "population": "all", "rows": []},
        bypass_document_validation=True,
    )
    return repo


def _env(uri: str, name: str, tmp: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "MONGODB_URI": uri, "MONGODB_DB": name, "CDDH_DATA_DIR": str(tmp)}
    return {**env, **extra}


def _assert_clean_output(result_code: int, out: str, err: str, what: str) -> None:
    assert "Traceback" not in out + err, (what, out, err)
    if result_code != 0:
        message = [line for line in err.splitlines() if line.startswith("Lỗi: ")]
        assert message, (what, result_code, out, err)
        assert VIETNAMESE.search(message[0]), (what, message)


def _delays(rng: random.Random, duration: float, n: int) -> list[float]:
    """One random moment in each of n equal slices of the duration, in a random order."""
    slices = [rng.uniform(duration * i / n, duration * (i + 1) / n) for i in range(n)]
    rng.shuffle(slices)
    return slices


# --- 1. mongod killed during a staged import ----------------------------------------------------


def test_mongod_killed_during_a_big_import_leaves_old_or_new(own_mongod: dict[str, Any]) -> None:
    uri, tmp = own_mongod["uri"], own_mongod["tmp"]
    tasks = 3000
    path = _tasks_csv(tmp / "big.csv", tasks)
    extra = {"CDDH_IMPORT_TRANSACTION_TASKS": "500"}  # far below 3,000: the staged path runs

    # The new state: the same import run to the end on the same base store.
    base = _load_base(uri, "kill_ref", tmp)
    status = base.db.client.admin.command("serverStatus")
    cache = status["wiredTiger"]["cache"]["maximum bytes configured"]
    assert cache <= 300 * 1024 * 1024  # the embedded default, where big transactions failed
    started = time.monotonic()
    done = subprocess.run(
        [CDDH, "import", str(path)],
        env=_env(uri, "kill_ref", tmp, **extra),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    ref = _connect_like_the_app(uri, "kill_ref")
    assert ref.db.tasks.count_documents({}) == 40 + tasks
    new = _content_state(ref.db)

    rng = random.Random(SEED)
    iterations = _delays(rng, duration, 4)
    outcomes = []
    for i, delay in enumerate(iterations):
        name = f"kill_{i}"
        label = f"iteration {i}, mongod killed after {delay:.2f} s (CDDH_KILL_SEED={SEED})"
        print(label)
        repo = _load_base(uri, name, tmp)
        old_raw, old = _raw_state(repo.db), _content_state(repo.db)
        assert old != new
        proc = subprocess.Popen(
            [CDDH, "import", str(path)],
            env=_env(uri, name, tmp, **extra),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        _kill_mongod(own_mongod)
        _restart_mongod(own_mongod)
        out, err = proc.communicate(timeout=120)
        _assert_clean_output(proc.returncode, out, err, label)

        pending = _publication_pending(repo)
        state = _connect_like_the_app(uri, name).db
        if _raw_state(state) == old_raw:
            assert not pending, f"{label}: a pending publication was not rolled forward"
            outcome = "old"
        else:
            assert _content_state(state) == new, f"{label}: neither the old nor the new store"
            outcome = "new, rolled forward" if pending else "new"
        if proc.returncode == 0:
            assert outcome == "new", f"{label}: the import said it succeeded: {out}"
        outcomes.append((round(delay, 2), proc.returncode, outcome))

        again = subprocess.run(
            [CDDH, "import", str(path)],
            env=_env(uri, name, tmp, **extra),
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert again.returncode == 0, (label, again.stderr)
        _assert_clean_output(again.returncode, again.stdout, again.stderr, label)
        state = _connect_like_the_app(uri, name).db
        assert _content_state(state) == new, label
        assert not [n for n in state.list_collection_names() if n.startswith(STAGE)], label
    print("outcomes (delay, importer exit code, store):", outcomes)
    assert len(outcomes) == len(iterations)


# --- 2. demo --replace killed midway --------------------------------------------------------


def test_demo_replace_killed_midway_keeps_the_old_store_or_the_whole_new_one(
    own_mongod: dict[str, Any],
) -> None:
    uri, tmp = own_mongod["uri"], own_mongod["tmp"]
    command = [CDDH, "demo", "--replace", "--tasks", "3000"]

    _load_base(uri, "demo_ref", tmp)
    started = time.monotonic()
    done = subprocess.run(
        command, env=_env(uri, "demo_ref", tmp), capture_output=True, text=True, cwd=ROOT
    )
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    ref = _connect_like_the_app(uri, "demo_ref")
    assert ref.db.tasks.count_documents({}) == 3000
    new = _content_state(ref.db)

    # Three random moments, then one right after the journal is seen: from then on the store
    # must end up the new one (rolled forward if the kill came before the last rename). The
    # renames are within the database (metadata only), so the kill may also come after the
    # end; a cut between two renames is made certain in-process by
    # tests/integration/test_sharded_cluster_rules.py.
    rng = random.Random(SEED + 1)
    moments: list[float | None] = [*_delays(rng, duration, 3), None]
    outcomes = []
    for i, delay in enumerate(moments):
        name = f"demo_{i}"
        when = "once the journal is written" if delay is None else f"after {delay:.2f} s"
        label = f"iteration {i}, demo killed {when} (CDDH_KILL_SEED={SEED})"
        print(label)
        repo = _load_base(uri, name, tmp)
        old_raw = _raw_state(repo.db)
        proc = subprocess.Popen(
            command,
            env=_env(uri, name, tmp),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if delay is None:
            deadline = time.monotonic() + 120
            while not _publication_pending(repo) and proc.poll() is None:
                assert time.monotonic() < deadline, f"{label}: no publication"
                time.sleep(0.002)
        else:
            time.sleep(delay)
        if proc.poll() is None:  # the last slice can outlast a run faster than the first one
            os.kill(proc.pid, signal.SIGKILL)  # by its own pid
        proc.wait(timeout=30)
        assert proc.returncode in (0, -signal.SIGKILL), (label, proc.returncode)

        pending = _publication_pending(repo)
        connected = _connect_like_the_app(uri, name)
        generation, state = connected.summary_generation(), connected.db
        if _raw_state(state) == old_raw:
            assert not pending, f"{label}: a pending publication was not rolled forward"
            outcome = "old"
        else:
            # Not the old store: then the whole new province, not a part of it.
            assert _content_state(state) == new, f"{label}: neither the old nor the new store"
            outcome = "new, rolled forward" if pending else "new"
        if delay is None:
            assert outcome != "old", f"{label}: the journal was written, yet the old store stays"
        if proc.returncode == 0:
            assert outcome == "new", f"{label}: the demo finished but the store is the old one"
        outcomes.append((delay and round(delay, 2), proc.returncode, outcome))

        again = subprocess.run(
            command, env=_env(uri, name, tmp), capture_output=True, text=True, cwd=ROOT
        )
        assert again.returncode == 0, (label, again.stderr)
        _assert_clean_output(again.returncode, again.stdout, again.stderr, label)
        again_repo = _connect_like_the_app(uri, name)
        again_state, expected = _content_state(again_repo.db), dict(new)
        if outcome != "old":
            # Replacing the new province by itself raises the task generation once more
            # (summaries computed before are refused): all the same but that counter.
            assert again_repo.summary_generation() > generation, label
            del again_state["store_state"], expected["store_state"]
        assert again_state == expected, label
        assert not [n for n in again_repo.db.list_collection_names() if n.startswith(NEXT_STORE)]
    print("outcomes (delay, exit code, store):", outcomes)
    assert len(outcomes) == len(moments)
