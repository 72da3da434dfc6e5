"""`cddh users …`: accounts of the dashboard (tạo, liệt kê, khóa, mở, đặt lại mật khẩu, đổi vai
trò). Run on the server by its operator; the first Chánh Văn phòng account is made here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from core.access.roles import ROLES

users_app = typer.Typer(
    help="Tài khoản người dùng bảng điều hành (vai trò: " + ", ".join(ROLES) + ").",
    no_args_is_help=True,
)


def _repo() -> Any:
    from cddh_cli.main import repo_or_start

    return repo_or_start()


def _operator() -> str:
    from cddh_cli.main import _who

    return _who()


def _show_password(username: str, password: str) -> None:
    typer.echo(f"Mật khẩu của «{username}» (chỉ hiện một lần, hãy trao tận tay): {password}")


def add(
    username: str = typer.Argument(..., help="Tên đăng nhập: chữ thường không dấu, số, . _ -"),
    name: str = typer.Option(..., "--name", help="Họ tên hiển thị."),
    role: str = typer.Option(..., "--role", help="Vai trò: " + ", ".join(ROLES) + "."),
    unit: str | None = typer.Option(None, "--unit", help="Mã đơn vị (cán bộ đầu mối)."),
    leader: str | None = typer.Option(None, "--leader", help="Mã lãnh đạo (Chủ tịch, PCT)."),
    email: str | None = typer.Option(None, "--email", help="Email (đăng nhập qua SSO)."),
    ask_password: bool = typer.Option(
        False, "--ask-password", help="Tự gõ mật khẩu thay vì để hệ thống tạo."
    ),
) -> None:
    """Tạo tài khoản; mật khẩu do hệ thống tạo (hiện một lần) hoặc tự gõ (--ask-password)."""
    from core.access import accounts

    password = None
    if ask_password:
        password = typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại")
    chosen = accounts.add_user(
        _repo(),
        username=username,
        display_name=name,
        role=role,
        actor=_operator(),
        unit=unit,
        leader_id=leader,
        email=email,
        password=password,
    )
    typer.echo(f"Đã tạo tài khoản «{accounts.normalise_username(username)}» ({ROLES[role].label}).")
    if password is None:
        _show_password(accounts.normalise_username(username), chosen)
        typer.echo("Người dùng phải đổi mật khẩu này ở lần đăng nhập đầu tiên.")


def list_users() -> None:
    """Liệt kê tài khoản (không bao giờ in mật khẩu)."""
    from core.access import accounts

    rows = accounts.list_users(_repo())
    if not rows:
        typer.echo("Chưa có tài khoản nào.")
        return
    for u in rows:
        state = "đang hoạt động" if u["active"] else "đã khóa"
        extra = " · ".join(x for x in (u.get("unit"), u.get("leader_id"), u.get("email")) if x)
        demo = " · TÀI KHOẢN DEMO" if u.get("demo") else ""
        typer.echo(
            f"{u['username']:<20} {ROLES[u['role']].label:<45} {state}"
            + (f" · {extra}" if extra else "")
            + demo
        )


def disable(username: str = typer.Argument(...)) -> None:
    """Khóa tài khoản (các phiên đang mở kết thúc ngay)."""
    from core.access import accounts

    accounts.set_active(_repo(), username, False, _operator())
    typer.echo(f"Đã khóa tài khoản «{username}».")


def enable(username: str = typer.Argument(...)) -> None:
    """Mở lại tài khoản đã khóa."""
    from core.access import accounts

    accounts.set_active(_repo(), username, True, _operator())
    typer.echo(f"Đã mở lại tài khoản «{username}».")


def reset_password(username: str = typer.Argument(...)) -> None:
    """Đặt mật khẩu mới (hệ thống tạo, hiện một lần; người dùng phải đổi khi đăng nhập)."""
    from core.access import accounts

    password = accounts.reset_password(_repo(), username, _operator())
    _show_password(username, password)


def set_role(
    username: str = typer.Argument(...),
    role: str = typer.Option(..., "--role", help="Vai trò: " + ", ".join(ROLES) + "."),
    unit: str | None = typer.Option(None, "--unit"),
    leader: str | None = typer.Option(None, "--leader"),
) -> None:
    """Đổi vai trò (và đơn vị hoặc lãnh đạo) của tài khoản; các phiên đang mở kết thúc."""
    from core.access import accounts

    accounts.set_role(_repo(), username, role, _operator(), unit=unit, leader_id=leader)
    typer.echo(f"Đã đổi vai trò của «{username}» thành {ROLES[role].label}.")


def register(app: typer.Typer, friendly: Callable[[Any], Any]) -> None:
    """Add `cddh users` to the CLI, each command behind the friendly error handler."""
    users_app.command("add")(friendly(add))
    users_app.command("list")(friendly(list_users))
    users_app.command("disable")(friendly(disable))
    users_app.command("enable")(friendly(enable))
    users_app.command("reset-password")(friendly(reset_password))
    users_app.command("set-role")(friendly(set_role))
    app.add_typer(users_app, name="users")
