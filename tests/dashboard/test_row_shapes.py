"""The read side's rows on the demo province have exactly the keys their TypedDicts name."""

from __future__ import annotations

from typing import Any

from core import backlog, explorer, metrics
from core.metrics import MetricsQuery
from core.periods import period_containing
from core.repository import Repository
from core.rows import (
    Backlog,
    BacklogTaskRow,
    BacklogUnitRow,
    Comparison,
    DueSoon,
    ExtensionRow,
    OverdueTaskRow,
    PeriodTotal,
    RankedRow,
    StatusResult,
    StatusRow,
    TaskDetail,
    TaskRow,
    TrendRow,
)
from core.scope import Scope
from core.services import work_calendar
from tests.dashboard.demo_db import AS_OF


def assert_fits(row: Any, shape: Any) -> None:
    keys = set(row)
    assert shape.__required_keys__ <= keys, shape.__required_keys__ - keys
    assert keys <= shape.__required_keys__ | shape.__optional_keys__, keys - set(
        shape.__annotations__
    )


def test_status_rows(demo_repo: Repository) -> None:
    for by in metrics.GROUPINGS:
        result = metrics.status_metrics(demo_repo, MetricsQuery(as_of=AS_OF, by=by))
        assert_fits(result, StatusResult)
        assert result["rows"], by
        for row in [*result["rows"], result["total"]]:
            assert_fits(row, StatusRow)
            assert isinstance(row["key"], str), (by, row["key"])
        for row in metrics.rank_rows(result["rows"]):
            assert_fits(row, RankedRow)


def test_period_rows(demo_repo: Repository) -> None:
    q = MetricsQuery(as_of=AS_OF, by="unit")
    period = period_containing("month", AS_OF, "decree09")
    cmp = metrics.compare_periods(demo_repo, q, period)
    assert_fits(cmp, Comparison)
    for name in ("current", "previous", "last_year"):
        assert_fits(cmp[name], PeriodTotal)
    for by_unit in (False, True):
        for row in metrics.trend(demo_repo, q, period, n=3, by_unit=by_unit):
            assert_fits(row, TrendRow)


def test_backlog_and_task_rows(demo_repo: Repository) -> None:
    cal = work_calendar(demo_repo)
    b = backlog.backlog(demo_repo, MetricsQuery(as_of=AS_OF), cal, longest=5)
    assert_fits(b, Backlog)
    assert b["units"] and b["longest"]
    for unit in b["units"]:
        assert_fits(unit, BacklogUnitRow)
    for task in b["longest"]:
        assert_fits(task, BacklogTaskRow)
    soon = metrics.due_soon(demo_repo, MetricsQuery(as_of=AS_OF), cal)
    assert_fits(soon, DueSoon)
    for task in soon["tasks"]:
        assert_fits(task, OverdueTaskRow)
    page = explorer.search_tasks(demo_repo, explorer.TaskSearch(as_of=AS_OF), cal)
    assert page.rows
    for row in page.rows:
        assert_fits(row, TaskRow)
    stored = demo_repo.db.tasks.find_one({"extensions.0": {"$exists": True}})
    assert stored is not None
    detail = explorer.task_detail(demo_repo, stored["_id"], AS_OF, Scope.everything(), cal)
    assert detail is not None
    assert_fits(detail, TaskDetail)
    for extension in detail["extensions"]:
        assert_fits(extension, ExtensionRow)
