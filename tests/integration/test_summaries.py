"""Summaries of closed periods (period_summaries): stored once, read back, and kept exact by
every task write, on a real mongod."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

import pytest

from core import metrics as m
from core.dates import from_bson_day, to_bson_day
from core.model import Document, Task, validate
from core.periods import Period, period_for_report
from core.repository import Repository
from core.scope import Scope
from tests.integration.orgdata import TaskFactory, load_org

D = date(2025, 6, 16)
MONTHS = [period_for_report("month", f"2025-0{n}", "calendar") for n in (2, 3, 4, 5, 6)]


@pytest.fixture()
def loaded(repo: Repository) -> dict[str, str]:
    """One open task due in each of February…May 2025; returns their ids by month."""
    load_org(repo)
    factory = TaskFactory(repo)
    ids = {}
    for month in (2, 3, 4, 5):
        task = factory.add(
            assigned_date=date(2025, 1, 10), deadline=date(2025, month, 10), lead_unit="SYT"
        )
        ids[f"2025-0{month}"] = task.key
    factory.save()
    return ids


def stored_reports(repo: Repository) -> set[str]:
    return {
        from_bson_day(doc["start"]).strftime("%Y-%m")
        for doc in repo.db.period_summaries.find({"population": "deadline"})
    }


def fresh(repo: Repository, q: m.MetricsQuery, periods: list[Period]) -> list[dict[str, Any]]:
    return [m.status_metrics(repo, m._period_query(q, p, "deadline", q.by)) for p in periods]


def version(repo: Repository, task_id: str) -> int:
    found = repo.task(task_id, Scope.everything())
    assert found is not None
    return int(found["version"])


def test_closed_periods_are_stored_once_and_read_back(
    repo: Repository, loaded: dict[str, str]
) -> None:
    q = m.MetricsQuery(as_of=D, by="unit")
    first = m.period_metrics(repo, q, MONTHS)
    # February…May ended by 16/06 and are kept; June is still running and is not.
    assert stored_reports(repo) == {"2025-02", "2025-03", "2025-04", "2025-05"}
    assert first == fresh(repo, q, MONTHS)
    # What is stored is what is read: a changed stored count shows up in the next answer.
    repo.db.period_summaries.update_one(
        {"population": "deadline", "rows.u": "SYT", "start": to_bson_day(MONTHS[2].start)},
        {"$inc": {"rows.$.n": 5}},
    )  # fmt: skip
    again = m.period_metrics(repo, q, MONTHS)
    assert again[2]["total"]["assigned"] == first[2]["total"]["assigned"] + 5
    # Filters are applied to the stored counts: no priority task, no task of STC.
    repo.clear_period_summaries()
    for filtered in (
        m.MetricsQuery(as_of=D, by="none", priority_only=True),
        m.MetricsQuery(as_of=D, by="portfolio", lead_units=frozenset({"STC"})),
        m.MetricsQuery(as_of=D, by="unit", scope=Scope.of_units({"SYT"})),
    ):
        m.period_metrics(repo, filtered, MONTHS)
        assert m.period_metrics(repo, filtered, MONTHS) == fresh(repo, filtered, MONTHS)


def test_task_update_forgets_only_the_periods_of_its_dates(
    repo: Repository, loaded: dict[str, str]
) -> None:
    q = m.MetricsQuery(as_of=D, by="unit")
    m.period_metrics(repo, q, MONTHS)
    april = loaded["2025-04"]
    repo.update_task(april, {"completed_date": date(2025, 4, 9)}, "test", version(repo, april))
    # The task was assigned in January and is due in April: those two summaries are gone.
    assert stored_reports(repo) == {"2025-02", "2025-03", "2025-05"}
    after = m.period_metrics(repo, q, MONTHS)
    assert after == fresh(repo, q, MONTHS)
    assert after[2]["total"]["completed_on_time"] == 1
    # An extension from March into May forgets March (old deadline) and May (new one).
    m.period_metrics(repo, q, MONTHS)
    march = loaded["2025-03"]
    extension = {"new_deadline": date(2025, 5, 20), "approved_date": date(2025, 3, 5)}
    repo.update_task(march, {"extensions": [extension]}, "test", version(repo, march))
    assert stored_reports(repo) == {"2025-02", "2025-04"}
    moved = m.period_metrics(repo, q, MONTHS)
    assert moved == fresh(repo, q, MONTHS)
    assert [r["total"]["assigned"] for r in moved] == [1, 0, 1, 2, 0]


def test_insert_and_import_forget_the_periods_they_touch(
    repo: Repository, loaded: dict[str, str]
) -> None:
    q = m.MetricsQuery(as_of=D, by="none")
    m.period_metrics(repo, q, MONTHS)
    doc = validate(
        Document,
        {"type": "CV", "number": "77/UBND-TH", "abstract": "Về việc bổ sung",
         "issue_date": "2025-03-02", "signer": "PCT1"},
    )  # fmt: skip
    repo.save_document(doc, actor="test")
    task = {"document": doc.key, "seq": 1, "content": "Nhập bổ sung", "lead_unit": "STC",
            "assigned_date": date(2025, 3, 2), "deadline": date(2025, 3, 20)}  # fmt: skip
    repo.insert_task(task, actor="test")
    assert "2025-03" not in stored_reports(repo) and "2025-02" in stored_reports(repo)
    assert m.period_metrics(repo, q, MONTHS) == fresh(repo, q, MONTHS)
    # Importing the same task with a completion date forgets March again.
    changed = validate(Task, {**task, "completed_date": date(2025, 3, 25)})
    repo.import_batch(documents=[doc], tasks=[changed], actor="test")
    assert "2025-03" not in stored_reports(repo)
    result = m.period_metrics(repo, q, MONTHS)
    assert result == fresh(repo, q, MONTHS) and result[1]["total"]["completed_late"] == 1
    # Importing it unchanged writes nothing and keeps every summary.
    before = stored_reports(repo)
    repo.import_batch(documents=[doc], tasks=[changed], actor="test")
    assert stored_reports(repo) == before


def test_summaries_computed_before_a_write_are_not_kept(
    repo: Repository, loaded: dict[str, str]
) -> None:
    generation = repo.summary_generation()
    april = loaded["2025-04"]
    repo.update_task(april, {"result": "Đang triển khai"}, "test", version(repo, april))
    assert repo.summary_generation() == generation + 1
    kept = repo.save_period_summaries(
        "deadline", generation, {(MONTHS[0].start, MONTHS[0].end): []}
    )
    assert kept is False and repo.db.period_summaries.count_documents({}) == 0
    current = repo.summary_generation()
    assert repo.save_period_summaries("deadline", current, {(MONTHS[0].start, MONTHS[0].end): []})
    assert repo.db.period_summaries.count_documents({}) == 1


def test_cli_summaries_warms_the_closed_periods(
    repo: Repository, loaded: dict[str, str], mongod: dict[str, Any]
) -> None:
    env = {"MONGODB_URI": mongod["uri"], "MONGODB_DB": repo.db.name, "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "cddh_cli.main", "summaries", "--as-of", "2025-06-16"]
    out = subprocess.run([*cmd, "--periods", "3"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    # Decree 09 periods as of 16/06/2025: of the last 3 of each kind, the running one (month
    # 15/06–14/07, quarter from 15/06, second half, nine months and year to 14/09 and 14/12)
    # is left out; 2 ended periods × 5 kinds × 2 populations.
    assert "Đã có số liệu tổng hợp của 20 kỳ đã kết thúc (tính đến 16/06/2025)." in out.stdout
    assert repo.db.period_summaries.count_documents({}) == 20
    # --recompute forgets what is stored (marked here) and computes it again.
    repo.db.period_summaries.update_many({}, {"$set": {"generation": -1}})
    again = subprocess.run(
        [*cmd, "--periods", "3", "--recompute"], capture_output=True, text=True, env=env
    )
    assert again.returncode == 0, again.stderr
    assert repo.db.period_summaries.count_documents({"generation": {"$gte": 0}}) == 20
    bad = subprocess.run([*cmd, "--periods", "0"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "--periods: số kỳ phải lớn hơn 0" in bad.stderr
    assert "Traceback" not in bad.stderr
