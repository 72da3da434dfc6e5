"""Word briefings (báo cáo, công văn đôn đốc): metric summaries → context → docxtpl document.

Three layers, so each can be tested alone:

* `gather` / `gather_urge` run the metric queries (in parallel threads: each is one MongoDB
  aggregation returning a summary) and collect the organisation data valid on the report date;
* `briefing_context` / `urge_context` are pure functions from those summaries to the template
  variables (Vietnamese text, formatted numbers, chart PNGs as bytes);
* `render_docx` fills a template from `docx_templates/` with docxtpl (autoescape on, undefined
  variables are errors) and returns the .docx bytes.

`build_briefing` / `build_urge` chain the three; `archive` stores a result in GridFS.
"""

from __future__ import annotations

import hashlib
import io
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from core import config
from core import metrics as m
from core.accountability import Accountability
from core.calendar import WorkCalendar
from core.dates import format_vn, now_utc, optional_day, today_local
from core.numbers import format_decimal
from core.organisation import in_force, in_office
from core.periods import (
    Period,
    latest_ended,
    parse_report_key,
    previous_period,
    same_period_last_year,
    year_to_date,
)
from core.repository import Repository
from core.services import work_calendar
from core.text import fold, neutralise_formula
from core.vocab import STATUS_LABELS

TEMPLATES_DIR = config.PROJECT_ROOT / "docx_templates"
BRIEFING_TEMPLATE = TEMPLATES_DIR / "bao_cao.docx"
URGE_TEMPLATE = TEMPLATES_DIR / "cong_van_don_doc.docx"
# Charts in the text area of A4 portrait with the Decree 30 margins (165 × 257 mm): at most
# 160 mm wide and 115 mm high (two fit on a page), the PNG's own ratio kept.
CHART_MAX_WIDTH_MM = 160.0
CHART_MAX_HEIGHT_MM = 115.0
RANKING_ROWS = 15  # the ranking chart shows the worst units of the first group
TOP_OVERDUE = 10
DUE_SOON_DAYS = 7
DISCIPLINE_ROWS = 20
DUE_SOON_ROWS = 10
SCOPE_KINDS: tuple[str, ...] = ("province", "portfolio", "unit")
TREND_PERIODS: dict[str, int] = {
    "month": 12,
    "quarter": 8,
    "half": 6,
    "nine_months": 5,
    "year": 5,
    "custom": 6,
}
_ROMAN = ("I", "II", "III", "IV")
# Local committees are ranked apart from provincial bodies: their workloads differ.
LOCAL_KINDS: dict[str, str] = {"district": "UBND cấp huyện", "commune": "UBND cấp xã, phường"}
PROVINCIAL_GROUP = "Sở, ban, ngành và cơ quan, đơn vị cấp tỉnh"


# --- words and dates --------------------------------------------------------------------------


def date_words(d: date) -> str:
    """'ngày 05 tháng 01 năm 2026': zero-padded days below 10 and months 1–2 (Decree 30/2020)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def date_line(place: str, d: date) -> str:
    """The italic place and date line: 'Bến Tre, ngày 05 tháng 01 năm 2026'."""
    return f"{place}, {date_words(d)}"


def period_phrase(p: Period) -> str:
    """The period as it reads after 'giao': 'tháng 11 năm 2026', 'quý IV năm 2026', …"""
    if p.kind == "custom":
        return f"từ ngày {format_vn(p.start)} đến ngày {format_vn(p.end)}"
    year, n = parse_report_key(p.kind, p.report)
    if p.kind == "month":
        return f"tháng {n} năm {year}"
    if p.kind == "quarter":
        return f"quý {_ROMAN[n - 1]} năm {year}"
    if p.kind == "half":
        return f"6 tháng {'đầu' if n == 1 else 'cuối'} năm {year}"
    if p.kind == "nine_months":
        return f"9 tháng năm {year}"
    return f"năm {year}"


def period_span(p: Period) -> str:
    """'từ ngày 15/10/2026 đến ngày 14/11/2026'."""
    return f"từ ngày {format_vn(p.start)} đến ngày {format_vn(p.end)}"


def recipients_setting(name: str) -> list[str]:
    """A recipients list setting: items separated by '|', each kept as written."""
    return [item.strip() for item in config.get(name).split("|") if item.strip()]


# "Nơi nhận" items naming the Office's own leadership: the signer is one of them (the Chief, or a
# Deputy signing KT. the Chief), so a document never lists them among its own recipients.
_OFFICE_LEADERSHIP = ("chanh vp", "pcvp", "chanh van phong", "lanh dao vp", "lanh dao van phong")


def recipients_for(items: Sequence[str], signer: Signer) -> list[str]:
    """The recipients list without the signer and without the Office's own leadership."""
    out = []
    for item in items:
        folded = fold(item).lower()
        if any(word in folded for word in _OFFICE_LEADERSHIP):
            continue
        if signer.name and fold(signer.name).lower() in folded:
            continue
        out.append(item)
    return out


def _nfc(value: Any) -> Any:
    """NFC-normalise every string of a context (nested lists and dicts); bytes are left alone."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def _count(n: int | None) -> str:
    return m.format_count(int(n or 0))


def _share(part: int, whole: int) -> str:
    return m.format_rate(part / whole if whole else None)


def _points(delta: float | None) -> str:
    """A rate change in words: 'tăng 3,2 điểm phần trăm', 'không đổi', '' when unknown."""
    if delta is None:
        return ""
    pts = round(delta * 100, 1)
    if pts == 0:
        return "không đổi"
    text = format_decimal(abs(pts))
    return f"{'tăng' if pts > 0 else 'giảm'} {text} điểm phần trăm"


# --- who signs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """The signature block: authority line ('KT. CHÁNH VĂN PHÒNG'), title line, name."""

    leader_id: str | None
    name: str
    authority: str
    title: str = ""

    def as_context(self) -> dict[str, str]:
        """The template's `signer` variable."""
        return {"authority": self.authority, "title": self.title, "name": self.name}


CHIEF = "CHÁNH VĂN PHÒNG"
DEPUTY = "PHÓ CHÁNH VĂN PHÒNG"


def signer_for(leader: Mapping[str, Any], units: Mapping[str, Mapping[str, Any]]) -> Signer:
    """How one leader signs an Office document (seed 001 Art. 29).

    The Chief signs in his own name; a Deputy Chief signs "KT." (ký thay) for the Chief; the head
    of an Office room signs "TL." (thừa lệnh) the Chief. Anyone else may not sign for the Office.
    """
    title = leader.get("title")
    name = str(leader.get("name", ""))
    lid = str(leader["_id"])
    if title == "office_chief":
        return Signer(lid, name, CHIEF)
    if title == "office_deputy":
        return Signer(lid, name, f"KT. {CHIEF}", DEPUTY)
    unit = units.get(str(leader.get("unit", ""))) or {}
    if title == "unit_head" and unit.get("kind") == "office_room":
        return Signer(lid, name, f"TL. {CHIEF}", f"TRƯỞNG {str(unit['name']).upper()}")
    raise ValueError(
        f"người ký: «{name}» không phải lãnh đạo Văn phòng (Chánh, Phó Chánh Văn phòng "
        "hoặc Trưởng phòng thuộc Văn phòng)"
    )


