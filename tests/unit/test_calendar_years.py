"""The working-day calendar year by year (core/calendar.py): each test builds its own calendar, so
the per-year tables and the cumulative corrections are computed inside the test that checks them.

The package's edges (1901 and 2100), the index's origin year (2000), years far from both, and the
names of make-up days swapped across New Year.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.calendar import CalendarDay, WorkCalendar, _package_range, working_day_index_expr


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


# ------------------------------------------------------------------ the package's years
def test_the_package_knows_1901_to_2100() -> None:
    assert _package_range() == (1901, 2100)


def test_the_first_and_last_package_years_have_their_holidays() -> None:
    cal = WorkCalendar()
    assert date(1901, 1, 1).weekday() == 1 and not cal.is_working_day(date(1901, 1, 1))
    assert date(2100, 1, 1).weekday() == 4 and not cal.is_working_day(date(2100, 1, 1))
    assert cal.days_off(1901)[0] == CalendarDay(
        date(1901, 1, 1), "Tết Dương lịch", "holiday", "holidays"
    )
    assert cal.days_off(2100)[0] == CalendarDay(
        date(2100, 1, 1), "Tết Dương lịch", "holiday", "holidays"
    )
    # Outside them: weekends only.
    assert cal.is_working_day(date(1900, 1, 1)) and cal.days_off(1900) == []
    assert cal.days_off(2101) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (date(1900, 12, 1), date(1901, 3, 31)),
        (date(1901, 1, 1), date(1902, 1, 1)),
        (date(2099, 12, 20), date(2100, 3, 1)),
        (date(2100, 1, 1), date(2101, 1, 10)),
    ],
)
def test_counts_across_the_package_edges(a: date, b: date) -> None:
    cal = WorkCalendar()
    assert cal.working_days_between(a, b) == brute_between(cal, a, b)
    cal = WorkCalendar()
    assert cal.working_days_between(b, a) == -brute_between(cal, a, b)


# ------------------------------------------------------------------ around the index's origin
@pytest.mark.parametrize(
    ("a", "b"),
    [
        (date(1999, 12, 20), date(2000, 1, 10)),
        (date(2000, 12, 20), date(2001, 1, 10)),
        (date(2000, 1, 1), date(2000, 1, 3)),
        (date(1990, 6, 1), date(2001, 6, 1)),
        (date(1995, 1, 1), date(1999, 12, 31)),
        (date(2003, 5, 1), date(2010, 5, 1)),
    ],
)
def test_counts_around_the_origin_year(a: date, b: date) -> None:
    for first, second in ((a, b), (b, a)):
        cal = WorkCalendar()  # nothing cached: the corrections are computed from scratch
        expected = brute_between(cal, first, second)
        assert WorkCalendar().working_days_between(first, second) == expected


def test_the_index_counts_working_days_from_its_origin() -> None:
    # The working days in [EPOCH, d] (03/01/2000, a Monday), negative before it.
    eve = date(2000, 1, 2)
    assert WorkCalendar().working_day_index(eve) == 0
    for d in (
        date(2000, 1, 3),
        date(2000, 1, 10),
        date(2001, 2, 1),
        date(1999, 12, 31),
        date(1998, 5, 5),
    ):
        cal = WorkCalendar()
        assert cal.working_day_index(d) == brute_between(cal, eve, d)


@pytest.mark.parametrize(
    ("d", "n"),
    [
        (date(1995, 3, 1), 30),
        (date(1995, 3, 1), -30),
        (date(1999, 12, 24), 12),
        (date(1850, 6, 1), 10),
        (date(1850, 6, 1), -10),
        (date(2150, 6, 1), 25),
        (date(2150, 6, 1), -25),
        (date(1901, 2, 15), 5),
        (date(2100, 1, 31), -40),
    ],
)
def test_adding_working_days_far_from_the_origin(d: date, n: int) -> None:
    cal = WorkCalendar()
    expected = brute_add(cal, d, n)
    assert WorkCalendar().add_working_days(d, n) == expected


def test_adding_to_a_day_before_a_long_holiday() -> None:
    # Before 2000 the yearly corrections raise the plain weekday guess above the target.
    cal = WorkCalendar()
    for start in (date(1998, 1, 20), date(1996, 2, 14), date(1990, 1, 25)):
        for n in (1, 3, 8, -1, -6):
            assert cal.add_working_days(start, n) == brute_add(cal, start, n)


# ------------------------------------------------------------------ extra days far from the package
def test_an_extra_holiday_in_a_year_the_package_does_not_know() -> None:
    extra = date(2300, 3, 1)  # a Thursday
    cal = WorkCalendar(extra_holidays=[extra])
    assert not cal.is_working_day(extra)
    a, b = date(2299, 12, 1), date(2301, 2, 1)
    assert cal.working_days_between(a, b) == brute_between(cal, a, b)
    assert WorkCalendar().working_days_between(a, b) == brute_between(WorkCalendar(), a, b)
    assert cal.working_days_between(a, b) == WorkCalendar().working_days_between(a, b) - 1
    assert cal.non_working_weekdays(date(2299, 1, 1), date(2301, 12, 31)) == [extra]
    assert cal.add_working_days(date(2300, 2, 28), 1) == date(2300, 3, 2)


def test_an_extra_workday_in_a_year_the_package_does_not_know() -> None:
    extra = date(1800, 3, 1)  # a Saturday
    cal = WorkCalendar(extra_workdays={extra: "Làm bù"})
    a, b = date(1799, 11, 1), date(1801, 1, 31)
    assert cal.working_days_between(a, b) == brute_between(cal, a, b)
    assert cal.working_days_between(a, b) == WorkCalendar().working_days_between(a, b) + 1
    assert cal.working_weekend_days(date(1799, 1, 1), date(1801, 12, 31)) == [extra]
    assert cal.make_up_workdays(1800) == [CalendarDay(extra, "Làm bù", "workday", "calendar")]


def test_ranges_skip_years_without_exceptions() -> None:
    later = date(2301, 3, 1)  # a Friday, in a year after one without any exception
    cal = WorkCalendar(extra_holidays=[later])
    assert cal.non_working_weekdays(date(2300, 1, 1), date(2301, 12, 31)) == [later]
    assert cal.non_working_weekdays(date(2301, 3, 2), date(2301, 12, 31)) == []
    work = date(2302, 6, 7)  # a Saturday
    cal = WorkCalendar(extra_workdays=[work])
    assert cal.working_weekend_days(date(2300, 1, 1), date(2302, 12, 31)) == [work]


# ------------------------------------------------------------------ names and kinds
def test_make_up_days_are_named_after_the_day_off_they_pay_for() -> None:
    cal = WorkCalendar()
    assert cal.make_up_workdays(2025) == [
        CalendarDay(
            date(2025, 4, 26), "Ngày làm việc bù (cho ngày nghỉ 02/05/2025)", "workday", "holidays"
        )
    ]
    # Swapped across New Year: the day off lies in the next or the previous year.
    assert WorkCalendar().make_up_workdays(2014)[-1] == CalendarDay(
        date(2014, 12, 27), "Ngày làm việc bù (cho ngày nghỉ 02/01/2015)", "workday", "holidays"
    )
    assert WorkCalendar().make_up_workdays(2019)[0] == CalendarDay(
        date(2019, 1, 5), "Ngày làm việc bù (cho ngày nghỉ 31/12/2018)", "workday", "holidays"
    )


def test_package_days_off_have_their_vietnamese_names() -> None:
    off = {d.date: d for d in WorkCalendar().days_off(2025)}
    assert off[date(2025, 1, 29)] == CalendarDay(
        date(2025, 1, 29), "Tết Nguyên Đán", "holiday", "holidays"
    )
    assert off[date(2025, 9, 2)] == CalendarDay(
        date(2025, 9, 2), "Quốc khánh", "holiday", "holidays"
    )


def test_extra_days_names() -> None:
    cal = WorkCalendar(
        extra_holidays={date(2030, 1, 2): "  Nghỉ bão  ", date(2030, 1, 3): " "},
        extra_workdays=[date(2030, 1, 5)],
    )
    off = {d.date: d.name for d in cal.days_off(2030)}
    assert off[date(2030, 1, 2)] == "Nghỉ bão"
    assert off[date(2030, 1, 3)] == "Ngày nghỉ bổ sung"
    assert cal.extra_holidays == {
        date(2030, 1, 2): "Nghỉ bão",
        date(2030, 1, 3): "Ngày nghỉ bổ sung",
    }
    assert cal.extra_workdays == {date(2030, 1, 5): "Ngày làm việc bù"}
    cal.extra_holidays.clear()  # a copy: the calendar keeps its days
    assert not cal.is_working_day(date(2030, 1, 2))


@pytest.mark.parametrize("bad", [datetime(2025, 1, 2), "2025-01-02", 20250102])
def test_extra_days_must_be_dates(bad: object) -> None:
    with pytest.raises(TypeError) as err:
        WorkCalendar(extra_workdays=[bad])  # type: ignore[list-item]
    assert str(err.value) == f"expected a date, got {bad!r}"


def test_the_server_expression_covers_whole_years_from_start_to_end() -> None:
    cal = WorkCalendar()
    one_day = date(2025, 6, 16)
    assert working_day_index_expr(cal, "$day", one_day, one_day)  # one day is a range
    with pytest.raises(ValueError) as err:
        working_day_index_expr(cal, "$day", one_day, one_day - timedelta(days=1))
    assert str(err.value) == "start must not be after end"
