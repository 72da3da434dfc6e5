"""Benchmark (issue 13): the read model against the pipelines and the vectorised pandas way.

    nice -n 10 .venv/bin/python benchmarks/bench_readmodel.py --sizes 100000 1000000 --dir /tmp/rm_bench --keep
    .venv/bin/python benchmarks/bench_readmodel.py --uri 'mongodb://…' --db cddh   # a store of yours

For each size, in one run on a throwaway mongod (its own folder and port; the demo province
`load_demo(seed=7)` is loaded when the folder does not hold it yet), as of 14/11/2026:

* per-unit `status_metrics`: the pipelines (warm, median), the vectorised pandas way (`find()`
  every task of `tasks` into pandas, extensions exploded and the one in force picked with
  vectorised operations, `np.select`, crosstab — no row-wise apply; median), the read model
  warm (median of 20, several groupings and filters);
* the read model's load: from MongoDB with pymongoarrow (`find_arrow_all`) and with a raw
  cursor (dicts, then Arrow), and a restart from its snapshot (load the file, resume the change
  stream, first answer);
* a 12-month trend per unit, the unit × year heatmap (12 years), due soon, overdue age, the 20
  longest overdue, the whole backlog — pipelines and read model;
* memory: the columns' bytes, the search texts' bytes, the snapshot file, and the process's
  resident memory before and after loading.

It checks that the read model and the pipelines give the same objects, and prints Markdown
tables for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from demo_store import demo_store

from core import config, localdb, repository
from core import metrics as m
from core.backlog import backlog
from core.calendar import WorkCalendar
from core.dates import to_bson_day
from core.periods import period_containing
from core.readmodel.columns import FactColumns
from core.readmodel.figures import Columns, Pipelines
from core.readmodel.model import ReadModel
from core.repository.facts_feed import FACTS_ARROW_SCHEMA

AS_OF = date(2026, 11, 14)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def vectorised_pandas(repo: repository.Repository, as_of: date) -> pd.DataFrame:
    """What a careful analyst writes: find() into pandas, vectorised classification, crosstab."""
    d = pd.Timestamp(to_bson_day(as_of))
    fields = {
        "lead_unit": 1,
        "assigned_date": 1,
        "deadline": 1,
        "completed_date": 1,
        "cancelled_date": 1,
        "extensions.approved_date": 1,
        "extensions.new_deadline": 1,
    }
    df = pd.DataFrame(list(repository.iter_collection(repo, "tasks", {}, fields)))
    for col in ("assigned_date", "deadline", "completed_date", "cancelled_date"):
        df[col] = pd.to_datetime(df[col], utc=True)
    df = df[(df["assigned_date"] <= d) & ~(df["cancelled_date"] <= d)].reset_index(drop=True)
    cut = df["completed_date"].where(df["completed_date"] <= d, d)
    ext = df[["extensions"]].explode("extensions").dropna()
    ext = pd.DataFrame(
        {
            "task": ext.index,
            "pos": ext.groupby(level=0).cumcount().to_numpy(),
            "approved": pd.to_datetime([e["approved_date"] for e in ext["extensions"]], utc=True),
            "new": pd.to_datetime([e["new_deadline"] for e in ext["extensions"]], utc=True),
        }
    )
    ext = ext[ext["approved"] <= cut.to_numpy()[ext["task"].to_numpy()]]
    last = ext.sort_values(["task", "approved", "pos"]).groupby("task").tail(1)
    eff = df["deadline"].copy()
    eff.iloc[last["task"].to_numpy()] = last["new"].to_numpy()
    done = df["completed_date"] <= d
    has = eff.notna()
    cat = np.select(
        [
            ~has & done,
            ~has,
            done & (df["completed_date"] <= eff),
            done,
            d <= eff,
        ],
        [
            "no_deadline_completed",
            "no_deadline_open",
            "completed_on_time",
            "completed_late",
            "open_within_deadline",
        ],
        "open_overdue",
    )
    return pd.crosstab(df["lead_unit"], cat)


def load_raw_cursor(repo: repository.Repository) -> FactColumns:
    """The read model's columns through a plain cursor (dicts), for comparison."""
    import pyarrow as pa

    docs = repo.facts_documents()
    return FactColumns.from_arrow(pa.Table.from_pylist(docs, schema=FACTS_ARROW_SCHEMA))


