"""Pages of the task list from the read model (core/readmodel/lists.py) against the pipelines
(core/explorer.py), on a real mongod: the same ids in the same order, the same rows, total and
capped flag, for random data and random searches, for hand-built edges and ties, and for the
demo province; searches the columns do not answer are left to the pipelines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import explorer
from core import metrics as m
from core.calendar import WorkCalendar
from core.explorer import TaskPage, TaskSearch
from core.readmodel import lists
from core.readmodel.columns import FactColumns
from core.readmodel.figures import Columns, figures_for
from core.readmodel.model import ReadModel
from core.repository import Repository
from core.scope import Scope
from tests.dashboard.demo_db import AS_OF as DEMO_AS_OF
from tests.dashboard.demo_db import load_demo_db
from tests.integration.orgdata import TaskFactory, load_org
from tests.integration.test_metrics import days, reload_tasks
from tests.integration.test_readmodel import UNITS, rich_task

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CAL = WorkCalendar(extra_workdays={date(2024, 6, 22): "Làm bù"})


@pytest.fixture()
def live(repo: Repository) -> Iterator[ReadModel]:
    """A read model of the test's database tailing its change stream (one for every
    Hypothesis example: each example's writes reach it through the stream)."""
    model = ReadModel(repo).start(background=False)
    yield model
    model.stop(save=False)


def columns(repo: Repository) -> FactColumns:
    return FactColumns.from_arrow(repo.facts_arrow())


def from_columns(repo: Repository, cols: FactColumns, s: TaskSearch) -> TaskPage:
    """The read model's page on columns read once (no model, no stream)."""
    assert lists.answerable(s)
    return lists.page_rows(repo, s, lists.choose(cols, s))


def answerable(s: TaskSearch) -> TaskSearch:
    """`s`, made a search the columns answer (a deadline sort when it has no status filter)."""
    return s if lists.answerable(s) else replace(s, sort="deadline_desc")


@st.composite
def searches(draw: st.DrawFn, answered: bool = True) -> TaskSearch:
    """A random search of the list that the read model answers: status, deadline range or a
    deadline-in-force sort, with any of the list's filters, page and page size (any search
    of the list when not `answered`)."""
    kw: dict[str, Any] = {
        "as_of": draw(days),
        "categories": tuple(draw(st.lists(st.sampled_from(m.CATEGORIES), max_size=3))),
        "sort": draw(st.sampled_from(list(explorer.TASK_SORTS))),
        "priority_only": draw(st.integers(0, 3)) == 0,
        "page": draw(st.integers(1, 4)),
        "page_size": draw(st.integers(1, 9)),
    }
    if draw(st.integers(0, 2)) == 0:
        kw["unit"] = draw(st.sampled_from([*UNITS, "KHONG-CO"]))
        kw["coordinating"] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        kw["signer"] = draw(st.sampled_from(["CT", "PCT1", "PCT2", "KHONG-CO"]))
    if draw(st.integers(0, 3)) == 0:
        kw["doc_type"] = draw(st.sampled_from(["QD", "CT", "KH", "KHONG-CO"]))
    if draw(st.integers(0, 4)) == 0:
        kw["lead_units"] = frozenset(draw(st.lists(st.sampled_from(UNITS), max_size=3)))
    scope = draw(st.integers(0, 4))
    if scope <= 1:
        units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3))
        kw["scope"] = Scope.of_units(units, coordinating=scope == 1)
    window = draw(st.integers(0, 3))
    if window:
        low = draw(days)
        if window != 2:
            kw["deadline_from"] = low
        if window != 3:
            kw["deadline_to"] = low + timedelta(days=draw(st.integers(0, 150)))
    return answerable(TaskSearch(**kw)) if answered else TaskSearch(**kw)


def same_page(repo: Repository, cols: FactColumns, s: TaskSearch) -> None:
    expected = explorer.search_tasks(repo, s)
    got = from_columns(repo, cols, s)
    assert [r["id"] for r in got.rows] == [r["id"] for r in expected.rows], s
    assert (got.total, got.capped) == (expected.total, expected.capped), s
    assert got == expected, s


