"""The queues that drive the work: the Office's (per specialist: his rooms only) and a unit's
(open tasks by the deadline in force, none last), with counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from core.access.roles import Actor
from core.repository import Repository
from core.workflow import (
    decide_extension,
    enter_document,
    office_counts,
    office_queue,
    report_completion,
    request_extension,
    send_back_task,
    unit_counts,
    unit_queue,
)
from tests.workflow.conftest import (
    CHIEF,
    OTHER_SPECIALIST,
    SPECIALIST,
    SYT,
    TODAY,
    UNASSIGNED_SPECIALIST,
    doc_form,
    task_form,
)

Bind = Callable[[Actor], Repository]


def test_office_and_unit_queues_with_counts(as_user: Bind, cal: Any) -> None:
    office = as_user(SPECIALIST)
    result = enter_document(
        as_user(CHIEF),  # the Chief enters for every room
        doc_form(issued=date(2025, 9, 1)),
        [
            task_form(content="A – hạn 30/9", deadline=date(2025, 9, 30)),
            task_form(content="B – hạn 20/9", deadline=date(2025, 9, 20)),
            task_form(content="C – không thời hạn", deadline=None),
            task_form(content="D – hạn 25/9", deadline=date(2025, 9, 25)),
            task_form(content="E – phòng khác", deadline=date(2025, 9, 19), tracking_room="P-KT"),
        ],
        today=TODAY,
    )
    a, b, c_, d, e = result.tasks
    enter_document(office, doc_form(number="20/QĐ-UBND", issued=date(2025, 9, 12)), [], today=TODAY)
    unit = as_user(SYT)
    request_extension(unit, a, 1, date(2025, 10, 30), "Chờ vắc xin", today=TODAY)
    report_completion(unit, b, 1, TODAY, "Xong", "1/BC-SYT", today=TODAY)
    send_back_task(unit, c_, 1, "Không thuộc chức năng", today=TODAY)
    request_extension(unit, e, 1, date(2025, 10, 30), "Chờ", today=TODAY)
    # D's deadline moves to 01/10 by an approved extension: it sorts by the deadline in force
    v = request_extension(unit, d, 1, date(2025, 10, 1), "Chờ", today=TODAY)
    decide_extension(as_user(CHIEF), d, v, True, today=TODAY)

    mine = office_queue(office, cal, today=TODAY)
    assert [i.id for i in mine.lists["extension_requests"]] == [a]  # E is tracked by P-KT
    assert [i.id for i in mine.lists["completions"]] == [b]
    assert [i.id for i in mine.lists["returns"]] == [c_]
    assert [x.document for x in mine.lists["entry_backlog"]] == ["2025-20/QĐ-UBND"]
    assert mine.counts == {
        "extension_requests": 1,
        "completions": 1,
        "returns": 1,
        "feedback": 0,
        "entry_backlog": 1,
    }
    assert mine.total == 4 and office_counts(office, today=TODAY) == 3  # backlog apart
    whole = office_queue(as_user(CHIEF), cal, today=TODAY)
    assert [i.id for i in whole.lists["extension_requests"]] == [a, e]
    assert office_queue(as_user(OTHER_SPECIALIST), cal, today=TODAY).counts["completions"] == 0
    assert (
        office_queue(as_user(UNASSIGNED_SPECIALIST), cal, today=TODAY).counts["extension_requests"]
        == 0
    )

    queue = unit_queue(unit, today=TODAY)
    assert [i.id for i in queue.lists["open_tasks"]] == [e, b, a, d, c_]
    assert [i.deadline for i in queue.lists["open_tasks"]] == [
        date(2025, 9, 19),
        date(2025, 9, 20),
        date(2025, 9, 30),
        date(2025, 10, 1),
        None,
    ]
    waiting = {i.id: i.request["waiting"] for i in queue.lists["open_tasks"]}
    assert waiting[b] == "chờ xác nhận hoàn thành"
    assert waiting[a] == "chờ quyết định gia hạn"
    assert waiting[c_] == "chờ Văn phòng xử lý việc trả lại"
    assert [x.request["status"] for x in queue.lists["decisions"]] == ["approved"]
    assert unit_counts(unit, today=TODAY) == 5
