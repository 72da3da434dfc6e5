"""A task that is not the unit's (Quy chế theo dõi …, Điều 8.2.a): the lead unit sends it back
to the Office with a reason; the Office gives it to another unit (`office.reassign_task`, which
settles the return) or keeps it with the unit, refusing the return with a reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.access.roles import REASSIGN_TASK, SEND_BACK_TASK
from core.errors import Problem, ValidationFailed
from core.repository import Repository
from core.workflow import common as c


def send_back_task(
    repo: Repository, task_id: str, version: int, reason: Any, today: date | None = None
) -> int:
    """The lead unit sends the task back as not within its functions (or wrongly entered),
    with a reason; it stays the unit's until the Office decides. Returns the new version."""
    actor = c.acting(repo, SEND_BACK_TASK)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    unit = c.require_lead(repo, actor, task)
    c.require_active(task)
    why = c.required_text(reason, "lý do trả lại", 2000)
    if c.pending(task.get("returns")):
        raise ValidationFailed(
            [Problem("trả lại nhiệm vụ", "nhiệm vụ đã được trả lại, đang chờ Văn phòng xử lý")]
        )
    if c.pending(task.get("completion_reports")):
        raise ValidationFailed(
            [Problem("trả lại nhiệm vụ", "đơn vị đã báo cáo hoàn thành nhiệm vụ này")]
        )
    note = {
        "date": day,
        "unit": unit,
        "reason": why,
        "by": actor.username,
        "status": "pending",
    }
    return c.save(
        repo,
        task["_id"],
        version,
        {"returns": [*c.plain(task.get("returns")), note]},
        kind="returned",
        action=SEND_BACK_TASK,
        note=why,
    )


def refuse_return(
    repo: Repository, task_id: str, version: int, reason: Any, today: date | None = None
) -> int:
    """The Office keeps the task with its lead unit, refusing the return with a reason (the
    unit's queue shows it). Returns the new version."""
    actor = c.acting(repo, REASSIGN_TASK)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    c.require_coverage(actor, task)
    c.require_active(task)
    why = c.required_text(reason, "lý do", 2000)
    returns = c.plain(task.get("returns"))
    waiting = next((r for r in returns if r.get("status") == "pending"), None)
    if waiting is None:
        raise ValidationFailed([Problem("trả lại nhiệm vụ", "không có yêu cầu trả lại đang chờ")])
    waiting.update(status="refused", decided_date=day, decided_by=actor.name, decision_note=why)
    return c.save(
        repo,
        task["_id"],
        version,
        {"returns": returns},
        kind="return_refused",
        action=REASSIGN_TASK,
        note=why,
    )
