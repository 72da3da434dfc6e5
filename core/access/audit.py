"""The access log (nhật ký truy cập): who did what, when and from where — logins, failed
logins, lockouts, logouts, downloads, exports, imports, account changes. Append-only: the
store offers no way to change or delete an entry. An entry names records (ids, file names,
counts), never the content of a task or a document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from core.access.roles import ROLES, Actor
from core.dates import TZ, now_utc
from core.repository import Repository

# Every kind of entry, with what the log page shows.
EVENTS: dict[str, str] = {
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập không thành công",
    "lockout": "Tài khoản bị khóa tạm thời",
    "logout": "Đăng xuất",
    "session_expired": "Hết phiên làm việc",
    "password_changed": "Đổi mật khẩu",
    "access_denied": "Bị từ chối",
    "briefing_generated": "Lập và lưu báo cáo",
    "briefing_download": "Tải báo cáo",
    "letter_download": "Tải văn bản đôn đốc",
    "export": "Xuất dữ liệu",
    "import": "Nhập dữ liệu",
    "user_added": "Tạo tài khoản",
    "user_changed": "Sửa tài khoản",
}


# How a detail reads on the log page (Vietnamese): key → label; values translated below.
DETAIL_LABELS: dict[str, str] = {
    "user": "tài khoản",
    "role": "vai trò",
    "unit": "đơn vị",
    "leader": "lãnh đạo",
    "active": "trạng thái",
    "password": "mật khẩu",
    "file": "tệp",
    "rows": "số dòng",
    "page": "trang",
    "reason": "lý do",
    "id": "mã",
    # exports, imports and letters of the workflow (core/imports/export.py, the pages)
    "what": "dữ liệu",
    "format": "định dạng",
    "filter": "bộ lọc",
    "written": "số bản ghi ghi mới hoặc thay đổi",
    "feedback": "phản ánh",
}
_DETAIL_VALUES: dict[object, str] = {
    "reset": "đặt lại",
    "disabled": "tài khoản đã bị vô hiệu hóa",
    "tasks": "nhiệm vụ",
    "xlsx": "Excel (.xlsx)",
    "csv": "CSV",
}


def describe(detail: Mapping[str, Any] | None) -> str:
    """An entry's detail in Vietnamese, for the log page."""
    parts = []
    for key, value in (detail or {}).items():
        if value is None:
            continue
        if key == "active":
            shown = "mở lại" if value else "khóa"
        elif key == "role" and isinstance(value, str) and value in ROLES:
            shown = ROLES[value].label
        else:
            shown = _DETAIL_VALUES.get(value, str(value)) if isinstance(value, str) else str(value)
        parts.append(f"{DETAIL_LABELS.get(key, key)}: {shown}")
    return "; ".join(parts)


def record(
    repo: Repository,
    event: str,
    who: Actor | str,
    detail: Mapping[str, Any] | None = None,
    client: str | None = None,
) -> None:
    """Append one entry (`who`: the actor, or the username typed at a failed login)."""
    if event not in EVENTS:
        raise ValueError(f"unknown access-log event {event!r}")
    username = who.username if isinstance(who, Actor) else str(who)[:100] or "(trống)"
    repo.append_access_log(
        {
            "at": now_utc(),
            "username": username,
            "role": who.role if isinstance(who, Actor) else None,
            "event": event,
            "detail": {str(k): _plain(v) for k, v in (detail or {}).items()},
            "client": (client or None) and str(client)[:200],
        }
    )


def _plain(value: Any) -> Any:
    """A detail value as stored: short strings, numbers, booleans, lists of those."""
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value][:50]
    return str(value)[:300]


@dataclass(frozen=True)
class LogSearch:
    """What the log page filters by."""

    username: str | None = None
    event: str | None = None
    day_from: date | None = None
    day_to: date | None = None
    page: int = 1
    page_size: int = 100


def log_query(s: LogSearch) -> dict[str, Any]:
    """The MongoDB filter of a search; typed text is matched as text, never as an operator."""
    query: dict[str, Any] = {}
    if s.username:
        query["username"] = str(s.username).strip().lower()
    if s.event:
        query["event"] = str(s.event)
    span: dict[str, datetime] = {}
    if s.day_from:
        span["$gte"] = datetime.combine(s.day_from, time(), TZ)
    if s.day_to:
        span["$lt"] = datetime.combine(s.day_to + timedelta(days=1), time(), TZ)
    if span:
        query["at"] = span
    return query


def search(repo: Repository, s: LogSearch) -> tuple[list[dict[str, Any]], int]:
    """A page of entries (newest first) and how many match; needs the right to read the log."""
    return repo.access_log(log_query(s), skip=(max(1, s.page) - 1) * s.page_size, limit=s.page_size)
