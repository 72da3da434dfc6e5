"""Ranking units by a rate (core/metrics/ranking.py): worst first, shared ranks, small units apart."""

from __future__ import annotations

from typing import Any

import pytest

from core.metrics.ranking import delta, rank_rows, rate_numerator, rate_volume
from tests import reference


def row(
    key: str, on_time: int, late: int = 0, overdue: int = 0, within: int = 0, **extra: int
) -> dict[str, Any]:
    """A unit's counts with its rates (computed by the plain-Python reference)."""
    counts = {
        "key": key,
        "completed_on_time": on_time,
        "completed_late": late,
        "open_overdue": overdue,
        "open_within_deadline": within,
        "no_deadline_completed": extra.get("no_deadline_completed", 0),
        "no_deadline_open": extra.get("no_deadline_open", 0),
    }
    counts["assigned"] = sum(v for k, v in counts.items() if k != "key")
    return reference.rates(counts)


def order(rows: list[dict[str, Any]]) -> list[tuple[str, int | None, bool]]:
    return [(r["key"], r["rank"], r["ranked"]) for r in rows]


# ------------------------------------------------------------------ numerators and denominators
def test_rate_volume_and_numerator() -> None:
    r = row("SYT", on_time=6, late=3, overdue=2, within=4, no_deadline_open=5)
    assert rate_volume(r, "on_time_rate_due") == 11
    assert rate_volume(r, "completion_rate_due") == 11
    assert rate_volume(r, "overdue_share_assigned") == 20
    assert rate_numerator(r, "on_time_rate_due") == 6
    assert rate_numerator(r, "completion_rate_due") == 9
    assert rate_numerator(r, "overdue_share_assigned") == 2
    for rate in ("on_time_rate_due", "completion_rate_due", "overdue_share_assigned"):
        assert rate_numerator(r, rate) / rate_volume(r, rate) == pytest.approx(r[rate])


# ------------------------------------------------------------------ ranking
def test_worst_first_with_shared_ranks_and_small_units_apart() -> None:
    rows = [
        row("A", on_time=9, overdue=1),  # 90 %
        row("B", on_time=5, late=5),  # 50 %
        row("C", on_time=10),  # 100 %
        row("D", on_time=9, late=1),  # 90 %
        row("E", on_time=1, overdue=1),  # 50 % of only 2 tasks: apart
        row("F", on_time=0, within=7),  # nothing fallen due: no rate, apart
    ]
    ranked = rank_rows(rows, "on_time_rate_due", min_volume=5)
    assert order(ranked) == [
        ("B", 4, True),
        ("A", 2, True),
        ("D", 2, True),
        ("C", 1, True),
        ("E", None, False),
        ("F", None, False),
    ]
    assert [r["volume"] for r in ranked] == [10, 10, 10, 10, 2, 0]
    best_first = rank_rows(rows, "on_time_rate_due", min_volume=5, worst_first=False)
    assert order(best_first) == [
        ("C", 1, True),
        ("A", 2, True),
        ("D", 2, True),
        ("B", 4, True),
        ("E", None, False),
        ("F", None, False),
    ]


def test_the_input_rows_are_left_as_they_were() -> None:
    rows = [row("A", on_time=9, overdue=1), row("B", on_time=1)]
    before = [dict(r) for r in rows]
    rank_rows(rows, "on_time_rate_due", min_volume=1)
    assert rows == before


def test_more_tasks_come_first_within_a_rate() -> None:
    rows = [
        row("A", on_time=5, overdue=5),
        row("B", on_time=10, overdue=10),
        row("C", on_time=9, overdue=1),
    ]
    assert order(rank_rows(rows, "on_time_rate_due", min_volume=1)) == [
        ("B", 2, True),
        ("A", 2, True),
        ("C", 1, True),
    ]
    assert order(rank_rows(rows, "on_time_rate_due", min_volume=1, worst_first=False)) == [
        ("C", 1, True),
        ("B", 2, True),
        ("A", 2, True),
    ]


def test_rates_equal_to_a_billionth_share_a_rank() -> None:
    a = row("A", on_time=3, overdue=7)
    b = row("B", on_time=3, overdue=7)
    c = row("C", on_time=1, overdue=9)
    a["on_time_rate_due"] = 0.1 + 0.2  # 0.30000000000000004
    b["on_time_rate_due"] = 0.3
    ranked = rank_rows([c, b, a], "on_time_rate_due", min_volume=1, worst_first=False)
    assert order(ranked) == [("A", 1, True), ("B", 1, True), ("C", 3, True)]
    b["on_time_rate_due"] = 0.3 - 2e-9  # a real difference
    ranked = rank_rows([c, b, a], "on_time_rate_due", min_volume=1, worst_first=False)
    assert order(ranked) == [("A", 1, True), ("B", 2, True), ("C", 3, True)]


