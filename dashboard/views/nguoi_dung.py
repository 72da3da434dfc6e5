"""Người dùng: the Office manages accounts — create, disable or enable, reset a password,
change a role (Quy chế theo dõi nhiệm vụ, Điều 18: the Office manages the system's accounts)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from core.access import accounts
from core.access.roles import ROLES
from core.dates import TZ, today_local
from core.errors import ValidationFailed
from dashboard import auth
from dashboard import data as db
from dashboard import navigation as nav

repo = db.get_repo()
key = db.repo_key()
org = db.org_data()
nav.title("Người dùng")
st.caption("Tài khoản của bảng điều hành. Mọi thay đổi được ghi vào nhật ký truy cập.")

role_labels = {name: r.label for name, r in ROLES.items()}
unit_names: dict[str, str] = org["unit_names"]
current_units = {u["_id"]: u["name"] for u in db.base_repo().units(today_local())}
leader_names: dict[str, str] = org["leader_names"]


def _role_label(name: str) -> str:
    return role_labels.get(name, name)


def _problems(exc: ValidationFailed) -> None:
    st.error("Không lưu được:\n" + "\n".join(f"- {p}" for p in exc.problems))


users = accounts.list_users(repo)


def _tied_to(user: dict[str, object]) -> str:
    """The unit or leader an account belongs to."""
    if user.get("unit"):
        return unit_names.get(str(user["unit"]), str(user["unit"]))
    if user.get("leader_id"):
        return leader_names.get(str(user["leader_id"]), str(user["leader_id"]))
    return ""


def _last_login(user: dict[str, object]) -> str:
    moment = user.get("last_login_at")
    if not isinstance(moment, datetime):
        return "chưa"
    return moment.astimezone(TZ).strftime("%d/%m/%Y %H:%M")


table = pd.DataFrame(
    [
        {
            "Tên đăng nhập": u["username"],
            "Họ tên": u["display_name"],
            "Vai trò": role_labels.get(u["role"], u["role"]),
            "Đơn vị, lãnh đạo": _tied_to(u),
            "Trạng thái": ("Hoạt động" if u["active"] else "Đã khóa")
            + (" · demo" if u.get("demo") else ""),
            "Đăng nhập gần nhất": _last_login(u),
        }
        for u in users
    ]
)
# A static table: every cell wraps, nothing is cut (a list of accounts, not of tasks).
st.table(table.set_index("Tên đăng nhập") if len(table) else table)
if any(u.get("email") for u in users):
    st.caption(
        "Email (đăng nhập qua hệ thống xác thực của tỉnh): "
        + "; ".join(f"{u['username']}: {u['email']}" for u in users if u.get("email"))
    )

st.subheader("Thêm tài khoản")
with st.form("them_tai_khoan", clear_on_submit=False):
    c1, c2 = st.columns(2)
    username = c1.text_input("Tên đăng nhập", max_chars=40, help="chữ thường không dấu, số, . _ -")
    name = c2.text_input("Họ tên", max_chars=120)
    role = c1.selectbox("Vai trò", list(ROLES), format_func=_role_label)
    email = c2.text_input("Email (nếu đăng nhập qua hệ thống xác thực của tỉnh)", max_chars=200)
    unit = c1.selectbox(
        "Đơn vị (cán bộ đầu mối)",
        [None, *current_units],
        format_func=lambda c: "—" if c is None else current_units[c],
    )
    leader = c2.selectbox(
        "Lãnh đạo (Chủ tịch, Phó Chủ tịch)",
        [None, *leader_names],
        format_func=lambda c: "—" if c is None else leader_names[c],
    )
    if st.form_submit_button("Tạo tài khoản", type="primary"):
        try:
            password = accounts.add_user(
                repo,
                username=username,
                display_name=name,
                role=str(role),
                actor=auth.current().username,
                unit=unit,
                leader_id=leader,
                email=email or None,
                client=auth.client(),
            )
        except ValidationFailed as exc:
            _problems(exc)
        else:
            st.success(
                f"Đã tạo tài khoản «{accounts.normalise_username(username)}». Mật khẩu (chỉ hiện "
                f"một lần, trao tận tay; người dùng phải đổi khi đăng nhập): `{password}`"
            )

st.subheader("Sửa tài khoản")
if users:
    names_of = {u["username"]: u["display_name"] for u in users}
    picked = st.selectbox(
        "Tài khoản",
        [u["username"] for u in users],
        format_func=lambda n: next(
            f"{u['display_name']} ({n})" for u in users if u["username"] == n
        ),
    )
    chosen = next(u for u in users if u["username"] == picked)
    a, b, c = st.columns(3)
    try:
        if chosen["active"]:
            if a.button("Khóa tài khoản", key="khoa"):
                accounts.set_active(repo, picked, False, auth.current().username, auth.client())
                st.rerun()
        elif a.button("Mở lại tài khoản", key="mo"):
            accounts.set_active(repo, picked, True, auth.current().username, auth.client())
            st.rerun()
        if b.button("Đặt lại mật khẩu", key="dat_lai"):
            new = accounts.reset_password(
                repo, picked, auth.current().username, client=auth.client()
            )
            st.success(f"Mật khẩu mới của «{picked}» (chỉ hiện một lần): `{new}`")
        with c.popover("Đổi vai trò"):
            new_role = st.selectbox("Vai trò mới", list(ROLES), format_func=_role_label, key="vt")
            new_unit = st.selectbox(
                "Đơn vị",
                [None, *current_units],
                format_func=lambda x: "—" if x is None else current_units[x],
                key="dv",
            )
            new_leader = st.selectbox(
                "Lãnh đạo",
                [None, *leader_names],
                format_func=lambda x: "—" if x is None else leader_names[x],
                key="ld",
            )
            if st.button("Lưu vai trò", key="luu_vt"):
                accounts.set_role(
                    repo,
                    picked,
                    str(new_role),
                    auth.current().username,
                    unit=new_unit,
                    leader_id=new_leader,
                    client=auth.client(),
                )
                st.rerun()
    except ValidationFailed as exc:
        _problems(exc)
