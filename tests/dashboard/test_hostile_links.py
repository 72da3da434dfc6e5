"""Crafted links and unexpected errors in AppTest: a note or a Vietnamese message, never a
traceback."""

from __future__ import annotations

import logging

import pytest

from core import explorer
from core.repository import Repository
from core.text import SEARCH_MAX_CHARS
from tests.dashboard.demo_db import AS_OF
from tests.dashboard.test_pages import PAGES, assert_clean, open_app

DAY = AS_OF.isoformat()


def warnings(at: object) -> str:
    return " ".join(w.value for w in at.warning) + " ".join(i.value for i in at.info)  # type: ignore[attr-defined]


def test_reversed_implausible_deadline_range_is_a_note(demo_env: Repository) -> None:
    at = open_app("views/nhiem_vu.py", ngay=DAY, han_tu="9999-12-31", han_den="0001-01-01")
    assert_clean(at)
    assert at.title[0].value == "Nhiệm vụ"
    text = warnings(at)
    assert "han_tu=«9999-12-31»" in text and "han_den=«0001-01-01»" in text
    assert "nằm ngoài khoảng năm hợp lý (2000–2100)" in text
    assert at.session_state["p_han_tu"] is None and at.session_state["p_han_den"] is None


def test_plausible_years_follow_the_setting(
    demo_env: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDDH_PLAUSIBLE_YEARS", "2020-2030")
    at = open_app("views/nhiem_vu.py", ngay=DAY, han_tu="2019-12-31", han_den="2026-12-31")
    assert_clean(at)
    assert "han_tu=«2019-12-31»" in warnings(at) and "(2020–2030)" in warnings(at)
    assert str(at.session_state["p_han_den"]) == "2026-12-31"


@pytest.mark.parametrize(
    ("page", "param"), [("views/nhiem_vu.py", "tim"), ("views/van_ban.py", "timvb")]
)
def test_huge_search_is_shortened_with_a_note(demo_env: Repository, page: str, param: str) -> None:
    at = open_app(page, ngay=DAY, **{param: "Sở Y tế " * 7500})
    assert_clean(at)
    assert f"dài quá {SEARCH_MAX_CHARS} ký tự" in warnings(at)
    assert len(at.session_state[f"p_{param}"]) <= SEARCH_MAX_CHARS
    assert len(at.query_params[param]) <= SEARCH_MAX_CHARS


def test_an_unexpected_error_is_logged_and_shown_in_vietnamese(
    demo_env: Repository, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("chi tiết nội bộ /srv/secret/path")

    monkeypatch.setattr(explorer, "task_detail", broken)
    with caplog.at_level(logging.ERROR, logger="cddh"):
        at = open_app("views/nhiem_vu.py", ngay=DAY, nhiemvu="T-1")
    assert not at.exception
    assert at.title[0].value == "Nhiệm vụ"  # drawn by the boundary: the page had not yet
    shown = " ".join(e.value for e in at.error)
    assert "Trang gặp lỗi ngoài dự kiến" in shown and "mã sự cố" in shown
    assert "secret" not in shown and "RuntimeError" not in shown
    incident = shown.split("mã sự cố: ")[1][:8]
    logged = [r for r in caplog.records if incident in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "chi tiết nội bộ /srv/secret/path" in str(logged[0].exc_info[1])


@pytest.mark.parametrize("page", list(PAGES))
def test_operator_and_control_values_on_every_page(demo_env: Repository, page: str) -> None:
    at = open_app(
        page,
        ngay="0001-01-01",
        ky="custom",
        tu="9999-12-31",
        den="2000-02-30",
        pct='{"$ne": null}',
        loaidv="$where",
        quytac="\x00",
        solieu="\u202e",
        donvi="$gt",
        lanhdao="\x00\u200b",
        dv="$in",
        nhiemvu="\u202eabc",
        vanban="x" * 5000,
        trangthai="$regex",
        trang="1" * 30,
    )
    assert_clean(at)
    assert at.title, "no title"
    assert "ngay=«0001-01-01»" in warnings(at)
