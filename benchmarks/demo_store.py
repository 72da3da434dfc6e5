"""The benchmarks' throwaway store: a mongod of their own in `root/bench_<n>` holding the demo
province of `n` tasks (seed 7), loaded only when the folder does not hold it yet."""

from __future__ import annotations

import time
from pathlib import Path

from core import localdb, repository
from core.demo import load_demo
from core.localdb import LocalDbStatus


def demo_store(n: int, root: Path, port: int) -> tuple[LocalDbStatus, repository.Repository, Path]:
    """Start the store's mongod and return (its status, the `bench` database, its folder)."""
    data_dir = root / f"bench_{n}"
    status = localdb.start(data_dir=data_dir, port=port)
    repo = repository.connect(status.uri, "bench")
    if repo.db.tasks.estimated_document_count() != n:
        repo.drop_all()
        repo.ensure_schema()
        t0 = time.perf_counter()
        load_demo(repo, tasks=n, seed=7)
        print(f"loaded {n:,} tasks in {time.perf_counter() - t0:.0f} s", flush=True)
    return status, repo, data_dir
