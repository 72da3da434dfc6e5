"""The unit's duties and the Office's answers end to end through `core` on the real mongod:
progress, completion confirmed with the Art. 6.8 assessment or sent back (Art. 7.2.đ),
extensions (late when asked after the deadline; the original deadline never rewritten), a task
sent back as not the unit's (Art. 8.2.a) and reassigned, edit, cancel, priority — each change
one event, each checked against the role table and the user's unit or duties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from core import metrics
from core.access.roles import Actor
from core.dates import from_bson_day
from core.errors import AccessDenied, ValidationFailed
from core.metrics import MetricsQuery
from core.repository import Repository
from core.scope import Scope
from core.workflow import (
    cancel_task,
    confirm_completion,
    decide_extension,
    edit_task,
    mark_priority,
    reassign_task,
    refuse_return,
    report_completion,
    report_progress,
    request_extension,
    send_back_completion,
    send_back_task,
    unit_queue,
)
from tests.workflow.conftest import CHIEF, OTHER_SPECIALIST, SPECIALIST, STC, SYT, TODAY

Bind = Callable[[Actor], Repository]


def stored(repo: Repository, task_id: str) -> dict[str, object]:
    found = repo.task(task_id, Scope.everything())
    assert found is not None
    return found


def kinds(repo: Repository, task_id: str) -> list[tuple[str, str, int | None]]:
    return [(e["kind"], e["actor"], e.get("version")) for e in repo.task_events(task_id)]


def counts(repo: Repository, day: date) -> dict[str, int]:
    total = metrics.status_metrics(repo, MetricsQuery(as_of=day, by="none"))["total"]
    return {k: total[k] for k in ("completed_on_time", "open_within_deadline", "open_overdue")}


def test_progress_report_by_the_lead_unit(as_user: Bind, entered: str, org: Repository) -> None:
    unit = as_user(SYT)
    v = report_progress(unit, entered, 1, "Đã tiêm được 60% số trẻ", today=TODAY)
    assert v == 2
    task = stored(org, entered)
    assert [(from_bson_day(p["date"]), p["note"]) for p in task["progress"]] == [  # type: ignore[index, union-attr]
        (TODAY, "Đã tiêm được 60% số trẻ")
    ]
    assert kinds(org, entered)[-1] == ("progress", "syt", 2)
    with pytest.raises(ValidationFailed, match="nội dung báo cáo: không được để trống"):
        report_progress(unit, entered, 2, "  ", today=TODAY)
    with pytest.raises(ValidationFailed, match="ngày báo cáo: ngày 16/09/2025 sau ngày hôm nay"):
        report_progress(unit, entered, 2, "x", report_date=date(2025, 9, 16), today=TODAY)
    # a coordinating unit informs the lead unit instead (Art. 10.2.b)
    with pytest.raises(AccessDenied, match="Chỉ đơn vị chủ trì"):
        report_progress(as_user(STC), entered, 2, "Đã cấp kinh phí", today=TODAY)
    # the Office does not report for a unit
    with pytest.raises(AccessDenied, match="không có quyền báo cáo tiến độ"):
        report_progress(as_user(CHIEF), entered, 2, "x", today=TODAY)


def test_completion_reported_then_confirmed_with_the_assessment_moves_the_figures(
    as_user: Bind, entered: str, org: Repository
) -> None:
    before = counts(org, TODAY)
    assert before["open_within_deadline"] == 1 and before["completed_on_time"] == 0
    unit = as_user(SYT)
    v = report_completion(
        unit, entered, 1, date(2025, 9, 12), "Đã tiêm đủ 98% trẻ em", "215/BC-SYT", today=TODAY
    )
    # reported, not yet confirmed: still open in every figure, waiting in the Office's queue
    assert counts(org, TODAY) == before
    assert stored(org, entered)["completed_date"] is None
    with pytest.raises(ValidationFailed, match="đang chờ Văn phòng xác nhận"):
        report_completion(unit, entered, v, TODAY, "lại", "1/BC", today=TODAY)
    with pytest.raises(ValidationFailed, match="đã báo cáo hoàn thành"):
        request_extension(unit, entered, v, date(2025, 10, 30), "Chờ", today=TODAY)
    with pytest.raises(ValidationFailed, match="đã báo cáo hoàn thành"):
        send_back_task(unit, entered, v, "Không thuộc", today=TODAY)
    office = as_user(SPECIALIST)
    with pytest.raises(ValidationFailed, match="chất lượng: chọn một trong"):
        confirm_completion(office, entered, v, "Xuất sắc", "Tỷ lệ tiêm đạt", today=TODAY)
    v = confirm_completion(
        office, entered, v, "Đạt yêu cầu", "Tỷ lệ tiêm chủng đạt chỉ tiêu", today=TODAY
    )
    task = stored(org, entered)
    assert from_bson_day(task["completed_date"]) == date(2025, 9, 12)  # type: ignore[arg-type]
    assert task["result"] == "Đã tiêm đủ 98% trẻ em"
    assert task["report_number"] == "215/BC-SYT"
    assert task["quality"] == "meets" and task["effect"] == "Tỷ lệ tiêm chủng đạt chỉ tiêu"
    assert from_bson_day(task["confirmed_date"]) == TODAY  # type: ignore[arg-type]
    assert task["confirmed_by"] == "Trần Thị Theo Dõi"
    assert task["completion_reports"][0]["status"] == "confirmed"  # type: ignore[index]
    after = counts(org, TODAY)
    assert after["completed_on_time"] == 1 and after["open_within_deadline"] == 0
    assert [k for k, _, _ in kinds(org, entered)] == ["created", "completion_reported", "confirmed"]
    with pytest.raises(ValidationFailed, match="đã hoàn thành ngày 12/09/2025"):
        report_progress(unit, entered, v, "x", today=TODAY)


def test_completion_sent_back_with_a_reason_returns_to_the_unit(
    as_user: Bind, entered: str, org: Repository
) -> None:
    unit = as_user(SYT)
    v = report_completion(unit, entered, 1, TODAY, "Đã tiêm", "216/BC-SYT", today=TODAY)
    office = as_user(SPECIALIST)
    with pytest.raises(ValidationFailed, match="lý do trả lại: không được để trống"):
        send_back_completion(office, entered, v, "", today=TODAY)
    v = send_back_completion(
        office, entered, v, "Chưa có số liệu tiêm của 3 xã vùng sâu", today=TODAY
    )
    task = stored(org, entered)
    assert task["completed_date"] is None
    report = task["completion_reports"][0]  # type: ignore[index]
    assert report["status"] == "sent_back"
    assert report["decision_note"] == "Chưa có số liệu tiêm của 3 xã vùng sâu"
    queue = unit_queue(unit, today=TODAY)
    assert [i.id for i in queue.lists["sent_back"]] == [entered]
    assert queue.lists["sent_back"][0].request["decision_note"].startswith("Chưa có số liệu")
    assert any(d.request["status"] == "sent_back" for d in queue.lists["decisions"])
    # the unit reports again; the new report waits
    report_completion(unit, entered, v, TODAY, "Đã tiêm đủ", "217/BC-SYT", today=TODAY)
    assert unit_queue(unit, today=TODAY).lists["sent_back"] == []


def test_extension_asked_late_then_approved_keeps_the_original_deadline(
    as_user: Bind, entered: str, org: Repository
) -> None:
    unit = as_user(SYT)
    late_day = date(2025, 10, 2)  # after the deadline of 30/09/2025
    assert counts(org, late_day)["open_overdue"] == 1
    with pytest.raises(ValidationFailed, match="không sau thời hạn đang áp dụng 30/09/2025"):
        request_extension(unit, entered, 1, date(2025, 9, 30), "Chờ vắc xin", today=late_day)
    v = request_extension(unit, entered, 1, date(2025, 10, 31), "Chờ vắc xin", today=late_day)
    req = stored(org, entered)["extension_requests"][0]  # type: ignore[index]
    assert req["late"] is True and req["status"] == "pending" and req["unit"] == "SYT"
    with pytest.raises(AccessDenied, match="không có quyền duyệt gia hạn"):
        decide_extension(unit, entered, v, True, today=late_day)
    v = decide_extension(
        as_user(CHIEF), entered, v, True, new_deadline=date(2025, 10, 20), today=late_day
    )
    task = stored(org, entered)
    assert from_bson_day(task["deadline"]) == date(2025, 9, 30)  # type: ignore[arg-type]
    ext = task["extensions"]  # type: ignore[index]
    assert [(from_bson_day(e["new_deadline"]), from_bson_day(e["approved_date"]), e["approver"])
            for e in ext] == [(date(2025, 10, 20), late_day, "Huỳnh Quốc Bảo")]  # type: ignore[union-attr]  # fmt: skip
    assert task["extension_requests"][0]["status"] == "approved"  # type: ignore[index]
    # the figures follow the deadline in force at once
    assert counts(org, late_day)["open_within_deadline"] == 1
    assert counts(org, date(2025, 10, 1))["open_overdue"] == 1  # before the approval: overdue
    events = org.task_events(entered)
    assert [e["kind"] for e in events][-2:] == ["extension_requested", "extended"]
    assert "đề nghị sau thời hạn 30/09/2025" in events[-2]["note"]
    assert "deadline" not in events[-1]["after"]  # the original deadline never moves


def test_extension_refused_needs_a_reason_and_shows_in_the_unit_queue(
    as_user: Bind, entered: str, org: Repository
) -> None:
    unit = as_user(SYT)
    v = request_extension(unit, entered, 1, date(2025, 10, 15), "Thiếu nhân lực", today=TODAY)
    assert stored(org, entered)["extension_requests"][0]["late"] is False  # type: ignore[index]
    with pytest.raises(ValidationFailed, match="ý kiến xử lý: không được để trống"):
        decide_extension(as_user(SPECIALIST), entered, v, False, today=TODAY)
    decide_extension(as_user(SPECIALIST), entered, v, False, "Đủ thời gian", today=TODAY)
    task = stored(org, entered)
    assert task["extensions"] == [] and task["extension_requests"][0]["status"] == "refused"  # type: ignore[index]
    decision = unit_queue(unit, today=TODAY).lists["decisions"][0]
    assert decision.request["what"] == "Đề nghị gia hạn"
    assert decision.request["decision_note"] == "Đủ thời gian"


def test_a_task_that_is_not_the_units_is_sent_back_then_reassigned(
    as_user: Bind, entered: str, org: Repository
) -> None:
    unit = as_user(SYT)
    v = send_back_task(unit, entered, 1, "Thuộc chức năng của Sở Tài chính", today=TODAY)
    with pytest.raises(ValidationFailed, match="đang chờ Văn phòng xử lý"):
        send_back_task(unit, entered, v, "lần nữa", today=TODAY)
    office = as_user(SPECIALIST)
    v = reassign_task(office, entered, v, "STC", "Đúng chức năng của Sở Tài chính", today=TODAY)
    task = stored(org, entered)
    assert task["lead_unit"] == "STC" and "STC" not in task["coord_units"]  # type: ignore[operator]
    assert task["returns"][0]["status"] == "reassigned"  # type: ignore[index]
    # the history keeps who held it, who moved it, when and why
    last = org.task_events(entered)[-1]
    assert last["kind"] == "reassigned" and last["actor"] == "chuyenvien"
    assert last["before"]["lead_unit"] == "SYT" and last["after"]["lead_unit"] == "STC"
    assert last["note"] == "Đúng chức năng của Sở Tài chính"
    # the former lead no longer sees it; the new one does
    assert as_user(SYT).task(entered, Scope.everything()) is None
    assert [i.id for i in unit_queue(as_user(STC), today=TODAY).lists["open_tasks"]] == [entered]


def test_a_return_refused_keeps_the_task_with_the_unit(
    as_user: Bind, entered: str, org: Repository
) -> None:
    v = send_back_task(as_user(SYT), entered, 1, "Không thuộc chức năng", today=TODAY)
    v = refuse_return(as_user(CHIEF), entered, v, "Sở Y tế là cơ quan chuyên môn", today=TODAY)
    task = stored(org, entered)
    assert task["lead_unit"] == "SYT" and task["returns"][0]["status"] == "refused"  # type: ignore[index]
    assert [k for k, _, _ in kinds(org, entered)][-2:] == ["returned", "return_refused"]


def test_office_edit_deadline_correction_cancel_and_priority(
    as_user: Bind, entered: str, org: Repository
) -> None:
    office = as_user(SPECIALIST)
    with pytest.raises(ValidationFailed, match="lý do: sửa thời hạn phải nêu lý do"):
        edit_task(office, entered, 1, {"deadline": date(2025, 10, 15)}, today=TODAY)
    with pytest.raises(ValidationFailed, match="lead_unit: đổi đơn vị chủ trì"):
        edit_task(office, entered, 1, {"lead_unit": "STC"}, today=TODAY)
    v = edit_task(
        office,
        entered,
        1,
        {"deadline": date(2025, 10, 15), "content": "Tiêm chủng mở rộng đợt 2"},
        reason="Nhập sai thời hạn so với văn bản",
        today=TODAY,
    )
    last = org.task_events(entered)[-1]
    assert (
        last["kind"] == "deadline_corrected" and last["note"] == "Nhập sai thời hạn so với văn bản"
    )
    assert from_bson_day(last["before"]["deadline"]) == date(2025, 9, 30)
    assert from_bson_day(last["after"]["deadline"]) == date(2025, 10, 15)
    v = mark_priority(office, entered, v, True, today=TODAY)
    assert org.db.task_facts.find_one({"_id": entered})["priority"] is True  # type: ignore[index]
    # another room's specialist has no duty on it
    with pytest.raises(AccessDenied, match="không thuộc phân công"):
        mark_priority(as_user(OTHER_SPECIALIST), entered, v, False, today=TODAY)
    # a pending request is closed by the cancellation
    v = request_extension(as_user(SYT), entered, v, date(2025, 11, 1), "Chờ vắc xin", today=TODAY)
    with pytest.raises(ValidationFailed, match="lý do hủy: không được để trống"):
        cancel_task(office, entered, v, " ", today=TODAY)
    v = cancel_task(office, entered, v, "Bộ Y tế đã điều chỉnh kế hoạch", today=TODAY)
    task = stored(org, entered)
    assert from_bson_day(task["cancelled_date"]) == TODAY  # type: ignore[arg-type]
    assert task["extension_requests"][0]["status"] == "refused"  # type: ignore[index]
    with pytest.raises(ValidationFailed, match="đã hủy ngày 15/09/2025"):
        report_progress(as_user(SYT), entered, v, "x", today=TODAY)
    assert counts(org, TODAY) == {
        "completed_on_time": 0,
        "open_within_deadline": 0,
        "open_overdue": 0,
    }
    # one event per version, no gap
    assert [e["version"] for e in org.task_events(entered)] == list(range(1, v + 1))
