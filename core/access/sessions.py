"""Logins and sessions (đăng nhập, phiên làm việc), kept on the server.

A login gives the browser a random token (in an HttpOnly cookie); the store keeps only its
SHA-256, with the user and the time of last activity. A session ends after
CDDH_SESSION_IDLE_MINUTES without activity, at logout (deleted on the server, so the old
cookie is worthless), or when the account is disabled or its role or password changes.
After CDDH_LOGIN_MAX_FAILURES failed logins in a row an account is locked for
CDDH_LOGIN_LOCK_MINUTES — an unknown username the same way, with the same message.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core import config
from core.access import audit
from core.access.accounts import USERNAME, actor_of, normalise_username
from core.access.passwords import hash_password, needs_rehash, verify
from core.access.roles import Actor
from core.dates import TZ, now_utc
from core.errors import LoginRefused
from core.repository import Repository

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
TOUCH_EVERY = timedelta(seconds=60)  # activity is written at most once a minute


def locked_message(until: datetime) -> str:
    """What a locked account reads (the same for an unknown username)."""
    local = until.astimezone(TZ)
    return (
        "Tài khoản tạm khóa do đăng nhập sai nhiều lần liên tiếp; thử lại sau "
        f"{local:%H:%M} ngày {local:%d/%m/%Y}."
    )


def session_id(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Login:
    """A successful login: who, and the token the browser keeps."""

    actor: Actor
    token: str
    must_change_password: bool


def login(repo: Repository, username: object, password: object, client: str | None) -> Login:
    """Check a username and password; LoginRefused (Vietnamese) when refused."""
    settings = config.auth_settings()
    name = normalise_username(username)[:100]
    secret = str(password) if isinstance(password, str) else ""
    now = now_utc()
    lock_until = now + timedelta(minutes=settings.lock_minutes)
    user = repo.user(name) if USERNAME.match(name) else None
    if user is None:
        throttle = repo.throttle(name)
        if throttle and throttle.get("lock_until") and throttle["lock_until"] > now:
            raise LoginRefused(locked_message(throttle["lock_until"]))
        verify(None, secret)  # same time as a known user's check
        after = repo.record_throttle_failure(
            name, settings.max_failures, lock_until, now + timedelta(days=1)
        )
        _failed(repo, name, client, after)
        raise LoginRefused(WRONG)
    if user.get("lock_until") and user["lock_until"] > now:
        raise LoginRefused(locked_message(user["lock_until"]))
    if not verify(user.get("password_hash"), secret):
        after = repo.record_login_failure(user["_id"], settings.max_failures, lock_until)
        _failed(repo, name, client, after)
        raise LoginRefused(WRONG)
    if not user.get("active"):
        audit.record(repo, "login_failed", name, {"reason": "disabled"}, client)
        raise LoginRefused(
            "Tài khoản đã bị vô hiệu hóa. Liên hệ Văn phòng UBND tỉnh để được mở lại."
        )
    repo.record_login_success(user["_id"], now)
    if needs_rehash(user["password_hash"]):
        repo.update_user(user["_id"], {"password_hash": hash_password(secret)}, name, own=True)
    actor = actor_of(user)
    token = secrets.token_urlsafe(32)
    repo.insert_session(
        {
            "_id": session_id(token),
            "username": actor.username,
            "created_at": now,
            "last_seen": now,
            "expires_at": now + timedelta(minutes=settings.idle_minutes),
            "client": client,
        }
    )
    audit.record(repo, "login", actor, None, client)
    return Login(actor, token, bool(user.get("must_change_password")))


def _failed(repo: Repository, name: str, client: str | None, after: dict[str, Any] | None) -> None:
    audit.record(repo, "login_failed", name, None, client)
    if after is not None and after.get("lock_until"):
        audit.record(repo, "lockout", name, None, client)


@dataclass(frozen=True)
class SessionState:
    """What a token is worth now: the actor, or why there is none."""

    actor: Actor | None
    expired: bool = False  # True: the session existed but ended by inactivity
    must_change_password: bool = False


def resume(repo: Repository, token: str | None, client: str | None = None) -> SessionState:
    """The user a browser's token stands for, or none (unknown, expired, logged out, account
    disabled). Activity moves the expiry on."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return SessionState(None)
    sid = session_id(token)
    found = repo.session(sid)
    if found is None:
        return SessionState(None)
    now = now_utc()
    if found["expires_at"] <= now:
        repo.delete_session(sid)
        audit.record(repo, "session_expired", found["username"], None, client)
        return SessionState(None, expired=True)
    user = repo.user(normalise_username(found["username"]))
    if user is None or not user.get("active"):
        repo.delete_session(sid)
        return SessionState(None)
    if now - found["last_seen"] >= TOUCH_EVERY:
        idle = timedelta(minutes=config.auth_settings().idle_minutes)
        repo.touch_session(sid, now, now + idle)
    return SessionState(actor_of(user), must_change_password=bool(user.get("must_change_password")))


def logout(repo: Repository, token: str | None, client: str | None = None) -> None:
    """End the session on the server (the cookie left in a browser is then worthless)."""
    if not token or not isinstance(token, str):
        return
    sid = session_id(token)
    found = repo.session(sid)
    if found is not None and repo.delete_session(sid):
        audit.record(repo, "logout", found["username"], None, client)


def actor_for_email(repo: Repository, email: object) -> Actor | None:
    """The active account whose email is this identity provider's email, or None (no access)."""
    if not isinstance(email, str) or not email.strip():
        return None
    user = repo.user_by_email(email.strip().lower())
    if user is None or not user.get("active"):
        return None
    return actor_of(user)
