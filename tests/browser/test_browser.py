"""The dashboard in Chromium: every page, a drill-down, a pasted link, meeting mode."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import choose, title, wait_done
from tests.dashboard.demo_db import AS_OF
from tests.signin import sign_in_browser

pytestmark = pytest.mark.browser

DAY = f"ngay={AS_OF.isoformat()}"
PAGES = {
    "": "Tổng quan",
    "don-vi": "Đơn vị",
    "nhiem-vu": "Nhiệm vụ",
    "van-ban": "Văn bản chỉ đạo, điều hành",
    "lanh-dao": "Lãnh đạo UBND tỉnh",
    "chat-luong-cap-nhat": "Chất lượng cập nhật",
    "bao-cao": "Báo cáo",
}
ENGLISH_LEFTOVERS = re.compile(r"\b(Error|Traceback|None|NaN|null|undefined)\b")


def shot(page: Any, artifacts_dir: Path, name: str) -> None:
    """Screenshot of the whole page (Streamlit scrolls inside its own container: grow the window)."""
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], section')]"
        ".map(e => e.scrollHeight), 1000)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 6000)})
    wait_done(page, quiet=0.8)
    page.screenshot(path=str(artifacts_dir / f"dashboard-{name}.png"), full_page=True)
    page.set_viewport_size(size)


def main_text(page: Any) -> str:
    return str(page.locator('[data-testid="stMain"]').inner_text())


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens(page: Any, app_url: str, artifacts_dir: Path, path: str) -> None:
    page.goto(f"{app_url}/{path}?{DAY}")
    wait_done(page)
    assert title(page) == PAGES[path]
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not ENGLISH_LEFTOVERS.search(main_text(page))
    assert page.get_by_text("Page not found").count() == 0
    shot(page, artifacts_dir, path or "tong-quan")


def test_drill_from_overview_to_unit_to_task(page: Any, app_url: str, artifacts_dir: Path) -> None:
    page.goto(f"{app_url}/?{DAY}")
    wait_done(page)
    choose(page, "Mở trang đơn vị", "Sở Y tế")
    wait_done(page)
    assert title(page) == "Sở Y tế"
    assert "donvi=SYT" in page.url
    shot(page, artifacts_dir, "don-vi-so-y-te")
    link = page.locator("a[data-cddh-page]").filter(has_text="Quá hạn").first
    label = link.inner_text()
    # A Ctrl+click opens the task in a new tab, as any link does.
    with page.context.expect_page() as opened:
        link.click(modifiers=["Control"])
    tab = opened.value
    wait_done(tab)
    assert title(tab) == "Nhiệm vụ" and "nhiemvu=" in tab.url
    tab.close()
    assert title(page) == "Sở Y tế"
    # Behind a proxy's prefix, at a tab without its trailing slash (`/cddh`), the anchor's
    # relative address would lead to the host's root: pressed (or focused, or its menu opened)
    # it is set under the server's first.
    moved = page.evaluate(
        """(a) => {
          const press = () => a.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}));
          const base = window.__streamlit.BACKEND_BASE_URL;
          window.__streamlit.BACKEND_BASE_URL = location.origin + '/cddh';
          press();
          const behind = a.href;
          window.__streamlit.BACKEND_BASE_URL = base;
          press();
          return [behind, a.href];
        }""",
        link.element_handle(),
    )
    assert moved[0].startswith(f"{app_url}/cddh/nhiem-vu?") and "nhiemvu=" in moved[0], moved
    assert moved[1].startswith(f"{app_url}/nhiem-vu?") and "nhiemvu=" in moved[1], moved
    # A plain click stays in this tab and in its session (the page is not loaded again) ...
    page.evaluate("window.cddhSameSession = true")
    link.click()
    wait_done(page)
    assert "nhiemvu=" in page.url
    assert title(page) == "Nhiệm vụ"
    assert label.split(" — ", 1)[1][:40] in main_text(page)
    assert "Văn bản giao nhiệm vụ" in main_text(page)
    assert page.evaluate("window.cddhSameSession") is True
    shot(page, artifacts_dir, "nhiem-vu-chi-tiet")
    # ... and the browser's Back returns to the unit's page, still in it.
    page.go_back()
    wait_done(page)
    assert title(page) == "Sở Y tế" and "donvi=SYT" in page.url
    assert page.evaluate("window.cddhSameSession") is True


def test_pasted_link_reopens_the_view_and_filters_survive_navigation(
    page: Any, app_url: str, artifacts_dir: Path
) -> None:
    page.goto(f"{app_url}/don-vi?ngay=2026-09-30&ky=quarter&kybc=2026-Q3&trongtam=1&donvi=SYT")
    wait_done(page)
    assert title(page) == "Sở Y tế"
    text = main_text(page)
    assert "30/09/2026" in text and "Quý III/2026" in text and "chỉ nhiệm vụ trọng tâm" in text
    shot(page, artifacts_dir, "lien-ket-don-vi")
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Nhiệm vụ").first.click()
    wait_done(page)
    assert title(page) == "Nhiệm vụ"
    assert "chỉ nhiệm vụ trọng tâm" in main_text(page)
    # The task list is not cut by the period, but the sidebar keeps it for the next page.
    assert "Từ 15/06/2026 đến 14/09/2026" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert "kybc=2026-Q3" in page.url and "donvi" not in page.url


def test_search_without_diacritics(page: Any, app_url: str, artifacts_dir: Path) -> None:
    page.goto(f"{app_url}/nhiem-vu?{DAY}&tim=so+y+te")
    wait_done(page)
    summary = page.get_by_text(re.compile(r"^\d[\d.]* nhiệm vụ$")).first.inner_text()
    assert int(summary.split()[0].replace(".", "")) > 0
    shot(page, artifacts_dir, "nhiem-vu-tim-kiem")


def test_meeting_mode(page: Any, app_url: str, artifacts_dir: Path) -> None:
    page.goto(f"{app_url}/don-vi?{DAY}&donvi=SYT")
    wait_done(page)
    page.get_by_text("Chế độ trình chiếu (họp)").click()
    wait_done(page)
    assert "hop=1" in page.url
    assert title(page) == "Sở Y tế"
    assert (
        page.locator('[data-testid="stSidebar"]').count() == 0
        or not page.locator('[data-testid="stSidebar"]').is_visible()
    )
    shot(page, artifacts_dir, "che-do-hop")
    page.get_by_role("button", name="Thoát chế độ họp").click()
    wait_done(page)
    assert title(page) == "Sở Y tế"
    assert "hop=1" not in page.url
    assert page.locator('[data-testid="stSidebar"]').is_visible()


def test_a_fresh_servers_first_session_opens_a_deep_link(
    browser_context: Any, browser_repo: Any, mongod: dict[str, Any], artifacts_dir: Path
) -> None:
    """A server of its own, whose very first session is a link to a unit's page: the page
    opens, with no English "Page not found" (Streamlit's folder-based page mode never starts,
    because the pages are declared by st.navigation and live in views/, not pages/)."""
    from tests.browser.conftest import start_app, stop_app

    log_path = artifacts_dir / "streamlit-fresh.log"
    env = {"MONGODB_URI": mongod["uri"], "MONGODB_DB": browser_repo.db.name}
    proc, url = start_app(env, log_path)
    sign_in_browser(browser_context, url, browser_repo)
    tab = browser_context.new_page()
    try:
        tab.goto(f"{url}/don-vi?{DAY}&donvi=SYT")
        wait_done(tab)
        assert title(tab) == "Sở Y tế"
        assert tab.get_by_text("Page not found").count() == 0
        assert tab.locator('[data-testid="stException"]').count() == 0
    finally:
        tab.close()
        stop_app(proc, log_path)


def test_a_deep_link_connects_to_the_server_at_the_first_try(
    browser_context: Any, app_url: str, browser_repo: Any
) -> None:
    """A new tab on a page's address asks the server's health at the server's root at once,
    never first under the page's own name (a 404 and a wait, dashboard/page_head.py)."""
    from dashboard.navigation import PAGES as ALL_PAGES
    from dashboard.page_head import server_address

    sign_in_browser(browser_context, app_url, browser_repo)
    tab = browser_context.new_page()
    asked: list[str] = []
    tab.on("request", lambda r: asked.append(r.url) if "_stcore/" in r.url else None)
    try:
        tab.goto(f"{app_url}/nhiem-vu?{DAY}")
        wait_done(tab)
        assert title(tab) == "Nhiệm vụ"
        health = [u for u in asked if u.endswith("_stcore/health")]
        assert health and all(u == f"{app_url}/_stcore/health" for u in health), asked
        assert not any("/nhiem-vu/_stcore/" in u for u in asked), asked
        assert tab.evaluate("() => window.__streamlit.BACKEND_BASE_URL") == f"{app_url}/"
        # Behind a proxy serving the app under a prefix, the prefix is kept.
        address = server_address(address for *_rest, address in ALL_PAGES)
        for path, expected in [
            ("/cddh/don-vi", "https://tinh.gov.vn/cddh/"),
            ("/cddh/don-vi/", "https://tinh.gov.vn/cddh/"),
            ("/cddh", "https://tinh.gov.vn/cddh"),
            ("/", "https://tinh.gov.vn"),
            ("/bao-cao", "https://tinh.gov.vn/"),
        ]:
            got = tab.evaluate(
                f"() => ({address})({{pathname: {path!r}, origin: 'https://tinh.gov.vn'}})"
            )
            assert got == expected, (path, got)
    finally:
        tab.close()


