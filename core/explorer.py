"""Task and document look-ups for the dashboard (tra cứu): search, paging, sorting, one record.

Pure functions build the MongoDB filters and pipelines (tests can print and compare them); the
read functions take a `Repository` and a `Scope` and return small page-sized results. The
status category of every row is computed by the same expressions as `core.metrics`, so a task
listed here as "Chưa hoàn thành, quá hạn" is counted as such in every figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from core.accountability import Accountability
from core.calendar import WorkCalendar
from core.dates import from_bson_day, to_bson_day
from core.metrics import (
    CATEGORIES,
    COUNT_FIELDS,
    MetricsQuery,
    assigned_middle,
    category_expr,
    category_prefilter,
    classify_stages,
    effective_deadline_expr,
    join_task_text,
    population_match,
    portfolio_map,
    with_rates,
)
from core.repository import Repository
from core.rows import Counts, ExtensionRow, Figures, TaskDetail, TaskRow, empty_figures
from core.scope import Scope
from core.text import fold, search_input

# Sort orders of the task list: key -> (Vietnamese label, MongoDB sort).
# The assigned-date sorts use one indexed field: the index then returns the first page without
# sorting a million tasks (a tie-breaker such as _id would force a blocking sort); ties keep the
# index's order. The deadline sorts order on `eff`, the deadline in force as of D (the list's
# "Thời hạn" column, after the extensions approved by D), then `_id`: a computed field, so
# `search_tasks` first bounds it with the deadline indexes (`eff_bound_pipeline`).
TASK_SORTS: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "assigned_desc": ("Ngày giao: mới nhất trước", [("assigned_date", -1)]),
    "assigned_asc": ("Ngày giao: cũ nhất trước", [("assigned_date", 1)]),
    "deadline_asc": (
        "Thời hạn: sớm nhất trước",
        [("eff", 1), ("_id", 1)],
    ),
    "deadline_desc": ("Thời hạn: muộn nhất trước", [("eff", -1), ("_id", 1)]),
    # Among open overdue tasks, the earliest deadline in force is the longest overdue: the same
    # order as `deadline_asc`, and the list is narrowed to open overdue tasks (TaskSearch).
    "overdue_desc": (
        "Quá hạn lâu nhất trước",
        [("eff", 1), ("_id", 1)],
    ),
}
COUNT_CAP = 10_000  # beyond this the list says "more than 10.000" instead of counting them all

# Fields a task row needs (kept small: pages never ship whole tasks).
ROW_FIELDS: tuple[str, ...] = (
    "document",
    "seq",
    "content",
    "lead_unit",
    "coord_units",
    "assigned_date",
    "deadline",
    "extensions",
    "completed_date",
    "priority",
    "signer",
    "doc_type",
)


@dataclass(frozen=True)
class TaskSearch:
    """What the task list shows: the population as of D narrowed by the user's filters."""

    as_of: date
    text: str = ""
    categories: tuple[str, ...] = ()
    lead_units: frozenset[str] | None = None
    unit: str | None = None
    coordinating: bool = False
    signer: str | None = None
    doc_type: str | None = None
    document: str | None = None
    priority_only: bool = False
    deadline_from: date | None = None
    deadline_to: date | None = None
    sort: str = "assigned_desc"
    page: int = 1
    page_size: int = 25
    scope: Scope = field(default_factory=Scope.everything)

    def __post_init__(self) -> None:
        if self.sort not in TASK_SORTS:
            raise ValueError(f"sắp xếp: «{self.sort}» không hợp lệ")
        unknown = [c for c in self.categories if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"trạng thái: «{unknown[0]}» không hợp lệ")
        if self.page < 1 or self.page_size < 1:
            raise ValueError("trang: số trang và cỡ trang phải từ 1 trở lên")
        if self.sort == "overdue_desc" and set(self.categories) != {"open_overdue"}:
            # Days overdue exist only for open overdue tasks: that sort lists those.
            object.__setattr__(self, "categories", ("open_overdue",))

    def metrics_query(self) -> MetricsQuery:
        """The metrics population these filters select (same rules as every figure)."""
        return MetricsQuery(
            as_of=self.as_of,
            deadline_from=self.deadline_from,
            deadline_to=self.deadline_to,
            priority_only=self.priority_only,
            lead_units=self.lead_units,
            scope=self.scope,
        )

    @property
    def needs_classification(self) -> bool:
        """True when the filter depends on the status or effective deadline as of D."""
        return (
            bool(self.categories)
            or self.deadline_from is not None
            or (self.deadline_to is not None)
        )


