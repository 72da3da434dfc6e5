"""What a metrics query is (core/metrics/query.py): its checks, the filters it echoes, its periods
and the three rates with their denominators."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.metrics.query import CATEGORIES, MetricsQuery, with_rates
from core.periods import custom_period, period_for_report
from core.scope import Scope

D = date(2026, 11, 20)


# ------------------------------------------------------------------ checks
def test_groupings_are_checked() -> None:
    for by in ("unit", "portfolio", "signer", "tracking_room", "document_type", "priority", "none"):
        assert MetricsQuery(as_of=D, by=by).by == by
    with pytest.raises(ValueError) as err:
        MetricsQuery(as_of=D, by="sector")
    assert str(err.value) == (
        "--by: «sector» không hợp lệ (chọn một trong unit, portfolio, signer, tracking_room, "
        "document_type, priority, none)"
    )


def test_windows_must_not_end_before_they_start() -> None:
    with pytest.raises(ValueError) as err:
        MetricsQuery(as_of=D, assigned_from=date(2026, 3, 2), assigned_to=date(2026, 3, 1))
    assert str(err.value) == "ngày giao: ngày bắt đầu sau ngày kết thúc"
    with pytest.raises(ValueError) as err:
        MetricsQuery(as_of=D, deadline_from=date(2026, 3, 2), deadline_to=date(2026, 3, 1))
    assert str(err.value) == "thời hạn: ngày bắt đầu sau ngày kết thúc"
    # One-day windows and open-ended ones are fine.
    MetricsQuery(as_of=D, assigned_from=date(2026, 3, 1), assigned_to=date(2026, 3, 1))
    MetricsQuery(as_of=D, deadline_from=date(2026, 3, 2))
    MetricsQuery(as_of=D, deadline_to=date(2026, 3, 1))


def test_defaults() -> None:
    q = MetricsQuery(as_of=D)
    assert (q.by, q.rollup_successors, q.priority_only, q.lead_units) == (
        "unit",
        False,
        False,
        None,
    )
    assert q.scope == Scope.everything()
    assert q.assigned_from is q.assigned_to is q.deadline_from is q.deadline_to is None


def test_the_organisation_day() -> None:
    assert MetricsQuery(as_of=D).organisation_day == D
    later = date(2027, 1, 5)
    assert MetricsQuery(as_of=D, rollup_as_of=later).organisation_day == later


# ------------------------------------------------------------------ the filters echoed
def test_filters_of_a_plain_query() -> None:
    assert MetricsQuery(as_of=D).filters() == {
        "assigned_from": None,
        "assigned_to": None,
        "deadline_from": None,
        "deadline_to": None,
        "rollup_successors": False,
    }


def test_filters_of_a_full_query() -> None:
    q = MetricsQuery(
        as_of=D,
        assigned_from=date(2026, 1, 1),
        assigned_to=date(2026, 6, 30),
        deadline_from=date(2026, 2, 1),
        deadline_to=date(2026, 12, 31),
        rollup_successors=True,
        rollup_as_of=date(2027, 1, 5),
        priority_only=True,
        lead_units=frozenset({"SYT", "STC"}),
    )
    assert q.filters() == {
        "assigned_from": "2026-01-01",
        "assigned_to": "2026-06-30",
        "deadline_from": "2026-02-01",
        "deadline_to": "2026-12-31",
        "rollup_successors": True,
        "rollup_as_of": "2027-01-05",
        "priority_only": True,
        "lead_units": ["STC", "SYT"],
    }


def test_the_rollup_day_is_echoed_only_when_it_matters() -> None:
    later = date(2027, 1, 5)
    assert "rollup_as_of" not in MetricsQuery(as_of=D, rollup_as_of=later).filters()
    assert "rollup_as_of" not in MetricsQuery(as_of=D, rollup_successors=True).filters()
    same = MetricsQuery(as_of=D, rollup_successors=True, rollup_as_of=D)
    assert "rollup_as_of" not in same.filters()
    assert MetricsQuery(as_of=D, lead_units=frozenset()).filters()["lead_units"] == []


# ------------------------------------------------------------------ a period's query
def test_for_period_by_deadline() -> None:
    p = period_for_report("month", "2026-11")  # 15/10/2026 – 14/11/2026
    q = MetricsQuery(as_of=D, by="signer", assigned_from=date(2026, 1, 1)).for_period(p)
    assert q == MetricsQuery(
        as_of=date(2026, 11, 14),
        by="signer",
        assigned_from=date(2026, 1, 1),
        deadline_from=date(2026, 10, 15),
        deadline_to=date(2026, 11, 14),
    )


def test_for_period_by_assignment() -> None:
    p = custom_period(date(2026, 3, 1), date(2026, 3, 31))
    q = MetricsQuery(as_of=D, deadline_to=date(2026, 12, 1)).for_period(p, "assigned")
    assert q == MetricsQuery(
        as_of=date(2026, 3, 31),
        assigned_from=date(2026, 3, 1),
        assigned_to=date(2026, 3, 31),
        deadline_to=date(2026, 12, 1),
    )


@pytest.mark.parametrize(
    ("rule", "year_start"), [("decree09", date(2025, 12, 15)), ("calendar", date(2026, 1, 1))]
)
def test_for_period_year_to_date(rule: Any, year_start: date) -> None:
    p = period_for_report("quarter", "2026-Q3", rule)
    q = MetricsQuery(as_of=D).for_period(p, "ytd")
    assert q == MetricsQuery(as_of=p.end, assigned_from=year_start, assigned_to=p.end)


# ------------------------------------------------------------------ rates
def counts(
    on_time: int, late: int, overdue: int, within: int = 0, none_open: int = 0
) -> dict[str, Any]:
    row = dict.fromkeys(CATEGORIES, 0)
    row.update(
        completed_on_time=on_time,
        completed_late=late,
        open_overdue=overdue,
        open_within_deadline=within,
        no_deadline_open=none_open,
    )
    row["assigned"] = sum(row.values())
    return row


def test_rates_and_their_denominators() -> None:
    row = with_rates(counts(on_time=6, late=2, overdue=2, within=5, none_open=5))
    assert row["completion_rate_due"] == pytest.approx(8 / 10)
    assert row["on_time_rate_due"] == pytest.approx(6 / 10)
    assert row["overdue_share_assigned"] == pytest.approx(2 / 20)


def test_rates_without_a_denominator_are_none() -> None:
    row = with_rates(counts(on_time=0, late=0, overdue=0, within=4))
    assert row["completion_rate_due"] is None
    assert row["on_time_rate_due"] is None
    assert row["overdue_share_assigned"] == 0.0
    empty = with_rates(counts(0, 0, 0))
    assert empty["overdue_share_assigned"] is None


def test_rates_of_only_overdue_tasks() -> None:
    row = with_rates(counts(on_time=0, late=0, overdue=3))
    assert (row["completion_rate_due"], row["on_time_rate_due"], row["overdue_share_assigned"]) == (
        0.0,
        0.0,
        1.0,
    )
    late_only = with_rates(counts(on_time=0, late=4, overdue=0))
    assert (late_only["completion_rate_due"], late_only["on_time_rate_due"]) == (1.0, 0.0)
