"""The pipeline builders of core/metrics/query.py and the read scope of core/scope.py, evaluated by
a real mongod on hand-built tasks and compared with the plain-Python reference (tests/reference.py).

One collection of raw task documents (no validator: the builders are checked on their own) holds
a grid of deadlines × completions × extensions around D, plus tasks assigned and cancelled on
either side of D. Each expression is run as MongoDB runs it; every task's answer is compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import cycle
from typing import Any

import pytest

from core import repository
from core.dates import from_bson_day, to_bson_day
from core.metrics.query import (
    CATEGORIES,
    MetricsQuery,
    category_expr,
    category_prefilter,
    classify_stages,
    effective_deadline_expr,
    population_match,
    status_pipeline,
)
from core.scope import Scope
from tests import reference

D = date(2025, 6, 16)  # a Monday


def day(offset: int | None) -> date | None:
    return None if offset is None else D + timedelta(days=offset)


# Extension variants, as (approved, new deadline) offsets from D; None: no `extensions` field.
EXTENSIONS: list[list[tuple[int, int]] | None] = [
    None,
    [],
    [(-3, 2)],  # approved before D
    [(0, -1)],  # approved on D itself (the cut-off is inclusive)
    [(1, 5)],  # approved after D: not yet in force
    [(-5, 1), (-2, -1)],  # the later approval wins
    [(-2, -1), (-5, 3)],  # ... whatever its place in the list
    [(-2, 4), (-2, 0)],  # same approval day: the one listed last wins
    [(-1, 6)],
]
UNITS = ["SYT", "STC", "SXD"]
SIGNERS = ["CT", "PCT1"]
ROOMS = ["P-TH", "P-KT", None]
TYPES = ["QD", "CV", "KH"]


def _tasks() -> list[dict[str, Any]]:
    """Tasks in Python form (dates): the reference reads them; `_stored` writes them."""
    tasks: list[dict[str, Any]] = []
    unit, signer, room, kind, prio = (
        cycle(UNITS),
        cycle(SIGNERS),
        cycle(ROOMS),
        cycle(TYPES),
        cycle([True, False, False]),
    )
    for deadline in (None, -1, 0, 1):
        for completed in (None, -1, 0, 1):
            for ext in EXTENSIONS if deadline is not None else EXTENSIONS[:2]:
                task: dict[str, Any] = {
                    "assigned_date": day(-30),
                    "deadline": day(deadline),
                    "completed_date": day(completed),
                    "cancelled_date": None,
                }
                if ext is not None:
                    task["extensions"] = [
                        {"approved_date": day(a), "new_deadline": day(n)} for a, n in ext
                    ]
                tasks.append(task)
    # The population: assigned and cancelled around D; deadlines moved by extensions.
    for assigned in (-40, -10, 0, 1):
        for cancelled in (None, -1, 0, 1):
            for deadline, ext in ((-3, None), (3, None), (-20, [(-25, 10)]), (None, None)):
                task = {
                    "assigned_date": day(assigned),
                    "deadline": day(deadline),
                    "completed_date": None,
                    "cancelled_date": day(cancelled),
                }
                if ext is not None:
                    task["extensions"] = [
                        {"approved_date": day(a), "new_deadline": day(n)} for a, n in ext
                    ]
                tasks.append(task)
    for i, task in enumerate(tasks):
        task["_id"] = i
        task["lead_unit"] = next(unit)
        task["coord_units"] = [u for u in UNITS if u != task["lead_unit"]][: i % 3]
        task["signer"] = next(signer)
        task["tracking_room"] = next(room)
        task["doc_type"] = next(kind)
        task["priority"] = next(prio)
    return tasks


TASKS = _tasks()
BY_ID = {t["_id"]: t for t in TASKS}


def _stored(task: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key, value in task.items():
        if isinstance(value, date):
            doc[key] = to_bson_day(value)
        elif key == "extensions":
            doc[key] = [{k: to_bson_day(v) for k, v in ext.items()} for ext in value]
        else:
            doc[key] = value
    if doc["deadline"] is None and doc["_id"] % 2:
        del doc["deadline"]  # a missing field reads as no deadline too
    return doc


@pytest.fixture(scope="module")
def coll(mongod: dict[str, Any]) -> Iterator[Any]:
    repo = repository.connect(mongod["uri"], "t_query_expr")
    repo.db.client.drop_database("t_query_expr")
    collection = repo.db["tasks"]
    collection.insert_many([_stored(t) for t in TASKS])
    yield collection
    repo.db.client.drop_database("t_query_expr")


def ids(coll: Any, match: dict[str, Any]) -> set[int]:
    return {doc["_id"] for doc in coll.find(match, {"_id": 1})}


def as_day(value: Any) -> date | None:
    return None if value is None else from_bson_day(value)


# ------------------------------------------------------------------ the deadline in force, the category
@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 2])
def test_effective_deadline_and_category_match_the_reference(coll: Any, offset: int) -> None:
    as_of = D + timedelta(days=offset)
    pipeline = [
        {"$project": {"eff": effective_deadline_expr(as_of)}},
        {"$addFields": {"cat": category_expr(as_of)}},
    ]
    # category_expr reads completed_date from the document: keep it through the $project.
    pipeline[0]["$project"]["completed_date"] = 1
    got = {doc["_id"]: (as_day(doc.get("eff")), doc["cat"]) for doc in coll.aggregate(pipeline)}
    expected = {
        t["_id"]: (reference.effective_deadline(t, as_of), reference.category(t, as_of))
        for t in TASKS
    }
    assert got == expected
    # From D on, the grid reaches every category.
    if offset >= 0:
        assert {cat for _, cat in got.values()} == set(CATEGORIES)


def test_the_cut_off_may_be_an_expression(coll: Any) -> None:
    """D given as an expression (the multi-period trend passes "$$p.cut") gives the same answers."""
    for offset in (-1, 0, 1):
        as_of = D + timedelta(days=offset)
        pipeline = [
            {"$addFields": {"cut": to_bson_day(as_of)}},
            {"$addFields": {"eff": effective_deadline_expr("$cut")}},
            {"$project": {"eff": 1, "cat": category_expr("$cut", "$eff")}},
        ]
        got = {doc["_id"]: (as_day(doc.get("eff")), doc["cat"]) for doc in coll.aggregate(pipeline)}
        assert got == {
            t["_id"]: (reference.effective_deadline(t, as_of), reference.category(t, as_of))
            for t in TASKS
        }


def test_the_category_takes_the_deadline_in_force_it_is_given(coll: Any) -> None:
    # With `eff` read from another field, the category follows that field, not the deadline.
    pipeline = [
        {"$addFields": {"moved": to_bson_day(D + timedelta(days=10))}},
        {"$project": {"cat": category_expr(D, "$moved")}},
    ]
    got = {doc["_id"]: doc["cat"] for doc in coll.aggregate(pipeline)}
    for task in TASKS:
        moved = {**task, "deadline": D + timedelta(days=10), "extensions": []}
        assert got[task["_id"]] == reference.category(moved, D), task


# ------------------------------------------------------------------ the population
QUERIES = [
    MetricsQuery(as_of=D),
    MetricsQuery(as_of=D - timedelta(days=1)),
    MetricsQuery(as_of=D + timedelta(days=1)),
    MetricsQuery(as_of=D, assigned_from=D - timedelta(days=20), assigned_to=D - timedelta(days=5)),
    MetricsQuery(as_of=D, assigned_from=D - timedelta(days=10)),
    MetricsQuery(as_of=D, assigned_to=D + timedelta(days=5)),
    MetricsQuery(as_of=D, assigned_to=D),
    MetricsQuery(as_of=D, priority_only=True),
    MetricsQuery(as_of=D, lead_units=frozenset({"SYT", "SXD"})),
]
DEADLINE_QUERIES = [
    MetricsQuery(as_of=D, deadline_from=D, deadline_to=D + timedelta(days=10)),
    MetricsQuery(as_of=D, deadline_from=D + timedelta(days=1)),
    MetricsQuery(as_of=D, deadline_to=D - timedelta(days=1)),
    MetricsQuery(as_of=D, deadline_from=D - timedelta(days=1), deadline_to=D - timedelta(days=1)),
    MetricsQuery(
        as_of=D, deadline_from=D, priority_only=True, lead_units=frozenset({"STC", "SYT"})
    ),
]


def in_population(task: dict[str, Any], q: MetricsQuery) -> bool:
    if q.priority_only and not task["priority"]:
        return False
    if q.lead_units is not None and task["lead_unit"] not in q.lead_units:
        return False
    return reference.in_population(
        task,
        q.as_of,
        assigned_from=q.assigned_from,
        assigned_to=q.assigned_to,
        deadline_from=q.deadline_from,
        deadline_to=q.deadline_to,
    )


@pytest.mark.parametrize("q", QUERIES, ids=str)
def test_population_match_is_the_population(coll: Any, q: MetricsQuery) -> None:
    expected = {t["_id"] for t in TASKS if in_population(t, q)}
    assert expected and expected != set(BY_ID)
    assert ids(coll, population_match(q)) == expected


@pytest.mark.parametrize("q", DEADLINE_QUERIES, ids=str)
def test_deadline_filters_prefilter_on_any_deadline_then_classify_exactly(
    coll: Any, q: MetricsQuery
) -> None:
    def in_range(d: date | None) -> bool:
        return (
            d is not None
            and (q.deadline_from is None or d >= q.deadline_from)
            and (q.deadline_to is None or d <= q.deadline_to)
        )

    no_window = MetricsQuery(as_of=q.as_of, priority_only=q.priority_only, lead_units=q.lead_units)
    prefiltered = {
        t["_id"]
        for t in TASKS
        if in_population(t, no_window)
        and (
            in_range(t["deadline"])
            or any(in_range(e["new_deadline"]) for e in t.get("extensions", []))
        )
    }
    assert ids(coll, population_match(q)) == prefiltered
    got = {doc["_id"]: doc for doc in coll.aggregate(classify_stages(q, keep=["lead_unit"]))}
    expected = {t["_id"] for t in TASKS if in_population(t, q)}
    assert expected and expected <= prefiltered
    assert set(got) == expected
    for _id, doc in got.items():
        task = BY_ID[_id]
        assert doc["cat"] == reference.category(task, q.as_of)
        assert as_day(doc["eff"]) == reference.effective_deadline(task, q.as_of)
        assert doc["lead_unit"] == task["lead_unit"]
        assert "signer" not in doc


def test_the_deadline_window_is_on_the_deadline_in_force(coll: Any) -> None:
    # Original deadline D-20, extended (approved D-25) to D+10: due in [D+8, D+15], not before.
    q = MetricsQuery(
        as_of=D, deadline_from=D + timedelta(days=8), deadline_to=D + timedelta(days=15)
    )
    got = {doc["_id"] for doc in coll.aggregate(classify_stages(q))}
    assert got and all(BY_ID[i]["deadline"] == D - timedelta(days=20) for i in got)
    q = MetricsQuery(as_of=D, deadline_to=D - timedelta(days=15))
    assert ids(coll, population_match(q)) >= got  # the original deadline lies in the range
    assert not {doc["_id"] for doc in coll.aggregate(classify_stages(q))} & got


def test_cancelled_after_keeps_tasks_cancelled_later(coll: Any) -> None:
    q = MetricsQuery(as_of=D + timedelta(days=1))
    earlier = D - timedelta(days=2)
    got = ids(coll, population_match(q, cancelled_after=earlier))
    expected = {
        t["_id"]
        for t in TASKS
        if t["assigned_date"] <= q.as_of
        and (t["cancelled_date"] is None or t["cancelled_date"] > earlier)
    }
    assert got == expected
    assert got > ids(coll, population_match(q))


# ------------------------------------------------------------------ prefilter on categories
def necessary(task: dict[str, Any], category: str, as_of: date) -> bool:
    """The stored-field conditions category_prefilter documents for one category."""
    done = task["completed_date"] is not None and task["completed_date"] <= as_of
    deadlines = [task["deadline"]] + [e["new_deadline"] for e in task.get("extensions", [])]
    deadlines = [d for d in deadlines if d is not None]
    if category in ("completed_on_time", "completed_late"):
        return done and task["deadline"] is not None
    if category == "no_deadline_completed":
        return done and task["deadline"] is None
    if category == "no_deadline_open":
        return not done and task["deadline"] is None
    if category == "open_within_deadline":
        return not done and any(d >= as_of for d in deadlines)
    return not done and any(d < as_of for d in deadlines)


@pytest.mark.parametrize(
    "categories",
    [[c] for c in CATEGORIES]
    + [["completed_late", "open_overdue"], ["open_overdue", "open_overdue"], list(CATEGORIES)],
    ids=lambda c: "+".join(c),
)
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_category_prefilter_keeps_every_task_of_the_categories(
    coll: Any, categories: list[str], offset: int
) -> None:
    as_of = D + timedelta(days=offset)
    got = ids(coll, category_prefilter(categories, as_of))
    of_categories = {t["_id"] for t in TASKS if reference.category(t, as_of) in categories}
    assert got >= of_categories
    assert got == {t["_id"] for t in TASKS if any(necessary(t, c, as_of) for c in categories)}


def test_no_category_is_no_condition(coll: Any) -> None:
    assert category_prefilter([], D) == {}


# ------------------------------------------------------------------ counts per group
def rows_of(
    coll: Any, q: MetricsQuery, key_map: dict[str, str] | None = None
) -> dict[Any, dict[str, int]]:
    out = {}
    for row in coll.aggregate(status_pipeline(q, key_map)):
        key = row.pop("_id")
        out[key] = row
    return out


def reference_rows(q: MetricsQuery, key: Any) -> dict[Any, dict[str, int]]:
    rows: dict[Any, dict[str, int]] = {}
    for task in TASKS:
        if not in_population(task, q):
            continue
        k = key(task)
        row = rows.setdefault(k, dict.fromkeys(("assigned", *CATEGORIES), 0))
        row["assigned"] += 1
        row[reference.category(task, q.as_of)] += 1
    return rows


WINDOWS: dict[str, dict[str, date]] = {
    "all": {},
    "deadline-window": {
        "deadline_from": D - timedelta(days=1),
        "deadline_to": D + timedelta(days=3),
    },
    "deadline-to": {"deadline_to": D},
    "deadline-from": {"deadline_from": D + timedelta(days=1)},
}


@pytest.mark.parametrize(
    ("by", "field"),
    [
        ("unit", "lead_unit"),
        ("signer", "signer"),
        ("tracking_room", "tracking_room"),
        ("document_type", "doc_type"),
        ("priority", "priority"),
        ("none", None),
    ],
)
@pytest.mark.parametrize("window", list(WINDOWS))
def test_status_pipeline_counts_per_group(
    coll: Any, by: str, field: str | None, window: str
) -> None:
    q = MetricsQuery(as_of=D, by=by, **WINDOWS[window])
    expected = reference_rows(q, lambda t: t[field] if field else None)
    assert len(expected) > (1 if field else 0)
    assert rows_of(coll, q) == expected


def test_status_pipeline_rekeys_groups_through_a_map(coll: Any) -> None:
    # Portfolios: SYT and SXD belong to PCT2; STC is in nobody's portfolio and keeps its key.
    portfolio = {"SYT": "PCT2", "SXD": "PCT2", "SKHDT": "PCT1"}
    q = MetricsQuery(as_of=D, by="portfolio")
    expected = reference_rows(q, lambda t: portfolio.get(t["lead_unit"], t["lead_unit"]))
    assert set(expected) == {"PCT2", "STC"}
    assert rows_of(coll, q, portfolio) == expected
    window = MetricsQuery(as_of=D, by="portfolio", deadline_from=D)
    assert rows_of(coll, window, portfolio) == reference_rows(
        window, lambda t: portfolio.get(t["lead_unit"], t["lead_unit"])
    )


def test_status_pipeline_rows_come_sorted_by_key(coll: Any) -> None:
    many = coll.database["tasks_many_units"]
    many.drop()
    codes = [f"U{i:02d}" for i in range(40)]
    order = codes[::3] + codes[1::3] + codes[2::3]  # not inserted in key order
    many.insert_many(
        [
            {"_id": i, "lead_unit": code, "assigned_date": to_bson_day(D - timedelta(days=3))}
            for i, code in enumerate(order)
        ]
    )
    keys = [row["_id"] for row in many.aggregate(status_pipeline(MetricsQuery(as_of=D, by="unit")))]
    many.drop()
    assert keys == codes


# ------------------------------------------------------------------ read scopes
@pytest.mark.parametrize(
    "scope",
    [
        Scope.everything(),
        Scope(),
        Scope.of_units(["SYT"]),
        Scope.of_units({"STC", "SXD"}),
        Scope.of_units(["SYT"], coordinating=True),
        Scope.of_units(frozenset({"SXD", "STC"}), True),
        Scope.of_units([]),
    ],
    ids=str,
)
def test_scope_task_match(coll: Any, scope: Scope) -> None:
    def visible(task: dict[str, Any]) -> bool:
        if scope.units is None:
            return True
        if task["lead_unit"] in scope.units:
            return True
        return scope.include_coordinating and bool(set(task["coord_units"]) & scope.units)

    assert ids(coll, scope.task_match()) == {t["_id"] for t in TASKS if visible(t)}


def test_scope_of_units_reads_led_tasks_unless_told_otherwise(coll: Any) -> None:
    led = ids(coll, Scope.of_units(["SYT"]).task_match())
    widened = ids(coll, Scope.of_units(["SYT"], coordinating=True).task_match())
    assert led == {t["_id"] for t in TASKS if t["lead_unit"] == "SYT"}
    assert widened > led
    assert Scope.everything() == Scope(units=None, include_coordinating=False)
    assert Scope.of_units(["SYT", "STC"]) == Scope(frozenset({"STC", "SYT"}), False)
