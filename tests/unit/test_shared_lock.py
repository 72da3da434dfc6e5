"""The read model's lock: readers at once, a writer alone, a waiting writer before new readers."""

from __future__ import annotations

import threading

import pytest

from core.readmodel.model import SharedLock

WAIT = 5.0  # seconds an event may take to happen (never reached when the lock is right)


def test_readers_read_at_once() -> None:
    lock = SharedLock()
    inside = threading.Barrier(2, timeout=WAIT)

    def read() -> None:
        with lock.shared():
            inside.wait()  # both readers inside together, or the barrier breaks

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert not inside.broken


def test_a_writer_waits_for_the_readers_and_holds_back_new_ones() -> None:
    lock = SharedLock()
    order: list[str] = []
    reading, release = threading.Event(), threading.Event()

    def first_reader() -> None:
        with lock.shared():
            reading.set()
            release.wait(WAIT)
            order.append("reader 1 done")

    def writer() -> None:
        with lock.exclusive():
            order.append("writer")

    def late_reader() -> None:
        with lock.shared():
            order.append("reader 2")

    r1 = threading.Thread(target=first_reader)
    r1.start()
    assert reading.wait(WAIT)
    w = threading.Thread(target=writer)
    w.start()
    while not lock._waiting:  # the writer is waiting for the first reader
        threading.Event().wait(0.001)
    r2 = threading.Thread(target=late_reader)
    r2.start()
    r2.join(0.05)
    assert r2.is_alive()  # held back behind the waiting writer
    release.set()
    for t in (r1, w, r2):
        t.join(WAIT)
    assert order == ["reader 1 done", "writer", "reader 2"]


def test_nesting() -> None:
    """A reader reads again while a writer waits; the writer reads and writes again; a reader
    may not turn writer (it would wait for itself)."""
    lock = SharedLock()
    with lock.exclusive(), lock.exclusive(), lock.shared():
        pass
    with lock.shared():
        lock._waiting += 1  # as if a writer waited
        with lock.shared():
            pass
        lock._waiting -= 1
        with pytest.raises(RuntimeError), lock.exclusive():
            pass
    with lock.exclusive():  # everything released
        pass
