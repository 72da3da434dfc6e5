"""The Báo cáo page renders, shows the key figures, builds the file only on the button."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.repository import Repository
from tests.cards import cards as seen_cards
from tests.signin import sign_in_app


def open_briefing_page(
    mongod: dict[str, Any], repo: Repository, monkeypatch: pytest.MonkeyPatch, day: str, report: str
) -> AppTest:
    """The Báo cáo page as of `day` with month `report` in the sidebar."""
    monkeypatch.setenv("MONGODB_URI", mongod["uri"])
    monkeypatch.setenv("MONGODB_DB", repo.db.name)
    st.cache_data.clear()
    app_file = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
    at = sign_in_app(AppTest.from_file(str(app_file), default_timeout=120), repo=repo)
    at.query_params["ngay"] = day
    at.query_params["ky"] = "month"
    at.query_params["kybc"] = report
    at.run()
    at.switch_page("views/bao_cao.py")
    return at.run()


@pytest.fixture()
def app(mongod: dict[str, Any], brief_repo: Repository, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_briefing_page(mongod, brief_repo, monkeypatch, "2026-11-20", "2026-11")


def test_page_shows_figures_then_builds_on_click(app: AppTest, brief_repo: Repository) -> None:
    assert not app.exception
    cards = {mt.label: mt.value for mt in seen_cards(app)}
    assert "Nhiệm vụ giao trong kỳ" in cards and "Tỷ lệ đúng hạn (nhiệm vụ giao trong kỳ)" in cards
    # The cards' values are the briefing's own key figures for that request.
    from core import briefing as b
    from core.numbers import format_count, format_rate
    from core.periods import period_for_report

    request = b.BriefingRequest(period=period_for_report("month", "2026-11"))
    figures = b.key_figures(brief_repo, request, today=date(2026, 11, 20))
    now = figures["compare"]["current"]
    assert cards["Nhiệm vụ giao trong kỳ"] == format_count(now["assigned"])
    assert cards["Tỷ lệ đúng hạn (nhiệm vụ giao trong kỳ)"] == format_rate(now["on_time_rate_due"])
    overdue_label = f"Quá hạn tại {figures['as_of']:%d/%m/%Y} (mọi năm)"
    assert cards[overdue_label] == format_count(figures["overdue_now"])
    assert now["assigned"] > 0
    assert not app.success  # nothing built on a plain rerun
    before = len(brief_repo.list_briefings(limit=1000))
    assert all(t.label != "Người lập" for t in app.text_input)  # the logged-in user is the author
    assert any("Tài khoản thử Chánh Văn phòng UBND tỉnh" in c.value for c in app.caption)
    app.button(key="bc_build").click().run()
    assert not app.exception
    assert app.success and "bao-cao-2026-11-toan-tinh.docx" in app.success[0].value
    stored = brief_repo.list_briefings(limit=1000)
    assert len(stored) == before + 1
    assert stored[0]["metadata"]["generated_by"] == "Tài khoản thử Chánh Văn phòng UBND tỉnh"


@pytest.fixture()
def sunday_app(
    mongod: dict[str, Any], brief_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> AppTest:
    """The page on Sunday 29/11/2026 with the running month (Tháng 12/2026) in the sidebar."""
    return open_briefing_page(mongod, brief_repo, monkeypatch, "2026-11-29", "2026-12")


def test_page_opens_on_the_latest_ended_period_and_warns_on_a_running_one(
    sunday_app: AppTest,
) -> None:
    at = sunday_app
    assert not at.exception
    period_box = at.selectbox(key="bc_period_month")
    assert period_box.format_func(period_box.value).startswith("Tháng 11/2026")
    assert not at.warning
    header = at.caption[0].value
    assert "Tháng 11/2026" in header and "Tháng 12/2026" not in header
    report_day = at.date_input(key="bc_day_2026-11").value
    assert report_day == date(2026, 11, 16)  # 14/11 is a Saturday: Monday 16/11
    # Choosing the running month: the header follows it and a warning says it has not ended.
    running = next(i for i, label in enumerate(period_box.options) if "Tháng 12/2026" in label)
    at = period_box.set_value(running).run()
    assert not at.exception
    assert "Tháng 12/2026" in at.caption[0].value
    assert at.warning and "chưa kết thúc" in at.warning[0].value
    assert at.date_input(key="bc_day_2026-12").value == date(2026, 11, 30)  # not the Sunday


def test_running_period_cards_compare_with_nothing(sunday_app: AppTest) -> None:
    box = sunday_app.selectbox(key="bc_period_month")
    running = next(i for i, label in enumerate(box.options) if "Tháng 12/2026" in label)
    at = box.set_value(running).run()
    cards = {mt.label: mt for mt in seen_cards(at)}
    assert cards["Nhiệm vụ giao trong kỳ"].delta in (None, "")
    assert cards["Tỷ lệ đúng hạn (nhiệm vụ giao trong kỳ)"].delta in (None, "")
    ended = at.selectbox(key="bc_period_month").set_value(1).run()  # Tháng 11/2026
    assert {mt.label: mt for mt in seen_cards(ended)}["Nhiệm vụ giao trong kỳ"].delta not in (
        None,
        "",
    )
