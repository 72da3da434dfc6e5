"""core.explorer: the task list agrees with core.metrics, searches ignore diacritics, pages sort."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import explorer, metrics
from core.dates import from_bson_day, to_bson_day
from core.metrics import CATEGORIES, MetricsQuery
from core.repository import Repository
from core.scope import Scope
from core.text import fold, search_input
from tests.dashboard.demo_db import AS_OF

AS_OF_BSON = to_bson_day(AS_OF)


def test_text_search_is_a_folded_phrase() -> None:
    assert explorer.text_search("Sở  Y tế!") == r"\bso y te\b"
    assert explorer.text_search("  ") == ""


_VARIANTS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ",
    "e": "eèéẻẽẹêềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ",
    "u": "uùúủũụưừứửữự",
    "y": "yỳýỷỹỵ",
    "d": "dđ",
}


def diacritic_regex(text: str) -> str:
    """The reference: a case-insensitive regex matching `text` on the stored (unfolded) text,
    each base letter the class of its accented forms (how the Văn bản search was first made)."""
    out: list[str] = []
    for ch in fold(search_input(text)[0]):
        variants = _VARIANTS.get(ch)
        if variants is None:
            out.append(r"\s+" if ch == " " else re.escape(ch))
        else:
            both = variants + variants.upper()
            out.append("[" + unicodedata.normalize("NFC", both) + "]")
    return "".join(out)


LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
texts = st.text(alphabet=LETTERS + LETTERS.upper() + "0123456789 /-.,", max_size=30)


@given(field=texts, query=texts)
def test_folded_regex_finds_what_the_accented_classes_find(field: str, query: str) -> None:
    """On a folded text the plain pattern finds the query exactly where the classes of accented
    letters find it on the stored text, whatever the case and diacritics of either."""
    pattern = explorer.folded_regex(query)
    if not pattern:
        return
    reference = re.compile(diacritic_regex(query), re.IGNORECASE)
    assert bool(re.search(pattern, fold(field))) == bool(reference.search(field)), (field, query)


def test_folded_regex_examples() -> None:
    assert re.search(explorer.folded_regex("so y te"), fold("Giao Sở Y tế chủ trì"))
    assert re.search(explorer.folded_regex("SỞ  Y TẾ"), fold("so y te"))
    assert re.search(explorer.folded_regex("123/qđ"), fold("123/QĐ-UBND Về việc"))
    assert not re.search(explorer.folded_regex("so y te"), fold("Sở Tài chính"))
    assert explorer.folded_regex("  ") == ""


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
    deadlines = [r["effective_deadline"] for r in first.rows + second.rows]
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
    """The extension in force on D is the latest approved by D (by completion when completed
    earlier): exactly one when any was approved by then, and its new deadline is the deadline in
    force; later ones are listed but not in force."""
    stored = demo_repo.db.tasks.find_one(
        {"extensions.1": {"$exists": True}, "extensions.0.approved_date": {"$lte": AS_OF_BSON}}
    )
    assert stored is not None
    detail = explorer.task_detail(demo_repo, stored["_id"], AS_OF, Scope.everything())
    assert detail is not None
    cut = min(detail["completed_date"] or AS_OF, AS_OF)
    approved = [e for e in detail["extensions"] if e["approved_date"] <= cut]
    in_force = [e for e in detail["extensions"] if e["in_force"]]
    assert approved and in_force == [approved[-1]]
    assert detail["effective_deadline"] == in_force[0]["new_deadline"]
    first_approval = detail["extensions"][0]["approved_date"]
    before = explorer.task_detail(
        demo_repo, stored["_id"], first_approval - timedelta(days=1), Scope.everything()
    )
    assert before is not None and not any(e["in_force"] for e in before["extensions"])
    assert before["effective_deadline"] == before["deadline"]
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
            if s.categories:  # the longest-overdue sort narrows to open overdue tasks
                stages.append({"$match": {"cat": {"$in": list(s.categories)}}})
            ordered = demo_repo.aggregate_tasks(
                [*stages, {"$sort": {**dict(spec[1]), "_id": 1}}, {"$project": {"_id": 1}}],
                Scope.everything(),
            )
            expected = [t["_id"] for t in ordered]
            # several pages, both halves (fewer open overdue tasks match: still a full page)
            assert len(expected) > (60 if sort != "overdue_desc" else 20), (sort, categories)
            for number in (1, 2, 3):
                page = explorer.search_tasks(demo_repo, replace(s, page=number))
                start = (number - 1) * s.page_size
                assert [r["id"] for r in page.rows] == expected[start : start + s.page_size]
                assert page.total == len(expected)
                if s.categories:
                    assert {r["category"] for r in page.rows} <= set(s.categories)


def _in_eff_order(repo: Repository, s: explorer.TaskSearch) -> list[dict[str, Any]]:
    """The tasks `s` selects, as one query sorted on the deadline in force then `_id` orders
    them (ids and deadlines in force), classified on `tasks` without any of the list's paths."""
    stages = metrics.classify_stages(s.metrics_query())
    stages[0] = {"$match": explorer.task_match(s)}
    if s.categories:
        stages.append({"$match": {"cat": {"$in": list(s.categories)}}})
    direction = 1 if s.sort == "deadline_asc" else -1
    stages += [{"$sort": {"eff": direction, "_id": 1}}, {"$project": {"eff": 1}}]
    return repo.aggregate_tasks(stages, Scope.everything())


