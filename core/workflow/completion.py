"""Completion: the lead unit reports a task done (the day, the result, the number of its report
— Quy chế theo dõi …, Điều 8.1.a); the Office confirms it with the assessment Điều 6.8 asks for
(result, quality and effect against the requirement) — only then does the task count as
completed — or sends it back with a reason (Điều 7.2.đ)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.access.roles import CONFIRM_COMPLETION, REPORT_COMPLETION
from core.dates import format_vn
from core.errors import Problem, ValidationFailed
from core.repository import Repository
from core.text import fold
from core.vocab import QUALITY_LEVELS
from core.workflow import common as c


def report_completion(
    repo: Repository,
    task_id: str,
    version: int,
    completed_date: Any,
    result: Any,
    report_number: Any,
    today: date | None = None,
) -> int:
    """The lead unit reports the task done; it waits for the Office's confirmation. Refused:
    a day in the future or before the assigned day, a report already waiting."""
    actor = c.acting(repo, REPORT_COMPLETION)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    unit = c.require_lead(repo, actor, task)
    c.require_active(task)
    done = c.required_day(completed_date, "ngày hoàn thành")
    what = c.required_text(result, "kết quả")
    number = c.required_text(report_number, "số văn bản báo cáo", 100)
    c.not_after_today(done, "ngày hoàn thành", day)
    assigned = c.bday(task["assigned_date"])
    if assigned is not None and done < assigned:
        raise ValidationFailed(
            [
                Problem(
                    "ngày hoàn thành",
                    f"ngày {format_vn(done)} trước ngày giao {format_vn(assigned)}",
                )
            ]
        )
    if c.pending(task.get("completion_reports")):
        raise ValidationFailed(
            [Problem("báo cáo hoàn thành", "đã có báo cáo hoàn thành đang chờ Văn phòng xác nhận")]
        )
    report = {
        "reported_date": day,
        "completed_date": done,
        "result": what,
        "report_number": number,
        "unit": unit,
        "by": actor.username,
        "status": "pending",
    }
    return c.save(
        repo,
        task["_id"],
        version,
        {"completion_reports": [*c.plain(task.get("completion_reports")), report]},
        kind="completion_reported",
        action=REPORT_COMPLETION,
        note=f"Hoàn thành ngày {format_vn(done)}, văn bản số {number}: {what}",
    )


def quality_code(value: Any) -> str:
    """A quality level from its code or its Vietnamese label; refused otherwise."""
    if isinstance(value, str):
        if value in QUALITY_LEVELS:
            return value
        for key, label in QUALITY_LEVELS.items():
            if fold(value) == fold(label):
                return key
    choices = "; ".join(QUALITY_LEVELS.values())
    raise ValidationFailed([Problem("chất lượng", f"chọn một trong: {choices}")])


def _waiting(task: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    reports = c.plain(task.get("completion_reports"))
    waiting = next((r for r in reports if r.get("status") == "pending"), None)
    if waiting is None:
        raise ValidationFailed(
            [Problem("báo cáo hoàn thành", "không có báo cáo hoàn thành đang chờ xác nhận")]
        )
    return reports, waiting


def confirm_completion(
    repo: Repository,
    task_id: str,
    version: int,
    quality: Any,
    effect: Any,
    result: Any = None,
    today: date | None = None,
) -> int:
    """Confirm the waiting completion report with the assessment (Điều 6.8): the result (the
    unit's unless corrected), its quality against the requirement and its effect. The task is
    completed on the day the unit reported. Returns the new version."""
    actor = c.acting(repo, CONFIRM_COMPLETION)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    c.require_coverage(actor, task)
    c.require_active(task)
    reports, waiting = _waiting(task)
    level = quality_code(quality)
    how = c.required_text(effect, "hiệu quả", 4000)
    what = c.text(result, "kết quả", required=False) or waiting["result"]
    waiting.update(status="confirmed", decided_date=day, decided_by=actor.name)
    return c.save(
        repo,
        task["_id"],
        version,
        {
            "completion_reports": reports,
            "completed_date": waiting["completed_date"],
            "result": what,
            "report_number": waiting["report_number"],
            "quality": level,
            "effect": how,
            "confirmed_date": day,
            "confirmed_by": actor.name,
        },
        kind="confirmed",
        action=CONFIRM_COMPLETION,
        note=f"{QUALITY_LEVELS[level]}; {how}",
    )


def send_back_completion(
    repo: Repository, task_id: str, version: int, reason: Any, today: date | None = None
) -> int:
    """Send the waiting completion report back to the unit with a reason (Điều 7.2.đ): the
    task stays open and the unit's queue shows why. Returns the new version."""
    actor = c.acting(repo, CONFIRM_COMPLETION)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    c.require_coverage(actor, task)
    c.require_active(task)
    reports, waiting = _waiting(task)
    why = c.required_text(reason, "lý do trả lại", 2000)
    waiting.update(status="sent_back", decided_date=day, decided_by=actor.name, decision_note=why)
    return c.save(
        repo,
        task["_id"],
        version,
        {"completion_reports": reports},
        kind="completion_sent_back",
        action=CONFIRM_COMPLETION,
        note=why,
    )
