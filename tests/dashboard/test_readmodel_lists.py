"""The task list through the read model, by role and through dashboard/data.py: a unit officer
still gets his scoped pipeline answer, the viewer is still refused lists, a whole-province
reader's status-filtered page comes from the columns and moves with the next write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import streamlit as st

from core import config, explorer
from core.errors import AccessDenied
from core.explorer import TaskSearch
from core.readmodel import lists
from core.readmodel.figures import figures_for
from core.readmodel.model import ReadModel
from core.repository import Repository
from dashboard import data
from tests.dashboard.demo_db import AS_OF
from tests.dashboard.test_access_core import bound, unit_officer
from tests.integration.orgdata import TaskFactory, load_org

OVERDUE = TaskSearch(as_of=AS_OF, categories=("open_overdue",), sort="overdue_desc")


@pytest.fixture()
def demo_model(demo_repo: Repository) -> Iterator[ReadModel]:
    model = ReadModel(demo_repo).start(background=False)
    assert model.sync(10)
    yield model
    model.stop(save=False)


def test_unit_officer_gets_his_scoped_pipeline_page(
    demo_repo: Repository, demo_accounts: Any, demo_model: ReadModel
) -> None:
    store, units = unit_officer(demo_repo)
    fig = figures_for(store, demo_model)
    assert fig.name == "pipelines"
    for s in (OVERDUE, TaskSearch(as_of=AS_OF, categories=("open_within_deadline",))):
        page = explorer.search_tasks(store, s, source=fig)
        assert page == explorer.search_tasks(store, s)
        assert page.rows
        for row in page.rows:
            assert row["lead_unit"] in units or set(row["coord_units"]) & units
        province = explorer.search_tasks(demo_repo, s, source=figures_for(demo_repo, demo_model))
        assert page.total < province.total


def test_viewer_is_still_refused_lists(
    demo_repo: Repository, demo_accounts: Any, demo_model: ReadModel
) -> None:
    viewer = bound(demo_repo, "xem")
    fig = figures_for(viewer, demo_model)
    assert fig.name == "readmodel"  # his counts come from the columns ...
    for read in (
        lambda: fig.task_page(OVERDUE),  # ... never a list
        lambda: explorer.search_tasks(viewer, OVERDUE, source=fig),
        lambda: explorer.search_tasks(viewer, TaskSearch(as_of=AS_OF), source=fig),
    ):
        with pytest.raises(AccessDenied, match="không có quyền xem nội dung nhiệm vụ"):
            read()


def test_whole_province_page_comes_from_the_columns(
    demo_repo: Repository, demo_model: ReadModel
) -> None:
    fig = figures_for(demo_repo, demo_model)
    assert fig.name == "readmodel"
    page = fig.task_page(OVERDUE)
    assert page is not None and page.total > 25
    assert page == explorer.search_tasks(demo_repo, OVERDUE)


D = date(2025, 6, 16)


@pytest.fixture()
def app_data(empty_env: Repository) -> Iterator[Repository]:
    """dashboard/data.py on a fresh database, its read model warm."""
    st.cache_data.clear()
    st.cache_resource.clear()
    load_org(empty_env)
    repo = data.base_repo()
    model = data._read_model(config.effective_uri(), config.mongodb_db())
    assert model is not None and model.wait_warm(30)
    yield repo
    model.stop(save=False)
    documents = data._documents_model(config.effective_uri(), config.mongodb_db())
    if documents is not None:
        documents.stop()
    st.cache_resource.clear()


def test_the_dashboard_list_reads_the_read_model_and_moves_with_a_write(
    app_data: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = app_data
    asked: list[TaskSearch] = []
    choose = lists.choose

    def counting(cols: Any, s: TaskSearch) -> lists.Chosen:
        asked.append(s)
        return choose(cols, s)

    monkeypatch.setattr(lists, "choose", counting)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 3))
    f.save()
    s = TaskSearch(as_of=D, categories=("open_overdue",))
    key = data.repo_key()
    first = data.tasks_page(repo, key, s)
    assert asked == [s] and first.total == 2
    assert first == explorer.search_tasks(repo, s, data.calendar(repo, key))
    assert first.rows[0]["days_late"] is not None
    repo.update_task(
        f"{f.tasks[0].document}#1",
        {"completed_date": date(2025, 6, 10)},
        actor="test",
        expected_version=1,
    )
    second = data.tasks_page(repo, key, s)  # same key and search: the model's generation moved
    assert [r["id"] for r in second.rows] == [f"{f.tasks[1].document}#1"]
    assert second == explorer.search_tasks(repo, s, data.calendar(repo, key))
    plain = data.tasks_page(repo, key, TaskSearch(as_of=D))  # not a status list: pipelines
    assert len(asked) == 2 and plain.total == 2
