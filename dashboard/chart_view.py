"""Drawing the charts of `core/charts` on a page: as their Vega-Lite specification, built
without Altair's schema validation on every render (about a third of a chart's cost on the
server; tests/dashboard/test_chart_specs.py validates every drawn chart once). The charts drawn
at every click are plain Vega-Lite dictionaries already (no Altair object to build)."""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

# What Altair's default theme adds and Streamlit's own conversion leaves out (the chart
# takes the page's width).
_THEME_VIEW = {"continuousWidth": 300, "continuousHeight": 300}


def spec_of(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """The chart's Vega-Lite specification, as Streamlit would draw it (no default view size);
    a specification already (a dictionary) is drawn as it is."""
    if isinstance(chart, dict):
        return chart
    spec: dict[str, Any] = chart.to_dict(validate=False)
    config = spec.get("config")
    if isinstance(config, dict) and isinstance(config.get("view"), dict):
        view = config["view"]
        for name, value in _THEME_VIEW.items():
            if view.get(name) == value:
                del view[name]
        if not view:
            del config["view"]
        if not config:
            del spec["config"]
    return spec


def show(
    chart: alt.TopLevelMixin | dict[str, Any], key: str | None = None, selectable: bool = False
) -> Any:
    """Draw the chart at the page's width; with `selectable`, a click reruns the page and the
    selection is returned (as `st.altair_chart(on_select="rerun")` returns it)."""
    return st.vega_lite_chart(
        spec=spec_of(chart),
        width="stretch",
        key=key,
        on_select="rerun" if selectable else "ignore",
    )
