"""The chart worker processes: the same PNG as drawn here, below the server's priority, a worker
that died is started again, and a chart is drawn here when no worker can run or one fails."""

from __future__ import annotations

import os
import time

import pytest

from core import briefing as b
from core import charts
from core.briefing import figures


def _ranking() -> object:
    rows = [
        {"key": f"U{i}", "name": f"Sở số {i}", "short_name": f"Sở {i}", "rank": i + 1,
         "on_time_rate_due": 0.5 + i / 100, "volume": 10, "completed_on_time": 5, "ranked": True}
        for i in range(4)
    ]  # fmt: skip
    return charts.print_ranking(rows, "Tỷ lệ hoàn thành đúng hạn")


def test_the_worker_draws_what_this_process_draws() -> None:
    chart = _ranking()
    b.warm_up_charts()
    drawn = b.png(chart)
    assert drawn == figures.render_png(chart.to_json(), 3)  # type: ignore[attr-defined]
    assert b.png_size(drawn)[0] > 1000


def test_the_workers_yield_the_cores_to_the_server() -> None:
    """Started when Báo cáo opens, the workers run below the server's priority: their start-up
    and charts must not slow the pages drawn meanwhile."""
    b.warm_up_charts()
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    for worker in figures._WORKERS.all:
        proc = worker._proc
        assert proc is not None
        deadline = time.monotonic() + 30
        while os.getpriority(os.PRIO_PROCESS, proc.pid) != min(19, ours + 10):
            assert proc.poll() is None, "the worker ended"
            assert time.monotonic() < deadline, "the worker kept the server's priority"
            time.sleep(0.01)


def test_a_dead_worker_is_started_again() -> None:
    chart = _ranking()
    first = b.png(chart)
    for worker in figures._WORKERS.all:
        worker.close()  # as if it had died
    assert b.png(chart) == first
    assert any(w._proc is not None and w._proc.poll() is None for w in figures._WORKERS.all)


def test_without_a_worker_the_chart_is_drawn_here(monkeypatch: pytest.MonkeyPatch) -> None:
    chart = _ranking()
    expected = figures.render_png(chart.to_json(), 3)  # type: ignore[attr-defined]
    workers = figures.ChartWorkers(1)
    monkeypatch.setattr(figures, "_WORKERS", workers)
    monkeypatch.setattr(figures.sys, "executable", "/nonexistent/python")
    assert b.png(chart) == expected  # the process could not start


def test_a_spec_the_worker_cannot_draw_fails_as_here() -> None:
    with pytest.raises(ValueError):
        figures.draw('{"mark": 5}', 1)
