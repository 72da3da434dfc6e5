"""What every workflow action shares: the acting user and his duties, typed input made safe,
the deadline in force, and the save that refuses a stale copy with the current values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from core.access.roles import Actor, refusal
from core.dates import TZ, format_vn, from_bson_day, parse_day, today_local
from core.errors import (
    STALE_COPY,
    AccessDenied,
    ConflictError,
    Problem,
    StaleCopy,
    ValidationFailed,
)
from core.repository import Repository
from core.scope import Scope
from core.text import nfc

MAX_TEXT = 10_000  # characters of one typed text (a content, a result, a reason)
OFFICE_LEADERS = frozenset({"office_chief", "office_deputy"})


# --- who acts -------------------------------------------------------------------------------


def acting(repo: Repository, action: str) -> Actor:
    """The logged-in user of a bound repository, if the role table lets him take `action`."""
    actor = repo.actor
    if actor is None:
        raise AccessDenied("Thao tác này cần một người dùng đã đăng nhập.")
    if not actor.may(action):
        raise AccessDenied(refusal(actor, action))
    return actor


def covers(actor: Actor, task: Mapping[str, Any]) -> bool:
    """Whether an Office user's duties reach this task.

    The Chief and Deputy Chiefs answer for every task. A specialist (chuyên viên theo dõi,
    Điều 7.2) answers for the tasks tracked by his rooms (`tracking_rooms`) or led by the units
    he tracks (`tracked_units`); a specialist assigned neither tracks nothing yet."""
    if actor.role in OFFICE_LEADERS:
        return True
    if actor.role != "office_specialist":
        return False
    return task.get("tracking_room") in actor.tracking_rooms or (
        task.get("lead_unit") in actor.tracked_units
    )


def require_coverage(actor: Actor, task: Mapping[str, Any]) -> None:
    """Refuse an Office action on a task outside the specialist's rooms and units."""
    if covers(actor, task):
        return
    if actor.role == "office_specialist" and not (actor.tracking_rooms or actor.tracked_units):
        raise AccessDenied(
            f"Tài khoản «{actor.username}» chưa được phân công theo dõi phòng hoặc đơn vị nào; "
            "đề nghị Chánh Văn phòng phân công trước khi xử lý nhiệm vụ."
        )
    raise AccessDenied(
        f"Nhiệm vụ {task.get('_id')} do phòng «{task.get('tracking_room') or 'chưa xác định'}» "
        f"theo dõi, không thuộc phân công của tài khoản «{actor.username}»."
    )


def require_lead(repo: Repository, actor: Actor, task: Mapping[str, Any]) -> str:
    """The acting unit, when it leads the task (itself or a unit it took over); a coordinating
    unit informs the lead unit instead (Điều 10.2.b)."""
    units = repo.reader.units
    if actor.unit is None or units is None or task.get("lead_unit") not in units:
        raise AccessDenied(
            f"Chỉ đơn vị chủ trì nhiệm vụ {task.get('_id')} mới thực hiện được thao tác này; "
            "đơn vị phối hợp gửi thông tin cho đơn vị chủ trì (Điều 10.2.b)."
        )
    return actor.unit


# --- typed input ----------------------------------------------------------------------------


