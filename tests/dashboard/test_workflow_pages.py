"""The Office's and the unit's pages through Streamlit AppTest, signed in, on a small province
in the real mongod: entry with its refusals, a unit's completion report, the Office's
confirmation with the assessment (the overview's figure moves at once), a stale copy refused
with the current values, extension and feedback forms, counts on the navigation, the importer
(dry run, then commit) and the export round trip."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import repository
from core.access import accounts, sessions
from core.access.roles import Actor
from core.access.scopes import scope_for
from core.dates import today_local
from core.model import Unit, validate
from core.scope import Scope
from core.workflow import DocumentForm, TaskForm, enter_document, report_progress
from tests.cards import cards
from tests.integration.orgdata import load_org

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PASSWORD = "Mat-khau-quy-trinh-1"
TODAY = today_local()
USERS = {
    "chanhvp": ("office_chief", None, ()),
    "chuyenvien": ("office_specialist", None, ("P-TH",)),
    "syt": ("unit_officer", "SYT", ()),
    "xa1": ("unit_officer", "X-A1", ()),
}


@pytest.fixture()
def wf_env(
    mongod: dict[str, Any], repo: repository.Repository, monkeypatch: pytest.MonkeyPatch
) -> Iterator[repository.Repository]:
    """A small province with one open task of the Department of Health (due in 30 days,
    commune A1 coordinating), an account per kind of user, and the app reading it."""
    load_org(repo)
    repo.save_units(
        [validate(Unit, {"code": "P-KT", "name": "Phòng Kinh tế", "kind": "office_room",
                         "parent": "VP"})],
        actor="test",
    )  # fmt: skip
    for username, (role, unit, rooms) in USERS.items():
        accounts.add_user(
            repo,
            username=username,
            display_name=f"Người dùng {username}",
            role=role,
            actor="test",
            unit=unit,
            password=PASSWORD,
            tracking_rooms=rooms,
        )
        repo.db.users.update_one({"_id": username}, {"$set": {"must_change_password": False}})
    office = bound(repo, "chuyenvien")
    enter_document(
        office,
        DocumentForm("QD", "15/QĐ-UBND", "Về việc tiêm chủng mở rộng", TODAY, "PCT2", "SYT"),
        [TaskForm("Tổ chức tiêm chủng mở rộng", "SYT", ["X-A1"], "P-TH",
                  deadline=TODAY + timedelta(days=30))],
        today=TODAY,
    )  # fmt: skip
    monkeypatch.setenv("MONGODB_URI", mongod["uri"])
    monkeypatch.setenv("MONGODB_DB", repo.db.name)
    st.cache_data.clear()
    yield repo


TASK = f"{TODAY.year}-15/QĐ-UBND#1"


def bound(repo: repository.Repository, username: str) -> repository.Repository:
    actor: Actor = accounts.actor_of(repo.user(username) or {})
    return repo.acting_as(actor, scope_for(actor, repo.units(), TODAY))


def open_as(repo: repository.Repository, username: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["cddh_token"] = sessions.login(repo, username, PASSWORD, "127.0.0.1").token
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    parts += (
        [s.value for s in at.success] + [i.value for i in at.info] + [c.value for c in at.caption]
    )
    return "\n".join(str(p) for p in parts)


def status_card(at: AppTest, label: str) -> str:
    return next(m.value for m in cards(at) if m.label == label)


def sections(office: AppTest) -> list[str]:
    """The sections of the Office's queue, each with how many items wait in it."""
    return list(office.segmented_control(key="wf_office_view").options)


