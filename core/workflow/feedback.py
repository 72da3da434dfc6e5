"""Feedback from a unit (phản hồi thông tin, Quy chế theo dõi …, Điều 16.4) that a
department's task affecting it is late or not as required, and the Office duty it opens
(Điều 15.5): within 7 working days of receipt, an urging letter to the department or a report
asking the Chairman's direction, sent to the unit too. A duty not met in time counts in the
Office's update discipline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.access.roles import DRAFT_LETTER, GIVE_FEEDBACK, HANDLE_FEEDBACK, Actor
from core.briefing.documents import Briefing, archive
from core.briefing.urge import build_urge
from core.calendar import WorkCalendar
from core.dates import format_vn, to_bson_day
from core.errors import AccessDenied, ConflictError, Problem, ValidationFailed
from core.metrics.discipline import duty_state, office_duties
from core.repository import Repository
from core.scope import Scope
from core.workflow import common as c
from core.workflow.entry import unit_problem

DUTY_WORKING_DAYS = 7  # Điều 15.5
KINDS: dict[str, str] = {
    "late": "Không đúng thời hạn",
    "wrong": "Không đúng yêu cầu",
}
ACTIONS: dict[str, str] = {
    "urge": "Văn bản đôn đốc",
    "ask_chairman": "Báo cáo xin ý kiến chỉ đạo của Chủ tịch UBND tỉnh",
}


def give_feedback(
    repo: Repository,
    cal: WorkCalendar,
    kind: Any,
    text: Any,
    task_id: Any = None,
    about_unit: Any = None,
    today: date | None = None,
) -> str:
    """A unit's feedback about a task of another unit (one it coordinates or can see), or about
    a department with no task named. Opens the Office's duty due 7 working days after receipt.
    Returns the feedback's id."""
    actor = c.acting(repo, GIVE_FEEDBACK)
    day = c.today_or(today)
    if actor.unit is None:
        raise AccessDenied("Chỉ cán bộ đầu mối của một đơn vị mới gửi phản ánh.")
    if kind not in KINDS:
        raise ValidationFailed([Problem("loại phản ánh", "chọn: " + "; ".join(KINDS.values()))])
    body = c.required_text(text, "nội dung phản ánh", 4000)
    own = repo.reader.units or frozenset({actor.unit})
    task: dict[str, Any] | None = None
    if task_id not in (None, ""):
        task = c.open_task(repo, task_id)
        if task["lead_unit"] in own:
            raise ValidationFailed(
                [Problem("nhiệm vụ", "đơn vị chủ trì nhiệm vụ này là chính đơn vị mình")]
            )
    about = c.code(about_unit, "đơn vị bị phản ánh") if about_unit not in (None, "") else None
    if about is None:
        if task is None:
            raise ValidationFailed(
                [Problem("đơn vị bị phản ánh", "chọn nhiệm vụ hoặc đơn vị bị phản ánh")]
            )
        about = str(task["lead_unit"])
    elif task is not None and about != task["lead_unit"]:
        raise ValidationFailed(
            [Problem("đơn vị bị phản ánh", "không phải đơn vị chủ trì của nhiệm vụ đã chọn")]
        )
    if about in own:
        raise ValidationFailed([Problem("đơn vị bị phản ánh", "không phản ánh chính đơn vị mình")])
    found = unit_problem(repo, about, "đơn vị bị phản ánh", day)
    if found is not None:
        raise ValidationFailed([found])
    record = {
        "from_unit": actor.unit,
        "about_unit": about,
        "task": task["_id"] if task else None,
        "tracking_room": task.get("tracking_room") if task else None,
        "kind": kind,
        "text": body,
        "received_date": to_bson_day(day),
        "due_date": to_bson_day(cal.add_working_days(day, DUTY_WORKING_DAYS)),
        "status": "open",
        "action": None,
        "handled_date": None,
        "handled_by": None,
        "document_number": None,
        "handling_note": None,
    }
    return repo.insert_feedback(record, actor.username)


def covers_feedback(actor: Actor, item: dict[str, Any]) -> bool:
    """Whether an Office user's duties reach a feedback (its task's room, or its unit)."""
    return c.covers(
        actor, {"tracking_room": item.get("tracking_room"), "lead_unit": item["about_unit"]}
    )


