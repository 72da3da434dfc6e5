"""Hostile import files, kills midway and imports beyond one transaction, against a real mongod.

Each hostile file goes through `cddh import` as a user would run it: the exit code, a
Vietnamese message naming the line and the field, no traceback, no secret echoed, and every
collection byte for byte as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import bson
from openpyxl import Workbook

from core.importer import import_file
from core.repository import Repository
from tests.conftest import CDDH

ROOT = Path(__file__).resolve().parent.parent.parent
HOSTILE = ROOT / "tests" / "data" / "hostile"
ORG = ROOT / "tests" / "data" / "import" / "org.csv"
HEADER = (
    '"Số, ký hiệu",Ngày ban hành,Trích yếu,Người ký,Nội dung nhiệm vụ,Đơn vị chủ trì,Thời hạn\n'
)


def _env(mongod: dict[str, Any], repo: Repository, **extra: str) -> dict[str, str]:
    return {**os.environ, "MONGODB_URI": mongod["uri"], "MONGODB_DB": repo.db.name, **extra}


def _cli(
    mongod: dict[str, Any], repo: Repository, path: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CDDH, "import", str(path)],
        env=_env(mongod, repo, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def _store_hash(repo: Repository) -> dict[str, str]:
    """A hash of every collection of the database (documents in _id order, raw BSON)."""
    out: dict[str, str] = {}
    for name in sorted(repo.db.list_collection_names()):
        digest = hashlib.sha256()
        for doc in repo.db[name].find({}).sort("_id", 1):
            digest.update(bson.encode(doc))
        out[name] = digest.hexdigest()
    return out


_VOLATILE = {"created_at", "updated_at", "entered_at", "at", "checked_at", "_id"}


def _content_hash(repo: Repository) -> dict[str, str]:
    """The store's content without times and generated ids: equal for two runs of one import."""
    out: dict[str, str] = {}
    for name in ("units", "leaders", "delegations", "documents", "tasks", "task_facts"):
        rows = sorted(
            json.dumps(
                {k: v for k, v in d.items() if k not in _VOLATILE or k == "_id"}, default=str
            )
            for d in repo.db[name].find({}, {"updated_at": 0, "created_at": 0, "entered_at": 0})
        )
        out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    events = sorted(
        json.dumps({k: v for k, v in d.items() if k not in _VOLATILE}, default=str)
        for d in repo.db.task_events.find({}, {"at": 0, "_id": 0, "after": 0})
    )
    out["task_events"] = hashlib.sha256("\n".join(events).encode()).hexdigest()
    return out


def _tasks_csv(path: Path, tasks: int, per_document: int = 4, year: int = 2025) -> Path:
    units = ["SYT", "STC", "SXD", "SVHTTDL", "VP"]
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(tasks):
            doc = i // per_document + 1
            f.write(
                f"{doc}/QĐ-UBND,15/01/{year},Kế hoạch số {doc},CT,Nhiệm vụ {i + 1} của văn bản "
                f"{doc},{units[i % len(units)]},{(i % 28) + 1:02d}/06/{year}\n"
            )
    return path


# --- the corpus --------------------------------------------------------------------------------

# (file, line, field label, words of the reason), every one refused with exit code 2.
CORPUS: list[tuple[str, int | None, str, str]] = [
    ("utf16.csv", 1, "tệp", "không phải văn bản UTF-8"),
    ("windows1258.csv", 1, "tệp", "không phải văn bản UTF-8"),
    ("truncated.xlsx", None, "tệp", "tệp bị hỏng, bị cắt cụt"),
    ("not_really.xlsx", None, "tệp", "không mở được tệp Excel"),
    ("formula_no_cached_value.xlsx", 2, "thời hạn", "ô G2 là công thức chưa có giá trị"),
    ("operator_keys.jsonl", 1, "cột «$gt»", "không phải cột được nhập"),
    ("not_objects.jsonl", 1, "nội dung dòng", "mỗi dòng phải là một đối tượng JSON"),
    ("huge_int.csv", 2, "số thứ tự nhiệm vụ", "nằm ngoài khoảng"),
    ("huge_int.jsonl", 1, "số thứ tự nhiệm vụ", "nằm ngoài khoảng"),
    ("nul_byte.csv", 2, "nội dung nhiệm vụ", "ký tự NUL (U+0000)"),
    ("bidi_override.csv", 2, "số, ký hiệu", "ký tự đảo chiều văn bản phải-trái (U+202E)"),
    ("control_char.csv", 2, "đơn vị chủ trì", "ký tự điều khiển (U+0007)"),
    ("implausible_dates.csv", 2, "thời hạn", "ngày 31/12/9999 không hợp lý"),
    ("implausible_dates.csv", 3, "ngày ban hành", "ngày 01/01/1900 không hợp lý"),
    ("implausible_dates.csv", 4, "ngày ban hành", "ngày 01/01/0001 không hợp lý"),
    ("secret_two_rows.csv", 3, "độ mật", "văn bản mật không được lưu"),
    ("secret_two_rows.csv", 4, "độ mật", "văn bản mật không được lưu"),
]
SECRETS = ("ALPHA", "BETA", "Gamma", "TUYỆT MẬT", "77/KH-UBND", "phương án")


