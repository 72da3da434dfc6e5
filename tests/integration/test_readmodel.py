"""The read model (core/readmodel) against the MongoDB pipelines, on a real mongod: the same
figures for random data and queries (every grouping, filter, scope and rollup), for hand-built
edge cases and for the demo province; kept in step by the change stream (a write shows in the
next read); restarted from its snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import metrics as m
from core.backlog import backlog
from core.calendar import WorkCalendar
from core.periods import custom_period
from core.readmodel import discipline, queries
from core.readmodel.columns import FactColumns
from core.readmodel.figures import Columns, Pipelines, figures_for
from core.readmodel.model import ReadModel
from core.readmodel.updates import TaskUpdates
from core.repository import Repository
from core.scope import Scope
from tests.dashboard.demo_db import AS_OF as DEMO_AS_OF
from tests.dashboard.demo_db import load_demo_db
from tests.integration.orgdata import TaskFactory, load_org
from tests.integration.test_metrics import day0, days, random_task, reload_tasks

UNITS = ["SYT", "STC", "SKHDT", "H-A", "X-A1"]
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def rich_task(draw: st.DrawFn) -> dict[str, Any]:
    """A random task (tests/integration/test_metrics.py) with coordinating units, a signer, a
    document type and a tracking room, so every grouping and scope has something to split."""
    task = draw(random_task())
    others = [u for u in UNITS if u != task["lead_unit"]]
    task["coord_units"] = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
    task["signer"] = draw(st.sampled_from(["CT", "PCT1", "PCT2"]))
    task["doc_type"] = draw(st.sampled_from(["QD", "CT", "KH"]))
    task["tracking_room"] = draw(st.sampled_from([None, "P-TH", "VP"]))
    return task


@st.composite
def queries_(draw: st.DrawFn) -> m.MetricsQuery:
    """A random query of the overview: any day, grouping, filter, scope and rollup."""
    as_of = draw(days)
    kw: dict[str, Any] = {
        "by": draw(st.sampled_from(m.GROUPINGS)),
        "rollup_successors": draw(st.booleans()),
        "priority_only": draw(st.integers(0, 3)) == 0,
    }
    if draw(st.integers(0, 2)) == 0:
        kw["rollup_as_of"] = draw(days)
    if draw(st.integers(0, 3)) == 0:
        kw["lead_units"] = frozenset(draw(st.lists(st.sampled_from(UNITS), max_size=3)))
    scope = draw(st.integers(0, 2))
    if scope:
        units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3))
        kw["scope"] = Scope.of_units(units, coordinating=scope == 2)
    if draw(st.integers(0, 3)) == 0:
        low = draw(days)
        kw["assigned_from"], kw["assigned_to"] = (
            low,
            low + timedelta(days=draw(st.integers(0, 300))),
        )
    if draw(st.integers(0, 3)) == 0:
        low = draw(days)
        kw["deadline_from"], kw["deadline_to"] = (
            low,
            low + timedelta(days=draw(st.integers(0, 120))),
        )
    return m.MetricsQuery(as_of=as_of, **kw)


def columns(repo: Repository) -> FactColumns:
    return FactColumns.from_arrow(repo.facts_arrow())


_MODELS: dict[str, ReadModel] = {}


@pytest.fixture()
def live(repo: Repository) -> Iterator[ReadModel]:
    """A read model of the test's database tailing its change stream (one for every
    Hypothesis example of the test: each example's writes reach it through the stream)."""
    model = ReadModel(repo).start(background=False)
    _MODELS[repo.db.name] = model
    yield model
    model.stop(save=False)
    _MODELS.pop(repo.db.name, None)


def same_figures(repo: Repository, cols: FactColumns, q: m.MetricsQuery) -> None:
    expected = m.status_metrics(repo, q)
    assert queries.status_metrics(repo, cols, q) == expected, q


@SETTINGS
@given(
    tasks=st.lists(rich_task(), min_size=0, max_size=40),
    qs=st.lists(queries_(), min_size=3, max_size=3),
)
def test_status_metrics_equal_the_pipelines(
    repo: Repository, live: ReadModel, tasks: list[dict[str, Any]], qs: list[m.MetricsQuery]
) -> None:
    """Per group as of any D, any grouping, filter, scope and rollup: the columns read at once
    and the columns kept in step by the change stream give the pipelines' object."""
    factory = reload_tasks(repo, tasks)
    cols = columns(repo)
    assert live.sync(10)
    for q in qs:
        same_figures(repo, cols, q)
        assert Columns(live).status_metrics(q) == m.status_metrics(repo, q)
    # ... and the reference's categories, unit by unit (no filter).
    from tests import reference

    q = m.MetricsQuery(as_of=qs[0].as_of)
    expected = reference.metrics(factory.plain, q.as_of)
    got = queries.status_metrics(repo, cols, q)
    assert {r["key"]: r["assigned"] for r in got["rows"]} == {
        k: v["assigned"] for k, v in expected["rows"].items()
    }


