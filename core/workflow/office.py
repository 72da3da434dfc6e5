"""The Office's changes to a task (Quy chế theo dõi …, Điều 7.2, 9.1): edit (a deadline only
corrected, with a reason, while no extension exists), cancel with a reason, reassign to another
lead unit (the history keeps who held it), mark priority. Each is checked against the role
table and the specialist's duties, and saved with its event in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from core.access.roles import CANCEL_TASK, EDIT_TASK, MARK_PRIORITY, REASSIGN_TASK
from core.dates import format_vn
from core.errors import Problem, ValidationFailed
from core.repository import Repository
from core.workflow import common as c
from core.workflow.entry import unit_problem

EDITABLE: dict[str, str] = {
    "content": "nội dung nhiệm vụ",
    "coord_units": "đơn vị phối hợp",
    "tracking_room": "phòng theo dõi",
    "specialist": "chuyên viên theo dõi",
    "deadline": "thời hạn",
    "personal": "giao đích danh",
}
_ELSEWHERE: dict[str, str] = {
    "lead_unit": "đổi đơn vị chủ trì bằng thao tác «Giao lại»",
    "priority": "đánh dấu trọng tâm bằng thao tác riêng",
    "extensions": "gia hạn qua đề nghị của đơn vị và quyết định của Văn phòng",
    "completed_date": "hoàn thành qua báo cáo của đơn vị và xác nhận của Văn phòng",
    "cancelled_date": "hủy nhiệm vụ bằng thao tác «Hủy» kèm lý do",
}


def _closing(items: Any, status: str, note: str, by: str, today: date) -> list[dict[str, Any]]:
    """A stored request list as model input, its pending item closed with `status`."""
    out = c.plain(items)
    for item in out:
        if item.get("status") == "pending":
            item.update(status=status, decided_date=today, decided_by=by, decision_note=note)
    return out


def edit_task(
    repo: Repository,
    task_id: str,
    version: int,
    changes: Mapping[str, Any],
    reason: Any = None,
    today: date | None = None,
) -> int:
    """Correct a task's fields (Điều 9.1). The deadline can only be corrected while no
    extension exists, and with a reason (the history shows who moved it, when and why);
    later moves are extensions, which never rewrite it. Returns the new version."""
    actor = c.acting(repo, EDIT_TASK)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    c.require_coverage(actor, task)
    c.require_active(task, allow_completed=True)
    if not isinstance(changes, Mapping):
        raise ValidationFailed([Problem("thay đổi", "phải là các trường và giá trị")])
    problems: list[Problem] = []
    wanted: dict[str, Any] = {}
    for key, value in changes.items():
        name = str(key)
        if name in _ELSEWHERE:
            problems.append(Problem(name, _ELSEWHERE[name]))
        elif name not in EDITABLE:
            problems.append(Problem(name[:60], "không phải trường sửa được"))
        else:
            wanted[name] = value
    if problems:
        raise ValidationFailed(problems)
    out: dict[str, Any] = {}
    assigned = c.bday(task["assigned_date"])
    assert assigned is not None
    if "content" in wanted:
        out["content"] = c.required_text(wanted["content"], EDITABLE["content"])
    if "specialist" in wanted:
        out["specialist"] = c.text(wanted["specialist"], EDITABLE["specialist"], required=False)
    if "personal" in wanted:
        if not isinstance(wanted["personal"], bool):
            raise ValidationFailed([Problem(EDITABLE["personal"], "phải là có/không")])
        out["personal"] = wanted["personal"]
    if "tracking_room" in wanted:
        room = c.text(wanted["tracking_room"], EDITABLE["tracking_room"], required=False, limit=64)
        if room:
            found = unit_problem(
                repo, room, EDITABLE["tracking_room"], day, frozenset({"office_room", "office"})
            )
            if found:
                problems.append(found)
        out["tracking_room"] = room
    if "coord_units" in wanted:
        raw = wanted["coord_units"]
        if isinstance(raw, (str, bytes, Mapping)) or not hasattr(raw, "__iter__"):
            raise ValidationFailed([Problem(EDITABLE["coord_units"], "phải là danh sách đơn vị")])
        coords = list(dict.fromkeys(c.code(u, EDITABLE["coord_units"]) for u in raw))
        for other in coords:
            if other == task["lead_unit"]:
                problems.append(
                    Problem(
                        EDITABLE["coord_units"],
                        f"«{other}» là đơn vị chủ trì, không đồng thời là đơn vị phối hợp",
                    )
                )
            elif other not in (task.get("coord_units") or []):
                found = unit_problem(repo, other, EDITABLE["coord_units"], day)
                if found:
                    problems.append(found)
        out["coord_units"] = coords
    kind = "updated"
    note = c.text(reason, "lý do", required=False, limit=2000)
    if "deadline" in wanted:
        new = c.day(wanted["deadline"], EDITABLE["deadline"], required=False)
        old = c.bday(task.get("deadline"))
        if new != old:
            if task.get("extensions"):
                problems.append(
                    Problem(
                        EDITABLE["deadline"],
                        "nhiệm vụ đã được gia hạn: thời hạn ban đầu giữ nguyên, thời hạn mới "
                        "chỉ qua gia hạn",
                    )
                )
            elif note is None:
                problems.append(Problem("lý do", "sửa thời hạn phải nêu lý do"))
            elif new is not None and new < assigned:
                problems.append(
                    Problem(
                        EDITABLE["deadline"],
                        f"thời hạn {format_vn(new)} trước ngày giao {format_vn(assigned)}",
                    )
                )
            out["deadline"] = new
            kind = "deadline_corrected"
    if problems:
        raise ValidationFailed(problems)
    return c.save(repo, task["_id"], version, out, kind=kind, action=EDIT_TASK, note=note)


def cancel_task(
    repo: Repository,
    task_id: str,
    version: int,
    reason: Any,
    cancelled_date: Any = None,
    today: date | None = None,
) -> int:
    """Cancel a task with a reason (from the day given, default today); requests still
    waiting are closed with that reason. A cancelled task leaves every figure from that day."""
    actor = c.acting(repo, CANCEL_TASK)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    c.require_coverage(actor, task)
    c.require_active(task)
    why = c.required_text(reason, "lý do hủy", 2000)
    when = c.day(cancelled_date, "ngày hủy", required=False) or day
    c.not_after_today(when, "ngày hủy", day)
    note = f"Nhiệm vụ đã hủy: {why}"
    return c.save(
        repo,
        task["_id"],
        version,
        {
            "cancelled_date": when,
            "cancel_reason": why,
            "extension_requests": _closing(
                task.get("extension_requests"), "refused", note, actor.name, day
            ),
            "completion_reports": _closing(
                task.get("completion_reports"), "sent_back", note, actor.name, day
            ),
            "returns": _closing(task.get("returns"), "refused", note, actor.name, day),
        },
        kind="cancelled",
        action=CANCEL_TASK,
        note=why,
    )


def reassign_task(
    repo: Repository,
    task_id: str,
    version: int,
    new_lead: Any,
    reason: Any,
    today: date | None = None,
) -> int:
    """Give a task to another lead unit (Điều 8.2.a: after a unit sent it back, or on the
    Office's own finding). The event keeps who held it; a return waiting is settled as
    reassigned; an extension request of the former unit is closed. Refused while a completion
    report waits for confirmation."""
    actor = c.acting(repo, REASSIGN_TASK)
    day = c.today_or(today)
    task = c.load(repo, task_id, version)
    c.require_coverage(actor, task)
    c.require_active(task)
    lead = c.code(new_lead, "đơn vị chủ trì mới")
    why = c.required_text(reason, "lý do giao lại", 2000)
    if lead == task["lead_unit"]:
        raise ValidationFailed([Problem("đơn vị chủ trì mới", "trùng đơn vị đang chủ trì")])
    found = unit_problem(repo, lead, "đơn vị chủ trì mới", day)
    if found:
        raise ValidationFailed([found])
    if c.pending(task.get("completion_reports")):
        raise ValidationFailed(
            [
                Problem(
                    "nhiệm vụ",
                    "đơn vị đang chủ trì đã báo cáo hoàn thành: xác nhận hoặc trả lại báo cáo "
                    "trước khi giao lại",
                )
            ]
        )
    note = f"Nhiệm vụ đã giao lại cho đơn vị khác: {why}"
    return c.save(
        repo,
        task["_id"],
        version,
        {
            "lead_unit": lead,
            "coord_units": [u for u in task.get("coord_units") or [] if u != lead],
            "returns": _closing(task.get("returns"), "reassigned", why, actor.name, day),
            "extension_requests": _closing(
                task.get("extension_requests"), "refused", note, actor.name, day
            ),
        },
        kind="reassigned",
        action=REASSIGN_TASK,
        note=why,
    )


def mark_priority(
    repo: Repository, task_id: str, version: int, priority: Any, today: date | None = None
) -> int:
    """Mark a task as a priority (nhiệm vụ trọng tâm) or remove the mark."""
    actor = c.acting(repo, MARK_PRIORITY)
    task = c.load(repo, task_id, version)
    c.require_coverage(actor, task)
    c.require_active(task, allow_completed=True)
    if not isinstance(priority, bool):
        raise ValidationFailed([Problem("nhiệm vụ trọng tâm", "phải là có/không")])
    if bool(task.get("priority")) == priority:
        state = "đã" if priority else "chưa"
        raise ValidationFailed(
            [Problem("nhiệm vụ trọng tâm", f"nhiệm vụ {state} được đánh dấu trọng tâm")]
        )
    return c.save(
        repo, task["_id"], version, {"priority": priority}, kind="priority", action=MARK_PRIORITY
    )
