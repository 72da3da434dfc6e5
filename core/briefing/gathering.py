"""Gathering a briefing's numbers: every metric query, run in parallel, and key figures."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date
from typing import Any

from core import metrics as m
from core.accountability import Accountability
from core.briefing.figures import CHARTS, chart_jobs, warm_up_charts
from core.briefing.parallel import _run_parallel
from core.briefing.request import (
    BriefingData,
    BriefingRequest,
    BriefingScope,
    DocSettings,
    cumulative_window,
    default_dates,
    resolve_scope,
    with_formers,
)
from core.briefing.signer import resolve_signer
from core.calendar import WorkCalendar
from core.dates import today_local
from core.periods import (
    previous_period,
    same_period_last_year,
)
from core.readmodel.figures import Figures, Pipelines
from core.repository import Repository
from core.rows import Figures as FigureRow
from core.rows import StatusResult

DUE_SOON_DAYS = 7
DUE_SOON_ROWS = 10
TREND_PERIODS: dict[str, int] = {
    "month": 12,
    "quarter": 8,
    "half": 6,
    "nine_months": 5,
    "year": 5,
    "custom": 6,
}


_CALENDARS: list[tuple[Any, WorkCalendar]] = []
_CALENDARS_LOCK = threading.Lock()


def briefing_calendar(repo: Repository) -> WorkCalendar:
    """`work_calendar(repo)`, the same object while the calendar's changes stay the same: its
    years, once computed (a hundred milliseconds of holiday rules), serve the next briefings,
    and so do the read model's working-day tables, kept per calendar."""
    holidays, workdays = repo.calendar_overrides()
    key = (sorted(holidays.items()), sorted(workdays.items()))
    with _CALENDARS_LOCK:
        for known, cal in _CALENDARS:
            if known == key:
                return cal
        cal = WorkCalendar(extra_holidays=holidays, extra_workdays=workdays)
        _CALENDARS[:] = [(key, cal)]
        return cal


def _unit_change(current: StatusResult, previous: StatusResult) -> dict[str, dict[str, Any]]:
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
    figures: Figures | None = None,
) -> BriefingData:
    """Run every query a briefing needs; numbers are as of the period's end (or today).

    `with_charts`: also draw the charts, each as soon as its numbers are in. `figures`: who
    computes the status figures (default the pipelines; the read model gives the same).
    """
    t0 = time.perf_counter()
    fig = figures or Pipelines(repo)
    settings = settings or DocSettings.from_config()
    today = today or today_local()
    cal = briefing_calendar(repo)
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
            "overdue": lambda: fig.longest_overdue(base, cal, limit=settings.annex_limit),
            "age": lambda: fig.overdue_age(base, cal),
            "units": lambda: fig.status_metrics(ytd),
            "due_soon": lambda: fig.due_soon(
                soon_q, cal, windows=(1, 3, DUE_SOON_DAYS), limit=DUE_SOON_ROWS
            ),
            "discipline": lambda: fig.update_discipline(due_now, cal),
            "compare": lambda: m.compare_periods(
                repo, base, period, "assigned", counter=fig.period_metrics
            ),
            "trend": lambda: m.trend(
                repo,
                base,
                period,
                n=TREND_PERIODS[period.kind],
                population="deadline",
                counter=fig.period_metrics,
            ),
            "cumulative_last_year": lambda: fig.status_metrics(replace(ytd_last, by="none")),
            "due_now": lambda: fig.status_metrics(due_now),
            "due_prev": lambda: fig.status_metrics(due_prev),
            **({"warm_up": warm_up_charts} if with_charts else {}),
        },
        timings,
        chart_jobs(unit_kinds, acc, period, as_of) if with_charts else None,
    )
    by_unit: StatusResult = results["units"]
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
        cumulative={**by_unit["total"]},
        cumulative_last_year=results["cumulative_last_year"]["total"],
        units=by_unit,
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


def key_figures_from(current: FigureRow, cumulative: FigureRow) -> dict[str, Any]:
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
    figures: Figures | None = None,
) -> dict[str, Any]:
    """A briefing's headline numbers, cheaply: the period against the previous one and last year."""
    fig = figures or Pipelines(repo)
    today = today or today_local()
    cal = briefing_calendar(repo)
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
            "compare": lambda: m.compare_periods(
                repo, base, request.period, "assigned", counter=fig.period_metrics
            ),
            "ytd": lambda: fig.status_metrics(ytd),
            "age": lambda: fig.overdue_age(base, cal),
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
