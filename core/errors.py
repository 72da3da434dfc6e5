"""Errors that reach users: every refusal names the field and the reason, in Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One reason a record was refused: the field (trường) and why (lý do)."""

    field: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"dòng {self.line}: " if self.line is not None else ""
        return f"{where}{self.field}: {self.reason}"


@dataclass
class ValidationFailed(Exception):
    """A write was refused; nothing was written. `problems` lists every reason."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)


class ConflictError(Exception):
    """Optimistic concurrency: the record changed since it was read (phiên bản đã thay đổi)."""


STALE_COPY = "Nhiệm vụ đã được người khác cập nhật sau khi bạn mở"


class StaleCopy(ConflictError):
    """A save from a copy opened before someone else's change: refused, never overwriting.

    `current` holds the task's current values (as the workflow shows them), `changed_by` who
    changed it since, so the user can compare and decide again."""

    def __init__(
        self, message: str, current: dict[str, object], changed_by: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.current = current
        self.changed_by = changed_by or []


class DatabaseUnavailable(Exception):
    """MongoDB cannot be reached; the message says what to check, in Vietnamese."""


class WriteNotConfirmed(DatabaseUnavailable):
    """A write was sent but its outcome is unknown (connection lost, primary changed, majority
    not reached in time): it may or may not have been applied. The message says so."""


class DatabaseAuthFailed(DatabaseUnavailable):
    """MongoDB answered but refused the user name or password of MONGODB_URI."""


class AccessDenied(Exception):
    """The role table does not let the acting user do this (không có quyền); the message says
    what was refused, in Vietnamese, and never quotes a record's content."""


class LoginRefused(Exception):
    """A login, a session or a password change was refused; the message is for the user."""
