"""The read model: `task_facts` as columns in the app process, kept in step by a change stream.

`ReadModel.start()` loads the columns — from the snapshot file when there is one whose change
stream position can still be resumed, else from MongoDB (pymongoarrow) — then a thread tails
the change stream on `task_facts` and applies every insert, replace, update and delete. A
replaced collection (a staged import's rename, a restore's drop) ends the stream: the
columns are read again (`rebuild_facts` rewrites it in place: ordinary changes). `sync()`
waits (bounded) until the stream has passed the cluster time of the latest write the server
knows, so a figure read right after a write includes it.
Queries share a lock while they read the columns (many at once); the thread holds it alone
while it writes them.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.readmodel import queries
from core.readmodel.columns import FactColumns
from core.repository import FactChange, FactsFeedLost, FactsStream, Repository

_LOG = logging.getLogger("cddh.readmodel")


def snapshot_path(folder: Path, uri: str, db_name: str) -> Path:
    """The snapshot file of one database (two databases never share one)."""
    digest = hashlib.sha256(f"{uri}|{db_name}".encode()).hexdigest()[:16]
    return folder / f"facts-{db_name}-{digest}.arrow"


class SharedLock:
    """Many readers at once, or one writer. A waiting writer holds back new readers (the
    change stream is never starved by a busy page); a thread already reading may read again,
    and the writer may read or write again, without waiting for itself."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers: dict[int, int] = {}  # thread → depth
        self._writer: int | None = None
        self._depth = 0
        self._waiting = 0  # writers waiting

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Read: wait while a writer holds the lock or waits for it."""
        me = threading.get_ident()
        with self._cond:
            if me != self._writer and me not in self._readers:
                while self._writer is not None or self._waiting:
                    self._cond.wait()
            self._readers[me] = self._readers.get(me, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                self._readers[me] -= 1
                if not self._readers[me]:
                    del self._readers[me]
                    if not self._readers:
                        self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Write: wait until no one else reads or writes."""
        me = threading.get_ident()
        with self._cond:
            if self._writer != me:
                if me in self._readers:
                    raise RuntimeError("read model: a reader may not start writing")
                self._waiting += 1
                try:
                    while self._writer is not None or self._readers:
                        self._cond.wait()
                finally:
                    self._waiting -= 1
                self._writer = me
            self._depth += 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if not self._depth:
                    self._writer = None
                    self._cond.notify_all()


class StreamClock:
    """How far a change stream has been read (a cluster time, as (seconds, increment)), and
    waiting until it has passed a given one: what `sync` of a read model waits for."""

    def __init__(self) -> None:
        self._moved = threading.Condition()
        self._seen: tuple[int, int] = (0, 0)
        self._start: tuple[int, int] | None = None

    def start_after(self, clock: tuple[int, int]) -> tuple[int, int]:
        """Where to open the stream that follows a read made after `clock` (the latest write
        then): one increment after it. From `clock` itself, a replaced collection's own drop,
        at that instant, would be read again at every reload. Until the stream reads a
        change, its position only echoes that start, which is no proof yet that a write at
        that very instant is in: `passed` counts it as `clock`."""
        self._start = (clock[0], clock[1] + 1)
        return self._start

    def passed(self, seen: tuple[int, int], changed: bool = False) -> None:
        """The stream has read up to `seen` (`changed`: and returned changes)."""
        if changed:
            self._start = None
        elif seen == self._start:
            seen = (seen[0], seen[1] - 1)
        with self._moved:
            self._seen = max(self._seen, seen)
            self._moved.notify_all()

    def wait(self, target: tuple[int, int], timeout: float, alive: Callable[[], bool]) -> bool:
        """Wait until the stream has passed `target` (at most `timeout` seconds, and while
        `alive()`); whether it has."""
        end = time.monotonic() + timeout
        with self._moved:
            while self._seen < target:
                left = end - time.monotonic()
                if left <= 0 or not alive():
                    return False
                self._moved.wait(left)
        return True


