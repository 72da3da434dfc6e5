"""`cddh backup` writes mongodump's layout; `cddh restore` checks it all, then restores it whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bson
import pytest
from bson import json_util
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument

from core import repository
from core.demo import DEMO_TODAY, load_demo

ROOT = Path(__file__).resolve().parents[2]
AS_OF = DEMO_TODAY.isoformat()


def cddh(mongod: dict[str, Any], db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URI": mongod["uri"], "MONGODB_DB": db}
    return subprocess.run(
        [sys.executable, "-m", "cddh_cli.main", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr


@pytest.fixture(scope="module")
def source(mongod: dict[str, Any]) -> Iterator[repository.Repository]:
    """A small demo province with a two-chunk briefing in GridFS and a calendar day."""
    repo = repository.connect(mongod["uri"], "bk_source")
    repo.drop_all()
    repo.ensure_schema()
    load_demo(repo, tasks=400, seed=7)
    repo.save_calendar_day(DEMO_TODAY, "holiday", "Nghỉ thử", actor="test")
    repo.save_briefing(os.urandom(300_000), "bao-cao.docx", {"period": "2026-11", "by": "test"})
    yield repo
    repo.db.client.drop_database("bk_source")


@pytest.fixture(scope="module")
def dump(mongod: dict[str, Any], source: repository.Repository, tmp_path_factory: Any) -> Path:
    out = tmp_path_factory.mktemp("dump")
    proc = cddh(mongod, "bk_source", "backup", str(out))
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert "Đã sao lưu" in proc.stdout
    return out


def _raw_ids(path: Path) -> list[bytes]:
    with open(path, "rb") as f:
        return [raw.raw for raw in bson.decode_file_iter(f, CodecOptions(RawBSONDocument))]


def test_backup_writes_the_mongodump_layout(dump: Path, source: repository.Repository) -> None:
    folder = dump / "bk_source"
    assert sorted(p.name for p in dump.iterdir()) == ["bk_source"]  # nothing half-written left
    infos = {i["name"]: i for i in source.db.list_collections()}
    assert {"tasks", "units", "briefings.files", "briefings.chunks"} <= set(infos)
    for name, info in infos.items():
        meta_text = (folder / f"{name}.metadata.json").read_text(encoding="utf-8")
        meta = json.loads(meta_text)  # plain JSON for any reader
        assert list(meta) == ["options", "indexes", "uuid", "collectionName", "type"]
        assert meta["collectionName"] == name and meta["type"] == "collection"
        assert meta["uuid"] == info["info"]["uuid"].hex() and len(meta["uuid"]) == 32
        assert '"v": {"$numberInt": "2"}' in meta_text  # canonical extended JSON v2
        decoded = json_util.loads(meta_text)
        assert decoded["options"] == dict(info["options"])  # validator included
        assert [ix["name"] for ix in decoded["indexes"]] == [
            ix["name"] for ix in source.db[name].list_indexes()
        ]
        assert [list(ix["key"]) for ix in decoded["indexes"]] == [
            list(ix["key"]) for ix in source.db[name].list_indexes()
        ]
        raws = _raw_ids(folder / f"{name}.bson")
        assert len(raws) == source.db[name].count_documents({})
        stored = {
            r.raw
            for r in source.db.get_collection(
                name, codec_options=CodecOptions(RawBSONDocument)
            ).find()
        }
        assert set(raws) == stored  # byte for byte the stored documents
    assert "validator" in json_util.loads((folder / "tasks.metadata.json").read_text())["options"]
    assert len(_raw_ids(folder / "briefings.chunks.bson")) == 2


def test_backup_refuses_to_overwrite(mongod: dict[str, Any], dump: Path) -> None:
    proc = cddh(mongod, "bk_source", "backup", str(dump))
    no_traceback(proc)
    assert proc.returncode != 0
    assert "đã có dữ liệu" in proc.stderr and "không ghi đè" in proc.stderr


def test_restore_gives_identical_metrics_options_indexes_and_briefings(
    mongod: dict[str, Any], source: repository.Repository, dump: Path
) -> None:
    target = repository.connect(mongod["uri"], "bk_target")
    target.drop_all()
    try:
        before = cddh(mongod, "bk_source", "metrics", "--as-of", AS_OF, "--json")
        assert before.returncode == 0 and json.loads(before.stdout)
        proc = cddh(mongod, "bk_target", "restore", str(dump))
        no_traceback(proc)
        assert proc.returncode == 0, proc.stderr
        after = cddh(mongod, "bk_target", "metrics", "--as-of", AS_OF, "--json")
        assert after.returncode == 0
        assert after.stdout == before.stdout
        src = {i["name"]: i for i in source.db.list_collections()}
        dst = {i["name"]: i for i in target.db.list_collections()}
        assert set(dst) == set(src)
        for name in src:
            assert dst[name]["options"] == src[name]["options"], name
            assert list(target.db[name].list_indexes()) == list(source.db[name].list_indexes())
            assert target.db[name].count_documents({}) == source.db[name].count_documents({})
        [brief] = source.list_briefings()
        assert target.briefing_file(brief["id"]) == source.briefing_file(brief["id"])

        # a database holding data is refused without --force, and left as it is
        target.db.units.update_one({}, {"$set": {"name": "Đơn vị đã sửa"}})
        again = cddh(mongod, "bk_target", "restore", str(dump))
        no_traceback(again)
        assert again.returncode != 0
        assert "đã có dữ liệu" in again.stderr and "--force" in again.stderr
        assert target.db.units.count_documents({"name": "Đơn vị đã sửa"}) == 1
        forced = cddh(mongod, "bk_target", "restore", str(dump), "--force")
        assert forced.returncode == 0, forced.stderr
        assert target.db.units.count_documents({"name": "Đơn vị đã sửa"}) == 0
        assert "restore_incomplete" not in target.db.list_collection_names()
    finally:
        target.db.client.drop_database("bk_target")


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        ("truncate_tasks", "tasks.bson"),
        ("bad_document", "units.bson"),
        ("bad_metadata", "leaders.metadata.json"),
        ("wrong_name", "documents.metadata.json"),
    ],
)
def test_a_bad_dump_is_refused_before_anything_is_written(
    mongod: dict[str, Any], dump: Path, tmp_path: Path, damage: str, named: str
) -> None:
    broken = tmp_path / "broken"

    shutil.copytree(dump / "bk_source", broken)
    if damage == "truncate_tasks":
        data = (broken / "tasks.bson").read_bytes()
        (broken / "tasks.bson").write_bytes(data[: len(data) - 37])
    elif damage == "bad_document":
        data = bytearray((broken / "units.bson").read_bytes())
        first = int.from_bytes(data[:4], "little")
        data[first + 4] = 0x30  # an unknown BSON type in the second document
        (broken / "units.bson").write_bytes(bytes(data))
    elif damage == "bad_metadata":
        (broken / "leaders.metadata.json").write_text('{"indexes": [', encoding="utf-8")
    else:
        meta = json.loads((broken / "documents.metadata.json").read_text())
        meta["collectionName"] = "khac"
        (broken / "documents.metadata.json").write_text(json.dumps(meta))
    target = repository.connect(mongod["uri"], "bk_broken")
    target.drop_all()
    proc = cddh(mongod, "bk_broken", "restore", str(broken))
    no_traceback(proc)
    assert proc.returncode == 2
    assert named in proc.stderr and "Lỗi:" in proc.stderr
    assert target.db.list_collection_names() == []  # the target was not touched
