"""The analysis notebook runs top to bottom against a test database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from core.repository import Repository
from tests.integration.orgdata import TaskFactory, load_org

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "analysis.ipynb"


def test_notebook_executes(repo: Repository, mongod: dict[str, Any], monkeypatch: Any) -> None:
    from datetime import date, timedelta

    load_org(repo)
    factory = TaskFactory(repo)
    start = date(2025, 1, 6)
    open_deadlines = []
    for i in range(60):
        assigned = start + timedelta(days=7 * i)
        factory.add(
            assigned_date=assigned,
            deadline=assigned + timedelta(days=30),
            completed_date=assigned + timedelta(days=20 + (i % 3) * 10) if i % 4 else None,
            lead_unit=["SYT", "STC", "X-A1" if i > 30 else "H-A"][i % 3],
        )
        if not i % 4:
            open_deadlines.append(assigned + timedelta(days=30))
    factory.save()
    monkeypatch.setenv("MONGODB_URI", mongod["uri"])
    monkeypatch.setenv("MONGODB_DB", repo.db.name)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent.parent)}},
    )
    client.execute(env=dict(os.environ))
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs
    )
    assert "Tổng số nhiệm vụ: 60" in text
    # The overdue-age cell prints the buckets as of the notebook's today: counted here apart.
    from core.calendar import WorkCalendar
    from core.dates import today_local

    cal, today = WorkCalendar(), today_local()
    ages = [cal.working_days_between(d, today) for d in open_deadlines if d < today]
    assert f"'Trên 120 ngày': {sum(1 for a in ages if a > 120)}" in text
    assert f"'Từ 1 đến 7 ngày': {sum(1 for a in ages if a <= 7)}" in text
    assert len(ages) == 15
