"""Benchmark: the dashboard in Chromium against a large demo database (docs/performance.md).

Run by hand, not part of `make test`:
    .venv/bin/python benchmarks/bench_dashboard.py --uri <uri of a `cddh demo --tasks N` database>
        [--db cddh] [--readmodel 1|0] [--repeat 2]

Starts the dashboard (`python -m dashboard.serve`) on that database, signs a Chromium tab in as
the Office Chief (a test account is added to the database), opens the overview, waits until the
read model is warm (its snapshot begun) and the server has settled (its snapshot written, the
documents' model loaded: under 5 % of a core over two seconds), then times, from the user's
action to the end of drawing: the page looks finished (no "Running…" status, nothing stale,
every visible chart drawn by Vega, for 0.5 s, the quiet time not counted) after a run of the
page that began after the action has ended (Streamlit's run state on the page's own clock,
seen by a MutationObserver installed in every document: a short run can begin and end
between two polls, which alone then measured a few hundredths of a second):

- clicks in one tab, each a question not asked before (nothing cached): period kind → quarter,
  → year (the yearly view: 12 years and the unit × year heatmap), the Đơn vị page from the
  navigation, one unit's page by choosing it, its longest-overdue task (the drill-down) and the
  browser's Back to the unit's page, the Nhiệm vụ page from the navigation, the status
  filter «Quá hạn», a text search typed in the search box; then every other page of the
  navigation in turn (Văn bản and a search of its documents, Lãnh đạo, …, Tài khoản, back to
  Tổng quan);
- new tabs (a new page load and websocket) on a unit's page, the status-filtered list and a
  search.

Each round uses another as-of day, so no figure is served from a cache. The server's memory
after the rounds (resident and peak, from /proc) is recorded too. Nothing is asserted; the
figures are printed and appended to test-artifacts/dashboard-speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import repository  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402
from tests.browser.helpers import open_choices, title, wait_done  # noqa: E402
from tests.signin import sign_in_browser  # noqa: E402

DAYS = ["2026-11-20", "2026-11-19", "2026-11-18", "2026-11-17", "2026-11-16", "2026-11-13"]
UNITS = [("SYT", "Sở Y tế"), ("SXD", "Sở Xây dựng"), ("SGDDT", "Sở Giáo dục và Đào tạo")]
SEARCHES = ["so y te", "phong chong", "xay dung", "nong thon"]


# Installed in every document before its own scripts: the page's clock when Streamlit's run
# state (the `data-test-script-state` of stApp) last became «running» and last left it.
RUN_STATE_SCRIPT = """(() => {
  window.__cddhRunStart = -1; window.__cddhRunEnd = -1;
  new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const running = r.target.getAttribute('data-test-script-state') === 'running';
      if (running && window.__cddhRunStart <= window.__cddhRunEnd) window.__cddhRunStart = now;
      if (!running && window.__cddhRunStart > window.__cddhRunEnd) window.__cddhRunEnd = now;
    }
  }).observe(document, {subtree: true, attributes: true,
                        attributeFilter: ['data-test-script-state']});
})();"""
_RUN = "() => [window.__cddhRunStart, window.__cddhRunEnd]"


def timed(page: Any, action: Callable[[], Any], new_document: bool = False) -> float:
    """Seconds from the action to the end of drawing (module docstring). `new_document`: the
    action loads a new document, whose clock starts with its navigation."""
    origin = 0.0 if new_document else float(page.evaluate("() => performance.now()"))
    start = time.monotonic()
    action()
    deadline = start + 180
    while True:
        done = wait_done(page, timeout=180) - start
        run_start, run_end = page.evaluate(_RUN)
        if origin <= run_start < run_end:  # a run began after the action, and it has ended
            return round(max(done, (run_end - origin) / 1000), 3)
        if time.monotonic() > deadline:
            raise TimeoutError("no run of the page followed the action")
        time.sleep(0.03)


def server_memory_mb(pid: int) -> dict[str, float]:
    """The server process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out["server_rss_mb" if name == "VmRSS" else "server_peak_rss_mb"] = round(
                int(value.split()[0]) / 1024
            )
    return out


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user and system, /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_settled(pid: int, timeout: float = 600.0, window: float = 2.0) -> None:
    """Block until the process uses under 5 % of a core over `window` seconds: what it does
    after start (writing the read model's snapshot, loading the documents' model) is over."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < 0.05 * window:
            return


def nav_click(page: Any, label: str) -> Callable[[], Any]:
    """Click the navigation's page `label` (its title, or the title with a count: «(3)»)."""
    title = re.compile("^" + re.escape(label) + r"( \(\d+\))?$")
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first
    return lambda: link.click()


# Every other page of the Office Chief, reached from the navigation (key → title).
OTHER_PAGES = {
    "documents": "Văn bản",
    "leaders": "Lãnh đạo",
    "discipline": "Chất lượng cập nhật",
    "briefing": "Báo cáo",
    "office_work": "Việc của Văn phòng",
    "entry": "Nhập văn bản",
    "import": "Nhập tệp",
    "users": "Người dùng",
    "access_log": "Nhật ký truy cập",
    "account": "Tài khoản",
    "overview": "Tổng quan",
}


