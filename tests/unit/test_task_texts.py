"""The read model's search texts (core/readmodel/texts.py): RE2 over the Arrow array, in one
part or two, and Python's `re` over the texts written since give the same rows as Python's
`re` over every text; the array written to a snapshot holds every row's latest text."""

from __future__ import annotations

import itertools
import re

import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.explorer import text_search
from core.readmodel import texts as texts_module
from core.readmodel.texts import TaskTexts
from core.text import fold

WORDS = ["so", "y", "te", "so y", "thu", "thuc", "x_y", "2025", "bao cao", "中文", "ß", "đt-741"]
text_of = st.lists(st.sampled_from([*WORDS, " ", ", ", ".", "-"]), max_size=8).map(
    lambda parts: fold(" ".join(parts))
)
query_of = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


def expected(values: list[str], pattern: str) -> list[bool]:
    rx = re.compile(pattern, re.ASCII)
    return [rx.search(v) is not None for v in values]


@settings(max_examples=150, deadline=None)
@given(
    base=st.lists(text_of, max_size=30),
    written=st.lists(st.tuples(st.integers(0, 40), text_of), max_size=8),
    query=query_of,
    split=st.booleans(),
    cuts=st.lists(st.integers(0, 30), max_size=3),
)
def test_matches_equal_pythons_re_over_every_text(
    base: list[str], written: list[tuple[int, str]], query: str, split: bool, cuts: list[int]
) -> None:
    pattern = text_search(query)
    assume(pattern)  # a search of no letter or digit is no search (explorer.text_search)
    # the stored texts in chunks, as a snapshot's record batches give them
    bounds = sorted({0, len(base), *(c for c in cuts if c < len(base))})
    chunks = [pa.array(base[a:b], pa.string()) for a, b in itertools.pairwise(bounds)]
    texts = TaskTexts(pa.chunked_array(chunks, pa.string()))
    latest = list(base)
    for row, text in written:
        texts.set(row, text)
        latest += [""] * (row + 1 - len(latest))
        latest[row] = text
    n = len(latest)
    with pytest.MonkeyPatch.context() as mp:
        if split:  # the two-part search, on arrays of any size
            mp.setattr(texts_module, "_SPLIT_FROM", 1)
        got = texts.matches(pattern, n).tolist()
    assert got == expected(latest, pattern), (query, latest)
    assert texts.array(n).to_pylist() == latest
    texts.compact(n, force=True)
    assert texts.matches(pattern, n).tolist() == expected(latest, pattern)


def test_whole_words_and_one_phrase() -> None:
    """A phrase of whole words: "so y te" is found in "sở y tế", not in "số y tếp" nor in
    "so, y te"; an underscore joins words as the regex's `\\w` does; a first find inside a
    word does not hide a whole one further on; a character of several bytes before the
    phrase is no word character."""
    values = [
        fold(v)
        for v in [
            "Sở Y tế tỉnh",
            "số y tếp",
            "so, y te",
            "x_so y te",
            "(so y te)",
            "x_so y te và Sở Y tế",
            "中文so y te",
            "ß_so y te",
        ]
    ]
    texts = TaskTexts(pa.array(values, pa.string()))
    expect = [True, False, False, False, True, True, True, False]
    assert expected(values, text_search("Sở Y tế")) == expect
    assert texts.matches(text_search("Sở Y tế"), len(values)).tolist() == expect
