"""Days and instants (core/dates.py): the stored form of a day, parsing, formats, ranges.

A day is stored as its local midnight in Asia/Ho_Chi_Minh (UTC+7), i.e. 17:00 UTC the day
before. None of this may depend on the time zone of the machine running it, so several tests
run under a machine time zone far from both UTC and UTC+7.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from core import dates
from core.dates import (
    check_as_of,
    format_vn,
    from_bson_day,
    local_day_of,
    now_utc,
    optional_day,
    parse_day,
    to_bson_day,
    today_local,
)

PLUS_7 = timezone(timedelta(hours=7))


@pytest.fixture()
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone set to UTC-5/-4 for one test."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# ------------------------------------------------------------------ the stored form of a day
def test_a_day_is_stored_as_its_local_midnight_in_utc(machine_in_new_york: None) -> None:
    stored = to_bson_day(date(2025, 1, 1))
    assert stored.utcoffset() == timedelta(0)
    assert (stored.year, stored.month, stored.day, stored.hour, stored.minute) == (
        2024,
        12,
        31,
        17,
        0,
    )
    # The same instant as midnight on the wall clocks of Hồ Chí Minh City.
    assert stored == datetime(2025, 1, 1, 0, 0, tzinfo=PLUS_7)


def test_storing_a_datetime_as_a_day_is_refused() -> None:
    with pytest.raises(TypeError) as err:
        to_bson_day(datetime(2025, 1, 1, 8, 0))
    assert str(err.value) == "to_bson_day expects a date, not a datetime"


def test_stored_days_read_back_to_the_same_day(machine_in_new_york: None) -> None:
    for d in (date(2000, 1, 1), date(2024, 2, 29), date(2025, 12, 31)):
        assert from_bson_day(to_bson_day(d)) == d


def test_reading_instants_gives_the_ho_chi_minh_day(machine_in_new_york: None) -> None:
    # 16:59 UTC is 23:59 in Hồ Chí Minh City; 17:00 UTC is already the next day there.
    assert from_bson_day(datetime(2024, 12, 31, 16, 59, tzinfo=UTC)) == date(2024, 12, 31)
    assert from_bson_day(datetime(2024, 12, 31, 17, 0, tzinfo=UTC)) == date(2025, 1, 1)
    # An aware instant keeps its own offset: 20:00 at UTC+7 is still 1 January there.
    assert from_bson_day(datetime(2025, 1, 1, 20, 0, tzinfo=PLUS_7)) == date(2025, 1, 1)
    # pymongo returns naive UTC datetimes: read as UTC, not as the machine's local time.
    assert from_bson_day(datetime(2024, 12, 31, 12, 0)) == date(2024, 12, 31)
    assert from_bson_day(datetime(2024, 12, 31, 17, 0)) == date(2025, 1, 1)
    assert local_day_of(datetime(2025, 6, 30, 18, 30, tzinfo=UTC)) == date(2025, 7, 1)


def test_now_is_an_aware_utc_instant() -> None:
    before = datetime.now(UTC)
    now = now_utc()
    after = datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after


def test_today_is_the_day_in_ho_chi_minh_city(
    monkeypatch: pytest.MonkeyPatch, machine_in_new_york: None
) -> None:
    # 18:00 UTC on 1 January is 01:00 on 2 January in Hồ Chí Minh City (and 13:00 on
    # 1 January in New York).
    monkeypatch.setattr(dates, "now_utc", lambda: datetime(2025, 1, 1, 18, 0, tzinfo=UTC))
    assert today_local() == date(2025, 1, 2)
    monkeypatch.setattr(dates, "now_utc", lambda: datetime(2025, 1, 1, 16, 0, tzinfo=UTC))
    assert today_local() == date(2025, 1, 1)


# ------------------------------------------------------------------ dd/mm/yyyy
def test_format_vn() -> None:
    assert format_vn(date(2025, 3, 5)) == "05/03/2025"
    assert format_vn(date(2025, 12, 31)) == "31/12/2025"
    assert format_vn(date(999, 1, 2)) == "02/01/0999"
    assert format_vn(None) == ""


# ------------------------------------------------------------------ parsing
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-05", date(2025, 3, 5)),
        ("  2025-3-5 ", date(2025, 3, 5)),
        ("05/03/2025", date(2025, 3, 5)),
        ("5/3/2025", date(2025, 3, 5)),
        ("05.03.2025", date(2025, 3, 5)),
        ("05-03-2025", date(2025, 3, 5)),
        (" 29/02/2024 ", date(2024, 2, 29)),
    ],
)
def test_parse_day_texts(text: str, expected: date) -> None:
    assert parse_day(text) == expected


def test_parse_day_of_dates_and_datetimes() -> None:
    assert parse_day(date(2025, 3, 5)) == date(2025, 3, 5)
    # A naive datetime is a wall-clock moment: its own date, whatever the hour.
    assert parse_day(datetime(2025, 3, 5, 23, 30)) == date(2025, 3, 5)
    # An aware one is an instant: the day it falls on in Hồ Chí Minh City.
    assert parse_day(datetime(2025, 3, 4, 17, 0, tzinfo=UTC)) == date(2025, 3, 5)


@pytest.mark.parametrize("text", ["abc", "2025/03/05", "05/03/25", "", "2025-03-05T00:00"])
def test_parse_day_refuses_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="không phải ngày hợp lệ") as err:
        parse_day(text)
    assert "dd/mm/yyyy" in str(err.value)


@pytest.mark.parametrize("text", ["31/02/2025", "2025-13-01", "29/02/2025", "00/01/2025"])
def test_parse_day_refuses_days_that_do_not_exist(text: str) -> None:
    with pytest.raises(ValueError, match="không phải ngày có thật") as err:
        parse_day(text)
    assert f"«{text}»" in str(err.value)


def test_optional_day() -> None:
    assert optional_day(None) is None
    assert optional_day("") is None
    assert optional_day("   ") is None
    assert optional_day("05/03/2025") == date(2025, 3, 5)
    assert optional_day(date(2025, 3, 5)) == date(2025, 3, 5)
    assert optional_day(datetime(2025, 3, 4, 17, 0, tzinfo=UTC)) == date(2025, 3, 5)
    with pytest.raises(ValueError, match="không phải ngày hợp lệ"):
        optional_day("sau Tết")


# ------------------------------------------------------------------ the span figures are computed for
def test_check_as_of_accepts_its_span() -> None:
    for d in (date(2001, 1, 1), date(2026, 11, 20), date(2099, 12, 31)):
        assert check_as_of(d) == d


@pytest.mark.parametrize("d", [date(2000, 12, 31), date(2100, 1, 1), date(1, 1, 1)])
def test_check_as_of_refuses_outside_its_span(d: date) -> None:
    with pytest.raises(ValueError) as err:
        check_as_of(d)
    message = str(err.value)
    assert f"ngày {format_vn(d)} nằm ngoài khoảng tính được" in message
    assert "(01/01/2001 – 31/12/2099)" in message
