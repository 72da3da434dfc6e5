"""One path of the workflow in Chromium against a real server: a unit reports a task
completed, the Office confirms it with the assessment, and the overview's figure moves at once
(«Chưa hoàn thành, trong hạn» 1 → 0); the navigation shows the queues' counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core import repository
from core.access import accounts, sessions
from core.access.scopes import scope_for
from core.dates import today_local
from core.model import Unit, validate
from core.scope import Scope
from core.workflow import DocumentForm, TaskForm, enter_document
from tests.browser.conftest import require_chromium, start_app, stop_app
from tests.browser.helpers import wait_done
from tests.integration.orgdata import load_org
from tests.signin import COOKIE

PASSWORD = "Mat-khau-quy-trinh-1"
TODAY = today_local()
TASK = f"{TODAY.year}-21/QĐ-UBND#1"


@pytest.fixture(scope="module")
def wf_server(mongod: dict[str, Any], artifacts_dir: Path) -> Iterator[tuple[str, Any]]:
    """A small province with one open task of the Department of Health, three accounts, and
    the dashboard serving it."""
    require_chromium()
    repo = repository.connect(mongod["uri"], "browser_workflow")
    repo.drop_all()
    repo.ensure_schema()
    load_org(repo)
    repo.save_units(
        [validate(Unit, {"code": "P-KT", "name": "Phòng Kinh tế", "kind": "office_room",
                         "parent": "VP"})],
        actor="test",
    )  # fmt: skip
    for username, role, unit, rooms in (
        ("chanhvp", "office_chief", None, ()),
        ("chuyenvien", "office_specialist", None, ("P-TH",)),
        ("syt", "unit_officer", "SYT", ()),
    ):
        accounts.add_user(
            repo, username=username, display_name=f"Người dùng {username}", role=role,
            actor="test", unit=unit, password=PASSWORD, tracking_rooms=rooms,
        )  # fmt: skip
        repo.db.users.update_one({"_id": username}, {"$set": {"must_change_password": False}})
    actor = accounts.actor_of(repo.user("chuyenvien") or {})
    enter_document(
        repo.acting_as(actor, scope_for(actor, repo.units(), TODAY)),
        DocumentForm("QD", "21/QĐ-UBND", "Về việc tiêm chủng mở rộng", TODAY, "PCT2", "SYT"),
        [TaskForm("Tổ chức tiêm chủng mở rộng cho trẻ em", "SYT", [], "P-TH",
                  deadline=TODAY + timedelta(days=30))],
        today=TODAY,
    )  # fmt: skip
    log_path = artifacts_dir / "streamlit-workflow.log"
    proc, url = start_app(
        {"MONGODB_URI": mongod["uri"], "MONGODB_DB": "browser_workflow"}, log_path
    )
    try:
        yield url, repo
    finally:
        stop_app(proc, log_path)
        repo.db.client.drop_database("browser_workflow")


def tab_as(context: Any, url: str, repo: repository.Repository, username: str) -> Any:
    """A tab signed in as this user (his session cookie only)."""
    context.clear_cookies()
    token = sessions.login(repo, username, PASSWORD, "127.0.0.1").token
    context.add_cookies([{"name": COOKIE, "value": token, "url": url}])
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    return tab


def card(tab: Any, label: str) -> str:
    metric = tab.locator(".cddh-card").filter(has_text=label).first
    return str(metric.locator(".cddh-card-value").inner_text()).strip()


def nav_titles(tab: Any) -> list[str]:
    links = tab.locator('[data-testid="stSidebarNav"] a')
    return [str(links.nth(i).inner_text()).strip() for i in range(links.count())]


def fill(tab: Any, testid: str, label: str, text: str) -> None:
    box = tab.locator(f'[data-testid="{testid}"]').filter(has_text=label).first
    field = box.locator("textarea, input").first
    field.fill(text)
    field.press("Tab")


def test_unit_reports_office_confirms_overview_moves(
    wf_server: tuple[str, repository.Repository], browser_context: Any, artifacts_dir: Path
) -> None:
    url, repo = wf_server
    chromium = browser_context  # the session's Chromium (one Playwright per process)
    chief = tab_as(chromium, url, repo, "chanhvp")
    chief.goto(f"{url}/")
    wait_done(chief)
    assert card(chief, "Chưa hoàn thành, trong hạn") == "1"
    chief.close()

    unit = tab_as(chromium, url, repo, "syt")
    unit.goto(f"{url}/viec-don-vi")
    wait_done(unit)
    assert "Việc của đơn vị (1)" in nav_titles(unit)
    box = unit.locator('[data-testid="stSelectbox"]').filter(has_text="Chọn nhiệm vụ").first
    box.locator("input").click()
    unit.locator('[role="option"]').filter(has_text="Tổ chức tiêm chủng").first.click()
    wait_done(unit)
    unit.get_by_text("Báo cáo hoàn thành", exact=True).first.click()
    fill(unit, "stTextArea", "Kết quả thực hiện", "Đã tiêm cho 98% trẻ em trong tỉnh")
    fill(unit, "stTextInput", "Số văn bản báo cáo", "215/BC-SYT")
    unit.get_by_role("button", name="Gửi báo cáo hoàn thành").click()
    wait_done(unit)
    unit.get_by_text("Đã báo cáo hoàn thành; nhiệm vụ chờ Văn phòng xác nhận.").wait_for()
    unit.screenshot(path=str(artifacts_dir / "workflow-unit-reported.png"))
    unit.close()
    stored = repo.task(TASK, Scope.everything())
    assert stored is not None and stored["completion_reports"][0]["status"] == "pending"

    office = tab_as(chromium, url, repo, "chuyenvien")
    office.goto(f"{url}/viec-van-phong")
    wait_done(office)
    assert "Việc của Văn phòng (1)" in nav_titles(office)
    office.locator('[data-testid="stButtonGroup"] button').filter(
        has_text=re.compile(r"Chờ xác nhận hoàn thành \(1\)")
    ).click()
    wait_done(office)
    fill(office, "stTextArea", "Hiệu quả", "Tỷ lệ tiêm chủng đạt chỉ tiêu của tỉnh")
    office.get_by_role("button", name="Xác nhận hoàn thành").click()
    wait_done(office)
    office.get_by_text("Đã xác nhận hoàn thành.").wait_for()
    assert "Việc của Văn phòng" in nav_titles(office)  # nothing waits any more: no count
    office.screenshot(path=str(artifacts_dir / "workflow-office-confirmed.png"))
    # the overview, opened right after, has moved
    office.goto(f"{url}/")
    wait_done(office)
    assert card(office, "Chưa hoàn thành, trong hạn") == "0"
    office.screenshot(path=str(artifacts_dir / "workflow-overview-after.png"))
    office.close()
    stored = repo.task(TASK, Scope.everything())
    assert stored is not None and stored["completed_date"] is not None
    assert stored["quality"] == "meets" and stored["confirmed_by"] == "Người dùng chuyenvien"
