"""`cddh calendar`: editable days off and make-up working days, used by the metrics."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

from core import metrics as m
from core.repository import Repository
from core.services import work_calendar
from tests.integration.orgdata import TaskFactory, load_org


def cli(mongod: dict[str, Any], repo: Repository, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"MONGODB_URI": mongod["uri"], "MONGODB_DB": repo.db.name, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "cddh_cli.main", "calendar", *args],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_calendar_edits_change_working_day_counts(mongod: dict[str, Any], repo: Repository) -> None:
    added = cli(mongod, repo, "add-workday", "2027-01-09", "--name", "Làm bù cho ngày 01/01/2027")
    assert added.returncode == 0, added.stderr
    assert "09/01/2027" in added.stdout
    off = cli(mongod, repo, "add-holiday", "05/01/2027", "--name", "Nghỉ bổ sung của tỉnh")
    assert off.returncode == 0, off.stderr
    listed = cli(mongod, repo, "list", "--year", "2027")
    assert "09/01/2027" in listed.stdout and "05/01/2027" in listed.stdout
    assert "Tết Nguyên Đán" in listed.stdout
    cal = work_calendar(repo)
    assert cal.is_working_day(date(2027, 1, 9)) and not cal.is_working_day(date(2027, 1, 5))
    # Metrics use the stored calendar: deadline Fri 08/01, as of Mon 11/01 → Sat 09 (make-up) and
    # Mon 11 are working days: 2 working days overdue.
    load_org(repo)
    org = TaskFactory(repo)
    org.add(assigned_date=date(2026, 12, 1), deadline=date(2027, 1, 8))
    org.save()
    rows = m.longest_overdue(repo, m.MetricsQuery(as_of=date(2027, 1, 11)), cal)
    assert rows[0]["days_overdue"] == 2
    bad = cli(mongod, repo, "add-holiday", "31/02/2027", "--name", "x")
    assert bad.returncode != 0 and "ngày" in bad.stderr and "Traceback" not in bad.stderr
