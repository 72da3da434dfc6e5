"""A demo province database shared by the dashboard and browser tests (loaded once a session)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core import repository
from core.demo import DEMO_TODAY, load_demo

DEMO_TASKS = 2500
AS_OF: date = DEMO_TODAY  # the demo's fixed "today": tests pin the as-of date to it


def load_demo_db(
    mongod: dict[str, Any], name: str, tasks: int = DEMO_TASKS
) -> repository.Repository:
    """A fresh database `name` on the test mongod holding the demo province."""
    repo = repository.connect(mongod["uri"], name)
    repo.drop_all()
    repo.ensure_schema()
    load_demo(repo, tasks=tasks, seed=2025)
    return repo
