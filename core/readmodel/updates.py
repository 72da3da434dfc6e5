"""Each task's update instants (its progress reports, then its completion reports), kept beside
the read model's columns for update discipline (core/readmodel/discipline.py).

A task has any number of them, so they are not a padded matrix like the extensions: the lists
read at load time stay one Arrow list array (milliseconds since the epoch, UTC), and the lists
of tasks written since are held in a dict by row, which wins over the array.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

I64 = npt.NDArray[np.int64]
_TS = pa.timestamp("ms", tz="UTC")


def _ms(at: datetime) -> int:
    """Milliseconds since the epoch of a stored instant (naive values are UTC, as pymongo
    returns them)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return int(at.timestamp() * 1000)


class TaskUpdates:
    """The update instants of every row (ms, UTC)."""

    def __init__(self, base: pa.Array | pa.ChunkedArray | None = None) -> None:
        array = base.combine_chunks() if isinstance(base, pa.ChunkedArray) else base
        if array is None:
            array = pa.array([], pa.list_(_TS))
        # int64 values: the instants as the pipelines' `$toLong` gives them
        self._base: pa.ListArray = pc.cast(array, pa.list_(pa.int64()))
        self._written: dict[int, I64] = {}

    def set(self, row: int, instants: Iterable[datetime | None]) -> None:
        """The instants of a row written since the load."""
        self._written[row] = np.array([_ms(at) for at in instants if at is not None], np.int64)

    def gather(self, rows: I64) -> tuple[I64, I64]:
        """(position in `rows`, instant) of every update of the given rows."""
        rows = np.asarray(rows, np.int64)
        base = len(self._base)
        from_base = rows < base
        if self._written:
            written = np.isin(rows, np.fromiter(self._written, np.int64, len(self._written)))
            from_base &= ~written
        else:
            written = np.zeros(len(rows), np.bool_)
        owners: list[I64] = []
        stamps: list[I64] = []
        picked = np.flatnonzero(from_base)
        if len(picked):
            lists = self._base.take(pa.array(rows[picked], pa.int64()))
            values = pc.list_flatten(lists)
            if len(values):
                parents = np.asarray(pc.list_parent_indices(lists).to_numpy(), np.int64)
                owners.append(picked[parents])
                stamps.append(np.asarray(values.to_numpy(zero_copy_only=False), np.int64))
        for position in np.flatnonzero(written):
            found = self._written[int(rows[position])]
            if len(found):
                owners.append(np.full(len(found), position, np.int64))
                stamps.append(found)
        if not owners:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(owners), np.concatenate(stamps)

    def array(self, n: int) -> pa.Array:
        """The lists of rows 0..n-1 as one Arrow list array of instants (for the snapshot)."""
        base = self._base.slice(0, min(n, len(self._base)))
        nb = len(base)
        base_len = np.asarray(
            pc.list_value_length(base).fill_null(0).to_numpy(zero_copy_only=False), np.int64
        )
        flat = np.asarray(pc.list_flatten(base).to_numpy(zero_copy_only=False), np.int64)
        starts = np.concatenate([[0], np.cumsum(base_len)])
        lengths = np.zeros(n, np.int64)
        lengths[:nb] = base_len
        pieces: list[I64] = []
        after = 0  # the first row not yet copied
        for row in sorted(r for r in self._written if r < n):
            if after < min(row, nb):
                pieces.append(flat[starts[after] : starts[min(row, nb)]])
            pieces.append(self._written[row])
            lengths[row] = len(self._written[row])
            after = row + 1
        if after < nb:
            pieces.append(flat[starts[after] : starts[nb]])
        values = np.concatenate(pieces) if pieces else np.zeros(0, np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
        lists = pa.ListArray.from_arrays(
            pa.array(offsets, pa.int32()), pa.array(values, pa.int64())
        )
        return pc.cast(lists, pa.list_(_TS))

    def nbytes(self) -> int:
        """Memory held (bytes)."""
        return int(self._base.nbytes) + sum(int(v.nbytes) for v in self._written.values())
