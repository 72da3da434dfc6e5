"""Entrypoint of the leadership dashboard: page set-up, shared filters, navigation, the URL."""

from __future__ import annotations

import streamlit as st

from core.repository import ConnectionFailure
from dashboard import data as db
from dashboard import filters
from dashboard import navigation as nav

st.set_page_config(
    page_title="Theo dõi nhiệm vụ UBND tỉnh giao",
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on a phone: the backlog comes first
    menu_items={"About": "Theo dõi, đôn đốc nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao."},
)

PAGES = [
    st.Page(nav.PAGE_OVERVIEW, title="Tổng quan", url_path="tong-quan", default=True),
    st.Page(nav.PAGE_UNITS, title="Đơn vị", url_path="don-vi"),
    st.Page(nav.PAGE_TASKS, title="Nhiệm vụ", url_path="nhiem-vu"),
    st.Page(nav.PAGE_DOCUMENTS, title="Văn bản", url_path="van-ban"),
    st.Page(nav.PAGE_LEADERS, title="Lãnh đạo", url_path="lanh-dao"),
    st.Page(nav.PAGE_DISCIPLINE, title="Chất lượng cập nhật", url_path="chat-luong-cap-nhat"),
    st.Page(nav.PAGE_BRIEFING, title="Báo cáo", url_path="bao-cao"),
]

nav.begin_run()
db.get_repo()  # stops with a Vietnamese message when MongoDB is out of reach
page = None
# The one error boundary of every page: no traceback ever reaches the reader (st.stop and
# st.rerun are BaseExceptions and pass through).
try:
    meeting = nav.meeting_requested()
    page = st.navigation(PAGES, position="top" if meeting else "sidebar")
    nav.enter_page(page.url_path)
    page.run()  # the page's first `current_filters()` draws the shared filters
    filters.sync_url(filters.current_filters())
except ConnectionFailure as exc:
    db.show_unavailable(
        "Mất kết nối tới MongoDB trong khi đọc số liệu "
        f"({type(exc).__name__}). Kiểm tra máy chủ rồi tải lại trang."
    )
except Exception as exc:
    nav.show_unexpected(exc, page.title if page else None, page.url_path if page else None)
