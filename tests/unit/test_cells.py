"""One import cell read as text, a day, yes/no, a whole number or a list (core/imports/cells.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from core import config
from core.imports.cells import (
    LIMITS,
    cell_bool,
    cell_day,
    cell_int,
    cell_list,
    cell_text,
    current_limits,
    plausible,
)


# ------------------------------------------------------------------ text
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "có"),
        (False, "không"),
        (0, "0"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (-3.0, "-3"),
        (datetime(2025, 3, 5, 14, 30), "05/03/2025"),
        (date(2025, 12, 1), "01/12/2025"),
        ("  Sở   Y tế  ", "Sở Y tế"),
        ("Nguye\u0302\u0303n", "Nguyễn"),  # decomposed accents composed (NFC)
    ],
)
def test_cell_text(value: Any, expected: str) -> None:
    assert cell_text(value) == expected


# ------------------------------------------------------------------ days
def test_cell_day_of_dates_and_datetimes() -> None:
    assert cell_day(date(2025, 3, 5), "csv") == date(2025, 3, 5)
    assert cell_day(datetime(2025, 3, 5, 23, 0), "xlsx") == date(2025, 3, 5)
    # An aware datetime (JSON Lines) is an instant: its day in Hồ Chí Minh City.
    assert cell_day(datetime(2025, 3, 4, 17, 0, tzinfo=UTC), "jsonl") == date(2025, 3, 5)
    assert cell_day(" 05/03/2025 ", "csv") == date(2025, 3, 5)
    assert cell_day("2025-03-05", "jsonl") == date(2025, 3, 5)


def test_cell_day_of_excel_serial_days() -> None:
    # Excel's 1900 system (serial 1 = 31/12/1899 once its phantom 29/02/1900 is skipped).
    assert cell_day(45658, "xlsx") == date(2025, 1, 1)
    assert cell_day(45658.75, "xlsx") == date(2025, 1, 1)  # a time of day is dropped
    assert cell_day(45351, "xlsx") == date(2024, 2, 29)
    assert cell_day(1, "xlsx") == date(1899, 12, 31)
    assert cell_day(2958465, "xlsx") == date(9999, 12, 31)


@pytest.mark.parametrize("value", [0, -1, 2958466, 0.5])
def test_numbers_outside_excels_days_are_not_days(value: float) -> None:
    with pytest.raises(ValueError, match="không phải ngày hợp lệ"):
        cell_day(value, "xlsx")


@pytest.mark.parametrize("source", ["csv", "jsonl"])
def test_serial_days_are_read_only_from_xlsx(source: Any) -> None:
    with pytest.raises(ValueError, match="«45658» không phải ngày hợp lệ"):
        cell_day(45658, source)


def test_yes_no_is_never_a_serial_day() -> None:
    with pytest.raises(ValueError, match="«có» không phải ngày hợp lệ"):
        cell_day(True, "xlsx")


# ------------------------------------------------------------------ yes / no
@pytest.mark.parametrize(
    "value", [True, "x", "X", "có", "Có.", "1", 1, 1.0, "true", "TRUE", "yes", "y", "đúng"]
)
def test_cell_bool_yes(value: Any) -> None:
    assert cell_bool(value) is True


@pytest.mark.parametrize(
    "value", [False, "", "  ", "không", "Không.", "0", 0, "false", "no", "N", "sai"]
)
def test_cell_bool_no(value: Any) -> None:
    assert cell_bool(value) is False


@pytest.mark.parametrize("value", ["có lẽ", "2", "xx", "ok"])
def test_cell_bool_refuses_other_words(value: str) -> None:
    with pytest.raises(ValueError) as err:
        cell_bool(value)
    assert str(err.value) == (f"«{value}» không phải có/không (x, có, 1, true, yes hoặc để trống)")


# ------------------------------------------------------------------ whole numbers
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (7, 7),
        (7.0, 7),
        ("12", 12),
        (" 12 ", 12),
        ("12.", 12),
        ("0007", 7),
        (999_999_999, 999_999_999),
        ("999999999", 999_999_999),
    ],
)
def test_cell_int(value: Any, expected: int) -> None:
    assert cell_int(value) == expected


def test_cell_int_refuses_yes_no() -> None:
    with pytest.raises(ValueError, match=r"^phải là số nguyên$"):
        cell_int(True)
    with pytest.raises(ValueError, match=r"^phải là số nguyên$"):
        cell_int(False)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(7.5, "7.5"), ("12a", "12a"), ("12X", "12X"), ("-3", "-3"), ("", ""), ("1 000", "1 000")],
)
def test_cell_int_refuses_what_is_not_a_whole_number(value: Any, shown: str) -> None:
    with pytest.raises(ValueError) as err:
        cell_int(value)
    assert str(err.value) == f"«{shown}» không phải số nguyên"


def test_cell_int_shortens_long_texts_in_its_message() -> None:
    with pytest.raises(ValueError) as err:
        cell_int("a" * 41)
    assert str(err.value) == f"«{'a' * 40}…» không phải số nguyên"
    with pytest.raises(ValueError) as err:
        cell_int("b" * 40)
    assert str(err.value) == f"«{'b' * 40}» không phải số nguyên"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1_000_000_000, "1.000.000.000"), ("1000000000", "1.000.000.000"), (-1, "-1")],
)
def test_cell_int_refuses_numbers_out_of_range(value: Any, shown: str) -> None:
    with pytest.raises(ValueError) as err:
        cell_int(value)
    assert str(err.value) == f"số {shown} nằm ngoài khoảng 0 – 999.999.999"


def test_cell_int_refuses_huge_digit_strings_without_converting_them() -> None:
    thirty = "9" * 30
    with pytest.raises(ValueError, match=r"nằm ngoài khoảng 0 – 999\.999\.999"):
        cell_int(thirty)
    with pytest.raises(ValueError) as err:
        cell_int("9" * 31)
    assert str(err.value) == "số có 31 chữ số, quá lớn (tối đa 999.999.999)"
    with pytest.raises(ValueError, match="số có 5000 chữ số, quá lớn"):
        cell_int("1" * 5000)


# ------------------------------------------------------------------ plausible years
def test_current_limits_are_the_configured_ones_outside_a_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CDDH_PLAUSIBLE_YEARS", "1990-2050")
    limits = current_limits()
    assert (limits.first_year, limits.last_year) == (1990, 2050)
    assert limits == config.import_limits()


def test_plausible_uses_the_limits_of_the_file_being_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CDDH_PLAUSIBLE_YEARS", raising=False)
    narrow = config.ImportLimits(
        max_rows=10,
        max_columns=10,
        max_cell_chars=10,
        max_bytes=10,
        first_year=2020,
        last_year=2030,
        transaction_tasks=10,
    )
    token = LIMITS.set(narrow)
    try:
        assert current_limits() is narrow
        assert plausible(date(2020, 1, 1)) == date(2020, 1, 1)
        assert plausible(date(2030, 12, 31)) == date(2030, 12, 31)
        for bad in (date(2019, 12, 31), date(2031, 1, 1)):
            with pytest.raises(ValueError) as err:
                plausible(bad)
            assert str(err.value) == (
                f"ngày {bad.strftime('%d/%m/%Y')} không hợp lý: năm phải từ 2020 đến 2030 "
                "(CDDH_PLAUSIBLE_YEARS)"
            )
    finally:
        LIMITS.reset(token)
    assert plausible(date(2000, 1, 1)) == date(2000, 1, 1)  # the default 2000–2100 again


# ------------------------------------------------------------------ lists
def test_cell_list_of_text() -> None:
    assert cell_list("SYT; STC\nSKHDT\r\nSGTVT;;") == ["SYT", "STC", "SKHDT", "SGTVT"]
    assert cell_list("  Sở  Y tế ") == ["Sở Y tế"]
    assert cell_list("") == []
    assert cell_list(12) == ["12"]


def test_cell_list_of_a_json_list() -> None:
    assert cell_list(["SYT", None, "  ", 5, 2.0, " STC "]) == ["SYT", "5", "2", "STC"]
    assert cell_list([]) == []
