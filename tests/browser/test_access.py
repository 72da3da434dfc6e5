"""Trying to get in, in Chromium: the login page, each role's navigation, pages refused by
direct and copied links, what a unit officer's lists show, reload and new tab, logout and the
back button, expired, tampered and replayed sessions, a disabled account."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core import explorer, repository
from core.access import accounts, sessions
from core.access.roles import ROLES
from core.access.scopes import scope_for
from core.dates import now_utc
from core.scope import Scope
from dashboard.navigation import PAGES
from tests.browser.helpers import title, wait_done
from tests.dashboard.demo_db import AS_OF
from tests.signin import COOKIE, account, password_of, token

DAY = f"ngay={AS_OF.isoformat()}"
LOGIN_FORM = "#username"


def fresh(context: Any) -> Any:
    """A tab of a browser that holds no session."""
    context.clear_cookies()
    return context.new_page()


def log_in(tab: Any, url: str, username: str, password: str, path: str = "/") -> None:
    tab.goto(f"{url}{path}")
    tab.wait_for_selector(LOGIN_FORM)
    tab.fill("#username", username)
    tab.fill("#password", password)
    tab.click("button[type=submit]")


def nav_titles(tab: Any) -> list[str]:
    """The navigation's page titles, without the count a work queue shows («Việc của đơn vị
    (12)»)."""
    links = tab.locator('[data-testid="stSidebarNav"] a')
    titles = [str(links.nth(i).inner_text()).strip() for i in range(links.count())]
    return [re.sub(r" \(\d+\)$", "", t) for t in titles]


def main_text(tab: Any) -> str:
    return str(tab.locator('[data-testid="stMain"]').inner_text())


def test_login_page_refuses_the_same_way_then_lets_in(
    browser_context: Any, app_url: str, browser_repo: repository.Repository, artifacts_dir: Path
) -> None:
    username = account(browser_repo, "office_chief")
    tab = fresh(browser_context)
    try:
        tab.goto(f"{app_url}/don-vi?{DAY}")
        tab.wait_for_selector(LOGIN_FORM)
        assert "/dang-nhap" in tab.url and "next=" in tab.url
        tab.screenshot(path=str(artifacts_dir / "login.png"))
        shown = []
        for name, password in ((username, "sai-mat-khau-9"), ("khong.co.ai", "sai-mat-khau-9")):
            tab.fill("#username", name)
            tab.fill("#password", password)
            tab.click("button[type=submit]")
            tab.wait_for_selector('[role="alert"]')
            shown.append(tab.locator('[role="alert"]').inner_text())
        assert shown[0] == shown[1] == sessions.WRONG
        tab.fill("#username", username)
        tab.fill("#password", password_of("office_chief"))
        tab.click("button[type=submit]")
        wait_done(tab)
        assert title(tab) == "Đơn vị"  # back where the link pointed
        cookie = next(c for c in browser_context.cookies() if c["name"] == COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert tab.evaluate("document.cookie").find(COOKIE) == -1  # scripts cannot read it
    finally:
        tab.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_its_pages_and_is_refused_the_others(
    browser_context: Any, app_url: str, browser_repo: repository.Repository, role: str
) -> None:
    rule = ROLES[role]
    tab = fresh(browser_context)
    try:
        log_in(tab, app_url, account(browser_repo, role), password_of(role), f"/?{DAY}")
        wait_done(tab)
        assert tab.locator('[data-testid="stException"]').count() == 0
        expected = [t for feature, _s, t, _p in PAGES if feature in rule.features]
        assert nav_titles(tab) == expected
        for feature, _script, page_title, path in PAGES:
            if feature in rule.features:
                continue
            tab.goto(f"{app_url}/{path}?{DAY}")  # a direct or copied link
            wait_done(tab)
            text = main_text(tab)
            assert f"không được mở trang «{page_title}»" in text, (role, path)
            assert tab.locator('[data-testid="stException"]').count() == 0
        if not rule.content:  # figures only: no link to a task anywhere on its pages
            tab.goto(f"{app_url}/?{DAY}")
            wait_done(tab)
            assert tab.locator('a[href*="nhiemvu="]').count() == 0
            assert "không có quyền" not in main_text(tab)
    finally:
        tab.close()


def test_unit_officer_never_sees_another_units_task(
    browser_context: Any, app_url: str, browser_repo: repository.Repository, artifacts_dir: Path
) -> None:
    username = account(browser_repo, "unit_officer")
    actor = accounts.actor_of(browser_repo.user(username) or {})
    scope = scope_for(actor, browser_repo.units(), AS_OF)
    mine = browser_repo.acting_as(actor, scope)
    assert scope.units is not None
    foreign = browser_repo.find_tasks(
        {
            "lead_unit": {"$nin": sorted(scope.units)},
            "coord_units": {"$nin": sorted(scope.units)},
        },
        Scope.everything(),
        limit=1,
    )[0]
    tab = fresh(browser_context)
    try:
        log_in(tab, app_url, username, password_of("unit_officer"), f"/?{DAY}")
        wait_done(tab)
        # a link copied from the Chairman's screen: the task is not shown
        tab.goto(f"{app_url}/nhiem-vu?{DAY}&nhiemvu={foreign['_id']}")
        wait_done(tab)
        assert foreign["content"][:40] not in main_text(tab)
        tab.screenshot(path=str(artifacts_dir / "unit-officer-foreign-task.png"))
        # searching another unit's name or an operator-looking string stays within his scope
        for text in ["Sở Y tế", '{"$ne": null}', ".*"]:
            tab.goto(f"{app_url}/nhiem-vu?{DAY}&tim={text}")
            wait_done(tab)
            assert foreign["content"][:40] not in main_text(tab)
        # the list's total is his tasks' count, not the province's
        tab.goto(f"{app_url}/nhiem-vu?{DAY}")
        wait_done(tab)
        total = explorer.search_tasks(mine, explorer.TaskSearch(as_of=AS_OF)).total
        province = explorer.search_tasks(browser_repo, explorer.TaskSearch(as_of=AS_OF)).total
        assert 0 < total < province
        text = main_text(tab)
        assert f"{total:,}".replace(",", ".") in text
        assert f"{province:,}".replace(",", ".") not in text
    finally:
        tab.close()


def test_session_survives_reload_and_new_tab_and_ends_at_logout(
    browser_context: Any, app_url: str, browser_repo: repository.Repository
) -> None:
    tab = fresh(browser_context)
    other = None
    try:
        log_in(tab, app_url, account(browser_repo, "chairman"), password_of("chairman"), f"/?{DAY}")
        wait_done(tab)
        tab.reload()
        wait_done(tab)
        assert title(tab) == "Tổng quan"
        other = browser_context.new_page()
        other.goto(f"{app_url}/don-vi?{DAY}")
        wait_done(other)
        assert title(other) == "Đơn vị"
        old = next(c for c in browser_context.cookies() if c["name"] == COOKIE)
        tab.locator('[data-testid="stSidebar"] a', has_text="Đăng xuất").click()
        tab.wait_for_selector(LOGIN_FORM)
        assert "Đã đăng xuất" in tab.locator('[role="alert"]').inner_text()
        tab.go_back()  # the back button after logout: the login page, not the dashboard
        tab.locator(LOGIN_FORM).or_(tab.get_by_text("Vui lòng đăng nhập")).first.wait_for()
        assert tab.locator('[data-testid="stSidebarNav"]').count() == 0
        # the old cookie replayed is worthless: the session ended on the server
        browser_context.add_cookies([old])
        other.goto(f"{app_url}/?{DAY}")
        other.wait_for_selector(LOGIN_FORM)
    finally:
        tab.close()
        if other is not None:
            other.close()


def test_expired_tampered_and_disabled_sessions_go_back_to_login(
    browser_context: Any, app_url: str, browser_repo: repository.Repository
) -> None:
    tab = fresh(browser_context)
    try:
        # tampered
        browser_context.add_cookies([{"name": COOKIE, "value": "gia-mao-123", "url": app_url}])
        tab.goto(f"{app_url}/?{DAY}")
        tab.wait_for_selector(LOGIN_FORM)
        # expired by inactivity
        given = token(browser_repo, "vice_chairman")
        browser_context.add_cookies([{"name": COOKIE, "value": given, "url": app_url}])
        tab.goto(f"{app_url}/?{DAY}")
        wait_done(tab)
        browser_repo.db.sessions.update_one(
            {"_id": sessions.session_id(given)},
            {"$set": {"expires_at": now_utc() - timedelta(seconds=1)}},
        )
        tab.goto(f"{app_url}/?{DAY}")
        tab.wait_for_selector(LOGIN_FORM)
        assert "hết hạn" in tab.locator('[role="alert"]').inner_text()
        # a disabled account is out at the next page load
        name = account(browser_repo, "viewer")
        browser_context.add_cookies(
            [{"name": COOKIE, "value": token(browser_repo, "viewer"), "url": app_url}]
        )
        tab.goto(f"{app_url}/?{DAY}")
        wait_done(tab)
        accounts.set_active(browser_repo, name, False, "tests")
        try:
            tab.goto(f"{app_url}/?{DAY}")
            tab.wait_for_selector(LOGIN_FORM)
            tab.fill("#username", name)
            tab.fill("#password", password_of("viewer"))
            tab.click("button[type=submit]")
            tab.wait_for_selector('[role="alert"]')
            assert "vô hiệu hóa" in tab.locator('[role="alert"]').inner_text()
        finally:
            accounts.set_active(browser_repo, name, True, "tests")
    finally:
        tab.close()


def test_a_post_from_another_site_cannot_log_in(
    app_url: str, browser_repo: repository.Repository
) -> None:
    import urllib.error
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode(
        {"username": account(browser_repo, "office_chief"), "password": password_of("office_chief")}
    ).encode()
    request = urllib.request.Request(
        f"{app_url}/dang-nhap", data=body, headers={"Origin": "https://evil.example"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403