def test_unit_reports_completion_office_confirms_overview_moves(
    wf_env: repository.Repository,
) -> None:
    overview = open_as(wf_env, "chanhvp")
    assert status_card(overview, "Chưa hoàn thành, trong hạn") == "1"

    unit = open_as(wf_env, "syt", "views/viec_don_vi.py")
    assert unit.title[0].value == "Việc của đơn vị"
    assert "Nhiệm vụ đang thực hiện (1)" in [t.label for t in unit.tabs]
    unit.selectbox(key="wf_unit_task").set_value(TASK).run()
    unit.text_area(key=f"wf_done_result_{TASK}").input("Đã tiêm cho 98% trẻ em")
    unit.text_input(key=f"wf_done_number_{TASK}").input("215/BC-SYT")
    unit.button(key=f"wf_done_send_{TASK}").click().run()
    assert not unit.exception
    assert "Đã báo cáo hoàn thành; nhiệm vụ chờ Văn phòng xác nhận." in text_of(unit)
    # reported, not yet confirmed: the overview has not moved
    assert status_card(open_as(wf_env, "chanhvp"), "Chưa hoàn thành, trong hạn") == "1"

    office = open_as(wf_env, "chuyenvien", "views/viec_van_phong.py")
    assert "Chờ xác nhận hoàn thành (1)" in sections(office)
    office.segmented_control(key="wf_office_view").set_value("completions").run()
    office.text_area(key=f"wf_confirm_effect_{TASK}").input("Đạt chỉ tiêu tiêm chủng")
    office.selectbox(key=f"wf_confirm_quality_{TASK}").set_value("above")
    office.button(key=f"wf_confirm_yes_{TASK}").click().run()
    assert not office.exception
    assert "Đã xác nhận hoàn thành." in text_of(office)
    assert "Chờ xác nhận hoàn thành (0)" in sections(office)
    assert office.segmented_control(key="wf_office_view").value == "completions"  # stays
    stored = wf_env.task(TASK, Scope.everything())
    assert stored is not None and stored["quality"] == "above"
    assert stored["confirmed_by"] == "Người dùng chuyenvien"

    after = open_as(wf_env, "chanhvp")
    assert status_card(after, "Chưa hoàn thành, trong hạn") == "0"
    # the task's page shows the history in words
    page = open_as(wf_env, "chanhvp", "views/nhiem_vu.py")
    page.session_state["p_nhiemvu"] = TASK
    page.query_params["nhiemvu"] = TASK
    page.run()
    history = page.dataframe[-1].value
    assert list(history["Sự kiện"]) == ["Nhập nhiệm vụ", "Báo cáo hoàn thành", "Xác nhận kết quả"]
    assert "215/BC-SYT" in history["Nội dung"].iloc[1]
    assert "Vượt yêu cầu" in history["Nội dung"].iloc[2]


def test_a_stale_form_is_refused_with_the_current_values(wf_env: repository.Repository) -> None:
    office = open_as(wf_env, "chuyenvien", "views/nhiem_vu.py")
    office.query_params["nhiemvu"] = TASK
    office.run()
    assert not office.exception
    # meanwhile the unit reports progress (version 2)
    report_progress(bound(wf_env, "syt"), TASK, 1, "Đã triển khai tại 5 xã", today=TODAY)
    office.text_input(key=f"wf_edit_reason_{TASK}").input("Sửa nội dung")
    office.text_area(key=f"wf_edit_content_{TASK}").input("Nội dung sửa từ bản cũ")
    office.button(key=f"wf_edit_send_{TASK}").click().run()
    assert not office.exception
    errors = [e.value for e in office.error]
    assert any(e.startswith("Nhiệm vụ đã được người khác cập nhật sau khi bạn mở") for e in errors)
    assert any("cập nhật bởi syt" in e for e in errors)
    current = next(d.value for d in office.dataframe if "Trường" in d.value.columns)
    assert (
        dict(zip(current["Trường"], current["Giá trị hiện tại"], strict=True))["Phiên bản"] == "2"
    )
    stored = wf_env.task(TASK, Scope.everything())
    assert stored is not None and stored["content"] == "Tổ chức tiêm chủng mở rộng"


def test_entry_form_saves_and_refuses_by_field(wf_env: repository.Repository) -> None:
    at = open_as(wf_env, "chuyenvien", "views/nhap_van_ban.py")
    assert at.title[0].value == "Nhập văn bản"
    at.text_input(key="wf_entry_number").input("16/QĐ-UBND")
    at.text_area(key="wf_entry_abstract").input("Về việc phòng chống sốt xuất huyết")
    at.selectbox(key="wf_entry_signer").set_value("PCT2")
    at.text_area(key="wf_entry_t1_content").input("Phun hóa chất diệt muỗi")
    at.selectbox(key="wf_entry_t1_lead").set_value("SYT")
    at.multiselect(key="wf_entry_t1_coords").set_value(["SYT"])
    at.date_input(key="wf_entry_t1_deadline").set_value(TODAY - timedelta(days=3))
    at.button(key="wf_entry_save").click().run()
    assert not at.exception
    error = at.error[0].value
    assert "nhiệm vụ 1 – thời hạn" in error and "trước ngày giao" in error
    assert "nhiệm vụ 1 – đơn vị phối hợp" in error
    assert wf_env.document_taken(f"{TODAY.year}-16/QĐ-UBND") is False
    # corrected, it is saved (what was typed is still there)
    at.multiselect(key="wf_entry_t1_coords").set_value(["STC"])
    at.date_input(key="wf_entry_t1_deadline").set_value(TODAY + timedelta(days=10))
    at.button(key="wf_entry_save").click().run()
    assert not at.exception
    assert "Đã nhập văn bản với 1 nhiệm vụ." in text_of(at)
    task = wf_env.task(f"{TODAY.year}-16/QĐ-UBND#1", Scope.everything())
    assert task is not None and task["tracking_room"] == "P-TH" and task["coord_units"] == ["STC"]
    # a secret document is refused by its field
    at.text_input(key="wf_entry_number").input("17/QĐ-UBND")
    at.text_area(key="wf_entry_abstract").input("Văn bản mật")
    at.selectbox(key="wf_entry_signer").set_value("PCT2")
    at.selectbox(key="wf_entry_secrecy").set_value("Mật")
    at.text_area(key="wf_entry_t1_content").input("x")
    at.selectbox(key="wf_entry_t1_lead").set_value("SYT")
    at.button(key="wf_entry_save").click().run()
    assert "độ mật" in at.error[0].value
    assert wf_env.document_taken(f"{TODAY.year}-17/QĐ-UBND") is False