@dataclass(frozen=True)
class TaskPage:
    """One page of tasks and how many match in all."""

    rows: list[TaskRow]
    total: int
    page: int
    page_size: int
    capped: bool = False  # True: at least `total` tasks match (counting stopped at COUNT_CAP)

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, math.ceil(self.total / self.page_size))


# --- pure builders ------------------------------------------------------------------------------


def text_search(text: str) -> str:
    """The regex on the folded `search_text`: the folded words as one phrase, whole words.

    "Sở Y tế" → r"\bso y te\b". A phrase, not loose words: Vietnamese syllables such as "so" or
    "te" occur everywhere, so "so y te" must find "Sở Y tế", not every task with "số" and "tế".
    A regex scan of the short folded field is several times faster than a `$text` phrase search
    here (MongoDB unions the index entries of such common terms before checking the phrase).
    """
    words = [w for w in re.split(r"[^0-9a-z]+", fold(search_input(text)[0])) if w]
    return rf"\b{' '.join(words)}\b" if words else ""


def task_match(s: TaskSearch) -> dict[str, Any]:
    """The $match of the task list: population as of D plus the user's filters (index-friendly)."""
    parts: list[dict[str, Any]] = [population_match(s.metrics_query())]
    if s.text.strip():
        search = text_search(s.text)
        if search:
            parts.append({"search_text": {"$regex": search}})
    if s.unit is not None:
        parts.append({"coord_units" if s.coordinating else "lead_unit": s.unit})
    if s.signer is not None:
        parts.append({"signer": s.signer})
    if s.doc_type is not None:
        parts.append({"doc_type": s.doc_type})
    if s.document is not None:
        parts.append({"document": s.document})
    if s.sort in ("deadline_asc", "overdue_desc"):
        parts.append({"deadline": {"$ne": None}})
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _status_fields(as_of: date) -> list[dict[str, Any]]:
    return [
        {"$addFields": {"eff": effective_deadline_expr(as_of)}},
        {"$addFields": {"cat": category_expr(as_of)}},
    ]


def _document_lookup() -> dict[str, Any]:
    return {
        "$lookup": {
            "from": "documents",
            "localField": "document",
            "foreignField": "_id",
            "as": "doc",
            "pipeline": [{"$project": {"number": 1, "abstract": 1, "issue_date": 1, "type": 1}}],
        }
    }


def sorts_on_eff(s: TaskSearch) -> bool:
    """True when the list is sorted on the deadline in force as of D (computed, not stored)."""
    return TASK_SORTS[s.sort][1][0][0] == "eff"


def uses_facts(s: TaskSearch) -> bool:
    """Status-filtered or deadline-sorted lists without text or document filters scan
    `task_facts` (a tenth of the bytes of `tasks`, with an index on the extensions' deadlines)
    and join only the page's rows to their tasks."""
    return (s.needs_classification or sorts_on_eff(s)) and not s.text.strip() and s.document is None


