"""Plausible dates, search input and the spreadsheet formula rule: pure functions, no database."""

from __future__ import annotations

from datetime import date

import pytest

from core import config
from core.dates import check_plausible, plausible_day
from core.text import (
    SEARCH_MAX_CHARS,
    neutralise_formula,
    restore_formula,
    search_input,
    strip_invisible,
)


def test_plausible_years_default_and_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDDH_PLAUSIBLE_YEARS", raising=False)
    assert config.plausible_years() == (2000, 2100)
    monkeypatch.setenv("CDDH_PLAUSIBLE_YEARS", "1990-2050")
    assert config.plausible_years() == (1990, 2050)
    assert check_plausible(date(1995, 5, 1)) == date(1995, 5, 1)
    with pytest.raises(ValueError, match="2051"):
        plausible_day("2051-01-01")
    for bad in ("2100-2000", "abc", "2000", "0-3000"):
        monkeypatch.setenv("CDDH_PLAUSIBLE_YEARS", bad)
        with pytest.raises(ValueError, match="CDDH_PLAUSIBLE_YEARS"):
            config.plausible_years()


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "31/12/1999", "01/01/2101"])
def test_implausible_days_are_refused_in_vietnamese(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.delenv("CDDH_PLAUSIBLE_YEARS", raising=False)
    with pytest.raises(ValueError, match="nằm ngoài khoảng năm hợp lý \\(2000–2100\\)"):
        plausible_day(raw)


def test_plausible_edges_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDDH_PLAUSIBLE_YEARS", raising=False)
    assert plausible_day("01/01/2000") == date(2000, 1, 1)
    assert plausible_day("2100-12-31") == date(2100, 12, 31)


def test_search_input_is_cleaned_and_capped() -> None:
    assert search_input("  Sở\u200b Y\u202e tế\x00 ") == ("Sở Y tế", False)
    assert search_input("a\tb\nc") == ("a b c", False)
    text, shortened = search_input("x" * 60_000)
    assert shortened and len(text) == SEARCH_MAX_CHARS
    assert search_input("y" * SEARCH_MAX_CHARS) == ("y" * SEARCH_MAX_CHARS, False)
    assert strip_invisible("\u2066abc\u2069\ufeff") == "abc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Sở Y tế = 1", "Sở Y tế = 1"),
        ("", ""),
        ("'=1", "''=1"),  # so that reading it back gives exactly "'=1"
        ("'abc", "'abc"),
    ],
)
def test_neutralise_formula(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected
    assert restore_formula(neutralise_formula(text)) == text