def _assert_refused(
    result: subprocess.CompletedProcess[str], line: int | None, label: str, words: str
) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert "không ghi gì cả" in result.stderr
    where = f"dòng {line}: " if line is not None else ""
    expected = f"- {where}{label}: "
    found = [x for x in result.stderr.splitlines() if expected in x]
    assert found, (expected, result.stderr)
    assert any(words in x for x in found), (words, found)


def test_every_hostile_file_is_refused_by_line_and_field(
    mongod: dict[str, Any], repo: Repository
) -> None:
    import_file(repo, ORG)
    before = _store_hash(repo)
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for name, line, label, words in CORPUS:
        if name not in results:
            results[name] = _cli(mongod, repo, HOSTILE / name)
        _assert_refused(results[name], line, label, words)
        assert _store_hash(repo) == before, name
    secret = results["secret_two_rows.csv"]
    for text in SECRETS:
        assert text not in secret.stdout + secret.stderr, text
    # Both refused rows of the secret document and nothing else about them.
    assert secret.stderr.count("\n  - ") == 2, secret.stderr


def test_files_built_at_run_time_are_refused(
    mongod: dict[str, Any], repo: Repository, tmp_path: Path
) -> None:
    import_file(repo, ORG)
    before = _store_hash(repo)
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"number": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    _assert_refused(_cli(mongod, repo, deep), 1, "nội dung dòng", "lồng nhau quá sâu")

    nested = tmp_path / "nested.jsonl"
    nested.write_text(json.dumps({"a": {"b": {"c": {"d": {"e": 1}}}}}) + "\n", encoding="utf-8")
    _assert_refused(_cli(mongod, repo, nested), 1, "nội dung dòng", "lồng nhau quá sâu")

    huge = tmp_path / "huge_string.csv"
    huge.write_text(
        HEADER + "1/QĐ-UBND,02/01/2025," + "A" * (17 * 1024 * 1024) + ",CT,Việc,SYT,\n",
        encoding="utf-8",
    )
    _assert_refused(_cli(mongod, repo, huge), 2, "trích yếu", "vượt giới hạn 32.767 ký tự")

    digits = tmp_path / "digits.jsonl"
    digits.write_text('{"seq": ' + "9" * 5000 + "}\n", encoding="utf-8")
    _assert_refused(_cli(mongod, repo, digits), 1, "nội dung dòng", "số quá dài")

    # A workbook that unpacks far beyond its size (a zip bomb) and a million-row-like sheet.
    bomb = tmp_path / "bomb.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.replace('"', "").replace("Số, ký hiệu", "Số ký hiệu").strip().split(","))
    for i in range(3000):
        ws.append([f"{i}/QĐ-UBND", "02/01/2025", "x" * 400, "CT", "Việc", "SYT", None])
    wb.save(bomb)
    assert bomb.stat().st_size < 1024 * 1024
    result = _cli(mongod, repo, bomb, CDDH_IMPORT_MAX_MB="1")
    _assert_refused(result, None, "tệp", "vượt giới hạn 1 MB (CDDH_IMPORT_MAX_MB)")
    result = _cli(mongod, repo, bomb, CDDH_IMPORT_MAX_ROWS="1000")
    _assert_refused(result, 1001, "tệp", "có hơn 1.000 dòng")

    blank_rows = tmp_path / "blank_rows.csv"
    blank_rows.write_text(HEADER + ",,,,,,\n" * 5000, encoding="utf-8")
    result = _cli(mongod, repo, blank_rows, CDDH_IMPORT_MAX_ROWS="1000")
    _assert_refused(result, 1001, "tệp", "có hơn 1.000 dòng")

    wide = tmp_path / "wide.csv"
    wide.write_text(HEADER + "1/QĐ-UBND,02/01/2025,A,CT,V,SYT,," + ",x" * 200 + "\n")
    _assert_refused(_cli(mongod, repo, wide), 2, "tệp", "vượt giới hạn 100 cột")
    assert _store_hash(repo) == before


