"""The status facts of every task as columns (numpy), built from Arrow and kept in step by
changes; saved to and loaded from a snapshot file (Arrow IPC).

Days are int32 day numbers (days since 01/01/1970 of the local calendar day, core/dates.py);
a missing day is `NEVER` (after every real day, so "completed by D" is simply `completed <= D`).
Strings (units, signers, document types, rooms) are int32 codes into a `Vocab` (-1: none).
Extensions and coordinating units are padded matrices, one row per position: `ext_appr[k]`,
`ext_new[k]` (the k-th extension of each task, `NEVER` when it has fewer), `coord[k]`.
A deleted task keeps its row with `assigned = NEVER`: it is in no population.
Beside the columns, `texts` holds each task's folded search text (core/readmodel/texts.py) and
`updates` the instants of its progress and completion reports (core/readmodel/updates.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from core.dates import from_bson_day
from core.readmodel.texts import TaskTexts
from core.readmodel.updates import TaskUpdates

NEVER = np.int32(2**31 - 1)
NONE_CODE = -1
_EPOCH_ORD = date(1970, 1, 1).toordinal()
_DAY_MS = 86_400_000
_LOCAL_OFFSET_MS = 7 * 3_600_000  # Asia/Ho_Chi_Minh, UTC+7 without daylight saving
SNAPSHOT_FORMAT = 3  # 2: with the tasks' folded search text; 3: and update discipline's inputs
_SNAPSHOT_BATCH = 1 << 22  # rows a record batch of the snapshot holds

I32 = npt.NDArray[np.int32]
# The day a task was entered and its document's issue day are update discipline's (local
# days of the stored instants, as the pipelines take them).
DAY_COLUMNS = ("assigned", "deadline", "completed", "cancelled", "entered", "issued")
CODE_COLUMNS = ("lead", "signer", "doc_type", "room")
_SOURCE = {
    "assigned": "assigned_date",
    "deadline": "deadline",
    "completed": "completed_date",
    "cancelled": "cancelled_date",
    "entered": "entered_at",
    "issued": "doc_issue_date",
    "lead": "lead_unit",
    "signer": "signer",
    "doc_type": "doc_type",
    "room": "tracking_room",
}
_VOCAB_OF = {"lead": "units", "signer": "signers", "doc_type": "doc_types", "room": "rooms"}


def day_number(d: date) -> int:
    """The day number of a calendar day."""
    return d.toordinal() - _EPOCH_ORD


def day_of(n: int) -> date:
    """The calendar day of a day number."""
    return date.fromordinal(int(n) + _EPOCH_ORD)


def _stored_day(value: Any) -> int:
    if value is None:
        return int(NEVER)
    if isinstance(value, datetime):
        return day_number(from_bson_day(value))
    if isinstance(value, date):
        return day_number(value)
    raise TypeError(f"not a day: {value!r}")


class Vocab:
    """Strings ↔ int32 codes (append only)."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.values: list[str] = []
        self.index: dict[str, int] = {}
        for v in values:
            self.code(v)

    def code(self, value: str | None) -> int:
        """The code of a value (added when new); -1 for None."""
        if value is None:
            return NONE_CODE
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def codes_of(self, values: Iterable[str]) -> npt.NDArray[np.int32]:
        """Codes of known values (unknown ones are left out)."""
        return np.array([self.index[v] for v in values if v in self.index], dtype=np.int32)

    def encode(self, arr: pa.Array | pa.ChunkedArray) -> I32:
        """Codes of an Arrow string column (new values added)."""
        for v in pc.unique(arr).drop_null().to_pylist():
            self.code(v)
        if not self.values:
            return np.full(len(arr), NONE_CODE, dtype=np.int32)
        codes = pc.index_in(arr, value_set=pa.array(self.values, pa.string()))
        return np.asarray(codes.fill_null(NONE_CODE).to_numpy(zero_copy_only=False), np.int32)

    def decode(self, code: int) -> str | None:
        """The value of a code (None for -1)."""
        return None if code < 0 else self.values[code]


