"""Benchmark: per-unit metrics through the pipelines vs the naive pandas approach, at 100k and 1M tasks.

Run from the repository root (takes a few minutes per million tasks to load):

    .venv/bin/python benchmarks/bench_metrics.py --sizes 100000 1000000

For each size it starts a throwaway mongod (its own folder and port), loads the demo province
with that many tasks (`cddh demo --tasks N`), then times in the same run:

* pipeline cold: the first per-unit `status_metrics` call after a mongod restart (empty
  WiredTiger cache; the OS page cache may still hold the files);
* pipeline warm: the median of repeated calls;
* naive: every task of the population into pandas (only the needed fields), classify, group;
  the median of repeated calls.

It prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from demo_store import demo_store

from core import config, localdb, repository
from core.dates import to_bson_day
from core.metrics import MetricsQuery, status_metrics

AS_OF = date(2026, 11, 14)


def naive(repo: repository.Repository, as_of: date) -> pd.DataFrame:
    """What a user would write: fetch the tasks, classify in pandas, group by unit."""
    d = pd.Timestamp(to_bson_day(as_of))
    fields = {
        "lead_unit": 1,
        "assigned_date": 1,
        "deadline": 1,
        "completed_date": 1,
        "cancelled_date": 1,
        "extensions": 1,
    }
    df = pd.DataFrame(list(repository.iter_collection(repo, "tasks", {}, fields)))
    df = df[
        (df["assigned_date"] <= d) & ~(df["cancelled_date"].notna() & (df["cancelled_date"] <= d))
    ]

    def effective(row: Any) -> Any:
        exts = row["extensions"]
        if not isinstance(exts, list) or not exts:
            return row["deadline"]
        done = row["completed_date"]
        cutoff = done if done is not None and not pd.isna(done) and done <= d else d
        best, eff = None, row["deadline"]
        for e in exts:
            if e["approved_date"] <= cutoff and (best is None or e["approved_date"] >= best):
                best, eff = e["approved_date"], e["new_deadline"]
        return eff

    df["eff"] = df.apply(effective, axis=1)
    done = df["completed_date"].notna() & (df["completed_date"] <= d)
    has = df["eff"].notna()
    cat = pd.Series("no_deadline_open", index=df.index)
    cat[~has & done] = "no_deadline_completed"
    cat[has & done & (df["completed_date"] <= df["eff"])] = "completed_on_time"
    cat[has & done & (df["completed_date"] > df["eff"])] = "completed_late"
    cat[has & ~done & (df["eff"] >= d)] = "open_within_deadline"
    cat[has & ~done & (df["eff"] < d)] = "open_overdue"
    df["cat"] = cat
    return df.groupby(["lead_unit", "cat"]).size().unstack(fill_value=0)


def timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run_size(n: int, root: Path, port: int, repeat: int) -> dict[str, Any]:
    status, repo, data_dir = demo_store(n, root, port)
    query = MetricsQuery(as_of=AS_OF, by="unit")
    # Cold: restart mongod so its cache is empty.
    repository.close_all()
    localdb.stop(data_dir=data_dir)
    localdb.start(data_dir=data_dir, port=port)
    repo = repository.connect(status.uri, "bench")
    cold = timed(lambda: status_metrics(repo, query), 1)[0]
    warm = statistics.median(timed(lambda: status_metrics(repo, query), repeat))
    naive_times = timed(lambda: naive(repo, AS_OF), max(1, repeat // 2))
    naive_median = statistics.median(naive_times)
    # Both approaches agree on the open-overdue total.
    ours = status_metrics(repo, query)["total"]["open_overdue"]
    theirs = int(naive(repo, AS_OF).get("open_overdue", pd.Series(dtype=int)).sum())
    assert ours == theirs, (ours, theirs)
    repository.close_all()
    localdb.stop(data_dir=data_dir)
    return {"n": n, "cold": cold, "warm": warm, "naive": naive_median, "ratio": naive_median / warm}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=27911)
    parser.add_argument("--dir", type=Path, default=None, help="keep data here between runs")
    parser.add_argument("--keep", action="store_true", help="do not delete the data folder")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="cddh-bench-"))
    rows = []
    try:
        for n in args.sizes:
            rows.append(run_size(n, root, args.port, args.repeat))
            print(rows[-1], flush=True)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(
        f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, mongod 6.0.5 (WiredTiger cache {config.localdb_cache_gb()} GB)\n"
    )
    print(
        "| tasks | pipeline cold (s) | pipeline warm, median (s) | naive pandas, median (s) | naive / warm |"
    )
    print("|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['cold']:.2f} | {r['warm']:.2f} | {r['naive']:.2f} | {r['ratio']:.0f}× |"
        )


if __name__ == "__main__":
    main()
