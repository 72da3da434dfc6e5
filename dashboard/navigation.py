"""Moving between pages: page ids, the run's start on a page, links, page headers, meeting mode."""

from __future__ import annotations

import html
import logging
import secrets
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from core.access import roles
from dashboard.data import RUN_MEMO
from dashboard.filters import (
    FILTER_PARAMS,
    P_MEETING,
    PAGE_PARAMS,
    Filters,
    adopt_url_filters,
    filter_store,
    show_link_problems,
    take_widget_values,
)

# Page files (relative to app.py); app.py builds the navigation from these.
PAGE_OVERVIEW = "views/tong_quan.py"
PAGE_UNITS = "views/don_vi.py"
PAGE_TASKS = "views/nhiem_vu.py"
PAGE_DOCUMENTS = "views/van_ban.py"
PAGE_LEADERS = "views/lanh_dao.py"
PAGE_DISCIPLINE = "views/chat_luong.py"
PAGE_BRIEFING = "views/bao_cao.py"
PAGE_USERS = "views/nguoi_dung.py"
PAGE_ACCESS_LOG = "views/nhat_ky.py"
PAGE_ACCOUNT = "views/tai_khoan.py"
PAGE_OFFICE_WORK = "views/viec_van_phong.py"
PAGE_UNIT_WORK = "views/viec_don_vi.py"
PAGE_ENTRY = "views/nhap_van_ban.py"
PAGE_IMPORT = "views/nhap_tep.py"

# Every page: (feature of the role table in core/access/roles.py, script, title, address).
PAGES: list[tuple[str, str, str, str]] = [
    (roles.OVERVIEW, PAGE_OVERVIEW, "Tổng quan", "tong-quan"),
    (roles.OFFICE_WORK, PAGE_OFFICE_WORK, "Việc của Văn phòng", "viec-van-phong"),
    (roles.UNIT_WORK, PAGE_UNIT_WORK, "Việc của đơn vị", "viec-don-vi"),
    (roles.ENTRY, PAGE_ENTRY, "Nhập văn bản", "nhap-van-ban"),
    (roles.UNITS, PAGE_UNITS, "Đơn vị", "don-vi"),
    (roles.TASKS, PAGE_TASKS, "Nhiệm vụ", "nhiem-vu"),
    (roles.DOCUMENTS, PAGE_DOCUMENTS, "Văn bản", "van-ban"),
    (roles.LEADERS, PAGE_LEADERS, "Lãnh đạo", "lanh-dao"),
    (roles.DISCIPLINE, PAGE_DISCIPLINE, "Chất lượng cập nhật", "chat-luong-cap-nhat"),
    (roles.BRIEFINGS, PAGE_BRIEFING, "Báo cáo", "bao-cao"),
    (roles.IMPORT_FILES, PAGE_IMPORT, "Nhập tệp", "nhap-tep"),
    (roles.USERS, PAGE_USERS, "Người dùng", "nguoi-dung"),
    (roles.ACCESS_LOG, PAGE_ACCESS_LOG, "Nhật ký truy cập", "nhat-ky-truy-cap"),
    (roles.ACCOUNT, PAGE_ACCOUNT, "Tài khoản", "tai-khoan"),
]
PAGE_ADDRESS = {script: address for _feature, script, _title, address in PAGES}


def meeting_requested() -> bool:
    """Whether this run is in meeting mode (before the filters are drawn: for the navigation)."""
    adopted = adopt_url_filters()
    store = filter_store()
    key = f"w_{P_MEETING}"
    if P_MEETING not in adopted and key in st.session_state:
        store[P_MEETING] = bool(st.session_state[key])
    return bool(store.get(P_MEETING))


def leave_meeting_mode() -> None:
    """Callback of the 'leave meeting mode' button."""
    filter_store()[P_MEETING] = False
    st.session_state.pop(f"w_{P_MEETING}", None)


def begin_run() -> None:
    """Reset the current page's drill-down parameters (called by app.py before the page)."""
    st.session_state[PAGE_PARAMS] = {}
    st.session_state.pop("_filters", None)
    st.session_state.pop(RUN_MEMO, None)  # dashboard/data.py: looked up afresh each run
    st.session_state[_TITLED] = False


_TITLED = "_title_drawn"  # whether this run has drawn the page's title yet


def title(text: str) -> None:
    """Draw the page's title (remembered: the error boundary draws one when a page has not)."""
    st.title(text)
    st.session_state[_TITLED] = True


def title_drawn() -> bool:
    """Whether this run has drawn a page title."""
    return bool(st.session_state.get(_TITLED))


def enter_page(page_id: str) -> None:
    """Forget the previous page's drill-down state when the user moved to another page."""
    if st.session_state.get("_page_id") is not None and st.session_state.get("_page_id") != page_id:
        take_widget_values(filter_store(), set())
    if st.session_state.get("_page_id") != page_id:
        for name in [k for k in st.session_state if str(k).startswith("p_")]:
            del st.session_state[name]
        # The sidebar widgets get new identities on another page: prime them from the store.
        for name in FILTER_PARAMS:
            st.session_state.pop(f"w_{name}", None)
        st.session_state["_page_id"] = page_id