def search_box(page: Any, text: str) -> Callable[[], Any]:
    box = page.locator('[data-testid="stTextInput"] input').first
    box.fill(text)
    return lambda: box.press("Enter")


def status_filter(page: Any, option: str) -> Callable[[], Any]:
    box = page.locator('[data-testid="stMultiSelect"]').first
    box.locator("input").click()
    page.keyboard.type(option)
    page.locator('[role="option"]').filter(has_text=option).first.wait_for()
    return lambda: page.keyboard.press("Enter")


def round_of(page: Any, context: Any, url: str, day: str, i: int) -> dict[str, float]:
    """One round of clicks and new tabs as of `day` (all uncached)."""
    code, name = UNITS[i % len(UNITS)]
    text = SEARCHES[i % len(SEARCHES)]
    out: dict[str, float] = {}
    page.goto(f"{url}/?ngay={day}")
    wait_done(page, timeout=180)
    out["click_period_quarter"] = timed(page, open_choices(page, "Loại kỳ báo cáo", "Quý"))
    out["click_period_year"] = timed(page, open_choices(page, "Loại kỳ báo cáo", "Năm"))
    out["click_units_page"] = timed(page, nav_click(page, "Đơn vị"))
    out["click_unit_page"] = timed(page, open_choices(page, "Xem chi tiết đơn vị", name))
    late = page.locator("a[data-cddh-page]").filter(has_text="Quá hạn").first
    out["click_late_task"] = timed(page, late.click)  # the drill-down to one late task
    assert title(page) == "Nhiệm vụ" and "nhiemvu=" in page.url, page.url
    out["back_to_unit_page"] = timed(page, page.go_back)
    assert title(page) == name, title(page)
    out["click_tasks_page"] = timed(page, nav_click(page, "Nhiệm vụ"))
    assert title(page) == "Nhiệm vụ", title(page)
    out["click_status_overdue"] = timed(page, status_filter(page, "Quá hạn"))
    out["click_search"] = timed(page, search_box(page, text))
    for key, label in OTHER_PAGES.items():
        out[f"click_{key}_page"] = timed(page, nav_click(page, label))
        assert title(page), label
        if key == "documents":  # a search of every document's number and abstract
            out["click_documents_search"] = timed(page, search_box(page, text))
    tab = context.new_page()
    tab.set_default_timeout(180_000)
    try:
        out["new_tab_unit_page"] = timed(
            tab, lambda: tab.goto(f"{url}/don-vi?ngay={day}&donvi={code}"), True
        )
        out["new_tab_status_list"] = timed(
            tab, lambda: tab.goto(f"{url}/nhiem-vu?ngay={day}&trangthai=open_overdue"), True
        )
        out["new_tab_search"] = timed(
            tab, lambda: tab.goto(f"{url}/nhiem-vu?ngay={day}&tim={text.replace(' ', '+')}"), True
        )
    finally:
        tab.close()
    return out


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uri", required=True)
    parser.add_argument("--db", default="cddh")
    parser.add_argument("--readmodel", default="1")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    repo = repository.connect(args.uri, args.db)
    tasks = repo.db.tasks.estimated_document_count()
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    snapshots = Path(tempfile.mkdtemp(prefix="cddh-bench-rm-"))
    env = {
        "MONGODB_URI": args.uri,
        "MONGODB_DB": args.db,
        "CDDH_READMODEL": args.readmodel,
        "CDDH_READMODEL_DIR": str(snapshots),
    }
    log_path = artifacts / "streamlit-speed.log"
    started = time.monotonic()
    proc, url = start_app(env, log_path)
    figures: dict[str, Any] = {
        "tasks": tasks,
        "readmodel": args.readmodel,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "load_before": os.getloadavg(),
    }
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_init_script(RUN_STATE_SCRIPT)
            sign_in_browser(context, url, repo)
            page = context.new_page()
            page.set_default_timeout(180_000)
            figures["first_open_s"] = timed(page, lambda: page.goto(f"{url}/"), True)
            if args.readmodel != "0":
                end = time.monotonic() + 300
                while not any(snapshots.iterdir()) and time.monotonic() < end:
                    time.sleep(0.2)
                figures["readmodel_warm_after_start_s"] = round(time.monotonic() - started, 1)
            wait_settled(proc.pid)
            figures["server_settled_after_start_s"] = round(time.monotonic() - started, 1)
            rounds = [round_of(page, context, url, DAYS[i], i) for i in range(args.repeat)]
            browser.close()
        figures.update(server_memory_mb(proc.pid))
    finally:
        stop_app(proc, log_path)
    for name in rounds[0]:
        values = [r[name] for r in rounds]
        figures[name] = {"each": values, "worst": max(values)}
    figures["load_after"] = os.getloadavg()
    out = artifacts / "dashboard-speed.json"
    runs = json.loads(out.read_text()) if out.exists() else []
    runs.append(figures)
    out.write_text(json.dumps(runs, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
