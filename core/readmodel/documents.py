"""The documents' read model: what a text search of the documents (Văn bản) needs of each one,
in the app process, kept in step by a change stream on `documents`.

MongoDB answers such a search by running the regex over every document's folded text: 0.2–0.3 s
at 320,000 documents (a million tasks), with or without an index on the text (measured in
docs/performance.md). Here the same regex runs over the texts held in memory (RE2, as for the
tasks' texts, `core.readmodel.texts`), and the other filters of `explorer.document_match`
(issued on or before D, in a range, type, signer) over arrays: ~20 ms. The page's documents
themselves are then read by key. The search answers only a whole-province reader (the
documents of a restricted one depend on his tasks) and only when caught up with the latest
write (`sync`); otherwise MongoDB answers, as while the model loads. Property tests hold its
pages equal to MongoDB's (tests/integration/test_documents_model.py).
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from core.dates import to_bson_day
from core.explorer import DocumentSearch, folded_regex
from core.readmodel.model import SharedLock, StreamClock
from core.readmodel.texts import TaskTexts
from core.repository import FactChange, FactsFeedLost, FactsStream, Repository

_LOG = logging.getLogger("cddh.readmodel")
_NO_DAY = np.iinfo(np.int64).min  # a document without an issue day matches no day filter
# `\s` spelled out: the ASCII white space of MongoDB's PCRE2 and of Python's `re.ASCII`, which
# RE2's `\s` lacks one of (the vertical tab).
_SPACE = r"[\t\n\x0b\f\r ]"


def search_pattern(text: str) -> str:
    """`explorer.folded_regex(text)` in a form RE2, Python and MongoDB read alike."""
    return folded_regex(text).replace(r"\s+", _SPACE + "+")


def _ms(value: Any) -> int:
    """A BSON date (a datetime, naive meaning UTC) as milliseconds since the epoch."""
    if not isinstance(value, datetime):
        return int(_NO_DAY)
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


class _Codes:
    """A column of few distinct texts (a type, a signer) as codes into its values; -1 is none
    (or a value that is no text: MongoDB's equality with a text never matches it)."""

    def __init__(self, column: pa.ChunkedArray) -> None:
        encoded = pc.dictionary_encode(column.combine_chunks())
        self.values: list[str] = [str(v) for v in encoded.dictionary.to_pylist()]
        self._index = {v: i for i, v in enumerate(self.values)}
        indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        self.codes = np.asarray(indices, np.int32).copy()

    def code(self, value: Any) -> int:
        """The code of a value written later (a new value gets one)."""
        if not isinstance(value, str):
            return -1
        if value not in self._index:
            self._index[value] = len(self.values)
            self.values.append(value)
        return self._index[value]

    def of(self, value: str) -> int:
        """The code of a value searched for (-2, matching no row, when no row holds it)."""
        return self._index.get(value, -2)


class DocumentRows:
    """Key, issue instant (ms), type, signer and folded text of every document; a document
    written later is appended or changed in place, a deleted one is marked. The columns take
    about 110 bytes a document (~35 MB at 320,000; the process grew by 96 MB loading them,
    docs/performance.md); the keys are kept as read, in one Arrow array, and found by binary
    search over their sorted order when a change names one."""

    def __init__(self, table: pa.Table) -> None:
        n = table.num_rows
        self._keys = table.column("_id").combine_chunks()
        self._added: list[str] = []  # keys of the rows appended since, in row order
        self._added_row: dict[str, int] = {}
        self._order: npt.NDArray[np.int64] | None = None  # the read keys' rows, by key
        issued = pc.cast(table.column("issue_date"), pa.int64()).fill_null(_NO_DAY)
        self._issued = np.asarray(issued.to_numpy(), np.int64).copy()
        self._type = _Codes(table.column("type"))
        self._signer = _Codes(table.column("signer"))
        self._alive = np.ones(n, np.bool_)
        self.texts = TaskTexts(table.column("search_text"))
        self._read = n  # rows read from MongoDB; later ones were appended
        self.n = n

    def key(self, row: int) -> str:
        """The key of a row."""
        if row < self._read:
            return str(self._keys[row].as_py())
        return str(self._added[row - self._read])

    def _row(self, key: str) -> int | None:
        if key in self._added_row:
            return self._added_row[key]
        if self._order is None:
            self._order = np.asarray(pc.sort_indices(self._keys), np.int64)
        order, keys = self._order, self._keys
        at = bisect.bisect_left(range(self._read), key, key=lambda i: keys[order[i]].as_py())
        if at < self._read and keys[order[at]].as_py() == key:
            return int(order[at])
        return None

    def _grow(self) -> None:
        size = max(16, 2 * len(self._issued))
        self._issued = np.resize(self._issued, size)
        self._type.codes = np.resize(self._type.codes, size)
        self._signer.codes = np.resize(self._signer.codes, size)
        self._alive = np.resize(self._alive, size)

    def upsert(self, doc: Mapping[str, Any]) -> None:
        """Write one document (inserted or changed)."""
        key = str(doc["_id"])
        row = self._row(key)
        if row is None:
            if self.n >= len(self._issued):
                self._grow()
            row = self.n
            self.n += 1
            self._added.append(key)
            self._added_row[key] = row
        self._issued[row] = _ms(doc.get("issue_date"))
        self._type.codes[row] = self._type.code(doc.get("type"))
        self._signer.codes[row] = self._signer.code(doc.get("signer"))
        self._alive[row] = True
        text = doc.get("search_text")
        self.texts.set(row, text if isinstance(text, str) else None)

    def delete(self, key: str) -> None:
        """Forget one document."""
        row = self._row(key)
        if row is not None:
            self._alive[row] = False
            self.texts.set(row, None)

    def find(
        self, s: DocumentSearch, skip: int, limit: int, count_limit: int
    ) -> tuple[list[str], int]:
        """The keys of the page of `s` (newest first, then by key, as MongoDB sorts them) and
        how many match, counted up to `count_limit` (`TaskStore.documents_page_counted`)."""
        n = self.n
        keep = self._alive[:n].copy()
        issued = self._issued[:n]
        keep &= issued != _NO_DAY
        keep &= issued <= _ms(to_bson_day(s.as_of))
        if s.issued_from is not None:
            keep &= issued >= _ms(to_bson_day(s.issued_from))
        if s.issued_to is not None:
            keep &= issued <= _ms(to_bson_day(s.issued_to))
        if s.doc_type is not None:
            keep &= self._type.codes[:n] == self._type.of(s.doc_type)
        if s.signer is not None:
            keep &= self._signer.codes[:n] == self._signer.of(s.signer)
        keep &= self.texts.matches(search_pattern(s.text), n)
        rows = np.flatnonzero(keep)
        total = min(len(rows), count_limit) if count_limit else len(rows)
        take = skip + max(limit, 1)
        if take < len(rows):  # only rows issued on or after the page's last day can be on it
            edge = np.partition(issued[rows], len(rows) - take)[len(rows) - take]
            rows = rows[issued[rows] >= edge]
        keys = {r: self.key(r) for r in rows.tolist()}
        order = sorted(keys, key=lambda r: (-int(issued[r]), keys[r]))
        return [keys[r] for r in order[skip:take]], total


class DocumentModel:
    """The documents' search columns of this process, warm after `start()`, in step with
    MongoDB (the life cycle of `ReadModel`, without a snapshot: 320,000 documents load in
    1.1–1.7 s, in the background)."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._rows: DocumentRows | None = None
        self._stream: FactsStream | None = None
        self._lock = SharedLock()
        self._clock = StreamClock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.generation = 0  # bumped by every batch of changes and every reload
        self.error: str | None = None

    def start(self, background: bool = True) -> DocumentModel:
        """Load the documents and tail the change stream (in a daemon thread; when not
        `background`, loaded before returning)."""
        if not background:
            self._reload()
        self._thread = threading.Thread(
            target=self._run, args=(background,), name="cddh-documents", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop tailing."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock.exclusive():
            if self._stream is not None:
                self._stream.close()
                self._stream = None

    @property
    def warm(self) -> bool:
        """True once the documents are loaded and the stream is open."""
        return self._rows is not None and self._stream is not None

    def wait_warm(self, timeout: float = 60.0) -> bool:
        """Wait until warm (tests, benchmarks)."""
        end = time.monotonic() + timeout
        while not self.warm and time.monotonic() < end:
            time.sleep(0.01)
        return self.warm

    def sync(self, timeout: float = 1.0) -> bool:
        """Wait until every write acknowledged before this call is in (at most `timeout`
        seconds); False when not warm or not caught up in time."""
        if not self.warm:
            return False
        return self._clock.wait(self.repo.facts_clock(), timeout, lambda: self.warm)

    def document_page(
        self, s: DocumentSearch, skip: int, limit: int, count_limit: int
    ) -> tuple[list[str], int] | None:
        """`DocumentRows.find`, or None when this model cannot answer `s` (not loaded, or no
        words to search: MongoDB's regex then tells texts from missing ones)."""
        if not re.sub(r"\W", "", search_pattern(s.text)):
            return None
        with self._lock.shared():
            rows = self._rows
            if rows is None:
                return None
            return rows.find(s, skip, limit, count_limit)

    # -- loading and the change stream ---------------------------------------------------------

    def _reload(self) -> None:
        t0 = time.perf_counter()
        clock = self.repo.facts_clock()
        rows = DocumentRows(self.repo.documents_arrow())
        stream = self.repo.watch_documents(at_time=self._clock.start_after(clock))
        with self._lock.exclusive():
            old, self._rows, self._stream = self._stream, rows, stream
            self.generation += 1
        if old is not None:
            old.close()
        _LOG.info("documents: %s loaded in %.2f s", rows.n, time.perf_counter() - t0)

    def _run(self, load: bool) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                if load or self._stream is None:
                    load = False
                    self._reload()
                self._step()
                failures = 0
            except Exception as exc:  # MongoDB answers meanwhile
                failures += 1
                self.error = str(exc)
                if failures <= 3:
                    _LOG.warning("documents: change stream failed (%s), reading again", exc)
                with self._lock.exclusive():
                    stream, self._stream = self._stream, None
                if stream is not None:
                    stream.close()
                self._stop.wait(min(5.0, 0.2 * failures))

    def _step(self) -> None:
        stream = self._stream
        assert stream is not None
        try:
            batch = stream.next_batch()
        except FactsFeedLost:
            self._reload()
            return
        if any(c.kind == "reset" for c in batch):
            self._reload()
            return
        if batch:
            with self._lock.exclusive():
                self._apply(batch)
                self.generation += 1
        seen = stream.position_time()
        if seen is not None:
            self._clock.passed(seen, changed=bool(batch))

    def _apply(self, batch: list[FactChange]) -> None:
        rows = self._rows
        assert rows is not None
        for change in batch:
            if change.kind == "delete" and change.task_id is not None:
                rows.delete(change.task_id)
            elif change.kind == "upsert" and change.facts is not None:
                rows.upsert(change.facts)
        rows.texts.compact(rows.n)
