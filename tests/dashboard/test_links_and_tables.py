"""Links that cannot be used are said so (never a traceback), lists of links drawn as one element
with their labels as written, what the caption says the figures cover, and tables that keep
numbers as numbers while showing them the Vietnamese way."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest

from core import explorer
from core.periods import custom_period, period_for_report
from core.repository import Repository
from dashboard import filters
from dashboard import formatting as fmt
from dashboard import navigation as nav
from tests.cards import cards
from tests.dashboard.demo_db import AS_OF
from tests.dashboard.test_pages import assert_clean, open_app


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, Any]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.found.append({**dict(attrs), "text": ""})

    def handle_data(self, data: str) -> None:
        if self.found and self.tags and self.tags[-1] == "a":
            self.found[-1]["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if self.tags and self.tags[-1] == tag:
            self.tags.pop()


def anchors(source: str) -> list[dict[str, Any]]:
    """The anchors of an HTML text: their attributes and their text (entities read)."""
    parser = _Anchors()
    parser.feed(source)
    parser.close()
    return parser.found


def link_labels(at: Any) -> list[str]:
    """The labels of the links an app run drew in lists (`navigation.link_list`)."""
    return [
        a["text"]
        for md in at.markdown
        if 'class="cddh-links"' in md.value
        for a in anchors(md.value)
        if "data-cddh-page" in a
    ]


def test_a_list_of_links_keeps_each_label_as_written_and_each_address() -> None:
    hostile = "Quá hạn 3 ngày — </a><script>alert(1)</script> **đậm** $x$ [a](b) &amp;\n\ncòn"
    links = [
        nav.Link(hostile, nav.PAGE_TASKS, {"ngay": "2026-11-14", "nhiemvu": "12/UBND-KT#1"}),
        nav.Link("Sở Y tế: 3 lần", nav.PAGE_UNITS, {"donvi": "SYT"}),
    ]
    source = nav.links_html(links)
    # One HTML block: Markdown would read a text after a blank line as Markdown again.
    assert "\n\n" not in source and source.startswith("<ul")
    found = anchors(source)
    assert [a["text"] for a in found] == [" ".join(hostile.split()), "Sở Y tế: 3 lần"]
    assert "<script" not in source
    first, second = found
    assert first["data-cddh-page"] == "nhiem-vu" and second["data-cddh-page"] == "don-vi"
    assert first["target"] == "_self"
    address = urlsplit(first["href"])
    assert address.path == "nhiem-vu"
    assert dict(parse_qsl(address.query)) == {"ngay": "2026-11-14", "nhiemvu": "12/UBND-KT#1"}
    assert second["href"] == "don-vi?donvi=SYT"


def warnings_of(at: object) -> list[str]:
    return [w.value for w in at.warning]  # type: ignore[attr-defined]


@pytest.mark.parametrize("day", ["1900-01-01", "9999-12-31", "2026-13-40", "abc"])
def test_an_unusable_day_in_a_link_is_said_and_today_is_used(
    demo_env: Repository, day: str
) -> None:
    at = open_app(None, ngay=day)
    assert_clean(at)
    said = " ".join(warnings_of(at))
    assert f"ngay=«{day}»" in said and "đã bỏ qua" in said
    assert at.title[0].value == "Tổng quan"


def test_unknown_codes_in_a_link_are_said(demo_env: Repository) -> None:
    at = open_app("views/don_vi.py", ngay=AS_OF.isoformat(), donvi="KHONGCO", pct="PCTX")
    assert_clean(at)
    said = " ".join(warnings_of(at))
    assert "donvi=«KHONGCO»: không có đơn vị này" in said
    assert "pct=«PCTX»" in said
    assert at.title[0].value == "Đơn vị"  # the ranking, not a unit's page


def test_caption_names_the_portfolio_and_a_running_period(demo_env: Repository) -> None:
    at = open_app(None, ngay=AS_OF.isoformat(), pct="PCT-KT")
    assert_clean(at)
    caption = at.caption[0].value
    assert "lĩnh vực phụ trách: Phó Chủ tịch UBND tỉnh Nguyễn Thanh Tùng" in caption
    # By default the latest ended month: nothing running to warn of.
    assert "Tháng 11/2026 (15/10/2026 – 14/11/2026)" in caption
    assert "đang diễn ra" not in caption and not at.warning
    # Chosen, the running month (15/11–14/12/2026 on 20/11/2026: the 6th of 30 days) is said
    # to be running, and its figures are not compared with whole periods.
    at = open_app(None, ngay=AS_OF.isoformat(), pct="PCT-KT", kybc="2026-12")
    assert_clean(at)
    assert "kỳ đang diễn ra: đã qua 6/30 ngày" in at.caption[0].value
    warnings = [w.value for w in at.warning]
    assert any("đang diễn ra (đã qua 6/30 ngày)" in w and "không so sánh" in w for w in warnings)
    period_cards = cards(at)[5:10]
    assert period_cards and all(not m.delta for m in period_cards)


def test_describe_of_a_custom_period_and_of_the_lists() -> None:
    period = custom_period(date(2026, 1, 1), date(2026, 12, 1))
    described = filters.Filters(as_of=date(2026, 12, 5), period=period).describe()
    assert described.count("01/01/2026") == 1
    assert "đang diễn ra" not in described  # the period ended before D
    month = period_for_report("month", "2026-12")
    lists = filters.Filters(as_of=AS_OF, period=month).describe(False)
    assert "không lọc theo kỳ báo cáo" in lists and "kỳ báo cáo:" not in lists


def test_figures_styler_formats_but_keeps_numbers() -> None:
    df = pd.DataFrame(
        [
            {"Hạng": 1, "Đơn vị": "Sở Y tế", "Được giao": 8814, "Tỷ lệ": 0.986},
            {"Hạng": None, "Đơn vị": "Tổng cộng", "Được giao": 12, "Tỷ lệ": None},
        ]
    )
    styled = fmt.figures_styler(df, counts=["Được giao"], rates=["Tỷ lệ"], ranks=["Hạng"])
    html = styled.to_html()
    assert "8.814" in html and "98,6%" in html and "None" not in html and "nan" not in html
    assert html.count("—") == 2  # the total's rank and its missing rate
    assert styled.data["Được giao"].tolist() == [8814, 12]  # sorting stays numeric


def test_documents_past_the_last_page_show_the_last_page(demo_env: Repository) -> None:
    at = open_app("views/van_ban.py", ngay=AS_OF.isoformat(), trang="99999")
    assert_clean(at)
    heading = next(m.value for m in at.markdown if "văn bản**" in m.value)
    shown, last = heading.rsplit("trang ", 1)[1].split("/")
    assert shown == last.replace(".", "") and int(shown) > 1
    assert not [i for i in at.info if "Không có văn bản" in i.value]


def test_a_capped_count_of_documents_says_more_than(
    demo_env: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting documents stops at explorer.COUNT_CAP (a province's ten years hold hundreds of
    thousands): the list then says «Hơn …» and how to see them all, listed or searched."""
    monkeypatch.setattr(explorer, "COUNT_CAP", 30)
    for params in ({}, {"timvb": "ke hoach"}):
        at = open_app("views/van_ban.py", ngay=AS_OF.isoformat(), **params)
        assert_clean(at)
        heading = next(m.value for m in at.markdown if "văn bản**" in m.value)
        assert heading.startswith("**Hơn 30 văn bản** — trang 1/2"), heading
        assert "thu hẹp" in heading
        assert len(at.dataframe[0].value) == 20


