"""Benchmark: what the server computes for the pages that were slowest at 1M (docs/performance.md).

Run by hand, not part of `make test`, against a database loaded by `cddh demo --tasks N`:
    .venv/bin/python benchmarks/bench_pages.py --uri <uri> [--db cddh] [--snapshot FILE]
        [--repeat 10]

Measures, in one process, with the read model loaded (from `--snapshot` when given and
usable, else from MongoDB):

- a unit's page: its six figures (backlog, period comparison, 12-period trend, due soon,
  coordinated tasks, update discipline) side by side in a thread pool as the page asks them,
  and one after another; five departments in turn, as of ten different days;
- update discipline (Chất lượng cập nhật) of a month, a quarter and a year, province-wide;
- the Văn bản list: its first page and count, filtered by signer and by type, and searched
  (by MongoDB, and by the documents' read model);
- the Office's queue (Việc của Văn phòng).

Nothing is asserted; the figures (milliseconds: median and worst) are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import backlog, explorer, metrics, repository  # noqa: E402
from core.metrics import MetricsQuery  # noqa: E402
from core.periods import default_rule, period_containing  # noqa: E402
from core.readmodel.documents import DocumentModel  # noqa: E402
from core.readmodel.figures import figures_for  # noqa: E402
from core.readmodel.model import ReadModel  # noqa: E402
from core.scope import Scope  # noqa: E402
from core.services import work_calendar  # noqa: E402
from core.workflow import queues  # noqa: E402

UNITS = ["SYT", "SXD", "SGDDT", "STC", "SNV"]
DAY0 = date(2026, 11, 20)


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Median and worst milliseconds of `repeat` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(out), 1), "worst_ms": round(max(out), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uri", required=True)
    parser.add_argument("--db", default="cddh")
    parser.add_argument("--snapshot", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    repo = repository.connect(args.uri, args.db)
    snapshot = args.snapshot or Path(tempfile.mkdtemp(prefix="cddh-bench-pages-")) / "facts.arrow"
    start = time.perf_counter()
    model = ReadModel(repo, snapshot=snapshot).start(background=False)
    load_s = time.perf_counter() - start
    model.prepare()
    cal = work_calendar(repo)
    pool = ThreadPoolExecutor(12)
    rule = default_rule()

    def unit_page(i: int, side_by_side: bool) -> None:
        day, unit = DAY0 - timedelta(days=i % 10), UNITS[i % len(UNITS)]
        fig = figures_for(repo, model)
        q = MetricsQuery(as_of=day, lead_units=frozenset({unit}), by="none")
        period = period_containing("month", day, rule)
        pq = q.for_period(period, "deadline")
        pq = replace(pq, as_of=min(pq.as_of, day))
        coordinated = explorer.TaskSearch(as_of=day, unit=unit, coordinating=True, page_size=10)
        jobs: list[Callable[[], Any]] = [
            lambda: backlog.backlog(repo, q, cal, 15, fig),
            lambda: metrics.compare_periods(repo, q, period, "deadline", fig.period_metrics),
            lambda: metrics.trend(
                repo, q, period, 12, population="deadline", by_unit=True, counter=fig.period_metrics
            ),
            lambda: fig.due_soon(q, cal, windows=(1, 3, 7), limit=15),
            lambda: explorer.search_tasks(repo, coordinated, cal, source=fig),
            lambda: fig.update_discipline(pq, cal),
        ]
        if side_by_side:
            for future in [pool.submit(job) for job in jobs]:
                future.result()
        else:
            for job in jobs:
                job()

    counter = iter(range(10**9))
    figures: dict[str, Any] = {
        "tasks": repo.db.tasks.estimated_document_count(),
        "documents": repo.db.documents.estimated_document_count(),
        "readmodel_load_s": round(load_s, 2),
        "readmodel_bytes": model.stats()["bytes"],
        "unit_page_side_by_side": timed(lambda: unit_page(next(counter), True), args.repeat),
        "unit_page_one_after_another": timed(lambda: unit_page(next(counter), False), args.repeat),
    }
    for kind in ("month", "quarter", "year"):
        period = period_containing(kind, DAY0, rule)
        q = MetricsQuery(as_of=DAY0, by="unit").for_period(period, "deadline")
        q = replace(q, as_of=min(q.as_of, DAY0))
        figures[f"discipline_{kind}"] = timed(
            lambda q=q: figures_for(repo, model).update_discipline(q, cal), args.repeat
        )
    for name, kw in (
        ("documents_list", {}),
        ("documents_by_signer", {"signer": "CT"}),
        ("documents_by_type", {"doc_type": "KH"}),
        ("documents_search_common", {"text": "ke hoach"}),
        ("documents_search_rare", {"text": "phong chong"}),
    ):
        search = explorer.DocumentSearch(as_of=DAY0, **kw)
        figures[name] = timed(
            lambda s=search: explorer.documents_with_progress(repo, s, Scope.everything()),
            args.repeat,
        )
    start_documents = time.perf_counter()
    documents = DocumentModel(repo).start(background=False)
    figures["documents_model_load_s"] = round(time.perf_counter() - start_documents, 2)
    for name, kw in (
        ("documents_search_common_readmodel", {"text": "ke hoach"}),
        ("documents_search_rare_readmodel", {"text": "phong chong"}),
    ):
        search = explorer.DocumentSearch(as_of=DAY0, **kw)
        figures[name] = timed(
            lambda s=search: explorer.documents_with_progress(
                repo, s, Scope.everything(), source=documents
            ),
            args.repeat,
        )
    documents.stop()
    figures["office_queue"] = timed(lambda: queues.office_queue(repo, cal, DAY0), args.repeat)
    model.stop(save=False)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
