"""Benchmark: a 12-period trend per unit, one query per period vs one pass vs closed periods'
summaries, on a database already loaded with `cddh demo --tasks N`.

    MONGODB_URI=<uri> .venv/bin/python benchmarks/bench_trend.py [--kinds year quarter month]

It forgets the database's period summaries first (they are recomputed on use), then for each
period kind times, as of the demo's "today":

* per period: `status_metrics` of each period's own query, two at a time (the way before);
* first use: `period_metrics` with no summaries stored: the ended periods are counted in one
  pass and stored, the running one is counted live;
* from summaries: the same call again: ended periods are read back, only the running one is
  counted;
* warm-up: `warm_summaries` (13 periods of every kind, both populations) from nothing.

Prints a Markdown table for docs/performance.md. Nothing is asserted about speed; the three
answers are checked equal.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from core import config, metrics, repository
from core.periods import default_rule, last_n_periods, period_containing

AS_OF = date(2026, 11, 20)


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Median seconds of `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", default=["year", "quarter", "month"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    repo = repository.connect(config.effective_uri(), config.mongodb_db())
    repo.ensure_schema()
    tasks = repo.db.tasks.estimated_document_count()
    query = metrics.MetricsQuery(as_of=AS_OF, by="unit")
    rows = []
    for kind in args.kinds:
        periods = last_n_periods(period_containing(kind, AS_OF, default_rule()), 12)
        queries = [metrics._period_query(query, p, "deadline", "unit") for p in periods]
        per_period, old = timed(lambda qs=queries: metrics._in_parallel(repo, qs), args.repeat)
        repo.clear_period_summaries()

        def one_pass(ps: list[Any] = periods) -> list[dict[str, Any]]:
            return metrics.period_metrics(repo, query, ps, "deadline")

        first, new = timed(one_pass)
        stored, again = timed(one_pass, args.repeat)
        assert old == new == again, kind
        rows.append((kind, per_period, first, stored))
        print(rows[-1], flush=True)
    repo.clear_period_summaries()
    warm, count = timed(lambda: metrics.warm_summaries(repo, AS_OF, default_rule()))
    print(f"\n{tasks:,} tasks, {os.cpu_count()} cores, as of {AS_OF:%d/%m/%Y}\n")
    print("| 12 periods per unit | one query per period | first use (one pass) | from summaries |")
    print("|---|---:|---:|---:|")
    for kind, per_period, first, stored in rows:
        print(f"| {kind} | {per_period:.2f} s | {first:.2f} s | {stored:.2f} s |")
    print(f"\nwarm-up of {count} ended periods (5 kinds × 13, 2 populations): {warm:.1f} s")


if __name__ == "__main__":
    main()
