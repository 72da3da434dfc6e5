"""Benchmark (issue 13): pages of the task list, pipelines against read model.

    nice -n 10 .venv/bin/python benchmarks/bench_lists.py --sizes 100000 --dir /tmp/lists_bench --keep
    .venv/bin/python benchmarks/bench_lists.py --uri 'mongodb://…' --db cddh   # a store of yours

For each size, on a throwaway mongod (its own folder and port; the demo province
`load_demo(seed=7)` is loaded when the folder does not hold it yet), as of 14/11/2026, pages of
`core.explorer.search_tasks` (with days late): open overdue sorted longest overdue first
(`overdue_desc`), open overdue in the default order (newest assigned first), every task by
deadline in force (latest first) and a deadline range — page 1 and page 40 each. Times: the
pipelines (median), the read model warm (median of 10: the page chosen on the columns, then its
25 rows read from MongoDB by key), the same through `figures_for` (+ `sync`: one `hello` and the
wait for the stream), and the columns' part alone. Every read-model page is checked equal to
the pipelines' (ids, order, rows, total, capped flag). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from demo_store import demo_store

from core import explorer, localdb, repository
from core.calendar import WorkCalendar
from core.explorer import TaskSearch
from core.readmodel import lists
from core.readmodel.figures import Columns, figures_for
from core.readmodel.model import ReadModel

AS_OF = date(2026, 11, 14)
SEARCHES: dict[str, TaskSearch] = {
    "open overdue, longest overdue first": TaskSearch(
        as_of=AS_OF, categories=("open_overdue",), sort="overdue_desc"
    ),
    "open overdue, newest assigned first": TaskSearch(as_of=AS_OF, categories=("open_overdue",)),
    "all, deadline in force latest first": TaskSearch(as_of=AS_OF, sort="deadline_desc"),
    "deadline in 2026, earliest first": TaskSearch(
        as_of=AS_OF,
        deadline_from=date(2026, 1, 1),
        deadline_to=date(2026, 12, 31),
        sort="deadline_asc",
    ),
    "text «Sở Y tế», newest assigned first": TaskSearch(as_of=AS_OF, text="Sở Y tế"),
    "text «báo cáo», newest assigned first": TaskSearch(as_of=AS_OF, text="báo cáo"),
    "text no task holds": TaskSearch(as_of=AS_OF, text="không có ở đâu cả"),
    "text «nông thôn mới», open overdue": TaskSearch(
        as_of=AS_OF, text="nông thôn mới", categories=("open_overdue",)
    ),
}


def median_s(fn: Callable[[], Any], repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def run_size(n: int, root: Path, port: int, repeat: int) -> list[dict[str, Any]]:
    _, repo, data_dir = demo_store(n, root, port)
    try:
        return run_store(repo, n, repeat)
    finally:
        repository.close_all()
        localdb.stop(data_dir=data_dir)


def run_store(repo: repository.Repository, n: int, repeat: int) -> list[dict[str, Any]]:
    """Every search on one store, both ways (each read-model page checked equal first)."""
    repo.ensure_schema()
    cal = WorkCalendar()
    model = ReadModel(repo).start(background=False)
    assert model.sync(10)
    cols = Columns(model)
    out = []
    try:
        for name, base in SEARCHES.items():
            for page in (1, 40):
                s = replace(base, page=page)
                expected = explorer.search_tasks(repo, s, cal)
                got = explorer.search_tasks(repo, s, cal, source=cols)
                assert got == expected, (name, page)
                pipe = median_s(lambda s=s: explorer.search_tasks(repo, s, cal), repeat)
                warm = median_s(lambda s=s: explorer.search_tasks(repo, s, cal, source=cols), 10)
                synced = median_s(
                    lambda s=s: explorer.search_tasks(
                        repo, s, cal, source=figures_for(repo, model)
                    ),
                    10,
                )
                chosen = median_s(lambda s=s: model.run(lambda c: lists.choose(c, s)), 10)
                row = {
                    "n": n,
                    "search": name,
                    "page": page,
                    "total": f"{expected.total:,}{'+' if expected.capped else ''}",
                    "pipelines": pipe,
                    "warm": warm,
                    "sync": synced,
                    "columns": chosen,
                }
                print(row, flush=True)
                out.append(row)
    finally:
        model.stop(save=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=27963)
    parser.add_argument("--dir", type=Path, default=None, help="keep data here between runs")
    parser.add_argument("--keep", action="store_true", help="do not delete the data folder")
    parser.add_argument("--uri", default=None, help="measure this store instead (with --db)")
    parser.add_argument("--db", default="cddh")
    args = parser.parse_args()
    if args.uri:
        repo = repository.connect(args.uri, args.db)
        print_table(run_store(repo, repo.db.tasks.estimated_document_count(), args.repeat))
        return
    root = args.dir or Path(tempfile.mkdtemp(prefix="cddh-bench-lists-"))
    rows: list[dict[str, Any]] = []
    try:
        for n in args.sizes:
            rows += run_size(n, root, args.port, args.repeat)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print_table(rows)


def print_table(rows: list[dict[str, Any]]) -> None:
    """The Markdown table of `rows`."""
    print("\n| tasks | page | matching | pipelines | read model warm | + sync | of which columns |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['search']}, page {r['page']} | {r['total']} "
            f"| {r['pipelines'] * 1000:.0f} ms | {r['warm'] * 1000:.1f} ms "
            f"| {r['sync'] * 1000:.1f} ms | {r['columns'] * 1000:.1f} ms |"
        )


if __name__ == "__main__":
    main()
