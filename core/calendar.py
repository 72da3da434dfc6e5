"""The working-day calendar (ngày làm việc): weekends, public holidays and make-up workdays.

A working day is Monday–Friday, minus Vietnamese public holidays, minus the extra holidays the
province records, plus the make-up working days (ngày làm bù) the Government announces.

Precedence, strongest first: an extra workday, an extra holiday, the ``holidays`` package (its
make-up Saturdays, then its holidays), the weekday rule (Saturday and Sunday off).

What ``holidays`` 0.109 gives for Vietnam (checked, not assumed):

* ``holidays.country_holidays("VN", language="vi")`` lists the public holidays, Tết by the lunar
  calendar (including the observed days it moves off a weekend), the substituted days off
  ("Ngày nghỉ (thay cho ngày 26/04/2025)") and, from 2026, "Ngày Văn hóa Việt Nam" (24/11). It
  only knows the years 1901–2100; other years have weekends only (plus our extra days).
* VN has no ``WORKDAY`` category (``supported_categories == ("public",)``), but every
  ``HolidayBase`` exposes ``weekend_workdays``: the weekend days a substituted day off was swapped
  from, i.e. the make-up working days (e.g. 26/04/2025, 22/08/2026, 27/12/2014, 05/01/2019). They
  are used here as make-up workdays with source ``"holidays"``.
* It does not know every announcement (a swap decided after the release, or a provincial one),
  so the calendar stays editable data: ``extra_holidays`` and ``extra_workdays``.

Speed: each year is computed once into sorted ordinal arrays; ``working_day_index`` is a weekday
formula plus two ``bisect`` calls and a per-year cumulative correction, so counts over decades are
O(log n), and ``add_working_days`` is a galloping binary search on that index.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import holidays

from core.dates import TZ_NAME, to_bson_day

DayKind = Literal["holiday", "workday"]
DaySource = Literal["holidays", "calendar"]

# A Monday: the origin of working_day_index. Its year is the origin of the cumulative corrections.
EPOCH = date(2000, 1, 3)
_EPOCH_ORD = EPOCH.toordinal()
_BASE_YEAR = EPOCH.year

DEFAULT_EXTRA_HOLIDAY_NAME = "Ngày nghỉ bổ sung"
DEFAULT_EXTRA_WORKDAY_NAME = "Ngày làm việc bù"


@dataclass(frozen=True)
class CalendarDay:
    """A day that departs from the weekday rule: a day off or a (make-up) working day."""

    date: date
    name: str
    kind: DayKind
    source: DaySource

    def to_dict(self) -> dict[str, str]:
        """Plain form with an ISO date, for JSON and DataFrames."""
        return {
            "date": self.date.isoformat(),
            "name": self.name,
            "kind": self.kind,
            "source": self.source,
        }


@dataclass(frozen=True)
class _Year:
    """Precomputed facts of one year (ordinals are date.toordinal())."""

    off_weekdays: tuple[int, ...]  # Mon–Fri days that are not working days, sorted
    work_weekends: tuple[int, ...]  # Sat/Sun days that are working days, sorted
    off_set: frozenset[int]
    work_set: frozenset[int]
    days_off: tuple[CalendarDay, ...]
    make_up_workdays: tuple[CalendarDay, ...]

    @property
    def net(self) -> int:
        """Working days this year gains over the plain weekday rule."""
        return len(self.work_weekends) - len(self.off_weekdays)


def _weekday_count(t: int) -> int:
    """Number of Mon–Fri days in [EPOCH, EPOCH + t) (negative when t < 0)."""
    weeks, rem = divmod(t, 7)
    return weeks * 5 + min(rem, 5)


def _normalize_days(
    days: Mapping[date, str] | Iterable[date], default_name: str
) -> dict[date, str]:
    items: Iterable[tuple[date, str]]
    if isinstance(days, Mapping):
        items = days.items()
    else:
        items = ((d, default_name) for d in days)
    result: dict[date, str] = {}
    for d, name in items:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"expected a date, got {d!r}")
        result[d] = str(name).strip() or default_name
    return result


def _package_range() -> tuple[int, int]:
    probe = holidays.country_holidays("VN")
    return int(getattr(probe, "start_year", 1901)), int(getattr(probe, "end_year", 2100))


_PKG_START, _PKG_END = _package_range()


class WorkCalendar:
    """Working days of the Vietnamese public sector, with the province's own additions."""

    def __init__(
        self,
        extra_holidays: Mapping[date, str] | Iterable[date] = (),
        extra_workdays: Mapping[date, str] | Iterable[date] = (),
    ) -> None:
        self._extra_holidays = _normalize_days(extra_holidays, DEFAULT_EXTRA_HOLIDAY_NAME)
        self._extra_workdays = _normalize_days(extra_workdays, DEFAULT_EXTRA_WORKDAY_NAME)
        self._extra_years = frozenset(d.year for d in self._extra_holidays) | frozenset(
            d.year for d in self._extra_workdays
        )
        self._years: dict[int, _Year] = {}
        self._cum_before: dict[int, int] = {_BASE_YEAR: 0}
        self._lock = threading.RLock()

    @property
    def extra_holidays(self) -> dict[date, str]:
        """The extra days off given to this calendar (a copy)."""
        return dict(self._extra_holidays)

    @property
    def extra_workdays(self) -> dict[date, str]:
        """The extra working days given to this calendar (a copy)."""
        return dict(self._extra_workdays)

    # ----------------------------------------------------------------- per-year data
    def _year(self, year: int) -> _Year:
        data = self._years.get(year)
        if data is None:
            with self._lock:
                data = self._years.get(year)
                if data is None:
                    data = self._build_year(year)
                    self._years[year] = data
        return data

    def _build_year(self, year: int) -> _Year:
        pkg_holidays: dict[date, str] = {}
        pkg_workdays: dict[date, str] = {}
        if _PKG_START <= year <= _PKG_END:
            # The neighbouring years too: a make-up day can be swapped for a day off across New
            # Year (27/12/2014 for 02/01/2015, 05/01/2019 for 31/12/2018); its name cites it.
            years = [y for y in (year - 1, year, year + 1) if _PKG_START <= y <= _PKG_END]
            pkg = holidays.country_holidays("VN", language="vi", years=years)
            all_holidays = {d: str(n) for d, n in pkg.items()}
            pkg_holidays = {d: n for d, n in all_holidays.items() if d.year == year}
            for d in sorted(pkg.weekend_workdays):
                if d.year == year:
                    pkg_workdays[d] = _make_up_name(d, all_holidays)

        off: dict[date, CalendarDay] = {}
        work: dict[date, CalendarDay] = {}
        for d, name in pkg_holidays.items():
            off[d] = CalendarDay(d, name, "holiday", "holidays")
        for d, name in pkg_workdays.items():
            work[d] = CalendarDay(d, name, "workday", "holidays")
        for d, name in self._extra_holidays.items():
            if d.year == year:
                off[d] = CalendarDay(d, name, "holiday", "calendar")
                work.pop(d, None)
        for d, name in self._extra_workdays.items():
            if d.year == year:
                work[d] = CalendarDay(d, name, "workday", "calendar")
                off.pop(d, None)

        off_weekdays = sorted(d.toordinal() for d in off if d.weekday() < 5)
        work_weekends = sorted(d.toordinal() for d in work if d.weekday() >= 5)
        return _Year(
            off_weekdays=tuple(off_weekdays),
            work_weekends=tuple(work_weekends),
            off_set=frozenset(off_weekdays),
            work_set=frozenset(work_weekends),
            days_off=tuple(off[d] for d in sorted(off)),
            make_up_workdays=tuple(work[d] for d in sorted(work)),
        )

    def _has_exceptions(self, year: int) -> bool:
        return _PKG_START <= year <= _PKG_END or year in self._extra_years

    def _cumulative_before(self, year: int) -> int:
        """Sum of the yearly corrections between the base year and ``year`` (signed)."""
        cached = self._cum_before.get(year)
        if cached is not None:
            return cached
        if year > _BASE_YEAR:
            total = sum(
                self._year(y).net for y in range(_BASE_YEAR, year) if self._has_exceptions(y)
            )
        else:
            total = -sum(
                self._year(y).net for y in range(year, _BASE_YEAR) if self._has_exceptions(y)
            )
        self._cum_before[year] = total
        return total

    def _correction(self, d: date) -> int:
        """Working-day index minus the plain weekday count, at ``d``."""
        data = self._year(d.year)
        o = d.toordinal()
        return (
            self._cumulative_before(d.year)
            + bisect_right(data.work_weekends, o)
            - bisect_right(data.off_weekdays, o)
        )

    # ----------------------------------------------------------------- public API
    def is_working_day(self, d: date) -> bool:
        """True when civil servants work on ``d``."""
        data = self._year(d.year)
        o = d.toordinal()
        if d.weekday() < 5:
            return o not in data.off_set
        return o in data.work_set

    def working_day_index(self, d: date) -> int:
        """Ordinal of working days: ``working_days_between(a, b) == index(b) - index(a)``.

        It counts the working days in [EPOCH, d] (03/01/2000, negative before), so it only
        increases on working days and a working day's index is distinct from its neighbours'.
        """
        return _weekday_count(d.toordinal() - _EPOCH_ORD + 1) + self._correction(d)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative (minus those in (b, a]) when b < a; 0 when equal."""
        return self.working_day_index(b) - self.working_day_index(a)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` never counted); before it when n < 0."""
        if n == 0:
            return d
        if n > 0:
            target = self.working_day_index(d) + n
        else:
            target = self.working_day_index(d - timedelta(days=1)) + n + 1
        return self._first_day_with_index(target)

    def _first_day_with_index(self, target: int) -> date:
        """The earliest day whose working-day index is at least ``target`` (a working day)."""
        # Start from the answer under the plain weekday rule, then gallop and bisect.
        weeks, rem = divmod(target - 1, 5)
        guess = _EPOCH_ORD + weeks * 7 + rem

        def index_at(o: int) -> int:
            return self.working_day_index(date.fromordinal(o))

        step = 8
        if index_at(guess) >= target:
            hi = guess
            lo = hi - step
            while index_at(lo) >= target:
                hi, step = lo, step * 2
                lo = hi - step
        else:
            lo = guess
            hi = lo + step
            while index_at(hi) < target:
                lo, step = hi, step * 2
                hi = lo + step
        # Invariant: index_at(lo) < target <= index_at(hi).
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if index_at(mid) >= target:
                hi = mid
            else:
                lo = mid
        return date.fromordinal(hi)

    def days_off(self, year: int) -> list[CalendarDay]:
        """Public and extra holidays of ``year`` (also those on a weekend), by date.

        A holiday cancelled by an extra workday is not listed.
        """
        return list(self._year(year).days_off)

    def make_up_workdays(self, year: int) -> list[CalendarDay]:
        """Make-up working days of ``year`` (the package's and the extra ones), by date."""
        return list(self._year(year).make_up_workdays)

    def non_working_weekdays(self, start: date, end: date) -> list[date]:
        """Monday–Friday days off in [start, end]."""
        return [date.fromordinal(o) for o in self._ordinals_in("off", start, end)]

    def working_weekend_days(self, start: date, end: date) -> list[date]:
        """Saturdays and Sundays that are (make-up) working days in [start, end]."""
        return [date.fromordinal(o) for o in self._ordinals_in("work", start, end)]

    def _ordinals_in(self, which: Literal["off", "work"], start: date, end: date) -> list[int]:
        lo, hi = start.toordinal(), end.toordinal()
        result: list[int] = []
        for year in range(start.year, end.year + 1):
            if not self._has_exceptions(year):
                continue
            data = self._year(year)
            arr = data.off_weekdays if which == "off" else data.work_weekends
            result.extend(arr[bisect_left(arr, lo) : bisect_right(arr, hi)])
        return result


