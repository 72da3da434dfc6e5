"""The dashboard's server: Streamlit's app (`app.py`) with the login routes and the session
gate beside it (`st.App`), and Streamlit's page told where the server is and which
code to load while idle (`page_head`).
`python -m dashboard.serve` runs `streamlit run` on this file."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from dashboard.login_routes import LOGIN_PATH, LOGOUT_PATH, SessionGate, login, logout
from dashboard.navigation import PAGES
from dashboard.page_head import PageHead

app = st.App(
    str(Path(__file__).resolve().parent / "app.py"),
    routes=[
        Route(LOGIN_PATH, login, methods=["GET", "POST"]),
        Route(LOGOUT_PATH, logout, methods=["GET", "POST"]),
    ],
    middleware=[
        Middleware(SessionGate),
        Middleware(PageHead, pages=[address for *_rest, address in PAGES]),
    ],
)
