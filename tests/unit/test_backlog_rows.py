"""The backlog (core/backlog.py) without a database: its population, the units holding open tasks,
and how `backlog` assembles the pipelines' counts (stand-ins here; tests/integration/test_backlog.py
runs the real ones against a plain-Python reference)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from core import metrics
from core.backlog import backlog, stock_query, unit_rows
from core.calendar import WorkCalendar
from core.dates import to_bson_day
from core.metrics.query import MetricsQuery
from core.scope import Scope


def test_the_stock_is_every_task_assigned_up_to_d_by_the_unit_answering_for_it() -> None:
    scope = Scope.of_units({"SYT"}, coordinating=True)
    q = MetricsQuery(
        as_of=date(2026, 3, 10),
        assigned_from=date(2026, 1, 1),
        assigned_to=date(2026, 2, 1),
        deadline_from=date(2026, 2, 1),
        deadline_to=date(2026, 3, 1),
        by="signer",
        rollup_successors=False,
        rollup_as_of=date(2026, 5, 1),
        priority_only=True,
        lead_units=frozenset({"SYT", "STC"}),
        scope=scope,
    )
    sq = stock_query(q)
    assert sq == MetricsQuery(
        as_of=date(2026, 3, 10),
        by="unit",
        rollup_successors=True,
        rollup_as_of=date(2026, 5, 1),
        priority_only=True,
        lead_units=frozenset({"SYT", "STC"}),
        scope=scope,
    )


def counts(key: str, overdue: int, within: int, no_deadline: int, **other: int) -> dict[str, Any]:
    return {
        "key": key,
        "open_overdue": overdue,
        "open_within_deadline": within,
        "no_deadline_open": no_deadline,
        "completed_on_time": other.get("on_time", 0),
    }


def test_unit_rows_most_overdue_first_then_most_open_then_code() -> None:
    rows = [
        counts("SYT", 2, 1, 0),
        counts("STC", 5, 0, 0),
        counts("SXD", 2, 3, 1),
        counts("SNV", 0, 0, 0, on_time=9),  # nothing open: left out
        counts("SGD", 2, 1, 0),
        counts("SCT", 0, 0, 4),
    ]
    got = unit_rows(rows)
    assert [(r["key"], r["open"]) for r in got] == [
        ("STC", 5),
        ("SXD", 6),
        ("SGD", 3),
        ("SYT", 3),
        ("SCT", 4),
    ]
    # Each row keeps its counts.
    assert got[1]["open_within_deadline"] == 3 and got[1]["no_deadline_open"] == 1
    assert "open" not in rows[0]


def test_unit_rows_of_no_open_task() -> None:
    assert unit_rows([counts("SNV", 0, 0, 0, on_time=3)]) == []
    assert unit_rows([]) == []


# ------------------------------------------------------------------ the whole backlog, assembled
class FakeRepo:
    """Only what `backlog` reads from the store itself: the units (stored form)."""

    def units(self) -> list[dict[str, Any]]:
        return [
            {"_id": "STC", "name": "Sở Tài chính", "short_name": "STC"},
            {
                "_id": "SKHDT",
                "name": "Sở Kế hoạch và Đầu tư",
                "short_name": "SKHĐT",
                "valid_to": to_bson_day(date(2025, 2, 28)),
                "successor": "STC",
            },
            {"_id": "SYT", "name": "Sở Y tế"},
        ]


def unit_counts(key: str, overdue: int, within: int, none_open: int) -> dict[str, Any]:
    return {
        "key": key,
        "open_overdue": overdue,
        "open_within_deadline": within,
        "no_deadline_open": none_open,
    }


class Calls:
    """Stand-ins for the pipelines `backlog` runs, recording what they were asked."""

    def __init__(self) -> None:
        self.status: list[MetricsQuery] = []
        self.other: list[tuple[str, MetricsQuery, dict[str, Any]]] = []
        self.repo = FakeRepo()
        self.cal = WorkCalendar()

    def check(self, repo: Any, cal: Any = None) -> None:
        """Every pipeline reads the backlog's own store (and calendar)."""
        assert repo is self.repo
        assert cal is None or cal is self.cal

    def status_metrics(self, repo: Any, q: MetricsQuery) -> dict[str, Any]:
        self.check(repo)
        self.status.append(q)
        if q.by == "none":
            return {"total": {"open_overdue": 2, "open_within_deadline": 1, "no_deadline_open": 0}}
        rows = [
            unit_counts("STC", 4, 1, 0),
            unit_counts("SYT", 1, 2, 3),
            unit_counts("SNV", 0, 0, 0),
        ]
        return {
            "total": {"open_overdue": 5, "open_within_deadline": 3, "no_deadline_open": 3},
            "rows": rows,
        }

    def overdue_age(self, repo: Any, q: MetricsQuery, cal: Any) -> dict[str, Any]:
        self.check(repo, cal)
        assert cal is not None
        self.other.append(("age", q, {}))
        return {
            "buckets": {"1-7": 1, ">120": 4},
            "by_unit": {  # SYT has no overdue task at all
                "STC": {"1-7": 0, ">120": 1},
                "SKHDT": {"1-7": 0, ">120": 2},  # ended: its tasks are STC's on D
                "SNV": {"1-7": 1},
                None: {">120": 1},
            },
        }

    def due_soon(self, repo: Any, q: MetricsQuery, cal: Any, **kw: Any) -> dict[str, Any]:
        self.check(repo, cal)
        assert cal is not None
        self.other.append(("soon", q, kw))
        return {"windows": {1: 1, 3: 2, 7: 4}, "window_ends": {1: "2025-07-11"}}

    def longest_overdue(
        self, repo: Any, q: MetricsQuery, cal: Any, **kw: Any
    ) -> list[dict[str, Any]]:
        self.check(repo, cal)
        assert cal is not None
        self.other.append(("longest", q, kw))
        return [{"_id": "t1", "lead_unit": "SKHDT"}, {"_id": "t2", "lead_unit": None}]


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    fake = Calls()
    for name in ("status_metrics", "overdue_age", "due_soon", "longest_overdue"):
        monkeypatch.setattr(metrics, name, getattr(fake, name))
    return fake


