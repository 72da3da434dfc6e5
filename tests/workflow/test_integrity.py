"""No lost update and no silent overwrite, on the real mongod: two writers racing on one task
(one wins, the other is refused with «Nhiệm vụ đã được người khác cập nhật sau khi bạn mở» and
the current values; the history shows one change), a failed event write rolls the change back,
and operator-looking input is stored as text or refused."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from pymongo.errors import OperationFailure

from core.access.roles import Actor
from core.errors import STALE_COPY, StaleCopy, ValidationFailed
from core.explorer import TaskSearch, search_tasks
from core.repository import Repository
from core.scope import Scope
from core.workflow import edit_task, enter_document, give_feedback, report_progress
from core.workflow.feedback import duties
from tests.workflow.conftest import CHIEF, SPECIALIST, SYT, TODAY, XA1, doc_form, task_form

Bind = Callable[[Actor], Repository]


def test_two_writers_race_one_wins_the_other_is_refused_with_current_values(
    as_user: Bind, entered: str, org: Repository
) -> None:
    """Both opened version 1; they save at the same moment, each on its own connection path."""
    writers = {
        "chief": (as_user(CHIEF), "Tiêm chủng mở rộng – bản của Chánh Văn phòng"),
        "specialist": (as_user(SPECIALIST), "Tiêm chủng mở rộng – bản của chuyên viên"),
    }
    start = threading.Barrier(len(writers))
    outcome: dict[str, Any] = {}

    def save(name: str) -> None:
        store, content = writers[name]
        start.wait()
        try:
            outcome[name] = edit_task(store, entered, 1, {"content": content}, today=TODAY)
        except Exception as exc:  # the loser's refusal is the point of the test
            outcome[name] = exc

    threads = [threading.Thread(target=save, args=(n,)) for n in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [n for n, r in outcome.items() if r == 2]
    losers = [n for n, r in outcome.items() if isinstance(r, StaleCopy)]
    assert len(winners) == 1 and len(losers) == 1, outcome
    refusal = outcome[losers[0]]
    assert str(refusal).startswith(STALE_COPY)
    won_content = writers[winners[0]][1]
    winner_user = "chanhvp" if winners[0] == "chief" else "chuyenvien"
    assert winner_user in str(refusal)
    assert refusal.current["Nội dung"] == won_content  # the current values, shown to the loser
    assert refusal.current["Phiên bản"] == 2
    task = org.task(entered, Scope.everything())
    assert task is not None and task["content"] == won_content and task["version"] == 2
    updates = [e for e in org.task_events(entered) if e["kind"] != "created"]
    assert len(updates) == 1 and updates[0]["after"]["content"] == won_content


def test_a_save_from_a_stale_copy_is_refused_before_anything_is_checked(
    as_user: Bind, entered: str, org: Repository
) -> None:
    report_progress(as_user(SYT), entered, 1, "Đang triển khai", today=TODAY)
    with pytest.raises(StaleCopy) as caught:
        edit_task(as_user(SPECIALIST), entered, 1, {"content": "Sửa từ bản cũ"}, today=TODAY)
    assert "cập nhật bởi syt" in str(caught.value)
    assert caught.value.current["Phiên bản"] == 2
    assert caught.value.changed_by and caught.value.changed_by[0].startswith("syt lúc ")
    task = org.task(entered, Scope.everything())
    assert task is not None and task["content"] != "Sửa từ bản cũ"


@pytest.fixture()
def failing_events(org: Repository) -> Iterator[None]:
    """The server refuses every new task event (its validator requires a field no event has),
    so the event write inside a change's transaction fails; restored afterwards."""
    org.db.command(
        "collMod",
        "task_events",
        validator={"$jsonSchema": {"required": ["no_such_field"]}},
        validationLevel="strict",
    )
    try:
        yield
    finally:
        org.ensure_schema()


def test_a_failed_event_write_rolls_the_change_back(
    as_user: Bind, entered: str, org: Repository, failing_events: None
) -> None:
    before = org.task(entered, Scope.everything())
    facts_before = org.db.task_facts.find_one({"_id": entered})
    generation = org.summary_generation()
    with pytest.raises(OperationFailure, match="failed validation"):
        report_progress(as_user(SYT), entered, 1, "Báo cáo sẽ không được lưu", today=TODAY)
    assert org.task(entered, Scope.everything()) == before
    assert org.db.task_facts.find_one({"_id": entered}) == facts_before
    assert org.summary_generation() == generation
    assert [e["kind"] for e in org.task_events(entered)] == ["created"]
    # an entry is all or nothing too: no document, no task, no fact
    with pytest.raises(OperationFailure, match="failed validation"):
        enter_document(
            as_user(SPECIALIST), doc_form(number="99/QĐ-UBND"), [task_form()], today=TODAY
        )
    assert org.db.documents.find_one({"number": "99/QĐ-UBND"}) is None
    assert org.db.tasks.count_documents({}) == 1 and org.db.task_facts.count_documents({}) == 1


