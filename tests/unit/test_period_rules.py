"""Reporting periods beyond the cut-offs (core/periods.py): «lũy kế», the latest ended period, the
share of a running period, custom periods under either rule, and the refusals' words."""

from __future__ import annotations

from datetime import date

import pytest

from core.periods import (
    Period,
    custom_period,
    elapsed_share,
    last_n_periods,
    latest_ended,
    parse_report_key,
    period_containing,
    period_for_report,
    previous_period,
    same_period_last_year,
    year_to_date,
)

D = date


# ------------------------------------------------------------------ «lũy kế»
def test_year_to_date_under_decree09_starts_on_15_december() -> None:
    p = year_to_date(D(2026, 11, 29))
    assert (p.kind, p.rule, p.start, p.end) == (
        "custom",
        "decree09",
        D(2025, 12, 15),
        D(2026, 11, 29),
    )
    assert p.label == "Lũy kế từ 15/12/2025 đến 29/11/2026"
    assert p.report == "2025-12-15..2026-11-29"
    # From 15 December the next reporting year has begun.
    p = year_to_date(D(2026, 12, 20))
    assert (p.start, p.end) == (D(2026, 12, 15), D(2026, 12, 20))
    assert p.label == "Lũy kế từ 15/12/2026 đến 20/12/2026"


def test_year_to_date_under_the_calendar_starts_on_1_january() -> None:
    p = year_to_date(D(2026, 12, 20), "calendar")
    assert (p.rule, p.start, p.end) == ("calendar", D(2026, 1, 1), D(2026, 12, 20))
    assert p.label == "Lũy kế từ 01/01/2026 đến 20/12/2026"
    one_day = year_to_date(D(2026, 1, 1), "calendar")
    assert (one_day.start, one_day.end, one_day.days) == (D(2026, 1, 1), D(2026, 1, 1), 1)


# ------------------------------------------------------------------ the latest ended period
@pytest.mark.parametrize(
    ("kind", "d", "rule", "report"),
    [
        ("month", D(2026, 11, 20), "decree09", "2026-11"),  # 2026-12 still runs
        ("month", D(2026, 11, 15), "decree09", "2026-11"),  # 2026-11 ended on the 14th
        ("month", D(2026, 11, 14), "decree09", "2026-10"),  # its last day: not ended yet
        ("month", D(2026, 12, 1), "calendar", "2026-11"),
        ("month", D(2026, 11, 30), "calendar", "2026-10"),
        ("quarter", D(2026, 3, 15), "decree09", "2026-Q1"),
        ("quarter", D(2026, 3, 14), "decree09", "2025-Q4"),
        ("year", D(2026, 12, 15), "decree09", "2026"),
        ("year", D(2027, 1, 1), "calendar", "2026"),
        ("nine_months", D(2026, 10, 1), "calendar", "2026-9M"),  # no period holds October
        ("nine_months", D(2026, 9, 30), "calendar", "2025-9M"),
    ],
)
def test_latest_ended(kind: str, d: date, rule: str, report: str) -> None:
    p = latest_ended(kind, d, rule)  # type: ignore[arg-type]
    assert (p.kind, p.rule, p.report) == (kind, rule, report)
    assert p.end < d


def test_latest_ended_defaults_to_decree09() -> None:
    p = latest_ended("month", D(2026, 11, 20))
    assert (p.rule, p.start, p.end) == ("decree09", D(2026, 10, 15), D(2026, 11, 14))


def test_latest_ended_has_no_custom_period() -> None:
    with pytest.raises(ValueError) as err:
        latest_ended("custom", D(2026, 11, 20))
    assert str(err.value) == "Kỳ tùy chọn không có «kỳ đã kết thúc gần nhất»."


# ------------------------------------------------------------------ a running period's share
def test_elapsed_share() -> None:
    p = period_for_report("month", "2026-11")  # 15/10/2026 – 14/11/2026, 31 days
    assert elapsed_share(p, D(2026, 10, 15)) == (1, 31)
    assert elapsed_share(p, D(2026, 10, 16)) == (2, 31)
    assert elapsed_share(p, D(2026, 11, 13)) == (30, 31)
    assert elapsed_share(p, D(2026, 11, 14)) is None  # its last day: the period is whole
    assert elapsed_share(p, D(2026, 10, 14)) is None  # not begun
    assert elapsed_share(p, D(2027, 1, 1)) is None


# ------------------------------------------------------------------ custom periods keep their rule
def test_custom_periods_keep_their_rule() -> None:
    p = period_for_report("custom", "2026-03-01..2026-03-31", "calendar")
    assert p.rule == "calendar"
    assert previous_period(p).rule == "calendar"
    assert same_period_last_year(p).rule == "calendar"
    assert period_for_report("custom", " 2026-03-01..2026-03-31 ").rule == "decree09"