def test_a_table_s_code_is_loaded_while_the_page_is_idle(
    browser_context: Any, app_url: str, browser_repo: Any
) -> None:
    """A new tab on the overview (no table) loads the table's code once it has been idle a
    while, so that the first click to a page with a table does not wait for it
    (dashboard/page_head.py); the table is then drawn from that code."""
    from dashboard.page_head import element_files

    table_file = next(f for f in element_files() if f.startswith("DataFrame."))
    sign_in_browser(browser_context, app_url, browser_repo)
    tab = browser_context.new_page()
    asked: list[str] = []
    tab.on("request", lambda r: asked.append(r.url))
    failed: list[str] = []
    tab.on("requestfailed", lambda r: failed.append(r.url))
    try:
        tab.goto(f"{app_url}/?{DAY}")
        wait_done(tab)
        assert title(tab) == "Tổng quan"
        deadline = time.monotonic() + 60
        while not any(u.endswith(table_file) for u in asked) and time.monotonic() < deadline:
            tab.wait_for_timeout(200)
        assert f"{app_url}/static/js/{table_file}" in asked, "the table's code was not loaded"
        tab.wait_for_timeout(500)
        before = len(asked)
        tab.locator('[data-testid="stSidebarNav"] a').filter(has_text="Đơn vị").first.click()
        wait_done(tab)
        assert title(tab) == "Đơn vị"
        assert tab.locator('[data-testid="stDataFrame"]').count() >= 1
        assert not any(u.endswith(table_file) for u in asked[before:])
        assert not failed, failed
        assert asked.count(f"{app_url}/static/js/{table_file}") == 1
    finally:
        tab.close()


