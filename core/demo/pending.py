"""Work in flight for the demo province: what a real Office finds on a Monday morning —
completions awaiting confirmation, extension requests (one asked after the deadline), a task a
unit sent back, a commune's feedback with its 7-working-day duty, and one decision already
given to a unit — written through `core.workflow` as the units and the Office would, so the
Office's and the units' queues are not empty on the demo (Quy chế theo dõi, đôn đốc, kiểm tra việc
thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao, Điều 7–9, 15.5, 16.4).

Deterministic: the tasks are the chosen units' open ones with the latest deadlines; nothing
changes a figure of the overview (a reported completion counts once the Office confirms it).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.access.roles import Actor
from core.access.scopes import scope_for
from core.dates import from_bson_day, to_bson_day
from core.demo.loading import DEMO_TODAY
from core.demo.texts import RETURN_REASON
from core.repository import Repository
from core.scope import Scope
from core.services import work_calendar
from core.workflow import (
    decide_extension,
    give_feedback,
    report_completion,
    request_extension,
    send_back_task,
)

# Units whose officers act in the demo (the demo account `snnmt` is the first one's).
UNITS = ("SNNMT", "SYT", "SXD", "SGDDT")
OFFICE = Actor("demo.vanphong", "office_chief", display_name="Văn phòng UBND tỉnh (demo)")


def _officer(repo: Repository, unit: str) -> Actor:
    found = repo.unit(unit)
    name = found["name"] if found else unit
    return Actor(f"demo.{unit.lower()}", "unit_officer", display_name=f"Cán bộ {name}", unit=unit)


def _bound(repo: Repository, actor: Actor, today: date) -> Repository:
    return repo.acting_as(actor, scope_for(actor, repo.units(), today))


def _open_tasks(
    repo: Repository, unit: str, today: date, n: int, newest: bool = True
) -> list[dict[str, Any]]:
    """The unit's `n` open tasks with the latest (or earliest) deadlines (deterministic)."""
    return repo.find_tasks(
        {
            "lead_unit": unit,
            "completed_date": None,
            "cancelled_date": None,
            "deadline": {"$ne": None},
            "assigned_date": {"$lte": to_bson_day(today)},
            "extension_requests": {"$in": [None, []]},
            "completion_reports": {"$in": [None, []]},
            "returns": {"$in": [None, []]},
        },
        Scope.everything(),
        sort=(("deadline", -1 if newest else 1), ("_id", 1)),
        limit=n,
    )


def _deadline(task: dict[str, Any]) -> date:
    extensions = task.get("extensions") or []
    last = extensions[-1]["new_deadline"] if extensions else task["deadline"]
    return from_bson_day(last)


def open_pending_work(repo: Repository, today: date = DEMO_TODAY) -> dict[str, int]:
    """Write the demo's work in flight; returns how many of each were written. Units missing
    from the organisation (another province's tables) are skipped."""
    written = {"completions": 0, "extension_requests": 0, "returns": 0, "feedback": 0}
    units = [u for u in UNITS if repo.unit(u) is not None]
    cal = work_calendar(repo)
    for i, unit in enumerate(units):
        officer = _bound(repo, _officer(repo, unit), today)
        tasks = _open_tasks(repo, unit, today, 3)
        if not tasks:
            continue
        done = tasks[0]
        report_completion(
            officer,
            done["_id"],
            done["version"],
            max(cal.add_working_days(today, -1), from_bson_day(done["assigned_date"])),
            "Đã hoàn thành nội dung được giao; kết quả báo cáo bằng văn bản kèm theo.",
            f"{120 + i}/BC-{unit}",
            today=today,
        )
        written["completions"] += 1
        if i == 2:  # one request asked after the deadline (marked late)
            tasks[1:2] = _open_tasks(repo, unit, today, 1, newest=False)
        if len(tasks) > 1:
            ask = tasks[1]
            due = _deadline(ask)
            request_extension(
                officer,
                ask["_id"],
                ask["version"],
                max(due, today) + timedelta(days=30),
                "Nội dung phức tạp, cần thêm thời gian lấy ý kiến các sở, ngành.",
                today=today,
            )
            written["extension_requests"] += 1
            if i == 0:  # the Office has already answered one of the first unit's requests
                current = repo.task(ask["_id"], Scope.everything())
                assert current is not None
                decide_extension(
                    _bound(repo, OFFICE, today),
                    ask["_id"],
                    current["version"],
                    False,
                    "Đề nghị đơn vị tập trung hoàn thành đúng thời hạn đã giao.",
                    today=today,
                )
        if len(tasks) > 2 and i == 1:
            back = tasks[2]
            send_back_task(officer, back["_id"], back["version"], RETURN_REASON, today=today)
            written["returns"] += 1
    if units:
        # A commune says a department's task it coordinates is late (Art. 16.4); without such a
        # task, a commune's feedback names the department.
        about = _open_tasks(repo, units[-1], today, 20)
        pairs = [
            (t, c)
            for t in about
            for c in t.get("coord_units") or []
            if (repo.unit(c) or {}).get("kind") == "commune"
        ]
        communes = [u["_id"] for u in repo.units(today) if u.get("kind") == "commune"]
        if pairs or communes:
            task, commune = pairs[0] if pairs else (None, communes[0])
            give_feedback(
                _bound(repo, _officer(repo, commune), today),
                cal,
                "late",
                "Nhiệm vụ đã quá thời hạn nhưng đơn vị chủ trì chưa tổ chức triển khai, ảnh "
                "hưởng đến kế hoạch của địa phương.",
                task_id=task["_id"] if task else None,
                about_unit=None if task else units[-1],
                today=today,
            )
            written["feedback"] += 1
    return written