def test_extension_request_and_decision_through_the_pages(wf_env: repository.Repository) -> None:
    unit = open_as(wf_env, "syt", "views/viec_don_vi.py")
    unit.selectbox(key="wf_unit_task").set_value(TASK).run()
    unit.date_input(key=f"wf_ext_day_{TASK}").set_value(TODAY + timedelta(days=60))
    unit.text_area(key=f"wf_ext_reason_{TASK}").input("Chờ vắc xin")
    unit.button(key=f"wf_ext_send_{TASK}").click().run()
    assert "Đã gửi đề nghị gia hạn." in text_of(unit)
    office = open_as(wf_env, "chanhvp", "views/viec_van_phong.py")
    assert "Đề nghị gia hạn (1)" in sections(office)
    office.segmented_control(key="wf_office_view").set_value("extension_requests").run()
    office.button(key=f"wf_decide_no_{TASK}").click().run()
    assert "ý kiến xử lý" in office.error[0].value  # a refusal needs a reason
    office.button(key=f"wf_decide_yes_{TASK}").click().run()
    assert "Đã đồng ý gia hạn." in text_of(office)
    stored = wf_env.task(TASK, Scope.everything())
    assert stored is not None and len(stored["extensions"]) == 1
    assert stored["deadline"] is not None  # the original deadline stays
    unit = open_as(wf_env, "syt", "views/viec_don_vi.py")
    decisions = unit.dataframe[-1].value
    assert list(decisions["Kết quả"]) == ["Đồng ý"]


def test_feedback_page_and_the_office_duty(wf_env: repository.Repository) -> None:
    commune = open_as(wf_env, "xa1", "views/viec_don_vi.py")
    commune.selectbox(key="wf_fb_about_unit").set_value("SYT")
    commune.text_area(key="wf_fb_text_unit").input("Chưa thấy Sở Y tế triển khai tại xã")
    commune.button(key="wf_fb_send_unit").click().run()
    assert "Văn phòng UBND tỉnh xử lý trong 7 ngày làm việc" in text_of(commune)
    office = open_as(wf_env, "chanhvp", "views/viec_van_phong.py")
    assert "Phản ánh của đơn vị (1)" in sections(office)
    office.segmented_control(key="wf_office_view").set_value("feedback").run()
    (item,) = list(wf_env.db.feedback.find())
    fid = item["_id"]
    office.text_input(key=f"wf_duty_number_{fid}").input("812/VPUBND-TH")
    office.button(key=f"wf_duty_send_{fid}").click().run()
    assert "Đã ghi nhận việc xử lý phản ánh." in text_of(office)
    assert wf_env.db.feedback.find_one({"_id": fid})["status"] == "handled"  # type: ignore[index]


def test_roles_see_only_their_work_pages(wf_env: repository.Repository) -> None:
    """A page outside the role's navigation is not registered as a page of its session (the
    refusal drawn at its address is tested in Chromium, tests/browser/test_access.py)."""
    for username, page in (
        ("syt", "views/viec_van_phong.py"),
        ("syt", "views/nhap_van_ban.py"),
        ("chuyenvien", "views/viec_don_vi.py"),
        ("chuyenvien", "views/nhap_tep.py"),
    ):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_as(wf_env, username, page)
    # the counts on the navigation: one open task for the unit
    unit = open_as(wf_env, "syt", "views/viec_don_vi.py")
    assert unit.title[0].value == "Việc của đơn vị"


