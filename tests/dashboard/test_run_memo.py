"""The organisation (units, leaders) is looked up once per script run (dashboard/data.py): a
page naming every unit in a choice does not ask Streamlit's cache each time, a new run looks
it up afresh, and a figure thread (no script run) still gets it."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from core.repository import Repository
from dashboard import data, formatting
from tests.dashboard.demo_db import AS_OF
from tests.dashboard.test_pages import assert_clean, open_app


def test_a_run_looks_the_organisation_up_once(
    demo_env: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = {"org": 0, "names": 0}
    org, unit_name = data.org, formatting.unit_name

    def counted_org(*args: Any, **kwargs: Any) -> Any:
        lookups["org"] += 1
        return org(*args, **kwargs)

    def counted_name(code: str | None) -> str:
        lookups["names"] += 1
        return unit_name(code)

    monkeypatch.setattr(data, "org", counted_org)
    monkeypatch.setattr(formatting, "unit_name", counted_name)
    at = open_app("views/don_vi.py", ngay=AS_OF.isoformat())  # two runs: overview, Đơn vị
    assert_clean(at)
    assert at.title[0].value == "Đơn vị"
    assert lookups["names"] > 50  # every unit named in the choice of a unit
    assert lookups["org"] <= 2 * 2  # per run: org_data once (and accountability's own)
    before = lookups["org"]
    at.run()
    assert lookups["org"] > before  # a new run looks it up afresh


def test_a_figure_thread_gets_the_organisation_without_a_run(demo_env: Repository) -> None:
    found: list[dict[str, Any]] = []
    thread = threading.Thread(target=lambda: found.append(data.org_data()))
    thread.start()
    thread.join()
    assert found and found[0]["unit_names"]["SYT"] == "Sở Y tế"