def resolve_signer(
    leaders: Sequence[Mapping[str, Any]],
    delegations: Sequence[Mapping[str, Any]],
    on: date,
    signer_id: str | None = None,
    units: Mapping[str, Mapping[str, Any]] | None = None,
) -> Signer:
    """Who signs on `on`: the chosen leader, else the Chief's delegate, else the Chief.

    Seed 001 Art. 29: reports of the Office to the PPC leaders are signed by the Chief; when he
    is away or has delegated (a delegation in force on the report date), the Deputy signs "KT.".
    With no Chief in office a Deputy signs "KT." (the one following the general sector first).
    With no Office leader at all the block keeps a blank name for the clerk to fill.
    """
    units = units or {}
    by_id = {str(x["_id"]): x for x in leaders}
    if signer_id:
        chosen = by_id.get(signer_id)
        if chosen is None:
            raise ValueError(f"người ký: không có lãnh đạo mã «{signer_id}»")
        if not in_office(chosen, on):
            raise ValueError(
                f"người ký: «{chosen.get('name')}» không đương nhiệm ngày {format_vn(on)}"
            )
        return signer_for(chosen, units)
    current = [x for x in leaders if in_office(x, on)]
    chiefs = [x for x in current if x.get("title") == "office_chief"]
    deputies = sorted(
        (x for x in current if x.get("title") == "office_deputy"),
        key=lambda x: ("general" not in x.get("portfolio", {}).get("sectors", []), str(x["_id"])),
    )
    deputy_ids = {str(x["_id"]) for x in deputies}
    chief_ids = {str(x["_id"]) for x in chiefs}
    for dlg in sorted(
        delegations, key=lambda d: optional_day(d.get("date_from")) or date.min, reverse=True
    ):
        if not in_force(dlg, on):
            continue
        if dlg.get("from_leader") in chief_ids and dlg.get("to_leader") in deputy_ids:
            return signer_for(by_id[str(dlg["to_leader"])], units)
    if chiefs:
        return signer_for(chiefs[0], units)
    if deputies:
        return signer_for(deputies[0], units)
    return Signer(None, "", CHIEF)


def signer_choices(leaders: Sequence[Mapping[str, Any]], on: date) -> list[tuple[str, str]]:
    """(id, label) of the Office leaders who may sign on `on` (for pickers)."""
    out = []
    for x in leaders:
        if x.get("title") in ("office_chief", "office_deputy") and in_office(x, on):
            role = "Chánh Văn phòng" if x["title"] == "office_chief" else "Phó Chánh Văn phòng"
            out.append((str(x["_id"]), f"{x.get('name')} ({role})"))
    out.sort(key=lambda item: (not item[1].endswith("(Chánh Văn phòng)"), item[1]))
    return out


# --- what the report covers -----------------------------------------------------------------------


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


# --- gathering the numbers ------------------------------------------------------------------------


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
    compare: dict[str, Any]
    cumulative: dict[str, Any]
    cumulative_last_year: dict[str, Any]
    units: dict[str, Any]
    unit_kinds: dict[str, str]
    unit_names: dict[str, str]
    unit_change: dict[str, dict[str, Any]]
    trend: list[dict[str, Any]]
    age: dict[str, Any]
    overdue: list[dict[str, Any]]
    due_soon: dict[str, Any]
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


FollowUp = tuple[tuple[str, ...], Callable[[dict[str, Any]], Any]]