@SETTINGS
@given(
    tasks=st.lists(rich_task(), min_size=1, max_size=40),
    q=queries_(),
    longest=st.integers(0, 50),
)
def test_backlog_equals_the_pipelines(
    repo: Repository, tasks: list[dict[str, Any]], q: m.MetricsQuery, longest: int
) -> None:
    """The backlog (open overdue, age buckets, due soon, priority overdue, units, the longest
    overdue with their working days) from the columns equals the pipelines'."""
    reload_tasks(repo, tasks)
    cal = WorkCalendar(extra_workdays={date(2024, 6, 22): "Làm bù"})
    model_figures = _Fixed(repo, columns(repo))
    expected = backlog(repo, q, cal, longest=longest)
    assert backlog(repo, q, cal, longest=longest, figures=model_figures) == expected
    for fn in ("overdue_age", "due_soon"):
        assert getattr(model_figures, fn)(q, cal) == getattr(Pipelines(repo), fn)(q, cal), fn
    assert model_figures.longest_overdue(q, cal, limit=7, skip=2) == m.longest_overdue(
        repo, q, cal, limit=7, skip=2
    )


@SETTINGS
@given(
    tasks=st.lists(rich_task(), min_size=1, max_size=40),
    q=queries_(),
    start=st.integers(0, 120),
    lengths=st.lists(st.integers(0, 150), min_size=1, max_size=6),
    population=st.sampled_from(["deadline", "assigned", "cumulative"]),
)
def test_period_metrics_equal_the_pipelines(
    repo: Repository,
    tasks: list[dict[str, Any]],
    q: m.MetricsQuery,
    start: int,
    lengths: list[int],
    population: str,
) -> None:
    """Several periods at once (trends, comparisons): each period equals the pipelines'."""
    reload_tasks(repo, tasks)
    q = replace(q, assigned_from=None, assigned_to=None, deadline_from=None, deadline_to=None)
    chosen, first = [], day0 + timedelta(days=start)
    for length in lengths:
        chosen.append(custom_period(first, first + timedelta(days=length)))
        first += timedelta(days=length + 1)
    cols = columns(repo)
    got = queries.period_metrics(repo, cols, q, chosen, population)
    assert got == m.period_metrics(repo, q, chosen, population)


