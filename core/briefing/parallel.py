"""Independent queries run in parallel threads, follow-ups started as their inputs arrive."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

FollowUp = tuple[tuple[str, ...], Callable[[dict[str, Any]], Any]]


def _run_parallel(
    jobs: Mapping[str, Callable[[], Any]],
    timings: dict[str, float],
    after: Mapping[str, FollowUp] | None = None,
) -> dict[str, Any]:
    """Run independent queries concurrently (pymongo is thread-safe; mongod uses its cores).

    `after`: name -> (names it needs, function of their results), started as soon as those
    are done, so chart drawing overlaps the slower queries.
    """
    after = after or {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            timings[name] = round(time.perf_counter() - t0, 3)

    with ThreadPoolExecutor(max_workers=len(jobs) + len(after)) as pool:
        futures = {name: pool.submit(timed, name, fn) for name, fn in jobs.items()}

        def follow(deps: tuple[str, ...], fn: Callable[[dict[str, Any]], Any]) -> Any:
            return fn({d: futures[d].result() for d in deps})

        for name, (deps, fn) in after.items():
            futures[name] = pool.submit(timed, name, partial(follow, deps, fn))
        return {name: fut.result() for name, fut in futures.items()}
