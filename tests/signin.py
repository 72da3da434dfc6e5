"""Signing tests in: an account per role on a test database, a session token for AppTest
(`session_state["cddh_token"]`) and the session cookie for Chromium."""

from __future__ import annotations

import os
from typing import Any

from core import repository
from core.access import accounts, sessions
from core.access.roles import ROLES
from core.dates import today_local

COOKIE = "cddh_session"


def password_of(role: str) -> str:
    """The known password of the test account of a role."""
    return f"Mat-khau-thu-{role}-1"


def account(repo: repository.Repository, role: str) -> str:
    """The username of this role's test account on `repo` (created or reset as needed)."""
    username = f"t.{role.replace('_', '-')}"
    if repo.user(username) is None:
        units = repo.units(today_local())
        unit = next((u["_id"] for u in units if u["_id"] == "SNNMT"), None) or (
            units[0]["_id"] if units else None
        )
        leaders = repo.leaders()
        wanted = "CT" if role == "chairman" else "PCT-KT"
        leader = next((x["_id"] for x in leaders if x["_id"] == wanted), None) or (
            leaders[0]["_id"] if leaders else None
        )
        rule = ROLES[role]
        accounts.add_user(
            repo,
            username=username,
            display_name=f"Tài khoản thử {rule.label}",
            role=role,
            actor="tests",
            unit=unit if rule.needs_unit else None,
            leader_id=leader if rule.needs_leader else None,
            password=password_of(role),
        )
    repo.db.users.update_one(
        {"_id": username},
        {"$set": {"must_change_password": False, "lock_until": None, "failed_logins": 0}},
    )
    return username


def token(repo: repository.Repository, role: str = "office_chief") -> str:
    """A fresh session token of this role's test account."""
    return sessions.login(repo, account(repo, role), password_of(role), "127.0.0.1").token


def env_repo() -> repository.Repository:
    """The database the app under test reads (MONGODB_URI / MONGODB_DB)."""
    return repository.connect(os.environ["MONGODB_URI"], os.environ["MONGODB_DB"])


def sign_in_app(
    at: Any, role: str = "office_chief", repo: repository.Repository | None = None
) -> Any:
    """An AppTest signed in as this role's test account (before its first run)."""
    at.session_state["cddh_token"] = token(repo or env_repo(), role)
    return at


def sign_in_browser(
    context: Any, url: str, repo: repository.Repository, role: str = "office_chief"
) -> None:
    """A Chromium context signed in to the dashboard at `url` (its session cookie set)."""
    context.add_cookies([{"name": COOKIE, "value": token(repo, role), "url": url}])
