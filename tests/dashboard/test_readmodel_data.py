"""The dashboard's reads (dashboard/data.py) through the read model: the same figures as the
pipelines, and a write made through the repository moves the figure on the next read."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import streamlit as st

from core import config, explorer
from core import metrics as m
from core.periods import period_containing
from core.repository import Repository
from core.scope import Scope
from dashboard import data
from tests.integration.orgdata import TaskFactory, load_org

D = date(2025, 6, 16)


@pytest.fixture()
def app_data(empty_env: Repository) -> Any:
    """dashboard/data.py on a fresh database, its read model warm."""
    st.cache_data.clear()
    st.cache_resource.clear()
    load_org(empty_env)
    repo = data.base_repo()  # the system's repository: no user is logged in here
    model = data._read_model(config.effective_uri(), config.mongodb_db())
    assert model is not None and model.wait_warm(30)
    yield repo
    model.stop(save=False)
    documents = data._documents_model(config.effective_uri(), config.mongodb_db())
    if documents is not None:
        documents.stop()
    st.cache_resource.clear()


def test_a_write_moves_the_next_read(app_data: Repository) -> None:
    repo = app_data
    key = data.repo_key()
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 30))
    f.save()
    q = m.MetricsQuery(as_of=D, by="unit")
    assert data.figures(repo).name == "readmodel"
    first = data.status(repo, key, q)
    assert first["total"]["open_overdue"] == 1
    assert first == m.status_metrics(repo, q)
    bq = m.MetricsQuery(as_of=D, rollup_successors=True)
    assert data.backlog(repo, key, bq)["open_overdue"] == 1
    task_id = f"{f.tasks[0].document}#1"
    repo.update_task(
        task_id, {"completed_date": date(2025, 6, 10)}, actor="test", expected_version=1
    )
    second = data.status(repo, key, q)  # cached by query, but the read model moved on
    assert second["total"]["open_overdue"] == 0 and second["total"]["completed_late"] == 1
    assert second == m.status_metrics(repo, q)
    assert data.backlog(repo, key, bq)["open_overdue"] == 0
    period = period_containing("month", D, "decree09")
    assert (
        data.period_status(repo, key, q, period, "deadline")
        == m.period_metrics(repo, q, [period], "deadline")[0]
    )
    assert data.compare(repo, key, q, period, "deadline") == m.compare_periods(
        repo, q, period, "deadline"
    )
    assert data.trend_by_unit(repo, key, q, period, 12) == m.trend(
        repo, q, period, n=12, population="deadline", by_unit=True
    )


def test_pipelines_answer_when_the_read_model_is_off(
    empty_env: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDDH_READMODEL", "0")
    st.cache_resource.clear()
    repo = data.base_repo()  # the system's repository: no user is logged in here
    assert data.figures(repo).name == "pipelines"
    st.cache_resource.clear()


def test_a_text_search_comes_from_the_read_model_and_moves_with_a_write(
    app_data: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The task list searched by text is answered by the read model (the pipelines' text
    search is never asked) with the pipelines' page, and a task's corrected content is found
    by its new words, not its old ones, on the next read."""
    repo = app_data
    key = data.repo_key()
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2), content="Rà soát cầu yếu")
    f.add(assigned_date=date(2025, 5, 2), content="Kiểm tra đê điều")
    f.save()
    task_id = f"{f.tasks[0].document}#1"
    s = explorer.TaskSearch(as_of=D, text="cầu yếu")
    expected = explorer.search_tasks(repo, s, data.calendar(repo, key))

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the pipelines' text search was asked")

    monkeypatch.setattr(explorer, "_search_text_tasks", refuse)
    page = data.tasks_page(repo, key, s)
    assert page == expected and [r["id"] for r in page.rows] == [task_id]
    repo.update_task(task_id, {"content": "Sửa chữa đường tỉnh 741"}, actor="t", expected_version=1)
    assert data.tasks_page(repo, key, s).total == 0
    found = data.tasks_page(repo, key, replace(s, text="duong tinh 741"))
    assert [r["id"] for r in found.rows] == [task_id]


def test_a_documents_search_comes_from_its_read_model_and_moves_with_a_write(
    app_data: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Văn bản searched by text is answered by the documents' read model (MongoDB's scan of
    the texts is never asked) with MongoDB's page, and a corrected abstract is found by its new
    words on the next read."""
    repo = app_data
    key = data.repo_key()
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), abstract="Kế hoạch phòng chống thiên tai")
    f.add(assigned_date=date(2025, 5, 2), abstract="Về việc tu bổ đê điều")
    f.save()
    s = explorer.DocumentSearch(as_of=D, text="phòng chống")
    expected = explorer.documents_with_progress(repo, s, Scope.everything())
    model = data._documents_model(config.effective_uri(), config.mongodb_db())
    assert model is not None and model.wait_warm(30)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("MongoDB's scan of the documents' texts was asked")

    monkeypatch.setattr(type(repo), "documents_page_counted", refuse)
    got = data.documents_page(repo, key, s, None)
    assert got == expected and [r["id"] for r in got[0]] == [f.docs[0].key]
    doc = f.docs[0].model_copy(update={"abstract": "Kế hoạch chuyển đổi số"})
    repo.save_document(doc, actor="test")
    assert data.documents_page(repo, key, s, None)[1] == 0
    found = data.documents_page(repo, key, replace(s, text="chuyen doi so"), None)
    assert [r["id"] for r in found[0]] == [f.docs[0].key]


def test_read_models_dropped_from_the_cache_stop_tailing(empty_env: Repository) -> None:
    """Clearing Streamlit's resource cache stops both read models' threads (they would read
    the database's change streams for nothing until the process ends)."""
    st.cache_resource.clear()
    load_org(empty_env)
    data.base_repo()
    model = data._read_model(config.effective_uri(), config.mongodb_db())
    documents = data._documents_model(config.effective_uri(), config.mongodb_db())
    assert model is not None and documents is not None
    assert model.wait_warm(30) and documents.wait_warm(30)
    threads = [model._thread, documents._thread]
    assert all(t is not None and t.is_alive() for t in threads)
    st.cache_resource.clear()
    assert not any(t is not None and t.is_alive() for t in threads)
