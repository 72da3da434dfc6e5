"""The read model's update instants (core/readmodel/updates.py): the lists read at load time
and those written since give every row's instants back, gathered for any rows and saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from core.readmodel.updates import TaskUpdates

T0 = datetime(2025, 1, 1, tzinfo=UTC)
instants = st.lists(st.integers(0, 10**6).map(lambda m: T0 + timedelta(minutes=m)), max_size=4)


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


@given(
    base=st.lists(instants, max_size=12),
    written=st.dictionaries(st.integers(0, 15), instants, max_size=5),
    extra=st.integers(0, 3),
    picks=st.lists(st.integers(0, 100), max_size=20),
)
def test_gather_and_save_give_each_rows_instants(
    base: list[list[datetime]], written: dict[int, list[datetime]], extra: int, picks: list[int]
) -> None:
    n = max([1, len(base) + extra, *(r + 1 for r in written)])
    updates = TaskUpdates(pa.array(base, pa.list_(pa.timestamp("ms", tz="UTC"))))
    expected = [[_ms(a) for a in lists] for lists in base] + [[] for _ in range(n - len(base))]
    for row, lists in written.items():
        updates.set(row, [*lists, None])  # an update without its day is left out
        expected[row] = [_ms(a) for a in lists]
    rows = np.array([p % n for p in picks], np.int64)
    owner, stamps = updates.gather(rows)
    got: list[list[int]] = [[] for _ in rows]
    for position, stamp in zip(owner.tolist(), stamps.tolist(), strict=True):
        got[position].append(stamp)
    assert [sorted(g) for g in got] == [sorted(expected[r]) for r in rows.tolist()]
    saved = updates.array(n).cast(pa.list_(pa.int64())).to_pylist()
    assert saved == expected
    again = TaskUpdates(updates.array(n))
    owner2, stamps2 = again.gather(np.arange(n, dtype=np.int64))
    assert sorted(zip(owner2.tolist(), stamps2.tolist(), strict=True)) == sorted(
        (r, s) for r, lists in enumerate(expected) for s in lists
    )
