"""The modules the dashboard's pages use, imported once before the server starts so that
dashboard/serve.py can freeze them out of the garbage collector's way (`gc.freeze`)."""

from __future__ import annotations

import altair  # noqa: F401
import pandas  # noqa: F401
import pyarrow  # noqa: F401
import streamlit  # noqa: F401

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
