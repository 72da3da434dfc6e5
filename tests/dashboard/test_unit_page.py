"""One unit's page (dashboard/views/don_vi.py) asks for its figures side by side: each is drawn
where it belongs and equals what core computes, each is computed in the figure threads
(`data.in_background`), none is asked twice, the next render is served from Streamlit's caches,
and no thread logs a missing script run context."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from core import backlog as core_backlog
from core import charts, explorer, metrics
from core.metrics import MetricsQuery
from core.periods import period_for_report
from core.readmodel import figures as readmodel_figures
from core.repository import Repository
from core.services import work_calendar
from dashboard import formatting as fmt
from tests.cards import cards
from tests.dashboard.demo_db import AS_OF
from tests.dashboard.test_links_and_tables import link_labels
from tests.dashboard.test_pages import assert_clean, open_app

UNIT = "SYT"
KIND, REPORT = "quarter", "2026-Q3"
PARAMS = {"ngay": AS_OF.isoformat(), "ky": KIND, "kybc": REPORT, "donvi": UNIT}


class Calls:
    """The threads each core figure of the page was computed in, per figure."""

    def __init__(self) -> None:
        self.threads: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def spy(
        self, name: str, fn: Callable[..., Any], counts: Callable[..., bool] | None = None
    ) -> Callable[..., Any]:
        """`fn`, recording each call (those `counts` accepts, when given)."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if counts is None or counts(*args, **kwargs):
                with self._lock:
                    self.threads.setdefault(name, []).append(threading.current_thread().name)
            return fn(*args, **kwargs)

        return wrapper


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Every core computation behind the unit page's figures, recorded (and still run)."""
    out = Calls()
    monkeypatch.setattr(core_backlog, "backlog", out.spy("backlog", core_backlog.backlog))
    monkeypatch.setattr(metrics, "compare_periods", out.spy("compare", metrics.compare_periods))
    monkeypatch.setattr(metrics, "trend", out.spy("trend", metrics.trend))
    monkeypatch.setattr(explorer, "search_tasks", out.spy("coordinating", explorer.search_tasks))
    for cls in (readmodel_figures.Pipelines, readmodel_figures.Columns):
        # (the backlog counts due soon too, without tasks: `limit=0`)
        listed = lambda *a, limit=50, **k: bool(limit)  # noqa: E731
        monkeypatch.setattr(cls, "due_soon", out.spy("due_soon", cls.due_soon, listed))
        monkeypatch.setattr(cls, "update_discipline", out.spy("discipline", cls.update_discipline))
    return out


@pytest.fixture()
def context_warnings() -> Iterator[list[str]]:
    """What Streamlit logs about threads without a script run context (the page's threads:
    the test itself calls cached functions outside any page, where Streamlit says so)."""
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.threadName != "MainThread":  # pytest's own thread runs no page
                seen.append(record.getMessage())

    handler = Keep(level=logging.DEBUG)
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)


def expected(repo: Repository) -> dict[str, Any]:
    """The page's figures as core computes them (the pipelines), for the same filters."""
    period = period_for_report(KIND, REPORT)
    base = explorer.with_units(
        MetricsQuery(as_of=AS_OF, by="none", rollup_successors=True, rollup_as_of=AS_OF),
        [UNIT, *explorer.predecessors(repo.units(), UNIT, AS_OF)],
    )
    period_q = base.for_period(period, "deadline")
    cal = work_calendar(repo)
    trend_rows = metrics.trend(repo, base, period, n=12, population="deadline", by_unit=True)
    by_period: dict[str, list[Any]] = {}
    labels: dict[str, str] = {}
    for row in trend_rows:
        by_period.setdefault(row["period"], []).append(row)
        labels[row["period"]] = row["label"]
    return {
        "backlog": core_backlog.backlog(repo, base, cal, 15),
        "compare": metrics.compare_periods(repo, base, period, "deadline"),
        "points": [{"label": labels[p], **explorer.totals_of(r)} for p, r in by_period.items()],
        "due_soon": metrics.due_soon(repo, base, cal, windows=(1, 3, 7), limit=15),
        "coordinating": explorer.search_tasks(
            repo,
            explorer.TaskSearch(as_of=AS_OF, unit=UNIT, coordinating=True, page_size=10),
            cal,
        ),
        "discipline": metrics.update_discipline(repo, period_q, cal)["total"],
    }