def run_size(n: int, root: Path, port: int, repeat: int) -> dict[str, Any]:
    _, repo, data_dir = demo_store(n, root, port)
    try:
        return run_store(repo, n, root, repeat)
    finally:
        repository.close_all()
        localdb.stop(data_dir=data_dir)


def run_store(repo: repository.Repository, n: int, root: Path, repeat: int) -> dict[str, Any]:
    """Every measurement on one store (the snapshot written in `root`)."""
    repo.ensure_schema()
    cal = WorkCalendar()
    q = m.MetricsQuery(as_of=AS_OF, by="unit")
    out: dict[str, Any] = {"n": n}

    pipes = Pipelines(repo)
    pipes.status_metrics(q)
    out["pipe_status"] = statistics.median(timed(lambda: pipes.status_metrics(q), repeat))
    pandas_runs = timed(lambda: vectorised_pandas(repo, AS_OF), max(2, repeat // 2))
    out["pandas"] = statistics.median(pandas_runs)
    theirs = vectorised_pandas(repo, AS_OF)

    # The read model: load from MongoDB (pymongoarrow), then from a raw cursor.
    snap = root / f"snapshot_{n}.arrow"
    snap.unlink(missing_ok=True)
    before = rss_mb()
    t0 = time.perf_counter()
    model = ReadModel(repo, snapshot=snap).start(background=False)
    out["load_arrow"] = time.perf_counter() - t0
    out["rss_delta_mb"] = rss_mb() - before
    out["columns_mb"] = model.stats()["bytes"] / 2**20
    with model.reading() as held:
        texts = held.texts.nbytes() if held.texts is not None else 0
    out["texts_mb"] = texts / 2**20
    out["columns_mb"] -= out["texts_mb"]
    out["snapshot_mb"] = snap.stat().st_size / 2**20 if snap.exists() else 0.0
    t0 = time.perf_counter()
    raw = load_raw_cursor(repo)
    out["load_raw"] = time.perf_counter() - t0
    assert raw.n == model.stats()["rows"]
    del raw

    cols = Columns(model)
    model.sync(5)
    expected = pipes.status_metrics(q)
    assert cols.status_metrics(q) == expected
    ours = {r["key"]: r["open_overdue"] for r in expected["rows"]}
    pandas_overdue = theirs.get("open_overdue", pd.Series(dtype=int)).to_dict()
    assert {k: v for k, v in pandas_overdue.items() if v} == {k: v for k, v in ours.items() if v}
    out["rm_status"] = statistics.median(timed(lambda: cols.status_metrics(q), 20))
    out["rm_status_sync"] = statistics.median(
        timed(lambda: (model.sync(1), cols.status_metrics(q)), 20)
    )
    variants = {
        "portfolio, rollup": m.MetricsQuery(as_of=AS_OF, by="portfolio", rollup_successors=True),
        "signer": m.MetricsQuery(as_of=AS_OF, by="signer"),
        "unit, priority only": m.MetricsQuery(as_of=AS_OF, by="unit", priority_only=True),
        "unit, as of 2024-06-30": m.MetricsQuery(as_of=date(2024, 6, 30), by="unit"),
    }
    out["variants"] = {}
    for name, vq in variants.items():
        assert cols.status_metrics(vq) == pipes.status_metrics(vq), name
        out["variants"][name] = statistics.median(timed(lambda vq=vq: cols.status_metrics(vq), 10))

    # Other figures, both ways (the pipelines' trend reads stored summaries once computed).
    month = period_containing("month", AS_OF, "decree09")
    year = period_containing("year", AS_OF, "decree09")
    bq = m.MetricsQuery(as_of=AS_OF, rollup_successors=True)
    figures: dict[str, Callable[[Any], Any]] = {
        "12-month trend per unit": lambda f: m.trend(
            repo, q, month, n=12, by_unit=True, counter=f.period_metrics
        ),
        "unit × year heatmap (12 years)": lambda f: m.trend(
            repo, q, year, n=12, by_unit=True, counter=f.period_metrics
        ),
        "due soon (1/3/7 working days)": lambda f: f.due_soon(bq, cal),
        "overdue age buckets": lambda f: f.overdue_age(bq, cal),
        "20 longest overdue": lambda f: f.longest_overdue(bq, cal, limit=20),
        "backlog (all of it)": lambda f: backlog(repo, bq, cal, 10, f),
    }
    out["figures"] = {}
    for name, fn in figures.items():
        assert fn(cols) == fn(pipes), name
        pipe_t = statistics.median(timed(lambda fn=fn: fn(pipes), 3))
        rm_t = statistics.median(timed(lambda fn=fn: fn(cols), 10))
        out["figures"][name] = (pipe_t, rm_t)

    # A restart of the app: a new model from the snapshot (columns + stream position).
    model.stop(save=True)
    t0 = time.perf_counter()
    again = ReadModel(repo, snapshot=snap).start(background=False)
    first = Columns(again).status_metrics(q)
    out["restart"] = time.perf_counter() - t0
    out["restart_from"] = again.loaded_from
    assert first == expected
    again.stop(save=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=27921)
    parser.add_argument("--dir", type=Path, default=None, help="keep data here between runs")
    parser.add_argument("--keep", action="store_true", help="do not delete the data folder")
    parser.add_argument("--uri", default=None, help="measure this store instead (with --db)")
    parser.add_argument("--db", default="cddh")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="cddh-bench-rm-"))
    rows = []
    try:
        if args.uri:
            repo = repository.connect(args.uri, args.db)
            n = repo.db.tasks.estimated_document_count()
            rows.append(run_store(repo, n, root, args.repeat))
            print(rows[-1], flush=True)
        for n in [] if args.uri else args.sizes:
            rows.append(run_size(n, root, args.port, args.repeat))
            print(rows[-1], flush=True)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(
        f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, mongod 6.0.5 "
        f"(WiredTiger cache {config.localdb_cache_gb()} GB)\n"
    )
    print(
        "| tasks | pipelines | vectorised pandas | read model warm | + sync | pandas / read model "
        "| restart from snapshot | load (pymongoarrow) | load (raw cursor) | columns | search texts "
        "| RSS growth | snapshot |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['pipe_status'] * 1000:.0f} ms | {r['pandas']:.2f} s "
            f"| {r['rm_status'] * 1000:.1f} ms | {r['rm_status_sync'] * 1000:.1f} ms "
            f"| {r['pandas'] / r['rm_status']:.0f}× | {r['restart']:.2f} s ({r['restart_from']}) "
            f"| {r['load_arrow']:.2f} s | {r['load_raw']:.2f} s | {r['columns_mb']:.0f} MB "
            f"| {r['texts_mb']:.0f} MB | {r['rss_delta_mb']:.0f} MB | {r['snapshot_mb']:.0f} MB |"
        )
    print("\n| figure | " + " | ".join(f"{r['n']:,}: pipelines / read model" for r in rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for name in rows[0]["figures"]:
        cells = []
        for r in rows:
            p, rm = r["figures"][name]
            cells.append(f"{p * 1000:.0f} ms / {rm * 1000:.1f} ms")
        print(f"| {name} | " + " | ".join(cells) + " |")
    for name in rows[0]["variants"]:
        cells = [f"— / {r['variants'][name] * 1000:.1f} ms" for r in rows]
        print(f"| status: {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
