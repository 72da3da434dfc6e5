"""The read model's sets of row numbers (core/readmodel/queries.py): a period's or a unit's
candidate rows, sorted and each once, equal numpy's own `np.unique`."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from core.readmodel.queries import _sorted_unique


@given(st.lists(st.integers(0, 2_000_000), max_size=300))
def test_sorted_unique_equals_numpy(rows: list[int]) -> None:
    got = _sorted_unique(np.array(rows, np.int64))
    assert got.dtype == np.int64
    assert got.tolist() == np.unique(np.array(rows, np.int64)).tolist()