def text(value: Any, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str | None:
    """A typed text as stored: NFC, whitespace collapsed. Anything but a string (a dict such
    as {"$ne": …}, a list) is refused; a string is only ever stored as text."""
    if value is None:
        cleaned = ""
    elif isinstance(value, str):
        cleaned = nfc(value)
    else:
        raise ValidationFailed([Problem(label, "phải là chuỗi ký tự")])
    if not cleaned:
        if required:
            raise ValidationFailed([Problem(label, "không được để trống")])
        return None
    if len(cleaned) > limit:
        raise ValidationFailed([Problem(label, f"dài quá {limit} ký tự")])
    return cleaned


def required_text(value: Any, label: str, limit: int = MAX_TEXT) -> str:
    """A typed text that must not be empty."""
    out = text(value, label, required=True, limit=limit)
    assert out is not None
    return out


def code(value: Any, label: str) -> str:
    """A code typed or chosen (a unit, a leader): a short string, never an operator."""
    return required_text(value, label, limit=64)


def day(value: Any, label: str, *, required: bool = True) -> date | None:
    """A day from a date or dd/mm/yyyy text; refused with the field's name otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed([Problem(label, "không được để trống")])
        return None
    if not isinstance(value, (date, str)):
        raise ValidationFailed([Problem(label, "phải là ngày")])
    try:
        return parse_day(value)
    except ValueError as exc:
        raise ValidationFailed([Problem(label, str(exc))]) from None


def required_day(value: Any, label: str) -> date:
    """A day that must be given."""
    out = day(value, label, required=True)
    assert out is not None
    return out


def not_after_today(d: date, label: str, today: date) -> None:
    """Refuse a day in the future (a report states what has happened)."""
    if d > today:
        raise ValidationFailed(
            [Problem(label, f"ngày {format_vn(d)} sau ngày hôm nay ({format_vn(today)})")]
        )


def today_or(today: date | None) -> date:
    """The given day, else today in the province."""
    return today or today_local()


# --- a stored task --------------------------------------------------------------------------


def open_task(repo: Repository, task_id: Any) -> dict[str, Any]:
    """The stored task, as its reader may see it; refused as not found otherwise."""
    key = code(task_id, "nhiệm vụ") if not isinstance(task_id, str) else task_id
    found = repo.task(key, Scope.everything())
    if found is None:
        raise ValidationFailed([Problem("nhiệm vụ", f"không có nhiệm vụ «{key}»")])
    return found


def load(repo: Repository, task_id: Any, opened_version: Any) -> dict[str, Any]:
    """The stored task a user acts on; a copy older than the stored task is refused at once
    (`StaleCopy` with the current values), as the save itself would."""
    task = open_task(repo, task_id)
    if isinstance(opened_version, bool) or not isinstance(opened_version, int):
        raise ValidationFailed([Problem("phiên bản", "phải là số nguyên")])
    if task.get("version") != opened_version:
        raise stale(repo, task, opened_version)
    return task


def bday(value: Any) -> date | None:
    """A stored day as a date (a date stays as it is)."""
    if isinstance(value, datetime):
        return from_bson_day(value)
    return value if isinstance(value, date) else None


def deadline_in_force(task: Mapping[str, Any], as_of: date) -> date | None:
    """The deadline in force as of D: the last extension approved by D (as core.metrics
    computes it), else the original deadline; None for a task without a deadline."""
    eff = bday(task.get("deadline"))
    approved: date | None = None
    for ext in task.get("extensions") or []:
        when = bday(ext["approved_date"])
        if when is not None and when <= as_of and (approved is None or when >= approved):
            approved, eff = when, bday(ext["new_deadline"])
    return eff


def require_active(task: Mapping[str, Any], *, allow_completed: bool = False) -> None:
    """Refuse a change to a cancelled task (or, unless allowed, to a completed one)."""
    if task.get("cancelled_date") is not None:
        raise ValidationFailed(
            [
                Problem(
                    "nhiệm vụ",
                    f"nhiệm vụ {task['_id']} đã hủy ngày {format_vn(bday(task['cancelled_date']))}",
                )
            ]
        )
    if not allow_completed and task.get("completed_date") is not None:
        raise ValidationFailed(
            [
                Problem(
                    "nhiệm vụ",
                    f"nhiệm vụ {task['_id']} đã hoàn thành ngày "
                    f"{format_vn(bday(task['completed_date']))}",
                )
            ]
        )


def plain(items: Any) -> list[dict[str, Any]]:
    """A stored list of requests as model input (stored days back to dates)."""
    return [
        {k: bday(v) if isinstance(v, datetime) else v for k, v in item.items()}
        for item in items or []
    ]


def pending(items: Any) -> dict[str, Any] | None:
    """The pending request of a stored list (extension requests, completion reports, returns)."""
    return next((x for x in items or [] if x.get("status") == "pending"), None)


# --- saving ---------------------------------------------------------------------------------


def save(
    repo: Repository,
    task_id: str,
    expected_version: int,
    changes: Mapping[str, Any] | Callable[[dict[str, Any]], Mapping[str, Any]],
    *,
    kind: str,
    action: str,
    note: str | None = None,
    check: Callable[[dict[str, Any]], None] | None = None,
) -> int:
    """Write a change through the bound repository (task, facts, summaries and the event in
    one transaction); a stale copy is refused with the current values (`StaleCopy`)."""
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationFailed([Problem("phiên bản", "phải là số nguyên")])
    actor = repo.actor
    try:
        return repo.update_task(
            task_id,
            changes,
            actor.username if actor else "system",
            expected_version,
            kind=kind,
            action=action,
            note=note,
            check=check,
        )
    except StaleCopy:
        raise
    except ConflictError as exc:
        current = repo.task(task_id, Scope.everything())
        if current is None:
            raise
        raise stale(repo, current, expected_version) from exc


def stale(repo: Repository, current: Mapping[str, Any], opened_version: int) -> StaleCopy:
    """The refusal of a save from a copy older than `current`, with its current values and who
    changed it since the copy was opened."""
    since = [
        e
        for e in repo.task_events(str(current["_id"]))
        if isinstance(e.get("version"), int) and e["version"] > opened_version
    ]
    who = [f"{e['actor']} lúc {when(e['at'])}" for e in since]
    message = STALE_COPY
    names = list(dict.fromkeys(str(e["actor"]) for e in since))
    if names:
        message += f" (cập nhật bởi {', '.join(names)})"
    message += ". Giá trị hiện tại được hiển thị dưới đây; hãy xem lại rồi thao tác lại."
    return StaleCopy(message, current_values(current), who)


def when(instant: datetime) -> str:
    """An instant as users read it: hh:mm dd/mm/yyyy, province time."""
    local = instant.astimezone(TZ)
    return f"{local:%H:%M} {format_vn(local.date())}"


def current_values(task: Mapping[str, Any]) -> dict[str, object]:
    """The values of a task a user compares with his copy, by Vietnamese label."""
    eff = deadline_in_force(task, today_local())
    req = pending(task.get("extension_requests"))
    rep = pending(task.get("completion_reports"))
    ret = pending(task.get("returns"))
    waiting = [
        label
        for label, item in (
            ("đề nghị gia hạn", req),
            ("báo cáo hoàn thành", rep),
            ("trả lại nhiệm vụ", ret),
        )
        if item is not None
    ]
    return {
        "Phiên bản": task.get("version"),
        "Nội dung": task.get("content"),
        "Đơn vị chủ trì": task.get("lead_unit"),
        "Đơn vị phối hợp": ", ".join(task.get("coord_units") or []) or "—",
        "Thời hạn ban đầu": format_vn(bday(task.get("deadline"))) or "Không thời hạn",
        "Thời hạn đang áp dụng": format_vn(eff) or "Không thời hạn",
        "Trọng tâm": "Có" if task.get("priority") else "Không",
        "Ngày hoàn thành": format_vn(bday(task.get("completed_date"))) or "—",
        "Ngày xác nhận": format_vn(bday(task.get("confirmed_date"))) or "—",
        "Ngày hủy": format_vn(bday(task.get("cancelled_date"))) or "—",
        "Đang chờ xử lý": ", ".join(waiting) or "—",
        "Cập nhật lần cuối bởi": task.get("updated_by") or "—",
    }
