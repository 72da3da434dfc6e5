"""Entrypoint of the leadership dashboard: page set-up, shared filters, navigation, the URL."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.access import roles
from core.access.roles import Actor
from core.errors import AccessDenied
from core.repository import ConnectionFailure
from dashboard import auth, filters
from dashboard import data as db
from dashboard import navigation as nav

st.set_page_config(
    page_title="Theo dõi nhiệm vụ UBND tỉnh giao",
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on a phone: the backlog comes first
    menu_items={"About": "Theo dõi, đôn đốc nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao."},
)


def _pages(actor: Actor) -> list[Any]:
    """The actor's navigation: his pages, and in place of every other one a hidden page at
    the same address that refuses it (a direct or copied link says so, never shows it)."""
    only_account = auth.must_change_password()
    out = []
    for feature, script, title, path in nav.PAGES:
        allowed = actor.sees_feature(feature) and (not only_account or feature == roles.ACCOUNT)
        first = feature == (roles.ACCOUNT if only_account else roles.OVERVIEW)
        if allowed:
            shown = _with_count(feature, title) if not only_account else title
            out.append(st.Page(script, title=shown, url_path=path, default=first))
        else:
            out.append(
                st.Page(_refusal(title, path), title=title, url_path=path, visibility="hidden")
            )
    return out


def _with_count(feature: str, title: str) -> str:
    """A work queue's title with how many items wait in it (counts on the navigation)."""
    if feature not in (roles.OFFICE_WORK, roles.UNIT_WORK):
        return title
    from core import workflow

    repo = db.get_repo()
    n = workflow.office_counts(repo) if feature == roles.OFFICE_WORK else workflow.unit_counts(repo)
    return f"{title} ({n})" if n else title


def _refusal(title: str, path: str) -> Any:
    def refused() -> None:
        nav.refuse_page(title, path)

    refused.__name__ = f"refused_{path.replace('-', '_')}"
    return refused


nav.begin_run()
st.session_state.pop("_wf_seen", None)  # versions shown by this run (dashboard/workflow_ui.py)
db.base_repo()  # stops with a Vietnamese message when MongoDB is out of reach
page = None
# The one error boundary of every page: no traceback ever reaches the reader (st.stop and
# st.rerun are BaseExceptions and pass through).
try:
    actor = auth.resolve()
    if actor is None:
        st.stop()
    assert actor is not None
    db.note_generation()
    meeting = nav.meeting_requested()
    # expanded: every page of the role is listed (the Office has up to 14; Streamlit would
    # otherwise hide all but ten behind «View more»)
    page = st.navigation(_pages(actor), position="top" if meeting else "sidebar", expanded=True)
    nav.enter_page(page.url_path)
    nav.user_box(actor)
    page.run()  # the page's first `current_filters()` draws the shared filters
    filters.sync_url(filters.current_filters())
except AccessDenied as exc:
    st.error(str(exc))
except ConnectionFailure as exc:
    db.show_unavailable(
        "Mất kết nối tới MongoDB trong khi đọc số liệu "
        f"({type(exc).__name__}). Kiểm tra máy chủ rồi tải lại trang."
    )
except Exception as exc:
    nav.show_unexpected(exc, page.title if page else None, page.url_path if page else None)
