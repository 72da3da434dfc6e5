"""Benchmark (issue 13): what drawing the overview's charts costs the server, per chart —
building the chart (`core/charts`), then, for an Altair chart, its Vega-Lite spec with Altair's
schema validation (what `st.altair_chart` did on every render) and without it (what
`dashboard/chart_view.py` does; the specs are validated once by tests/dashboard/test_chart_specs.py).
The status breakdown, the trend, the overdue units and the ranking are plain Vega-Lite
dictionaries (their build is their spec: "—"); `--altair` times the Altair charts they replaced
(kept in tests/dashboard/test_chart_dicts.py) too.

    .venv/bin/python benchmarks/bench_charts.py [--repeat 20]

Inputs are shaped like the demo province's (97 units; the overview shows 15 overdue units,
up to 30 ranked units, 12 periods, a 15 × 12 heatmap). Prints a Markdown table of medians (ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import charts
from core.metrics import CATEGORIES


def _row(i: int, **extra: Any) -> dict[str, Any]:
    on_time, late, overdue = 20 + i % 17, 3 + i % 5, 2 + i % 7
    return {
        "key": f"U{i}",
        "name": f"Sở thứ {i} của tỉnh",
        "completed_on_time": on_time,
        "completed_late": late,
        "open_overdue": overdue,
        "on_time_rate_due": on_time / (on_time + late + overdue),
        "volume": on_time + late + overdue,
        **extra,
    }


def inputs(altair: bool = False) -> dict[str, Callable[[], Any]]:
    units = [_row(i, over_120=i % 4, rank=i + 1, ranked=True) for i in range(30)]
    periods = [f"T{m}/2026" for m in range(1, 13)]
    points = [{**_row(m), "label": p, "partial": m == 11} for m, p in enumerate(periods)]
    heat = [{**_row(i), "label": p} for i in range(15) for p in periods]
    total = {c: 100 + 13 * n for n, c in enumerate(CATEGORIES)}
    out: dict[str, Callable[[], Any]] = {
        "status breakdown": lambda: charts.status_breakdown(total),
        "overdue units (15, clickable)": lambda: charts.overdue_by_unit(
            units[:15], selectable=True
        ),
        "trend, 12 periods": lambda: charts.trend_lines(points),
        "ranking (30, clickable)": lambda: charts.rate_ranking(units, selectable=True),
        "heatmap 15 × 12": lambda: charts.rate_heatmap(heat),
    }
    if altair:
        from tests.dashboard import test_chart_dicts as before

        out["status breakdown (Altair, before)"] = lambda: before.altair_status_breakdown(total)
        out["overdue units (Altair, before)"] = lambda: before.altair_overdue_by_unit(
            units[:15], selectable=True
        )
        out["trend, 12 periods (Altair, before)"] = lambda: before.altair_trend_lines(points)
        out["ranking (Altair, before)"] = lambda: before.altair_rate_ranking(units, selectable=True)
    return out


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--altair", action="store_true", help="also the Altair charts replaced")
    args = parser.parse_args()
    print("| chart | build | spec, validated | spec, not validated |")
    print("|---|---:|---:|---:|")
    sums = [0.0, 0.0, 0.0]
    for name, build in inputs(args.altair).items():
        chart = build()
        if isinstance(chart, dict):  # plain Vega-Lite: nothing more to do
            built = median_ms(build, args.repeat)
            if "before" not in name:
                sums[0] += built
            print(f"| {name} | {built:.2f} | — | — |")
            continue
        row = [
            median_ms(build, args.repeat),
            median_ms(lambda c=chart: c.to_dict(), args.repeat),
            median_ms(lambda c=chart: c.to_dict(validate=False), args.repeat),
        ]
        if "before" not in name:
            sums = [a + b for a, b in zip(sums, row, strict=True)]
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in row) + " |")
    print("| **the five** | " + " | ".join(f"**{v:.1f}**" for v in sums) + " |")


if __name__ == "__main__":
    main()