def _days(arr: pa.Array | pa.ChunkedArray) -> I32:
    ms = pc.cast(arr, pa.int64())
    missing = np.asarray(pc.is_null(ms).to_numpy(zero_copy_only=False), np.bool_)
    vals = np.asarray(ms.fill_null(0).to_numpy(zero_copy_only=False), np.int64)
    out = ((vals + _LOCAL_OFFSET_MS) // _DAY_MS).astype(np.int32)
    out[missing] = NEVER
    return out


def _view(table: pa.Table, name: str) -> npt.NDArray[Any]:
    """A column of a snapshot as a numpy array, without a copy when it is one chunk."""
    column = table.column(name)
    if column.num_chunks == 1:
        return np.asarray(column.chunk(0).to_numpy(zero_copy_only=False))
    return np.asarray(column.to_numpy())


def _padded(
    lst: pa.ListArray,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """(row of each list element, its position in the list, the longest list)."""
    counts = np.asarray(pc.list_value_length(lst).fill_null(0).to_numpy(zero_copy_only=False))
    counts = counts.astype(np.int64)
    rows = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)
    return rows, pos, int(counts.max()) if len(counts) else 0


class FactColumns:
    """The columns of every task's facts, with room to grow; `n` rows are in use."""

    def __init__(self, capacity: int = 1024, k_ext: int = 1, k_coord: int = 1) -> None:
        self.n = 0
        cap = max(capacity, 16)
        self.assigned: I32 = np.full(cap, NEVER, np.int32)
        self.deadline: I32 = np.full(cap, NEVER, np.int32)
        self.completed: I32 = np.full(cap, NEVER, np.int32)
        self.cancelled: I32 = np.full(cap, NEVER, np.int32)
        self.entered: I32 = np.full(cap, NEVER, np.int32)
        self.issued: I32 = np.full(cap, NEVER, np.int32)
        self.lead: I32 = np.full(cap, NONE_CODE, np.int32)
        self.signer: I32 = np.full(cap, NONE_CODE, np.int32)
        self.doc_type: I32 = np.full(cap, NONE_CODE, np.int32)
        self.room: I32 = np.full(cap, NONE_CODE, np.int32)
        self.priority: npt.NDArray[np.bool_] = np.zeros(cap, bool)
        self.ext_appr: I32 = np.full((max(k_ext, 1), cap), NEVER, np.int32)
        self.ext_new: I32 = np.full((max(k_ext, 1), cap), NEVER, np.int32)
        self.ext_count: npt.NDArray[np.int8] = np.zeros(cap, np.int8)
        self.coord: I32 = np.full((max(k_coord, 1), cap), NONE_CODE, np.int32)
        self.units = Vocab()
        self.signers = Vocab()
        self.doc_types = Vocab()
        self.rooms = Vocab()
        # Task keys: those read at load time in one Arrow array (found with a hash lookup),
        # those added since in a dict.
        self._base_ids: pa.Array = pa.array([], pa.string())
        self._added: dict[str, int] = {}
        self._added_ids: list[str] = []
        self.changes = 0  # changes applied since the columns were built
        self._frozen = False  # columns are read-only views of a snapshot until the first change
        self.dirty: list[int] = []  # rows changed since the columns were built, in order
        # The tasks' folded search texts (None: read without them; text searches then go to
        # the pipelines).
        self.texts: TaskTexts | None = None
        # Each task's update instants (None: read without them; discipline then reads MongoDB).
        self.updates: TaskUpdates | None = None

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def from_arrow(cls, table: pa.Table) -> FactColumns:
        """The columns of a `task_facts` table (see core/repository/facts_feed.py)."""
        n = table.num_rows
        ext = table.column("extensions").combine_chunks()
        coord = table.column("coord_units").combine_chunks()
        e_rows, e_pos, k_ext = _padded(ext)
        c_rows, c_pos, k_coord = _padded(coord)
        cols = cls(capacity=n + n // 8 + 16, k_ext=k_ext, k_coord=k_coord)
        cols.n = n
        for name in DAY_COLUMNS:
            if _SOURCE[name] in table.column_names:
                getattr(cols, name)[:n] = _days(table.column(_SOURCE[name]))
        for name in CODE_COLUMNS:
            vocab: Vocab = getattr(cols, _VOCAB_OF[name])
            getattr(cols, name)[:n] = vocab.encode(table.column(_SOURCE[name]))
        cols.priority[:n] = np.asarray(
            table.column("priority").fill_null(False).to_numpy(zero_copy_only=False), bool
        )
        if len(e_rows):
            flat = ext.flatten()
            cols.ext_appr[e_pos, e_rows] = _days(flat.field("approved_date"))
            cols.ext_new[e_pos, e_rows] = _days(flat.field("new_deadline"))
        counts = np.asarray(pc.list_value_length(ext).fill_null(0).to_numpy(zero_copy_only=False))
        cols.ext_count[:n] = counts.astype(np.int8)
        if len(c_rows):
            cols.coord[c_pos, c_rows] = cols.units.encode(coord.flatten())
        ids = table.column("_id").combine_chunks()
        cols._base_ids = ids
        if "search_text" in table.column_names:
            cols.texts = TaskTexts(table.column("search_text").fill_null(""))
        if "updates" in table.column_names:
            cols.updates = TaskUpdates(table.column("updates"))
        return cols

    # -- keys ----------------------------------------------------------------------------------

    def rows_of(self, ids: Sequence[str]) -> list[int | None]:
        """The row of each task key (None: not there)."""
        out: list[int | None] = [self._added.get(i) for i in ids]
        missing = [k for k, row in enumerate(out) if row is None]
        if missing and len(self._base_ids):
            found = pc.index_in(
                pa.array([ids[k] for k in missing], pa.string()), value_set=self._base_ids
            ).to_pylist()
            for k, row in zip(missing, found, strict=True):
                out[k] = row
        return out

    def id_of(self, row: int) -> str:
        """The task key of a row."""
        base = len(self._base_ids)
        if row < base:
            return str(self._base_ids[row].as_py())
        return self._added_ids[row - base]

    def ids_of(self, rows: npt.NDArray[np.int64]) -> pa.Array:
        """The task keys of rows, as one Arrow string array in the rows' order."""
        base = len(self._base_ids)
        rows = np.asarray(rows, np.int64)
        if not len(rows) or int(rows.max()) < base:
            return self._base_ids.take(pa.array(rows, pa.int64()))
        keys = np.empty(len(rows), object)
        old = rows < base
        keys[old] = self._base_ids.take(pa.array(rows[old], pa.int64())).to_numpy(
            zero_copy_only=False
        )
        keys[~old] = [self._added_ids[int(r) - base] for r in rows[~old]]
        return pa.array(keys, pa.string())

    def id_list(self, rows: npt.NDArray[np.int64]) -> list[str]:
        """The task keys of rows as Python strings (`id_of` for many rows at once)."""
        return [str(k) for k in self.ids_of(rows).to_pylist()]

    # -- changes -------------------------------------------------------------------------------

    def _grow(self, rows: int, k_ext: int, k_coord: int) -> None:
        cap = len(self.assigned)
        if rows > cap:
            new = max(rows, cap + cap // 2)
            for name in DAY_COLUMNS:
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.full(new - cap, NEVER, np.int32)]))
            for name in CODE_COLUMNS:
                arr = getattr(self, name)
                grown = np.concatenate([arr, np.full(new - cap, NONE_CODE, np.int32)])
                setattr(self, name, grown)
            self.priority = np.concatenate([self.priority, np.zeros(new - cap, bool)])
            self.ext_count = np.concatenate([self.ext_count, np.zeros(new - cap, np.int8)])
            for name, fill in (("ext_appr", NEVER), ("ext_new", NEVER), ("coord", NONE_CODE)):
                arr = getattr(self, name)
                pad = np.full((arr.shape[0], new - cap), fill, np.int32)
                setattr(self, name, np.concatenate([arr, pad], axis=1))
            cap = new
        for name, k, fill in (
            ("ext_appr", k_ext, NEVER),
            ("ext_new", k_ext, NEVER),
            ("coord", k_coord, NONE_CODE),
        ):
            arr = getattr(self, name)
            if k > arr.shape[0]:
                pad = np.full((k - arr.shape[0], cap), fill, np.int32)
                setattr(self, name, np.concatenate([arr, pad], axis=0))

    def upsert(self, doc: Mapping[str, Any], row: int | None = None) -> int:
        """Write one facts document (a change stream's full document) into its row."""
        key = str(doc["_id"])
        self._thaw()
        if row is None:
            row = self.rows_of([key])[0]
        exts = list(doc.get("extensions") or [])
        coords = list(doc.get("coord_units") or [])
        if row is None:
            row = self.n
            self._grow(row + 1, len(exts), len(coords))
            self.n += 1
            self._added[key] = row
            self._added_ids.append(key)
        else:
            self._grow(self.n, len(exts), len(coords))
        self.assigned[row] = _stored_day(doc.get("assigned_date"))
        self.deadline[row] = _stored_day(doc.get("deadline"))
        self.completed[row] = _stored_day(doc.get("completed_date"))
        self.cancelled[row] = _stored_day(doc.get("cancelled_date"))
        self.entered[row] = _stored_day(doc.get("entered_at"))
        self.issued[row] = _stored_day(doc.get("doc_issue_date"))
        self.lead[row] = self.units.code(doc.get("lead_unit"))
        self.signer[row] = self.signers.code(doc.get("signer"))
        self.doc_type[row] = self.doc_types.code(doc.get("doc_type"))
        self.room[row] = self.rooms.code(doc.get("tracking_room"))
        self.priority[row] = bool(doc.get("priority"))
        self.ext_appr[:, row] = NEVER
        self.ext_new[:, row] = NEVER
        for k, e in enumerate(exts):
            self.ext_appr[k, row] = _stored_day(e.get("approved_date"))
            self.ext_new[k, row] = _stored_day(e.get("new_deadline"))
        self.ext_count[row] = len(exts)
        self.coord[:, row] = NONE_CODE
        for k, u in enumerate(coords):
            self.coord[k, row] = self.units.code(u)
        if self.texts is not None:
            self.texts.set(row, doc.get("search_text"))
        if self.updates is not None:
            self.updates.set(row, doc.get("updates") or [])
        self.changes += 1
        self.dirty.append(row)
        return row

    def delete(self, key: str) -> None:
        """Forget a task (its row stays, in no population)."""
        row = self.rows_of([key])[0]
        if row is not None:
            self._thaw()
            self.assigned[row] = NEVER
            self.changes += 1
            self.dirty.append(row)

    # -- snapshot ------------------------------------------------------------------------------

    def save(self, path: Path, position: Mapping[str, Any] | None, meta: Mapping[str, Any]) -> None:
        """Write the columns, vocabularies and the change stream position to `path` (atomic:
        written beside it, then renamed)."""
        n = self.n
        ids = pa.concat_arrays([self._base_ids, pa.array(self._added_ids, pa.string())])
        arrays: dict[str, Any] = {"_id": ids}
        for name in (*DAY_COLUMNS, *CODE_COLUMNS):
            arrays[name] = pa.array(getattr(self, name)[:n])
        arrays["priority"] = pa.array(self.priority[:n])
        arrays["ext_count"] = pa.array(self.ext_count[:n])
        for k in range(self.ext_appr.shape[0]):
            arrays[f"ext_appr_{k}"] = pa.array(self.ext_appr[k, :n])
            arrays[f"ext_new_{k}"] = pa.array(self.ext_new[k, :n])
        for k in range(self.coord.shape[0]):
            arrays[f"coord_{k}"] = pa.array(self.coord[k, :n])
        if self.texts is not None:
            arrays["search_text"] = self.texts.array(n)
        if self.updates is not None:
            arrays["updates"] = self.updates.array(n)
        info = {
            "format": SNAPSHOT_FORMAT,
            "position": dict(position) if position else None,
            "vocabs": {v: getattr(self, v).values for v in _VOCAB_OF.values()},
            "k_ext": int(self.ext_appr.shape[0]),
            "k_coord": int(self.coord.shape[0]),
            **meta,
        }
        table = pa.table(arrays).replace_schema_metadata({"cddh": json.dumps(info)})
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        # Few, large record batches: a restart maps them and uses each column as it is
        # (several batches would be concatenated, i.e. copied). A text column of one batch
        # stays well under Arrow's 2 GiB a string array (4M tasks at ~230 bytes).
        feather.write_feather(table, tmp, compression="uncompressed", chunksize=_SNAPSHOT_BATCH)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> tuple[FactColumns, dict[str, Any]]:
        """Columns and their metadata (position, …) from a snapshot written by `save`."""
        # The file is mapped, not read: the columns are views of its pages (read-only until
        # the first change, `_thaw`), which the OS brings in as the first answers touch them —
        # a restart costs milliseconds, not a read of every column. (A snapshot written over
        # it later is a new file renamed into place: the mapping keeps the old one.)
        table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
        info = json.loads((table.schema.metadata or {})[b"cddh"])
        if info.get("format") != SNAPSHOT_FORMAT:
            raise ValueError("snapshot format")
        n = table.num_rows
        cols = cls(capacity=16, k_ext=info["k_ext"], k_coord=info["k_coord"])
        cols.n = n
        # Read-only views of the file's buffers (no copy): the first change copies them into
        # writable arrays with room to grow (`_thaw`), off the path of a restart's first answer.
        for name in (*DAY_COLUMNS, *CODE_COLUMNS, "ext_count"):
            setattr(cols, name, _view(table, name))
        cols.priority = np.asarray(table.column("priority").to_numpy(zero_copy_only=False), bool)
        cols.ext_appr = np.stack([_view(table, f"ext_appr_{k}") for k in range(info["k_ext"])])
        cols.ext_new = np.stack([_view(table, f"ext_new_{k}") for k in range(info["k_ext"])])
        cols.coord = np.stack([_view(table, f"coord_{k}") for k in range(info["k_coord"])])
        cols._frozen = True
        for attr, values in info["vocabs"].items():
            setattr(cols, attr, Vocab(values))
        ids = table.column("_id")
        cols._base_ids = ids.chunk(0) if ids.num_chunks == 1 else ids.combine_chunks()
        if "search_text" in table.column_names:
            cols.texts = TaskTexts(table.column("search_text"))
        if "updates" in table.column_names:
            cols.updates = TaskUpdates(table.column("updates"))
        return cols, info

    def _thaw(self) -> None:
        """Writable copies of columns loaded as read-only views, with room to grow."""
        if self._frozen:
            cap = len(self.assigned)
            self._grow(cap + cap // 8 + 16, 0, 0)
            self._frozen = False

    def nbytes(self) -> int:
        """Memory held by the columns and keys (bytes)."""
        arrays = [
            *(getattr(self, name) for name in (*DAY_COLUMNS, *CODE_COLUMNS)),
            self.priority,
            self.ext_appr,
            self.ext_new,
            self.ext_count,
            self.coord,
        ]
        texts = self.texts.nbytes() if self.texts is not None else 0
        texts += self.updates.nbytes() if self.updates is not None else 0
        return int(sum(a.nbytes for a in arrays)) + int(self._base_ids.nbytes) + texts
