"""Who is using the dashboard (người dùng đang đăng nhập), on the Streamlit side.

Each run resolves the acting user from the session cookie (password mode, set by
`dashboard/login_routes.py`) or from the identity provider (`st.login`, OIDC mode), checks the
session on the server every time (a logout or a disabled account takes effect at the next
click), and binds the repository to him (`dashboard.data.get_repo`). A run without a user
draws the way to log in and stops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core import config
from core.access import audit, sessions
from core.access.roles import Actor
from core.errors import DatabaseUnavailable

COOKIE = "cddh_session"
TOKEN_KEY = "cddh_token"  # tests (AppTest) hand the app a token here; browsers use the cookie
_ACTOR = "_cddh_actor"
_MUST_CHANGE = "_cddh_must_change_password"


def token() -> str | None:
    """This browser's session token."""
    given = st.session_state.get(TOKEN_KEY)
    if isinstance(given, str):
        return given
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # no browser request behind this run
        return None


def client() -> str | None:
    """The client's address where Streamlit knows it (None on this machine)."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:100]
        return st.context.ip_address
    except Exception:
        return None


def resolve() -> Actor | None:
    """The acting user of this run (also kept for `current()`), or None after drawing the way
    to log in."""
    from dashboard import data as db

    base = db.base_repo()
    st.session_state.pop(_ACTOR, None)
    mode = config.auth_settings().mode
    if mode == "oidc":
        actor = _oidc_actor(base)
        must_change = False
    else:
        state = sessions.resume(base, token(), client())
        actor, must_change = state.actor, state.must_change_password
        if actor is None:
            _ask_login(expired=state.expired)
            return None
    if actor is None:
        return None
    st.session_state[_ACTOR] = actor
    st.session_state[_MUST_CHANGE] = must_change
    return actor


def current() -> Actor:
    """The acting user of this run (set by `resolve` before any page runs)."""
    actor = st.session_state.get(_ACTOR)
    if not isinstance(actor, Actor):
        raise RuntimeError("no logged-in user in this run")
    return actor


def must_change_password() -> bool:
    """Whether the user must change a password the Office gave him before anything else."""
    return bool(st.session_state.get(_MUST_CHANGE))


def log(event: str, detail: dict[str, Any] | None = None) -> None:
    """Write one entry of the access log for the acting user (a failure is never the user's
    problem: it is logged on the server)."""
    logger(event, detail)()


def logger(event: str, detail: dict[str, Any] | None = None) -> Callable[[], None]:
    """`log(event, detail)` for the acting user of this run, to be called later from a thread
    that is not this run's (a download's file is made by Streamlit's server when the button is
    pressed, outside any run of the page)."""
    from dashboard import data as db

    repo, actor, address = db.base_repo(), current(), client()

    def write() -> None:
        try:
            audit.record(repo, event, actor, detail, address)
        except (DatabaseUnavailable, RuntimeError) as exc:
            import logging

            logging.getLogger("cddh.dashboard").warning("access log not written: %s", exc)

    return write


def _ask_login(expired: bool) -> None:
    st.title("Theo dõi nhiệm vụ UBND tỉnh giao")
    if expired:
        st.info("Phiên làm việc đã hết hạn do không thao tác; vui lòng đăng nhập lại.")
    else:
        st.info("Vui lòng đăng nhập để xem bảng điều hành.")
    from dashboard.navigation import same_tab_link

    same_tab_link("Đăng nhập", "/dang-nhap")


def _oidc_actor(base: Any) -> Actor | None:
    """The account matched by the identity provider's email; None (after saying why) when
    not logged in there or when the email has no account."""
    if not st.user.is_logged_in:
        st.title("Theo dõi nhiệm vụ UBND tỉnh giao")
        st.info("Đăng nhập bằng tài khoản do tỉnh cấp.")
        st.button("Đăng nhập", type="primary", on_click=st.login)
        return None
    email = str(st.user.get("email") or "")
    actor = sessions.actor_for_email(base, email)
    if actor is None:
        st.title("Theo dõi nhiệm vụ UBND tỉnh giao")
        st.error(
            f"Tài khoản «{email}» chưa được cấp quyền dùng bảng điều hành. "
            "Liên hệ Văn phòng UBND tỉnh."
        )
        st.button("Đăng xuất", on_click=st.logout)
        return None
    return actor


def reads_content() -> bool:
    """Whether the user may read task contents (False: aggregated figures only)."""
    return current().rule.content


def sees(feature: str) -> bool:
    """Whether the user's navigation holds the page of this feature (core/access/roles.py)."""
    return current().sees_feature(feature)
