"""Progress reports (báo cáo tiến độ): the lead unit states where a task stands on a day
(Quy chế theo dõi …, Điều 8.1): at the latest 1 working day after a task went overdue, and
monthly for a task without a deadline. Each report counts in update discipline."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.access.roles import REPORT_PROGRESS
from core.dates import format_vn
from core.errors import Problem, ValidationFailed
from core.repository import Repository
from core.workflow import common as c


def report_progress(
    repo: Repository,
    task_id: str,
    version: int,
    note: Any,
    report_date: Any = None,
    today: date | None = None,
) -> int:
    """Add a progress report (text, day; default today) to a task the unit leads. Refused: an
    empty text, a day in the future or before the assigned day, a task completed or
    cancelled. Returns the new version."""
    actor = c.acting(repo, REPORT_PROGRESS)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    c.require_lead(repo, actor, task)
    c.require_active(task)
    text = c.required_text(note, "nội dung báo cáo", 4000)
    when = c.day(report_date, "ngày báo cáo", required=False) or day
    c.not_after_today(when, "ngày báo cáo", day)
    assigned = c.bday(task["assigned_date"])
    if assigned is not None and when < assigned:
        raise ValidationFailed(
            [
                Problem(
                    "ngày báo cáo", f"ngày {format_vn(when)} trước ngày giao {format_vn(assigned)}"
                )
            ]
        )
    progress = [*c.plain(task.get("progress")), {"date": when, "note": text}]
    progress.sort(key=lambda p: p["date"])
    return c.save(
        repo,
        task["_id"],
        version,
        {"progress": progress},
        kind="progress",
        action=REPORT_PROGRESS,
        note=text,
    )