def test_report_page_starts_from_the_sidebar_portfolio(demo_env: Repository) -> None:
    at = open_app("views/bao_cao.py", ngay=AS_OF.isoformat(), pct="PCT-KT")
    assert_clean(at)
    assert at.radio(key="bc_scope").value == "portfolio"
    assert at.selectbox(key="bc_leader").value == "PCT-KT"


def test_unit_table_is_worst_first_with_values_and_overdue_up_front(demo_env: Repository) -> None:
    """The Đơn vị table: worst rate first, equal rates share a rank, «đúng hạn/đến hạn» beside
    the rate and the open overdue count among the first columns (no scrolling at 1366 px);
    units with too few tasks due stay unranked at the end."""
    at = open_app("views/don_vi.py", ngay=AS_OF.isoformat())
    assert_clean(at)
    df = at.dataframe[0].value
    columns = list(df.columns)
    rate = "Tỷ lệ hoàn thành đúng hạn (trên số nhiệm vụ đã đến hạn)"
    assert columns[:5] == ["Hạng", "Đơn vị", rate, "Trên số", "Chưa hoàn thành, quá hạn"]
    units = df.iloc[:-1]  # the last row is the total
    ranked = units[units["Hạng"].notna()]
    assert len(ranked) >= 3
    rates = list(ranked[rate])
    assert rates == sorted(rates)  # worst first
    for (_, a), (_, b) in zip(ranked.iterrows(), ranked.iloc[1:].iterrows(), strict=False):
        assert (a["Hạng"] == b["Hạng"]) == (a[rate] == b[rate])
    first_unranked = units["Hạng"].isna().idxmax() if units["Hạng"].isna().any() else None
    if first_unranked is not None:
        assert units.loc[first_unranked:, "Hạng"].isna().all()
    on_time, due = (int(x) for x in str(ranked.iloc[0]["Trên số"]).split("/"))
    assert abs(on_time / due - ranked.iloc[0][rate]) < 1e-9
