"""Benchmark: dashboard speed in Chromium against a large demo database (see docs/performance.md).

Run by hand, not part of `make test`:
    CDDH_SPEED_MONGODB_URI=<uri of a database loaded with `cddh demo --tasks N`> \
        .venv/bin/python -m pytest -s benchmarks/bench_dashboard.py
(CDDH_SPEED_MONGODB_DB, default "cddh"). Times run from the user's action to the end of drawing
(no "Running…" status, nothing stale). Nothing is asserted about speed: the figures are written
to test-artifacts/dashboard-speed.json and printed, and recorded in docs/performance.md.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import pytest

from core import metrics, repository
from core.dates import today_local
from core.periods import default_rule
from tests.browser.conftest import require_chromium, start_app, stop_app
from tests.browser.helpers import open_choices, title, wait_done

pytestmark = [pytest.mark.browser, pytest.mark.slow]

URI = os.environ.get("CDDH_SPEED_MONGODB_URI", "")
DB = os.environ.get("CDDH_SPEED_MONGODB_DB", "cddh")
DAY = "ngay=2026-11-20"


def timed(page: Any, action: Any, expect: str) -> float:
    """Seconds from the action to the end of drawing a page that shows `expect`."""
    start = time.monotonic()
    action()
    page.locator('[data-testid="stMain"]').get_by_text(expect).first.wait_for(timeout=180_000)
    return round(wait_done(page, timeout=180) - start, 3)


def test_dashboard_speed(page: Any, artifacts_dir: Path) -> None:
    if not URI:
        raise SystemExit("Set CDDH_SPEED_MONGODB_URI to a database loaded with `cddh demo`.")
    require_chromium()
    repo = repository.connect(URI, DB)
    tasks = repo.db.tasks.estimated_document_count()
    # The app warms the summaries of recent closed periods in the background when it starts;
    # do it here first so that the timings below do not share the two cores with it.
    start = time.monotonic()
    warmed = metrics.warm_summaries(repo, today_local(), default_rule())
    warm_s = round(time.monotonic() - start, 3)
    log_path = artifacts_dir / "streamlit-speed.log"
    proc, url = start_app({"MONGODB_URI": URI, "MONGODB_DB": DB}, log_path)
    try:
        figures: dict[str, Any] = {
            "tasks": tasks,
            "cpus": os.cpu_count(),
            "machine": platform.platform(),
            "summaries_warm_s": warm_s,
            "summaries_periods": warmed,
        }
        figures["overview_first_open_s"] = timed(
            page, lambda: page.goto(f"{url}/?{DAY}"), "Nhiệm vụ theo trạng thái"
        )
        assert title(page) == "Tổng quan"
        figures["overview_filter_change_uncached_s"] = timed(
            page, open_choices(page, "Loại kỳ báo cáo", "Quý"), "kỳ báo cáo: Quý"
        )
        figures["overview_filter_change_uncached_2_s"] = timed(
            page, open_choices(page, "Loại kỳ báo cáo", "Năm"), "kỳ báo cáo: Năm"
        )
        figures["overview_filter_change_cached_s"] = timed(
            page, open_choices(page, "Loại kỳ báo cáo", "Quý"), "kỳ báo cáo: Quý"
        )
        figures["tasks_first_page_s"] = timed(
            page,
            lambda: (
                page.locator('[data-testid="stSidebarNav"] a')
                .filter(has_text="Nhiệm vụ")
                .first.click()
            ),
            "đang xem",
        )
        assert title(page) == "Nhiệm vụ"
        figures["tasks_search_s"] = timed(
            page, lambda: page.goto(f"{url}/nhiem-vu?{DAY}&tim=so+y+te"), "đang xem"
        )
        figures["tasks_category_filter_s"] = timed(
            page, lambda: page.goto(f"{url}/nhiem-vu?{DAY}&trangthai=open_overdue"), "đang xem"
        )
        figures["unit_page_s"] = timed(
            page, lambda: page.goto(f"{url}/don-vi?{DAY}&donvi=SYT"), "Chất lượng cập nhật"
        )
    finally:
        stop_app(proc, log_path)
    out = artifacts_dir / "dashboard-speed.json"
    runs = json.loads(out.read_text()) if out.exists() else []
    runs.append(figures)
    out.write_text(json.dumps(runs, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