def eff_bound_pipeline(s: TaskSearch) -> list[dict[str, Any]]:
    """The deadline in force that bounds a deadline-sorted page (first step of such a page).

    Reads the first k + k/4 matching tasks (at least k + one page) in the order of their stored
    deadline (index), k being the rows up to the end of the page, and returns the k-th deadline
    in force among them in the page's order (no row when fewer than k match). At least k tasks
    are due by that day (from it when descending), so every row up to the end of the page is
    too, and the page can be read from the tasks whose stored or extended deadline lies on that
    side of it (`eff_range`). Reading more than k keeps a few far extensions from widening it.
    """
    (_, direction), *_ = TASK_SORTS[s.sort][1]
    take = s.page * s.page_size
    return [
        {"$match": task_match(s)},
        {"$sort": {"deadline": direction}},
        {"$limit": take + max(take // 4, s.page_size)},
        {"$project": {"_id": 0, "eff": effective_deadline_expr(s.as_of)}},
        {"$sort": {"eff": direction}},
        {"$skip": take - 1},
        {"$limit": 1},
    ]


def eff_range(s: TaskSearch, bound: Any) -> dict[str, Any]:
    """$match on stored fields of the tasks whose deadline in force is on the page's side of
    `bound` (the deadline in force is the original one or an extension's new deadline)."""
    (_, direction), *_ = TASK_SORTS[s.sort][1]
    side = {"$lte" if direction > 0 else "$gte": bound}
    return {"$or": [{"deadline": side}, {"extensions.new_deadline": side}]}


_FACT_ROW_FIELDS = tuple(f for f in ROW_FIELDS if f not in ("document", "seq", "content"))


def task_page_pipeline(s: TaskSearch, bound: Any = None) -> list[dict[str, Any]]:
    """The pipeline of one page of the task list.

    Without a status or deadline filter, sorted on the assigned date: match, sort on the
    indexed field, skip, limit, and only then compute the status of the page's rows (the total
    is counted apart). Sorted on the deadline in force: the same, but classifying the tasks
    first, only those on the page's side of `bound` (`eff_bound_pipeline`; None: all). With a
    status or deadline filter: classify the matching tasks, filter, and count and page them in
    one `$facet`.
    """
    sort = dict(TASK_SORTS[s.sort][1])
    skip = (s.page - 1) * s.page_size
    keep = {name: 1 for name in ROW_FIELDS}
    facts = uses_facts(s)
    join = join_task_text() if facts else []
    if not s.needs_classification and not sorts_on_eff(s):
        return [
            {"$match": task_match(s)},
            {"$sort": sort},
            {"$skip": skip},
            {"$limit": s.page_size},
            {"$project": keep},
            *_status_fields(s.as_of),
            _document_lookup(),
        ]
    stages = classify_stages(
        s.metrics_query(), keep=list(_FACT_ROW_FIELDS if facts else ROW_FIELDS)
    )
    match = task_match(s)
    if not s.needs_classification:
        if bound is not None:
            stages[0] = {"$match": {"$and": [match, eff_range(s, bound)]}}
            side = "$lte" if sort["eff"] > 0 else "$gte"
            stages.insert(2, {"$match": {"eff": {side: bound}}})
        else:
            stages[0] = {"$match": match}
        return [
            *stages,
            {"$sort": sort},
            {"$skip": skip},
            {"$limit": s.page_size},
            *join,
            _document_lookup(),
        ]
    prefilter = category_prefilter(s.categories, s.as_of)
    stages[0] = {"$match": {"$and": [match, prefilter]} if prefilter else match}
    if s.categories:
        stages.append({"$match": {"cat": {"$in": list(s.categories)}}})
    stages.append(
        {
            "$facet": {
                "rows": [
                    # A blocking sort either way: ties by `_id`, so pages never overlap and the
                    # read model (core/readmodel/lists.py) gives the same order.
                    {"$sort": {**sort, "_id": 1}},
                    {"$skip": skip},
                    {"$limit": s.page_size},
                    *join,
                    _document_lookup(),
                ],
                "total": [{"$limit": COUNT_CAP + 1}, {"$count": "n"}],
            }
        }
    )
    return stages


def task_row(t: Mapping[str, Any]) -> TaskRow:
    """A plain row of the task list (days as `date`, status category as of D)."""

    def day(v: Any) -> date | None:
        return from_bson_day(v) if v is not None else None

    doc = (t.get("doc") or [{}])[0]
    return {
        "id": t["_id"],
        "content": t.get("content"),
        "lead_unit": t.get("lead_unit"),
        "coord_units": list(t.get("coord_units") or []),
        "document": t.get("document"),
        "document_number": doc.get("number"),
        "document_abstract": doc.get("abstract"),
        "doc_type": t.get("doc_type"),
        "signer": t.get("signer"),
        "assigned_date": day(t.get("assigned_date")),
        "deadline": day(t.get("deadline")),
        "effective_deadline": day(t.get("eff")),
        "extensions": len(t.get("extensions") or []),
        "completed_date": day(t.get("completed_date")),
        "priority": bool(t.get("priority")),
        "category": t.get("cat"),
    }


# --- task reads ---------------------------------------------------------------------------------


def text_page_pipeline(s: TaskSearch, part: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A text search's rows up to the end of the page, and its capped count, in one pass over
    the part of the tasks matched by `part` (a range of assigned dates).

    A phrase regex cannot use an index, so the tasks are read once for both the page and the
    count (`$facet`), and `search_tasks` runs two parts side by side, one per core. Rows are
    sorted on the page's field (the deadline in force for the deadline sorts) then `_id`, so
    that merging the parts keeps a stable order.
    """
    sort = {**dict(TASK_SORTS[s.sort][1]), "_id": 1}
    take = s.page * s.page_size
    match = task_match(s)
    if s.needs_classification:
        stages = classify_stages(s.metrics_query(), keep=list(ROW_FIELDS))
        prefilter = category_prefilter(s.categories, s.as_of)
        stages[0] = {"$match": {"$and": [match, *([prefilter] if prefilter else []), part]}}
        if s.categories:
            stages.append({"$match": {"cat": {"$in": list(s.categories)}}})
        rows: list[dict[str, Any]] = [{"$sort": sort}, {"$limit": take}]
    else:
        stages = [{"$match": {"$and": [match, part]}}]
        if sorts_on_eff(s):
            stages.append({"$addFields": {"eff": effective_deadline_expr(s.as_of)}})
        rows = [
            {"$sort": sort},
            {"$limit": take},
            {"$project": {name: 1 for name in ROW_FIELDS}},
            *_status_fields(s.as_of),
        ]
    stages.append(
        {
            "$facet": {
                "rows": [*rows, _document_lookup()],
                "total": [{"$limit": COUNT_CAP + 1}, {"$count": "n"}],
            }
        }
    )
    return stages


def _assigned_parts(repo: Repository, as_of: date) -> list[dict[str, Any]]:
    """Two halves of the assigned dates up to D (one when the span is short)."""
    earliest = repo.earliest_assigned()
    middle = assigned_middle(from_bson_day(earliest) if earliest else None, as_of)
    if middle is None:
        return [{}]
    split = to_bson_day(middle)
    return [{"assigned_date": {"$lte": split}}, {"assigned_date": {"$gt": split}}]


def _search_text_tasks(repo: Repository, s: TaskSearch) -> TaskPage:
    parts = _assigned_parts(repo, s.as_of)
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        results = list(
            pool.map(lambda part: repo.aggregate_tasks(text_page_pipeline(s, part), s.scope), parts)
        )
    rows: list[dict[str, Any]] = []
    total = 0
    for result in results:
        facet = result[0] if result else {"rows": [], "total": []}
        rows.extend(facet["rows"])
        total += int(facet["total"][0]["n"]) if facet["total"] else 0
    (name, direction), *_ = TASK_SORTS[s.sort][1]
    rows.sort(key=lambda r: str(r["_id"]))
    rows.sort(key=lambda r: (r.get(name) is not None, r.get(name)), reverse=direction < 0)
    skip = (s.page - 1) * s.page_size
    page = rows[skip : skip + s.page_size]
    capped = total > COUNT_CAP
    return TaskPage([task_row(t) for t in page], min(total, COUNT_CAP), s.page, s.page_size, capped)


def _eff_bound(repo: Repository, s: TaskSearch, source: str) -> Any:
    """The bound of a deadline-sorted page without status filter (None: read all the tasks)."""
    if s.needs_classification or not sorts_on_eff(s):
        return None
    found = repo.aggregate_tasks(eff_bound_pipeline(s), s.scope, source=source)
    return found[0].get("eff") if found else None


def days_late(row: Mapping[str, Any], as_of: date, cal: WorkCalendar) -> int | None:
    """Working days a task is (open overdue: up to D) or was (completed late: up to its
    completion) past its deadline in force; None for every other status."""
    eff = row.get("effective_deadline")
    if eff is None:
        return None
    if row.get("category") == "open_overdue":
        return cal.working_days_between(eff, as_of)
    if row.get("category") == "completed_late" and row.get("completed_date") is not None:
        return cal.working_days_between(eff, row["completed_date"])
    return None


class PageSource(Protocol):
    """Who may answer a page, or count a list, instead of the pipelines (the read model:
    `Figures.task_page`, `Figures.task_count`); None from it means "ask the pipelines"."""

    def task_page(self, s: TaskSearch) -> TaskPage | None: ...

    def task_count(self, s: TaskSearch) -> tuple[int, bool] | None: ...


def search_tasks(
    repo: Repository,
    s: TaskSearch,
    cal: WorkCalendar | None = None,
    source: PageSource | None = None,
) -> TaskPage:
    """One page of the task list, sorted and paged on the server, with the total.

    With a working calendar, each row also gets `days_late` (`days_late`). With a `source`
    (the read model), the pages it answers come from it, the others from the pipelines (and
    their count from it when it can count them: `PageSource.task_count`).
    """
    page = source.task_page(s) if source is not None else None
    if page is None:
        page = _search(repo, s, source)
    if cal is not None:
        for row in page.rows:
            row["days_late"] = days_late(row, s.as_of, cal)
    return page


def _search(repo: Repository, s: TaskSearch, counter: PageSource | None = None) -> TaskPage:
    if text_search(s.text):
        return _search_text_tasks(repo, s)
    source = "facts" if uses_facts(s) else "tasks"
    bound = _eff_bound(repo, s, source)
    result = repo.aggregate_tasks(task_page_pipeline(s, bound), s.scope, source=source)
    counted: tuple[int, bool] | None  # (the count shown, capped at COUNT_CAP or not)
    if s.needs_classification:
        facet = result[0] if result else {"rows": [], "total": []}
        rows, total = facet["rows"], int(facet["total"][0]["n"]) if facet["total"] else 0
        counted = min(total, COUNT_CAP), total > COUNT_CAP
    else:
        rows = result
        counted = counter.task_count(s) if counter is not None else None
        if counted is None:
            found = repo.aggregate_tasks(
                [{"$match": task_match(s)}, {"$limit": COUNT_CAP + 1}, {"$count": "n"}], s.scope
            )
            total = int(found[0]["n"]) if found else 0
            counted = min(total, COUNT_CAP), total > COUNT_CAP
    shown, capped = counted
    return TaskPage([task_row(t) for t in rows], shown, s.page, s.page_size, capped)


def task_detail(
    repo: Repository, task_id: str, as_of: date, scope: Scope, cal: WorkCalendar | None = None
) -> TaskDetail | None:
    """One task as the reader may see it: document, units, deadline history, events, status.

    `category` is the status as of D (None when the task was not yet assigned or was cancelled
    by D); every extension says whether it was in force as of D.
    """
    found = repo.task(task_id, scope)
    if found is None:
        return None
    stages = [
        {"$match": {"_id": task_id}},
        *_status_fields(as_of),
        {"$project": {"eff": 1, "cat": 1}},
    ]
    status = (repo.aggregate_tasks(stages, scope) or [{}])[0]
    d = to_bson_day(as_of)
    assigned = found["assigned_date"] <= d
    cancelled = found.get("cancelled_date") is not None and found["cancelled_date"] <= d

    def day(v: Any) -> date | None:
        return from_bson_day(v) if v is not None else None

    eff = day(status.get("eff"))
    extensions = sorted(
        (_extension(e) for e in found.get("extensions") or []),
        key=lambda e: (e["approved_date"], e["new_deadline"]),
    )
    cut = day(found.get("completed_date"))
    cut = min(cut, as_of) if cut is not None else as_of
    in_force = [e for e in extensions if e["approved_date"] <= cut]
    for e in extensions:
        e["in_force"] = bool(in_force) and e is in_force[-1]
    category = status.get("cat") if assigned and not cancelled else None
    return {
        "id": found["_id"],
        "document": repo.document(found["document"]),
        "seq": found.get("seq"),
        "content": found.get("content"),
        "lead_unit": found.get("lead_unit"),
        "coord_units": list(found.get("coord_units") or []),
        "tracking_room": found.get("tracking_room"),
        "specialist": found.get("specialist"),
        "assigned_date": day(found.get("assigned_date")),
        "deadline": day(found.get("deadline")),
        "effective_deadline": eff,
        "extensions": extensions,
        "completed_date": day(found.get("completed_date")),
        "result": found.get("result"),
        "confirmed_date": day(found.get("confirmed_date")),
        "confirmed_by": found.get("confirmed_by"),
        "priority": bool(found.get("priority")),
        "personal": bool(found.get("personal")),
        "cancelled_date": day(found.get("cancelled_date")),
        "cancel_reason": found.get("cancel_reason"),
        "returns": [
            {"date": day(r["date"]), "unit": r["unit"], "reason": r["reason"]}
            for r in found.get("returns") or []
        ],
        "progress": [
            {"date": day(p["date"]), "note": p.get("note")} for p in found.get("progress") or []
        ],
        "category": category,
        "days_late": (
            days_late(
                {
                    "effective_deadline": eff,
                    "category": category,
                    "completed_date": day(found.get("completed_date")),
                },
                as_of,
                cal,
            )
            if cal is not None
            else None
        ),
        "not_yet_assigned": not assigned,
        "cancelled": cancelled,
        "events": repo.task_events(task_id),
        "version": found.get("version"),
    }


def _extension(e: Mapping[str, Any]) -> ExtensionRow:
    """A stored extension on a task's page (both days are required by the validator)."""
    return {
        "new_deadline": from_bson_day(e["new_deadline"]),
        "approved_date": from_bson_day(e["approved_date"]),
        "approver": e.get("approver"),
        "reason": e.get("reason"),
        "in_force": False,  # set by `task_detail`
    }


# --- documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSearch:
    """Which directive documents to list: issued by D, by type, signer, dates, text."""

    as_of: date
    text: str = ""
    doc_type: str | None = None
    signer: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    page: int = 1
    page_size: int = 20


def document_match(s: DocumentSearch) -> dict[str, Any]:
    """$match on documents (number or abstract found whatever the diacritics)."""
    issued: dict[str, Any] = {"$lte": to_bson_day(s.as_of)}
    if s.issued_from is not None:
        issued["$gte"] = to_bson_day(s.issued_from)
    if s.issued_to is not None:
        issued["$lte"] = min(issued["$lte"], to_bson_day(s.issued_to))
    match: dict[str, Any] = {"issue_date": issued}
    if s.doc_type is not None:
        match["type"] = s.doc_type
    if s.signer is not None:
        match["signer"] = s.signer
    if s.text.strip():
        match["search_text"] = {"$regex": folded_regex(s.text)}
    return match


def folded_regex(text: str) -> str:
    """A regex finding `text` anywhere in a folded text (core.text.fold: lower case, no
    diacritics, đ → d), whatever its case and diacritics: "so y te" finds "Sở Y tế", "123/qđ"
    finds "123/QĐ-UBND". Used on the documents' `search_text` (number and abstract folded): a
    plain pattern is three times faster to scan than classes of accented letters on the stored
    number and abstract (measured in docs/performance.md)."""
    return r"\s+".join(re.escape(word) for word in fold(search_input(text)[0]).split())


def progress_pipeline(document_ids: Sequence[str], q: MetricsQuery) -> list[dict[str, Any]]:
    """Per document: tasks assigned by D and their count per status category as of D."""
    stages = classify_stages(q, keep=["document"])
    stages[0] = {
        "$match": {"$and": [{"document": {"$in": list(document_ids)}}, stages[0]["$match"]]}
    }
    counts: dict[str, Any] = {"assigned": {"$sum": 1}}
    for cat in CATEGORIES:
        counts[cat] = {"$sum": {"$cond": [{"$eq": ["$cat", cat]}, 1, 0]}}
    stages.append({"$group": {"_id": "$document", **counts}})
    return stages


class DocumentSource(Protocol):
    """Who may answer a text search of the documents instead of MongoDB's scan (the
    documents' read model, `core/readmodel/documents.py`)."""

    def document_page(
        self, s: DocumentSearch, skip: int, limit: int, count_limit: int
    ) -> tuple[list[str], int] | None:
        """The page's keys and the count up to `count_limit`, or None when it cannot."""
        ...


def documents_with_progress(
    repo: Repository,
    s: DocumentSearch,
    scope: Scope,
    lead_units: frozenset[str] | None = None,
    *,
    priority_only: bool = False,
    source: DocumentSource | None = None,
) -> tuple[list[dict[str, Any]], int, bool]:
    """A page of documents (newest first) with their tasks' counts per category, the total and
    whether it is capped (at least `total` match: counting stopped at COUNT_CAP).

    A text search is answered by `source` (the documents' read model) when given and able to:
    it finds the page's keys and the count, and the documents are then read by key.

    The counts take the tasks assigned by D in `scope`, led by `lead_units` when given, and
    only the priority ones when `priority_only`; then only documents with at least one such
    task are listed and counted (a priority-only list of documents without priority tasks
    would be all zeros).
    """
    q = MetricsQuery(as_of=s.as_of, priority_only=priority_only, lead_units=lead_units, scope=scope)
    match = document_match(s)
    if priority_only:
        # No index on `priority` and no `document` in `task_facts`: one pass over the tasks.
        found = repo.aggregate_tasks(
            [{"$match": population_match(q)}, {"$group": {"_id": "$document"}}], scope
        )
        match = {"$and": [match, {"_id": {"$in": sorted(r["_id"] for r in found)}}]}
    skip = (s.page - 1) * s.page_size
    paged = (
        source.document_page(s, skip, s.page_size, COUNT_CAP + 1)
        if source is not None
        and s.text.strip()
        and not priority_only
        and repo.reader.units is None  # a restricted reader's documents follow his tasks
        else None
    )
    if paged is not None:  # the read model's page: its documents read by key
        docs, total = repo.documents_by_keys(paged[0]), paged[1]
    elif s.text.strip():  # every abstract is read: the page and the count in one pass
        docs, total = repo.documents_page_counted(
            match, skip=skip, limit=s.page_size, count_limit=COUNT_CAP + 1
        )
    else:  # in the order of an index, and counted on it up to the cap
        docs = repo.documents_page(match, skip=skip, limit=s.page_size)
        total = repo.count_documents(match, limit=COUNT_CAP + 1)
    capped = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    counts = {
        r["_id"]: r
        for r in repo.aggregate_tasks(progress_pipeline([d["_id"] for d in docs], q), scope)
    }
    rows = []
    for d in docs:
        c = counts.get(d["_id"], {})
        row: dict[str, Any] = {
            "id": d["_id"],
            "type": d.get("type"),
            "number": d.get("number"),
            "abstract": d.get("abstract"),
            "issue_date": from_bson_day(d["issue_date"]),
            "signer": d.get("signer"),
            "submitting_unit": d.get("submitting_unit"),
            **{name: int(c.get(name, 0)) for name in COUNT_FIELDS},
        }
        done = row["completed_on_time"] + row["completed_late"] + row["no_deadline_completed"]
        row["completed"] = done
        row["progress"] = done / row["assigned"] if row["assigned"] else None
        rows.append(row)
    return rows, total, capped


# --- organisation: portfolios, successors -------------------------------------------------------


def portfolio_units(
    units: Sequence[Mapping[str, Any]],
    leaders: Sequence[Mapping[str, Any]],
    delegations: Iterable[Mapping[str, Any]],
    leader_id: str,
    as_of: date,
) -> dict[str, Any]:
    """The units a leader follows on D: his own portfolio and what is delegated to him.

    Returns {"own": [codes], "delegated": [codes], "delegated_tasks": [task ids],
    "delegations": [the delegations in force received by him]}. `delegations` are the stored
    delegations in force on D (any receiver).
    """
    owners = portfolio_map(units, leaders, as_of)
    own = sorted(code for code, holder in owners.items() if holder == leader_id)
    received = [g for g in delegations if g.get("to_leader") == leader_id]
    delegated: set[str] = set()
    tasks: list[str] = []
    for g in received:
        scope = g.get("scope") or {}
        delegated.update(scope.get("units") or [])
        sectors = set(scope.get("sectors") or [])
        delegated.update(u["_id"] for u in units if u.get("sector") in sectors)
        tasks.extend(scope.get("tasks") or [])
    return {
        "own": own,
        "delegated": sorted(delegated - set(own)),
        "delegated_tasks": sorted(set(tasks)),
        "delegations": received,
    }


def predecessors(units: Sequence[Mapping[str, Any]], code: str, as_of: date) -> list[str]:
    """Units that had ended by D and whose tasks roll up to `code` (sáp nhập vào)."""
    return Accountability.of(units, as_of).formers_of(code)


def totals_of(rows: Sequence[Counts]) -> Figures:
    """Counts summed over rows of `status_metrics`, with the rates recomputed (same formulas)."""
    totals = empty_figures()
    for name in COUNT_FIELDS:
        totals[name] = sum(int(r.get(name, 0)) for r in rows)
    return with_rates(totals)


def with_units(q: MetricsQuery, units: Iterable[str] | None) -> MetricsQuery:
    """The query narrowed to some lead units (intersected with any it already has)."""
    if units is None:
        return q
    wanted = frozenset(units)
    if q.lead_units is not None:
        wanted = wanted & q.lead_units
    return replace(q, lead_units=wanted)
