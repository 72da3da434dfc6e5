"""What a briefing covers: the request, its scope, cut-off and report dates, settings, data."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from core import config
from core.accountability import Accountability
from core.briefing.signer import Signer
from core.briefing.wording import recipients_setting
from core.calendar import WorkCalendar
from core.dates import format_vn
from core.periods import (
    Period,
    latest_ended,
    year_to_date,
)
from core.repository import Repository
from core.rows import Comparison, DueSoon, OverdueTaskRow, StatusResult, StatusRow, TrendRow
from core.text import fold

SCOPE_KINDS: tuple[str, ...] = ("province", "portfolio", "unit")


@dataclass(frozen=True)
class BriefingScope:
    """The whole province, one leader's portfolio, or one unit (phạm vi báo cáo)."""

    kind: str = "province"
    key: str | None = None
    name: str = "Toàn tỉnh"
    units: frozenset[str] | None = None

    def phrase(self) -> str:
        """Words placed after 'do UBND tỉnh, Chủ tịch UBND tỉnh giao' in the abstract line."""
        if self.kind == "portfolio":
            return f" thuộc lĩnh vực {self.name} phụ trách"
        if self.kind == "unit":
            return f" {self.name}"
        return ""

    def slug(self) -> str:
        """ASCII piece of a file name."""
        if self.kind == "province":
            return "toan-tinh"
        return "".join(ch if ch.isalnum() else "-" for ch in fold(str(self.key))).strip("-")


def resolve_scope(repo: Repository, kind: str, key: str | None, on: date) -> BriefingScope:
    """The units a scope covers on a day; portfolios include delegations in force then."""
    if kind not in SCOPE_KINDS:
        raise ValueError(f"phạm vi: «{kind}» không hợp lệ (chọn {', '.join(SCOPE_KINDS)})")
    if kind == "province":
        return BriefingScope()
    if not key:
        raise ValueError("phạm vi: thiếu mã lãnh đạo hoặc mã đơn vị")
    if kind == "unit":
        unit = repo.unit(key)
        if unit is None:
            raise ValueError(f"--unit: không có đơn vị mã «{key}»")
        return BriefingScope("unit", key, str(unit["name"]), frozenset({key}))
    leader = repo.leader(key)
    if leader is None or leader.get("title") not in ("chairman", "vice_chairman"):
        raise ValueError(f"--portfolio: «{key}» không phải Chủ tịch hoặc Phó Chủ tịch UBND tỉnh")
    from core.explorer import portfolio_units

    mine = portfolio_units(repo.units(), repo.leaders(), repo.delegations(as_of=on), key, on)
    codes = set(mine["own"]) | set(mine["delegated"])
    title = "Chủ tịch UBND tỉnh" if leader["title"] == "chairman" else "Phó Chủ tịch UBND tỉnh"
    return BriefingScope("portfolio", key, f"{title} {leader['name']}", frozenset(codes))


@dataclass(frozen=True)
class DocSettings:
    """Settings printed in documents (CDDH_PROVINCE, CDDH_PLACE, …), read once."""

    province: str
    place: str
    office_abbr: str
    regulation: str
    briefing_recipients: tuple[str, ...]
    urge_recipients: tuple[str, ...]
    annex_limit: int
    urge_limit: int = 500

    @classmethod
    def from_config(cls) -> DocSettings:
        """The current settings."""
        return cls(
            province=config.get("CDDH_PROVINCE"),
            place=config.get("CDDH_PLACE"),
            office_abbr=config.get("CDDH_OFFICE_ABBR"),
            regulation=config.get("CDDH_TRACKING_REGULATION"),
            briefing_recipients=tuple(recipients_setting("CDDH_BRIEFING_RECIPIENTS")),
            urge_recipients=tuple(recipients_setting("CDDH_URGE_RECIPIENTS")),
            annex_limit=int(config.get("CDDH_BRIEFING_ANNEX_LIMIT")),
            urge_limit=int(config.get("CDDH_URGE_TASK_LIMIT")),
        )


@dataclass(frozen=True)
class BriefingRequest:
    """What to report on: the period, the scope, who signs, the report date and number."""

    period: Period
    scope_kind: str = "province"
    scope_key: str | None = None
    signer_id: str | None = None
    report_date: date | None = None
    number: str = ""
    priority_only: bool = False


@dataclass
class BriefingData:
    """Everything a briefing shows, as summaries (no database handle)."""

    period: Period
    year: Period  # «lũy kế»: year_to_date(as_of), from the reporting year's start to the cut-off
    as_of: date
    report_date: date
    scope: BriefingScope
    signer: Signer
    accountability: Accountability
    settings: DocSettings
    number: str
    compare: Comparison
    cumulative: StatusRow
    cumulative_last_year: StatusRow
    units: StatusResult
    unit_kinds: dict[str, str]
    unit_names: dict[str, str]
    unit_change: dict[str, dict[str, Any]]
    trend: list[TrendRow]
    age: dict[str, Any]
    overdue: list[OverdueTaskRow]
    due_soon: DueSoon
    discipline: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    charts: dict[str, bytes] = field(default_factory=dict)
    short_names: dict[str, str] = field(default_factory=dict)

    @property
    def running(self) -> bool:
        """The period had not ended at the cut-off (numbers are a part of it)."""
        return self.as_of < self.period.end


def with_formers(codes: frozenset[str] | None, acc: Accountability) -> frozenset[str] | None:
    """A scope's units plus every ended unit whose tasks they answer for on D."""
    if codes is None:
        return None
    return frozenset(codes) | {old for code in codes for old in acc.formers_of(code)}


def cumulative_window(period: Period, as_of: date) -> Period:
    """«Lũy kế»: `year_to_date` of the cut-off; a custom period reaching back over the year's
    start widens it to the period's start."""
    ytd = year_to_date(as_of, period.rule)
    if period.start < ytd.start:
        ytd = replace(
            ytd,
            start=period.start,
            label=f"Lũy kế từ {format_vn(period.start)} đến {format_vn(as_of)}",
        )
    return ytd


def default_dates(period: Period, cal: WorkCalendar, today: date) -> tuple[date, date]:
    """(cut-off, report date): the period's end (or today while it runs); the report date is the
    first working day after the period, never after today's next working day, and never a
    weekend or holiday (a document prepared on a Sunday is dated the Monday)."""
    as_of = min(period.end, today)
    report = cal.add_working_days(period.end, 1) if period.end < today else today
    report = min(report, today)
    if not cal.is_working_day(report):
        report = cal.add_working_days(report, 1)
    return as_of, report


def default_period(kind: str, today: date, rule: str) -> Period:
    """The period a briefing opens on: the latest one of its kind that has ended by today."""
    return latest_ended(kind, today, rule)  # type: ignore[arg-type]


def running_warning(period: Period, today: date) -> str | None:
    """A Vietnamese warning when the period has not ended by today (None when it has)."""
    if period.end < today:
        return None
    if period.start > today:
        return (
            f"Kỳ {period.label} chưa bắt đầu (từ {format_vn(period.start)}); báo cáo không có "
            "số liệu của kỳ này."
        )
    elapsed, days = (today - period.start).days + 1, period.days
    return (
        f"Kỳ {period.label} chưa kết thúc (đến {format_vn(period.end)}; đã qua {elapsed}/{days} "
        f"ngày): số liệu chỉ tính đến ngày {format_vn(today)} và chưa so sánh được với các kỳ "
        "đã kết thúc. Báo cáo định kỳ thường lập cho kỳ đã kết thúc gần nhất."
    )
