"""The one place where calendar days and instants are converted (ngày, thời điểm).

Representation (see docs/data-model.md): a *day* (deadline, assigned, completed...) is stored
as the BSON datetime of that day's local midnight in Asia/Ho_Chi_Minh (UTC+7, no daylight
saving), i.e. 17:00 UTC of the previous day. An *instant* (when an event happened) is stored
as itself (UTC). Grouping on the server therefore always uses timezone "Asia/Ho_Chi_Minh".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TZ_NAME = "Asia/Ho_Chi_Minh"
TZ = ZoneInfo(TZ_NAME)
_OFFSET = timedelta(hours=7)
_FIXED = timezone(_OFFSET)


def to_bson_day(d: date) -> datetime:
    """The stored form of a local calendar day: its local midnight as a UTC-aware datetime."""
    if isinstance(d, datetime):
        raise TypeError("to_bson_day expects a date, not a datetime")
    return datetime(d.year, d.month, d.day, tzinfo=_FIXED).astimezone(UTC)


def from_bson_day(dt: datetime) -> date:
    """The local calendar day of a stored day value (or of any instant)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(_FIXED).date()


def local_day_of(instant: datetime) -> date:
    """The Asia/Ho_Chi_Minh calendar day an instant falls on."""
    return from_bson_day(instant)


def now_utc() -> datetime:
    """The current instant, UTC-aware."""
    return datetime.now(UTC)


def today_local() -> date:
    """Today's date in Asia/Ho_Chi_Minh."""
    return now_utc().astimezone(TZ).date()


def format_vn(d: date | None) -> str:
    """dd/mm/yyyy, the form users read; '' for None."""
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_VN = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_day(value: object) -> date:
    """Parse a day given as a date, an ISO 'YYYY-MM-DD' string or a Vietnamese 'dd/mm/yyyy'.

    Raises ValueError with a Vietnamese message when the value is not a valid day.
    """
    if isinstance(value, datetime):
        return value.date() if value.tzinfo is None else from_bson_day(value)
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _VN.match(text)
        if not m:
            raise ValueError(f"«{text}» không phải ngày hợp lệ (dạng dd/mm/yyyy hoặc yyyy-mm-dd)")
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"«{text}» không phải ngày có thật") from None


# The days a figure can be computed as of (ngày xem): the working-day calendar and the periods
# are built for this span; a link or an option outside it gets a clear refusal.
AS_OF_FIRST = date(2001, 1, 1)
AS_OF_LAST = date(2099, 12, 31)


def check_as_of(d: date) -> date:
    """`d` when figures can be computed as of it; ValueError (Vietnamese) otherwise."""
    if not AS_OF_FIRST <= d <= AS_OF_LAST:
        raise ValueError(
            f"ngày {format_vn(d)} nằm ngoài khoảng tính được "
            f"({format_vn(AS_OF_FIRST)} – {format_vn(AS_OF_LAST)})"
        )
    return d


def check_plausible(d: date) -> date:
    """`d` when its year is within CDDH_PLAUSIBLE_YEARS; ValueError (Vietnamese) otherwise."""
    from core.config import plausible_years

    first, last = plausible_years()
    if not first <= d.year <= last:
        raise ValueError(f"ngày {format_vn(d)} nằm ngoài khoảng năm hợp lý ({first}–{last})")
    return d


def plausible_day(value: object) -> date:
    """A day parsed as `parse_day` does, refused (ValueError) when outside the plausible years."""
    return check_plausible(parse_day(value))


def optional_day(value: object) -> date | None:
    """A day from None, a stored datetime, a date or a string ('' and None give None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_day(value)
