"""Feedback from a commune (Art. 16.4) → the Office's duty due in 7 working days (Art. 15.5) →
an urging letter (the existing generator, the commune informed) within the time; a duty missed
counts in update discipline. On the real mongod, with the Vietnamese calendar (1–2/9 off)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from docx import Document as Docx

from core import metrics
from core.access.roles import Actor
from core.errors import AccessDenied, ConflictError, ValidationFailed
from core.metrics import MetricsQuery
from core.repository import Repository
from core.workflow import (
    duty_discipline,
    enter_document,
    give_feedback,
    handle_feedback,
    office_queue,
    unit_queue,
    urging_letter,
)
from core.workflow.feedback import duties, task_feedback
from tests.workflow.conftest import (
    CHIEF,
    OTHER_SPECIALIST,
    SPECIALIST,
    STC,
    SYT,
    XA1,
    doc_form,
    task_form,
)

Bind = Callable[[Actor], Repository]
RECEIVED = date(2025, 8, 29)  # a Friday; 1 and 2 September are the National Day holiday
DUE = date(2025, 9, 11)  # the 7th working day after it


@pytest.fixture()
def late_task(as_user: Bind) -> str:
    """A Department of Health task coordinated by commune A1, overdue since 20/08/2025."""
    result = enter_document(
        as_user(SPECIALIST),
        doc_form(number="7/QĐ-UBND", issued=date(2025, 8, 1)),
        [task_form(coord_units=["X-A1"], deadline=date(2025, 8, 20))],
        today=date(2025, 8, 1),
    )
    return result.tasks[0]


def letter_text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        cell.text for table in doc.tables for row in table.rows for cell in row.cells
    )


def test_feedback_opens_a_duty_met_by_an_urging_letter_within_7_working_days(
    as_user: Bind, late_task: str, cal: Any, org: Repository
) -> None:
    commune = as_user(XA1)
    fid = give_feedback(
        commune, cal, "late", "Sở Y tế chưa triển khai tại xã", task_id=late_task, today=RECEIVED
    )
    stored = org.db.feedback.find_one({"_id": fid})
    assert stored is not None
    assert (stored["from_unit"], stored["about_unit"], stored["task"]) == ("X-A1", "SYT", late_task)
    (duty,) = duties(as_user(CHIEF), RECEIVED)
    assert (duty.received, duty.due, duty.state(RECEIVED)) == (RECEIVED, DUE, "open")
    # the task's history shows it, and the Office's queue lists it with its due day
    assert org.task_events(late_task)[-1]["kind"] == "feedback"
    queue = office_queue(as_user(SPECIALIST), cal, today=date(2025, 9, 10))
    assert [(d.id, d.due) for d in queue.lists["feedback"]] == [(fid, DUE)]
    assert queue.counts["feedback"] == 1
    assert (
        office_queue(as_user(OTHER_SPECIALIST), cal, today=date(2025, 9, 10)).counts["feedback"]
        == 0
    )
    # the urging letter: to the department, the commune informed (Art. 15.5)
    letter = urging_letter(as_user(SPECIALIST), fid, number="812", today=date(2025, 9, 10))
    text = letter_text(letter.content)
    assert "Sở Y tế" in text and "Tổ chức tiêm chủng mở rộng" in text
    assert "UBND xã A1 (để biết);" in text
    v = handle_feedback(
        as_user(SPECIALIST), fid, duty.version, "urge", "812/VPUBND-TH", today=date(2025, 9, 10)
    )
    assert v == 2
    with pytest.raises(ConflictError):
        handle_feedback(as_user(CHIEF), fid, 1, "urge", "813/VPUBND-TH", today=date(2025, 9, 10))
    with pytest.raises(ValidationFailed, match="phản ánh đã được xử lý"):
        handle_feedback(as_user(CHIEF), fid, 2, "urge", "813/VPUBND-TH", today=date(2025, 9, 10))
    (done,) = duties(as_user(CHIEF), date(2025, 9, 16))
    assert done.state(date(2025, 9, 16)) == "met" and done.document_number == "812/VPUBND-TH"
    counts = duty_discipline(as_user(CHIEF), date(2025, 9, 16))
    assert (counts["fallen_due"], counts["met_on_time"], counts["missed"]) == (1, 1, 0)
    # the commune sees its feedback answered
    (given,) = unit_queue(commune, today=date(2025, 9, 16)).lists["feedback_given"]
    assert given.action == "urge" and given.handled == date(2025, 9, 10)
    assert [d.id for d in task_feedback(commune, late_task)] == [fid]


def test_a_missed_duty_counts_in_update_discipline(
    as_user: Bind, late_task: str, cal: Any, org: Repository
) -> None:
    commune = as_user(XA1)
    on_time = give_feedback(commune, cal, "late", "Chậm", task_id=late_task, today=RECEIVED)
    never = give_feedback(commune, cal, "wrong", "Sai đối tượng", task_id=late_task, today=RECEIVED)
    late = give_feedback(commune, cal, "late", "Vẫn chậm", about_unit="SYT", today=RECEIVED)
    chief = as_user(CHIEF)
    handle_feedback(chief, on_time, 1, "urge", "800/VPUBND-TH", today=DUE)
    handle_feedback(chief, late, 1, "ask_chairman", "45/BC-VPUBND", today=date(2025, 9, 12))
    # on the due day nothing is missed yet
    q = MetricsQuery(as_of=DUE, by="unit")
    assert metrics.update_discipline(org, q, cal)["office_duties"] == {
        "received": 3,
        "fallen_due": 1,
        "met_on_time": 1,
        "missed": 0,
        "open_in_time": 2,
        "rate": 1.0,
    }
    after = metrics.update_discipline(org, MetricsQuery(as_of=date(2025, 9, 15)), cal)
    assert after["office_duties"]["fallen_due"] == 3
    assert after["office_duties"]["missed"] == 2
    assert after["office_duties"]["rate"] == pytest.approx(1 / 3)
    report = duty_discipline(chief, date(2025, 9, 15))
    assert {d.id: d.state(date(2025, 9, 15)) for d in report["missed_items"]} == {
        never: "overdue",
        late: "late",
    }
    # a unit reading discipline gets its own rows, not the Office's duties
    assert metrics.update_discipline(as_user(SYT), q, cal)["office_duties"] is None


def test_feedback_refusals(as_user: Bind, late_task: str, cal: Any) -> None:
    with pytest.raises(AccessDenied, match="không có quyền gửi phản ánh"):
        give_feedback(as_user(CHIEF), cal, "late", "x", about_unit="SYT")
    with pytest.raises(ValidationFailed, match="loại phản ánh"):
        give_feedback(as_user(XA1), cal, "slow", "x", task_id=late_task, today=RECEIVED)
    with pytest.raises(ValidationFailed, match="nội dung phản ánh: không được để trống"):
        give_feedback(as_user(XA1), cal, "late", " ", task_id=late_task, today=RECEIVED)
    with pytest.raises(ValidationFailed, match="là chính đơn vị mình"):
        give_feedback(as_user(SYT), cal, "late", "x", task_id=late_task, today=RECEIVED)
    with pytest.raises(ValidationFailed, match="không phản ánh chính đơn vị mình"):
        give_feedback(as_user(XA1), cal, "late", "x", about_unit="X-A1", today=RECEIVED)
    # a task the unit cannot see is not found to it
    with pytest.raises(ValidationFailed, match="không có nhiệm vụ"):
        give_feedback(as_user(STC), cal, "late", "x", task_id=late_task, today=RECEIVED)
    fid = give_feedback(as_user(XA1), cal, "late", "x", task_id=late_task, today=RECEIVED)
    with pytest.raises(AccessDenied, match="không có quyền xử lý phản ánh"):
        handle_feedback(as_user(XA1), fid, 1, "urge", "1/VP", today=RECEIVED)
    with pytest.raises(AccessDenied, match="không thuộc phân công"):
        handle_feedback(as_user(OTHER_SPECIALIST), fid, 1, "urge", "1/VP", today=RECEIVED)
    with pytest.raises(ValidationFailed, match="số văn bản: không được để trống"):
        handle_feedback(as_user(CHIEF), fid, 1, "urge", "", today=RECEIVED)
    with pytest.raises(ValidationFailed, match="ngày xử lý"):
        handle_feedback(
            as_user(CHIEF), fid, 1, "urge", "1/VP", handled_date=date(2025, 8, 1), today=RECEIVED
        )
