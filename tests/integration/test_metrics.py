"""Status as of a date, rates and groupings: hand-built edge cases and properties, on a real mongod."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import metrics as m
from core.calendar import WorkCalendar
from core.model import Task, validate
from core.periods import custom_period, period_for_report
from core.repository import Repository
from core.scope import Scope
from tests import reference
from tests.integration.orgdata import TaskFactory, load_org

D = date(2025, 6, 16)  # a Monday


def q(**kw: Any) -> m.MetricsQuery:
    return m.MetricsQuery(as_of=kw.pop("as_of", D), **kw)


def total(repo: Repository, **kw: Any) -> dict[str, Any]:
    return m.status_metrics(repo, q(by="none", **kw))["total"]


def only_category(repo: Repository, as_of: date = D) -> str:
    t = total(repo, as_of=as_of)
    cats = [c for c in m.CATEGORIES if t[c] == 1]
    assert t["assigned"] == 1 and len(cats) == 1, t
    return cats[0]


@pytest.fixture()
def org(repo: Repository) -> TaskFactory:
    load_org(repo)
    return TaskFactory(repo)


def test_completed_on_the_deadline_day_is_on_time(repo: Repository, org: TaskFactory) -> None:
    org.add(
        assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2), completed_date=date(2025, 6, 2)
    )
    org.save()
    assert only_category(repo) == "completed_on_time"


def test_completed_a_day_late(repo: Repository, org: TaskFactory) -> None:
    org.add(
        assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2), completed_date=date(2025, 6, 3)
    )
    org.save()
    assert only_category(repo) == "completed_late"


def test_completed_after_d_counts_as_open_at_d(repo: Repository, org: TaskFactory) -> None:
    org.add(
        assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2), completed_date=date(2025, 6, 20)
    )
    org.add(
        assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 30), completed_date=date(2025, 6, 20)
    )
    org.save()
    t = total(repo)
    assert (t["open_overdue"], t["open_within_deadline"], t["assigned"]) == (1, 1, 2)
    # ... and as of the completion day the first is completed late, the second on time.
    t2 = total(repo, as_of=date(2025, 6, 20))
    assert (t2["completed_late"], t2["completed_on_time"]) == (1, 1)


def test_open_on_the_deadline_day_is_within_deadline(repo: Repository, org: TaskFactory) -> None:
    org.add(assigned_date=date(2025, 5, 1), deadline=D)
    org.save()
    assert only_category(repo) == "open_within_deadline"
    assert only_category(repo, as_of=D + timedelta(days=1)) == "open_overdue"


def test_extension_approved_after_d_is_ignored(repo: Repository, org: TaskFactory) -> None:
    org.add(
        assigned_date=date(2025, 5, 1),
        deadline=date(2025, 6, 2),
        extensions=[{"new_deadline": date(2025, 7, 31), "approved_date": date(2025, 6, 20)}],
    )
    org.save()
    assert only_category(repo) == "open_overdue"
    assert only_category(repo, as_of=date(2025, 6, 20)) == "open_within_deadline"


def test_extension_approved_after_completion_never_makes_late_on_time(
    repo: Repository, org: TaskFactory
) -> None:
    org.add(
        assigned_date=date(2025, 5, 1),
        deadline=date(2025, 6, 2),
        completed_date=date(2025, 6, 5),
        extensions=[{"new_deadline": date(2025, 6, 30), "approved_date": date(2025, 6, 10)}],
    )
    org.save()
    assert only_category(repo) == "completed_late"


def test_extension_approved_before_completion_applies(repo: Repository, org: TaskFactory) -> None:
    org.add(
        assigned_date=date(2025, 5, 1),
        deadline=date(2025, 6, 2),
        completed_date=date(2025, 6, 5),
        extensions=[
            {"new_deadline": date(2025, 6, 10), "approved_date": date(2025, 5, 30)},
            {"new_deadline": date(2025, 6, 4), "approved_date": date(2025, 6, 1)},
        ],
    )
    org.save()
    # The latest approval (01/06, new deadline 04/06) is in force: completion on 05/06 is late.
    assert only_category(repo) == "completed_late"


def test_no_deadline_tasks_are_never_overdue(repo: Repository, org: TaskFactory) -> None:
    org.add(assigned_date=date(2020, 1, 2))
    org.add(assigned_date=date(2020, 1, 2), completed_date=date(2024, 1, 2))
    org.save()
    t = total(repo)
    assert (t["no_deadline_open"], t["no_deadline_completed"], t["open_overdue"]) == (1, 1, 0)
    assert t["assigned"] == 2
    # Nothing fell due: the due-based rates have no denominator.
    assert t["on_time_rate_due"] is None and t["completion_rate_due"] is None
    assert t["overdue_share_assigned"] == 0.0


def test_population_excludes_future_and_cancelled(repo: Repository, org: TaskFactory) -> None:
    org.add(assigned_date=D + timedelta(days=1), deadline=D + timedelta(days=30))
    org.add(assigned_date=date(2025, 5, 1), deadline=D, cancelled_date=D)
    org.add(assigned_date=date(2025, 5, 1), deadline=D, cancelled_date=D + timedelta(days=1))
    org.save()
    t = total(repo)
    assert t["assigned"] == 1 and t["open_within_deadline"] == 1


def test_rates_and_denominators(repo: Repository, org: TaskFactory) -> None:
    base = {"assigned_date": date(2025, 1, 6), "deadline": date(2025, 3, 3)}
    org.add(**base, completed_date=date(2025, 3, 3))
    org.add(**base, completed_date=date(2025, 3, 1))
    org.add(**base, completed_date=date(2025, 3, 10))
    org.add(**base)  # overdue
    org.add(assigned_date=date(2025, 1, 6), deadline=date(2025, 12, 1))  # within deadline
    org.add(assigned_date=date(2025, 1, 6))  # no deadline
    org.save()
    t = total(repo)
    assert t["assigned"] == 6
    assert t["completion_rate_due"] == pytest.approx(3 / 4)
    assert t["on_time_rate_due"] == pytest.approx(2 / 4)
    assert t["overdue_share_assigned"] == pytest.approx(1 / 6)


def test_dissolved_unit_rolls_up_to_successor(repo: Repository, org: TaskFactory) -> None:
    org.add(lead_unit="SKHDT", assigned_date=date(2024, 10, 1), deadline=date(2024, 12, 1),
            completed_date=date(2024, 11, 1))  # fmt: skip
    org.add(lead_unit="STC", assigned_date=date(2025, 4, 1), deadline=date(2025, 5, 1))
    org.add(lead_unit="H-A", assigned_date=date(2025, 4, 1))
    org.save()
    plain = m.status_metrics(repo, q(by="unit"))
    assert {r["key"] for r in plain["rows"]} == {"SKHDT", "STC", "H-A"}
    rolled = m.status_metrics(repo, q(by="unit", rollup_successors=True))
    rows = {r["key"]: r for r in rolled["rows"]}
    assert set(rows) == {"STC", "H-A"}  # H-A still exists on 16/06/2025
    assert rows["STC"]["assigned"] == 2 and rows["STC"]["name"] == "Sở Tài chính"
    after = m.status_metrics(repo, q(by="unit", rollup_successors=True, as_of=date(2025, 7, 2)))
    assert {r["key"] for r in after["rows"]} == {"STC", "X-A1"}
    assert rolled["total"]["assigned"] == plain["total"]["assigned"] == 3


def test_group_by_portfolio_signer_type_priority(repo: Repository, org: TaskFactory) -> None:
    org.add(lead_unit="SYT", assigned_date=date(2025, 4, 1), signer="PCT2", priority=True)
    org.add(lead_unit="STC", assigned_date=date(2025, 4, 1), signer="PCT1", doc_type="CT")
    org.add(lead_unit="SKHDT", assigned_date=date(2025, 1, 2), signer="CT")
    org.add(lead_unit="P-TH", assigned_date=date(2025, 1, 2), signer="CT")
    org.save()
    port = {r["key"]: r["assigned"] for r in m.status_metrics(repo, q(by="portfolio"))["rows"]}
    assert port == {"PCT2": 1, "PCT1": 2, "none": 1}
    signer = {r["key"]: r["name"] for r in m.status_metrics(repo, q(by="signer"))["rows"]}
    assert signer == {"PCT1": "Trần Thị Kinh", "PCT2": "Lê Văn Xã", "CT": "Nguyễn Văn Chủ"}
    types = {r["key"]: r["assigned"] for r in m.status_metrics(repo, q(by="document_type"))["rows"]}
    assert types == {"QD": 3, "CT": 1}
    prio = {r["key"]: r["assigned"] for r in m.status_metrics(repo, q(by="priority"))["rows"]}
    assert prio == {"priority": 1, "normal": 3}


def test_deadline_filter_uses_effective_deadline(repo: Repository, org: TaskFactory) -> None:
    org.add(assigned_date=date(2025, 4, 1), deadline=date(2025, 5, 10))
    org.add(
        assigned_date=date(2025, 4, 1),
        deadline=date(2025, 4, 20),
        extensions=[{"new_deadline": date(2025, 5, 20), "approved_date": date(2025, 4, 15)}],
    )
    org.add(
        assigned_date=date(2025, 4, 1),
        deadline=date(2025, 5, 10),
        extensions=[{"new_deadline": date(2025, 6, 20), "approved_date": date(2025, 4, 15)}],
    )
    org.save()
    t = total(repo, deadline_from=date(2025, 5, 1), deadline_to=date(2025, 5, 31))
    assert t["assigned"] == 2


def test_day_boundaries_in_ho_chi_minh_time(repo: Repository, org: TaskFactory) -> None:
    # Stored days are local midnights (17:00 UTC the day before); D = the deadline day is in time
    # and the next local day is overdue, whatever the UTC date of the instant.
    org.add(assigned_date=date(2025, 1, 1), deadline=date(2025, 1, 31))
    org.save()
    stored = repo.db.tasks.find_one({})
    assert stored is not None
    assert stored["deadline"].isoformat() == "2025-01-30T17:00:00+00:00"
    assert only_category(repo, as_of=date(2025, 1, 31)) == "open_within_deadline"
    assert only_category(repo, as_of=date(2025, 2, 1)) == "open_overdue"
    # Server-side grouping by local day gives the local date back.
    out = repo.aggregate_tasks(
        [
            {
                "$project": {
                    "d": {
                        "$dateToString": {
                            "date": "$deadline",
                            "format": "%Y-%m-%d",
                            "timezone": "Asia/Ho_Chi_Minh",
                        }
                    }
                }
            }
        ],  # fmt: skip
        Scope.everything(),
    )
    assert out[0]["d"] == "2025-01-31"


def test_overdue_age_in_working_days_across_tet(repo: Repository, org: TaskFactory) -> None:
    cal = WorkCalendar()
    # Deadline Friday 24/01/2025; Tết 27–31/01; as of Monday 03/02: 1 working day overdue.
    org.add(assigned_date=date(2025, 1, 2), deadline=date(2025, 1, 24))
    org.add(assigned_date=date(2024, 1, 2), deadline=date(2024, 6, 3))  # long tail
    org.save()
    res = m.overdue_age(repo, q(as_of=date(2025, 2, 3)), cal)
    buckets = {b["key"]: b["count"] for b in res["buckets"]}
    assert buckets["1-7"] == 1 and buckets[">120"] == 1
    rows = m.longest_overdue(repo, q(as_of=date(2025, 2, 3)), cal)
    assert [r["days_overdue"] for r in rows] == [
        cal.working_days_between(date(2024, 6, 3), date(2025, 2, 3)),
        1,
    ]
    assert rows[0]["document_number"] is not None


def test_make_up_saturday_counts_in_due_soon(repo: Repository, org: TaskFactory) -> None:
    cal = WorkCalendar(extra_workdays={date(2025, 6, 21): "Làm bù"})
    org.add(assigned_date=date(2025, 6, 1), deadline=date(2025, 6, 21))  # the make-up Saturday
    org.add(assigned_date=date(2025, 6, 1), deadline=date(2025, 6, 23))
    org.add(assigned_date=date(2025, 6, 1), deadline=date(2025, 6, 16))  # due today
    org.save()
    # As of Thursday 19/06: 1 wd → Fri 20; 3 wd → Fri 20, Sat 21 (make-up), Mon 23.
    res = m.due_soon(repo, q(as_of=date(2025, 6, 19)), cal)
    assert res["windows"] == {"1": 0, "3": 2, "7": 2}
    res2 = m.due_soon(repo, q(as_of=D), cal)
    assert res2["windows"]["1"] == 1 and res2["tasks"][0]["days_left"] == 0


def _rate_row(key: str, on_time: int, late: int, overdue: int = 0) -> dict[str, Any]:
    r = m.empty_row(key, key)
    r.update(
        assigned=on_time + late + overdue,
        completed_on_time=on_time,
        completed_late=late,
        open_overdue=overdue,
    )
    return m.with_rates(r)


def test_ranking_worst_first_with_values_and_small_units_apart() -> None:
    rows = [
        _rate_row("A", 1, 1),  # 2 fallen due: too few to rank
        _rate_row("B", 5, 5),  # 50% of 10
        _rate_row("C", 0, 0),  # no rate
        _rate_row("D", 9, 1),  # 90% of 10
        _rate_row("E", 0, 3, 3),  # 0% of 6: kept, worst
    ]
    ranked = m.rank_rows(rows, min_volume=5)
    assert [r["key"] for r in ranked] == ["E", "B", "D", "A", "C"]
    assert [r["rank"] for r in ranked] == [3, 2, 1, None, None]
    assert [r["ranked"] for r in ranked] == [True, True, True, False, False]
    assert [r["volume"] for r in ranked] == [6, 10, 10, 2, 0]
    best = m.rank_rows(rows, min_volume=5, worst_first=False)
    assert [r["key"] for r in best][:3] == ["D", "B", "E"]


def test_ranking_ties_share_a_rank() -> None:
    rows = [_rate_row(k, n, 0) for k, n in (("A", 5), ("B", 9), ("C", 6))]
    rows += [_rate_row("D", 3, 3), _rate_row("E", 6, 6), _rate_row("F", 1, 9)]
    ranked = m.rank_rows(rows, min_volume=1)
    by_key = {r["key"]: r["rank"] for r in ranked}
    assert by_key == {"A": 1, "B": 1, "C": 1, "D": 4, "E": 4, "F": 6}
    assert [r["key"] for r in ranked] == ["F", "E", "D", "B", "C", "A"]
    overdue = m.rank_rows(rows, "overdue_share_assigned", min_volume=1)
    assert all(r["rank"] == 1 for r in overdue)  # nobody has an open overdue task


def test_trend_and_comparison(repo: Repository, org: TaskFactory) -> None:
    org.add(
        assigned_date=date(2025, 4, 1), deadline=date(2025, 5, 20), completed_date=date(2025, 5, 2)
    )
    org.add(assigned_date=date(2025, 4, 1), deadline=date(2025, 6, 10))
    org.add(
        assigned_date=date(2024, 4, 1), deadline=date(2024, 5, 20), completed_date=date(2024, 6, 2)
    )
    org.save()
    period = period_for_report("month", "2025-06", "decree09")  # 15/05–14/06/2025
    rows = m.trend(repo, q(), period, n=3)
    assert [r["period"] for r in rows] == ["2025-04", "2025-05", "2025-06"]
    assert rows[-1]["assigned"] == 2 and rows[-1]["completed_on_time"] == 1
    assert rows[-1]["open_overdue"] == 1
    cmp = m.compare_periods(repo, q(), period, population="deadline")
    assert cmp["current"]["on_time_rate_due"] == pytest.approx(0.5)
    assert cmp["last_year"]["completed_late"] == 1


def test_update_discipline(repo: Repository, org: TaskFactory) -> None:
    cal = WorkCalendar()
    # Overdue on Mon 02/06 → report due by Tue 03/06 (eff index + 1 working day).
    org.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2),
            progress=[{"date": date(2025, 6, 3), "note": "Đang thực hiện"}])  # fmt: skip
    org.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2),
            progress=[{"date": date(2025, 6, 5), "note": "Trễ"}])  # fmt: skip
    org.add(assigned_date=date(2025, 4, 1))  # no deadline, no report this month
    org.add(assigned_date=date(2025, 4, 1), progress=[{"date": date(2025, 6, 10)}])
    org.save()
    res = m.update_discipline(repo, q(), cal)
    row = res["rows"][0]
    assert (row["overdue_duties"], row["overdue_updated"]) == (2, 1)
    assert (row["monthly_duties"], row["monthly_updated"]) == (2, 1)
    assert row["update_rate"] == pytest.approx(0.5)


# --- property: pipelines equal the reference on random data -----------------------------------

day0 = date(2024, 1, 1)
days = st.integers(min_value=0, max_value=700).map(lambda n: day0 + timedelta(days=n))


@st.composite
def random_task(draw: st.DrawFn) -> dict[str, Any]:
    assigned = draw(days)
    has_deadline = draw(st.booleans())
    deadline = assigned + timedelta(days=draw(st.integers(0, 200))) if has_deadline else None
    extensions = []
    if deadline is not None:
        for _ in range(draw(st.integers(0, 3))):
            extensions.append(
                {
                    "new_deadline": deadline + timedelta(days=draw(st.integers(-10, 120))),
                    "approved_date": assigned + timedelta(days=draw(st.integers(0, 300))),
                }
            )
        extensions = [e for e in extensions if e["new_deadline"] >= assigned]
    completed = (
        assigned + timedelta(days=draw(st.integers(0, 400))) if draw(st.booleans()) else None
    )
    cancelled = (
        assigned + timedelta(days=draw(st.integers(0, 400)))
        if draw(st.integers(0, 9)) == 0
        else None
    )
    return {
        "lead_unit": draw(st.sampled_from(["SYT", "STC", "SKHDT", "H-A"])),
        "assigned_date": assigned,
        "deadline": deadline,
        "extensions": extensions,
        "completed_date": completed,
        "cancelled_date": cancelled,
        "priority": draw(st.booleans()),
    }


def reload_tasks(repo: Repository, tasks: list[dict[str, Any]]) -> TaskFactory:
    """Replace the example's tasks (one database serves every Hypothesis example): clear the
    tasks and everything derived from them, keep the organisation, save these tasks."""
    for name in ("tasks", "task_facts", "documents", "task_events", "period_summaries"):
        repo.db[name].delete_many({})
    if not repo.db.units.count_documents({}):
        load_org(repo)
    factory = TaskFactory(repo)
    for t in tasks:
        factory.add(**t)
    if tasks:
        factory.save()
    return factory


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tasks=st.lists(random_task(), min_size=0, max_size=40),
    as_of=days,
    window=st.one_of(st.none(), st.tuples(days, st.integers(0, 120))),
)
def test_pipeline_matches_reference(
    repo: Repository, tasks: list[dict[str, Any]], as_of: date, window: tuple[date, int] | None
) -> None:
    factory = reload_tasks(repo, tasks)
    filters: dict[str, Any] = {}
    if window is not None:
        filters = {"deadline_from": window[0], "deadline_to": window[0] + timedelta(days=window[1])}
    expected = reference.metrics(factory.plain, as_of, **filters)
    got = m.status_metrics(repo, q(as_of=as_of, by="unit", **filters))
    got_rows = {r["key"]: {k: r[k] for k in expected["total"]} for r in got["rows"]}
    assert got_rows == {k: dict(v) for k, v in expected["rows"].items()}
    assert {k: got["total"][k] for k in expected["total"]} == expected["total"]
    # The status prefilter of the task list never drops a task of its category.
    for cat in m.CATEGORIES:
        stages = m.classify_stages(q(as_of=as_of, **filters))
        stages[0] = {"$match": {"$and": [stages[0]["$match"], m.category_prefilter([cat], as_of)]}}
        stages += [{"$match": {"cat": cat}}, {"$count": "n"}]
        found = repo.aggregate_tasks(stages, Scope.everything(), source="facts")
        assert (found[0]["n"] if found else 0) == expected["total"][cat], cat


def test_one_pass_trend_edges(repo: Repository, org: TaskFactory) -> None:
    """Hand-built edges of the one-pass trend: a task extended from one month into the next,
    one cancelled on a period's last day, one assigned after D in the running period."""
    months = [period_for_report("month", f"2025-0{m_}", "calendar") for m_ in (3, 4, 5, 6)]
    # Due 20/03, extended on 10/03 to 15/04: counted in April only (open overdue as of 30/04).
    org.add(assigned_date=date(2025, 3, 1), deadline=date(2025, 3, 20),
            extensions=[{"new_deadline": date(2025, 4, 15), "approved_date": date(2025, 3, 10)}])  # fmt: skip
    # Due 25/03, extended on 02/04 (after March's end): March counts it overdue, April too.
    org.add(assigned_date=date(2025, 3, 1), deadline=date(2025, 3, 25),
            extensions=[{"new_deadline": date(2025, 4, 20), "approved_date": date(2025, 4, 2)}])  # fmt: skip
    # Cancelled on 30/04, the last day of April: gone from April.
    org.add(assigned_date=date(2025, 3, 1), deadline=date(2025, 4, 28),
            cancelled_date=date(2025, 4, 30))  # fmt: skip
    # Completed on time in May, assigned on 20/05 after D = 16/05: not yet counted.
    org.add(assigned_date=date(2025, 5, 2), deadline=date(2025, 5, 12),
            completed_date=date(2025, 5, 9))  # fmt: skip
    org.add(assigned_date=date(2025, 5, 20), deadline=date(2025, 5, 25))
    org.save()
    base = q(as_of=date(2025, 5, 16), by="none")
    got = [r["total"] for r in m.period_metrics(repo, base, months, "deadline")]
    assert [r["assigned"] for r in got] == [1, 2, 1, 0]
    assert [r["open_overdue"] for r in got] == [1, 2, 0, 0]
    assert got[2]["completed_on_time"] == 1
    for period, result in zip(months, got, strict=True):
        pq = m._period_query(base, period, "deadline", "none")
        assert result == m.status_metrics(repo, pq)["total"]
    trend = m.trend(repo, base, months[-1], n=4)
    assert [t["assigned"] for t in trend] == [1, 2, 1, 0]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tasks=st.lists(random_task(), min_size=1, max_size=40),
    as_of=days,
    start=st.integers(0, 120),
    lengths=st.lists(st.integers(0, 150), min_size=1, max_size=8),
    extra=st.one_of(st.none(), st.tuples(days, st.integers(0, 200))),
    twice=st.booleans(),
    population=st.sampled_from(["deadline", "assigned"]),
    by=st.sampled_from(["unit", "portfolio", "none", "priority"]),
    rollup=st.booleans(),
    deadline_window=st.one_of(st.none(), st.tuples(days, st.integers(0, 120))),
)
def test_one_pass_over_periods_equals_one_query_per_period(
    repo: Repository,
    tasks: list[dict[str, Any]],
    as_of: date,
    start: int,
    lengths: list[int],
    extra: tuple[date, int] | None,
    twice: bool,
    population: str,
    by: str,
    rollup: bool,
    deadline_window: tuple[date, int] | None,
) -> None:
    """`period_metrics` (one pass) equals `status_metrics` run on each period's own query, for
    both populations, every grouping and the rollup: consecutive periods as a trend has them
    (so extensions move tasks across them), plus at times one overlapping period out of order
    and one period asked twice."""
    reload_tasks(repo, tasks)
    filters: dict[str, Any] = {}
    if deadline_window is not None:
        low, span = deadline_window
        filters = {"deadline_from": low, "deadline_to": low + timedelta(days=span)}
    base = q(as_of=as_of, by=by, rollup_successors=rollup, **filters)
    chosen, first = [], day0 + timedelta(days=start)
    for length in lengths:
        chosen.append(custom_period(first, first + timedelta(days=length)))
        first += timedelta(days=length + 1)
    if extra is not None:
        chosen.insert(0, custom_period(extra[0], extra[0] + timedelta(days=extra[1])))
    if twice:  # the same period asked twice (a year's previous period is last year's)
        chosen.append(chosen[-1])
    computed = m.period_metrics(repo, base, chosen, population)
    # The second call reads the closed periods from the summaries the first one stored.
    stored = m.period_metrics(repo, base, chosen, population)
    for period, first, second in zip(chosen, computed, stored, strict=True):
        expected = m.status_metrics(repo, m._period_query(base, period, population, by))
        assert first == expected, (period, population)
        assert second == expected, (period, population)


