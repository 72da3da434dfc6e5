"""Benchmark: the monthly briefing (.docx with charts and annex) on a large province.

Run from the repository root, either on a database that already holds the demo province

    MONGODB_URI='mongodb://127.0.0.1:27701/?replicaSet=rs0&directConnection=true' \
        .venv/bin/python benchmarks/bench_briefing.py --readmodel

or let it start a throwaway mongod and load `--tasks` demo tasks first (minutes per million):

    .venv/bin/python benchmarks/bench_briefing.py --tasks 1000000 --readmodel

It builds the November 2026 briefing of the whole province as of the demo's "today" (the
first run in a fresh process pays vl-convert's start-up, about 1 s), then `--repeat` more
times, and prints a Markdown table (total and per-step seconds, load average) for
docs/performance.md. With `--readmodel` it does so twice in the same run: figures from the
pipelines, then from the read model (loaded first, as the dashboard does), and checks that
both documents say the same (their text, numbers and tables).

The pipelines' trend stores the summaries of ended periods it misses (`period_summaries`):
on a database you may not write to, pass `--no-pipelines`.
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
) -> tuple[float, dict[str, float], bytes]:
    """One briefing: total seconds, the per-step timings, the file."""
    request = b.BriefingRequest(period=period_for_report("month", report))
    t0 = time.perf_counter()
    result = b.build_briefing(
        repo, request, generated_by="benchmark", today=DEMO_TODAY, figures=figures
    )
    return time.perf_counter() - t0, result.timings, result.content


def bench(
    repo: repository.Repository, repeat: int, report: str, figures: Any = None
) -> tuple[list[dict[str, Any]], bytes]:
    """The cold run and `repeat` warm runs; the last file."""
    rows = []
    content = b""
    for i in range(repeat + 1):
        total, timings, content = run_once(repo, report, figures)
        rows.append({"run": "first" if i == 0 else f"warm {i}", "total": total,
                     "size": len(content), "load": os.getloadavg()[0], **timings})  # fmt: skip
    return rows, content


COLUMNS = [
    "total",
    "discipline",
    "overdue",
    "age",
    "units",
    "trend",
    "compare",
    "chart_status",
    "chart_ranking",
    "chart_trend",
    "render",
]


def table(rows: list[dict[str, Any]], tasks: int, way: str) -> str:
    """Markdown for docs/performance.md."""
    out = [
        f"Monthly briefing 2026-11, whole province, {tasks:,} tasks, figures from {way} "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores):",
        "",
        "| run | " + " | ".join(COLUMNS) + " | size | load avg |",
        "|---|" + "---:|" * (len(COLUMNS) + 2),
    ]
    for r in rows:
        cells = [f"{r.get(c, 0):.2f}" for c in COLUMNS]
        out.append(
            f"| {r['run']} | " + " | ".join(cells) + f" | {r['size'] / 1024:.0f} KiB"
            f" | {r['load']:.1f} |"
        )
    out.append("")
    out.append(f"Median of the warm runs: {median_warm(rows):.2f} s (seconds; queries run in "
               "parallel, so the steps overlap and do not add up to the total).")  # fmt: skip
    return "\n".join(out)


def median_warm(rows: list[dict[str, Any]]) -> float:
    """The median total of the warm runs (the first run's when there is none)."""
    warm = [r["total"] for r in rows[1:]] or [rows[0]["total"]]
    return float(statistics.median(warm))


def document_text(content: bytes) -> list[str]:
    """What a briefing says: its paragraphs and every table cell, in order (no images)."""
    import io

    import docx

    doc = docx.Document(io.BytesIO(content))
    out = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        out += ["|".join(c.text for c in row.cells) for row in t.rows]
    return out


def main() -> None:
    """Parse options, get a database, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=0, help="load a fresh demo of N tasks")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--report", default="2026-11")
    parser.add_argument(
        "--readmodel",
        action="store_true",
        help="also with the figures from the read model (loaded first, as the dashboard does)",
    )
    parser.add_argument(
        "--no-pipelines",
        action="store_true",
        help="skip the pipelines' runs (they may store period summaries)",
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
        print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        texts: dict[str, list[str]] = {}
        medians: dict[str, float] = {}
        if not args.no_pipelines:
            rows, content = bench(repo, args.repeat, args.report)
            print(table(rows, tasks, "the pipelines"), flush=True)
            texts["pipelines"], medians["pipelines"] = document_text(content), median_warm(rows)
        if args.readmodel:
            from core.readmodel.figures import Columns
            from core.readmodel.model import ReadModel

            t0 = time.perf_counter()
            model = ReadModel(repo).start(background=False)
            print(f"read model loaded in {time.perf_counter() - t0:.1f} s")
            rows, content = bench(repo, args.repeat, args.report, Columns(model))
            print(table(rows, tasks, "the read model"), flush=True)
            texts["read model"], medians["read model"] = document_text(content), median_warm(rows)
            model.stop(save=False)
        if len(texts) == 2:
            same = texts["pipelines"] == texts["read model"]
            print(f"\nWarm medians: pipelines {medians['pipelines']:.2f} s, read model "
                  f"{medians['read model']:.2f} s; same text: {same}")  # fmt: skip
            if not same:
                raise SystemExit("the two briefings differ")
    finally:
        if folder is not None:
            repository.close_all()
            localdb.stop(data_dir=folder)
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
