"""Pages of the task list (core/explorer.py) answered from the read model's columns: the lists
filtered by status or by deadline in force as of D, or sorted on the deadline in force.

The pipelines scan `task_facts` for these (`explorer.uses_facts`); here the population and the
classification are the figures' (`queries.classify`), the list's filters that have a column are
applied with numpy, the page is chosen in the pipelines' order, and only its rows are read from
MongoDB by key (the same projection and joins as the pipeline's, so the rows are identical).
A text search is answered too, from the folded texts held beside the columns
(core/readmodel/texts.py), whatever its sort and filters: the pipelines must read every task's
text for it. A search the columns cannot answer (a document; text when the model holds no
texts; a sort on the assigned day without any status, deadline or text filter, which an index
answers) gets None: the caller asks the pipelines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from core import explorer
from core.dates import to_bson_day
from core.explorer import TASK_SORTS, TaskPage, TaskSearch, task_row, uses_facts
from core.metrics import CATEGORIES, join_task_text
from core.readmodel.columns import NEVER, FactColumns, day_of
from core.readmodel.model import ReadModel
from core.readmodel.queries import classify
from core.repository import Repository

I32 = npt.NDArray[np.int32]
_NULL_KEY = -(2**30)  # a missing deadline in force sorts before every day (BSON: null first)


@dataclass(frozen=True)
class Chosen:
    """A page chosen on the columns: its tasks' keys, deadlines in force (day numbers, NEVER:
    none) and categories in the page's order, and the capped count of all that match."""

    ids: list[str]
    effs: list[int]
    cats: list[str]
    total: int
    capped: bool


def answerable(s: TaskSearch, texts: bool = True) -> bool:
    """Whether the columns answer this search: a status, deadline range or deadline-in-force
    sort without text or document (the cases that scan `task_facts` in the pipelines), or a
    phrase search without document when the model holds the texts (`texts`)."""
    if s.document is not None:
        return False
    if explorer.text_search(s.text):
        return texts
    return uses_facts(s) and not s.text.strip()


def _coordinating(cols: FactColumns, code: int | None) -> npt.NDArray[np.bool_]:
    """Which rows name the unit `code` among their coordinating units (one pass over each
    position of the padded matrix: cheaper than gathering the matrix's columns first)."""
    hit = np.zeros(cols.n, np.bool_)
    if code is not None:
        for position in cols.coord[:, : cols.n]:
            hit |= position == code
    return hit


def _code_mask(column: npt.NDArray[np.int32], code: int | None) -> npt.NDArray[np.bool_]:
    if code is None:  # a value no task has
        return np.zeros(len(column), np.bool_)
    return np.asarray(column == code, np.bool_)


Matching = tuple[npt.NDArray[np.int64], I32, npt.NDArray[np.int8]]


def matching(cols: FactColumns, s: TaskSearch) -> Matching:
    """The rows that match `s` (the population and categories of the figures, and the list's
    filters, `explorer.task_match`), with their deadlines in force and categories. A unit's
    coordinated tasks are gathered first and only they are classified (a few thousand rows,
    where the whole province's classification of a new day costs ~20 ms at 1M)."""
    code = cols.units.index.get(s.unit) if s.unit is not None else None
    coordinated = s.unit is not None and s.coordinating
    within = np.flatnonzero(_coordinating(cols, code)) if coordinated else None
    got = classify(cols, s.metrics_query(), within)
    rows, eff, cat = got.rows, got.eff, got.cat
    keep = np.ones(len(rows), np.bool_)
    pattern = explorer.text_search(s.text)
    if pattern:
        if cols.texts is None:
            raise ValueError("read model: no texts to search")
        keep &= cols.texts.matches(pattern, cols.n)[rows]
    if s.categories:
        keep &= np.isin(cat, np.array([CATEGORIES.index(c) for c in s.categories], np.int8))
    if s.unit is not None and not s.coordinating:
        keep &= _code_mask(cols.lead[rows], code)
    if s.signer is not None:
        keep &= _code_mask(cols.signer[rows], cols.signers.index.get(s.signer))
    if s.doc_type is not None:
        keep &= _code_mask(cols.doc_type[rows], cols.doc_types.index.get(s.doc_type))
    if s.sort in ("deadline_asc", "overdue_desc"):
        keep &= cols.deadline[rows] != NEVER  # `deadline: {$ne: null}` in `task_match`
    return rows[keep], eff[keep], cat[keep]