def test_rates_a_billionth_apart_tie_whatever_their_order() -> None:
    # 0.3 and 0.3 - 4e-10 are equal to 9 decimals: the tie is broken by volume, then key.
    lower = row("A", on_time=3, overdue=7)
    upper = row("B", on_time=6, overdue=14)
    lower["on_time_rate_due"] = 0.3 - 4e-10
    upper["on_time_rate_due"] = 0.3
    for rows in ([lower, upper], [upper, lower]):
        assert order(rank_rows(rows, "on_time_rate_due", min_volume=1)) == [
            ("B", 1, True),
            ("A", 1, True),
        ]
        assert order(rank_rows(rows, "on_time_rate_due", min_volume=1, worst_first=False)) == [
            ("B", 1, True),
            ("A", 1, True),
        ]
    # The larger volume on the lower side.
    lower = row("A", on_time=6, overdue=14)
    upper = row("B", on_time=3, overdue=7)
    lower["on_time_rate_due"] = 0.3 - 4e-10
    upper["on_time_rate_due"] = 0.3
    assert order(rank_rows([upper, lower], "on_time_rate_due", min_volume=1)) == [
        ("A", 1, True),
        ("B", 1, True),
    ]
    assert order(
        rank_rows([upper, lower], "on_time_rate_due", min_volume=1, worst_first=False)
    ) == [
        ("A", 1, True),
        ("B", 1, True),
    ]


def test_one_task_is_enough_without_a_minimum() -> None:
    rows = [row("A", on_time=1), row("B", on_time=0, overdue=1)]
    for minimum in (0, 1):
        assert order(rank_rows(rows, "on_time_rate_due", min_volume=minimum)) == [
            ("B", 2, True),
            ("A", 1, True),
        ]


def test_overdue_share_ranks_the_lowest_share_first() -> None:
    rows = [
        row("A", on_time=8, overdue=2),  # 20 % of 10 assigned
        row("B", on_time=5, overdue=5),  # 50 %
        row("C", on_time=0, within=10),  # 0 %
        row("D", on_time=1, overdue=1),  # 50 % of 2 assigned: apart
    ]
    ranked = rank_rows(rows, "overdue_share_assigned", min_volume=5)
    assert order(ranked) == [("B", 3, True), ("A", 2, True), ("C", 1, True), ("D", None, False)]
    assert [r["volume"] for r in ranked] == [10, 10, 10, 2]


def test_completion_rate_counts_late_completions() -> None:
    rows = [row("A", on_time=1, late=8, overdue=1), row("B", on_time=5, overdue=5)]
    ranked = rank_rows(rows, "completion_rate_due", min_volume=1, worst_first=False)
    assert order(ranked) == [("A", 1, True), ("B", 2, True)]
    ranked = rank_rows(rows, "on_time_rate_due", min_volume=1, worst_first=False)
    assert order(ranked) == [("B", 1, True), ("A", 2, True)]


def test_the_minimum_volume_is_inclusive_and_at_least_one() -> None:
    rows = [row("A", on_time=5), row("B", on_time=4), row("C", on_time=0, within=3)]
    assert order(rank_rows(rows, "on_time_rate_due", min_volume=5)) == [
        ("A", 1, True),
        ("B", None, False),
        ("C", None, False),
    ]
    # Even with no minimum a row needs one task behind its rate to be ranked.
    zero = row("Z", on_time=0, within=3)
    zero["on_time_rate_due"] = 0.0
    assert order(rank_rows([zero, *rows], "on_time_rate_due", min_volume=0)) == [
        ("A", 1, True),
        ("B", 1, True),
        ("C", None, False),
        ("Z", None, False),
    ]


def test_apart_rows_most_tasks_first_then_key() -> None:
    rows = [row("C", on_time=1), row("A", on_time=1), row("B", on_time=2, overdue=1)]
    ranked = rank_rows(rows, "on_time_rate_due", min_volume=10)
    assert [r["key"] for r in ranked] == ["B", "A", "C"]


def test_the_default_minimum_is_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [row("A", on_time=5), row("B", on_time=4), row("C", on_time=3)]
    monkeypatch.delenv("CDDH_RANK_MIN_DUE", raising=False)
    assert [r["ranked"] for r in rank_rows(rows)] == [True, False, False]
    monkeypatch.setenv("CDDH_RANK_MIN_DUE", "3")
    assert [r["ranked"] for r in rank_rows(rows)] == [True, True, True]
    monkeypatch.setenv("CDDH_RANK_MIN_DUE", "4")
    assert [r["ranked"] for r in rank_rows(rows, "on_time_rate_due")] == [True, True, False]


def test_an_unknown_rate_is_refused() -> None:
    with pytest.raises(ValueError) as err:
        rank_rows([row("A", on_time=1)], "speed")
    assert str(err.value) == "tỷ lệ: «speed» không hợp lệ"


def test_delta() -> None:
    assert delta(0.9, 0.75) == pytest.approx(0.15)
    assert delta(0.5, 0.75) == pytest.approx(-0.25)
    assert delta(None, 0.5) is None
    assert delta(0.5, None) is None
    assert delta(0.0, 0.0) == 0.0
