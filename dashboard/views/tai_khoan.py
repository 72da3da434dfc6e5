"""Tài khoản: who I am, my role, changing my own password, logging out."""

from __future__ import annotations

import streamlit as st

from core.access import accounts
from core.errors import LoginRefused
from dashboard import auth
from dashboard import data as db
from dashboard import navigation as nav

actor = auth.current()
nav.title("Tài khoản")
if auth.must_change_password():
    st.warning(
        "Mật khẩu này do Văn phòng cấp: hãy đổi mật khẩu của riêng bạn trước khi dùng "
        "bảng điều hành."
    )
unit_names = db.org_data()["unit_names"]
unit = f" · đơn vị: {unit_names.get(actor.unit, actor.unit)}" if actor.unit else ""
st.markdown(
    f"**{actor.name}** · tên đăng nhập `{actor.username}` · vai trò: {actor.rule.label}{unit}"
)

with st.form("doi_mat_khau", clear_on_submit=True):
    st.subheader("Đổi mật khẩu")
    current = st.text_input("Mật khẩu hiện tại", type="password", max_chars=200)
    new = st.text_input("Mật khẩu mới", type="password", max_chars=200)
    again = st.text_input("Nhập lại mật khẩu mới", type="password", max_chars=200)
    if st.form_submit_button("Đổi mật khẩu", type="primary"):
        if new != again:
            st.error("Hai lần nhập mật khẩu mới không khớp.")
        else:
            try:
                accounts.change_own_password(db.base_repo(), actor, current, new, auth.client())
            except LoginRefused as exc:
                st.error(str(exc))
            else:
                st.success("Đã đổi mật khẩu.")
                if auth.must_change_password():
                    st.session_state["_cddh_must_change_password"] = False
                    st.rerun()

nav.same_tab_link("Đăng xuất", "/dang-xuat")
