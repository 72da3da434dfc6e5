"""Days of the generator: working days tabulated for speed, BSON days and local instants."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta
from functools import cache

from core.calendar import WorkCalendar
from core.dates import to_bson_day


class _Days:
    """WorkCalendar's working days tabulated over a range, for fast lookups (same answers)."""

    def __init__(self, cal: WorkCalendar, first: date, last: date) -> None:
        self.cal = cal
        self.first = first.toordinal()
        self.last = last.toordinal()
        self.ords = [o for o in range(self.first, self.last + 1) if cal.is_working_day(_d(o))]
        self.set = frozenset(self.ords)

    def is_working_day(self, d: date) -> bool:
        o = d.toordinal()
        if self.first <= o <= self.last:
            return o in self.set
        return self.cal.is_working_day(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (n > 0), as WorkCalendar.add_working_days."""
        o = d.toordinal()
        if n > 0 and self.first <= o <= self.last:
            i = bisect_right(self.ords, o) - 1 + n
            if 0 <= i < len(self.ords):
                return _d(self.ords[i])
        return self.cal.add_working_days(d, n)


def _d(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def _working_on_or_after(cal: WorkCalendar | _Days, d: date) -> date:
    return d if cal.is_working_day(d) else cal.add_working_days(d, 1)


@cache
def _bday(d: date) -> datetime:
    """to_bson_day, cached: a few thousand distinct days are converted millions of times."""
    return to_bson_day(d)


def _instant(d: date, hour: int, minute: int) -> datetime:
    """A local time of day `d` in Asia/Ho_Chi_Minh, as a UTC instant."""
    return _bday(d) + timedelta(hours=hour, minutes=minute)


def _day(d: date | None) -> datetime | None:
    return _bday(d) if d is not None else None


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _safe_replace_year(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)
