"""Accounts in the store: users, server-side sessions, the login throttle and the append-only
access log. The rules (who may manage whom, lockouts, expiry) live in `core.access`; this part
only reads and writes, checking the acting user's right to manage accounts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.access.roles import MANAGE_USERS, READ_ACCESS_LOG
from core.dates import now_utc
from core.errors import Problem, ValidationFailed
from core.repository.base import StoreBase


class AccountStore(StoreBase):
    """Users, sessions, the login throttle and the access log."""

    # -- users ---------------------------------------------------------------------------------

    def user(self, user_id: str) -> dict[str, Any] | None:
        """One user record by its id (the folded username); used by login, so unchecked."""
        return self.db.users.find_one({"_id": str(user_id)})

    def user_by_email(self, email: str) -> dict[str, Any] | None:
        """The user whose email is exactly `email` (lower-cased), for an identity provider."""
        return self.db.users.find_one({"email": str(email)})

    def users(self, role: str | None = None) -> list[dict[str, Any]]:
        """Every user (or those of a role), by username; needs the right to manage accounts."""
        self._require(MANAGE_USERS)
        query: dict[str, Any] = {} if role is None else {"role": str(role)}
        return list(self.db.users.find(query, {"password_hash": 0}).sort("_id", 1))

    def demo_users(self) -> list[str]:
        """Usernames of the demo accounts present (a production start refuses while any)."""
        return [u["username"] for u in self.db.users.find({"demo": True}, {"username": 1})]

    def insert_user(self, record: Mapping[str, Any], actor: str) -> None:
        """Create a user; ValidationFailed when the username or email is taken."""
        self._require(MANAGE_USERS)
        self._ready()
        now = now_utc()
        who = self._who(actor)
        doc = {
            **record,
            "version": 1,
            "created_by": who,
            "created_at": now,
            "updated_by": who,
            "updated_at": now,
        }
        try:
            self.db.users.insert_one(doc)
        except DuplicateKeyError as exc:
            field = "email" if "email" in str(exc) else "tên đăng nhập"
            raise ValidationFailed([Problem(field, "đã có tài khoản khác dùng")]) from None

    def update_user(
        self, user_id: str, changes: Mapping[str, Any], actor: str, *, own: bool = False
    ) -> dict[str, Any] | None:
        """Change fields of a user (a new version); `own`: the user changing his own password
        (needs no right to manage accounts). Returns the new record, None when absent."""
        if not own:
            self._require(MANAGE_USERS)
        try:
            return self.db.users.find_one_and_update(
                {"_id": str(user_id)},
                {
                    "$set": {**changes, "updated_by": self._who(actor), "updated_at": now_utc()},
                    "$inc": {"version": 1},
                },
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            raise ValidationFailed([Problem("email", "đã có tài khoản khác dùng")]) from None

    def record_login_failure(
        self, user_id: str, lock_after: int, lock_until: datetime
    ) -> dict[str, Any] | None:
        """Count a failed login of a known user; lock him when the count reaches `lock_after`.
        Returns the record after the change."""
        found = self.db.users.find_one_and_update(
            {"_id": str(user_id)},
            {"$inc": {"failed_logins": 1}},
            return_document=ReturnDocument.AFTER,
        )
        if found is not None and int(found["failed_logins"]) >= lock_after:
            found = self.db.users.find_one_and_update(
                {"_id": str(user_id)},
                {"$set": {"lock_until": lock_until, "failed_logins": 0}},
                return_document=ReturnDocument.AFTER,
            )
        return found

    def record_login_success(self, user_id: str, at: datetime) -> None:
        """Reset the failure counter and note the login time."""
        self.db.users.update_one(
            {"_id": str(user_id)},
            {"$set": {"failed_logins": 0, "lock_until": None, "last_login_at": at}},
        )

    # -- throttle of unknown usernames (so they lock exactly like known ones) --------------------

    def throttle(self, key: str) -> dict[str, Any] | None:
        """The failure record of an unknown username."""
        return self.db.login_throttle.find_one({"_id": str(key)})

    def record_throttle_failure(
        self, key: str, lock_after: int, lock_until: datetime, forget_at: datetime
    ) -> dict[str, Any] | None:
        """Count a failed login of an unknown username, locking it like a known one."""
        found = self.db.login_throttle.find_one_and_update(
            {"_id": str(key)},
            {"$inc": {"failures": 1}, "$set": {"expires_at": forget_at}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        if found is not None and int(found["failures"]) >= lock_after:
            found = self.db.login_throttle.find_one_and_update(
                {"_id": str(key)},
                {"$set": {"lock_until": lock_until, "failures": 0}},
                return_document=ReturnDocument.AFTER,
            )
        return found

    # -- sessions ------------------------------------------------------------------------------

    def insert_session(self, record: Mapping[str, Any]) -> None:
        """Store a new session (keyed by its token's hash)."""
        self._ready()
        self.db.sessions.insert_one(dict(record))

    def session(self, session_id: str) -> dict[str, Any] | None:
        """One session by its token's hash."""
        return self.db.sessions.find_one({"_id": str(session_id)})

    def touch_session(self, session_id: str, seen: datetime, expires: datetime) -> None:
        """Note activity: the session lives until `expires` (inactivity expiry)."""
        self.db.sessions.update_one(
            {"_id": str(session_id)}, {"$set": {"last_seen": seen, "expires_at": expires}}
        )

    def delete_session(self, session_id: str) -> bool:
        """End one session on the server; True when it existed."""
        return self.db.sessions.delete_one({"_id": str(session_id)}).deleted_count == 1

    def delete_sessions_of(self, username: str) -> int:
        """End every session of a user (disabled, password reset, role changed)."""
        return self.db.sessions.delete_many({"username": str(username)}).deleted_count

    # -- access log (append-only: no update or delete exists) ------------------------------------

    def append_access_log(self, entry: Mapping[str, Any]) -> None:
        """Append one entry."""
        self._ready()
        self.db.access_log.insert_one({"_id": ObjectId(), **entry})

    def access_log(
        self, query: Mapping[str, Any], *, skip: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of entries matching `query`, newest first, and how many match."""
        self._require(READ_ACCESS_LOG)
        cursor = self.db.access_log.find(dict(query)).sort([("at", -1), ("_id", -1)])
        rows = list(cursor.skip(skip).limit(limit))
        return rows, self.db.access_log.count_documents(dict(query))

    def access_log_events(self) -> Sequence[str]:
        """The distinct kinds of event logged so far."""
        self._require(READ_ACCESS_LOG)
        return sorted(self.db.access_log.distinct("event"))