def test_zero_width_marks_are_stripped_and_formula_text_is_kept(
    mongod: dict[str, Any], repo: Repository, tmp_path: Path
) -> None:
    import_file(repo, ORG)
    path = tmp_path / "zero_width.csv"
    path.write_text(
        HEADER + "900/QĐ-UBND,02/01/2025,Văn bản,CT,Việc một,SYT,\n"
        "900\u200b/QĐ-UBND,02/01/2025,Văn bản,CT,Việc hai,S\u200dYT,\n"
        '900/QĐ-UBND,02/01/2025,Văn bản,CT,"=HYPERLINK(""http://x"",""bấm"")",SYT,\n',
        encoding="utf-8",
    )
    result = _cli(mongod, repo, path)
    assert result.returncode == 0, result.stderr
    assert "đã bỏ 2 ký tự vô hình (zero-width)" in result.stdout
    assert repo.db.documents.count_documents({}) == 1
    assert repo.db.tasks.count_documents({"lead_unit": "SYT"}) == 3
    # Text beginning with '=' is stored as written (neutralised when exported, not refused).
    assert repo.db.tasks.count_documents({"content": {"$regex": "^=HYPERLINK"}}) == 1
    assert not any("\u200b" in d["_id"] for d in repo.db.documents.find())


# --- beyond one transaction ---------------------------------------------------------------------


def test_an_import_beyond_one_transaction_fits_the_default_cache(
    mongod: dict[str, Any], repo: Repository, tmp_path: Path
) -> None:
    cache = repo.db.client.admin.command("serverStatus")["wiredTiger"]["cache"]
    assert cache["maximum bytes configured"] <= 300 * 1024 * 1024  # the small default
    import_file(repo, ORG)
    indexes = {name: repo.index_names(name) for name in ("tasks", "task_facts", "documents")}
    generation = repo.summary_generation()
    repo.db.period_summaries.insert_one(
        {"_id": "all:2025-01-15:2025-02-14", "population": "all", "rows": []},
        bypass_document_validation=True,
    )
    path = _tasks_csv(tmp_path / "big.csv", 12_000)
    report = import_file(repo, path)
    assert report.tallies["tasks"].new == 12_000
    assert repo.db.tasks.count_documents({}) == 12_000
    assert repo.db.task_facts.count_documents({}) == 12_000
    assert repo.db.documents.count_documents({}) == 3_000
    assert repo.db.task_events.count_documents({"kind": "imported", "version": 1}) == 12_000
    assert repo.summary_generation() > generation
    assert repo.db.period_summaries.count_documents({}) == 0
    assert {name: repo.index_names(name) for name in indexes} == indexes
    assert not [n for n in repo.db.list_collection_names() if n.startswith("stage__")]
    # Again: nothing changes, no version moves.
    versions = {d["_id"]: d["version"] for d in repo.db.tasks.find({}, {"version": 1})}
    again = import_file(repo, path)
    assert again.written == 0
    assert {d["_id"]: d["version"] for d in repo.db.tasks.find({}, {"version": 1})} == versions


def test_killed_imports_leave_old_or_new_and_a_rerun_finishes(
    mongod: dict[str, Any], repo: Repository, tmp_path: Path
) -> None:
    """kill -9 at random moments of a staged import (bounded loop): old or new, never between."""
    path = _tasks_csv(tmp_path / "kill.csv", 3_000)
    base = _tasks_csv(tmp_path / "base.csv", 40, year=2024)
    env = _env(mongod, repo, CDDH_IMPORT_TRANSACTION_TASKS="500")

    def reset() -> None:
        repo.drop_all()
        repo.ensure_schema()
        import_file(repo, ORG)
        import_file(repo, base)

    def run() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [CDDH, "import", str(path)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    reset()
    old = _content_hash(repo)
    started = time.monotonic()
    done = run()
    _, err = done.communicate(timeout=300)
    full = time.monotonic() - started
    assert done.returncode == 0, err.decode()
    new = _content_hash(repo)
    assert new != old

    rng = random.Random(10)
    outcomes = []
    for _ in range(5):
        reset()
        assert _content_hash(repo) == old
        proc = run()
        time.sleep(rng.uniform(0.3, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        repo.ensure_schema()  # what every process does when it connects: finishes a publication
        state = _content_hash(repo)
        assert state in (old, new), "a kill left a store that is neither the old nor the new"
        outcomes.append("new" if state == new else "old")
        again = subprocess.run(
            [CDDH, "import", str(path)], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert again.returncode == 0, again.stderr
        assert "Traceback" not in again.stderr
        assert _content_hash(repo) == new
    assert outcomes  # which side each kill landed on is random; both are correct
