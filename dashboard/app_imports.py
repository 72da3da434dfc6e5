"""The modules the dashboard's pages use, imported once before the server starts so that
dashboard/serve.py can freeze them out of the garbage collector's way (`gc.freeze`)."""

from __future__ import annotations

# Also two that Streamlit imports on a page's first use of them: pandas' Styler (a styled
# table, 20 ms) and Streamlit's emoji list (an element's icon, 33 ms).
import altair  # noqa: F401
import pandas.io.formats.style  # noqa: F401
import pyarrow  # noqa: F401
import streamlit.emojis  # noqa: F401

from core import (  # noqa: F401
    backlog,
    briefing,
    charts,
    config,
    explorer,
    importer,
    metrics,
    repository,
    workflow,
)
from core.readmodel import figures, lists, model  # noqa: F401
from core.workflow import entry, feedback, history, queues  # noqa: F401
from dashboard import (  # noqa: F401
    auth,
    blocks,
    chart_view,
    data,
    filters,
    formatting,
    login_routes,
    navigation,
    task_page,
    workflow_ui,
)