class _Fixed(Columns):
    """`Columns` over columns read once (no model, no stream)."""

    def __init__(self, repo: Repository, cols: FactColumns) -> None:
        self.repo = repo
        self._cols = cols

    def status_metrics(self, q: m.MetricsQuery) -> dict[str, Any]:
        return queries.status_metrics(self.repo, self._cols, q)

    def overdue_age(self, q: m.MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
        return queries.overdue_age(self._cols, q, cal)

    def period_metrics(
        self, q: m.MetricsQuery, periods: Any, population: str = "deadline"
    ) -> list[dict[str, Any]]:
        return queries.period_metrics(self.repo, self._cols, q, periods, population)

    def longest_overdue(
        self, q: m.MetricsQuery, cal: WorkCalendar, limit: int = 20, skip: int = 0
    ) -> list[dict[str, Any]]:
        return queries.longest_overdue(self.repo, self._cols, q, cal, limit, skip)

    def due_soon(
        self, q: m.MetricsQuery, cal: WorkCalendar, windows: Any = (1, 3, 7), limit: int = 50
    ) -> dict[str, Any]:
        return queries.due_soon(self.repo, self._cols, q, cal, windows, limit)

    def update_discipline(self, q: m.MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
        return discipline.update_discipline(self.repo, lambda fn: fn(self._cols), q, cal)


# --- update discipline ----------------------------------------------------------------------------


@st.composite
def reported_task(draw: st.DrawFn) -> dict[str, Any]:
    """A random task (`rich_task`) with what update discipline reads beyond the facts: the
    document's issue day, the instant the task was entered (any hour, so the local day and the
    UTC day differ at times), progress reports and completion reports."""
    task = draw(rich_task())
    assigned = task["assigned_date"]
    task["issue_date"] = assigned - timedelta(days=draw(st.integers(0, 6)))
    hours = draw(st.integers(-12, 24 * 9))
    issued = task["issue_date"]
    midnight = datetime(issued.year, issued.month, issued.day, tzinfo=UTC)
    task["entered_at"] = midnight + timedelta(hours=hours)
    # Reports on any day, or around the deadline in force (the overdue update's window is the
    # working day after it).
    deadlines = [task["deadline"], *(e["new_deadline"] for e in task["extensions"])]
    near = [d for d in deadlines if d is not None] or [assigned]
    task["progress"] = [
        {
            "date": max(
                assigned,
                draw(st.sampled_from(near)) + timedelta(days=draw(st.integers(-2, 5)))
                if draw(st.booleans())
                else assigned + timedelta(days=draw(st.integers(0, 400))),
            )
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    reports = []
    for status in draw(st.lists(st.sampled_from(["sent_back", "confirmed"]), max_size=2)):
        day = max(assigned, draw(st.sampled_from(near)) + timedelta(days=draw(st.integers(-2, 5))))
        reports.append(
            {
                "reported_date": day,
                "completed_date": day,
                "result": "Đã thực hiện",
                "report_number": "1/BC",
                "unit": task["lead_unit"],
                "status": status,
            }
        )
    task["completion_reports"] = reports
    return task


def same_discipline(repo: Repository, cols: FactColumns, q: m.MetricsQuery, cal: Any) -> None:
    expected = m.update_discipline(repo, q, cal)
    assert discipline.update_discipline(repo, lambda fn: fn(cols), q, cal) == expected, q
    # Columns without the updates (restored from an older snapshot): inputs read by task key.
    held, cols.updates = cols.updates, None
    try:
        assert discipline.update_discipline(repo, lambda fn: fn(cols), q, cal) == expected, q
    finally:
        cols.updates = held


@st.composite
def discipline_queries(draw: st.DrawFn) -> m.MetricsQuery:
    """A query of update discipline: the whole population as of D or its month's deadlines
    (as the briefing asks), sometimes a scope, a unit filter, priority only, the rollup."""
    as_of = draw(days)
    kw: dict[str, Any] = {"rollup_successors": draw(st.booleans())}
    if draw(st.booleans()):
        kw["deadline_from"], kw["deadline_to"] = as_of.replace(day=1), as_of
    if draw(st.integers(0, 3)) == 0:
        units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3))
        kw["scope"] = Scope.of_units(units, coordinating=draw(st.booleans()))
    if draw(st.integers(0, 5)) == 0:
        kw["lead_units"] = frozenset(draw(st.lists(st.sampled_from(UNITS), max_size=3)))
    kw["priority_only"] = draw(st.integers(0, 5)) == 0
    return m.MetricsQuery(as_of=as_of, **kw)


@SETTINGS
@given(
    tasks=st.lists(reported_task(), min_size=10, max_size=60),
    qs=st.lists(st.one_of(discipline_queries(), queries_()), min_size=3, max_size=3),
)
def test_update_discipline_equals_the_pipelines(
    repo: Repository, live: ReadModel, tasks: list[dict[str, Any]], qs: list[m.MetricsQuery]
) -> None:
    """Late entry, overdue and monthly update duties per unit, any D, filter, scope and rollup
    (a make-up working Saturday in the calendar): the population from the columns (read at
    once, or kept in step by the stream) gives the pipeline's figures."""
    reload_tasks(repo, tasks)
    cal = WorkCalendar(extra_workdays={date(2024, 6, 22): "Làm bù"})
    cols = columns(repo)
    assert live.sync(10)
    for q in qs:
        q = replace(q, by="unit")
        same_discipline(repo, cols, q, cal)
        assert Columns(live).update_discipline(q, cal) == m.update_discipline(repo, q, cal)


# --- hand-built edges -----------------------------------------------------------------------------

D = date(2025, 6, 16)


def test_discipline_edges_equal_the_pipelines(repo: Repository) -> None:
    """Update discipline on D = Mon 16/06/2025: a report on the deadline day itself, on the
    weekend after it, on the working day after it, too late; completion in the window; the
    monthly report on the month's first day, on D, before the month, after D; entry on the
    working day after issue, later, at night (the local day counts), before issue."""
    load_org(repo)
    f = TaskFactory(repo)
    fri, thu = date(2025, 6, 13), date(2025, 6, 12)

    def at(day: date, hour: int) -> datetime:  # local time on a day, stored in UTC
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour - 7)

    def add(**fields: Any) -> None:  # entered on the day of issue unless said otherwise
        fields.setdefault("entered_at", at(fields["assigned_date"], 9))
        f.add(**fields)

    for report in (fri, date(2025, 6, 14), D, date(2025, 6, 17)):
        add(assigned_date=date(2025, 5, 2), deadline=fri, progress=[{"date": report}])
    add(assigned_date=date(2025, 5, 2), deadline=thu, progress=[{"date": thu}])
    add(assigned_date=date(2025, 5, 2), deadline=thu, completed_date=date(2025, 6, 13))
    add(assigned_date=date(2025, 5, 2), deadline=thu, completed_date=D)
    for report in (date(2025, 5, 31), date(2025, 6, 1), D, date(2025, 6, 17)):
        add(assigned_date=date(2025, 4, 1), progress=[{"date": report}])
    add(assigned_date=date(2025, 6, 2), progress=[{"date": D}])  # assigned this month
    for entered in (at(D, 9), at(date(2025, 6, 17), 9), at(D, 23), at(date(2025, 6, 12), 10)):
        add(assigned_date=fri, issue_date=fri, deadline=date(2025, 7, 1), entered_at=entered)
    add(assigned_date=date(2025, 6, 6), issue_date=date(2025, 6, 6), entered_at=at(D, 6))
    f.save()
    cols = columns(repo)
    cal = WorkCalendar()
    q = m.MetricsQuery(as_of=D)
    got = discipline.update_discipline(repo, lambda fn: fn(cols), q, cal)
    assert got == m.update_discipline(repo, q, cal)
    total = got["total"]
    assert (total["overdue_duties"], total["overdue_updated"]) == (7, 3)
    assert (total["monthly_duties"], total["monthly_updated"]) == (4, 2)
    assert total["late_entry"] == 2
    for q in (
        m.MetricsQuery(as_of=D, deadline_from=date(2025, 6, 1), deadline_to=D),
        m.MetricsQuery(as_of=fri, rollup_successors=True),
        m.MetricsQuery(as_of=date(2025, 6, 17)),
    ):
        same_discipline(repo, cols, q, cal)


def test_edge_cases_equal_the_pipelines(repo: Repository) -> None:
    """The deadline day itself, extensions approved after completion or after D, equal approval
    days, no deadline, cancelled on D or after, a dissolved unit rolled up to its successor by
    date: categories equal the pipelines' and the expected ones."""
    load_org(repo)
    f = TaskFactory(repo)
    cases = [
        ({"deadline": D}, "open_within_deadline"),
        ({"deadline": D - timedelta(days=1)}, "open_overdue"),
        ({"deadline": date(2025, 6, 2), "completed_date": date(2025, 6, 2)}, "completed_on_time"),
        ({"deadline": date(2025, 6, 2), "completed_date": date(2025, 6, 3)}, "completed_late"),
        ({"deadline": date(2025, 6, 2), "completed_date": D + timedelta(days=1)}, "open_overdue"),
        (
            {
                "deadline": date(2025, 6, 2),
                "completed_date": date(2025, 6, 5),
                "extensions": [
                    {"new_deadline": date(2025, 6, 30), "approved_date": date(2025, 6, 10)}
                ],
            },
            "completed_late",
        ),
        (
            {
                "deadline": date(2025, 6, 2),
                "extensions": [
                    {"new_deadline": date(2025, 7, 31), "approved_date": D + timedelta(days=1)}
                ],
            },
            "open_overdue",
        ),
        (
            {
                "deadline": date(2025, 6, 2),
                "extensions": [
                    {"new_deadline": date(2025, 7, 31), "approved_date": date(2025, 6, 1)},
                    {"new_deadline": date(2025, 6, 10), "approved_date": date(2025, 6, 1)},
                ],
            },
            "open_overdue",  # equal approval days: the later entry is in force
        ),
        (
            {
                "deadline": date(2025, 6, 2),
                "extensions": [{"new_deadline": D, "approved_date": D}],
            },
            "open_within_deadline",  # approved on D, due on D
        ),
        ({}, "no_deadline_open"),
        ({"completed_date": date(2025, 6, 1)}, "no_deadline_completed"),
        ({"deadline": D, "cancelled_date": D}, None),
        ({"deadline": D, "cancelled_date": D + timedelta(days=1)}, "open_within_deadline"),
        ({"deadline": D, "lead_unit": "SKHDT"}, "open_within_deadline"),
        ({"deadline": D - timedelta(days=40), "lead_unit": "H-A"}, "open_overdue"),
    ]
    for fields, _cat in cases:
        f.add(assigned_date=date(2025, 5, 1), **fields)
    f.save()
    cols = columns(repo)
    for t, (_fields, cat) in zip(f.tasks, cases, strict=True):
        only = m.MetricsQuery(as_of=D, by="none", scope=Scope.everything())
        got = queries.classify(cols, only)
        row = cols.rows_of([f"{t.document}#{t.seq}"])[0]
        cats = {int(r): m.CATEGORIES[c] for r, c in zip(got.rows, got.cat, strict=True)}
        assert cats.get(row) == cat, (t, cat)
    for as_of in (D, date(2025, 7, 2), date(2025, 2, 27), date(2025, 3, 1)):
        for by in m.GROUPINGS:
            for rollup in (False, True):
                q = m.MetricsQuery(as_of=as_of, by=by, rollup_successors=rollup)
                same_figures(repo, cols, q)
                same_figures(repo, cols, replace(q, rollup_as_of=date(2025, 7, 2)))


def test_demo_province_equals_the_pipelines(mongod: dict[str, Any]) -> None:
    """The demo province (2,500 tasks): the overview's figures per grouping, with and without
    the rollup, a unit's scope with coordinated tasks, periods and the backlog."""
    repo = load_demo_db(mongod, "t_readmodel_demo")
    try:
        cols = columns(repo)
        units = sorted({u["_id"] for u in repo.units()})[:3]
        for as_of in (DEMO_AS_OF, DEMO_AS_OF - timedelta(days=400), date(2025, 7, 1)):
            for by in m.GROUPINGS:
                for rollup in (False, True):
                    q = m.MetricsQuery(as_of=as_of, by=by, rollup_successors=rollup)
                    same_figures(repo, cols, q)
            scoped = m.MetricsQuery(as_of=as_of, scope=Scope.of_units(units, coordinating=True))
            same_figures(repo, cols, scoped)
            cal = WorkCalendar()
            fixed = _Fixed(repo, cols)
            for lead in ([units[0]], units[1:]):  # a unit's page: its rows from the unit index
                one = m.MetricsQuery(as_of=as_of, lead_units=frozenset(lead))
                same_figures(repo, cols, replace(one, by="unit", rollup_successors=True))
                assert backlog(repo, one, cal, 15, fixed) == backlog(repo, one, cal, 15)
                period = custom_period(as_of - timedelta(days=30), as_of)
                assert queries.period_metrics(repo, cols, one, [period]) == m.period_metrics(
                    repo, one, [period]
                )
            assert backlog(repo, m.MetricsQuery(as_of=as_of), cal, 20, fixed) == backlog(
                repo, m.MetricsQuery(as_of=as_of), cal, 20
            )
            for q in (
                m.MetricsQuery(as_of=as_of, rollup_successors=True),
                m.MetricsQuery(as_of=as_of, deadline_from=as_of.replace(day=1), deadline_to=as_of),
                m.MetricsQuery(as_of=as_of, assigned_from=as_of - timedelta(days=120)),
            ):
                same_discipline(repo, cols, q, cal)
            period = custom_period(as_of - timedelta(days=90), as_of)
            for population in ("deadline", "assigned", "cumulative"):
                q = m.MetricsQuery(as_of=as_of, rollup_successors=True)
                assert queries.period_metrics(
                    repo, cols, q, [period], population
                ) == m.period_metrics(repo, q, [period], population)
    finally:
        repo.db.client.drop_database("t_readmodel_demo")


# --- in step with MongoDB -------------------------------------------------------------------------


def _open_overdue(figures: Any, as_of: date = D) -> int:
    return int(
        figures.status_metrics(m.MetricsQuery(as_of=as_of, by="none"))["total"]["open_overdue"]
    )


def test_a_write_shows_in_the_next_read(repo: Repository, live: ReadModel) -> None:
    """Insert, update (complete), extend and a whole import go through the repository; the next
    read of the read model (after `sync`) has moved with each, as the pipelines have."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.save()
    assert figures_for(repo, live).name == "readmodel"
    assert _open_overdue(figures_for(repo, live)) == 1
    f2 = TaskFactory(repo)
    f2._n = 100
    task = f2.add(assigned_date=date(2025, 5, 2), deadline=date(2025, 6, 3))
    repo.save_document(f2.docs[0], actor="test")
    repo.insert_task(task, actor="test")
    assert _open_overdue(figures_for(repo, live)) == 2
    key = f"{task.document}#{task.seq}"
    repo.update_task(key, {"completed_date": date(2025, 6, 10)}, actor="test", expected_version=1)
    fig = figures_for(repo, live)
    assert _open_overdue(fig) == 1 == _open_overdue(Pipelines(repo))
    first = f"{f.tasks[0].document}#1"
    repo.update_task(
        first,
        {"extensions": [{"new_deadline": date(2025, 7, 1), "approved_date": date(2025, 6, 1)}]},
        actor="test",
        expected_version=1,
    )
    assert _open_overdue(figures_for(repo, live)) == 0 == _open_overdue(Pipelines(repo))
    # A task deleted by hand in MongoDB leaves the read model too.
    repo.db.task_facts.delete_one({"_id": key})
    assert (
        figures_for(repo, live).status_metrics(m.MetricsQuery(as_of=D, by="none"))["total"][
            "assigned"
        ]
        == 1
    )


def test_a_kept_population_moves_with_a_write(repo: Repository, live: ReadModel) -> None:
    """The read model keeps the last populations asked (a backlog asks four figures of one);
    after a write, the same question is answered from the changed columns, for a unit's few
    tasks (gathered from the unit index) as for the whole province."""
    load_org(repo)
    f = TaskFactory(repo)
    for _ in range(9):
        f.add(assigned_date=date(2025, 5, 5), deadline=date(2025, 6, 2), lead_unit="STC")
    f.add(assigned_date=date(2025, 5, 5), deadline=date(2025, 6, 2))  # SYT's one task
    f.save()
    unit = m.MetricsQuery(as_of=D, by="none", lead_units=frozenset({"SYT"}))
    province = m.MetricsQuery(as_of=D, by="unit")

    def both() -> tuple[dict[str, Any], dict[str, Any]]:
        assert live.sync(10)
        fig = figures_for(repo, live)
        assert fig.name == "readmodel"
        got = (fig.status_metrics(unit)["total"], fig.status_metrics(province)["total"])
        assert got[0] == Pipelines(repo).status_metrics(unit)["total"]
        assert got[1] == Pipelines(repo).status_metrics(province)["total"]
        return got

    before = both()
    assert before == both()  # asked again: the same answer, kept
    assert before[0]["open_overdue"] == 1 and before[1]["open_overdue"] == 10
    key = f"{f.tasks[-1].document}#1"
    repo.update_task(key, {"completed_date": date(2025, 6, 10)}, actor="test", expected_version=1)
    after = both()
    assert after[0]["open_overdue"] == 0 and after[0]["completed_late"] == 1
    assert after[1]["open_overdue"] == 9


def test_a_progress_report_shows_in_the_next_discipline(repo: Repository, live: ReadModel) -> None:
    """Update discipline counts from the columns (the facts carry when a task was entered, its
    document's issue day and its reports): a progress report written after the deadline passed
    meets the overdue update duty in the next read, as the pipelines count it; a task written
    since the snapshot keeps its reports in the snapshot written next."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 5), deadline=date(2025, 6, 2))
    f.add(assigned_date=date(2025, 5, 5), deadline=date(2025, 6, 3))
    f.save()
    cal = WorkCalendar()
    q = m.MetricsQuery(as_of=D, by="unit")

    def both() -> dict[str, Any]:
        assert live.sync(10)
        got = Columns(live).update_discipline(q, cal)
        assert got == m.update_discipline(repo, q, cal)
        with live.reading() as cols:
            assert cols.updates is not None  # counted from the columns, not read by key
        return got

    before = both()["total"]
    assert before["overdue_duties"] == 2 and before["overdue_updated"] == 0
    first = f"{f.tasks[0].document}#1"
    repo.update_task(
        first, {"progress": [{"date": date(2025, 6, 3), "note": "Đang làm"}]}, "test", 1
    )
    assert both()["total"]["overdue_updated"] == 1
    saved = FactColumns.from_arrow(repo.facts_arrow())
    with live.reading() as cols:
        assert cols.updates is not None and saved.updates is not None
        rows = np.arange(cols.n, dtype=np.int64)
        mine = cols.updates.gather(rows)
        again = TaskUpdates(cols.updates.array(cols.n)).gather(rows)
    assert [a.tolist() for a in mine] == [a.tolist() for a in again]
    assert len(mine[1]) == 1


def test_a_rebuild_reaches_the_model_as_ordinary_changes(repo: Repository, live: ReadModel) -> None:
    """`rebuild_facts` rewrites `task_facts` in place ($merge, then deletes): the model applies
    the replaces and deletes from its stream like any write, without reading everything again."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.add(assigned_date=date(2025, 5, 3), deadline=date(2025, 6, 4))
    f.save()
    assert live.sync(10)
    stream = live._stream  # replaced by a reload: it must stay the same one
    repo.db.tasks.update_many({}, {"$set": {"deadline": None}})  # behind the repository's back
    repo.db.tasks.delete_one({"_id": f"{f.tasks[1].document}#1"})
    repo.rebuild_facts()
    assert live.sync(10)
    assert live._stream is stream and live.warm
    got = Columns(live).status_metrics(m.MetricsQuery(as_of=D, by="none"))["total"]
    assert got["assigned"] == 1 and got["no_deadline_open"] == 1
    assert got == m.status_metrics(repo, m.MetricsQuery(as_of=D, by="none"))["total"]


def test_a_replaced_collection_is_read_again(repo: Repository, live: ReadModel) -> None:
    """A staged import publishes by renaming its stage over `task_facts`: the stream ends
    (invalidate), the model reads the collection again."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.save()
    assert live.sync(10)
    before = live.generation
    stream = live._stream
    changed = [t.model_copy(update={"deadline": None}) for t in f.tasks]
    repo.import_staged(documents=f.docs, task_batches=[changed], actor="test")
    deadline = 10.0
    import time

    end = time.monotonic() + deadline
    while time.monotonic() < end and (live._stream is stream or not live.warm):
        time.sleep(0.05)
    assert live.generation > before and live._stream is not stream
    assert live.sync(10)
    got = Columns(live).status_metrics(m.MetricsQuery(as_of=D, by="none"))["total"]
    assert got["no_deadline_open"] == 1
    assert got == m.status_metrics(repo, m.MetricsQuery(as_of=D, by="none"))["total"]


def test_a_collection_replaced_by_the_last_write_is_read_again_once(
    repo: Repository, live: ReadModel
) -> None:
    """When the rename over `task_facts` is the latest write the server knows, the stream
    reopened after the new read starts after it: the model reads the collection once, not
    again at every turn until some other write comes, and is caught up."""
    import time

    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.save()
    assert live.sync(10)
    before = live.generation
    repo.db.next_facts.insert_many(list(repo.db.task_facts.find()))
    repo.db.next_facts.rename("task_facts", dropTarget=True)  # the last write
    end = time.monotonic() + 10
    while time.monotonic() < end and live.generation == before:
        time.sleep(0.05)
    time.sleep(0.5)  # the drop and the rename may come as two turns of the stream
    settled = live.generation
    time.sleep(1.5)
    assert before < settled == live.generation
    assert live.sync(5)
    q = m.MetricsQuery(as_of=D, by="none")
    assert Columns(live).status_metrics(q) == m.status_metrics(repo, q)


def test_restart_from_the_snapshot_resumes_the_stream(repo: Repository, tmp_path: Path) -> None:
    """A model saves its columns and stream position; writes land while no model runs; a new
    model loads the snapshot (not MongoDB), resumes the stream and has every write."""
    load_org(repo)
    f = TaskFactory(repo)
    for i in range(5):
        f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2) + timedelta(days=10 * i))
    f.save()
    path = tmp_path / "facts.arrow"
    first = ReadModel(repo, snapshot=path).start(background=False)
    assert first.sync(10)
    first.stop(save=True)
    assert path.exists()
    key = f"{f.tasks[0].document}#1"
    repo.update_task(key, {"completed_date": date(2025, 6, 1)}, actor="test", expected_version=1)
    again = ReadModel(repo, snapshot=path).start(background=False)
    try:
        assert again.loaded_from == "snapshot"
        assert again.sync(10)
        q = m.MetricsQuery(as_of=D, by="unit")
        assert Columns(again).status_metrics(q) == m.status_metrics(repo, q)
        assert Columns(again).status_metrics(q)["total"]["completed_on_time"] == 1
    finally:
        again.stop(save=False)


