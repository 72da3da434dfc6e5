"""The documents' read model (core/readmodel/documents.py) against MongoDB's own search of the
documents (core/explorer.py), on a real mongod: the same page, in the same order, the same
total and capped flag, for random documents (odd ones included: no text, no issue day, an
issue instant that is not midnight, white space of every kind) and random searches, after
inserts, changes and deletes that reach it through the change stream, and after the
collection is replaced; a restricted reader is never answered by it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import explorer
from core.access.roles import Actor
from core.dates import to_bson_day
from core.explorer import DocumentSearch, document_match
from core.readmodel.documents import DocumentModel, DocumentRows, search_pattern
from core.repository import Repository
from core.scope import Scope

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Phrases whose words are glued by any white space (MongoDB's `\s` and RE2's differ on one).
PHRASES = [["ke", "hoach"], ["so", "y", "te"], ["123/qd-ubnd"], ["ubnd", "tinh"], ["de", "dieu"]]
OTHERS = ["so", "y", "ke", "–", "a.b", "hoachx", "xke"]
SPACES = [" ", "  ", "\t", "\n", "\x0b", "\f", "\r"]
QUERIES = ["Kế hoạch", "kế   HOẠCH", "sở y tế", "123/QĐ", "qd-ubnd", "y", "đê điều", "–", "a.b"]
# Issue instants off midnight by as much as a hand-edited or migrated store may hold.
OFFSETS = [timedelta(0)] * 4 + [timedelta(hours=h) for h in (-17, -7, -1, 1, 6, 7, 23)]
DAY0 = date(2024, 1, 1)


@pytest.fixture()
def live(repo: Repository) -> Iterator[DocumentModel]:
    """A documents' model of the test's database tailing its change stream."""
    model = DocumentModel(repo).start(background=False)
    yield model
    model.stop()


@st.composite
def documents(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Random stored documents, as a legacy or hand-edited store may hold them."""
    out = []
    for i in range(draw(st.integers(0, 30))):
        doc: dict[str, Any] = {"_id": f"D{draw(st.integers(0, 40)):02d}-{i}"}
        if draw(st.integers(0, 9)):
            day = DAY0 + timedelta(days=draw(st.integers(0, 12)))
            doc["issue_date"] = to_bson_day(day) + draw(st.sampled_from(OFFSETS))
        if draw(st.integers(0, 5)):
            doc["type"] = draw(st.sampled_from(["KH", "QĐ", "TB"]))
        if draw(st.integers(0, 5)):
            doc["signer"] = draw(st.sampled_from(["CT", "PCT1"]))
        if draw(st.integers(0, 9)):
            parts = draw(st.lists(st.sampled_from(PHRASES + [[w] for w in OTHERS]), max_size=5))
            words = [w for part in parts for w in part]
            glue = [draw(st.sampled_from(SPACES)) for _ in words]
            doc["search_text"] = "".join(w + g for w, g in zip(words, glue, strict=True))
        out.append(doc)
    return out


@st.composite
def searches(draw: st.DrawFn) -> DocumentSearch:
    kw: dict[str, Any] = {
        "as_of": DAY0 + timedelta(days=draw(st.integers(-1, 13))),
        "text": draw(st.sampled_from(QUERIES)),
        "page": draw(st.integers(1, 4)),
        "page_size": draw(st.integers(1, 9)),
    }
    if draw(st.booleans()):
        kw["issued_from"] = DAY0 + timedelta(days=draw(st.integers(0, 12)))
    if draw(st.booleans()):
        kw["issued_to"] = DAY0 + timedelta(days=draw(st.integers(0, 12)))
    if draw(st.booleans()):
        kw["doc_type"] = draw(st.sampled_from(["KH", "QĐ", "XX"]))
    if draw(st.booleans()):
        kw["signer"] = draw(st.sampled_from(["CT", "PCT1"]))
    return DocumentSearch(**kw)


def store(repo: Repository, docs: list[dict[str, Any]]) -> None:
    """Replace every stored document by `docs` (as they are: the validator is bypassed)."""
    repo.db.documents.delete_many({})
    if docs:
        repo.db.documents.insert_many(docs, bypass_document_validation=True)