def test_table_downloads_are_written_on_click(
    page: Any, app_url: str, browser_repo: Any, tmp_path: Path
) -> None:
    # The Excel and CSV files of a table are made when a button is pressed (not at every
    # render): the files arrive whole, and each download is in the access log.
    import openpyxl

    page.goto(f"{app_url}/don-vi?ngay={AS_OF.isoformat()}")
    wait_done(page)
    before = browser_repo.db.access_log.count_documents({"event": "export"})
    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name="Tải Excel (.xlsx)").first.click()
    path = tmp_path / got.value.suggested_filename
    got.value.save_as(path)
    assert path.name == "xep-hang-don-vi.xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "Đơn vị" in header and sheet.max_row > 20
    # The second press follows at once, as a hurried person's would: a press does not rerun the
    # page, so it cannot make the other button's file id stale (it did when a press reran it).
    with page.expect_download(timeout=60_000) as got_csv:
        page.get_by_role("button", name="Tải CSV").first.click()
    text = Path(got_csv.value.path()).read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith(",".join(header[:2]))
    assert len(text.splitlines()) == sheet.max_row
    assert page.locator('[data-testid="stDownloadButtonError"]').count() == 0
    # The log is written by the server as it makes the file: give a loaded machine a moment.
    deadline = time.monotonic() + 15
    while (
        browser_repo.db.access_log.count_documents({"event": "export"}) < before + 2
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert browser_repo.db.access_log.count_documents({"event": "export"}) == before + 2
    logged = browser_repo.db.access_log.find({"event": "export"}).sort("_id", -1).limit(2)
    assert {e["detail"]["file"] for e in logged} == {
        "xep-hang-don-vi.xlsx",
        "xep-hang-don-vi.csv",
    }