def test_a_useless_snapshot_is_replaced_by_a_full_read(repo: Repository, tmp_path: Path) -> None:
    """A snapshot that cannot be resumed (here: garbage) is ignored: the model reads MongoDB."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.save()
    path = tmp_path / "facts.arrow"
    path.write_bytes(b"not an arrow file")
    model = ReadModel(repo, snapshot=path).start(background=False)
    try:
        assert model.loaded_from == "mongodb"
        assert _open_overdue(Columns(model)) == 1
    finally:
        model.stop(save=False)


_CHILD = """
import sys
from datetime import date
from core import metrics as m, repository
from core.readmodel.figures import figures_for
from core.readmodel.model import ReadModel
repo = repository.connect(sys.argv[1], sys.argv[2])
model = ReadModel(repo).start(background=False)
print("ready", flush=True)
for line in sys.stdin:
    fig = figures_for(repo, model, sync_timeout=10)
    q = m.MetricsQuery(as_of=date(2025, 6, 16), by="none")
    print(fig.name, fig.status_metrics(q)["total"]["open_overdue"], flush=True)
"""


def test_two_processes_each_keep_their_own_model(repo: Repository, mongod: dict[str, Any]) -> None:
    """Two app processes (this one and a child) each tail the stream: a write made here is in
    both models on their next read."""
    import subprocess
    import sys

    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 3))
    f.save()
    here = ReadModel(repo).start(background=False)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, mongod["uri"], repo.db.name],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "ready"

        def ask() -> str:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write("?\n")
            child.stdin.flush()
            return child.stdout.readline().strip()

        assert ask() == "readmodel 2"
        key = f"{f.tasks[0].document}#1"
        repo.update_task(
            key, {"completed_date": date(2025, 6, 5)}, actor="test", expected_version=1
        )
        assert _open_overdue(figures_for(repo, here)) == 1
        assert ask() == "readmodel 1"
    finally:
        here.stop(save=False)
        child.kill()
        child.wait()


def test_a_model_read_from_mongodb_saves_its_snapshot_by_itself(
    repo: Repository, tmp_path: Path
) -> None:
    """Without any write, the columns read at start are saved once the stream has a position,
    and a restart uses them."""
    import time

    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.save()
    path = tmp_path / "facts.arrow"
    first = ReadModel(repo, snapshot=path).start(background=False)
    end = time.monotonic() + 10
    while not path.exists() and time.monotonic() < end:
        time.sleep(0.05)
    first.stop(save=False)
    again = ReadModel(repo, snapshot=path).start(background=False)
    try:
        assert again.loaded_from == "snapshot"
        assert _open_overdue(figures_for(repo, again)) == 1
    finally:
        again.stop(save=False)


def test_periods_see_tasks_changed_after_the_index_was_built(
    repo: Repository, live: ReadModel
) -> None:
    """The day indexes (rows sorted by deadline, by assigned day) are built on the first period
    asked; a task moved into a period afterwards (new deadline, new extension, new task) is
    counted in it all the same."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 1, 6), deadline=date(2025, 2, 10))
    f.add(assigned_date=date(2025, 1, 6), deadline=date(2025, 2, 11))
    f.save()
    june = custom_period(date(2025, 6, 1), date(2025, 6, 30))
    q = m.MetricsQuery(as_of=D, by="unit")
    for population in ("deadline", "assigned"):
        assert live.sync(10)
        got = Columns(live).period_metrics(q, [june], population)
        assert got == m.period_metrics(repo, q, [june], population)
    repo.update_task(f"{f.tasks[0].document}#1", {"deadline": date(2025, 6, 20)}, "test", 1)
    repo.update_task(
        f"{f.tasks[1].document}#1",
        {"extensions": [{"new_deadline": date(2025, 6, 5), "approved_date": date(2025, 2, 1)}]},
        "test",
        1,
    )
    g = TaskFactory(repo)
    g._n = 50
    g.add(assigned_date=date(2025, 6, 2), deadline=date(2025, 6, 9))
    g.save()
    assert live.sync(10)
    for population in ("deadline", "assigned"):
        got = Columns(live).period_metrics(q, [june], population)
        assert got == m.period_metrics(repo, q, [june], population)
    assert Columns(live).period_metrics(q, [june], "deadline")[0]["total"]["assigned"] == 3