def test_cli_metrics_contract(repo: Repository, org: TaskFactory, mongod: dict[str, Any]) -> None:
    org.add(
        assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2), completed_date=date(2025, 6, 2)
    )
    org.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    org.save()
    env = {"MONGODB_URI": mongod["uri"], "MONGODB_DB": repo.db.name, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "cddh_cli.main", "metrics", "--as-of", "2025-06-16", "--json"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert set(data) == {"as_of", "by", "filters", "rows", "total"}
    assert data["as_of"] == "2025-06-16" and data["by"] == "unit"
    fields = {"key", "name", "assigned", *m.CATEGORIES, *m.RATE_FIELDS}
    assert set(data["rows"][0]) == fields and set(data["total"]) == fields
    assert data["total"]["key"] == "ALL"
    assert data["rows"][0]["key"] == "SYT" and data["rows"][0]["name"] == "Sở Y tế"
    assert data["total"]["on_time_rate_due"] == 0.5
    bad = subprocess.run(
        [sys.executable, "-m", "cddh_cli.main", "metrics", "--as-of", "2025-13-01", "--json"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert bad.returncode != 0 and "--as-of" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_periods_contract() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "cddh_cli.main", "periods", "--kind", "month", "--date", "2026-11-20"],
        capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert (data["start"], data["end"], data["report"]) == ("2026-11-15", "2026-12-14", "2026-12")
    out = subprocess.run(
        [sys.executable, "-m", "cddh_cli.main", "periods", "--kind", "month", "--report", "2026-11"],
        capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert (data["start"], data["end"]) == ("2026-10-15", "2026-11-14")


def test_task_model_refuses_extension_without_deadline() -> None:
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        validate(Task, {"document": "x", "seq": 1, "content": "a", "lead_unit": "A",
                        "assigned_date": "2025-01-01",
                        "extensions": [{"new_deadline": "2025-02-01", "approved_date": "2025-01-05"}]})  # fmt: skip
    assert "gia hạn" in str(err.value)