def link_params(filters: Filters, **page: Any) -> dict[str, str]:
    """Query parameters of a link to another page: the shared filters plus that page's own."""
    out = dict(filters.params())
    for name, value in page.items():
        if value is None:
            continue
        out[name] = value.isoformat() if isinstance(value, date) else str(value)
    return out


@dataclass(frozen=True)
class Link:
    """One line of a list of links: its label, the page it opens (a page file) and that
    page's query parameters (`link_params`)."""

    label: str
    page: str
    params: Mapping[str, str]


def link_list(links: Sequence[Link]) -> None:
    """Links to other pages drawn as one element, a list (`links_html`), where each
    `st.page_link` is an element of its own: a unit's page had forty of them, and drawing them
    cost its click about 90 ms in Chromium at 1M tasks (docs/performance.md). A click on one
    stays in the session, as a page link does (dashboard/page_head.py, `link_script`)."""
    if links:
        st.markdown(links_html(links), unsafe_allow_html=True)


def links_html(links: Sequence[Link]) -> str:
    """The HTML of `link_list`: a list of anchors, each naming its page's address (for the
    script that keeps the click in the session) and a same-tab `href` relative to the current
    page, which that script sets under the server's address before a Ctrl+click, a middle
    click or the link's menu follows it. One HTML block without a blank line, so
    Markdown leaves the labels as they are (escaped, never read as Markdown or LaTeX)."""
    items = []
    for link in links:
        address = PAGE_ADDRESS[link.page]
        href = address + ("?" + urlencode(link.params) if link.params else "")
        label = " ".join(link.label.split())
        items.append(
            f'<li><a href="{html.escape(href, quote=True)}" target="_self" '
            f'data-cddh-page="{html.escape(address, quote=True)}">{html.escape(label)}</a></li>'
        )
    return '<ul class="cddh-links">' + "".join(items) + "</ul>"


def go(page: str, filters: Filters, **params: Any) -> None:
    """Open another page (or this one) with drill-down parameters; keeps the shared filters."""
    st.switch_page(page, query_params=link_params(filters, **params))


def page_header(text: str, filters: Filters, with_period: bool = True) -> None:
    """The page title and the line saying what the figures cover (plus meeting-mode controls)."""
    if filters.meeting_mode:
        left, right = st.columns([3, 1])
        with left:
            title(text)
        right.button(
            "Thoát chế độ họp", on_click=leave_meeting_mode, key="leave_meeting", width="stretch"
        )
    else:
        title(text)
    st.caption(filters.describe(with_period))
    show_link_problems()


_LOG = logging.getLogger("cddh.dashboard")


def _server_log() -> logging.Logger:
    """The dashboard's logger, writing to the server's stderr (once per process)."""
    root = logging.getLogger("cddh")
    if not root.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return _LOG


def show_unexpected(exc: BaseException, page_title: str | None, page_path: str | None) -> str:
    """The error boundary of every page: the detail goes to the server's log under an incident
    code; the reader gets a Vietnamese message with that code, no traceback, no exception text.
    Returns the incident code."""
    incident = secrets.token_hex(4)
    _server_log().error(
        "unexpected error on page /%s (incident %s)",
        page_path or "",
        incident,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    if not title_drawn():
        title(page_title or "Theo dõi nhiệm vụ UBND tỉnh giao")
    st.error(
        "**Trang gặp lỗi ngoài dự kiến nên chưa hiển thị hết.** Chi tiết kỹ thuật đã được ghi "
        f"lại ở máy chủ (mã sự cố: {incident}). Hãy tải lại trang (phím F5) hoặc mở lại từ "
        "trang Tổng quan; nếu lỗi lặp lại, báo bộ phận kỹ thuật kèm mã sự cố và đường liên kết "
        "đang mở."
    )
    return incident


def refuse_page(title: str, path: str) -> None:
    """Drawn at the address of a page the user's role may not open (direct or copied link)."""
    from dashboard import auth

    actor = auth.current()
    st.title(title)
    st.error(
        f"Tài khoản «{actor.username}» ({actor.rule.label}) không được mở trang «{title}». "
        "Chọn một trang trong danh mục bên trái."
    )
    auth.log("access_denied", {"page": path})


def user_box(actor: Any) -> None:
    """Who is logged in, and the way out, at the foot of the sidebar."""
    with st.sidebar:
        st.divider()
        st.caption(f"Đăng nhập: **{actor.name}** · {actor.rule.label}")
        same_tab_link("Đăng xuất", "/dang-xuat")


_LINK_STYLE = (
    "display:inline-block;padding:0.35rem 0.9rem;border:1px solid rgba(49,51,63,0.25);"
    "border-radius:0.5rem;text-decoration:none;color:inherit;"
)


def same_tab_link(label: str, href: str) -> None:
    """A button-like link that opens in this tab (Streamlit's link buttons open a new one):
    logging in and out must happen where the user is."""
    st.markdown(
        f'<a href="{html.escape(href, quote=True)}" target="_self" style="{_LINK_STYLE}">'
        f"{html.escape(label)}</a>",
        unsafe_allow_html=True,
    )
