"""AppTest of the task list's paging: page numbers out of range in the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import explorer
from core.repository import Repository
from tests.dashboard.demo_db import AS_OF
from tests.signin import sign_in_app

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TASKS = "views/nhiem_vu.py"


def open_tasks(**params: str) -> AppTest:
    """Open the task page from a link carrying `params` (first visit, then the page itself).

    The timeout is well above one run of the page: a run that reruns itself forever fails.
    """
    at = sign_in_app(AppTest.from_file(APP, default_timeout=60))
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(TASKS)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_page(at: AppTest) -> str:
    """The "trang x/y" of the list's heading."""
    heading = next(m.value for m in at.markdown if "nhiệm vụ**" in m.value)
    return heading.rsplit("trang ", 1)[1].split()[0]


def test_a_page_past_the_end_shows_the_last_page(demo_env: Repository) -> None:
    last = explorer.search_tasks(demo_env, explorer.TaskSearch(as_of=AS_OF)).pages
    assert 1 < last < 400
    expected = explorer.search_tasks(demo_env, explorer.TaskSearch(as_of=AS_OF, page=last))
    at = open_tasks(ngay=AS_OF.isoformat(), trang="400")
    assert shown_page(at) == f"{last}/{last}"
    assert list(at.dataframe[0].value["Nội dung nhiệm vụ"]) == [r["content"] for r in expected.rows]
    assert at.query_params["trang"] == str(last)
    at.run()  # the next run keeps the last page (the URL now says it)
    assert not at.exception
    assert shown_page(at) == f"{last}/{last}"
    assert at.query_params["trang"] == str(last)


@pytest.mark.parametrize("raw", ["0", "-3", "abc", "2.5", "9" * 40])
def test_a_page_number_that_is_not_a_page_shows_a_page(demo_env: Repository, raw: str) -> None:
    at = open_tasks(ngay=AS_OF.isoformat(), trang=raw)
    last = explorer.search_tasks(demo_env, explorer.TaskSearch(as_of=AS_OF)).pages
    page = last if raw == "9" * 40 else 1
    assert shown_page(at) == f"{page}/{last}"
    assert at.query_params.get("trang") == (str(page) if page > 1 else None)