def test_a_custom_period_from_a_dict_is_its_start_and_end() -> None:
    got = Period.from_dict(
        {
            "kind": "custom",
            "rule": "calendar",
            "start": "2026-03-01",
            "end": "2026-03-31",
            "report": "?",
        }
    )
    assert got == custom_period(D(2026, 3, 1), D(2026, 3, 31), rule="calendar")


# ------------------------------------------------------------------ report keys
def test_the_earliest_year_a_key_may_name() -> None:
    assert parse_report_key("year", "0002") == (2, 1)
    assert period_for_report("month", "0002-01").start == D(1, 12, 15)
    for key in ("0001", "0000"):
        with pytest.raises(ValueError) as err:
            parse_report_key("year", key)
        assert str(err.value) == f"Năm của kỳ báo cáo «{key}» không hợp lệ."


def test_custom_keys_have_no_number() -> None:
    with pytest.raises(ValueError) as err:
        parse_report_key("custom", "2026-03-01..2026-03-31")
    assert "không hợp lệ cho loại kỳ «Tùy chọn»" in str(err.value)
    assert "(ví dụ: 2026-03-01..2026-03-31)" in str(err.value)


def test_nine_months_and_year_ignore_the_number() -> None:
    # Every day of a report year lies in its one year period.
    for d in (D(2025, 12, 15), D(2026, 6, 1), D(2026, 12, 14)):
        p = period_containing("year", d)
        assert (p.report, p.label) == ("2026", "Năm 2026")
        assert (p.start, p.end) == (D(2025, 12, 15), D(2026, 12, 14))
    p = period_containing("nine_months", D(2026, 6, 1))
    assert (p.report, p.label, p.start, p.end) == (
        "2026-9M",
        "9 tháng năm 2026",
        D(2025, 12, 15),
        D(2026, 9, 14),
    )


# ------------------------------------------------------------------ the refusals' words
def test_unknown_kind_and_rule_list_the_accepted_ones() -> None:
    with pytest.raises(ValueError) as err:
        period_containing("week", D(2026, 1, 1))  # type: ignore[arg-type]
    assert str(err.value) == (
        "Loại kỳ báo cáo «week» không hợp lệ "
        "(chỉ chấp nhận: month, quarter, half, nine_months, year, custom)."
    )
    with pytest.raises(ValueError) as err:
        period_containing("month", D(2026, 1, 1), rule="fiscal")  # type: ignore[arg-type]
    assert str(err.value) == (
        "Quy tắc kỳ báo cáo «fiscal» không hợp lệ (chỉ chấp nhận: decree09, calendar)."
    )


def test_default_rule_lists_the_accepted_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.periods import default_rule

    monkeypatch.setenv("CDDH_PERIOD_RULE", " Fiscal ")
    with pytest.raises(ValueError) as err:
        default_rule()
    assert str(err.value) == (
        "Giá trị CDDH_PERIOD_RULE «fiscal» không hợp lệ (chỉ chấp nhận: decree09, calendar)."
    )
    monkeypatch.setenv("CDDH_PERIOD_RULE", " CALENDAR ")
    assert default_rule() == "calendar"


def test_a_custom_period_is_not_found_from_a_day() -> None:
    with pytest.raises(ValueError) as err:
        period_containing("custom", D(2026, 1, 1))
    assert str(err.value) == (
        "Kỳ tùy chọn không suy ra được từ một ngày: hãy chọn ngày bắt đầu và kết thúc."
    )


def test_start_after_end_names_both_days() -> None:
    with pytest.raises(ValueError) as err:
        custom_period(D(2026, 3, 5), D(2026, 3, 1))
    assert str(err.value) == (
        "Kỳ tùy chọn không hợp lệ: «Từ ngày» (start) 05/03/2026 sau «Đến ngày» (end) 01/03/2026."
    )
    with pytest.raises(ValueError) as err:
        Period("month", "decree09", D(2026, 3, 5), D(2026, 3, 1), "2026-03", "Tháng 3/2026")
    assert str(err.value) == (
        "Kỳ báo cáo không hợp lệ: ngày bắt đầu (start) 05/03/2026 "
        "sau ngày kết thúc (end) 01/03/2026."
    )


def test_last_n_periods_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError) as err:
        last_n_periods(period_for_report("month", "2026-11"), -2)
    assert str(err.value) == "Số kỳ (n) phải là số không âm, nhận được -2."
