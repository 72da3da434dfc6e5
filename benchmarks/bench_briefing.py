"""Benchmark: the monthly briefing (.docx with charts and annex) on a large province.

Run from the repository root, either on a database that already holds the demo province

    MONGODB_URI='mongodb://127.0.0.1:27701/?replicaSet=rs0&directConnection=true' \
        .venv/bin/python benchmarks/bench_briefing.py

or let it start a throwaway mongod and load `--tasks` demo tasks first (minutes per million):

    .venv/bin/python benchmarks/bench_briefing.py --tasks 1000000

It builds the November 2026 briefing of the whole province as of the demo's "today" (the
first run in a fresh process pays vl-convert's start-up, about 1 s), then `--repeat` more
times, and prints a Markdown table (total and per-step seconds) for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from core import briefing as b
from core import config, localdb, repository
from core.demo import DEMO_TODAY, load_demo
from core.periods import period_for_report


def run_once(
    repo: repository.Repository, report: str, figures: Any = None
) -> tuple[float, dict[str, float], int]:
    """One briefing: total seconds, the per-step timings, the file size."""
    request = b.BriefingRequest(period=period_for_report("month", report))
    t0 = time.perf_counter()
    result = b.build_briefing(
        repo, request, generated_by="benchmark", today=DEMO_TODAY, figures=figures
    )
    return time.perf_counter() - t0, result.timings, len(result.content)


def bench(
    repo: repository.Repository, repeat: int, report: str, figures: Any = None
) -> list[dict[str, Any]]:
    """The cold run and `repeat` warm runs."""
    rows = []
    for i in range(repeat + 1):
        total, timings, size = run_once(repo, report, figures)
        rows.append({"run": "first" if i == 0 else f"warm {i}", "total": total, "size": size,
                     **timings})  # fmt: skip
    return rows


def table(rows: list[dict[str, Any]], tasks: int) -> str:
    """Markdown for docs/performance.md."""
    cols = ["total", "trend", "overdue", "age", "units", "chart_ranking", "render"]
    out = [
        f"Monthly briefing 2026-11, whole province, {tasks:,} tasks "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores):",
        "",
        "| run | " + " | ".join(cols) + " | size |",
        "|---|" + "---:|" * (len(cols) + 1),
    ]
    for r in rows:
        cells = [f"{r.get(c, 0):.2f}" for c in cols]
        out.append(f"| {r['run']} | " + " | ".join(cells) + f" | {r['size'] / 1024:.0f} KiB |")
    warm = [r["total"] for r in rows[1:]] or [rows[0]["total"]]
    out.append("")
    out.append(f"Median of the warm runs: {statistics.median(warm):.2f} s (seconds; queries run "
               "in parallel, so the steps overlap and do not add up to the total).")  # fmt: skip
    return "\n".join(out)


def main() -> None:
    """Parse options, get a database, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=0, help="load a fresh demo of N tasks")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--report", default="2026-11")
    parser.add_argument(
        "--readmodel",
        action="store_true",
        help="status figures from the read model (loaded first, as the dashboard does)",
    )
    args = parser.parse_args()
    folder: Path | None = None
    try:
        if args.tasks:
            folder = Path(tempfile.mkdtemp(prefix="cddh-bench-brief-"))
            status = localdb.start(data_dir=folder, port=27799)
            repo = repository.connect(status.uri, "bench")
            repo.drop_all()
            repo.ensure_schema()
            t0 = time.perf_counter()
            load_demo(repo, tasks=args.tasks, seed=2025)
            print(f"loaded {args.tasks:,} tasks in {time.perf_counter() - t0:.0f} s")
        else:
            repo = repository.connect(config.effective_uri(), config.mongodb_db())
        tasks = repo.db.tasks.estimated_document_count()
        figures = None
        if args.readmodel:
            from core.readmodel.figures import Columns
            from core.readmodel.model import ReadModel

            t0 = time.perf_counter()
            figures = Columns(ReadModel(repo).start(background=False))
            print(f"read model loaded in {time.perf_counter() - t0:.1f} s")
        print(table(bench(repo, args.repeat, args.report, figures), tasks))
    finally:
        if folder is not None:
            repository.close_all()
            localdb.stop(data_dir=folder)
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
