"""Reporting periods (kỳ báo cáo): Decree 09/2019/NĐ-CP Art. 12 cut-offs or calendar periods.

Rule ``"decree09"``: the report for month M covers the 15th of month M-1 to the 14th of month M;
a quarter, a half, nine months and a year run from the 15th of the month before their first
month to the 14th of their last month (so Q1, H1, nine months and the year start on 15/12 of
the previous year). Rule ``"calendar"``: calendar months, quarters, halves, 1/1–30/9, years.

Every period has a report key: month "2026-11", quarter "2026-Q4", half "2026-H1"/"2026-H2",
nine months "2026-9M", year "2026", custom "2026-03-01..2026-03-31".

Nine months has no window containing the dates after it (15/09–14/12 under decree09,
October–December under calendar): ``period_containing("nine_months", d)`` then returns the
latest nine-months period that started on or before ``d`` (the one of the same report year),
whose ``contains(d)`` is False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal, get_args

from core import config
from core.dates import format_vn

PeriodKind = Literal["month", "quarter", "half", "nine_months", "year", "custom"]
PeriodRule = Literal["decree09", "calendar"]

PERIOD_KINDS: tuple[PeriodKind, ...] = get_args(PeriodKind)
PERIOD_RULES: tuple[PeriodRule, ...] = get_args(PeriodRule)

KIND_LABELS: dict[PeriodKind, str] = {
    "month": "Tháng",
    "quarter": "Quý",
    "half": "6 tháng",
    "nine_months": "9 tháng",
    "year": "Năm",
    "custom": "Tùy chọn",
}
RULE_LABELS: dict[PeriodRule, str] = {
    "decree09": "Theo Nghị định 09/2019/NĐ-CP (từ ngày 15 đến ngày 14)",
    "calendar": "Theo tháng, quý, năm dương lịch",
}

# How many periods of a kind a year holds, and which report months the n-th one spans.
_PER_YEAR: dict[PeriodKind, int] = {
    "month": 12,
    "quarter": 4,
    "half": 2,
    "nine_months": 1,
    "year": 1,
}
_ROMAN = ("I", "II", "III", "IV")

_KEY_PATTERNS: dict[PeriodKind, re.Pattern[str]] = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE),
    "half": re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE),
    "nine_months": re.compile(r"^(\d{4})-9M$", re.IGNORECASE),
    "year": re.compile(r"^(\d{4})$"),
}
_KEY_EXAMPLES: dict[PeriodKind, str] = {
    "month": "2026-11",
    "quarter": "2026-Q4",
    "half": "2026-H1",
    "nine_months": "2026-9M",
    "year": "2026",
    "custom": "2026-03-01..2026-03-31",
}
_CUSTOM_KEY = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def _check_kind(kind: str) -> PeriodKind:
    if kind not in PERIOD_KINDS:
        raise ValueError(
            f"Loại kỳ báo cáo «{kind}» không hợp lệ (chỉ chấp nhận: {', '.join(PERIOD_KINDS)})."
        )
    return kind


def _check_rule(rule: str) -> PeriodRule:
    if rule not in PERIOD_RULES:
        raise ValueError(
            f"Quy tắc kỳ báo cáo «{rule}» không hợp lệ (chỉ chấp nhận: {', '.join(PERIOD_RULES)})."
        )
    return rule


@dataclass(frozen=True)
class Period:
    """A reporting period: its kind, rule, inclusive bounds, report key and Vietnamese label."""

    kind: PeriodKind
    rule: PeriodRule
    start: date
    end: date
    report: str
    label: str

    def __post_init__(self) -> None:
        _check_kind(self.kind)
        _check_rule(self.rule)
        if self.start > self.end:
            raise ValueError(
                f"Kỳ báo cáo không hợp lệ: ngày bắt đầu (start) {format_vn(self.start)} "
                f"sau ngày kết thúc (end) {format_vn(self.end)}."
            )

    def contains(self, d: date) -> bool:
        """True when ``d`` lies in [start, end]."""
        return self.start <= d <= self.end

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict[str, str]:
        """Plain form with ISO dates (for JSON, query parameters and caches)."""
        return {
            "kind": self.kind,
            "rule": self.rule,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "report": self.report,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Period:
        """Inverse of ``to_dict`` (the report key and label are recomputed)."""
        kind = _check_kind(str(data["kind"]))
        rule = _check_rule(str(data["rule"]))
        if kind == "custom":
            return custom_period(
                date.fromisoformat(str(data["start"])),
                date.fromisoformat(str(data["end"])),
                rule=rule,
            )
        return period_for_report(kind, str(data["report"]), rule)


def default_rule() -> PeriodRule:
    """The configured rule: environment variable CDDH_PERIOD_RULE (default "decree09")."""
    value = config.get("CDDH_PERIOD_RULE").strip().lower()
    if value not in PERIOD_RULES:
        raise ValueError(
            f"Giá trị CDDH_PERIOD_RULE «{value}» không hợp lệ "
            f"(chỉ chấp nhận: {', '.join(PERIOD_RULES)})."
        )
    return value


# --------------------------------------------------------------------------- standard periods
def _month_span(kind: PeriodKind, n: int) -> tuple[int, int]:
    """First and last report month of the n-th period of ``kind`` in a year."""
    if kind == "month":
        return n, n
    if kind == "quarter":
        return 3 * n - 2, 3 * n
    if kind == "half":
        return 6 * n - 5, 6 * n
    if kind == "nine_months":
        return 1, 9
    return 1, 12


def _report_month_start(rule: PeriodRule, year: int, month: int) -> date:
    if rule == "calendar":
        return date(year, month, 1)
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def _report_month_end(rule: PeriodRule, year: int, month: int) -> date:
    if rule == "calendar":
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return following - timedelta(days=1)
    return date(year, month, 14)


def _report_key(kind: PeriodKind, year: int, n: int) -> str:
    if kind == "month":
        return f"{year:04d}-{n:02d}"
    if kind == "quarter":
        return f"{year:04d}-Q{n}"
    if kind == "half":
        return f"{year:04d}-H{n}"
    if kind == "nine_months":
        return f"{year:04d}-9M"
    return f"{year:04d}"


def _label(kind: PeriodKind, year: int, n: int) -> str:
    if kind == "month":
        return f"Tháng {n}/{year}"
    if kind == "quarter":
        return f"Quý {_ROMAN[n - 1]}/{year}"
    if kind == "half":
        return f"6 tháng {'đầu' if n == 1 else 'cuối'} năm {year}"
    if kind == "nine_months":
        return f"9 tháng năm {year}"
    return f"Năm {year}"


def _standard(kind: PeriodKind, rule: PeriodRule, year: int, n: int) -> Period:
    first, last = _month_span(kind, n)
    return Period(
        kind=kind,
        rule=rule,
        start=_report_month_start(rule, year, first),
        end=_report_month_end(rule, year, last),
        report=_report_key(kind, year, n),
        label=_label(kind, year, n),
    )


def parse_report_key(kind: PeriodKind, s: str) -> tuple[int, int]:
    """Year and number of a report key: (2026, 11) for month "2026-11", (2026, 4) for "2026-Q4".

    The number is the month (1–12), quarter (1–4) or half (1–2); it is 1 for nine months and
    year. Custom keys have no such number: use ``period_for_report("custom", key)``. Raises
    ValueError with a Vietnamese message on a malformed key.
    """
    kind = _check_kind(kind)
    text = str(s).strip()
    pattern = _KEY_PATTERNS.get(kind)
    match = pattern.match(text) if pattern is not None else None
    if match is None:
        raise ValueError(
            f"Mã kỳ báo cáo «{text}» không hợp lệ cho loại kỳ «{KIND_LABELS[kind]}» "
            f"(ví dụ: {_KEY_EXAMPLES[kind]})."
        )
    year = int(match.group(1))
    n = int(match.group(2)) if kind in ("month", "quarter", "half") else 1
    if year < 2:
        raise ValueError(f"Năm của kỳ báo cáo «{text}» không hợp lệ.")
    return year, n


def period_for_report(kind: PeriodKind, report: str, rule: PeriodRule = "decree09") -> Period:
    """The period whose report key is ``report`` (e.g. "2026-11", "2026-Q4", "2026")."""
    kind = _check_kind(kind)
    rule = _check_rule(rule)
    if kind == "custom":
        text = str(report).strip()
        match = _CUSTOM_KEY.match(text)
        if match is None:
            raise ValueError(
                f"Mã kỳ báo cáo «{text}» không hợp lệ cho loại kỳ «{KIND_LABELS[kind]}» "
                f"(ví dụ: {_KEY_EXAMPLES[kind]})."
            )
        try:
            start, end = (date.fromisoformat(g) for g in match.groups())
        except ValueError:
            raise ValueError(f"Mã kỳ báo cáo «{text}» chứa ngày không có thật.") from None
        return custom_period(start, end, rule=rule)
    year, n = parse_report_key(kind, report)
    return _standard(kind, rule, year, n)


def period_containing(kind: PeriodKind, d: date, rule: PeriodRule = "decree09") -> Period:
    """The period of ``kind`` whose window holds ``d`` (see the module docstring for 9 months)."""
    kind = _check_kind(kind)
    rule = _check_rule(rule)
    if kind == "custom":
        raise ValueError(
            "Kỳ tùy chọn không suy ra được từ một ngày: hãy chọn ngày bắt đầu và kết thúc."
        )
    year, month = d.year, d.month
    if rule == "decree09" and d.day >= 15:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if kind == "month":
        n = month
    elif kind == "quarter":
        n = (month - 1) // 3 + 1
    elif kind == "half":
        n = (month - 1) // 6 + 1
    else:
        n = 1
    return _standard(kind, rule, year, n)


# --------------------------------------------------------------------------- custom periods
def custom_period(start: date, end: date, *, rule: PeriodRule = "decree09") -> Period:
    """A period chosen by the user, [start, end] inclusive; refuses start after end."""
    rule = _check_rule(rule)
    if start > end:
        raise ValueError(
            f"Kỳ tùy chọn không hợp lệ: «Từ ngày» (start) {format_vn(start)} "
            f"sau «Đến ngày» (end) {format_vn(end)}."
        )
    return Period(
        kind="custom",
        rule=rule,
        start=start,
        end=end,
        report=f"{start.isoformat()}..{end.isoformat()}",
        label=f"Từ {format_vn(start)} đến {format_vn(end)}",
    )


def _year_earlier(d: date) -> date:
    """Same day one year earlier; 29/02 becomes 28/02."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return date(d.year - 1, 2, 28)