def test_deadline_sorts_follow_the_deadline_in_force(demo_repo: Repository) -> None:
    """Sorted by deadline, the list orders on the deadline in force as of D (the "Thời hạn"
    column, after extensions), ties by `_id`, in every path: plain list (bounded from the
    deadline indexes), status or deadline filter (classification, on `task_facts`), a document
    (on `tasks`) and text search (two halves merged in Python)."""
    moved = demo_repo.aggregate_tasks(
        [
            *metrics.classify_stages(MetricsQuery(as_of=AS_OF), keep=["deadline"]),
            {"$match": {"$expr": {"$ne": ["$eff", "$deadline"]}}},
            {"$count": "n"},
        ],
        Scope.everything(),
    )
    assert moved and moved[0]["n"] > 50, "the demo has tasks whose deadline was extended by D"
    document = demo_repo.db.tasks.find_one({"extensions.0": {"$exists": True}})
    assert document is not None
    variants: list[dict[str, Any]] = [
        {},
        {"categories": ("open_within_deadline",)},
        {"categories": ("open_overdue", "completed_late")},
        {"deadline_from": date(2026, 1, 1), "deadline_to": date(2026, 12, 31)},
        {"text": "kiem tra"},
        {"text": "kiem tra", "categories": ("open_overdue", "completed_late")},
        {"priority_only": True},
        {"document": document["document"]},
    ]
    for sort in ("deadline_asc", "deadline_desc"):
        for variant in variants:
            s = explorer.TaskSearch(as_of=AS_OF, sort=sort, **variant)
            ordered = _in_eff_order(demo_repo, s)
            if "document" not in variant:
                assert len(ordered) > 2 * s.page_size, (sort, variant)  # three pages or more
            shown: list[date | None] = []
            for number in (1, 2, 3):
                page = explorer.search_tasks(demo_repo, replace(s, page=number))
                start = (number - 1) * s.page_size
                want = ordered[start : start + s.page_size]
                assert [r["id"] for r in page.rows] == [t["_id"] for t in want], (sort, variant)
                assert [r["effective_deadline"] for r in page.rows] == [
                    from_bson_day(t["eff"]) if t.get("eff") is not None else None for t in want
                ]
                shown += [r["effective_deadline"] for r in page.rows]
            dated = [x for x in shown if x is not None]
            assert dated == sorted(dated, reverse=sort == "deadline_desc"), (sort, variant)
            if sort == "deadline_asc":
                assert None not in shown
            else:  # tasks without a deadline come last
                assert shown == dated + [None] * (len(shown) - len(dated))
    # The regression: open within their deadline, the task due first comes first.
    first = explorer.search_tasks(
        demo_repo,
        explorer.TaskSearch(as_of=AS_OF, sort="deadline_asc", categories=("open_within_deadline",)),
    )
    due = demo_repo.aggregate_tasks(
        [
            *metrics.classify_stages(MetricsQuery(as_of=AS_OF)),
            {"$match": {"cat": "open_within_deadline"}},
            {"$group": {"_id": None, "first": {"$min": "$eff"}}},
        ],
        Scope.everything(),
    )
    assert first.rows[0]["effective_deadline"] == from_bson_day(due[0]["first"])
    assert first.rows[0]["effective_deadline"] >= AS_OF


def _priority_counts(repo: Repository, units: frozenset[str] | None = None) -> dict[str, int]:
    """Per document: its priority tasks assigned by D and not cancelled by then (plain reads)."""
    d = to_bson_day(AS_OF)
    query: dict[str, Any] = {
        "priority": True,
        "assigned_date": {"$lte": d},
        "$or": [{"cancelled_date": None}, {"cancelled_date": {"$gt": d}}],
    }
    if units is not None:
        query["lead_unit"] = {"$in": sorted(units)}
    counts: dict[str, int] = {}
    for t in repo.db.tasks.find(query, {"document": 1}):
        counts[t["document"]] = counts.get(t["document"], 0) + 1
    return counts