def test_a_failed_event_write_rolls_feedback_back(
    as_user: Bind, entered: str, org: Repository, failing_events: None, cal: Any
) -> None:
    with pytest.raises(OperationFailure, match="failed validation"):
        give_feedback(
            as_user(XA1), cal, "late", "Chưa thấy triển khai", task_id=entered, today=TODAY
        )
    assert org.db.feedback.count_documents({}) == 0


OPERATOR_TEXTS = ['{"$ne": null}', "$where: sleep(1000)", "a.b.$c", ".*", "(?i)^SYT|", "$gt"]


def test_operator_looking_input_is_stored_as_text(as_user: Bind, org: Repository) -> None:
    office = as_user(SPECIALIST)
    forms = [task_form(content=t, coord_units=[]) for t in OPERATOR_TEXTS]
    result = enter_document(office, doc_form(abstract='{"$gt": ""}'), forms, today=TODAY)
    for task_id, text in zip(result.tasks, OPERATOR_TEXTS, strict=True):
        task = org.task(task_id, Scope.everything())
        assert task is not None and task["content"] == text
    doc = org.document(result.document)
    assert doc is not None and doc["abstract"] == '{"$gt": ""}'
    v = report_progress(
        as_user(SYT), result.tasks[0], 1, '{"$set": {"lead_unit": "STC"}}', today=TODAY
    )
    task = org.task(result.tasks[0], Scope.everything())
    assert task is not None and task["lead_unit"] == "SYT" and v == 2
    assert task["progress"][0]["note"] == '{"$set": {"lead_unit": "STC"}}'
    # searched as text: the regex metacharacters match nothing but themselves
    page = search_tasks(office, TaskSearch(as_of=TODAY, text=".*"))
    assert page.total <= len(OPERATOR_TEXTS)
    assert all(".*" in r["content"] or "*" not in r["content"] for r in page.rows)


@pytest.mark.parametrize(
    "value",
    [{"$ne": None}, {"$gt": ""}, ["$in"], 42],
)
def test_non_text_values_are_refused_by_field(as_user: Bind, entered: str, value: Any) -> None:
    with pytest.raises(ValidationFailed, match="nội dung báo cáo: phải là chuỗi ký tự"):
        report_progress(as_user(SYT), entered, 1, value, today=TODAY)
    with pytest.raises(ValidationFailed) as caught:
        enter_document(
            as_user(SPECIALIST),
            doc_form(number="16/QĐ-UBND"),
            [task_form(lead_unit=value)],
            today=TODAY,
        )
    assert caught.value.problems[0].field == "nhiệm vụ 1 – đơn vị chủ trì"
    with pytest.raises(ValidationFailed, match="phiên bản: phải là số nguyên"):
        report_progress(as_user(SYT), entered, {"$gt": 0}, "x", today=TODAY)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        report_progress(as_user(SYT), value, 1, "x", today=TODAY)  # type: ignore[arg-type]


def test_a_unit_code_looking_like_an_operator_names_no_unit(
    as_user: Bind, entered: str, cal: Any
) -> None:
    with pytest.raises(ValidationFailed, match="không có đơn vị mã «\\$ne»"):
        give_feedback(as_user(XA1), cal, "late", "x", about_unit="$ne", today=TODAY)
    assert duties(as_user(CHIEF), date(2025, 12, 31)) == []


def test_racing_saves_inside_the_transaction_never_both_apply(
    as_user: Bind, entered: str, org: Repository
) -> None:
    """Past every check, two saves of the same opened version hit the database together, ten
    times over: each time exactly one applies and one event is written."""
    from core.access.roles import EDIT_TASK
    from core.workflow.common import save

    stores = [as_user(CHIEF), as_user(SPECIALIST)]
    opened = 1
    for round_ in range(10):
        start = threading.Barrier(2)
        results: list[Any] = [None, None]

        def write(
            i: int,
            v: int = opened,
            r: int = round_,
            gate: threading.Barrier = start,
            out: list[Any] = results,
        ) -> None:
            gate.wait()
            try:
                out[i] = save(
                    stores[i], entered, v, {"content": f"Lượt {r} – người {i}"},
                    kind="updated", action=EDIT_TASK,
                )  # fmt: skip
            except Exception as exc:
                out[i] = exc

        threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        applied = [r for r in results if r == opened + 1]
        refused = [r for r in results if isinstance(r, StaleCopy)]
        assert len(applied) == 1 and len(refused) == 1, results
        opened += 1
    versions = [e["version"] for e in org.task_events(entered)]
    assert versions == list(range(1, opened + 1))


def test_keys_that_look_like_operators_or_paths_are_refused(
    as_user: Bind, entered: str, org: Repository
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        edit_task(
            as_user(SPECIALIST),
            entered,
            1,
            {"$set": {"lead_unit": "STC"}, "progress.0.note": "x", "content.$": "y"},
            today=TODAY,
        )
    assert [(p.field, p.reason) for p in caught.value.problems] == [
        ("$set", "không phải trường sửa được"),
        ("progress.0.note", "không phải trường sửa được"),
        ("content.$", "không phải trường sửa được"),
    ]
    task = org.task(entered, Scope.everything())
    assert task is not None and task["version"] == 1 and task["lead_unit"] == "SYT"