# --------------------------------------------------------------------------- navigation
def previous_period(p: Period) -> Period:
    """The period just before ``p``: the previous month, quarter, half or year.

    Nine months: the previous year's. Custom: the window of equal length ending the day before.
    """
    if p.kind == "custom":
        return custom_period(
            p.start - timedelta(days=p.days), p.start - timedelta(days=1), rule=p.rule
        )
    year, n = parse_report_key(p.kind, p.report)
    if n > 1:
        return _standard(p.kind, p.rule, year, n - 1)
    return _standard(p.kind, p.rule, year - 1, _PER_YEAR[p.kind])


def same_period_last_year(p: Period) -> Period:
    """The same period one year earlier (custom: both ends shifted, 29/02 → 28/02)."""
    if p.kind == "custom":
        return custom_period(_year_earlier(p.start), _year_earlier(p.end), rule=p.rule)
    year, n = parse_report_key(p.kind, p.report)
    return _standard(p.kind, p.rule, year - 1, n)


def last_n_periods(p: Period, n: int) -> list[Period]:
    """The ``n`` periods ending with ``p``, oldest first (empty for n = 0)."""
    if n < 0:
        raise ValueError(f"Số kỳ (n) phải là số không âm, nhận được {n}.")
    result: list[Period] = []
    current = p
    for _ in range(n):
        result.append(current)
        current = previous_period(current)
    result.reverse()
    return result


