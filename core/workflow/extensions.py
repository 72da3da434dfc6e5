"""Deadline extensions (gia hạn): the lead unit asks for a later deadline with a reason (asked
after the deadline in force it is marked late); the Office approves — an extension is added and
the original deadline is never rewritten — or refuses with a reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.access.roles import DECIDE_EXTENSION, REQUEST_EXTENSION
from core.dates import format_vn
from core.errors import Problem, ValidationFailed
from core.repository import Repository
from core.workflow import common as c


def request_extension(
    repo: Repository,
    task_id: str,
    version: int,
    new_deadline: Any,
    reason: Any,
    today: date | None = None,
) -> int:
    """The lead unit asks for a new deadline. Refused: a task without a deadline, a date not
    after the deadline in force, a request already waiting. Returns the new version."""
    actor = c.acting(repo, REQUEST_EXTENSION)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    unit = c.require_lead(repo, actor, task)
    c.require_active(task)
    new = c.required_day(new_deadline, "thời hạn đề nghị")
    why = c.required_text(reason, "lý do", 2000)
    eff = c.deadline_in_force(task, day)
    if eff is None:
        raise ValidationFailed(
            [Problem("thời hạn đề nghị", "nhiệm vụ không có thời hạn thì không gia hạn")]
        )
    if new <= eff:
        raise ValidationFailed(
            [
                Problem(
                    "thời hạn đề nghị",
                    f"ngày {format_vn(new)} không sau thời hạn đang áp dụng {format_vn(eff)}",
                )
            ]
        )
    if c.pending(task.get("extension_requests")):
        raise ValidationFailed(
            [Problem("đề nghị gia hạn", "đã có đề nghị gia hạn đang chờ Văn phòng xử lý")]
        )
    if c.pending(task.get("completion_reports")):
        raise ValidationFailed(
            [
                Problem(
                    "đề nghị gia hạn", "đơn vị đã báo cáo hoàn thành, đang chờ Văn phòng xác nhận"
                )
            ]
        )
    late = day > eff
    request = {
        "asked_date": day,
        "new_deadline": new,
        "reason": why,
        "unit": unit,
        "by": actor.username,
        "late": late,
        "status": "pending",
    }
    note = why + (f" (đề nghị sau thời hạn {format_vn(eff)})" if late else "")
    return c.save(
        repo,
        task["_id"],
        version,
        {"extension_requests": [*c.plain(task.get("extension_requests")), request]},
        kind="extension_requested",
        action=REQUEST_EXTENSION,
        note=note,
    )


def decide_extension(
    repo: Repository,
    task_id: str,
    version: int,
    approve: Any,
    note: Any = None,
    new_deadline: Any = None,
    today: date | None = None,
) -> int:
    """The Office approves the waiting request (the deadline asked, or another it sets, after
    the deadline in force) or refuses it with a reason. An approval adds an extension approved
    today; the original deadline stays as entered. Returns the new version."""
    actor = c.acting(repo, DECIDE_EXTENSION)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    c.require_coverage(actor, task)
    c.require_active(task)
    if not isinstance(approve, bool):
        raise ValidationFailed([Problem("quyết định", "phải là đồng ý hoặc không đồng ý")])
    requests = c.plain(task.get("extension_requests"))
    waiting = next((r for r in requests if r.get("status") == "pending"), None)
    if waiting is None:
        raise ValidationFailed([Problem("đề nghị gia hạn", "không có đề nghị gia hạn đang chờ")])
    comment = c.text(note, "ý kiến xử lý", required=not approve, limit=2000)
    waiting.update(decided_date=day, decided_by=actor.name, decision_note=comment)
    if not approve:
        waiting["status"] = "refused"
        return c.save(
            repo,
            task["_id"],
            version,
            {"extension_requests": requests},
            kind="extension_refused",
            action=DECIDE_EXTENSION,
            note=comment,
        )
    granted = c.day(new_deadline, "thời hạn mới", required=False) or waiting["new_deadline"]
    eff = c.deadline_in_force(task, day)
    if eff is not None and granted <= eff:
        raise ValidationFailed(
            [
                Problem(
                    "thời hạn mới",
                    f"ngày {format_vn(granted)} không sau thời hạn đang áp dụng {format_vn(eff)}",
                )
            ]
        )
    waiting.update(status="approved", granted_deadline=granted)
    extension = {
        "new_deadline": granted,
        "approved_date": day,
        "approver": actor.name,
        "reason": waiting["reason"],
    }
    return c.save(
        repo,
        task["_id"],
        version,
        {
            "extension_requests": requests,
            "extensions": [*c.plain(task.get("extensions")), extension],
        },
        kind="extended",
        action=DECIDE_EXTENSION,
        note=comment or f"Gia hạn đến {format_vn(granted)}",
    )