@SETTINGS
@given(
    tasks=st.lists(rich_task(), min_size=0, max_size=40),
    ss=st.lists(searches(), min_size=4, max_size=4),
)
def test_pages_equal_the_pipelines(
    repo: Repository, live: ReadModel, tasks: list[dict[str, Any]], ss: list[TaskSearch]
) -> None:
    """Any status filter, sort, unit (lead or coordinating), signer, document type, priority,
    portfolio, asked scope, deadline range and page: the columns read at once and the model
    kept in step by the change stream give the pipelines' page (ids, order, rows, total)."""
    reload_tasks(repo, tasks)
    cols = columns(repo)
    assert live.sync(10)
    for s in ss:
        same_page(repo, cols, s)
        with_days = explorer.search_tasks(repo, s, CAL, source=Columns(live))
        assert with_days == explorer.search_tasks(repo, s, CAL), s
    # Every page of one search, end to end: each task once, in order.
    s = replace(ss[0], page=1)
    first = explorer.search_tasks(repo, s)
    shown = []
    for number in range(1, first.pages + 2):
        page = from_columns(repo, cols, replace(s, page=number))
        assert page == explorer.search_tasks(repo, replace(s, page=number))
        shown += [r["id"] for r in page.rows]
    assert len(shown) == len(set(shown)) == first.total


@SETTINGS
@given(
    tasks=st.lists(rich_task(), min_size=0, max_size=40),
    ss=st.lists(searches(answered=False), min_size=4, max_size=4),
    cap=st.sampled_from([3, explorer.COUNT_CAP]),
)
def test_counts_equal_the_pipelines(
    repo: Repository,
    live: ReadModel,
    tasks: list[dict[str, Any]],
    ss: list[TaskSearch],
    cap: int,
) -> None:
    """Any search of the list, the columns' capped count is the pipelines'; a list the
    pipelines page (the assigned day's order, no status or deadline filter) counted by the
    read model is the pipelines' page all the same."""
    reload_tasks(repo, tasks)
    cols = columns(repo)
    assert live.sync(10)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(explorer, "COUNT_CAP", cap)
        for s in ss:
            expected = explorer.search_tasks(repo, s)
            assert lists.count(cols, s) == (expected.total, expected.capped), s
            plain = replace(
                s, categories=(), deadline_from=None, deadline_to=None, sort="assigned_desc"
            )
            assert not lists.answerable(plain) and lists.countable(plain)
            source = Columns(live)
            assert source.task_count(plain) is not None
            assert explorer.search_tasks(repo, plain, CAL, source=source) == (
                explorer.search_tasks(repo, plain, CAL)
            ), plain


def test_searches_the_columns_do_not_answer_go_to_the_pipelines(repo: Repository) -> None:
    """A document, a text of no letter or digit, or neither text nor a status/deadline filter
    nor a deadline sort: None from the read model, and `search_tasks` answers from the
    pipelines all the same. A text search is answered (`test_text_pages_equal_the_pipelines`)."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.save()
    model = ReadModel(repo).start(background=False)
    try:
        assert model.sync(10)
        source = Columns(model)
        d = date(2025, 6, 16)
        for s in (
            TaskSearch(as_of=d),
            TaskSearch(as_of=d, sort="assigned_asc", unit="SYT"),
            TaskSearch(as_of=d, text="thu", document=f.tasks[0].document),
            TaskSearch(as_of=d, text="!!!", categories=("open_overdue",)),
            TaskSearch(as_of=d, document=f.tasks[0].document, categories=("open_overdue",)),
        ):
            assert source.task_page(s) is None
            assert explorer.search_tasks(repo, s, source=source) == explorer.search_tasks(repo, s)
        s = TaskSearch(as_of=d, categories=("open_overdue",))
        page = source.task_page(s)
        assert page is not None and [r["id"] for r in page.rows] == [f"{f.tasks[0].document}#1"]
    finally:
        model.stop(save=False)


# --- hand-built edges ----------------------------------------------------------------------------

D = date(2025, 6, 16)


def test_edges_and_ties_equal_the_pipelines(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deadline day itself, an extension approved after D, completion after D, cancellation
    (on D, after D), no deadline, and ties on the assigned day and on the deadline in force:
    every status, sort and page (of two rows) equals the pipelines', and the cap counts alike."""
    load_org(repo)
    f = TaskFactory(repo)
    same_day = date(2025, 5, 1)
    cases: list[dict[str, Any]] = [
        {"deadline": D},  # due on D: within deadline
        {"deadline": D - timedelta(days=1)},
        {"deadline": D - timedelta(days=1)},  # tie on the deadline
        {"deadline": D - timedelta(days=1), "lead_unit": "STC", "coord_units": ["SYT"]},
        {"deadline": date(2025, 6, 2), "completed_date": date(2025, 6, 2)},
        {"deadline": date(2025, 6, 2), "completed_date": date(2025, 6, 3)},
        {"deadline": date(2025, 6, 2), "completed_date": D + timedelta(days=1)},  # after D
        {
            "deadline": date(2025, 6, 2),
            "extensions": [{"new_deadline": date(2025, 7, 31), "approved_date": D + timedelta(1)}],
        },  # approved after D: still overdue, its original deadline in force
        {
            "deadline": date(2025, 6, 2),
            "extensions": [{"new_deadline": D, "approved_date": D}],
        },  # approved on D, due on D
        {
            "deadline": date(2025, 6, 2),
            "extensions": [
                {"new_deadline": date(2025, 7, 31), "approved_date": date(2025, 6, 1)},
                {"new_deadline": D - timedelta(days=1), "approved_date": date(2025, 6, 1)},
            ],
        },  # equal approval days: the later entry; ties with the deadline above
        {},
        {"completed_date": date(2025, 6, 1)},
        {"deadline": D, "cancelled_date": D},
        {"deadline": D, "cancelled_date": D + timedelta(days=1)},
        {"deadline": D - timedelta(days=40), "lead_unit": "H-A", "signer": "CT"},
        {"deadline": D + timedelta(days=3), "doc_type": "KH", "priority": True},
        {"deadline": D + timedelta(days=3), "doc_type": "KH"},
    ]
    for i, fields in enumerate(cases):
        assigned = same_day if i % 3 else date(2025, 4, 1)  # many ties on the assigned day
        f.add(assigned_date=assigned, **fields)
    f.save()
    cols = columns(repo)
    choices: list[tuple[str, ...]] = [(), *((c,) for c in m.CATEGORIES)]
    choices.append(("open_overdue", "completed_late"))
    for as_of in (D, D - timedelta(days=1), D + timedelta(days=1), date(2025, 8, 1)):
        for sort in explorer.TASK_SORTS:
            for categories in choices:
                s = answerable(TaskSearch(as_of=as_of, sort=sort, categories=categories))
                for page in (1, 2, 3, 9):
                    same_page(repo, cols, replace(s, page=page, page_size=2))
            for extra in (
                {"unit": "SYT"},
                {"unit": "SYT", "coordinating": True},
                {"signer": "CT"},
                {"doc_type": "KH"},
                {"priority_only": True},
                {"deadline_from": D, "deadline_to": D},
                {"deadline_from": D - timedelta(days=1)},
                {"deadline_to": D - timedelta(days=1)},
            ):
                same_page(repo, cols, answerable(TaskSearch(as_of=as_of, sort=sort, **extra)))
    monkeypatch.setattr(explorer, "COUNT_CAP", 3)
    for categories in ((), ("open_overdue",), ("no_deadline_open",)):
        s = answerable(TaskSearch(as_of=D, categories=categories, page_size=2))
        for page in (1, 2, 4):
            same_page(repo, cols, replace(s, page=page))
    capped = from_columns(repo, cols, TaskSearch(as_of=D, sort="deadline_asc"))
    assert capped.capped and capped.total == 3