def count(cols: FactColumns, s: TaskSearch) -> tuple[int, bool]:
    """How many tasks match `s`, capped as the pipelines cap it (`explorer.COUNT_CAP`), and
    whether the cap was reached."""
    n = len(matching(cols, s)[0])
    return min(n, explorer.COUNT_CAP), n > explorer.COUNT_CAP


def choose(cols: FactColumns, s: TaskSearch) -> Chosen:
    """The page of `s` on the columns: the rows that match (`matching`), in the list's order
    (`TASK_SORTS`, ties by `_id`), and their count capped as the pipelines cap it."""
    rows, eff, cat = matching(cols, s)
    count = len(rows)
    cap = explorer.COUNT_CAP
    take = s.page * s.page_size
    skip = take - s.page_size
    if skip >= count:
        return Chosen([], [], [], min(count, cap), count > cap)
    (field, direction), *_ = TASK_SORTS[s.sort][1]
    key: I32
    if field == "eff":
        key = np.where(eff == NEVER, _NULL_KEY, eff).astype(np.int32)
    else:
        key = cols.assigned[rows]
    if direction < 0:
        key = np.negative(key)
    if take < count:  # only the tasks up to the page's last key can be on it
        edge = np.partition(key, take - 1)[take - 1]
        near = np.flatnonzero(key <= edge)
        rows, key, eff, cat = rows[near], key[near], eff[near], cat[near]
    ids = cols.ids_of(rows)
    order = pc.sort_indices(
        pa.table({"k": key, "id": ids}), sort_keys=[("k", "ascending"), ("id", "ascending")]
    )
    page = np.asarray(order.to_numpy(), np.int64)[skip:take]
    return Chosen(
        ids=[str(i) for i in ids.take(pa.array(page)).to_pylist()],
        effs=eff[page].tolist(),
        cats=[CATEGORIES[int(c)] for c in cat[page]],
        total=min(count, cap),
        capped=count > cap,
    )


def page_rows(repo: Repository, s: TaskSearch, chosen: Chosen) -> TaskPage:
    """The chosen tasks' rows, read from MongoDB by key in one query (through the reader's
    repository and scope, with the pipeline's projection and joins), in the page's order."""
    found: dict[str, dict[str, Any]] = {}
    if chosen.ids:
        stages: list[dict[str, Any]] = [
            {"$match": {"_id": {"$in": chosen.ids}}},
            {"$project": {name: 1 for name in explorer._FACT_ROW_FIELDS}},
            *join_task_text(),
            explorer._document_lookup(),
        ]
        found = {t["_id"]: t for t in repo.aggregate_tasks(stages, s.scope, source="facts")}
    rows = []
    for key, eff, cat in zip(chosen.ids, chosen.effs, chosen.cats, strict=True):
        t = found.get(key)
        if t is None:  # gone since the columns were read: left out rather than guessed
            continue
        t["eff"] = None if eff == NEVER else to_bson_day(day_of(eff))
        t["cat"] = cat
        rows.append(task_row(t))
    return TaskPage(rows, chosen.total, s.page, s.page_size, chosen.capped)


def countable(s: TaskSearch, texts: bool = True) -> bool:
    """Whether the columns count the tasks of this search (every search but one on a
    document, or a text search when the model holds no texts)."""
    return s.document is None and (texts or not explorer.text_search(s.text))


def task_count(model: ReadModel, repo: Repository, s: TaskSearch) -> tuple[int, bool] | None:
    """The capped count of a list whose page the pipelines choose (a list in the order of
    the assigned day, without status or text, which an index pages but whose count would
    read up to `COUNT_CAP` tasks); None when the columns cannot count it."""
    if not countable(s, texts=model.has_texts):
        return None
    if not repo.reader.content:
        repo._require_content()
    counted: tuple[int, bool] = model.run(lambda cols: count(cols, s))
    return counted


def task_page(model: ReadModel, repo: Repository, s: TaskSearch) -> TaskPage | None:
    """One page of the task list from the read model (None: not a search it answers).

    The page is chosen under the model's lock; its rows are read from MongoDB after it (a
    task written in between keeps the facts of the moment the page was chosen)."""
    if not answerable(s, texts=model.has_texts):
        return None
    if not repo.reader.content:
        repo._require_content()  # a figures-only reader never gets a list
    chosen: Chosen = model.run(lambda cols: choose(cols, s))
    return page_rows(repo, s, chosen)
