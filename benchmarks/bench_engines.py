"""Benchmark: the same classification (per-unit status as of D) on the read model's columns,
with numpy (what core/readmodel uses), DuckDB and Polars — why numpy.

    nice -n 10 .venv/bin/python benchmarks/bench_engines.py /tmp/rm_bench/snapshot_1000000.arrow

The snapshot is the Arrow file `ReadModel` writes (benchmarks/bench_readmodel.py leaves one per
size). DuckDB and Polars are not dependencies of the project: install them by hand to compare
(`pip install duckdb polars`); a missing one is skipped. Every engine must give the numpy
counts; each time is the median of 20 runs, with nothing cached between runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from core.metrics.query import CATEGORIES, MetricsQuery
from core.readmodel import queries
from core.readmodel.columns import NEVER, FactColumns, day_number

AS_OF = date(2026, 11, 14)


def median_ms(fn: Callable[[], Any], repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def numpy_counts(cols: FactColumns) -> dict[tuple[int, str], int]:
    cols.__dict__.pop("_classified", None)  # nothing cached between runs
    rows = queries.counted_rows(cols, MetricsQuery(as_of=AS_OF, by="unit"), None)
    code = {u: i for i, u in enumerate(cols.units.values)}
    return {(code[r["_id"]], c): r[c] for r in rows for c in CATEGORIES if r[c]}


def table_of(cols: FactColumns) -> pa.Table:
    n = cols.n
    arrays = {
        "lead": cols.lead[:n],
        "assigned": cols.assigned[:n],
        "deadline": cols.deadline[:n],
        "completed": cols.completed[:n],
        "cancelled": cols.cancelled[:n],
    }
    for k in range(cols.ext_appr.shape[0]):
        arrays[f"a{k}"] = cols.ext_appr[k, :n]
        arrays[f"n{k}"] = cols.ext_new[k, :n]
    return pa.table(arrays)


def sql(k_ext: int, d: int) -> str:
    """The rules of core/readmodel/rules.py in SQL: the extension in force is the one with the
    greatest (approval day, position) among those approved by min(completion, D)."""
    cut = f"least(completed, {d})"
    # Written as a chain of CTE columns to keep each step's `best`.
    steps = [f"{cut} as cut", "deadline as eff0", "-2147483648 as best0"]
    chain = []
    for k in range(k_ext):
        ok = f"(a{k} <= cut and a{k} >= best{k})"
        chain.append(
            f"select *, case when {ok} then n{k} else eff{k} end as eff{k + 1}, "
            f"case when {ok} then a{k} else best{k} end as best{k + 1} from s{k}"
        )
    never = int(NEVER)
    body = [f"s0 as (select *, {', '.join(steps)} from t "
            f"where assigned <= {d} and cancelled > {d})"]  # fmt: skip
    for k, q in enumerate(chain):
        body.append(f"s{k + 1} as ({q})")
    last = f"s{k_ext}"
    cat = (
        f"case when eff{k_ext} = {never} then (case when completed <= {d} then 4 else 5 end) "
        f"when completed <= {d} then (case when completed <= eff{k_ext} then 0 else 1 end) "
        f"when {d} <= eff{k_ext} then 2 else 3 end"
    )
    return f"with {', '.join(body)} select lead, {cat} as c, count(*) as n from {last} group by all"


def main() -> None:
    path = Path(sys.argv[1])
    cols, _info = FactColumns.load(path)
    d = day_number(AS_OF)
    want = numpy_counts(cols)
    print(f"{cols.n:,} tasks, {cols.ext_appr.shape[0]} extension columns")
    print(f"numpy (core/readmodel, uncached): {median_ms(lambda: numpy_counts(cols)):.1f} ms")
    table = table_of(cols)
    try:
        import duckdb

        con = duckdb.connect()
        con.register("t", table)
        query = sql(cols.ext_appr.shape[0], d)

        def duck() -> dict[tuple[int, str], int]:
            rows = con.execute(query).fetchall()
            return {(int(u), CATEGORIES[int(c)]): int(n) for u, c, n in rows}

        assert duck() == want
        print(
            f"DuckDB {duckdb.__version__} (SQL over the same Arrow columns): {median_ms(duck):.1f} ms"
        )
    except ImportError:
        print("DuckDB: not installed, skipped")
    try:
        import polars as pl

        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)

        def polars_counts() -> dict[tuple[int, str], int]:
            f = frame.lazy().filter((pl.col("assigned") <= d) & (pl.col("cancelled") > d))
            f = f.with_columns(pl.min_horizontal("completed", pl.lit(d)).alias("cut"))
            f = f.with_columns(pl.col("deadline").alias("eff"), pl.lit(-(2**31)).alias("best"))
            for k in range(cols.ext_appr.shape[0]):
                ok = (pl.col(f"a{k}") <= pl.col("cut")) & (pl.col(f"a{k}") >= pl.col("best"))
                f = f.with_columns(
                    pl.when(ok).then(pl.col(f"n{k}")).otherwise(pl.col("eff")).alias("eff"),
                    pl.when(ok).then(pl.col(f"a{k}")).otherwise(pl.col("best")).alias("best"),
                )
            done = pl.col("completed") <= d
            cat = (
                pl.when(pl.col("eff") == int(NEVER))
                .then(pl.when(done).then(4).otherwise(5))
                .when(done)
                .then(pl.when(pl.col("completed") <= pl.col("eff")).then(0).otherwise(1))
                .when(pl.lit(d) <= pl.col("eff"))
                .then(2)
                .otherwise(3)
            )
            out = f.group_by("lead", cat.alias("c")).len().collect()
            return {(int(u), CATEGORIES[int(c)]): int(n) for u, c, n in out.iter_rows()}

        assert polars_counts() == want
        print(f"Polars {pl.__version__}: {median_ms(polars_counts):.1f} ms")
    except ImportError:
        print("Polars: not installed, skipped")
    print(f"numpy, classification cached for D (the dashboard's case): "
          f"{median_ms(lambda: queries.counted_rows(cols, MetricsQuery(as_of=AS_OF), None)):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