def both(repo: Repository, model: DocumentModel, s: DocumentSearch) -> tuple[Any, Any]:
    assert model.sync(10)
    mine = explorer.documents_with_progress(repo, s, Scope.everything(), source=model)
    return mine, explorer.documents_with_progress(repo, s, Scope.everything())


@SETTINGS
@given(docs=documents(), found=st.lists(searches(), min_size=1, max_size=4))
def test_pages_equal_mongodb_s_after_writes_through_the_stream(
    repo: Repository, live: DocumentModel, docs: list[dict[str, Any]], found: list[Any]
) -> None:
    store(repo, docs)
    for s in found:
        mine, theirs = both(repo, live, s)
        assert mine == theirs, s


@SETTINGS
@given(docs=documents(), s=searches(), count_limit=st.integers(0, 6))
def test_rows_read_at_once_equal_mongodb_s_page_and_capped_count(
    repo: Repository, docs: list[dict[str, Any]], s: DocumentSearch, count_limit: int
) -> None:
    store(repo, docs)
    rows = DocumentRows(repo.documents_arrow())
    skip = (s.page - 1) * s.page_size
    keys, total = rows.find(s, skip, s.page_size, count_limit)
    page, n = repo.documents_page_counted(
        document_match(s), skip=skip, limit=s.page_size, count_limit=count_limit
    )
    assert (keys, total) == ([d["_id"] for d in page], n)


def test_changes_deletes_and_a_replaced_collection_reach_it(
    repo: Repository, live: DocumentModel
) -> None:
    day = to_bson_day(date(2024, 3, 1))
    store(repo, [{"_id": f"K{i}", "issue_date": day, "search_text": "ke hoach"} for i in range(5)])
    s = DocumentSearch(as_of=date(2024, 3, 1), text="kế hoạch")
    mine, theirs = both(repo, live, s)
    assert mine == theirs and mine[1] == 5
    repo.db.documents.update_one(
        {"_id": "K1"}, {"$set": {"search_text": "bao cao"}}, bypass_document_validation=True
    )
    repo.db.documents.delete_one({"_id": "K2"})
    repo.db.documents.insert_one(
        {"_id": "K9", "issue_date": day, "search_text": "ke  hoach"},
        bypass_document_validation=True,
    )
    mine, theirs = both(repo, live, s)
    assert mine == theirs and [r["id"] for r in mine[0]] == ["K0", "K3", "K4", "K9"]
    # A staged import renames its stage over `documents`: the model reads it again.
    generation = live.generation
    repo.db.next_documents.insert_one({"_id": "N1", "issue_date": day, "search_text": "ke hoach"})
    repo.db.next_documents.rename("documents", dropTarget=True)
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    while live.generation == generation and datetime.now(UTC) < deadline:
        live.sync(1)
    mine, theirs = both(repo, live, s)
    assert mine == theirs and [r["id"] for r in mine[0]] == ["N1"]


def test_a_restricted_reader_is_answered_by_mongodb(repo: Repository) -> None:
    class Wrong:
        def document_page(self, *_args: Any) -> tuple[list[str], int]:
            return ["NOT-SEEN"], 99

    store(repo, [{"_id": "K1", "issue_date": to_bson_day(DAY0), "search_text": "ke hoach"}])
    officer = repo.acting_as(
        Actor(username="u", role="unit_officer", unit="SYT"),
        Scope(units=frozenset({"SYT"})),
    )
    s = DocumentSearch(as_of=DAY0, text="ke hoach")
    got = explorer.documents_with_progress(officer, s, Scope.everything(), source=Wrong())
    assert got == explorer.documents_with_progress(officer, s, Scope.everything())
    assert got[1] == 0  # no task of his unit: the document is not his to see


def test_the_pattern_is_mongodb_s_with_white_space_spelled_out() -> None:
    assert search_pattern("Kế  hoạch") == r"ke[\t\n\x0b\f\r ]+hoach"
    assert search_pattern("123/QĐ") == explorer.folded_regex("123/QĐ")