def _same_unit_figures(repo: Repository, live: ReadModel, units: frozenset[str]) -> None:
    """Every figure of a unit's page for `units`, from the model and from the pipelines."""
    assert live.sync(10)
    fig, cal = Columns(live), WorkCalendar()
    june = custom_period(date(2025, 6, 1), date(2025, 6, 30))
    for by in ("none", "unit"):
        q = m.MetricsQuery(as_of=D, by=by, lead_units=units)
        assert fig.status_metrics(q) == m.status_metrics(repo, q), q
        for population in ("deadline", "assigned"):
            assert fig.period_metrics(q, [june], population) == m.period_metrics(
                repo, q, [june], population
            )
    q = m.MetricsQuery(as_of=D, lead_units=units)
    assert backlog(repo, q, cal, 10, fig) == backlog(repo, q, cal, 10)
    assert fig.due_soon(q, cal, limit=5) == m.due_soon(repo, q, cal, limit=5)


def test_the_model_prepares_its_indexes_after_loading(repo: Repository) -> None:
    """The rows by deadline, by assigned day and by unit are built in the loading thread,
    not by the first page asking for them."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 1, 6), deadline=date(2025, 2, 10))
    f.save()
    model = ReadModel(repo).start(background=False)
    try:
        wanted = {"_index_deadline", "_index_assigned", "_index_unit"}
        end = time.monotonic() + 30
        while time.monotonic() < end:
            with model.reading() as cols:
                if wanted <= set(cols.__dict__):
                    break
            time.sleep(0.05)
        with model.reading() as cols:
            assert wanted <= set(cols.__dict__)
            assert cols.__dict__["_index_unit"].n == cols.n == 1
    finally:
        model.stop(save=False)


def test_a_units_figures_see_tasks_changed_after_the_unit_index_was_built(
    repo: Repository, live: ReadModel
) -> None:
    """A unit's figures gather its rows from an index of the rows by lead unit, built on the
    first such question; a task moved to the unit or away from it afterwards, a new task, and
    a unit whose first task comes afterwards are counted all the same."""
    load_org(repo)
    f = TaskFactory(repo)
    for i in range(30):
        f.add(lead_unit="STC", assigned_date=date(2025, 5, 5), deadline=date(2025, 6, 2 + i % 20))
    f.add(lead_unit="SYT", assigned_date=date(2025, 5, 5), deadline=date(2025, 6, 10))
    f.add(lead_unit="SYT", assigned_date=date(2025, 5, 5), deadline=date(2025, 6, 20))
    f.save()
    syt = frozenset({"SYT"})
    _same_unit_figures(repo, live, syt)
    with live.reading() as cols:
        assert "_index_unit" in cols.__dict__  # SYT leads 2 of 32 tasks: its rows were gathered
    repo.update_task(f"{f.tasks[0].document}#1", {"lead_unit": "SYT"}, "test", 1)
    repo.update_task(f"{f.tasks[-1].document}#1", {"lead_unit": "STC"}, "test", 1)
    g = TaskFactory(repo)
    g._n = 100
    g.add(lead_unit="SYT", assigned_date=date(2025, 6, 2), deadline=date(2025, 6, 12))
    g.add(lead_unit="X-A1", assigned_date=date(2025, 7, 2), deadline=date(2025, 7, 9))
    g.save()
    _same_unit_figures(repo, live, syt)
    _same_unit_figures(repo, live, frozenset({"X-A1"}))
    _same_unit_figures(repo, live, frozenset({"SYT", "X-A1"}))
    q = m.MetricsQuery(as_of=D, by="none", lead_units=syt)
    assert Columns(live).status_metrics(q)["total"]["assigned"] == 3


def test_briefing_numbers_equal_the_pipelines(mongod: dict[str, Any]) -> None:
    """A monthly briefing's numbers (province, a unit; priority only) gathered through the read
    model equal those gathered through the pipelines."""
    import dataclasses

    from core import briefing as b
    from core.periods import period_for_report

    repo = load_demo_db(mongod, "t_readmodel_brief")
    try:
        fixed = _Fixed(repo, columns(repo))
        unit = sorted(u["_id"] for u in repo.units() if u.get("kind") == "department")[0]
        for kw in ({}, {"scope_kind": "unit", "scope_key": unit}, {"priority_only": True}):
            request = b.BriefingRequest(period=period_for_report("month", "2026-11"), **kw)  # type: ignore[arg-type]
            want = dataclasses.asdict(b.gather(repo, request, today=DEMO_AS_OF))
            got = dataclasses.asdict(b.gather(repo, request, today=DEMO_AS_OF, figures=fixed))
            want.pop("timings"), got.pop("timings")
            assert got == want, kw
            assert b.key_figures(repo, request, DEMO_AS_OF, fixed) == b.key_figures(
                repo, request, DEMO_AS_OF
            )
    finally:
        repo.db.client.drop_database("t_readmodel_brief")
