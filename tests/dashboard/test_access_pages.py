"""The account pages through AppTest: changing one's own password, the Office creating and
disabling an account, the access log; the identity provider's email matched to an account."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core import repository
from core.access import accounts, sessions
from core.errors import LoginRefused
from tests.dashboard.demo_db import AS_OF
from tests.dashboard.test_pages import APP
from tests.signin import account, password_of, sign_in_app


def open_page(script: str, role: str) -> AppTest:
    at = sign_in_app(AppTest.from_file(APP, default_timeout=120), role)
    at.query_params["ngay"] = AS_OF.isoformat()
    at.run()
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_user_changes_his_own_password(demo_env: repository.Repository) -> None:
    at = open_page("views/tai_khoan.py", "chairman")
    username = account(demo_env, "chairman")
    current, new = password_of("chairman"), "Mat-khau-moi-cua-toi-7"
    fields = {t.label: t for t in at.text_input}
    fields["Mật khẩu hiện tại"].input("sai-roi-123")
    fields["Mật khẩu mới"].input(new)
    fields["Nhập lại mật khẩu mới"].input(new)
    at.button[0].click().run()
    assert "Mật khẩu hiện tại không đúng" in at.error[0].value
    fields = {t.label: t for t in at.text_input}
    fields["Mật khẩu hiện tại"].input(current)
    fields["Mật khẩu mới"].input(new)
    fields["Nhập lại mật khẩu mới"].input(new)
    at.button[0].click().run()
    assert at.success and "Đã đổi mật khẩu" in at.success[0].value
    try:
        sessions.login(demo_env, username, new, None)
        try:
            sessions.login(demo_env, username, current, None)
            raise AssertionError("the old password still works")
        except LoginRefused:
            pass
    finally:
        accounts.reset_password(demo_env, username, "tests", password=current)


def test_the_office_creates_and_disables_an_account(demo_env: repository.Repository) -> None:
    at = open_page("views/nguoi_dung.py", "office_chief")
    assert at.title[0].value == "Người dùng"
    fields = {t.label: t for t in at.text_input}
    fields["Tên đăng nhập"].input("moi.tao")
    fields["Họ tên"].input("Người Mới Tạo")
    next(s for s in at.selectbox if s.label == "Vai trò").set_value("viewer")
    next(b for b in at.button if b.label == "Tạo tài khoản").click().run()
    assert not at.exception
    try:
        assert at.success and "moi.tao" in at.success[0].value, [e.value for e in at.error]
        created = demo_env.user("moi.tao")
        assert created is not None and created["role"] == "viewer" and created["active"]
        assert created["created_by"] == account(demo_env, "office_chief")
        assert created["must_change_password"]
        at.run()  # the list now holds the new account
        next(s for s in at.selectbox if s.label == "Tài khoản").set_value("moi.tao").run()
        next(b for b in at.button if b.label == "Khóa tài khoản").click().run()
        assert not at.exception
        assert demo_env.user("moi.tao")["active"] is False
    finally:
        demo_env.db.users.delete_one({"_id": "moi.tao"})
    log = open_page("views/nhat_ky.py", "office_chief")
    assert log.title[0].value == "Nhật ký truy cập"
    frame = log.dataframe[0].value
    assert {"Tạo tài khoản", "Sửa tài khoản"} <= set(frame["Việc"])


def test_identity_provider_email_matches_an_active_account(demo_env: repository.Repository) -> None:
    username = account(demo_env, "vice_chairman")
    demo_env.db.users.update_one({"_id": username}, {"$set": {"email": "pct.kt@example.gov.vn"}})
    try:
        actor = sessions.actor_for_email(demo_env, "PCT.KT@example.gov.vn ")
        assert actor is not None and actor.username == username
        assert sessions.actor_for_email(demo_env, "nobody@example.gov.vn") is None
        assert sessions.actor_for_email(demo_env, {"$ne": None}) is None
        accounts.set_active(demo_env, username, False, "tests")
        assert sessions.actor_for_email(demo_env, "pct.kt@example.gov.vn") is None
    finally:
        accounts.set_active(demo_env, username, True, "tests")
        demo_env.db.users.update_one({"_id": username}, {"$set": {"email": None}})
