"""The Office enters a directive document and its tasks (Điều 7.1.a) on the real mongod: what
is stored, every refusal named by field in Vietnamese with nothing written, who may enter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from core.access.roles import Actor
from core.dates import from_bson_day
from core.errors import AccessDenied, ValidationFailed
from core.repository import Repository
from core.scope import Scope
from core.workflow import add_tasks, enter_document
from core.workflow.entry import entry_backlog
from tests.workflow.conftest import (
    OTHER_SPECIALIST,
    SPECIALIST,
    STC,
    TODAY,
    UNASSIGNED_SPECIALIST,
    VIEWER,
    doc_form,
    task_form,
)

Bind = Callable[[Actor], Repository]


def refused(store: Repository, *args: object, **kw: object) -> list[tuple[str, str]]:
    """The (field, reason) pairs of a refused entry; checks nothing was written."""
    before = (store.db.documents.count_documents({}), store.db.tasks.count_documents({}))
    with pytest.raises(ValidationFailed) as caught:
        enter_document(store, *args, **kw)  # type: ignore[arg-type]
    after = (store.db.documents.count_documents({}), store.db.tasks.count_documents({}))
    assert after == before
    return [(p.field, p.reason) for p in caught.value.problems]


def test_entry_stores_the_document_and_its_tasks_with_created_events(as_user: Bind) -> None:
    office = as_user(SPECIALIST)
    result = enter_document(
        office,
        doc_form(),
        [
            task_form(),
            task_form(
                content="Báo cáo kết quả tiêm chủng",
                lead_unit="STC",
                coord_units=[],
                deadline=None,
                priority=True,
            ),
        ],
        today=TODAY,
    )
    assert result.document == "2025-15/QĐ-UBND"
    assert result.tasks == ["2025-15/QĐ-UBND#1", "2025-15/QĐ-UBND#2"]
    first = office.task(result.tasks[0], Scope.everything())
    second = office.task(result.tasks[1], Scope.everything())
    assert first is not None and second is not None
    assert first["lead_unit"] == "SYT" and first["coord_units"] == ["STC"]
    assert first["specialist"] == "Trần Thị Theo Dõi"  # the specialist entering it
    assert first["tracking_room"] == "P-TH"
    assert from_bson_day(first["deadline"]) == date(2025, 9, 30)
    assert from_bson_day(first["assigned_date"]) == date(2025, 9, 1)  # the issue date
    assert second["deadline"] is None and second["priority"] is True
    assert first["created_by"] == "chuyenvien" and first["version"] == 1
    assert first["entered_at"] is not None
    for task_id in result.tasks:
        events = office.task_events(task_id)
        assert [(e["kind"], e["actor"], e["version"]) for e in events] == [
            ("created", "chuyenvien", 1)
        ]
        assert office.db.task_facts.find_one({"_id": task_id}) is not None
    stored_doc = office.document(result.document)
    assert stored_doc is not None and stored_doc["created_by"] == "chuyenvien"


def test_a_deadline_before_the_assigned_date_is_refused_by_field(as_user: Bind) -> None:
    problems = refused(
        as_user(SPECIALIST), doc_form(), [task_form(deadline=date(2025, 8, 31))], today=TODAY
    )
    assert problems == [("nhiệm vụ 1 – thời hạn", "thời hạn 31/08/2025 trước ngày giao 01/09/2025")]


def test_a_lead_unit_that_does_not_exist_is_refused(as_user: Bind) -> None:
    problems = refused(as_user(SPECIALIST), doc_form(), [task_form(lead_unit="SXYZ")], today=TODAY)
    assert problems == [("nhiệm vụ 1 – đơn vị chủ trì", "không có đơn vị mã «SXYZ»")]


def test_a_lead_unit_not_valid_on_the_assigned_date_is_refused(as_user: Bind) -> None:
    # District A ended on 30/06/2025 (its successor is commune A1).
    problems = refused(
        as_user(SPECIALIST), doc_form(), [task_form(lead_unit="H-A", coord_units=[])], today=TODAY
    )
    assert len(problems) == 1
    field, reason = problems[0]
    assert field == "nhiệm vụ 1 – đơn vị chủ trì"
    assert "UBND huyện A" in reason and "01/09/2025" in reason and "X-A1" in reason
    # Commune A1 exists only from 01/07/2025.
    problems = refused(
        as_user(SPECIALIST),
        doc_form(issued=date(2025, 6, 20)),
        [task_form(lead_unit="X-A1", coord_units=[], deadline=date(2025, 7, 30))],
        today=TODAY,
    )
    assert problems[0][0] == "nhiệm vụ 1 – đơn vị chủ trì"
    assert "không còn hoặc chưa có hiệu lực ngày 20/06/2025" in problems[0][1]


def test_a_coordinating_unit_equal_to_the_lead_is_refused(as_user: Bind) -> None:
    problems = refused(
        as_user(SPECIALIST), doc_form(), [task_form(coord_units=["STC", "SYT"])], today=TODAY
    )
    assert problems == [
        (
            "nhiệm vụ 1 – đơn vị phối hợp",
            "«SYT» là đơn vị chủ trì, không đồng thời là đơn vị phối hợp",
        )
    ]


def test_a_document_with_a_secrecy_grade_is_refused_and_nothing_of_it_is_kept(
    as_user: Bind,
) -> None:
    problems = refused(as_user(SPECIALIST), doc_form(secrecy="Mật"), [task_form()], today=TODAY)
    assert [f for f, _ in problems] == ["độ mật"]
    assert "độ mật không được nhập" in problems[0][1]
    assert "tiêm chủng" not in problems[0][1]  # the refusal repeats nothing of the document


def test_the_same_number_and_year_entered_twice_is_refused(as_user: Bind) -> None:
    office = as_user(SPECIALIST)
    enter_document(office, doc_form(), [task_form()], today=TODAY)
    # same number, another day of the same year (numbers restart each year)
    problems = refused(office, doc_form(issued=date(2025, 9, 10)), [task_form()], today=TODAY)
    assert problems == [("số, ký hiệu", "văn bản số 15/QĐ-UBND năm 2025 đã được nhập")]
    # typed differently («Số: 15 / QĐ-UBND») it is still the same number
    problems = refused(office, doc_form(number="Số: 15 / QĐ-UBND"), [task_form()], today=TODAY)
    assert problems[0][0] == "số, ký hiệu"
    # the same number next year is another document
    other = enter_document(office, doc_form(issued=date(2024, 9, 10)), [task_form(
        deadline=date(2024, 9, 30), coord_units=[])], today=TODAY)  # fmt: skip
    assert other.document == "2024-15/QĐ-UBND"


def test_every_problem_of_a_form_is_listed_at_once(as_user: Bind) -> None:
    problems = refused(
        as_user(SPECIALIST),
        doc_form(signer="NOBODY", type="CT"),
        [task_form(content="   ", deadline="32/13/2025"), task_form(lead_unit="")],
        today=TODAY,
    )
    fields = [f for f, _ in problems]
    assert "người ký" in fields and "loại văn bản" in fields  # CT does not match «QĐ»
    assert not any(f.startswith("nhiệm vụ") for f in fields)  # document first
    problems = refused(
        as_user(SPECIALIST),
        doc_form(),
        [task_form(content="   ", deadline="32/13/2025"), task_form(lead_unit="")],
        today=TODAY,
    )
    assert [f for f, _ in problems] == [
        "nhiệm vụ 1 – nội dung nhiệm vụ",
        "nhiệm vụ 1 – thời hạn",
        "nhiệm vụ 2 – đơn vị chủ trì",
    ]


def test_who_may_enter(as_user: Bind) -> None:
    with pytest.raises(AccessDenied, match="không có quyền nhập văn bản và nhiệm vụ"):
        enter_document(as_user(STC), doc_form(), [task_form()], today=TODAY)
    with pytest.raises(AccessDenied):
        enter_document(as_user(VIEWER), doc_form(), [task_form()], today=TODAY)
    # a specialist enters the tasks of his rooms only
    problems = refused(as_user(OTHER_SPECIALIST), doc_form(), [task_form()], today=TODAY)
    assert problems[0][0] == "nhiệm vụ 1 – phòng theo dõi"
    assert "không thuộc phân công" in problems[0][1]
    problems = refused(as_user(UNASSIGNED_SPECIALIST), doc_form(), [task_form()], today=TODAY)
    assert "chưa được phân công theo dõi" in problems[0][1]


def test_tasks_added_later_and_the_entry_backlog(as_user: Bind, cal: object) -> None:
    office = as_user(SPECIALIST)
    # registered on its day of issue, tasks to follow
    registered = enter_document(office, doc_form(issued=date(2025, 9, 10)), [], today=TODAY)
    assert registered.tasks == []
    backlog = entry_backlog(office, cal, today=date(2025, 9, 11))  # type: ignore[arg-type]
    assert [(b.document, b.due, b.late) for b in backlog] == [
        ("2025-15/QĐ-UBND", date(2025, 9, 11), False)
    ]
    later = entry_backlog(office, cal, today=TODAY)  # type: ignore[arg-type]
    assert [b.late for b in later] == [True]  # 1 working day after issue has passed
    added = add_tasks(office, registered.document, [task_form(), task_form()], today=TODAY)
    assert added.tasks == ["2025-15/QĐ-UBND#1", "2025-15/QĐ-UBND#2"]
    assert entry_backlog(office, cal, today=TODAY) == []  # type: ignore[arg-type]
    more = add_tasks(office, registered.document, [task_form(lead_unit="STC", coord_units=[])])
    assert more.tasks == ["2025-15/QĐ-UBND#3"]


def test_the_entry_backlog_lists_recent_documents_without_tasks_oldest_first(
    as_user: Bind, cal: object
) -> None:
    """Documents issued in the last 92 days holding no task, oldest first (same day: by key);
    an older one, or one holding a task, is not listed."""
    office = as_user(SPECIALIST)
    today = date(2025, 9, 30)
    entered = [
        ("30/QĐ-UBND", date(2025, 9, 20), False),
        ("12/QĐ-UBND", date(2025, 9, 20), False),
        ("11/QĐ-UBND", date(2025, 8, 4), False),
        ("10/QĐ-UBND", date(2025, 5, 2), False),  # issued before the 92 days
        ("13/QĐ-UBND", date(2025, 9, 22), True),  # holds a task
        ("14/QĐ-UBND", date(2025, 9, 25), False),
    ]
    for number, issued, with_task in entered:
        enter_document(
            office,
            doc_form(number=number, issued=issued),
            [task_form()] if with_task else [],
            today=today,
        )
    backlog = entry_backlog(office, cal, today=today)  # type: ignore[arg-type]
    assert [b.document for b in backlog] == [
        "2025-11/QĐ-UBND",
        "2025-12/QĐ-UBND",
        "2025-30/QĐ-UBND",
        "2025-14/QĐ-UBND",
    ]
    assert [b.issue_date for b in backlog] == [
        date(2025, 8, 4),
        date(2025, 9, 20),
        date(2025, 9, 20),
        date(2025, 9, 25),
    ]
