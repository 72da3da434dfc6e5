"""Managing accounts (quản lý tài khoản): create, list, disable and enable, reset a password,
change a role; a user changing his own password; the demo accounts. Every change is checked
against the role table (through the repository) and written to the access log."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core import config
from core.access import audit
from core.access.passwords import generate_password, hash_password, password_problem, verify
from core.access.roles import ROLES, Actor
from core.dates import now_utc, today_local
from core.errors import LoginRefused, Problem, ValidationFailed
from core.repository import Repository

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
EMAIL = re.compile(r"^[^@\s$]+@[^@\s$]+\.[^@\s$]+$")


def normalise_username(raw: object) -> str:
    """The stored form of a username: NFC, trimmed, lower-case."""
    return unicodedata.normalize("NFC", str(raw)).strip().lower()


def actor_of(user: Mapping[str, Any]) -> Actor:
    """The acting user a stored account describes."""
    return Actor(
        username=user["username"],
        role=user["role"],
        display_name=user.get("display_name") or user["username"],
        unit=user.get("unit"),
        leader_id=user.get("leader_id"),
        email=user.get("email"),
        tracking_rooms=tuple(user.get("tracking_rooms") or ()),
        tracked_units=tuple(user.get("tracked_units") or ()),
    )


def _fields_problems(
    repo: Repository, role: str, unit: str | None, leader_id: str | None
) -> list[Problem]:
    problems: list[Problem] = []
    if role not in ROLES:
        names = ", ".join(ROLES)
        return [Problem("vai trò", f"«{role}» không có; chọn một trong: {names}")]
    rule = ROLES[role]
    if rule.needs_unit:
        if not unit:
            problems.append(Problem("đơn vị", "cán bộ đầu mối phải thuộc một đơn vị"))
        elif repo.unit(str(unit)) is None:
            problems.append(Problem("đơn vị", f"không có đơn vị mã «{unit}»"))
    elif unit:
        problems.append(Problem("đơn vị", f"vai trò {rule.label} không gắn với đơn vị"))
    if leader_id and repo.leader(str(leader_id)) is None:
        problems.append(Problem("lãnh đạo", f"không có lãnh đạo mã «{leader_id}»"))
    if rule.needs_leader and not leader_id:
        problems.append(Problem("lãnh đạo", f"tài khoản {rule.label} phải gắn với một lãnh đạo"))
    return problems


def add_user(
    repo: Repository,
    *,
    username: str,
    display_name: str,
    role: str,
    actor: str,
    unit: str | None = None,
    leader_id: str | None = None,
    email: str | None = None,
    password: str | None = None,
    demo: bool = False,
    tracking_rooms: Sequence[str] = (),
    tracked_units: Sequence[str] = (),
    client: str | None = None,
) -> str:
    """Create an account; returns its password (the one given, or a generated one to show
    once). ValidationFailed names every field refused."""
    name = normalise_username(username)
    problems: list[Problem] = []
    if not USERNAME.match(name):
        problems.append(
            Problem(
                "tên đăng nhập",
                "3–40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới",
            )
        )
    shown = unicodedata.normalize("NFC", str(display_name)).strip()
    if not shown:
        problems.append(Problem("họ tên", "không được để trống"))
    mail = str(email).strip().lower() if email else None
    if mail and not EMAIL.match(mail):
        problems.append(Problem("email", f"«{mail}» không phải địa chỉ email"))
    problems += _fields_problems(repo, role, unit, leader_id)
    settings = config.auth_settings()
    chosen = password if password is not None else generate_password()
    why = password_problem(chosen, settings.password_min_length)
    if why:
        problems.append(Problem("mật khẩu", why))
    if problems:
        raise ValidationFailed(problems)
    repo.insert_user(
        {
            "_id": name,
            "username": name,
            "display_name": shown,
            "email": mail,
            "role": role,
            "unit": unit or None,
            "leader_id": leader_id or None,
            "active": True,
            "password_hash": hash_password(chosen),
            "password_changed_at": now_utc(),
            "must_change_password": password is None and not demo,
            "failed_logins": 0,
            "lock_until": None,
            "last_login_at": None,
            "tracking_rooms": list(tracking_rooms),
            "tracked_units": list(tracked_units),
            "demo": demo,
        },
        actor,
    )
    audit.record(
        repo, "user_added", _by(repo, actor), {"user": name, "role": role, "unit": unit}, client
    )
    return chosen


def _by(repo: Repository, actor: str) -> Actor | str:
    return repo.actor if repo.actor is not None else actor


def _existing(repo: Repository, username: str) -> dict[str, Any]:
    found = repo.user(normalise_username(username))
    if found is None:
        raise ValidationFailed([Problem("tên đăng nhập", f"không có tài khoản «{username}»")])
    return found


def _keep_one_chief(repo: Repository, user: Mapping[str, Any], new_role: str | None) -> None:
    """Refuse to leave the province without an active office_chief (nobody could manage)."""
    if user["role"] != "office_chief" or (new_role == "office_chief"):
        return
    others = [u for u in repo.users("office_chief") if u["active"] and u["_id"] != user["_id"]]
    if not others:
        raise ValidationFailed(
            [Problem("vai trò", "phải còn ít nhất một tài khoản Chánh Văn phòng đang hoạt động")]
        )


def set_active(
    repo: Repository, username: str, active: bool, actor: str, client: str | None = None
) -> None:
    """Disable (ending every session of the account at once) or enable an account."""
    user = _existing(repo, username)
    if not active:
        if repo.actor is not None and repo.actor.username == user["username"]:
            raise ValidationFailed([Problem("tài khoản", "không tự khóa tài khoản của mình")])
        _keep_one_chief(repo, user, None)
    repo.update_user(user["_id"], {"active": active, "failed_logins": 0, "lock_until": None}, actor)
    if not active:
        repo.delete_sessions_of(user["username"])
    audit.record(
        repo,
        "user_changed",
        _by(repo, actor),
        {"user": user["username"], "active": active},
        client,
    )


def reset_password(
    repo: Repository,
    username: str,
    actor: str,
    password: str | None = None,
    client: str | None = None,
) -> str:
    """Give an account a new password (generated unless given) the user must change at his
    next login; ends his sessions. Returns the password to hand over once."""
    user = _existing(repo, username)
    chosen = password if password is not None else generate_password()
    why = password_problem(chosen, config.auth_settings().password_min_length)
    if why:
        raise ValidationFailed([Problem("mật khẩu", why)])
    repo.update_user(
        user["_id"],
        {
            "password_hash": hash_password(chosen),
            "password_changed_at": now_utc(),
            "must_change_password": True,
            "failed_logins": 0,
            "lock_until": None,
        },
        actor,
    )
    repo.delete_sessions_of(user["username"])
    audit.record(
        repo,
        "user_changed",
        _by(repo, actor),
        {"user": user["username"], "password": "reset"},
        client,
    )
    return chosen


def set_role(
    repo: Repository,
    username: str,
    role: str,
    actor: str,
    unit: str | None = None,
    leader_id: str | None = None,
    client: str | None = None,
) -> None:
    """Change an account's role (and its unit or leader); ends his sessions."""
    user = _existing(repo, username)
    problems = _fields_problems(repo, role, unit, leader_id)
    if problems:
        raise ValidationFailed(problems)
    _keep_one_chief(repo, user, role)
    repo.update_user(
        user["_id"], {"role": role, "unit": unit or None, "leader_id": leader_id or None}, actor
    )
    repo.delete_sessions_of(user["username"])
    audit.record(
        repo,
        "user_changed",
        _by(repo, actor),
        {"user": user["username"], "role": role, "unit": unit, "leader": leader_id},
        client,
    )


