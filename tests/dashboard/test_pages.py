"""AppTest of every dashboard page on the demo province and on an empty database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import explorer, metrics
from core.metrics import MetricsQuery
from core.periods import latest_ended, period_for_report, year_to_date
from core.repository import Repository
from core.services import work_calendar
from tests.cards import cards as seen_cards
from tests.conftest import free_port
from tests.dashboard.demo_db import AS_OF
from tests.signin import sign_in_app

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = {
    "views/tong_quan.py": "Tổng quan",
    "views/don_vi.py": "Đơn vị",
    "views/nhiem_vu.py": "Nhiệm vụ",
    "views/van_ban.py": "Văn bản chỉ đạo, điều hành",
    "views/lanh_dao.py": "Lãnh đạo UBND tỉnh",
    "views/chat_luong.py": "Chất lượng cập nhật",
    "views/bao_cao.py": "Báo cáo",
}


def open_app(page: str | None = None, **params: str) -> AppTest:
    """Run app.py with URL parameters (a first visit), then move to `page` with the same URL."""
    at = sign_in_app(AppTest.from_file(APP, default_timeout=120))
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_the_demo(demo_env: Repository, page: str) -> None:
    at = open_app(page, ngay=AS_OF.isoformat())
    assert_clean(at)
    assert at.title[0].value == PAGES[page]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_an_empty_database(empty_env: Repository, page: str) -> None:
    at = open_app(page)
    assert_clean(at)
    assert at.title[0].value == PAGES[page]


def test_overview_numbers_equal_core_metrics(demo_env: Repository) -> None:
    """The backlog as of D (every open task, successors answering for ended units) and the
    latest ended month's results (tasks due in it) equal `core.metrics`."""
    at = open_app(None, ngay=AS_OF.isoformat())
    assert_clean(at)
    q = MetricsQuery(as_of=AS_OF, by="none")
    stock = metrics.status_metrics(demo_env, q)["total"]
    soon = metrics.due_soon(demo_env, q, work_calendar(demo_env), windows=(1, 3, 7))
    cards = [(m.label, m.value) for m in seen_cards(at)]
    backlog_cards, period_cards = dict(cards[:5]), dict(cards[5:10])
    assert backlog_cards["Chưa hoàn thành, quá hạn"] == metrics.format_count(stock["open_overdue"])
    assert backlog_cards["Chưa hoàn thành, trong hạn"] == metrics.format_count(
        stock["open_within_deadline"]
    )
    assert backlog_cards["Sắp đến hạn trong 7 ngày làm việc"] == metrics.format_count(
        soon["windows"]["7"]
    )
    period = latest_ended("month", AS_OF)
    now = metrics.compare_periods(demo_env, q, period, "deadline")["current"]
    assert period_cards["Số nhiệm vụ có hạn trong kỳ"] == metrics.format_count(now["assigned"])
    assert period_cards["Hoàn thành đúng hạn"] == metrics.format_count(now["completed_on_time"])
    assert period_cards["Chưa hoàn thành, quá hạn"] == metrics.format_count(now["open_overdue"])
    assert period_cards["Tỷ lệ hoàn thành đúng hạn"] == metrics.format_rate(now["on_time_rate_due"])
    assert now["assigned"] > 0 and stock["open_overdue"] > now["open_overdue"]


def test_overview_numbers_follow_the_filters(demo_env: Repository) -> None:
    at = open_app(None, ngay=AS_OF.isoformat(), ky="quarter", kybc="2026-Q3", trongtam="1")
    assert_clean(at)
    period = period_for_report("quarter", "2026-Q3")
    q = MetricsQuery(as_of=AS_OF, by="none", priority_only=True)
    now = metrics.compare_periods(demo_env, q, period, "deadline")["current"]
    cards = [(m.label, m.value) for m in seen_cards(at)]
    backlog_cards, period_cards = dict(cards[:5]), dict(cards[5:10])
    assert period_cards["Số nhiệm vụ có hạn trong kỳ"] == metrics.format_count(now["assigned"])
    assert period_cards["Chưa hoàn thành, quá hạn"] == metrics.format_count(now["open_overdue"])
    stock = metrics.status_metrics(demo_env, q)["total"]
    assert backlog_cards["Chưa hoàn thành, quá hạn"] == metrics.format_count(stock["open_overdue"])
    assert backlog_cards["Nhiệm vụ trọng tâm quá hạn"] == metrics.format_count(
        stock["open_overdue"]
    )


def test_yearly_overview_reads_ended_years_from_summaries(demo_env: Repository) -> None:
    """A yearly view opens on the latest ended year and compares it with the year before, whose
    figures (read from the stored summary) equal `status_metrics` of that year."""
    at = open_app(None, ngay=AS_OF.isoformat(), ky="year")
    assert_clean(at)
    assert at.selectbox(key="w_kybc").value == "2025"
    previous = period_for_report("year", "2024")
    q = MetricsQuery(as_of=AS_OF, by="none").for_period(previous, "deadline")
    before = metrics.status_metrics(demo_env, q)["total"]
    notes = [card.note for card in seen_cards(at)]
    said = f"So với kỳ trước (Năm 2024): {metrics.format_count(before['assigned'])}."
    assert said in notes
    assert demo_env.db.period_summaries.count_documents({"population": "deadline"}) > 0