def drawn_specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def without_data(spec: dict[str, Any]) -> dict[str, Any]:
    """A spec as Streamlit sends it: its datasets travel apart (their names, hashes of their
    rows, stay in the spec)."""
    return {k: v for k, v in spec.items() if k != "datasets"}


def test_the_unit_page_draws_cores_figures_each_in_its_place(
    demo_env: Repository, calls: Calls, context_warnings: list[str]
) -> None:
    at = open_app("views/don_vi.py", **PARAMS)
    assert_clean(at)
    assert at.title[0].value == "Sở Y tế"
    want = expected(demo_env)
    b, cmp, disc = want["backlog"], want["compare"]["current"], want["discipline"]
    values = [m.value for m in cards(at)]
    assert values == [
        fmt.fmt_count(b["open_overdue"]),
        fmt.fmt_count(b["open_within_deadline"]),
        fmt.fmt_count(b["due_soon"]["7"]),
        fmt.fmt_count(b["priority_overdue"]),
        fmt.fmt_count(b["no_deadline_open"]),
        fmt.fmt_count(cmp["assigned"]),
        fmt.fmt_count(cmp["completed_on_time"]),
        fmt.fmt_count(cmp["completed_late"]),
        fmt.fmt_count(cmp["open_overdue"]),
        fmt.fmt_rate(cmp["on_time_rate_due"]),
        fmt.fmt_rate(disc["update_rate"]),
        fmt.fmt_count(disc["duties"]),
        fmt.fmt_count(disc["not_updated"]),
    ]
    status_chart, trend_chart = drawn_specs(at)
    assert status_chart == without_data(
        charts.status_breakdown(
            cmp, categories=[c for c in metrics.CATEGORIES if not c.startswith("no_deadline")]
        )
    )
    assert trend_chart == without_data(charts.trend_lines(want["points"], "on_time_rate_due"))
    captions = [c.value for c in at.caption]
    soon = want["due_soon"]["windows"]
    assert (
        f"Trong 1 ngày làm việc: {fmt.fmt_count(soon['1'])}; 3 ngày: {fmt.fmt_count(soon['3'])}; "
        f"7 ngày: {fmt.fmt_count(soon['7'])}." in captions
    )
    coordinating = want["coordinating"]
    assert not coordinating.capped
    assert (
        f"Tổng số: {fmt.fmt_count(coordinating.total)} nhiệm vụ do đơn vị khác chủ trì." in captions
    )
    links = link_labels(at)
    for task in [*b["longest"], *want["due_soon"]["tasks"], *coordinating.rows]:
        assert any(fmt.task_label(task, 90) in label for label in links), task["id"]
    assert not context_warnings


def test_the_unit_page_asks_each_figure_once_beside_the_others_then_from_the_cache(
    demo_env: Repository, calls: Calls, context_warnings: list[str]
) -> None:
    at = open_app(None, **PARAMS)  # the overview first (its own backlog, in the page's thread)
    calls.threads.clear()
    at.switch_page("views/don_vi.py")
    for name, value in PARAMS.items():
        at.query_params[name] = value
    at.run()
    assert_clean(at)
    assert at.title[0].value == "Sở Y tế"
    figures = ["backlog", "compare", "trend", "due_soon", "coordinating", "discipline"]
    assert sorted(calls.threads) == sorted(figures)
    for name in figures:
        assert len(calls.threads[name]) == 1, (name, calls.threads[name])
        assert calls.threads[name][0].startswith("cddh-figures"), (name, calls.threads[name])
    before = {name: list(threads) for name, threads in calls.threads.items()}
    at.run()  # the same page again: every figure from Streamlit's caches
    assert_clean(at)
    assert calls.threads == before
    assert not context_warnings


def test_a_capped_count_of_coordinated_tasks_says_more_than(
    demo_env: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coordinated tasks are counted up to `explorer.COUNT_CAP`: past it the page says
    «hơn» (more than), not a count that looks exact."""
    monkeypatch.setattr(explorer, "COUNT_CAP", 3)
    at = open_app("views/don_vi.py", **PARAMS)
    assert_clean(at)
    captions = [c.value for c in at.caption]
    assert "Tổng số: hơn 3 nhiệm vụ do đơn vị khác chủ trì." in captions, captions
