"""The backlog as of D (tồn đọng) against the plain-Python reference, on a real mongod."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import metrics as m
from core.accountability import Accountability
from core.backlog import backlog
from core.calendar import WorkCalendar
from core.repository import Repository
from tests import reference
from tests.integration.test_metrics import days, random_task, reload_tasks


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tasks=st.lists(random_task(), min_size=1, max_size=40),
    as_of=days,
    priority_only=st.booleans(),
)
def test_backlog_equals_the_reference(
    repo: Repository, tasks: list[dict[str, Any]], as_of: date, priority_only: bool
) -> None:
    """Per responsible unit (successor on D), the open tasks by category, the priority tasks
    overdue, due soon and the longest overdue with their working days equal the reference."""
    reload_tasks(repo, tasks)
    cal = WorkCalendar()
    acc = Accountability.of(repo.units(), as_of)
    got = backlog(repo, m.MetricsQuery(as_of=as_of, priority_only=priority_only), cal, longest=50)

    counted = [
        t
        for t in tasks
        if reference.in_population(t, as_of) and (t["priority"] or not priority_only)
    ]
    cats = {id(t): reference.category(t, as_of) for t in counted}
    expected: dict[str, Counter[str]] = {}
    for t in counted:
        expected.setdefault(acc.unit(t["lead_unit"]) or "", Counter())[cats[id(t)]] += 1
    open_cats = ("open_overdue", "open_within_deadline", "no_deadline_open")
    want_units = {
        u: {c: n[c] for c in open_cats} for u, n in expected.items() if any(n[c] for c in open_cats)
    }
    assert {r["key"]: {c: r[c] for c in open_cats} for r in got["units"]} == want_units
    assert [r["open_overdue"] for r in got["units"]] == sorted(
        (r["open_overdue"] for r in got["units"]), reverse=True
    )
    overdue = [t for t in counted if cats[id(t)] == "open_overdue"]
    assert got["open_overdue"] == len(overdue)
    assert got["priority_overdue"] == sum(1 for t in overdue if t["priority"])
    age = {id(t): cal.working_days_between(reference.effective_deadline(t, as_of), as_of)
           for t in overdue}  # fmt: skip
    assert got["over_long"] == sum(1 for t in overdue if age[id(t)] > 120)
    assert sum(b["count"] for b in got["age_buckets"]) == len(overdue)
    assert sorted(t["days_overdue"] for t in got["longest"]) == sorted(age.values())
    assert [t["days_overdue"] for t in got["longest"]] == sorted(age.values(), reverse=True)
    for t in got["longest"]:
        assert t["responsible_unit"] == acc.unit(t["lead_unit"])
    for n in (1, 3, 7):
        last = cal.add_working_days(as_of, n)
        within = [
            t
            for t in counted
            if cats[id(t)] == "open_within_deadline"
            and reference.effective_deadline(t, as_of) <= last
        ]
        assert got["due_soon"][str(n)] == len(within)


def test_a_dissolved_units_tasks_are_its_successors(repo: Repository) -> None:
    """SKHDT ended on 28/02/2025 with STC as successor: as of a later day its overdue task is
    held by STC, named «… (trước đây: …)»; on a day it still existed, by itself."""
    task = {"lead_unit": "SKHDT", "assigned_date": date(2024, 6, 3), "deadline": date(2024, 7, 1)}
    reload_tasks(repo, [task])
    cal = WorkCalendar()
    later = backlog(repo, m.MetricsQuery(as_of=date(2025, 6, 16)), cal)
    assert [r["key"] for r in later["units"]] == ["STC"]
    assert later["units"][0]["formers"] == ["SKHDT"]
    assert later["longest"][0]["responsible_unit"] == "STC"
    assert "trước đây" in later["longest"][0]["responsible_label"]
    before = backlog(repo, m.MetricsQuery(as_of=date(2024, 9, 2)), cal)
    assert [r["key"] for r in before["units"]] == ["SKHDT"]
    assert before["longest"][0]["days_overdue"] == cal.working_days_between(
        date(2024, 7, 1), date(2024, 9, 2)
    )
    assert before["longest"][0]["assigned_date"] == date(2024, 6, 3)
    assert before["open_overdue"] == 1 and later["open_overdue"] == 1


def test_update_discipline_follows_the_successor(repo: Repository) -> None:
    """Update discipline of an ended unit's tasks is counted under its successor on D; the
    province's totals do not change."""
    tasks = [
        {"lead_unit": "SKHDT", "assigned_date": date(2024, 6, 3), "deadline": date(2024, 7, 1)},
        {"lead_unit": "STC", "assigned_date": date(2024, 6, 3), "deadline": date(2024, 7, 1)},
    ]
    reload_tasks(repo, tasks)
    cal = WorkCalendar()
    q = m.MetricsQuery(as_of=date(2025, 6, 16))
    historical = m.update_discipline(repo, q, cal)
    today = m.update_discipline(repo, replace(q, rollup_successors=True), cal)
    assert {r["key"] for r in historical["rows"]} == {"SKHDT", "STC"}
    assert [r["key"] for r in today["rows"]] == ["STC"]
    assert today["rows"][0]["tasks"] == 2
    assert today["total"] == historical["total"]


def test_past_periods_are_counted_under_the_units_of_the_day_read(repo: Repository) -> None:
    """A January 2025 task of SKHDT (ended 28/02/2025, successor STC): as of January's end it is
    SKHDT's; read on 16/06/2025 with `rollup_as_of`, January, its trend and its summary name STC."""
    from core.periods import custom_period

    task = {
        "lead_unit": "SKHDT",
        "assigned_date": date(2025, 1, 2),
        "deadline": date(2025, 1, 20),
        "completed_date": date(2025, 1, 10),
    }
    reload_tasks(repo, [task])
    january = custom_period(date(2025, 1, 1), date(2025, 1, 31))
    base = m.MetricsQuery(as_of=date(2025, 6, 16), rollup_successors=True)
    then = m.status_metrics(repo, base.for_period(january, "deadline"))
    assert [r["key"] for r in then["rows"]] == ["SKHDT"]
    today = replace(base, rollup_as_of=date(2025, 6, 16))
    now = m.status_metrics(repo, today.for_period(january, "deadline"))
    assert [r["key"] for r in now["rows"]] == ["STC"]
    assert now["rows"][0]["completed_on_time"] == 1
    for _ in range(2):  # computed, then read back from the stored summary
        counted = m.period_metrics(repo, today, [january], "deadline")[0]
        assert counted == now