def test_lũy_kế_is_the_reporting_year_to_date(demo_env: Repository) -> None:
    """«Lũy kế» counts the tasks assigned from the start of the reporting year, names its days,
    and is compared only with the same window a year earlier."""
    at = open_app(None, ngay=AS_OF.isoformat(), solieu="cumulative")
    assert_clean(at)
    period = latest_ended("month", AS_OF)
    ytd = year_to_date(period.end)
    q = MetricsQuery(as_of=period.end, by="none", assigned_from=ytd.start, assigned_to=period.end)
    now = metrics.status_metrics(demo_env, q)["total"]
    cards = [(m.label, m.value) for m in seen_cards(at)][5:10]
    assert dict(cards)["Nhiệm vụ được giao"] == metrics.format_count(now["assigned"])
    captions = " ".join([cap.value for cap in at.caption] + [c.note for c in seen_cards(at)])
    assert f"nhiệm vụ giao từ {ytd.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}" in captions
    assert "So với cùng kỳ năm trước:" in captions
    assert "So với kỳ trước" not in captions


def test_filters_survive_a_page_switch(demo_env: Repository) -> None:
    at = open_app(None, ngay=AS_OF.isoformat())
    at.toggle(key="w_trongtam").set_value(True).run()
    at.selectbox(key="w_ky").set_value("quarter").run()
    assert at.query_params["trongtam"] == "1"
    for page in ("views/don_vi.py", "views/nhiem_vu.py", "views/tong_quan.py"):
        at.switch_page(page).run()
        assert_clean(at)
        assert at.toggle(key="w_trongtam").value is True
        assert at.selectbox(key="w_ky").value == "quarter"
        assert "chỉ nhiệm vụ trọng tâm" in at.caption[0].value
        assert at.selectbox(key="w_kybc").value == "2026-Q3"  # the latest ended quarter
        if page != "views/nhiem_vu.py":  # the task list is not cut by the period
            assert "Quý III/2026" in at.caption[0].value
        assert at.query_params["ky"] == "quarter"
        assert at.query_params["trongtam"] == "1"


def test_url_parameters_restore_a_unit_view(demo_env: Repository) -> None:
    at = open_app(
        "views/don_vi.py",
        ngay="2026-09-30",
        ky="quarter",
        kybc="2026-Q3",
        trongtam="1",
        donvi="SYT",
    )
    assert_clean(at)
    assert at.title[0].value == "Sở Y tế"
    assert at.date_input(key="w_ngay").value == date(2026, 9, 30)
    caption = at.caption[0].value
    assert "30/09/2026" in caption and "Quý III/2026" in caption
    assert "chỉ nhiệm vụ trọng tâm" in caption
    assert at.query_params["donvi"] == "SYT"


def test_url_parameters_restore_a_task_and_a_document(demo_env: Repository) -> None:
    task = demo_env.db.tasks.find_one({"extensions.0": {"$exists": True}})
    assert task is not None
    at = open_app("views/nhiem_vu.py", ngay=AS_OF.isoformat(), nhiemvu=task["_id"])
    assert_clean(at)
    texts = [m.value for m in at.markdown]
    assert any(task["content"] in t for t in texts)
    assert any("Thời hạn ban đầu" in t for t in texts)
    assert at.query_params["nhiemvu"] == task["_id"]
    at = open_app("views/van_ban.py", ngay=AS_OF.isoformat(), vanban=task["document"])
    assert_clean(at)
    doc = demo_env.document(task["document"])
    assert doc is not None and doc["number"] in at.title[0].value


def test_task_search_ignores_diacritics_and_pages_on_the_server(demo_env: Repository) -> None:
    at = open_app("views/nhiem_vu.py", ngay=AS_OF.isoformat(), tim="so y te")
    assert_clean(at)
    count = next(m.value for m in at.markdown if "nhiệm vụ**" in m.value)
    total = int(count.split("**")[1].split()[0].replace(".", ""))
    everything = explorer.search_tasks(demo_env, explorer.TaskSearch(as_of=AS_OF)).total
    expected = explorer.search_tasks(demo_env, explorer.TaskSearch(as_of=AS_OF, text="so y te"))
    assert 0 < total == expected.total < everything  # the text filter narrows the list
    rows = at.dataframe[0].value
    assert len(rows) == min(25, total)
    assert list(rows["Nội dung nhiệm vụ"]) == [r["content"] for r in expected.rows]
    for row in expected.rows:  # each row matches in its content or its document's abstract
        task = demo_env.db.tasks.find_one({"_id": row["id"]})
        assert task is not None and "so y te" in task["search_text"]
    at = open_app("views/nhiem_vu.py", ngay=AS_OF.isoformat(), tim="SỞ Y TẾ")
    assert next(m.value for m in at.markdown if "nhiệm vụ**" in m.value) == count


def test_drill_from_overview_to_unit_to_task(demo_env: Repository) -> None:
    at = open_app(None, ngay=AS_OF.isoformat())
    at.selectbox(key="open_unit").set_value("SYT").run()
    assert_clean(at)
    assert at.title[0].value == "Sở Y tế"
    assert at.query_params["donvi"] == "SYT"


def test_meeting_mode_hides_the_side_controls_and_keeps_the_view(demo_env: Repository) -> None:
    at = open_app("views/don_vi.py", ngay=AS_OF.isoformat(), donvi="SYT", hop="1")
    assert_clean(at)
    assert at.title[0].value == "Sở Y tế"
    assert len(at.sidebar.selectbox) == 0 and len(at.sidebar.date_input) == 0
    at.button(key="leave_meeting").click().run()
    assert_clean(at)
    assert at.title[0].value == "Sở Y tế"
    assert len(at.sidebar.date_input) == 1
    assert "hop" not in at.query_params


def test_unreachable_database_shows_what_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI", f"mongodb://127.0.0.1:{free_port()}/?directConnection=true")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "Không kết nối được cơ sở dữ liệu" in at.error[0].value
    assert any("MONGODB_URI" in m.value for m in at.markdown)