# --------------------------------------------------------------------------- one meaning each
def year_to_date(d: date, rule: PeriodRule = "decree09") -> Period:
    """«Lũy kế»: from the start of the reporting year containing D to D itself.

    Under Decree 09/2019 the year starts on 15/12 of the year before; under the calendar rule on
    01/01. The one meaning of «lũy kế» on every page and in every briefing; its label names the
    days («Lũy kế từ 15/12/2025 đến 29/11/2026»).
    """
    year = period_containing("year", d, rule)
    window = custom_period(year.start, d, rule=rule)
    return replace(window, label=f"Lũy kế từ {format_vn(year.start)} đến {format_vn(d)}")


def latest_ended(kind: PeriodKind, d: date, rule: PeriodRule = "decree09") -> Period:
    """The latest period of this kind that has ended by D (its last day is before D).

    The default of every «kết quả kỳ» view and of the briefing: a period still running is only a
    part, never compared with whole ones by default.
    """
    if kind == "custom":
        raise ValueError("Kỳ tùy chọn không có «kỳ đã kết thúc gần nhất».")
    p = period_containing(kind, d, rule)
    return p if p.end < d else previous_period(p)


def elapsed_share(p: Period, d: date) -> tuple[int, int] | None:
    """(days elapsed up to D inclusive, days in the period) when D falls inside a running period;
    None when the period has ended by D (or not begun)."""
    if not (p.start <= d < p.end):
        return None
    return (d - p.start).days + 1, p.days