class ReadModel:
    """Columns of every task's status facts, warm after `start()`, in step with MongoDB."""

    def __init__(
        self,
        repo: Repository,
        snapshot: Path | None = None,
        snapshot_every_s: float = 300.0,
    ) -> None:
        self.repo = repo
        self.snapshot = snapshot
        self.snapshot_every_s = snapshot_every_s
        self._cols: FactColumns | None = None
        self._stream: FactsStream | None = None
        self._lock = SharedLock()
        self._saving = threading.Lock()  # one snapshot written at a time
        self._clock = StreamClock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved_changes = 0
        self._saved_at = time.monotonic()
        self._needs_save = False  # read from MongoDB, not saved yet
        self.generation = 0  # bumped by every batch of changes and every reload
        self.loaded_from = ""  # "snapshot" or "mongodb", for logs and benchmarks
        self.load_seconds = 0.0
        self.error: str | None = None

    # -- life cycle ----------------------------------------------------------------------------

    def start(self, background: bool = True) -> ReadModel:
        """Load the columns and tail the change stream (in a daemon thread when `background`;
        otherwise loaded before returning, then tailed in the thread)."""
        if background:
            self._thread = threading.Thread(target=self._run, name="cddh-readmodel", daemon=True)
            self._thread.start()
            return self
        self._load()
        self._thread = threading.Thread(
            target=self._run, args=(False,), name="cddh-readmodel", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, save: bool = True) -> None:
        """Stop tailing; save a snapshot first when `save` and there is a folder for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if save:
            self.save_snapshot()
        with self._lock.exclusive():
            if self._stream is not None:
                self._stream.close()
                self._stream = None

    @property
    def warm(self) -> bool:
        """True once the columns are loaded and the stream is open."""
        return self._cols is not None and self._stream is not None

    @property
    def has_texts(self) -> bool:
        """True when the columns hold the tasks' search texts (a text search is answered)."""
        cols = self._cols
        return cols is not None and cols.texts is not None

    def wait_warm(self, timeout: float = 60.0) -> bool:
        """Wait until warm (tests, benchmarks, the CLI)."""
        end = time.monotonic() + timeout
        while not self.warm and time.monotonic() < end:
            if self.error and self._thread is not None and not self._thread.is_alive():
                return False
            time.sleep(0.01)
        return self.warm

    # -- reading -------------------------------------------------------------------------------

    def sync(self, timeout: float = 2.0) -> bool:
        """Wait until every write acknowledged before this call is in the columns (at most
        `timeout` seconds); False when not warm or not caught up in time."""
        if not self.warm:
            return False
        return self._clock.wait(self.repo.facts_clock(), timeout, lambda: self.warm)

    @contextmanager
    def reading(self) -> Iterator[FactColumns]:
        """The columns, unchanged while the block runs."""
        with self._lock.shared():
            if self._cols is None:
                raise RuntimeError("read model not loaded")
            yield self._cols

    def run(self, fn: Callable[[FactColumns], Any]) -> Any:
        """`fn(columns)` under the read lock."""
        with self.reading() as cols:
            return fn(cols)

    def stats(self) -> dict[str, Any]:
        """Rows, memory, where it was loaded from and how long it took."""
        with self._lock.shared():
            cols = self._cols
            return {
                "rows": cols.n if cols else 0,
                "bytes": cols.nbytes() if cols else 0,
                "loaded_from": self.loaded_from,
                "load_seconds": self.load_seconds,
                "generation": self.generation,
            }

    # -- loading -------------------------------------------------------------------------------

    def _load(self) -> None:
        t0 = time.perf_counter()
        if self.snapshot is not None and self.snapshot.exists():
            try:
                cols, info = FactColumns.load(self.snapshot)
                stream = self.repo.watch_facts(resume_after=info["position"])
                self._install(cols, stream, "snapshot", t0)
                return
            except (FactsFeedLost, ValueError, KeyError, OSError) as exc:
                _LOG.info("read model: snapshot not used (%s), reading MongoDB", exc)
        self._reload(t0)

    def _reload(self, t0: float | None = None) -> None:
        t0 = time.perf_counter() if t0 is None else t0
        clock = self.repo.facts_clock()
        cols = FactColumns.from_arrow(self.repo.facts_arrow())
        stream = self.repo.watch_facts(at_time=self._clock.start_after(clock))
        self._install(cols, stream, "mongodb", t0)
        self.save_snapshot()

    def _install(self, cols: FactColumns, stream: FactsStream, source: str, t0: float) -> None:
        with self._lock.exclusive():
            old = self._stream
            self._cols, self._stream = cols, stream
            self.generation += 1
            self.loaded_from = source
            self.load_seconds = time.perf_counter() - t0
            self._needs_save = source == "mongodb"
        if old is not None:
            old.close()
        _LOG.info("read model: %s tasks from %s in %.2f s", cols.n, source, self.load_seconds)

    def prepare(self) -> None:
        """Build the indexes the figures use (rows by deadline, by assigned day, by unit) now,
        in the loading thread, rather than in the first page that needs each (0.1–0.2 s at 1M
        tasks); the figures answer meanwhile and build what they need themselves."""
        t0 = time.perf_counter()
        try:
            with self.reading() as cols:
                queries.day_index(cols, "deadline")
                queries.day_index(cols, "assigned")
                queries.unit_index(cols)
        except Exception as exc:  # only slower first figures
            _LOG.warning("read model: indexes not prepared: %s", exc)
            return
        _LOG.info("read model: indexes prepared in %.2f s", time.perf_counter() - t0)

    def save_snapshot(self) -> None:
        """Write the columns and the stream position to the snapshot file (if any)."""
        if self.snapshot is None:
            return
        with self._saving, self._lock.shared():
            if self._cols is None or self._stream is None:
                return
            position = self._stream.position
            if position is None:
                return
            try:
                self._cols.save(self.snapshot, position, {"database": self.repo.db.name})
            except OSError as exc:
                _LOG.warning("read model: snapshot not saved: %s", exc)
                return
            self._saved_changes = self._cols.changes
            self._saved_at = time.monotonic()
            self._needs_save = False

    # -- the change stream ---------------------------------------------------------------------

    def _run(self, load: bool = True) -> None:
        try:
            if load:
                self._load()
        except Exception as exc:  # the app falls back to the pipelines
            self.error = str(exc)
            _LOG.warning("read model not loaded: %s", exc)
            return
        self.prepare()
        failures = 0
        while not self._stop.is_set():
            try:
                self._step()
                failures = 0
            except FactsFeedLost as exc:
                _LOG.info("read model: change stream lost (%s), reading MongoDB again", exc)
                self._safe_reload()
            except Exception as exc:
                failures += 1
                self.error = str(exc)
                if failures <= 3:
                    _LOG.warning("read model: change stream failed (%s), reopening", exc)
                self._stop.wait(min(5.0, 0.2 * failures))
                try:
                    self._reopen()
                except Exception as again:  # still failing: the next turn waits longer
                    self.error = str(again)

    def _step(self) -> None:
        stream = self._stream
        if stream is None:
            self._reopen()
            return
        batch = stream.next_batch()
        if any(c.kind == "reset" for c in batch):
            self._safe_reload()
            return
        if batch:
            with self._lock.exclusive():
                self._apply(batch)
                self.generation += 1
                cols = self._cols
                if cols is not None and cols.texts is not None:
                    cols.texts.compact(cols.n)
        seen = stream.position_time()
        if seen is not None:
            self._clock.passed(seen, changed=bool(batch))
        cols = self._cols
        # A stream opened at a cluster time has a position once it has read a batch: the
        # columns just read are saved then, and again every few minutes while they change.
        if cols is not None and (
            self._needs_save
            or (
                cols.changes != self._saved_changes
                and time.monotonic() - self._saved_at > self.snapshot_every_s
            )
        ):
            self.save_snapshot()

    def _apply(self, batch: list[FactChange]) -> None:
        cols = self._cols
        assert cols is not None
        upserts = [c for c in batch if c.kind == "upsert"]
        rows = cols.rows_of([str(c.task_id) for c in upserts]) if upserts else []
        known = dict(zip((c.task_id for c in upserts), rows, strict=True))
        for change in batch:
            if change.kind == "delete" and change.task_id is not None:
                cols.delete(change.task_id)
                known.pop(change.task_id, None)
            elif change.kind == "upsert" and change.facts is not None:
                row = known.get(change.task_id)
                known[change.task_id] = cols.upsert(change.facts, row)

    def _reopen(self) -> None:
        with self._lock.exclusive():
            stream = self._stream
            position = stream.position if stream is not None else None
        if stream is not None:
            stream.close()
        try:
            new = self.repo.watch_facts(resume_after=position) if position else None
        except FactsFeedLost:
            new = None
        if new is None:
            self._safe_reload()
            return
        with self._lock.exclusive():
            self._stream = new

    def _safe_reload(self) -> None:
        try:
            self._reload()
            self.prepare()
        except Exception as exc:
            self.error = str(exc)
            _LOG.warning("read model: reload failed: %s", exc)
            with self._lock.exclusive():
                self._stream = None
            time.sleep(1.0)