def _run_parallel(
    jobs: Mapping[str, Callable[[], Any]],
    timings: dict[str, float],
    after: Mapping[str, FollowUp] | None = None,
) -> dict[str, Any]:
    """Run independent queries concurrently (pymongo is thread-safe; mongod uses its cores).

    `after`: name -> (names it needs, function of their results), started as soon as those
    are done, so chart drawing overlaps the slower queries.
    """
    after = after or {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            timings[name] = round(time.perf_counter() - t0, 3)

    with ThreadPoolExecutor(max_workers=len(jobs) + len(after)) as pool:
        futures = {name: pool.submit(timed, name, fn) for name, fn in jobs.items()}

        def follow(deps: tuple[str, ...], fn: Callable[[dict[str, Any]], Any]) -> Any:
            return fn({d: futures[d].result() for d in deps})

        for name, (deps, fn) in after.items():
            futures[name] = pool.submit(timed, name, partial(follow, deps, fn))
        return {name: fut.result() for name, fut in futures.items()}


def _unit_change(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, dict[str, Any]]:
    before = {r["key"]: r for r in previous["rows"]}
    out: dict[str, dict[str, Any]] = {}
    for row in current["rows"]:
        old = before.get(row["key"])
        out[str(row["key"])] = {
            "name": row["name"],
            "now": row["on_time_rate_due"],
            "before": old["on_time_rate_due"] if old else None,
            "due_now": row["completed_on_time"] + row["completed_late"] + row["open_overdue"],
            "due_before": (
                old["completed_on_time"] + old["completed_late"] + old["open_overdue"] if old else 0
            ),
        }
    return out


def gather(
    repo: Repository,
    request: BriefingRequest,
    today: date | None = None,
    settings: DocSettings | None = None,
    with_charts: bool = False,
) -> BriefingData:
    """Run every query a briefing needs; numbers are as of the period's end (or today).

    `with_charts`: also draw the charts, each as soon as its numbers are in.
    """
    t0 = time.perf_counter()
    settings = settings or DocSettings.from_config()
    today = today or today_local()
    cal = work_calendar(repo)
    period = request.period
    as_of, report_date = default_dates(period, cal, today)
    if request.report_date is not None:
        report_date = request.report_date
    units = repo.units()
    acc = Accountability.of(units, as_of)
    scope = resolve_scope(repo, request.scope_kind, request.scope_key, as_of)
    if scope.kind == "unit" and scope.key and acc.unit(scope.key) != scope.key:
        successor = str(acc.unit(scope.key))
        scope = BriefingScope("unit", successor, acc.names[successor], frozenset({successor}))
    signer = resolve_signer(
        repo.leaders(),
        repo.delegations(as_of=report_date),
        report_date,
        request.signer_id,
        {str(u["_id"]): u for u in units},
    )
    unit_kinds = {str(u["_id"]): str(u.get("kind", "")) for u in units}
    year = cumulative_window(period, as_of)
    # Tasks of a unit that had ended by D count under its successor (following chains).
    base = m.MetricsQuery(
        as_of=as_of,
        lead_units=with_formers(scope.units, acc),
        priority_only=request.priority_only,
        rollup_successors=True,
        rollup_as_of=as_of,  # earlier periods too are counted under the units of the report day
    )
    ytd = replace(base, assigned_from=year.start, assigned_to=as_of, by="unit")
    last_year = same_period_last_year(year)
    ytd_last = replace(
        base, as_of=last_year.end, assigned_from=last_year.start, assigned_to=last_year.end
    )
    due_now = replace(base.for_period(period, "deadline"), by="unit")
    if due_now.as_of > as_of:
        due_now = replace(due_now, as_of=as_of)
    # Open within deadline means D <= effective deadline: an equivalent, index-friendly filter.
    soon_q = replace(
        base, deadline_from=as_of, deadline_to=cal.add_working_days(as_of, DUE_SOON_DAYS)
    )
    prev = previous_period(period)
    due_prev = replace(base.for_period(prev, "deadline"), by="unit")
    timings: dict[str, float] = {"prepare": round(time.perf_counter() - t0, 3)}
    results = _run_parallel(
        {
            "overdue": lambda: m.longest_overdue(repo, base, cal, limit=settings.annex_limit),
            "age": lambda: m.overdue_age(repo, base, cal),
            "units": lambda: m.status_metrics(repo, ytd),
            "due_soon": lambda: m.due_soon(
                repo, soon_q, cal, windows=(1, 3, DUE_SOON_DAYS), limit=DUE_SOON_ROWS
            ),
            "discipline": lambda: m.update_discipline(repo, due_now, cal),
            "compare": lambda: m.compare_periods(repo, base, period, population="assigned"),
            "trend": lambda: m.trend(
                repo, base, period, n=TREND_PERIODS[period.kind], population="deadline"
            ),
            "cumulative_last_year": lambda: m.status_metrics(repo, replace(ytd_last, by="none")),
            "due_now": lambda: m.status_metrics(repo, due_now),
            "due_prev": lambda: m.status_metrics(repo, due_prev),
            **({"warm_up": warm_up_charts} if with_charts else {}),
        },
        timings,
        chart_jobs(unit_kinds, acc, period, as_of) if with_charts else None,
    )
    return BriefingData(
        period=period,
        year=year,
        as_of=as_of,
        report_date=report_date,
        scope=scope,
        signer=signer,
        accountability=acc,
        settings=settings,
        number=request.number,
        compare=results["compare"],
        cumulative={**results["units"]["total"]},
        cumulative_last_year=results["cumulative_last_year"]["total"],
        units=results["units"],
        unit_kinds=unit_kinds,
        unit_names={str(u["_id"]): str(u["name"]) for u in units},
        unit_change=_unit_change(results["due_now"], results["due_prev"]),
        trend=results["trend"],
        age=results["age"],
        overdue=results["overdue"],
        due_soon=results["due_soon"],
        discipline=results["discipline"],
        timings=timings,
        charts={k: results[f"chart_{k}"] for k in CHARTS if f"chart_{k}" in results},
        short_names=dict(acc.short_names),
    )


# --- the context (pure) ---------------------------------------------------------------------------


def _header_context(
    settings: DocSettings, number: str, symbol: str, day: date, signer: Signer
) -> dict[str, Any]:
    return {
        "parent_agency": f"UBND TỈNH {settings.province.upper()}",
        "agency": "VĂN PHÒNG",
        "number": number or "       ",
        "symbol": symbol,
        "date_line": date_line(settings.place, day),
        "signer": signer.as_context(),
    }


def _task_cells(
    no: int, t: Mapping[str, Any], unit_label: Callable[[str], str], days: str
) -> dict[str, str]:
    number = t.get("document_number") or ""
    assigned = t.get("assigned_date")
    document = f"Số {number}" if number else ""
    if assigned:
        document += f", giao ngày {format_vn(assigned)}" if document else format_vn(assigned)
    deadline = format_vn(t.get("effective_deadline") or t.get("deadline"))
    if t.get("extended"):
        deadline += " (đã gia hạn)"
    return {
        "no": str(no),
        "content": str(t.get("content") or ""),
        "document": document,
        "unit": unit_label(str(t.get("lead_unit") or "")),
        "deadline": deadline,
        "days": days,
    }


def _unit_cells(row: Mapping[str, Any], rank: str) -> dict[str, str]:
    out = {"rank": rank, "name": str(row["name"])}
    for name in m.COUNT_FIELDS:
        out[name] = _count(row[name])
    for name in m.RATE_FIELDS:
        out[name] = m.format_rate(row[name])
    return out


def _sum_rows(rows: Sequence[Mapping[str, Any]], key: str, name: str) -> dict[str, Any]:
    total = m.empty_row(key, name)
    for row in rows:
        for f in m.COUNT_FIELDS:
            total[f] += int(row[f])
    return m.with_rates(total)


def unit_groups(
    rows: Sequence[Mapping[str, Any]], kinds: Mapping[str, str], worst_first: bool = False
) -> list[dict[str, Any]]:
    """Units split into provincial bodies and local committees, each ranked by on-time rate
    (`rank_rows`: equal rates share a rank, units with too few tasks due come last, unranked)."""
    buckets: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        if not row["assigned"]:
            continue
        kind = kinds.get(str(row["key"]), "")
        buckets.setdefault(LOCAL_KINDS.get(kind, PROVINCIAL_GROUP), []).append(row)
    order = [PROVINCIAL_GROUP, *LOCAL_KINDS.values()]
    out = []
    for title in order:
        group_rows = buckets.get(title)
        if not group_rows:
            continue
        ranked = m.rank_rows(group_rows, "on_time_rate_due", worst_first=worst_first)
        out.append({"title": title, "ranked": ranked, "subtotal": _sum_rows(group_rows, title, "")})
    return out


def annex_groups(tasks: Sequence[Mapping[str, Any]], acc: Accountability) -> list[dict[str, Any]]:
    """Overdue tasks grouped by the unit answering for them on D (a unit that had ended hands
    over to its successor), most overdue tasks first, numbered throughout."""
    by_unit: dict[str, list[Mapping[str, Any]]] = {}
    for t in tasks:
        lead = str(t.get("lead_unit"))
        by_unit.setdefault(str(acc.unit(lead)), []).append(t)
    order = sorted(by_unit, key=lambda k: (-len(by_unit[k]), acc.names.get(k, k)))
    out, no = [], 0
    for key in order:
        rows = []
        formers: list[str] = []
        for t in by_unit[key]:
            no += 1
            rows.append(
                _task_cells(no, t, partial(acc.label, short=True), _count(t.get("days_overdue")))
            )
            lead = str(t.get("lead_unit"))
            if lead != key and lead not in formers:
                formers.append(lead)
        name = acc.names.get(key, key)
        if formers:
            name += f" (trước đây: {', '.join(acc.names.get(c, c) for c in formers)})"
        out.append({"title": f"{name}: {_count(len(rows))} nhiệm vụ", "rows": rows})
    return out


def responsible_overdue(data: BriefingData) -> list[tuple[str, int]]:
    """(unit code answering on D, open overdue tasks), most first."""
    totals: dict[str, int] = {}
    for code, buckets in data.age["by_unit"].items():
        key = str(data.accountability.unit(str(code)))
        totals[key] = totals.get(key, 0) + sum(buckets.values())
    return sorted(totals.items(), key=lambda item: (-item[1], data.unit_names.get(item[0], "")))


def rollup_discipline(
    rows: Sequence[Mapping[str, Any]], acc: Accountability
) -> list[dict[str, Any]]:
    """Update-discipline rows re-keyed to the unit answering on D (duties summed)."""
    merged: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = str(acc.unit(str(r["key"])))
        row = merged.setdefault(
            key,
            {"key": key, "name": acc.names.get(key, key), "duties": 0, "updated_on_time": 0},
        )
        row["duties"] += int(r["duties"])
        row["updated_on_time"] += int(r["updated_on_time"])
    for row in merged.values():
        row["not_updated"] = row["duties"] - row["updated_on_time"]
        row["update_rate"] = row["updated_on_time"] / row["duties"] if row["duties"] else None
    return list(merged.values())


def _names_with_counts(items: Sequence[tuple[str, int]], unit: str = "nhiệm vụ") -> str:
    return "; ".join(f"{name} ({m.format_count(n)} {unit})" for name, n in items)


def _rate_phrase(row: Mapping[str, Any]) -> str:
    due = m.rate_volume(row, "on_time_rate_due")
    return (
        f"{row['name']} ({m.format_rate(row['on_time_rate_due'])}, "
        f"{_count(row['completed_on_time'])}/{_count(due)} nhiệm vụ)"
    )


def praise_and_blame(
    rows: Sequence[Mapping[str, Any]],
    blamed_elsewhere: set[str],
    n: int = 3,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(best, worst) units by the on-time rate, from ONE ranked list so they never overlap.

    Only ranked units (enough tasks due) count; the worst are the n lowest with a rate below
    the best's; the best are the n highest not among the worst and not named elsewhere as
    lagging (`blamed_elsewhere`: most overdue tasks, rate fallen, updates missed).
    """
    ranked = [r for r in m.rank_rows(rows, "on_time_rate_due", worst_first=True) if r["ranked"]]
    if len(ranked) < 2:
        return [], []
    top_rate = ranked[-1]["on_time_rate_due"]
    worst = [r for r in ranked if r["on_time_rate_due"] < top_rate][: min(n, len(ranked) // 2)]
    worst_keys = {str(r["key"]) for r in worst}
    # Best first; among equal rates the one with more tasks due weighs more.
    by_merit = sorted(ranked, key=lambda r: (-r["on_time_rate_due"], -r["volume"], str(r["key"])))
    best = [
        r
        for r in by_merit
        if str(r["key"]) not in worst_keys and str(r["key"]) not in blamed_elsewhere
    ][:n]
    return best, worst


def assessment(data: BriefingData) -> tuple[list[str], list[str]]:
    """The drafted assessment and proposals (đánh giá, đề xuất) the Office edits in Word.

    Units are named as they answer on the cut-off (successors of ended units). A unit praised
    is never one named among the lagging ones (same ranked list, disjoint).
    """
    cur = data.compare["current"]
    prev = data.compare["previous"]
    last = data.compare["last_year"]
    cum, cum_last = data.cumulative, data.cumulative_last_year
    names = data.unit_names
    rate_name = "tỷ lệ hoàn thành đúng hạn (trên số nhiệm vụ đã đến hạn)"
    ytd_words = f"từ ngày {format_vn(data.year.start)} đến ngày {format_vn(data.year.end)}"
    texts: list[str] = []
    if data.running:
        texts.append(
            f"Kỳ báo cáo chưa kết thúc (đến ngày {format_vn(data.period.end)}): số liệu tính đến "
            f"ngày {format_vn(data.as_of)}, chưa so sánh với kỳ trước và cùng kỳ năm trước."
        )
    if cum["on_time_rate_due"] is not None:
        change = _points(m.delta(cum["on_time_rate_due"], cum_last["on_time_rate_due"]))
        text = (
            f"Lũy kế {ytd_words}, {rate_name} đạt {m.format_rate(cum['on_time_rate_due'])}"
            + (
                f", {change} so với cùng kỳ năm trước "
                f"({m.format_rate(cum_last['on_time_rate_due'])})"
                if change
                else ""
            )
            + "."
        )
        texts.append(text)
    if cur["on_time_rate_due"] is not None:
        parts = []
        vs_prev = _points(m.delta(cur["on_time_rate_due"], prev["on_time_rate_due"]))
        vs_last = _points(m.delta(cur["on_time_rate_due"], last["on_time_rate_due"]))
        if vs_prev and not data.running:
            parts.append(f"{vs_prev} so với kỳ trước")
        if vs_last and not data.running:
            parts.append(f"{vs_last} so với cùng kỳ năm trước")
        texts.append(
            f"Đối với nhiệm vụ giao trong kỳ, {rate_name} đạt "
            f"{m.format_rate(cur['on_time_rate_due'])}"
            + (f" ({'; '.join(parts)})" if parts else "")
            + "."
        )
    buckets = {b["key"]: b["count"] for b in data.age["buckets"]}
    overdue_total = sum(buckets.values())
    over_120 = buckets.get(">120", 0)
    by_unit = responsible_overdue(data)[:5]
    if overdue_total:
        texts.append(
            f"Tính đến ngày {format_vn(data.as_of)}, còn {_count(overdue_total)} nhiệm vụ chưa "
            f"hoàn thành, quá hạn, trong đó {_count(over_120)} nhiệm vụ quá hạn trên 120 ngày làm "
            "việc. Các đơn vị có nhiều nhiệm vụ quá hạn gồm: "
            f"{_names_with_counts([(names.get(k, k), n) for k, n in by_unit])}."
        )
    else:
        texts.append(f"Tính đến ngày {format_vn(data.as_of)}, không có nhiệm vụ quá hạn.")
    comparable = [
        (key, c["name"], c["now"], c["before"])
        for key, c in data.unit_change.items()
        if c["now"] is not None
        and c["before"] is not None
        and min(c["due_now"], c["due_before"]) >= 3
        and not data.running
    ]
    worse = sorted((x for x in comparable if x[2] < x[3]), key=lambda x: x[2] - x[3])[:3]
    lagging = sorted(
        (r for r in rollup_discipline(data.discipline["rows"], data.accountability)
         if r["not_updated"] > 0),
        key=lambda r: (-r["not_updated"], r["name"]),
    )  # fmt: skip
    blamed = {k for k, _n in by_unit} | {x[0] for x in worse} | {str(r["key"]) for r in lagging[:3]}
    best, worst = praise_and_blame(data.units["rows"], blamed)
    blamed |= {str(r["key"]) for r in worst}
    better = sorted(
        (x for x in comparable if x[2] > x[3] and x[0] not in blamed), key=lambda x: x[3] - x[2]
    )[:3]

    def moves(items: Sequence[tuple[str, str, float, float]]) -> str:
        return "; ".join(
            f"{name} (từ {m.format_rate(b)} lên {m.format_rate(a)})"
            if a > b
            else f"{name} (từ {m.format_rate(b)} xuống {m.format_rate(a)})"
            for _key, name, a, b in items
        )

    if best:
        texts.append(
            f"Lũy kế {ytd_words}, các đơn vị có {rate_name} cao: "
            + "; ".join(_rate_phrase(r) for r in best)
            + "."
        )
    if worst:
        texts.append(
            f"Các đơn vị có {rate_name} thấp nhất, cần tập trung chỉ đạo: "
            + "; ".join(_rate_phrase(r) for r in worst)
            + "."
        )
    if better:
        texts.append(
            "Một số đơn vị có chuyển biến tích cực, tỷ lệ hoàn thành đúng hạn của nhiệm vụ đến "
            f"hạn trong kỳ tăng so với kỳ trước: {moves(better)}."
        )
    if worse:
        texts.append(
            "Một số đơn vị có tỷ lệ hoàn thành đúng hạn giảm so với kỳ trước, cần tập trung chỉ "
            f"đạo: {moves(worse)}."
        )
    if lagging:
        texts.append(
            f"Về cập nhật kết quả, {len(lagging)} đơn vị chưa cập nhật đúng hạn, nhiều nhất là: "
            + _names_with_counts([(r["name"], r["not_updated"]) for r in lagging[:3]], "lượt")
            + "."
        )
    proposals: list[str] = []
    if overdue_total:
        top = ", ".join(names.get(k, k) for k, _n in by_unit)
        proposals.append(
            f"Đề nghị Chủ tịch UBND tỉnh chỉ đạo Thủ trưởng các đơn vị: {top} tập trung giải "
            "quyết dứt điểm các nhiệm vụ quá hạn"
            + (
                f", nhất là {_count(over_120)} nhiệm vụ quá hạn trên 120 ngày làm việc"
                if over_120
                else ""
            )
            + "; trường hợp không thể hoàn thành phải báo cáo rõ nguyên nhân, đề xuất điều chỉnh "
            "thời hạn theo quy định."
        )
    soon = data.due_soon["windows"].get(str(DUE_SOON_DAYS), 0)
    if soon:
        proposals.append(
            f"Các đơn vị có nhiệm vụ sắp đến hạn ({_count(soon)} nhiệm vụ trong "
            f"{DUE_SOON_DAYS:02d} ngày làm việc tới) chủ động triển khai, bảo đảm hoàn thành "
            "đúng thời hạn."
        )
    proposals.append(
        "Các đơn vị cập nhật tiến độ, kết quả thực hiện nhiệm vụ trên Hệ thống thông tin chỉ "
        "đạo, điều hành đúng thời hạn theo quy định tại Điều 8 Quy chế ban hành kèm theo "
        f"{data.settings.regulation}."
    )
    proposals.append(
        "Văn phòng UBND tỉnh tiếp tục theo dõi, đôn đốc; ban hành văn bản đôn đốc các đơn vị có "
        "nhiệm vụ quá hạn và báo cáo UBND tỉnh, Chủ tịch UBND tỉnh kết quả tại kỳ báo cáo sau."
    )
    return texts, proposals


def _overall_rows(data: BriefingData) -> list[dict[str, str]]:
    cols = {
        "current": data.compare["current"],
        "previous": data.compare["previous"],
        "last_year": data.compare["last_year"],
        "cumulative": data.cumulative,
        "cumulative_last_year": data.cumulative_last_year,
    }
    rows = [
        {"label": "Tổng số nhiệm vụ giao", **{k: _count(v["assigned"]) for k, v in cols.items()}}
    ]
    for cat in m.CATEGORIES:
        rows.append(
            {"label": f"- {STATUS_LABELS[cat]}", **{k: _count(v[cat]) for k, v in cols.items()}}
        )
    short = {
        "completion_rate_due": "Tỷ lệ hoàn thành (1)",
        "on_time_rate_due": "Tỷ lệ hoàn thành đúng hạn (2)",
        "overdue_share_assigned": "Tỷ lệ quá hạn (3)",
    }
    for rate in m.RATE_FIELDS:
        rows.append({"label": short[rate], **{k: m.format_rate(v[rate]) for k, v in cols.items()}})
    return rows


def rate_notes() -> list[str]:
    """The footnotes naming each rate's denominator."""
    return [
        f"({i}) {m.RATE_LABELS[rate]}; mẫu số: {m.RATE_DENOMINATORS[rate]}."
        for i, rate in enumerate(m.RATE_FIELDS, start=1)
    ]


def _overall_paragraphs(data: BriefingData) -> list[str]:
    cur, cum = data.compare["current"], data.cumulative
    giver = "UBND tỉnh, Chủ tịch UBND tỉnh"

    def breakdown(t: Mapping[str, Any]) -> str:
        return (
            f"hoàn thành đúng hạn {_count(t['completed_on_time'])}; hoàn thành quá hạn "
            f"{_count(t['completed_late'])}; chưa hoàn thành, trong hạn "
            f"{_count(t['open_within_deadline'])}; chưa hoàn thành, quá hạn "
            f"{_count(t['open_overdue'])}; không có thời hạn "
            f"{_count(t['no_deadline_completed'] + t['no_deadline_open'])}"
            f" (đã hoàn thành {_count(t['no_deadline_completed'])})"
        )

    scope = data.scope.phrase()
    return [
        f"Trong kỳ báo cáo ({period_span(data.period)}), {giver} giao{scope} "
        f"{_count(cur['assigned'])} nhiệm vụ; tính đến ngày {format_vn(data.as_of)}: "
        f"{breakdown(cur)}.",
        f"Lũy kế {period_span(data.year)}, {giver} "
        f"giao{scope} {_count(cum['assigned'])} nhiệm vụ; tính đến ngày {format_vn(data.as_of)}: "
        f"{breakdown(cum)}.",
    ]


def _col_head(p: Mapping[str, Any]) -> str:
    return str(p["period"]["label"])


def briefing_context(data: BriefingData, charts_png: Mapping[str, bytes]) -> dict[str, Any]:
    """Every template variable of `bao_cao.docx`, from the gathered summaries (pure)."""
    settings = data.settings
    acc = data.accountability
    short_label = partial(acc.label, short=True)
    period_text = period_phrase(data.period)
    giver = "UBND tỉnh, Chủ tịch UBND tỉnh"
    abstract = f"Tình hình thực hiện nhiệm vụ do {giver} giao{data.scope.phrase()} {period_text}"
    ctx = _header_context(
        settings, data.number, f"BC-{settings.office_abbr}", data.report_date, data.signer
    )
    cut = format_vn(data.as_of)
    ytd_span = period_span(data.year)
    groups = unit_groups(data.units["rows"], data.unit_kinds)
    unit_groups_ctx = [
        {
            "title": g["title"],
            "rows": [_unit_cells(r, str(r["rank"]) if r["ranked"] else "—") for r in g["ranked"]],
            "subtotal": _unit_cells({**g["subtotal"], "name": "Cộng"}, ""),
        }
        for g in groups
    ]
    min_due = config.rank_min_due()
    last_ytd = same_period_last_year(data.year)
    buckets = data.age["buckets"]
    overdue_total = sum(b["count"] for b in buckets)
    overdue_rows = [
        _task_cells(i, t, short_label, _count(t.get("days_overdue")))
        for i, t in enumerate(data.overdue, start=1)
    ]
    annex_shown = len(overdue_rows)
    soon = data.due_soon
    soon_rows = [
        _task_cells(i, t, short_label, f"{t.get('days_left', 0)} ngày")
        for i, t in enumerate(soon["tasks"], start=1)
    ]
    windows = soon["windows"]
    lagging = sorted(
        (r for r in rollup_discipline(data.discipline["rows"], acc) if r["not_updated"] > 0),
        key=lambda r: (-r["not_updated"], r["update_rate"] or 0.0, r["name"]),
    )
    disc_total = data.discipline["total"]
    texts, proposals = assessment(data)
    ranked_first = [r for r in groups[0]["ranked"] if r["ranked"]] if groups else []
    running = (
        f" Lưu ý: số liệu đến ngày {cut}, kỳ chưa kết thúc (kỳ kết thúc ngày "
        f"{format_vn(data.period.end)})."
        if data.running
        else ""
    )
    ctx.update(
        {
            "abstract": abstract,
            "intro": (
                f"Thực hiện {settings.regulation}, Văn phòng UBND tỉnh báo cáo tình hình thực "
                f"hiện nhiệm vụ do {giver} giao{data.scope.phrase()} {period_text} (số liệu "
                f"{period_span(data.period)}, tình trạng tính đến ngày {cut}) như sau:" + running
            ),
            "overall_paragraphs": _overall_paragraphs(data),
            "overall_caption": (
                "Bảng 1. Kết quả thực hiện nhiệm vụ so với kỳ trước và cùng kỳ năm trước"
            ),
            "overall_head": {
                "current": f"Kỳ báo cáo ({_col_head(data.compare['current'])})",
                "previous": f"Kỳ trước ({_col_head(data.compare['previous'])})",
                "last_year": f"Cùng kỳ năm trước ({_col_head(data.compare['last_year'])})",
                "cumulative": f"Lũy kế ({format_vn(data.year.start)} – {cut})",
                "cumulative_last_year": (
                    f"Lũy kế cùng kỳ năm trước ({format_vn(last_ytd.start)} – "
                    f"{format_vn(last_ytd.end)})"
                ),
            },
            "overall_rows": _overall_rows(data),
            "rate_notes": [
                "Số liệu mỗi kỳ gồm các nhiệm vụ giao trong kỳ, tình trạng tính đến ngày cuối "
                f"kỳ (kỳ báo cáo: đến ngày {cut}"
                + (
                    ", kỳ chưa kết thúc nên chưa so sánh được với các kỳ đã kết thúc"
                    if data.running
                    else ""
                )
                + "). Lũy kế: nhiệm vụ giao từ ngày bắt đầu năm báo cáo đến ngày chốt số liệu; "
                "cùng kỳ năm trước: cùng khoảng ngày của năm trước.",
                *rate_notes(),
            ],
            "unit_intro": (
                f"Kết quả thực hiện của từng đơn vị chủ trì đối với nhiệm vụ giao {ytd_span} "
                f"(lũy kế), tình trạng tính đến ngày {cut}, xếp hạng theo tỷ lệ hoàn thành đúng "
                "hạn (2) từ cao xuống thấp (đơn vị bằng tỷ lệ cùng hạng); đơn vị có dưới "
                f"{min_due} nhiệm vụ đến hạn không xếp hạng (ghi «—»), xếp cuối nhóm. Nhiệm vụ "
                "của đơn vị đã giải thể, sáp nhập tính cho đơn vị kế thừa:"
            ),
            "unit_caption": "Bảng 2. Kết quả thực hiện nhiệm vụ theo đơn vị",
            "show_groups": len(unit_groups_ctx) > 1,
            "unit_groups": unit_groups_ctx,
            "unit_total": _unit_cells({**data.units["total"], "name": "Tổng cộng"}, ""),
            "unit_note": (
                "HT: hoàn thành; KTH: không có thời hạn; (1), (2), (3): như ghi chú Bảng 1 (mẫu "
                "số của (1), (2) = HT đúng hạn + HT quá hạn + Chưa HT, quá hạn). Tổng cộng bằng "
                "số liệu toàn bộ phạm vi báo cáo."
            ),
            "chart_status": charts_png["status"],
            "chart_status_caption": (
                f"Nhiệm vụ giao {ytd_span} theo tình trạng (tính đến ngày {cut})"
            ),
            "chart_ranking": charts_png["ranking"],
            "chart_ranking_caption": (
                f"{min(RANKING_ROWS, len(ranked_first))} đơn vị có tỷ lệ hoàn thành đúng hạn (2) "
                f"thấp nhất trong {len(ranked_first)} đơn vị được xếp hạng"
                + (f" ({groups[0]['title'].lower()})" if groups else "")
                + f", lũy kế {ytd_span}"
            ),
            "chart_trend": charts_png["trend"],
            "chart_trend_caption": (
                f"Tỷ lệ hoàn thành đúng hạn (2) của nhiệm vụ đến hạn trong {len(data.trend)} kỳ "
                "gần nhất"
            ),
            "overdue_total": overdue_total,
            "overdue_intro": (
                f"Tính đến ngày {cut}, còn {_count(overdue_total)} nhiệm vụ chưa hoàn thành, "
                "quá hạn (tính cả nhiệm vụ giao từ các năm trước), phân theo thời gian quá hạn "
                "như Bảng 3; các nhiệm vụ quá hạn lâu nhất nêu tại Bảng 4."
                if overdue_total
                else f"Tính đến ngày {cut}, không có nhiệm vụ chưa hoàn thành, quá hạn."
            ),
            "age_caption": "Bảng 3. Nhiệm vụ chưa hoàn thành, quá hạn theo thời gian quá hạn",
            "age_rows": [
                {
                    "label": b["label"],
                    "count": _count(b["count"]),
                    "share": _share(b["count"], overdue_total),
                }
                for b in buckets
            ],
            "age_total": {
                "count": _count(overdue_total),
                "share": _share(overdue_total, overdue_total),
            },
            "overdue_top_caption": (
                f"Bảng 4. {min(TOP_OVERDUE, len(overdue_rows))} nhiệm vụ quá hạn lâu nhất"
            ),
            "overdue_top": overdue_rows[:TOP_OVERDUE],
            "overdue_note": (
                "(*) Số ngày làm việc tính từ sau thời hạn (thời hạn đã gia hạn, nếu có) đến "
                f"ngày {cut}. Đơn vị chủ trì: đơn vị chịu trách nhiệm tại ngày {cut} (đơn vị "
                "kế thừa của đơn vị đã giải thể, sáp nhập). Danh sách tại Phụ lục kèm theo."
            ),
            "due_soon_intro": (
                f"Có {_count(windows.get(str(DUE_SOON_DAYS), 0))} nhiệm vụ chưa hoàn thành sẽ đến "
                f"hạn trong {DUE_SOON_DAYS:02d} ngày làm việc tới (đến ngày "
                f"{format_vn(date.fromisoformat(soon['window_ends'][str(DUE_SOON_DAYS)]))}), "
                f"trong đó {_count(windows.get('3', 0))} nhiệm vụ trong 03 ngày và "
                f"{_count(windows.get('1', 0))} nhiệm vụ trong 01 ngày làm việc tới"
                + (":" if soon_rows else ".")
            ),
            "due_soon_rows": soon_rows,
            "due_soon_note": (
                "(*) Số ngày làm việc còn lại đến thời hạn."
                + (
                    f" Danh sách nêu {len(soon_rows)} nhiệm vụ đến hạn sớm nhất."
                    if len(soon_rows) < windows.get(str(DUE_SOON_DAYS), 0)
                    else ""
                )
            ),
            "discipline_intro": (
                f"Đối với {_count(disc_total['duties'])} lượt nhiệm vụ đến hạn trong kỳ chưa hoàn "
                "thành đúng hạn, đơn vị phải cập nhật tiến độ chậm nhất 01 ngày làm việc sau "
                "thời hạn (Điều 8 Quy chế); "
                + (
                    f"tỷ lệ cập nhật đúng hạn đạt {m.format_rate(disc_total['update_rate'])}. "
                    f"Có {len(lagging)} đơn vị chưa cập nhật đúng hạn:"
                    if lagging
                    else "các đơn vị đều đã cập nhật đúng hạn."
                )
                if disc_total["duties"]
                else "Trong kỳ không phát sinh nghĩa vụ cập nhật đối với nhiệm vụ quá hạn."
            ),
            "discipline_rows": [
                {
                    "no": str(i),
                    "name": r["name"],
                    "duties": _count(r["duties"]),
                    "updated": _count(r["updated_on_time"]),
                    "not_updated": _count(r["not_updated"]),
                    "rate": m.format_rate(r["update_rate"]),
                }
                for i, r in enumerate(lagging[:DISCIPLINE_ROWS], start=1)
            ],
            "discipline_note": (
                f"Danh sách nêu {DISCIPLINE_ROWS}/{len(lagging)} đơn vị có nhiều lượt chưa cập "
                "nhật nhất."
                if len(lagging) > DISCIPLINE_ROWS
                else "Xếp theo số lượt chưa cập nhật đúng hạn."
            ),
            "assessment": texts,
            "proposals": proposals,
            "closing": (
                "Trên đây là báo cáo tình hình thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND "
                f"tỉnh giao{data.scope.phrase()} {period_text}, Văn phòng UBND tỉnh kính báo cáo "
                "UBND tỉnh, Chủ tịch UBND tỉnh./."
            ),
            "recipients": recipients_for(settings.briefing_recipients, data.signer),
            "annex_title": "DANH SÁCH NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN",
            "annex_subtitle": (
                f"(Kèm theo Báo cáo số {(data.number or '      ')}/BC-{settings.office_abbr} "
                f"{date_words(data.report_date)} của Văn phòng UBND tỉnh)"
            ),
            "annex_groups": annex_groups(data.overdue, acc),
            "annex_note": (
                f"Tính đến ngày {cut}: {_count(overdue_total)} nhiệm vụ; xếp theo số ngày quá "
                "hạn giảm dần."
                + (
                    f" Phụ lục nêu {_count(annex_shown)}/{_count(overdue_total)} nhiệm vụ quá hạn "
                    "lâu nhất; danh sách đầy đủ gửi kèm dưới dạng tệp Excel (.xlsx) và xem trên "
                    "Hệ thống."
                    if annex_shown < overdue_total
                    else ""
                )
                if overdue_total
                else f"Tính đến ngày {cut}, không có nhiệm vụ chưa hoàn thành, quá hạn."
            ),
        }
    )
    return {key: _nfc(value) for key, value in ctx.items()}


CHARTS = ("status", "ranking", "trend")


def chart_status(units: Mapping[str, Any], year: Period | None = None) -> Any:
    """Status breakdown of the cumulative window (the unit table's total)."""
    from core import charts

    title = "Nhiệm vụ theo tình trạng" + (
        f" (giao {format_vn(year.start)} – {format_vn(year.end)})" if year else ""
    )
    return charts.print_status_bars(units["total"], title)


def ranking_chart_rows(
    units: Mapping[str, Any], kinds: Mapping[str, str], short_names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The worst RANKING_ROWS ranked units of the first group, worst first, with short names."""
    groups = unit_groups(units["rows"], kinds, worst_first=True)
    ranked = [r for r in groups[0]["ranked"] if r["ranked"]] if groups else []
    return [
        {**r, "short_name": short_names.get(str(r["key"]), r["name"])}
        for r in ranked[:RANKING_ROWS]
    ]


def chart_ranking(
    units: Mapping[str, Any], kinds: Mapping[str, str], short_names: Mapping[str, str]
) -> Any:
    """On-time rate of the worst ranked units of the first group (provincial bodies)."""
    from core import charts

    rows = ranking_chart_rows(units, kinds, short_names)
    return charts.print_ranking(
        rows, f"Tỷ lệ hoàn thành đúng hạn (2): {len(rows)} đơn vị thấp nhất"
    )


def chart_trend(trend: Sequence[Mapping[str, Any]], as_of: date | None = None) -> Any:
    """On-time rate of the tasks due in each of the last periods; one still running at the
    cut-off is drawn open."""
    from core import charts

    points = [{**p, "partial": as_of is not None and p["end"] > as_of} for p in trend]
    return charts.print_trend(
        points, f"Tỷ lệ hoàn thành đúng hạn (2) của nhiệm vụ đến hạn, {len(points)} kỳ gần nhất"
    )


def chart_jobs(
    kinds: Mapping[str, str], acc: Accountability, period: Period, as_of: date
) -> dict[str, FollowUp]:
    """The charts as follow-ups of the queries they draw (for `_run_parallel`)."""
    year = cumulative_window(period, as_of)
    short = acc.short_names
    return {
        "chart_status": (("units", "warm_up"), lambda r: png(chart_status(r["units"], year))),
        "chart_ranking": (
            ("units", "warm_up"),
            lambda r: png(chart_ranking(r["units"], kinds, short)),
        ),
        "chart_trend": (("trend", "warm_up"), lambda r: png(chart_trend(r["trend"], as_of))),
    }


def briefing_charts(data: BriefingData) -> dict[str, bytes]:
    """The three charts as PNG: status breakdown, ranking (first unit group), trend."""
    if all(k in data.charts for k in CHARTS):
        return dict(data.charts)
    return {
        "status": png(chart_status(data.units, data.year)),
        "ranking": png(chart_ranking(data.units, data.unit_kinds, data.short_names)),
        "trend": png(chart_trend(data.trend, data.as_of)),
    }


_FONTS_REGISTERED: list[bool] = []


def register_chart_fonts() -> None:
    """Make the chart font's directory known to vl-convert (once; system fonts are also read)."""
    if _FONTS_REGISTERED:
        return
    import vl_convert as vlc

    from core.charts import FONT_DIRS

    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)
    _FONTS_REGISTERED.append(True)


def png(chart: Any) -> bytes:
    """An Altair chart as PNG (vl-convert, scale 3: about 300 dpi at 160 mm)."""
    import vl_convert as vlc

    register_chart_fonts()
    return bytes(vlc.vegalite_to_png(chart.to_json(), scale=3))


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, from its IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def chart_extent_mm(data: bytes) -> tuple[float, float]:
    """The size a chart is printed at: as wide as the text area allows (CHART_MAX_WIDTH_MM),
    lowered to CHART_MAX_HEIGHT_MM if needed, the PNG's ratio always kept."""
    w, h = png_size(data)
    width = min(CHART_MAX_WIDTH_MM, CHART_MAX_HEIGHT_MM * w / h)
    return width, width * h / w


def warm_up_charts() -> None:
    """Render a trivial chart once so the next renders skip vl-convert's start-up."""
    import vl_convert as vlc

    vlc.vegalite_to_png('{"mark": "point", "data": {"values": [{}]}}', scale=1)


# --- rendering ----------------------------------------------------------------------------------


def render_docx(template: Path, context: Mapping[str, Any]) -> bytes:
    """Fill a template: autoescaped, undefined variables are errors, PNG bytes become images."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import Environment, StrictUndefined

    tpl = DocxTemplate(str(template))
    ctx: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, bytes) and value:
            width, height = chart_extent_mm(value)
            ctx[key] = InlineImage(tpl, io.BytesIO(value), width=Mm(width), height=Mm(height))
        elif isinstance(value, bytes):
            ctx[key] = ""
        else:
            ctx[key] = value
    env = Environment(autoescape=True, undefined=StrictUndefined)
    tpl.render(ctx, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def template_variables(template: Path) -> set[str]:
    """The variables a template uses (docxtpl's get_undeclared_template_variables)."""
    from docxtpl import DocxTemplate

    return set(DocxTemplate(str(template)).get_undeclared_template_variables())


# --- results and the archive ----------------------------------------------------------------------


@dataclass(frozen=True)
class Briefing:
    """A generated Word file with what it is about (stored with it in the archive)."""

    content: bytes
    filename: str
    metadata: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


def _metadata(
    doc_type: str,
    content: bytes,
    period: Period | None,
    scope: BriefingScope,
    signer: Signer,
    as_of: date,
    report_date: date,
    generated_by: str,
) -> dict[str, Any]:
    return {
        "doc_type": doc_type,
        "period": period.to_dict() if period else None,
        "scope": {"kind": scope.kind, "key": scope.key, "name": scope.name},
        "signer": {"id": signer.leader_id, "name": signer.name, "authority": signer.authority},
        "as_of": as_of.isoformat(),
        "report_date": report_date.isoformat(),
        "generated_by": generated_by or "không rõ",
        "generated_at": now_utc(),
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
    }


def build_briefing(
    repo: Repository,
    request: BriefingRequest,
    generated_by: str = "",
    today: date | None = None,
) -> Briefing:
    """Gather, build the context, render: the .docx of a periodic briefing."""
    data = gather(repo, request, today=today, with_charts=True)
    t0 = time.perf_counter()
    pngs = briefing_charts(data)
    t1 = time.perf_counter()
    content = render_docx(BRIEFING_TEMPLATE, briefing_context(data, pngs))
    t2 = time.perf_counter()
    timings = {**data.timings, "charts": round(t1 - t0, 3), "render": round(t2 - t1, 3)}
    filename = f"bao-cao-{request.period.report.replace('..', '_')}-{data.scope.slug()}.docx"
    meta = _metadata(
        "briefing",
        content,
        request.period,
        data.scope,
        data.signer,
        data.as_of,
        data.report_date,
        generated_by,
    )
    meta["key_figures"] = key_figures_from(data.compare["current"], data.cumulative)
    return Briefing(content, filename, meta, timings)


def key_figures_from(current: Mapping[str, Any], cumulative: Mapping[str, Any]) -> dict[str, Any]:
    """The few numbers shown before a briefing is built (and kept with it)."""
    return {
        "assigned": int(current["assigned"]),
        "open_overdue": int(current["open_overdue"]),
        "on_time_rate_due": current["on_time_rate_due"],
        "cumulative_assigned": int(cumulative["assigned"]),
        "cumulative_open_overdue": int(cumulative["open_overdue"]),
        "cumulative_on_time_rate_due": cumulative["on_time_rate_due"],
    }


def key_figures(
    repo: Repository,
    request: BriefingRequest,
    today: date | None = None,
) -> dict[str, Any]:
    """A briefing's headline numbers, cheaply: the period against the previous one and last year."""
    today = today or today_local()
    cal = work_calendar(repo)
    as_of, _report = default_dates(request.period, cal, today)
    scope = resolve_scope(repo, request.scope_kind, request.scope_key, as_of)
    acc = Accountability.of(repo.units(), as_of)
    base = m.MetricsQuery(
        as_of=as_of,
        lead_units=with_formers(scope.units, acc),
        priority_only=request.priority_only,
        rollup_successors=True,
        rollup_as_of=as_of,
    )
    year = cumulative_window(request.period, as_of)
    ytd = replace(base, assigned_from=year.start, assigned_to=as_of, by="none")
    res = _run_parallel(
        {
            "compare": lambda: m.compare_periods(repo, base, request.period, "assigned"),
            "ytd": lambda: m.status_metrics(repo, ytd),
            "age": lambda: m.overdue_age(repo, base, cal),
        },
        {},
    )
    return {
        "as_of": as_of,
        "scope": scope,
        "compare": res["compare"],
        "year": year,
        "cumulative": res["ytd"]["total"],
        "overdue_now": sum(b["count"] for b in res["age"]["buckets"]),
    }


def archive(repo: Repository, briefing: Briefing) -> str:
    """Store a generated file in GridFS with its metadata; returns the file id."""
    return repo.save_briefing(briefing.content, briefing.filename, briefing.metadata)


# --- the urging letter ----------------------------------------------------------------------------


@dataclass
class UrgeData:
    """What an urging letter shows."""

    unit: dict[str, Any]  # the unit answering on D (the successor of an ended unit)
    formers: dict[str, int]  # ended units whose overdue tasks it inherited: code -> count
    accountability: Accountability
    as_of: date
    report_date: date
    signer: Signer
    settings: DocSettings
    number: str
    tasks: list[dict[str, Any]]
    total: int
    reply_by: date


def gather_urge(
    repo: Repository,
    unit_code: str,
    as_of: date,
    signer_id: str | None = None,
    report_date: date | None = None,
    number: str = "",
    settings: DocSettings | None = None,
) -> UrgeData:
    """The unit answering on D, its open overdue tasks as of D (longest first; with those of
    the ended units it took over) and who signs.

    A unit that had ceased to exist by D is not written to: its successor (following chains)
    answers for its tasks.
    """
    settings = settings or DocSettings.from_config()
    if repo.unit(unit_code) is None:
        raise ValueError(f"--unit: không có đơn vị mã «{unit_code}»")
    all_units = repo.units()
    acc = Accountability.of(all_units, as_of)
    responsible = str(acc.unit(unit_code))
    unit = repo.unit(responsible) or {"_id": responsible, "name": responsible}
    cal = work_calendar(repo)
    day = report_date or as_of
    lead_units = with_formers(frozenset({responsible}), acc)
    q = m.MetricsQuery(as_of=as_of, lead_units=lead_units)
    age = m.overdue_age(repo, q, cal)
    tasks = m.longest_overdue(repo, q, cal, limit=settings.urge_limit)
    formers = {
        str(code): sum(b.values())
        for code, b in age["by_unit"].items()
        if str(code) != responsible and sum(b.values())
    }
    units = {str(u["_id"]): u for u in all_units}
    signer = resolve_signer(repo.leaders(), repo.delegations(as_of=day), day, signer_id, units)
    return UrgeData(
        unit=dict(unit),
        formers=formers,
        accountability=acc,
        as_of=as_of,
        report_date=day,
        signer=signer,
        settings=settings,
        number=number,
        tasks=tasks,
        total=sum(b["count"] for b in age["buckets"]),
        # Art. 15: the Office asks for results or reasons; 5 working days leaves time to report.
        reply_by=cal.add_working_days(day, 5),
    )


def urge_context(data: UrgeData) -> dict[str, Any]:
    """Every template variable of `cong_van_don_doc.docx` (pure)."""
    settings = data.settings
    name = str(data.unit["name"])
    acc = data.accountability
    ctx = _header_context(
        settings, data.number, f"{settings.office_abbr}-TH", data.report_date, data.signer
    )
    shown = len(data.tasks)
    ctx.update(
        {
            "subject": "V/v đôn đốc thực hiện nhiệm vụ quá hạn",
            "recipient": name,
            "opening": (
                "Theo dõi trên Hệ thống thông tin chỉ đạo, điều hành, tính đến ngày "
                f"{format_vn(data.as_of)}, {name} còn {_count(data.total)} nhiệm vụ do UBND tỉnh, "
                "Chủ tịch UBND tỉnh giao chưa hoàn thành, đã quá thời hạn"
                + (
                    ", trong đó có "
                    + " và ".join(
                        f"{_count(n)} nhiệm vụ trước đây giao cho {acc.names.get(code, code)}"
                        for code, n in sorted(data.formers.items())
                    )
                    + f" (nay do {name} chịu trách nhiệm)"
                    if data.formers
                    else ""
                )
                + (
                    ", như sau:"
                    if data.total and data.formers
                    else " như sau:"
                    if data.total
                    else "."
                )
            ),
            "overdue_caption": "Danh sách nhiệm vụ chưa hoàn thành, quá hạn",
            "tasks": [
                _task_cells(i, t, partial(acc.label, short=True), _count(t.get("days_overdue")))
                for i, t in enumerate(data.tasks, start=1)
            ],
            "overdue_note": "(*) Số ngày làm việc tính từ sau thời hạn đến ngày "
            f"{format_vn(data.as_of)}."
            + (f" Danh sách nêu {shown} nhiệm vụ quá hạn lâu nhất." if shown < data.total else ""),
            "requests": [
                f"Thực hiện {settings.regulation}, Văn phòng UBND tỉnh đề nghị {name} khẩn trương "
                "chỉ đạo triển khai, hoàn thành dứt điểm các nhiệm vụ nêu trên và cập nhật kết "
                "quả thực hiện trên Hệ thống thông tin chỉ đạo, điều hành theo quy định.",
                "Trường hợp chưa thể hoàn thành, đề nghị báo cáo rõ nguyên nhân, khó khăn, vướng "
                "mắc và đề xuất giải pháp, thời hạn hoàn thành, gửi Văn phòng UBND tỉnh trước "
                f"ngày {format_vn(data.reply_by)} để tổng hợp, báo cáo Chủ tịch UBND tỉnh, Phó "
                "Chủ tịch UBND tỉnh phụ trách.",
            ],
            "closing": f"Văn phòng UBND tỉnh thông báo để {name} biết, thực hiện./.",
            "recipients": recipients_for(settings.urge_recipients, data.signer),
        }
    )
    return {key: _nfc(value) for key, value in ctx.items()}


def build_urge(
    repo: Repository,
    unit_code: str,
    as_of: date,
    signer_id: str | None = None,
    report_date: date | None = None,
    number: str = "",
    generated_by: str = "",
) -> Briefing:
    """The urging letter to one unit as a .docx."""
    data = gather_urge(repo, unit_code, as_of, signer_id, report_date, number)
    if data.total == 0:
        raise ValueError(
            f"--unit: {data.unit['name']} không có nhiệm vụ chưa hoàn thành, quá hạn tại ngày "
            f"{format_vn(as_of)}; không lập công văn đôn đốc"
        )
    content = render_docx(URGE_TEMPLATE, urge_context(data))
    code = str(data.unit["_id"])
    slug = "".join(ch if ch.isalnum() else "-" for ch in fold(code)).strip("-")
    scope = BriefingScope("unit", code, str(data.unit["name"]), frozenset({code}))
    meta = _metadata(
        "urge", content, None, scope, data.signer, data.as_of, data.report_date, generated_by
    )
    meta["overdue"] = data.total
    return Briefing(content, f"don-doc-{slug}-{as_of.isoformat()}.docx", meta)


# --- the full overdue list as a workbook -----------------------------------------------------

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_HEADERS = (
    "TT",
    "Đơn vị chịu trách nhiệm",
    "Đơn vị được giao (nếu đã giải thể, sáp nhập)",
    "Nội dung nhiệm vụ",
    "Số văn bản",
    "Ngày giao",
    "Thời hạn",
    "Đã gia hạn",
    "Số ngày quá hạn (ngày làm việc)",
    "Nhiệm vụ trọng tâm",
)


def _cells(values: list[Any]) -> list[Any]:
    """A row of a spreadsheet: texts made inert (no formula), other values as they are."""
    return [neutralise_formula(v) if isinstance(v, str) else v for v in values]


def overdue_xlsx(
    repo: Repository, request: BriefingRequest, today: date | None = None
) -> tuple[bytes, str]:
    """Every open overdue task at the briefing's cut-off (the annex is capped), longest first,
    as an .xlsx file: (content, file name). Units are named as they answer on the cut-off."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    today = today or today_local()
    cal = work_calendar(repo)
    as_of, _report = default_dates(request.period, cal, today)
    acc = Accountability.of(repo.units(), as_of)
    scope = resolve_scope(repo, request.scope_kind, request.scope_key, as_of)
    if scope.kind == "unit" and scope.key:
        scope = replace(scope, units=frozenset({str(acc.unit(scope.key))}))
    q = m.MetricsQuery(
        as_of=as_of,
        lead_units=with_formers(scope.units, acc),
        priority_only=request.priority_only,
    )
    total = sum(b["count"] for b in m.overdue_age(repo, q, cal)["buckets"])
    tasks = m.longest_overdue(repo, q, cal, limit=max(total, 1))
    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ quá hạn"
    ws.append([f"Danh sách nhiệm vụ chưa hoàn thành, quá hạn tính đến ngày {format_vn(as_of)}"])
    ws.append(
        _cells([f"{scope.name}; {_count(total)} nhiệm vụ; xếp theo số ngày quá hạn giảm dần."])
    )
    ws.append(list(XLSX_HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws["A1"].font = Font(bold=True, size=13)
    for i, t in enumerate(tasks, start=1):
        lead = str(t.get("lead_unit") or "")
        responsible = str(acc.unit(lead))
        ws.append(
            _cells(
                [
                    i,
                    acc.names.get(responsible, responsible),
                    acc.names.get(lead, lead) if lead != responsible else "",
                    unicodedata.normalize("NFC", str(t.get("content") or "")),
                    t.get("document_number") or "",
                    t.get("assigned_date"),
                    t.get("effective_deadline") or t.get("deadline"),
                    "Có" if t.get("extended") else "",
                    t.get("days_overdue"),
                    "Có" if t.get("priority") else "",
                ]
            )
        )
    for row in ws.iter_rows(min_row=4):
        for cell in row[5:7]:
            cell.number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFGHIJ", (6, 38, 30, 70, 18, 12, 12, 10, 14, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    name = f"nhiem-vu-qua-han-{as_of.isoformat()}-{scope.slug()}.xlsx"
    return out.getvalue(), name
