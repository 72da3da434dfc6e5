"""Fixtures for the browser benchmark (`pytest benchmarks/bench_dashboard.py`), from the test suite."""

from tests.browser.conftest import browser_context, page  # noqa: F401
from tests.conftest import artifacts_dir  # noqa: F401
