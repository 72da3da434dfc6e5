"""The charts the pages draw are valid Vega-Lite (Altair validates each spec here, once, since
the pages skip that check on every render: dashboard/chart_view.py), take the page's width
(no theme default size left in them) and the clickable ones keep their unit selection."""

from __future__ import annotations

import json
from typing import Any

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema
from streamlit.testing.v1 import AppTest

from core.repository import Repository
from tests.dashboard.demo_db import AS_OF
from tests.dashboard.test_pages import open_app

SCHEMA = load_schema()


def specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


@pytest.mark.parametrize(
    ("page", "params", "selectable"),
    [
        (None, {}, 2),  # overdue units and ranking: a click opens the unit
        (None, {"ky": "year"}, 2),  # with the unit × year heatmap
        ("views/don_vi.py", {"donvi": "SYT"}, 0),
        ("views/lanh_dao.py", {}, 0),
    ],
)
def test_every_drawn_chart_is_valid_vega_lite(
    demo_env: Repository, page: str | None, params: dict[str, str], selectable: int
) -> None:
    at = open_app(page, ngay=AS_OF.isoformat(), **params)
    assert not at.exception
    drawn = specs(at)
    assert drawn, page
    for spec in drawn:
        validate_jsonschema(spec, SCHEMA)  # raises on any schema error
        view = (spec.get("config") or {}).get("view") or {}
        assert "continuousWidth" not in view and "continuousHeight" not in view, view
    with_units = [s for s in drawn if any(p.get("name") == "don_vi" for p in s.get("params", []))]
    assert len(with_units) == selectable
