"""Nhật ký truy cập: the access log, filtered by user, kind of event and days (Office)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from core.access import audit
from core.dates import TZ, today_local
from dashboard import data as db
from dashboard import navigation as nav

repo = db.get_repo()
nav.title("Nhật ký truy cập")
st.caption(
    "Đăng nhập, đăng nhập sai, khóa tạm thời, đăng xuất, tải báo cáo và văn bản, xuất và nhập "
    "dữ liệu, thay đổi tài khoản: ai, khi nào, làm gì, từ địa chỉ nào. Chỉ được thêm, không "
    "sửa hay xóa."
)
today = today_local()
c1, c2, c3, c4 = st.columns(4)
username = c1.text_input("Tên đăng nhập", max_chars=100)
event = c2.selectbox(
    "Loại", [None, *audit.EVENTS], format_func=lambda e: "Tất cả" if e is None else audit.EVENTS[e]
)
day_from = c3.date_input("Từ ngày", today - timedelta(days=30), format="DD/MM/YYYY")
day_to = c4.date_input("Đến ngày", today, format="DD/MM/YYYY")
page = int(st.session_state.get("nk_page", 1))
search = audit.LogSearch(
    username=username or None, event=event, day_from=day_from, day_to=day_to, page=page
)
rows, total = audit.search(repo, search)
st.markdown(f"**{total:,}** mục".replace(",", "."))
frame = pd.DataFrame(
    [
        {
            "Thời điểm": r["at"].astimezone(TZ).strftime("%d/%m/%Y %H:%M:%S"),
            "Tài khoản": r["username"],
            "Việc": audit.EVENTS.get(r["event"], r["event"]),
            "Chi tiết": audit.describe(r.get("detail")),
            "Địa chỉ": r.get("client") or "",
        }
        for r in rows
    ],
    columns=["Thời điểm", "Tài khoản", "Việc", "Chi tiết", "Địa chỉ"],
)
st.dataframe(frame, hide_index=True, width="stretch")
pages = max(1, -(-total // search.page_size))
if pages > 1:
    st.number_input("Trang", 1, pages, key="nk_page")
