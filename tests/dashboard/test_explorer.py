"""core.explorer: the task list agrees with core.metrics, searches ignore diacritics, pages sort."""

from __future__ import annotations

import re
from dataclasses import replace

from core import explorer, metrics
from core.metrics import CATEGORIES, MetricsQuery
from core.repository import Repository
from core.scope import Scope
from tests.dashboard.demo_db import AS_OF


def test_text_search_is_a_folded_phrase() -> None:
    assert explorer.text_search("Sở  Y tế!") == r"\bso y te\b"
    assert explorer.text_search("  ") == ""


def test_diacritic_regex_matches_any_accents() -> None:
    pattern = re.compile(explorer.diacritic_regex("so y te"), re.IGNORECASE)
    assert pattern.search("Giao Sở Y tế chủ trì")
    assert pattern.search("SO Y TE")
    assert not pattern.search("Sở Tài chính")


def test_status_filter_counts_equal_the_metrics(demo_repo: Repository) -> None:
    totals = metrics.status_metrics(demo_repo, MetricsQuery(as_of=AS_OF, by="none"))["total"]
    for cat in CATEGORIES:
        page = explorer.search_tasks(demo_repo, explorer.TaskSearch(as_of=AS_OF, categories=(cat,)))
        assert page.total == totals[cat], cat
        assert all(r["category"] == cat for r in page.rows)
    everything = explorer.search_tasks(demo_repo, explorer.TaskSearch(as_of=AS_OF))
    assert everything.total == min(totals["assigned"], explorer.COUNT_CAP)
    assert everything.capped == (totals["assigned"] > explorer.COUNT_CAP)


def test_pages_are_sorted_and_disjoint(demo_repo: Repository) -> None:
    first = explorer.search_tasks(demo_repo, explorer.TaskSearch(as_of=AS_OF, sort="deadline_asc"))
    second = explorer.search_tasks(
        demo_repo, explorer.TaskSearch(as_of=AS_OF, sort="deadline_asc", page=2)
    )
    deadlines = [r["deadline"] for r in first.rows + second.rows]
    assert None not in deadlines and deadlines == sorted(deadlines)
    assert not {r["id"] for r in first.rows} & {r["id"] for r in second.rows}
    assert len(first.rows) == 25 and first.pages > 1


def test_search_finds_tasks_whatever_the_diacritics(demo_repo: Repository) -> None:
    plain = explorer.search_tasks(demo_repo, explorer.TaskSearch(as_of=AS_OF, text="so y te"))
    accented = explorer.search_tasks(demo_repo, explorer.TaskSearch(as_of=AS_OF, text="SỞ Y TẾ"))
    assert plain.total == accented.total > 0
    for row in plain.rows:
        task = demo_repo.db.tasks.find_one({"_id": row["id"]})
        assert task is not None and "so y te" in task["search_text"]


def test_task_detail_marks_the_extension_in_force(demo_repo: Repository) -> None:
    stored = demo_repo.db.tasks.find_one({"extensions.1": {"$exists": True}})
    assert stored is not None
    detail = explorer.task_detail(demo_repo, stored["_id"], AS_OF, Scope.everything())
    assert detail is not None
    in_force = [e for e in detail["extensions"] if e["in_force"]]
    assert len(in_force) <= 1
    if in_force:
        assert detail["effective_deadline"] == in_force[0]["new_deadline"]
    assert detail["events"], "every task has at least its creation event"


def test_text_search_pages_equal_one_ordered_query(demo_repo: Repository) -> None:
    """The text search reads two halves of the assigned dates side by side and merges them:
    every page, in every sort and with a status filter, is what one query sorted on the same
    field then `_id` returns, and the total is the full count."""
    text = "kiem tra"
    for sort, spec in explorer.TASK_SORTS.items():
        for categories in ((), ("open_overdue", "completed_late")):
            s = explorer.TaskSearch(as_of=AS_OF, text=text, sort=sort, categories=categories)
            stages = metrics.classify_stages(s.metrics_query(), keep=["deadline", "assigned_date"])
            stages[0] = {"$match": explorer.task_match(s)}
            if categories:
                stages.append({"$match": {"cat": {"$in": list(categories)}}})
            ordered = demo_repo.aggregate_tasks(
                [*stages, {"$sort": {**dict(spec[1]), "_id": 1}}, {"$project": {"_id": 1}}],
                Scope.everything(),
            )
            expected = [t["_id"] for t in ordered]
            assert len(expected) > 60, (sort, categories)  # several pages, both halves
            for number in (1, 2, 3):
                page = explorer.search_tasks(demo_repo, replace(s, page=number))
                start = (number - 1) * s.page_size
                assert [r["id"] for r in page.rows] == expected[start : start + s.page_size]
                assert page.total == len(expected)
                if categories:
                    assert {r["category"] for r in page.rows} <= set(categories)