def test_documents_with_progress_priority_only(demo_repo: Repository) -> None:
    """Priority only: just the documents with a priority task, and only those tasks counted."""
    everything = explorer.DocumentSearch(as_of=AS_OF, page_size=100_000)
    all_rows, all_total, _capped = explorer.documents_with_progress(
        demo_repo, everything, Scope.everything()
    )
    for units in (None, frozenset({"SYT", "STC", "SGDDT"})):
        expected = _priority_counts(demo_repo, units)
        rows, total, _capped = explorer.documents_with_progress(
            demo_repo, everything, Scope.everything(), units, priority_only=True
        )
        assert 0 < total == len(rows) == len(expected) < all_total
        assert {r["id"]: r["assigned"] for r in rows} == expected
        for r in rows:
            assert sum(r[c] for c in CATEGORIES) == r["assigned"] > 0
        ids = [r["id"] for r in all_rows if r["id"] in expected]
        assert [r["id"] for r in rows] == ids  # newest first, as without the switch
    page = explorer.DocumentSearch(as_of=AS_OF, page=2, page_size=10)
    second, total, _capped = explorer.documents_with_progress(
        demo_repo, page, Scope.everything(), priority_only=True
    )
    assert total == len(_priority_counts(demo_repo))
    assert [r["id"] for r in second] == [
        r["id"] for r in all_rows if r["id"] in _priority_counts(demo_repo)
    ][10:20]


@pytest.mark.parametrize("text", ["so y te", "QĐ-UBND", "an ninh", "kế hoạch", "zzz"])
def test_a_document_search_pages_and_counts_in_one_pass_as_in_two(
    demo_repo: Repository, text: str
) -> None:
    """A searched list of documents (one aggregation: the page and the count together) gives
    the rows and total of the index-ordered find and its count, on every page."""
    match = explorer.document_match(explorer.DocumentSearch(as_of=AS_OF, text=text))
    total = demo_repo.count_documents(match)
    assert (total == 0) == (text == "zzz")
    for skip in (0, 7, max(total - 3, 0), total + 10):
        rows, counted = demo_repo.documents_page_counted(match, skip=skip, limit=7)
        assert counted == total
        assert rows == demo_repo.documents_page(match, skip=skip, limit=7)
    found, _total, _capped = explorer.documents_with_progress(
        demo_repo, explorer.DocumentSearch(as_of=AS_OF, text=text, page_size=5), Scope.everything()
    )
    assert [r["id"] for r in found] == [d["_id"] for d in demo_repo.documents_page(match, limit=5)]


def test_longest_overdue_sort_lists_open_overdue_tasks_with_their_days(
    demo_repo: Repository,
) -> None:
    """«Số ngày quá hạn: lâu nhất trước» lists only open overdue tasks, days overdue falling,
    the same tasks and days as `metrics.longest_overdue`; completed-late rows carry how late."""
    from core.services import work_calendar

    cal = work_calendar(demo_repo)
    s = explorer.TaskSearch(as_of=AS_OF, sort="overdue_desc", page_size=30)
    page = explorer.search_tasks(demo_repo, s, cal)
    totals = metrics.status_metrics(demo_repo, MetricsQuery(as_of=AS_OF, by="none"))["total"]
    assert page.total == totals["open_overdue"] > 30
    days = [r["days_late"] for r in page.rows]
    assert all(r["category"] == "open_overdue" for r in page.rows)
    assert days == sorted(days, reverse=True) and days[-1] >= 1
    longest = metrics.longest_overdue(demo_repo, MetricsQuery(as_of=AS_OF), cal, limit=30)
    assert days == [t["days_overdue"] for t in longest]
    late = explorer.search_tasks(
        demo_repo, explorer.TaskSearch(as_of=AS_OF, categories=("completed_late",)), cal
    )
    for r in late.rows:
        assert r["days_late"] == cal.working_days_between(
            r["effective_deadline"], r["completed_date"]
        )
        assert r["days_late"] >= 0
    on_time = explorer.search_tasks(
        demo_repo, explorer.TaskSearch(as_of=AS_OF, categories=("completed_on_time",)), cal
    )
    assert all(r["days_late"] is None for r in on_time.rows)
    overdue = next(r for r in page.rows)
    detail = explorer.task_detail(demo_repo, overdue["id"], AS_OF, Scope.everything(), cal)
    assert detail is not None and detail["days_late"] == overdue["days_late"]
