"""One cell's value read as text, a day, yes/no, an integer or a list, within the limits."""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import Any

from core import config
from core.config import ImportLimits
from core.dates import format_vn, from_bson_day, parse_day
from core.imports.readers import Source, blank
from core.numbers import format_count
from core.text import fold, nfc

_TRUE = frozenset({"x", "co", "1", "true", "yes", "y", "dung"})
_FALSE = frozenset({"", "khong", "0", "false", "no", "n", "sai"})


def _int_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def cell_text(value: Any) -> str:
    """A cell as text (numbers without a useless '.0', days as dd/mm/yyyy)."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float | int):
        return _int_text(value)
    if isinstance(value, datetime):
        return format_vn(value.date())
    if isinstance(value, date):
        return format_vn(value)
    return nfc(str(value))


def cell_day(value: Any, source: Source) -> date:
    """A cell as a day: a date, an Excel serial day (XLSX) or dd/mm/yyyy text."""
    if isinstance(value, datetime):
        return value.date() if value.tzinfo is None else from_bson_day(value)
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and source == "xlsx":
        if 1 <= value < 2958466:  # an Excel serial day (1900 system)
            return date(1899, 12, 30) + timedelta(days=int(value))
    return parse_day(cell_text(value))


def cell_bool(value: Any) -> bool:
    """A yes/no cell (x, có, 1, true, yes …); ValueError otherwise."""
    if isinstance(value, bool):
        return value
    word = fold(cell_text(value)).rstrip(".")
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(
        f"«{cell_text(value)}» không phải có/không (x, có, 1, true, yes hoặc để trống)"
    )


_INT_MAX = 999_999_999  # far beyond any STT or order, far within MongoDB's 8-byte integers


def cell_int(value: Any) -> int:
    """A whole number between 0 and 999,999,999; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("phải là số nguyên")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = cell_text(value).rstrip(".")
        if re.fullmatch(r"\d{1,30}", text):
            number = int(text)
        elif re.fullmatch(r"\d+", text):
            raise ValueError(f"số có {len(text)} chữ số, quá lớn (tối đa {format_count(_INT_MAX)})")
    if number is None:
        shown = cell_text(value)
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        raise ValueError(f"«{shown}» không phải số nguyên")
    if not 0 <= number <= _INT_MAX:
        raise ValueError(f"số {format_count(number)} nằm ngoài khoảng 0 – {format_count(_INT_MAX)}")
    return number


# The limits of the file being parsed, set by `run` for the length of one parse.
LIMITS: ContextVar[ImportLimits | None] = ContextVar("import_limits", default=None)


def current_limits() -> ImportLimits:
    """The limits of the file being parsed (set by `run`), else the configured ones."""
    return LIMITS.get() or config.import_limits()


def plausible(day: date) -> date:
    """The day when its year is plausible (CDDH_PLAUSIBLE_YEARS); ValueError otherwise."""
    limits = current_limits()
    if not limits.first_year <= day.year <= limits.last_year:
        raise ValueError(
            f"ngày {format_vn(day)} không hợp lý: năm phải từ {limits.first_year} đến "
            f"{limits.last_year} (CDDH_PLAUSIBLE_YEARS)"
        )
    return day


def cell_list(value: Any) -> list[str]:
    """Items of a list cell: a JSON list, or text separated by ';' or new lines."""
    if isinstance(value, list):
        items = [cell_text(v) for v in value if not blank(v)]
    else:
        items = [nfc(part) for part in re.split(r"[;\n\r]", str(value))]
    return [item for item in items if item]
