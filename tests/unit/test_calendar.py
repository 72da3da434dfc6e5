"""Unit tests of the working-day calendar (ngày làm việc)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar import CalendarDay, WorkCalendar

CAL = WorkCalendar()


def brute_between(cal: WorkCalendar, a: date, b: date) -> int:
    """Working days in (a, b], by walking the days."""
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    count = 0
    d = lo + timedelta(days=1)
    while d <= hi:
        count += cal.is_working_day(d)
        d += timedelta(days=1)
    return sign * count


def brute_add(cal: WorkCalendar, d: date, n: int) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        d += step
        if cal.is_working_day(d):
            left -= 1
    return d


# ------------------------------------------------------------------ the weekday rule and holidays
def test_plain_week() -> None:
    monday = date(2025, 3, 3)
    assert [CAL.is_working_day(monday + timedelta(days=i)) for i in range(7)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert CAL.working_days_between(monday, monday + timedelta(days=7)) == 5


def test_tet_2025() -> None:
    # Tết Ất Tỵ: 27/01–31/01/2025 off (Mon–Fri), so 25/01–02/02 is nine days off in a row.
    for day in range(25, 32):
        assert not CAL.is_working_day(date(2025, 1, day))
    assert CAL.working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 1
    assert CAL.working_days_between(date(2025, 1, 20), date(2025, 2, 7)) == 9
    assert CAL.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert CAL.add_working_days(date(2025, 2, 3), -1) == date(2025, 1, 24)


def test_tet_2026() -> None:
    # Tết Bính Ngọ: 16/02–20/02/2026 off (Mon–Fri).
    for day in range(14, 23):
        assert not CAL.is_working_day(date(2026, 2, day))
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1
    assert CAL.working_days_between(date(2026, 2, 1), date(2026, 2, 28)) == 15
    assert CAL.add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)


def test_fixed_holidays() -> None:
    for d in (date(2025, 1, 1), date(2025, 4, 30), date(2025, 5, 1), date(2025, 9, 2)):
        assert not CAL.is_working_day(d)
    assert not CAL.is_working_day(date(2025, 4, 7))  # Giỗ Tổ Hùng Vương (10/3 âm lịch)
    assert not CAL.is_working_day(date(2026, 11, 24))  # Ngày Văn hóa Việt Nam, from 2026


def test_make_up_saturday_from_package() -> None:
    # 02/05/2025 (Fri) off, swapped with Saturday 26/04/2025, which is worked.
    assert CAL.is_working_day(date(2025, 4, 26))
    assert not CAL.is_working_day(date(2025, 5, 2))
    assert not CAL.is_working_day(date(2025, 4, 27))
    # Week of 21/04/2025: Mon–Fri plus the Saturday.
    assert CAL.working_days_between(date(2025, 4, 20), date(2025, 4, 27)) == 6
    assert CAL.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    assert CAL.add_working_days(date(2025, 4, 28), -1) == date(2025, 4, 26)
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 8, 31))


def test_make_up_workdays_listing() -> None:
    days = CAL.make_up_workdays(2025)
    assert [d.date for d in days] == [date(2025, 4, 26)]
    assert days[0].kind == "workday"
    assert days[0].source == "holidays"
    assert "02/05/2025" in days[0].name
    # Cross-year swaps: 27/12/2014 for 02/01/2015, 05/01/2019 for 31/12/2018.
    assert date(2014, 12, 27) in [d.date for d in CAL.make_up_workdays(2014)]
    assert "02/01/2015" in CAL.make_up_workdays(2014)[-1].name
    day_2019 = next(d for d in CAL.make_up_workdays(2019) if d.date == date(2019, 1, 5))
    assert "31/12/2018" in day_2019.name


def test_days_off_listing() -> None:
    days = CAL.days_off(2025)
    dates = [d.date for d in days]
    assert dates == sorted(dates)
    assert date(2025, 1, 29) in dates
    assert date(2025, 5, 2) in dates
    assert all(d.kind == "holiday" and d.source == "holidays" for d in days)
    tet = next(d for d in days if d.date == date(2025, 1, 29))
    assert tet.name == "Tết Nguyên Đán"
    assert tet.to_dict() == {
        "date": "2025-01-29",
        "name": "Tết Nguyên Đán",
        "kind": "holiday",
        "source": "holidays",
    }


def test_ranges_of_exceptions() -> None:
    weekdays_off = CAL.non_working_weekdays(date(2025, 1, 1), date(2025, 12, 31))
    assert weekdays_off == [
        date(2025, 1, 1),
        date(2025, 1, 27),
        date(2025, 1, 28),
        date(2025, 1, 29),
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2025, 4, 7),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 9, 1),
        date(2025, 9, 2),
    ]
    assert CAL.non_working_weekdays(date(2025, 1, 28), date(2025, 1, 29)) == [
        date(2025, 1, 28),
        date(2025, 1, 29),
    ]
    assert CAL.working_weekend_days(date(2024, 1, 1), date(2026, 12, 31)) == [
        date(2024, 5, 4),
        date(2025, 4, 26),
        date(2026, 8, 22),
    ]
    assert CAL.working_weekend_days(date(2025, 4, 27), date(2025, 12, 31)) == []


def test_years_outside_the_package() -> None:
    # holidays only knows 1901–2100: later years have weekends only.
    assert CAL.days_off(2150) == []
    assert CAL.is_working_day(date(2150, 1, 1))
    assert CAL.working_days_between(date(2150, 1, 1), date(2150, 12, 31)) == brute_between(
        CAL, date(2150, 1, 1), date(2150, 12, 31)
    )


# ------------------------------------------------------------------ the province's own days
def test_extra_holiday_and_workday_override() -> None:
    cal = WorkCalendar(
        extra_holidays={date(2025, 3, 5): "Nghỉ theo quyết định của tỉnh", date(2025, 4, 26): "X"},
        extra_workdays={
            date(2025, 3, 8): "Làm bù cho ngày 05/03/2025",
            date(2025, 5, 2): "Làm việc",
        },
    )
    assert not cal.is_working_day(date(2025, 3, 5))  # extra holiday on a Wednesday
    assert cal.is_working_day(date(2025, 3, 8))  # extra workday on a Saturday
    assert cal.is_working_day(date(2025, 5, 2))  # extra workday beats the package's day off
    assert not cal.is_working_day(date(2025, 4, 26))  # extra holiday beats the package's make-up
    assert cal.working_days_between(date(2025, 3, 2), date(2025, 3, 9)) == 5
    assert CAL.working_days_between(date(2025, 3, 2), date(2025, 3, 9)) == 5
    off = {d.date: d for d in cal.days_off(2025)}
    assert off[date(2025, 3, 5)].source == "calendar"
    assert off[date(2025, 3, 5)].name == "Nghỉ theo quyết định của tỉnh"
    assert date(2025, 5, 2) not in off
    work = {d.date: d for d in cal.make_up_workdays(2025)}
    assert set(work) == {date(2025, 3, 8), date(2025, 5, 2)}
    assert all(d.source == "calendar" for d in work.values())
    assert cal.working_weekend_days(date(2025, 1, 1), date(2025, 12, 31)) == [date(2025, 3, 8)]
    assert date(2025, 3, 5) in cal.non_working_weekdays(date(2025, 3, 1), date(2025, 3, 31))


def test_extra_workday_beats_extra_holiday() -> None:
    d = date(2025, 6, 10)
    cal = WorkCalendar(extra_holidays=[d], extra_workdays=[d])
    assert cal.is_working_day(d)
    assert cal.make_up_workdays(2025)[-1] == CalendarDay(
        d, "Ngày làm việc bù", "workday", "calendar"
    )
    assert d not in [x.date for x in cal.days_off(2025)]


def test_extra_days_as_plain_dates_get_default_names() -> None:
    cal = WorkCalendar(extra_holidays=[date(2030, 1, 2)], extra_workdays=[date(2030, 1, 5)])
    assert cal.days_off(2030)[1] == CalendarDay(
        date(2030, 1, 2), "Ngày nghỉ bổ sung", "holiday", "calendar"
    )
    assert cal.make_up_workdays(2030) == [
        CalendarDay(date(2030, 1, 5), "Ngày làm việc bù", "workday", "calendar")
    ]


def test_extra_days_must_be_dates() -> None:
    with pytest.raises(TypeError):
        WorkCalendar(extra_holidays=[datetime(2025, 1, 2)])


def test_extra_days_far_from_the_package_years() -> None:
    cal = WorkCalendar(extra_holidays=[date(2300, 3, 1)], extra_workdays=[date(1800, 3, 1)])
    assert not cal.is_working_day(date(2300, 3, 1))
    assert cal.is_working_day(date(1800, 3, 1))  # a Saturday
    a, b = date(1799, 12, 1), date(1800, 4, 1)
    assert cal.working_days_between(a, b) == brute_between(cal, a, b)
    a, b = date(2299, 12, 1), date(2300, 4, 1)
    assert cal.working_days_between(a, b) == brute_between(cal, a, b)


# ------------------------------------------------------------------ counting and adding
def test_add_working_days_across_a_weekend() -> None:
    friday = date(2025, 3, 7)
    assert CAL.add_working_days(friday, 1) == date(2025, 3, 10)
    assert CAL.add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)  # from a Saturday
    assert CAL.add_working_days(date(2025, 3, 10), -1) == friday
    assert CAL.add_working_days(date(2025, 3, 9), -1) == friday  # from a Sunday
    assert CAL.add_working_days(friday, 5) == date(2025, 3, 14)
    assert CAL.add_working_days(friday, 0) == friday
    assert CAL.add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 8)


def test_urging_letter_within_seven_working_days() -> None:
    # Art. 15.5: seven working days from 22/01/2025 run past Tết.
    assert CAL.add_working_days(date(2025, 1, 22), 7) == date(2025, 2, 7)


def test_between_is_antisymmetric_and_zero_on_equal() -> None:
    a, b = date(2025, 1, 24), date(2025, 2, 3)
    assert CAL.working_days_between(a, a) == 0
    assert CAL.working_days_between(b, a) == -1
    # Only the day b itself counts: (Sat, Sun] has no working day.
    assert CAL.working_days_between(date(2025, 3, 8), date(2025, 3, 9)) == 0


def test_ten_years_is_fast() -> None:
    cal = WorkCalendar()
    a, b = date(2016, 1, 1), date(2025, 12, 31)
    assert cal.working_days_between(a, b) == brute_between(cal, a, b)
    start = time.perf_counter()
    for i in range(20_000):
        cal.working_days_between(a + timedelta(days=i % 3000), b)
    assert time.perf_counter() - start < 2.0


def test_add_many_working_days() -> None:
    d = date(2020, 6, 15)
    assert CAL.add_working_days(d, 2500) == brute_add(CAL, d, 2500)
    assert CAL.add_working_days(d, -2500) == brute_add(CAL, d, -2500)


days_1995_2035 = st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(a=days_1995_2035, span=st.integers(min_value=-800, max_value=800))
def test_index_consistency(a: date, span: int) -> None:
    b = a + timedelta(days=span)
    between = CAL.working_days_between(a, b)
    assert between == CAL.working_day_index(b) - CAL.working_day_index(a)
    assert between == brute_between(CAL, a, b)


@settings(max_examples=300, deadline=None)
@given(d=days_1995_2035, n=st.integers(min_value=-60, max_value=60))
def test_add_working_days_property(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    assert result == brute_add(CAL, d, n)
    one = timedelta(days=1)
    if n >= 0:
        assert CAL.working_days_between(d, result) == n  # working days in (d, result]
    else:
        assert CAL.working_days_between(result - one, d - one) == -n  # in [result, d)
    if n != 0:
        assert CAL.is_working_day(result)


extra_days = st.lists(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(
    holidays_=extra_days,
    workdays=extra_days,
    a=st.dates(min_value=date(2024, 12, 1), max_value=date(2027, 1, 31)),
    span=st.integers(min_value=-400, max_value=400),
    n=st.integers(min_value=-30, max_value=30),
)
def test_index_consistency_with_extra_days(
    holidays_: list[date], workdays: list[date], a: date, span: int, n: int
) -> None:
    cal = WorkCalendar(extra_holidays=holidays_, extra_workdays=workdays)
    for d in workdays:
        assert cal.is_working_day(d)
    for d in set(holidays_) - set(workdays):
        assert not cal.is_working_day(d)
    b = a + timedelta(days=span)
    assert cal.working_days_between(a, b) == brute_between(cal, a, b)
    assert cal.working_days_between(a, b) == cal.working_day_index(b) - cal.working_day_index(a)
    assert cal.add_working_days(a, n) == brute_add(cal, a, n)