def handle_feedback(
    repo: Repository,
    feedback_id: Any,
    version: int,
    action: Any,
    document_number: Any,
    note: Any = None,
    handled_date: Any = None,
    today: date | None = None,
) -> int:
    """The Office meets the duty: an urging letter to the department or a report asking the
    Chairman's direction, by its number and day (default today). Returns the new version."""
    actor = c.acting(repo, HANDLE_FEEDBACK)
    day = c.today_or(today)
    item = repo.feedback_item(c.code(feedback_id, "phản ánh"))
    if item is None:
        raise ValidationFailed([Problem("phản ánh", f"không có phản ánh «{feedback_id}»")])
    if not covers_feedback(actor, item):
        raise AccessDenied(
            f"Phản ánh về «{item['about_unit']}» không thuộc phân công của tài khoản "
            f"«{actor.username}»."
        )
    if item.get("version") != version:
        who = item.get("handled_by") or item.get("updated_by")
        raise ConflictError(
            f"Phản ánh đã được người khác cập nhật sau khi bạn mở (bởi {who}); hãy tải lại"
        )
    if item["status"] != "open":
        raise ValidationFailed([Problem("phản ánh", "phản ánh đã được xử lý")])
    if action not in ACTIONS:
        raise ValidationFailed([Problem("hình thức xử lý", "chọn: " + "; ".join(ACTIONS.values()))])
    number = c.required_text(document_number, "số văn bản", 100)
    when = c.day(handled_date, "ngày xử lý", required=False) or day
    c.not_after_today(when, "ngày xử lý", day)
    received = c.bday(item["received_date"])
    assert received is not None
    if when < received:
        raise ValidationFailed(
            [
                Problem(
                    "ngày xử lý",
                    f"ngày {format_vn(when)} trước ngày nhận phản ánh {format_vn(received)}",
                )
            ]
        )
    return repo.update_feedback(
        item["_id"],
        {
            "status": "handled",
            "action": action,
            "document_number": number,
            "handled_date": to_bson_day(when),
            "handled_by": actor.name,
            "handling_note": c.text(note, "ghi chú", required=False, limit=2000),
        },
        actor.username,
        version,
    )


def urging_letter(
    repo: Repository, feedback_id: str, number: str = "", today: date | None = None
) -> Briefing:
    """The urging letter (the existing generator) to the department a feedback is about, with
    the unit that gave the feedback among the recipients (Điều 15.5); stored in the archive
    of briefings and letters."""
    c.acting(repo, HANDLE_FEEDBACK)
    actor = c.acting(repo, DRAFT_LETTER)
    day = c.today_or(today)
    item = repo.feedback_item(feedback_id)
    if item is None:
        raise ValidationFailed([Problem("phản ánh", f"không có phản ánh «{feedback_id}»")])
    try:
        letter = build_urge(
            repo,
            item["about_unit"],
            day,
            number=number,
            generated_by=actor.name,
            also_inform=(str(item["from_unit"]),),
        )
    except ValueError as exc:
        reason = str(exc).removeprefix("--unit: ")
        raise ValidationFailed([Problem("văn bản đôn đốc", reason)]) from None
    archive(repo, letter)
    return letter


@dataclass(frozen=True)
class Duty:
    """A feedback as the Office's duty on a day."""

    id: str
    version: int
    from_unit: str
    about_unit: str
    task: str | None
    kind: str
    text: str
    received: date
    due: date
    handled: date | None
    action: str | None
    document_number: str | None

    def state(self, as_of: date) -> str:
        """open (in time), overdue, met (in time), late (met after the due day)."""
        return duty_state(self.due, self.handled, as_of)


def _duty(item: dict[str, Any]) -> Duty:
    received, due = c.bday(item["received_date"]), c.bday(item["due_date"])
    assert received is not None and due is not None
    return Duty(
        id=str(item["_id"]),
        version=int(item["version"]),
        from_unit=item["from_unit"],
        about_unit=item["about_unit"],
        task=item.get("task"),
        kind=item["kind"],
        text=item["text"],
        received=received,
        due=due,
        handled=c.bday(item.get("handled_date")),
        action=item.get("action"),
        document_number=item.get("document_number"),
    )


def duties(repo: Repository, as_of: date, open_only: bool = False, mine: bool = True) -> list[Duty]:
    """Feedback received by D (the reader's: a unit its own), due first; `open_only`: those not
    handled by D. With `mine`, an Office specialist gets those within his duties."""
    query: dict[str, Any] = {"received_date": {"$lte": to_bson_day(as_of)}}
    if open_only:
        query["$or"] = [{"handled_date": None}, {"handled_date": {"$gt": to_bson_day(as_of)}}]
    items = repo.feedback_items(query, limit=0)
    actor = repo.actor
    if mine and actor is not None and actor.role == "office_specialist":
        items = [i for i in items if covers_feedback(actor, i)]
    return [_duty(i) for i in items]


def duty_discipline(repo: Repository, as_of: date) -> dict[str, Any]:
    """The Office's feedback duties as of D (Điều 15.5), as update discipline counts them
    (`core.metrics.discipline.office_duties`), with the missed ones listed."""
    out = dict(office_duties(repo, as_of))
    out["as_of"] = as_of.isoformat()
    out["missed_items"] = [
        d for d in duties(repo, as_of, mine=False) if d.state(as_of) in ("late", "overdue")
    ]
    return out


def task_feedback(repo: Repository, task_id: str) -> list[Duty]:
    """Feedback about one task the reader may see, oldest first."""
    if repo.task(task_id, Scope.everything()) is None:
        return []
    return [_duty(i) for i in repo.feedback_items({"task": task_id}, sort=(("received_date", 1),))]
