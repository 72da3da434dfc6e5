"""`cddh briefing` and `cddh urge` run as a user runs them (subprocess, the test database)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from docx import Document

from core.repository import Repository
from tests.briefing.helpers import number, table_with


def cddh(mongod: dict[str, Any], repo: Repository, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URI": mongod["uri"], "MONGODB_DB": repo.db.name}
    return subprocess.run(
        [sys.executable, "-m", "cddh_cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def test_briefing_command_matches_cddh_metrics(
    mongod: dict[str, Any], brief_repo: Repository, tmp_path: Path
) -> None:
    out = tmp_path / "bc.docx"
    run = cddh(mongod, brief_repo, "briefing", "--kind", "month", "--report", "2026-11",
               "--date", "2026-11-16", "--out", str(out))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Đã ghi" in run.stdout and "kho báo cáo" in run.stdout
    doc = Document(io.BytesIO(out.read_bytes()))
    total = table_with(doc, "Tổng số giao").rows[-1].cells
    metrics = cddh(mongod, brief_repo, "metrics", "--as-of", "2026-11-14", "--assigned-from",
                   "2025-12-15", "--assigned-to", "2026-11-14", "--json")  # fmt: skip
    assert metrics.returncode == 0, metrics.stderr
    expected = json.loads(metrics.stdout)["total"]
    assert number(total[2].text) == expected["assigned"]
    assert number(total[6].text) == expected["open_overdue"]


def test_urge_command(mongod: dict[str, Any], brief_repo: Repository, tmp_path: Path) -> None:
    out = tmp_path / "dd.docx"
    run = cddh(mongod, brief_repo, "urge", "--unit", "SYT", "--as-of", "2026-11-20",
               "--out", str(out), "--no-archive")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Sở Y tế" in run.stdout and out.stat().st_size > 10_000


def test_errors_are_messages_not_tracebacks(
    mongod: dict[str, Any], brief_repo: Repository, tmp_path: Path
) -> None:
    out = str(tmp_path / "x.docx")
    bad = cddh(mongod, brief_repo, "briefing", "--report", "2026-13", "--out", out)
    assert bad.returncode == 2 and "2026-13" in bad.stderr and "Traceback" not in bad.stderr
    bad = cddh(mongod, brief_repo, "urge", "--unit", "NOPE", "--as-of", "2026-11-20", "--out", out)
    assert bad.returncode == 2 and "NOPE" in bad.stderr and "Traceback" not in bad.stderr
    bad = cddh(mongod, brief_repo, "briefing", "--report", "2026-11", "--signer", "PCT1",
               "--out", out)  # fmt: skip
    assert bad.returncode == 2 and "người ký" in bad.stderr


def test_briefing_defaults_to_the_latest_ended_period_and_writes_the_full_list(
    mongod: dict[str, Any], brief_repo: Repository, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from core import briefing as b
    from core.dates import today_local
    from core.periods import default_rule, period_containing

    expected = b.default_period("month", today_local(), default_rule())
    out, xlsx = tmp_path / "bc.docx", tmp_path / "qua-han.xlsx"
    run = cddh(mongod, brief_repo, "briefing", "--out", str(out), "--xlsx", str(xlsx),
               "--no-archive")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"Kỳ báo cáo: {expected.label} (kỳ đã kết thúc gần nhất)" in run.stdout
    assert "Cảnh báo" not in run.stderr
    rows = list(load_workbook(xlsx).active.iter_rows(min_row=4, values_only=True))
    assert rows and [r[0] for r in rows] == list(range(1, len(rows) + 1))
    running = cddh(mongod, brief_repo, "briefing", "--report",
                   period_containing("month", today_local(), default_rule()).report, "--out", str(out),
                   "--no-archive")  # fmt: skip
    assert running.returncode == 0 and "chưa kết thúc" in running.stderr


def test_urge_of_a_dissolved_unit_goes_to_its_successor(
    mongod: dict[str, Any], brief_repo: Repository, tmp_path: Path
) -> None:
    out = tmp_path / "dd.docx"
    run = cddh(mongod, brief_repo, "urge", "--unit", "H-A", "--as-of", "2026-11-20",
               "--out", str(out), "--no-archive")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "đơn vị kế thừa, UBND xã A1" in run.stdout
    doc = Document(io.BytesIO(out.read_bytes()))
    assert any(p.text == "Kính gửi: UBND xã A1." for p in doc.paragraphs)