AS_OF = date(2025, 7, 10)


def test_backlog_assembles_the_stock_by_the_unit_answering_on_d(calls: Calls) -> None:
    q = MetricsQuery(as_of=AS_OF, by="signer", assigned_from=date(2025, 1, 1))
    got = backlog(calls.repo, q, calls.cal, longest=3)  # type: ignore[arg-type]
    sq = stock_query(q)
    # The stock's counts, then the priority tasks' open overdue (by="none", priority only).
    assert calls.status == [sq, replace(sq, by="none", priority_only=True)]
    assert calls.other == [
        ("age", sq, {}),
        ("soon", sq, {"windows": (1, 3, 7), "limit": 0}),
        ("longest", sq, {"limit": 3}),
    ]
    assert got == {
        "as_of": "2025-07-10",
        "open_overdue": 5,
        "open_within_deadline": 3,
        "no_deadline_open": 3,
        "open": 11,
        "priority_overdue": 2,
        "over_long": 4,
        "age_buckets": {"1-7": 1, ">120": 4},
        "due_soon": {1: 1, 3: 2, 7: 4},
        "due_soon_ends": {1: "2025-07-11"},
        "units": [
            {**unit_counts("STC", 4, 1, 0), "open": 5, "over_120": 3, "formers": ["SKHDT"]},
            {**unit_counts("SYT", 1, 2, 3), "open": 6, "over_120": 0, "formers": []},
        ],
        "longest": [
            {
                "_id": "t1",
                "lead_unit": "SKHDT",
                "responsible_unit": "STC",
                "responsible_label": "Sở Tài chính (trước đây: Sở Kế hoạch và Đầu tư)",
                "responsible_short": "STC (trước đây: SKHĐT)",
            },
            {
                "_id": "t2",
                "lead_unit": None,
                "responsible_unit": None,
                "responsible_label": "Chưa xác định",
                "responsible_short": "Chưa xác định",
            },
        ],
    }


def test_backlog_of_priority_tasks_counts_them_once(calls: Calls) -> None:
    q = MetricsQuery(as_of=AS_OF, priority_only=True)
    got = backlog(calls.repo, q, calls.cal, longest=0)  # type: ignore[arg-type]
    assert calls.status == [stock_query(q)]  # no second query: the stock is the priority tasks
    assert got["priority_overdue"] == got["open_overdue"] == 5
    assert got["longest"] == []
    assert [name for name, *_ in calls.other] == ["age", "soon"]


def test_backlog_lists_ten_tasks_by_default(calls: Calls) -> None:
    backlog(calls.repo, MetricsQuery(as_of=AS_OF), calls.cal)  # type: ignore[arg-type]
    assert calls.other[-1][0] == "longest" and calls.other[-1][2] == {"limit": 10}