def test_import_page_dry_run_then_commit_and_export_round_trip(
    wf_env: repository.Repository,
) -> None:
    from core.explorer import TaskSearch
    from core.importer import export_tasks

    exported = export_tasks(bound(wf_env, "chanhvp"), TaskSearch(as_of=TODAY), "csv")
    at = open_as(wf_env, "chanhvp", "views/nhap_tep.py")
    bad = exported.content.decode("utf-8-sig").replace("SYT", "SXYZ", 1)
    at.file_uploader(key="wf_import_file").set_value(("sai.csv", bad.encode(), "text/csv"))
    at.run()
    at.button(key="wf_import_check").click().run()
    assert not at.exception
    problems = at.dataframe[-1].value
    assert list(problems.columns) == ["Dòng", "Trường", "Lý do"]
    assert "SXYZ" in " ".join(problems["Lý do"])
    assert not [b for b in at.button if b.key == "wf_import_commit"]  # nothing to commit
    before = {t["_id"]: t["version"] for t in wf_env.db.tasks.find()}
    at.file_uploader(key="wf_import_file").set_value(("dung.csv", exported.content, "text/csv"))
    at.run()
    at.button(key="wf_import_check").click().run()
    assert "Tệp hợp lệ: 1 văn bản, 1 nhiệm vụ." in text_of(at)
    at.button(key="wf_import_commit").click().run()
    assert "Không có gì thay đổi" in text_of(at)
    assert {t["_id"]: t["version"] for t in wf_env.db.tasks.find()} == before
    assert wf_env.db.access_log.count_documents({"event": "import"}) == 1
    assert wf_env.db.access_log.count_documents({"event": "export"}) == 1


def test_send_back_reassign_then_cancel_through_the_pages(
    wf_env: repository.Repository,
) -> None:
    unit = open_as(wf_env, "syt", "views/viec_don_vi.py")
    unit.selectbox(key="wf_unit_task").set_value(TASK).run()
    unit.text_area(key=f"wf_back_reason_{TASK}").input("Thuộc chức năng của Sở Tài chính")
    unit.button(key=f"wf_back_send_{TASK}").click().run()
    assert "Đã trả lại nhiệm vụ." in text_of(unit)
    office = open_as(wf_env, "chuyenvien", "views/viec_van_phong.py")
    assert "Nhiệm vụ bị trả lại (1)" in sections(office)
    office.segmented_control(key="wf_office_view").set_value("returns").run()
    office.selectbox(key=f"wf_reassign_lead_r_{TASK}").set_value("STC")
    office.text_input(key=f"wf_reassign_reason_r_{TASK}").input("Đúng chức năng Sở Tài chính")
    office.button(key=f"wf_reassign_send_r_{TASK}").click().run()
    assert "Đã giao lại nhiệm vụ." in text_of(office)
    stored = wf_env.task(TASK, Scope.everything())
    assert stored is not None and stored["lead_unit"] == "STC"
    assert stored["returns"][0]["status"] == "reassigned"
    # the former lead's queue no longer holds it
    assert "Nhiệm vụ đang thực hiện (0)" in [
        t.label for t in open_as(wf_env, "syt", "views/viec_don_vi.py").tabs
    ]
    page = open_as(wf_env, "chanhvp", "views/nhiem_vu.py")
    page.query_params["nhiemvu"] = TASK
    page.run()
    history = page.dataframe[-1].value
    assert "Sở Y tế → Sở Tài chính" in " ".join(history["Nội dung"])
    page.text_area(key=f"wf_cancel_reason_{TASK}").input("Bộ Tài chính đã điều chỉnh")
    page.button(key=f"wf_cancel_send_{TASK}").click().run()
    assert "Đã hủy nhiệm vụ." in text_of(page)
    stored = wf_env.task(TASK, Scope.everything())
    assert stored is not None and stored["cancel_reason"] == "Bộ Tài chính đã điều chỉnh"


def test_import_page_refuses_a_file_over_the_limit_and_writes_nothing(
    wf_env: repository.Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.explorer import TaskSearch
    from core.importer import export_tasks

    monkeypatch.setenv("CDDH_IMPORT_MAX_MB", "1")
    exported = export_tasks(bound(wf_env, "chanhvp"), TaskSearch(as_of=TODAY), "csv").content
    # a valid file padded past 1 MB with blank lines: refused for its size, not its rows
    big = exported + b"\r\n" * (600 * 1024)
    before = {t["_id"]: t["version"] for t in wf_env.db.tasks.find()}
    at = open_as(wf_env, "chanhvp", "views/nhap_tep.py")
    assert "tối đa 1 MB" in at.get("file_uploader")[0].proto.label
    at.file_uploader(key="wf_import_file").set_value(("lon.csv", big, "text/csv"))
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Tệp «lon.csv» nặng 1,2 MB, vượt giới hạn 1 MB của trang này; chưa ghi gì. "
        "Tệp lớn nhập bằng lệnh cddh import trên máy chủ."
    ]
    assert not [b for b in at.button if b.key in ("wf_import_check", "wf_import_commit")]
    assert {t["_id"]: t["version"] for t in wf_env.db.tasks.find()} == before
    assert wf_env.db.access_log.count_documents({"event": "import"}) == 0