def test_demo_province_pages_equal_the_pipelines(mongod: dict[str, Any]) -> None:
    """The demo province: each status alone and together, every sort, first, middle and last
    pages, a unit led or coordinated, a signer, a document type, priority, deadline ranges."""
    repo = load_demo_db(mongod, "t_lists_demo")
    try:
        cols = columns(repo)
        unit = sorted(u["_id"] for u in repo.units() if u.get("kind") == "department")[0]
        signer = cols.signers.values[0]
        doc_type = cols.doc_types.values[0]
        for as_of in (DEMO_AS_OF, date(2025, 7, 1)):
            variants: list[dict[str, Any]] = [
                *({"categories": (c,)} for c in m.CATEGORIES),
                {"categories": ("open_overdue", "completed_late")},
                {},
                {"unit": unit, "categories": ("open_overdue",)},
                {"unit": unit, "coordinating": True, "categories": ("open_within_deadline",)},
                {"signer": signer},
                {"doc_type": doc_type, "categories": ("completed_on_time",)},
                {"priority_only": True, "categories": ("open_overdue",)},
                {"deadline_from": as_of - timedelta(days=60), "deadline_to": as_of},
                {"deadline_from": as_of, "categories": ("open_within_deadline",)},
            ]
            for variant in variants:
                for sort in explorer.TASK_SORTS:
                    s = answerable(TaskSearch(as_of=as_of, sort=sort, **variant))
                    first = explorer.search_tasks(repo, s, CAL)
                    for page in sorted({1, 2, max(1, first.pages // 2), first.pages}):
                        same_page(repo, cols, replace(s, page=page))
    finally:
        repo.db.client.drop_database("t_lists_demo")


def test_a_write_shows_in_the_next_page(repo: Repository, live: ReadModel) -> None:
    """A task completed through the repository leaves the open-overdue page on the next read
    (after `sync`), as it leaves the pipelines'."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2))
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 3))
    f.save()
    s = TaskSearch(as_of=D, categories=("open_overdue",))
    fig = figures_for(repo, live)
    assert fig.name == "readmodel"
    assert explorer.search_tasks(repo, s, source=fig).total == 2
    repo.update_task(
        f"{f.tasks[0].document}#1",
        {"completed_date": date(2025, 6, 10)},
        actor="test",
        expected_version=1,
    )
    fig = figures_for(repo, live)
    page = explorer.search_tasks(repo, s, source=fig)
    assert page == explorer.search_tasks(repo, s)
    assert [r["id"] for r in page.rows] == [f"{f.tasks[1].document}#1"]


# --- text searches ---------------------------------------------------------------------------------

# Phrases of tasks' contents and abstracts, with diacritics, case, punctuation, digits and
# characters outside ASCII, whose folded forms overlap ("so", "so y te", "thu", "thuc").
PHRASES = [
    "Sở Y tế",
    "số y tế",
    "Y TẾ",
    "thu",
    "thực hiện",
    "báo cáo",
    "Báo cáo UBND",
    "năm 2025",
    "ĐT-741",
    "x_y",
    "中文",
    "đề án",
    "Đề án số 2",
]
phrase_text = st.lists(st.sampled_from([*PHRASES, ",", ".", "(", ")"]), max_size=6).map(" ".join)


@st.composite
def worded_task(draw: st.DrawFn) -> dict[str, Any]:
    """A random task (`rich_task`) whose content and document abstract are made of `PHRASES`."""
    task = draw(rich_task())
    task["content"] = draw(phrase_text) or "Nhiệm vụ"
    task["abstract"] = draw(phrase_text) or "Về việc"
    return task


@st.composite
def text_searches(draw: st.DrawFn) -> TaskSearch:
    """A random search (`searches`) with a phrase to find, written any way a user would
    (case, diacritics or none, extra spaces), with any sort."""
    s = draw(searches())
    words = draw(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=2))
    text = " ".join(words)
    if draw(st.booleans()):
        text = text.upper()
    if draw(st.booleans()):
        text = "  " + text.replace(" ", "   ") + " "
    sort = draw(st.sampled_from(list(explorer.TASK_SORTS)))
    categories = s.categories if draw(st.booleans()) else ()
    return replace(s, text=text, sort=sort, categories=categories)


@SETTINGS
@given(
    tasks=st.lists(worded_task(), min_size=0, max_size=40),
    ss=st.lists(text_searches(), min_size=4, max_size=4),
)
def test_text_pages_equal_the_pipelines(
    repo: Repository, live: ReadModel, tasks: list[dict[str, Any]], ss: list[TaskSearch]
) -> None:
    """A phrase search with any of the list's filters, sort and page: the columns read at
    once and the model kept in step by the change stream give the pipelines' page."""
    reload_tasks(repo, tasks)
    cols = columns(repo)
    assert cols.texts is not None
    assert live.sync(10)
    for s in ss:
        if not explorer.text_search(s.text):
            continue
        same_page(repo, cols, s)
        page = explorer.search_tasks(repo, s, CAL, source=Columns(live))
        assert page == explorer.search_tasks(repo, s, CAL), s


def test_a_text_written_shows_in_the_next_search(repo: Repository, live: ReadModel) -> None:
    """A task's content corrected through the repository is found by its new words and no
    longer by its old ones on the next read (after `sync`), as in the pipelines; so is a task
    entered after the model was read; and the snapshot keeps the texts written since."""
    load_org(repo)
    f = TaskFactory(repo)
    f.add(assigned_date=date(2025, 5, 1), deadline=date(2025, 6, 2), content="Rà soát cầu yếu")
    f.add(assigned_date=date(2025, 5, 2), content="Kiểm tra đê điều")
    f.save()
    key = f"{f.tasks[0].document}#1"

    def found(text: str) -> list[str]:
        s = TaskSearch(as_of=D, text=text)
        fig = figures_for(repo, live)
        assert fig.name == "readmodel"
        page = explorer.search_tasks(repo, s, source=fig)
        assert page == explorer.search_tasks(repo, s)
        return [r["id"] for r in page.rows]

    assert found("cau yeu") == [key]
    repo.update_task(key, {"content": "Sửa chữa đường tỉnh 741"}, actor="test", expected_version=1)
    assert found("cầu yếu") == []
    assert found("duong tinh 741") == [key]
    more = TaskFactory(repo)
    more._n = 10
    more.add(assigned_date=date(2025, 5, 3), content="Đường tỉnh 741 đoạn qua xã")
    more.save()
    assert found("đường tỉnh 741") == [f"{more.tasks[0].document}#1", key]
    with live.reading() as cols:
        assert cols.texts is not None
        n = cols.n
        latest = cols.texts.array(n).to_pylist()
    assert sum("duong tinh 741" in t for t in latest) == 2
