"""What the code does instead of what a sharded cluster refuses (docs/scaling.md), on a real
mongod: `rebuild_facts` brings `task_facts` in step in place (`$merge` and deletes, never `$out`)
and a reader never finds facts of existing tasks missing meanwhile; every publication renames
within the store's own database (never across databases), and one cut short between its
renames is finished by the next process that connects.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo.database import Database

from core import repository
from core.demo import load_demo
from core.errors import ConflictError
from core.importer import import_file
from core.repository import JOURNAL, NEXT_STORE, STAGE, Repository
from core.schema import task_facts
from tests.integration.test_hostile_imports import ORG, _tasks_csv
from tests.integration.test_kills import _content_state


def _facts_as_stored(repo: Repository) -> dict[str, list[tuple[str, Any]]]:
    """Every stored facts document, fields in stored order."""
    return {f["_id"]: list(f.items()) for f in repo.db.task_facts.find({})}


def _facts_of_tasks(repo: Repository) -> dict[str, list[tuple[str, Any]]]:
    """What `task_facts` must hold: the projection of every task, in its field order."""
    return {t["_id"]: list(task_facts(t).items()) for t in repo.db.tasks.find({})}


# --- rebuild_facts ------------------------------------------------------------------------------


def test_rebuild_leaves_exactly_the_projection_of_the_tasks(repo: Repository) -> None:
    """Stale facts are replaced, missing ones added, those of removed tasks deleted: after the
    rebuild the facts are the projection of the tasks, field for field and in the same order."""
    load_demo(repo, tasks=400, seed=5)
    ids = sorted(t["_id"] for t in repo.db.tasks.find({}, {"_id": 1}))
    stale, missing, removed = ids[:50], ids[50:80], ids[80:100]
    repo.db.task_facts.update_many(
        {"_id": {"$in": stale}}, {"$set": {"tracking_room": "cũ", "priority": True}}
    )
    repo.db.task_facts.delete_many({"_id": {"$in": missing}})
    repo.db.tasks.delete_many({"_id": {"$in": removed}})  # by hand: their facts stay behind
    repo.db.task_facts.insert_one({**task_facts(repo.db.tasks.find_one({}) or {}), "_id": "x#1"})
    assert _facts_as_stored(repo) != _facts_of_tasks(repo)

    assert repo.rebuild_facts() == len(ids) - len(removed)

    assert _facts_as_stored(repo) == _facts_of_tasks(repo)
    assert repo.db.task_facts.find_one({"_id": {"$in": [*removed, "x#1"]}}) is None
    assert repo.db.task_facts.count_documents({"tracking_room": "cũ"}) == 0


def test_ensure_schema_rebuilds_facts_out_of_step(repo: Repository, mongod: dict[str, Any]) -> None:
    """A store whose fact count differs from its task count (a restore, a hand edit) gets its
    facts rebuilt by the next process that connects (`ensure_schema`)."""
    load_demo(repo, tasks=300, seed=6)
    gone = [t["_id"] for t in repo.db.tasks.find({}, {"_id": 1}).limit(7)]
    repo.db.tasks.delete_many({"_id": {"$in": gone}})
    again = repository.connect(mongod["uri"], repo.db.name)
    again.ensure_schema()
    assert _facts_as_stored(again) == _facts_of_tasks(again)
    assert again.db.task_facts.count_documents({}) == 293


def test_a_rebuild_of_facts_already_right_writes_nothing(repo: Repository) -> None:
    """Facts written by the repository (here the demo's bulk loader) have exactly the form the
    rebuild produces: rebuilding them replaces nothing, so the change stream stays quiet and
    no read model re-applies a thing."""
    load_demo(repo, tasks=400, seed=7)
    stream = repo.watch_facts(max_await_ms=50)
    try:
        repo.rebuild_facts()
        clock = repo.facts_clock()
        seen: list[Any] = []
        deadline = time.monotonic() + 20
        while (stream.position_time() or (0, 0)) < clock:
            assert time.monotonic() < deadline, "the stream did not reach the rebuild's end"
            seen.extend(stream.next_batch())
        assert seen == []
    finally:
        stream.close()


def test_a_reader_never_misses_the_facts_of_a_task_during_a_rebuild(repo: Repository) -> None:
    """While every fact is rewritten (all stale) and those of removed tasks are deleted, a
    reader polling the collection always finds at least one fact per existing task: the
    collection is rewritten in place, never emptied or swapped."""
    load_demo(repo, tasks=3000, seed=8)
    ids = sorted(t["_id"] for t in repo.db.tasks.find({}, {"_id": 1}))
    removed = ids[::30]
    repo.db.tasks.delete_many({"_id": {"$in": removed}})
    kept = len(ids) - len(removed)
    repo.db.task_facts.update_many({}, {"$set": {"tracking_room": "cũ"}})
    probe = sorted(set(ids[1::97]) - set(removed))  # tasks that stay: facts there at every read

    counts: list[int] = []
    probes: list[int] = []
    done = threading.Event()

    def read() -> None:
        coll = repo.db.task_facts
        while not done.is_set():
            counts.append(coll.count_documents({}))
            probes.append(coll.count_documents({"_id": {"$in": probe}}))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        time.sleep(0.05)
        before = len(counts)
        repo.rebuild_facts()
        during = len(counts) - before
    finally:
        done.set()
        reader.join(timeout=30)
    assert during >= 3, f"the reader read only {during} times during the rebuild"
    assert min(counts) >= kept
    assert set(probes) == {len(probe)}
    assert repo.db.task_facts.count_documents({"tracking_room": "cũ"}) == 0
    assert _facts_as_stored(repo) == _facts_of_tasks(repo)


# --- publications rename within the database ------------------------------------------------------


@pytest.fixture()
def renames(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Every renameCollection command sent while the test runs: (source, target) namespaces."""
    seen: list[tuple[str, str]] = []
    original = Database.command

    def spy(self: Database[Any], command: Any, *args: Any, **kwargs: Any) -> Any:
        if command == "renameCollection":
            seen.append((str(args[0]), str(kwargs.get("to"))))
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(Database, "command", spy)
    yield seen


def test_a_staged_import_renames_within_the_database(
    repo: Repository, renames: list[tuple[str, str]], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(repo, ORG)
    monkeypatch.setenv("CDDH_IMPORT_TRANSACTION_TASKS", "10")  # 60 tasks: the staged path
    import_file(repo, _tasks_csv(tmp_path / "staged.csv", 60))
    assert repo.db.tasks.count_documents({}) == 60
    assert sorted(target for _, target in renames) == [
        f"{repo.db.name}.{n}" for n in ("documents", "task_events", "task_facts", "tasks")
    ]
    for source, target in renames:
        assert source.split(".", 1) == [repo.db.name, STAGE + target.split(".", 1)[1]]
    assert not [n for n in repo.db.list_collection_names() if n.startswith(STAGE)]


def test_a_whole_new_store_is_built_and_renamed_within_the_database(
    repo: Repository, renames: list[tuple[str, str]]
) -> None:
    """`staging()` builds in `next__*` collections of the same database (the live ones are not
    touched meanwhile); `replace_with` renames them over the live ones and drops the rest."""
    load_demo(repo, tasks=100, seed=1)
    repo.db.create_collection("left_over")
    live = repo.db.tasks.count_documents({})
    before = sorted(repo.db.client.list_database_names())
    staged = repo.staging()
    assert staged.db.name == repo.db.name
    assert staged.is_empty() and staged.db.list_collection_names()
    load_demo(staged, tasks=150, seed=2)
    assert repo.db.tasks.count_documents({}) == live  # the live store is untouched
    assert repo.db[NEXT_STORE + "tasks"].count_documents({}) == 150
    assert sorted(repo.db.client.list_database_names()) == before  # no side database

    repo.replace_with(staged)

    assert repo.db.tasks.count_documents({}) == 150
    assert renames and all(
        source.split(".", 1)[0] == target.split(".", 1)[0] == repo.db.name
        for source, target in renames
    )
    names = repo.db.list_collection_names()
    assert "left_over" not in names
    assert not [n for n in names if n.startswith(NEXT_STORE)]
    assert repo.db[JOURNAL].find_one({"_id": "publish"}) is None


def test_a_publication_cut_between_two_renames_is_finished_by_the_next_process(
    repo: Repository, mongod: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that dies after the journal and some of the renames (a kill, here an
    exception in place of the fourth rename) leaves a journal; the next process to connect
    finishes it: the store is then the whole new one, exactly as if nothing had happened."""
    ref = repository.connect(mongod["uri"], repo.db.name + "_ref")
    ref.drop_all()
    ref.ensure_schema()
    try:
        load_demo(ref, tasks=100, seed=1)
        staged_ref = ref.staging()
        load_demo(staged_ref, tasks=150, seed=2)
        ref.replace_with(staged_ref)
        new = _content_state(ref.db)

        load_demo(repo, tasks=100, seed=1)
        staged = repo.staging()
        load_demo(staged, tasks=150, seed=2)
        done: list[str] = []
        rename = repo._rename_within

        def cut(source: str, target: str) -> None:
            if len(done) == 3:
                raise KeyboardInterrupt("killed between two renames")
            rename(source, target)
            done.append(target)

        monkeypatch.setattr(repo, "_rename_within", cut)
        with pytest.raises(KeyboardInterrupt):
            repo.replace_with(staged)
        assert repo.db[JOURNAL].find_one({"_id": "publish"}) is not None
        assert [n for n in repo.db.list_collection_names() if n.startswith(NEXT_STORE)]

        after = repository.connect(mongod["uri"], repo.db.name)
        after.ensure_schema()  # what every command and the dashboard do on connecting

        assert after.db[JOURNAL].find_one({"_id": "publish"}) is None
        assert not [n for n in after.db.list_collection_names() if n.startswith(NEXT_STORE)]
        state = _content_state(after.db)
        # The generation counter differs (the cut process never raised it at the end).
        del state["store_state"], new["store_state"]
        assert state == new
    finally:
        ref.db.client.drop_database(ref.db.name)


def test_a_journal_of_the_previous_version_is_finished_or_refused(repo: Repository) -> None:
    """Journals written before this version list (database, source, target): one within the
    store's database (a staged import's) is finished; one from a side database (the old demo)
    would need a rename across databases, so it is refused with a message, nothing renamed."""
    repo.db[STAGE + "calendar"].insert_one({"_id": "x"})
    repo.db[JOURNAL].insert_one(
        {"_id": "publish", "renames": [[repo.db.name, STAGE + "calendar", "calendar"]], "drop": []}
    )
    assert repo.finish_publish()
    assert repo.db.calendar.find_one({"_id": "x"}) is not None
    assert repo.db[JOURNAL].find_one({"_id": "publish"}) is None

    side = repo.db.name + "__stage"
    repo.db[JOURNAL].insert_one(
        {"_id": "publish", "renames": [[side, "calendar", "calendar"]], "drop": []}
    )
    with pytest.raises(ConflictError, match="phiên bản trước"):
        repo.finish_publish()
    assert repo.db.calendar.find_one({"_id": "x"}) is not None
    repo.db[JOURNAL].delete_one({"_id": "publish"})