def _make_up_name(workday: date, holidays_by_date: Mapping[date, str]) -> str:
    """Name of a make-up workday after the day off it was swapped for."""
    stamp = f"{workday.day:02d}/{workday.month:02d}/{workday.year:04d}"
    for day_off, name in sorted(holidays_by_date.items()):
        if stamp in name:
            return (
                f"{DEFAULT_EXTRA_WORKDAY_NAME} (cho ngày nghỉ "
                f"{day_off.day:02d}/{day_off.month:02d}/{day_off.year:04d})"
            )
    return DEFAULT_EXTRA_WORKDAY_NAME


def working_day_index_expr(
    cal: WorkCalendar, day_expr: Any, start: date, end: date
) -> dict[str, Any]:
    """MongoDB expression of ``cal.working_day_index`` for a stored day (BSON local midnight).

    Exact for every day of the years ``start.year`` to ``end.year`` (a superset of [start, end]);
    null outside them and for a missing day. The weekday count comes from arithmetic on the days
    since EPOCH; the correction of the day's year is one constant (picked with ``$arrayElemAt``)
    plus the sizes of two ``$filter`` s over that year's make-up weekend days and weekdays off,
    so the work per document is bounded by one year's exceptions. MongoDB 5.0+ ($dateDiff).
    """
    if start > end:
        raise ValueError("start must not be after end")
    years = list(range(start.year, end.year + 1))
    constants: list[int] = []
    works: list[list[int]] = []
    offs: list[list[int]] = []
    for year in years:
        data = cal._year(year)
        constants.append(cal._cumulative_before(year))
        works.append([o - _EPOCH_ORD for o in data.work_weekends])
        offs.append([o - _EPOCH_ORD for o in data.off_weekdays])

    def count_le(arrays: list[list[int]]) -> dict[str, Any]:
        return {
            "$size": {
                "$filter": {
                    "input": {"$arrayElemAt": [{"$literal": arrays}, "$$yi"]},
                    "as": "x",
                    "cond": {"$lte": ["$$x", "$$t"]},
                }
            }
        }

    weekday_count = {
        "$let": {
            "vars": {"w": {"$floor": {"$divide": [{"$add": ["$$t", 1]}, 7]}}},
            "in": {
                "$add": [
                    {"$multiply": ["$$w", 5]},
                    {"$min": [{"$subtract": [{"$add": ["$$t", 1]}, {"$multiply": ["$$w", 7]}]}, 5]},
                ]
            },
        }
    }
    index = {
        "$toLong": {
            "$add": [
                weekday_count,
                {"$arrayElemAt": [{"$literal": constants}, "$$yi"]},
                count_le(works),
                {"$multiply": [-1, count_le(offs)]},
            ]
        }
    }
    return {
        "$let": {
            "vars": {
                "t": {
                    "$dateDiff": {
                        "startDate": to_bson_day(EPOCH),
                        "endDate": day_expr,
                        "unit": "day",
                        "timezone": TZ_NAME,
                    }
                },
                "yi": {
                    "$subtract": [{"$year": {"date": day_expr, "timezone": TZ_NAME}}, start.year]
                },
            },
            "in": {
                "$cond": [
                    {"$and": [{"$gte": ["$$yi", 0]}, {"$lt": ["$$yi", len(years)]}]},
                    index,
                    None,
                ]
            },
        }
    }
