"""Unit tests of reporting periods (kỳ báo cáo) under Decree 09/2019 and calendar rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.periods import (
    PERIOD_KINDS,
    PERIOD_RULES,
    Period,
    PeriodKind,
    PeriodRule,
    custom_period,
    default_rule,
    last_n_periods,
    parse_report_key,
    period_containing,
    period_for_report,
    previous_period,
    same_period_last_year,
)

D = date
STANDARD_KINDS: list[PeriodKind] = [k for k in PERIOD_KINDS if k != "custom"]


def span(p: Period) -> tuple[date, date]:
    return p.start, p.end


# ------------------------------------------------------------------ Decree 09: months
@pytest.mark.parametrize(
    ("day", "report", "start", "end"),
    [
        (D(2026, 11, 20), "2026-12", D(2026, 11, 15), D(2026, 12, 14)),
        (D(2026, 11, 14), "2026-11", D(2026, 10, 15), D(2026, 11, 14)),
        (D(2026, 11, 15), "2026-12", D(2026, 11, 15), D(2026, 12, 14)),
        (D(2026, 12, 14), "2026-12", D(2026, 11, 15), D(2026, 12, 14)),
        (D(2026, 12, 15), "2027-01", D(2026, 12, 15), D(2027, 1, 14)),
        (D(2026, 12, 31), "2027-01", D(2026, 12, 15), D(2027, 1, 14)),
        (D(2027, 1, 14), "2027-01", D(2026, 12, 15), D(2027, 1, 14)),
        (D(2027, 1, 15), "2027-02", D(2027, 1, 15), D(2027, 2, 14)),
        (D(2024, 2, 29), "2024-03", D(2024, 2, 15), D(2024, 3, 14)),
    ],
)
def test_decree09_month(day: date, report: str, start: date, end: date) -> None:
    p = period_containing("month", day)
    assert (p.report, p.start, p.end, p.rule) == (report, start, end, "decree09")
    assert p.contains(day)
    assert period_for_report("month", report) == p


def test_decree09_month_labels() -> None:
    assert period_for_report("month", "2026-12").label == "Tháng 12/2026"
    assert period_for_report("month", "2026-03").label == "Tháng 3/2026"
    assert period_for_report("month", "2026-11").to_dict() == {
        "kind": "month",
        "rule": "decree09",
        "start": "2026-10-15",
        "end": "2026-11-14",
        "report": "2026-11",
        "label": "Tháng 11/2026",
    }


# ------------------------------------------------------------------ Decree 09: quarters
@pytest.mark.parametrize(
    ("day", "report", "start", "end", "label"),
    [
        (D(2025, 12, 14), "2025-Q4", D(2025, 9, 15), D(2025, 12, 14), "Quý IV/2025"),
        (D(2025, 12, 15), "2026-Q1", D(2025, 12, 15), D(2026, 3, 14), "Quý I/2026"),
        (D(2026, 3, 14), "2026-Q1", D(2025, 12, 15), D(2026, 3, 14), "Quý I/2026"),
        (D(2026, 3, 15), "2026-Q2", D(2026, 3, 15), D(2026, 6, 14), "Quý II/2026"),
        (D(2026, 6, 14), "2026-Q2", D(2026, 3, 15), D(2026, 6, 14), "Quý II/2026"),
        (D(2026, 6, 15), "2026-Q3", D(2026, 6, 15), D(2026, 9, 14), "Quý III/2026"),
        (D(2026, 9, 14), "2026-Q3", D(2026, 6, 15), D(2026, 9, 14), "Quý III/2026"),
        (D(2026, 9, 15), "2026-Q4", D(2026, 9, 15), D(2026, 12, 14), "Quý IV/2026"),
    ],
)
def test_decree09_quarter(day: date, report: str, start: date, end: date, label: str) -> None:
    p = period_containing("quarter", day)
    assert (p.report, p.start, p.end, p.label) == (report, start, end, label)
    assert period_for_report("quarter", report) == p


# ------------------------------------------------------------ Decree 09: halves, 9 months, year
@pytest.mark.parametrize(
    ("day", "report", "start", "end", "label"),
    [
        (D(2025, 12, 14), "2025-H2", D(2025, 6, 15), D(2025, 12, 14), "6 tháng cuối năm 2025"),
        (D(2025, 12, 15), "2026-H1", D(2025, 12, 15), D(2026, 6, 14), "6 tháng đầu năm 2026"),
        (D(2026, 6, 14), "2026-H1", D(2025, 12, 15), D(2026, 6, 14), "6 tháng đầu năm 2026"),
        (D(2026, 6, 15), "2026-H2", D(2026, 6, 15), D(2026, 12, 14), "6 tháng cuối năm 2026"),
    ],
)
def test_decree09_half(day: date, report: str, start: date, end: date, label: str) -> None:
    p = period_containing("half", day)
    assert (p.report, p.start, p.end, p.label) == (report, start, end, label)
    assert period_for_report("half", report) == p


def test_decree09_nine_months() -> None:
    window = (D(2025, 12, 15), D(2026, 9, 14))
    for day in (D(2025, 12, 15), D(2026, 1, 1), D(2026, 9, 14)):
        p = period_containing("nine_months", day)
        assert (p.report, span(p), p.label) == ("2026-9M", window, "9 tháng năm 2026")
        assert p.contains(day)
    # After the window: the latest nine-months period that started on or before the day.
    for day in (D(2026, 9, 15), D(2026, 12, 14)):
        p = period_containing("nine_months", day)
        assert p.report == "2026-9M"
        assert not p.contains(day)
    assert period_containing("nine_months", D(2026, 12, 15)).report == "2027-9M"
    assert period_for_report("nine_months", "2026-9M") == period_containing(
        "nine_months", D(2026, 5, 1)
    )


def test_decree09_year() -> None:
    p = period_containing("year", D(2026, 12, 20))
    assert (p.report, span(p), p.label) == ("2027", (D(2026, 12, 15), D(2027, 12, 14)), "Năm 2027")
    p = period_containing("year", D(2026, 12, 14))
    assert (p.report, span(p), p.label) == ("2026", (D(2025, 12, 15), D(2026, 12, 14)), "Năm 2026")
    assert period_containing("year", D(2026, 1, 1)).report == "2026"
    assert period_for_report("year", "2026") == p


# ------------------------------------------------------------------ calendar rule
@pytest.mark.parametrize(
    ("kind", "day", "report", "start", "end"),
    [
        ("month", D(2026, 11, 20), "2026-11", D(2026, 11, 1), D(2026, 11, 30)),
        ("month", D(2024, 2, 15), "2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("month", D(2026, 12, 31), "2026-12", D(2026, 12, 1), D(2026, 12, 31)),
        ("quarter", D(2026, 1, 1), "2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("quarter", D(2026, 11, 20), "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("half", D(2026, 6, 30), "2026-H1", D(2026, 1, 1), D(2026, 6, 30)),
        ("half", D(2026, 7, 1), "2026-H2", D(2026, 7, 1), D(2026, 12, 31)),
        ("nine_months", D(2026, 9, 30), "2026-9M", D(2026, 1, 1), D(2026, 9, 30)),
        ("nine_months", D(2026, 10, 1), "2026-9M", D(2026, 1, 1), D(2026, 9, 30)),
        ("year", D(2026, 12, 20), "2026", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_calendar_rule(kind: PeriodKind, day: date, report: str, start: date, end: date) -> None:
    p = period_containing(kind, day, rule="calendar")
    assert (p.report, p.start, p.end, p.rule) == (report, start, end, "calendar")
    assert period_for_report(kind, report, "calendar") == p


# ------------------------------------------------------------------ navigation
@pytest.mark.parametrize(
    ("kind", "report", "previous", "last_year"),
    [
        ("month", "2026-01", "2025-12", "2025-01"),
        ("month", "2026-11", "2026-10", "2025-11"),
        ("quarter", "2026-Q1", "2025-Q4", "2025-Q1"),
        ("quarter", "2026-Q3", "2026-Q2", "2025-Q3"),
        ("half", "2026-H1", "2025-H2", "2025-H1"),
        ("half", "2026-H2", "2026-H1", "2025-H2"),
        ("nine_months", "2026-9M", "2025-9M", "2025-9M"),
        ("year", "2026", "2025", "2025"),
    ],
)
@pytest.mark.parametrize("rule", PERIOD_RULES)
def test_previous_and_same_period_last_year(
    kind: PeriodKind, report: str, previous: str, last_year: str, rule: PeriodRule
) -> None:
    p = period_for_report(kind, report, rule)
    assert previous_period(p) == period_for_report(kind, previous, rule)
    assert same_period_last_year(p) == period_for_report(kind, last_year, rule)


def test_decree09_months_tile_the_timeline() -> None:
    p = period_for_report("month", "2027-03")
    for _ in range(30):
        q = previous_period(p)
        assert q.end + timedelta(days=1) == p.start
        p = q


def test_previous_custom_period_has_equal_length() -> None:
    p = custom_period(D(2026, 3, 1), D(2026, 3, 31))
    q = previous_period(p)
    assert span(q) == (D(2026, 1, 29), D(2026, 2, 28))
    assert q.days == p.days == 31
    assert q.kind == "custom"


def test_same_custom_period_last_year() -> None:
    p = custom_period(D(2024, 2, 29), D(2024, 3, 31))
    q = same_period_last_year(p)
    assert span(q) == (D(2023, 2, 28), D(2023, 3, 31))
    assert q.label == "Từ 28/02/2023 đến 31/03/2023"
    assert span(same_period_last_year(custom_period(D(2026, 1, 5), D(2026, 1, 5)))) == (
        D(2025, 1, 5),
        D(2025, 1, 5),
    )


def test_last_n_periods() -> None:
    p = period_for_report("quarter", "2026-Q2")
    assert [x.report for x in last_n_periods(p, 4)] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert last_n_periods(p, 1) == [p]
    assert last_n_periods(p, 0) == []
    months = last_n_periods(period_for_report("month", "2026-02", "calendar"), 3)
    assert [m.label for m in months] == ["Tháng 12/2025", "Tháng 1/2026", "Tháng 2/2026"]
    with pytest.raises(ValueError, match="n"):
        last_n_periods(p, -1)


# ------------------------------------------------------------------ custom periods and keys
def test_custom_period() -> None:
    p = custom_period(D(2026, 3, 1), D(2026, 3, 31))
    assert p.label == "Từ 01/03/2026 đến 31/03/2026"
    assert p.report == "2026-03-01..2026-03-31"
    assert period_for_report("custom", p.report) == p
    assert p.contains(D(2026, 3, 31))
    assert not p.contains(D(2026, 4, 1))
    assert custom_period(D(2026, 3, 1), D(2026, 3, 1)).days == 1


def test_custom_period_refuses_start_after_end() -> None:
    with pytest.raises(ValueError, match="Từ ngày") as err:
        custom_period(D(2026, 3, 5), D(2026, 3, 1))
    assert "05/03/2026" in str(err.value)
    assert "start" in str(err.value)


def test_parse_report_key() -> None:
    assert parse_report_key("month", "2026-11") == (2026, 11)
    assert parse_report_key("quarter", "2026-Q4") == (2026, 4)
    assert parse_report_key("quarter", "2026-q4") == (2026, 4)
    assert parse_report_key("half", "2026-H2") == (2026, 2)
    assert parse_report_key("nine_months", "2026-9M") == (2026, 1)
    assert parse_report_key("year", " 2026 ") == (2026, 1)
    assert period_for_report("quarter", "2026-q4").report == "2026-Q4"


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("month", "2026-13"),
        ("month", "2026-1"),
        ("quarter", "2026-Q5"),
        ("half", "2026-H3"),
        ("nine_months", "2026"),
        ("year", "26"),
        ("custom", "2026-03-01"),
        ("custom", "2026-02-30..2026-03-01"),
    ],
)
def test_bad_report_keys(kind: PeriodKind, key: str) -> None:
    with pytest.raises(ValueError, match="không"):
        period_for_report(kind, key)


def test_unknown_kind_and_rule() -> None:
    with pytest.raises(ValueError, match="Loại kỳ"):
        period_containing("week", D(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Quy tắc"):
        period_containing("month", D(2026, 1, 1), rule="fiscal")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        period_containing("custom", D(2026, 1, 1))


def test_round_trip_through_dict() -> None:
    for p in (
        period_for_report("half", "2026-H1"),
        period_for_report("month", "2026-01", "calendar"),
        custom_period(D(2026, 3, 1), D(2026, 3, 31), rule="calendar"),
    ):
        assert Period.from_dict(p.to_dict()) == p


def test_default_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDDH_PERIOD_RULE", raising=False)
    assert default_rule() == "decree09"
    monkeypatch.setenv("CDDH_PERIOD_RULE", "calendar")
    assert default_rule() == "calendar"
    monkeypatch.setenv("CDDH_PERIOD_RULE", "quarterly")
    with pytest.raises(ValueError, match="CDDH_PERIOD_RULE") as err:
        default_rule()
    assert "không hợp lệ" in str(err.value)


# ------------------------------------------------------------------ properties
@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    kind=st.sampled_from(STANDARD_KINDS),
    rule=st.sampled_from(PERIOD_RULES),
)
def test_containing_period_holds_the_day(day: date, kind: PeriodKind, rule: PeriodRule) -> None:
    p = period_containing(kind, day, rule)
    assert p.start <= day
    if kind != "nine_months":
        assert p.contains(day)
        nxt = period_containing(kind, p.end + timedelta(days=1), rule)
        assert previous_period(nxt) == p
    assert period_for_report(kind, p.report, rule) == p