def change_own_password(
    repo: Repository, actor: Actor, current: str, new: str, client: str | None = None
) -> None:
    """A user changes his own password: the current one must match; LoginRefused otherwise."""
    user = repo.user(normalise_username(actor.username))
    if user is None or not verify(user.get("password_hash"), current):
        raise LoginRefused("Mật khẩu hiện tại không đúng.")
    why = password_problem(new, config.auth_settings().password_min_length)
    if why:
        raise LoginRefused(f"Mật khẩu mới không được chấp nhận: {why}.")
    if new == current:
        raise LoginRefused("Mật khẩu mới phải khác mật khẩu hiện tại.")
    repo.update_user(
        user["_id"],
        {
            "password_hash": hash_password(new),
            "password_changed_at": now_utc(),
            "must_change_password": False,
        },
        actor.username,
        own=True,
    )
    audit.record(repo, "password_changed", actor, None, client)


def list_users(repo: Repository) -> list[dict[str, Any]]:
    """Every account without its password hash (needs the right to manage accounts)."""
    return repo.users()


# --- demo accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    """One demo account as printed by `cddh run` on the demo province."""

    username: str
    password: str
    role: str


_DEMO: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    ("chutich", "Lê Minh Quang", "chairman", None, "CT"),
    ("pct.kinhte", "Nguyễn Thanh Tùng", "vice_chairman", None, "PCT-KT"),
    ("chanhvp", "Huỳnh Quốc Bảo", "office_chief", None, None),
    ("phochanhvp", "Lâm Văn Đức", "office_deputy", None, None),
    ("chuyenvien", "Chuyên viên Phòng Kinh tế", "office_specialist", None, None),
    ("snnmt", "Cán bộ đầu mối Sở Nông nghiệp và Môi trường", "unit_officer", "SNNMT", None),
    ("xem", "Người xem số liệu", "viewer", None, None),
)


def create_demo_accounts(repo: Repository) -> list[DemoAccount]:
    """One account per role on the demo province (fresh passwords each time), marked `demo`
    so a production start can refuse while any exists."""
    made: list[DemoAccount] = []
    leaders = repo.leaders()
    for username, name, role, unit, leader in _DEMO:
        if leader and repo.leader(leader) is None:  # another organisation: its own leader
            leader = next((x["_id"] for x in leaders if x.get("title") == role), None)
            if leader is None:
                continue
        if unit and repo.unit(unit) is None:
            units = repo.units(today_local())
            if not units:
                continue
            unit = units[0]["_id"]
        if repo.user(username) is not None:
            password = reset_password(repo, username, "demo")
            repo.update_user(username, {"must_change_password": False}, "demo")
        else:
            password = add_user(
                repo,
                username=username,
                display_name=name,
                role=role,
                actor="demo",
                unit=unit,
                leader_id=leader,
                demo=True,
                tracking_rooms=("VP-KT",) if role == "office_specialist" else (),
            )
        made.append(DemoAccount(username, password, role))
    return made
