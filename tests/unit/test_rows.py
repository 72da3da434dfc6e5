"""core.rows: the typed rows name the fields the functions write, in the order they write them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, get_args

from core import explorer, metrics
from core.backlog import unit_rows
from core.metrics.overdue import _task_row
from core.rows import (
    Category,
    Counts,
    Figures,
    OpenUnitRow,
    OverdueTaskRow,
    RankedRow,
    RateField,
    StatusRow,
    TaskRow,
    empty_figures,
)
from core.vocab import STATUS_LABELS


def fits(row: Any, shape: Any) -> bool:
    """Every required key of the TypedDict, and no key it does not name."""
    keys = set(row)
    return shape.__required_keys__ <= keys <= shape.__required_keys__ | shape.__optional_keys__


def test_field_names_are_the_literals_in_the_vocabulary_order() -> None:
    assert metrics.CATEGORIES == tuple(STATUS_LABELS) == get_args(Category)
    assert (
        metrics.COUNT_FIELDS == ("assigned", *metrics.CATEGORIES) == tuple(Counts.__annotations__)
    )
    assert metrics.RATE_FIELDS == get_args(RateField) == tuple(metrics.RATE_LABELS)
    assert tuple(Figures.__annotations__) == metrics.COUNT_FIELDS + metrics.RATE_FIELDS


def test_empty_rows_keep_the_json_order() -> None:
    assert list(empty_figures()) == [*metrics.COUNT_FIELDS, *metrics.RATE_FIELDS]
    row = metrics.empty_row("ALL", "Tổng cộng")
    assert list(row) == ["key", "name", *metrics.COUNT_FIELDS, *metrics.RATE_FIELDS]
    assert fits(row, StatusRow)
    totals = explorer.totals_of([])
    assert list(totals) == [*metrics.COUNT_FIELDS, *metrics.RATE_FIELDS] and fits(totals, Figures)


def test_with_rates_still_adds_the_rates_to_counts() -> None:
    counts = {name: 1 for name in metrics.COUNT_FIELDS}
    assert list(metrics.with_rates(counts)) == [*metrics.COUNT_FIELDS, *metrics.RATE_FIELDS]


def _row(key: str, on_time: int, late: int, overdue: int) -> StatusRow:
    row = metrics.empty_row(key, key)
    row["completed_on_time"], row["completed_late"], row["open_overdue"] = on_time, late, overdue
    row["assigned"] = on_time + late + overdue
    return metrics.with_rates(row)


def test_ranked_rows_add_volume_ranked_rank() -> None:
    ranked = metrics.rank_rows([_row("A", 5, 5, 0), _row("B", 1, 0, 0)], min_volume=2)
    assert all(fits(r, RankedRow) for r in ranked)
    assert list(ranked[0])[-3:] == ["volume", "ranked", "rank"] and ranked[0]["rank"] == 1
    assert list(ranked[1])[-3:] == ["volume", "rank", "ranked"] and ranked[1]["rank"] is None


def test_backlog_unit_rows_add_open() -> None:
    rows = unit_rows([_row("A", 1, 0, 2), _row("B", 1, 0, 0)])
    assert [r["key"] for r in rows] == ["A"] and fits(rows[0], OpenUnitRow) and rows[0]["open"] == 2


def test_task_rows_fit_their_shapes() -> None:
    day = datetime(2026, 1, 5)
    stored = {"_id": "T1", "assigned_date": day, "deadline": day, "eff": day, "cat": "open_overdue"}
    assert fits(explorer.task_row(stored), TaskRow)
    assert fits(_task_row({**stored, "age": 3}), OverdueTaskRow)
