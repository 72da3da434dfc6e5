"""What the workflow pages share: running an action of `core.workflow` with its refusal shown
(a stale copy with the current values, every problem by field), the note of a saved action,
and the forms of the actions a user may take on one task (the task's page, the queues)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from core import workflow as wf
from core.access import roles
from core.access.roles import Actor
from core.dates import format_vn, today_local
from core.errors import AccessDenied, ConflictError, StaleCopy, ValidationFailed
from core.repository import Repository
from core.vocab import QUALITY_LEVELS
from core.workflow import common
from core.workflow.feedback import KINDS
from dashboard import data as db
from dashboard import formatting as fmt

_FLASH = "_wf_flash"


def run(done: str, action: Callable[[], Any]) -> bool:
    """Run one action; on success remember `done` for the next run and rerun (every figure is
    read afresh: the store's generation changed); on a refusal show why and return False."""
    try:
        action()
    except StaleCopy as exc:
        st.error(str(exc))
        st.dataframe(
            pd.DataFrame(
                [{"Trường": k, "Giá trị hiện tại": "" if v is None else str(v)}
                 for k, v in exc.current.items()]
            ),
            hide_index=True,
        )  # fmt: skip
        st.caption("Trang đã hiển thị bản mới nhất; xem lại rồi thao tác lại nếu vẫn cần.")
        return False
    except ValidationFailed as exc:
        st.error(
            "**Chưa lưu được:**\n"
            + "\n".join(f"- **{fmt.md_literal(p.field)}**: {fmt.md_literal(p.reason)}"
                        for p in exc.problems)
        )  # fmt: skip
        return False
    except (AccessDenied, ConflictError) as exc:
        st.error(str(exc))
        return False
    st.session_state[_FLASH] = done
    st.rerun()
    return True  # unreachable: st.rerun() raises


SEEN = "_wf_seen"  # versions shown in this run (app.py forgets them at the start of a run)


def opened(record: str, current: int) -> int:
    """The version of a record the user is looking at: the one shown by the previous run.

    A form's submit reruns the whole page, which reads the record again; acting on that fresh
    version would silently overwrite a change made since the user opened the form. So the
    action uses the version the previous run displayed, and the store refuses it
    (`StaleCopy`) when someone saved in between."""
    seen = st.session_state.setdefault(SEEN, {})
    if record not in seen:
        seen[record] = st.session_state.get(f"_wf_v_{record}", current)
        st.session_state[f"_wf_v_{record}"] = current
    return int(seen[record])


def flash() -> None:
    """The note of the action saved in the previous run."""
    done = st.session_state.pop(_FLASH, None)
    if done:
        st.success(done)


def unit_options(as_of: date, kinds: frozenset[str] | None = None) -> list[str]:
    """Codes of the units valid on a day (optionally of some kinds), in tree order."""
    out = []
    for u in db.org_data()["units"]:
        start, end = common.bday(u.get("valid_from")), common.bday(u.get("valid_to"))
        if (start is not None and start > as_of) or (end is not None and end < as_of):
            continue
        if u.get("kind") == "ppc" or (kinds is not None and u.get("kind") not in kinds):
            continue
        out.append(str(u["_id"]))
    return out


def _leads(repo: Repository, actor: Actor, task: dict[str, Any]) -> bool:
    units = repo.reader.units
    return actor.unit is not None and units is not None and task.get("lead_unit") in units


def may_act(repo: Repository, actor: Actor, task: dict[str, Any]) -> bool:
    """Whether the user has any action on this task (his unit's duty or his Office duty)."""
    if actor.may(roles.REPORT_PROGRESS) or actor.may(roles.GIVE_FEEDBACK):
        return actor.unit is not None
    return actor.may(roles.EDIT_TASK) and common.covers(actor, task)


def task_actions(repo: Repository, actor: Actor, task: dict[str, Any]) -> None:
    """The forms of every action the user may take on this stored task now."""
    today = today_local()
    k = str(task["_id"])
    v = opened(k, int(task["version"]))
    open_ = task.get("cancelled_date") is None and task.get("completed_date") is None
    if actor.may(roles.REPORT_PROGRESS) and _leads(repo, actor, task):
        if open_:
            _unit_forms(repo, task, k, v, today)
        else:
            st.caption("Nhiệm vụ đã hoàn thành hoặc đã hủy: không còn việc phải báo cáo.")
    elif actor.may(roles.GIVE_FEEDBACK) and actor.unit is not None:
        with st.expander("Phản ánh nhiệm vụ chậm hoặc không đúng yêu cầu (Điều 16.4)"):
            feedback_form(repo, f"task_{k}", task_id=k)
    if actor.may(roles.EDIT_TASK) and common.covers(actor, task):
        if task.get("cancelled_date") is None:
            _office_forms(repo, task, k, v, today)


def _unit_forms(repo: Repository, task: dict[str, Any], k: str, v: int, today: date) -> None:
    waiting = common.pending(task.get("completion_reports"))
    with st.expander("Báo cáo tiến độ"):
        with st.form(f"wf_progress_{k}"):
            when = st.date_input(
                "Ngày báo cáo", today, format="DD/MM/YYYY", max_value=today,
                key=f"wf_progress_day_{k}",
            )  # fmt: skip
            note = st.text_area("Tình hình thực hiện", key=f"wf_progress_note_{k}")
            if st.form_submit_button("Gửi báo cáo tiến độ", key=f"wf_progress_send_{k}"):
                run("Đã gửi báo cáo tiến độ.", lambda: wf.report_progress(repo, k, v, note, when))
    if waiting:
        st.info(
            f"Đã báo cáo hoàn thành ngày {format_vn(common.bday(waiting['reported_date']))}, "
            "đang chờ Văn phòng xác nhận."
        )
    else:
        with st.expander("Báo cáo hoàn thành"):
            with st.form(f"wf_done_{k}"):
                done = st.date_input(
                    "Ngày hoàn thành", today, format="DD/MM/YYYY", max_value=today,
                    key=f"wf_done_day_{k}",
                )  # fmt: skip
                result = st.text_area("Kết quả thực hiện", key=f"wf_done_result_{k}")
                number = st.text_input("Số văn bản báo cáo", key=f"wf_done_number_{k}")
                if st.form_submit_button("Gửi báo cáo hoàn thành", key=f"wf_done_send_{k}"):
                    run(
                        "Đã báo cáo hoàn thành; nhiệm vụ chờ Văn phòng xác nhận.",
                        lambda: wf.report_completion(repo, k, v, done, result, number),
                    )
    if waiting:
        return  # the result is reported: nothing more to ask until the Office answers
    if task.get("deadline") is not None and not common.pending(task.get("extension_requests")):
        with st.expander("Đề nghị gia hạn"):
            eff = common.deadline_in_force(task, today)
            st.caption(f"Thời hạn đang áp dụng: {format_vn(eff)}.")
            with st.form(f"wf_ext_{k}"):
                new = st.date_input(
                    "Thời hạn đề nghị", None, format="DD/MM/YYYY", key=f"wf_ext_day_{k}"
                )
                reason = st.text_area("Lý do", key=f"wf_ext_reason_{k}")
                if st.form_submit_button("Gửi đề nghị gia hạn", key=f"wf_ext_send_{k}"):
                    run(
                        "Đã gửi đề nghị gia hạn.",
                        lambda: wf.request_extension(repo, k, v, new, reason),
                    )
    if not common.pending(task.get("returns")):
        with st.expander("Trả lại nhiệm vụ không thuộc chức năng (Điều 8.2.a)"):
            with st.form(f"wf_back_{k}"):
                reason = st.text_area("Lý do trả lại", key=f"wf_back_reason_{k}")
                if st.form_submit_button("Trả lại Văn phòng", key=f"wf_back_send_{k}"):
                    run("Đã trả lại nhiệm vụ.", lambda: wf.send_back_task(repo, k, v, reason))


def feedback_form(repo: Repository, key: str, task_id: str | None = None) -> None:
    """A unit's feedback: on a task, or about a unit with no task named."""
    with st.form(f"wf_fb_{key}"):
        about = None
        if task_id is None:
            about = st.selectbox(
                "Đơn vị bị phản ánh",
                unit_options(today_local(), frozenset({"department", "board", "agency"})),
                format_func=fmt.unit_name,
                index=None,
                placeholder="Chọn đơn vị",
                key=f"wf_fb_about_{key}",
            )
        kind = st.radio(
            "Nội dung phản ánh",
            list(KINDS),
            format_func=lambda x: KINDS[x],
            key=f"wf_fb_kind_{key}",
        )
        text = st.text_area("Chi tiết", key=f"wf_fb_text_{key}")
        if st.form_submit_button("Gửi phản ánh", key=f"wf_fb_send_{key}"):
            run(
                "Đã gửi phản ánh; Văn phòng UBND tỉnh xử lý trong 7 ngày làm việc (Điều 15.5).",
                lambda: wf.give_feedback(
                    repo, db.calendar(repo, db.repo_key()), kind, text, task_id, about
                ),
            )


def _office_forms(repo: Repository, task: dict[str, Any], k: str, v: int, today: date) -> None:
    request = common.pending(task.get("extension_requests"))
    if request:
        decide_extension_form(repo, task, request, k, v)
    report = common.pending(task.get("completion_reports"))
    if report:
        confirm_form(repo, report, k, v)
    back = common.pending(task.get("returns"))
    if back:
        return_form(repo, task, back, k, v, today)
    with st.expander("Sửa nhiệm vụ"):
        with st.form(f"wf_edit_{k}"):
            content = st.text_area(
                "Nội dung nhiệm vụ", task.get("content") or "", key=f"wf_edit_content_{k}"
            )
            coords = st.multiselect(
                "Đơn vị phối hợp",
                sorted(set(unit_options(today)) | set(task.get("coord_units") or [])),
                default=list(task.get("coord_units") or []),
                format_func=fmt.unit_name,
                placeholder="Không có hoặc chọn đơn vị",
                key=f"wf_edit_coords_{k}",
            )
            has_ext = bool(task.get("extensions"))
            deadline = st.date_input(
                "Thời hạn (chỉ sửa khi nhập sai; đã gia hạn thì không sửa)",
                common.bday(task.get("deadline")),
                format="DD/MM/YYYY",
                disabled=has_ext,
                key=f"wf_edit_deadline_{k}",
            )
            reason = st.text_input("Lý do sửa", key=f"wf_edit_reason_{k}")
            if st.form_submit_button("Lưu thay đổi", key=f"wf_edit_send_{k}"):
                changes: dict[str, Any] = {"content": content, "coord_units": coords}
                if not has_ext:
                    changes["deadline"] = deadline
                run("Đã lưu thay đổi.", lambda: wf.edit_task(repo, k, v, changes, reason))
    with st.expander("Giao lại cho đơn vị khác"):
        reassign_form(repo, task, k, v, today, settles_return=False)
    label = "Bỏ đánh dấu trọng tâm" if task.get("priority") else "Đánh dấu nhiệm vụ trọng tâm"
    if st.button(label, key=f"wf_priority_{k}"):
        run(
            "Đã lưu đánh dấu trọng tâm.",
            lambda: wf.mark_priority(repo, k, v, not task.get("priority")),
        )
    with st.expander("Hủy nhiệm vụ"):
        with st.form(f"wf_cancel_{k}"):
            reason = st.text_area("Lý do hủy", key=f"wf_cancel_reason_{k}")
            if st.form_submit_button("Hủy nhiệm vụ", key=f"wf_cancel_send_{k}"):
                run("Đã hủy nhiệm vụ.", lambda: wf.cancel_task(repo, k, v, reason))


def decide_extension_form(
    repo: Repository, task: dict[str, Any], request: dict[str, Any], k: str, v: int
) -> None:
    asked = common.bday(request["new_deadline"])
    late = " — **đề nghị sau thời hạn**" if request.get("late") else ""
    st.markdown(
        f"**Đề nghị gia hạn** đến {format_vn(asked)} (gửi ngày "
        f"{format_vn(common.bday(request['asked_date']))}){late}  \n"
        f"Lý do: {fmt.md_literal(str(request.get('reason') or ''))}"
    )
    with st.form(f"wf_decide_{k}"):
        granted = st.date_input(
            "Thời hạn mới", asked, format="DD/MM/YYYY", key=f"wf_decide_day_{k}"
        )
        note = st.text_input("Ý kiến (bắt buộc khi không đồng ý)", key=f"wf_decide_note_{k}")
        yes, no = st.columns(2)
        if yes.form_submit_button("Đồng ý gia hạn", key=f"wf_decide_yes_{k}", type="primary"):
            run(
                "Đã đồng ý gia hạn.",
                lambda: wf.decide_extension(repo, k, v, True, note, granted),
            )
        if no.form_submit_button("Không đồng ý", key=f"wf_decide_no_{k}"):
            run(
                "Đã trả lời không đồng ý gia hạn.",
                lambda: wf.decide_extension(repo, k, v, False, note),
            )


def confirm_form(repo: Repository, report: dict[str, Any], k: str, v: int) -> None:
    st.markdown(
        f"**Báo cáo hoàn thành** ngày {format_vn(common.bday(report['completed_date']))}, "
        f"văn bản số {fmt.md_literal(str(report['report_number']))}  \n"
        f"Kết quả: {fmt.md_literal(str(report['result']))}"
    )
    with st.form(f"wf_confirm_{k}"):
        result = st.text_area(
            "Kết quả (sửa nếu cần)", str(report["result"]), key=f"wf_confirm_result_{k}"
        )
        quality = st.selectbox(
            "Chất lượng so với yêu cầu (Điều 6.8)",
            list(QUALITY_LEVELS),
            format_func=lambda q: QUALITY_LEVELS[q],
            index=1,
            key=f"wf_confirm_quality_{k}",
        )
        effect = st.text_area("Hiệu quả", key=f"wf_confirm_effect_{k}")
        reason = st.text_input("Lý do trả lại (khi chưa đạt)", key=f"wf_confirm_reason_{k}")
        yes, no = st.columns(2)
        if yes.form_submit_button("Xác nhận hoàn thành", key=f"wf_confirm_yes_{k}", type="primary"):
            run(
                "Đã xác nhận hoàn thành.",
                lambda: wf.confirm_completion(repo, k, v, quality, effect, result),
            )
        if no.form_submit_button("Trả lại báo cáo", key=f"wf_confirm_no_{k}"):
            run(
                "Đã trả lại báo cáo hoàn thành.",
                lambda: wf.send_back_completion(repo, k, v, reason),
            )


def return_form(
    repo: Repository, task: dict[str, Any], back: dict[str, Any], k: str, v: int, today: date
) -> None:
    st.markdown(
        f"**{fmt.unit_name(back['unit'])} trả lại nhiệm vụ** ngày "
        f"{format_vn(common.bday(back['date']))}: {fmt.md_literal(str(back['reason']))}"
    )
    reassign_form(repo, task, k, v, today, settles_return=True)
    with st.form(f"wf_keep_{k}"):
        reason = st.text_input("Lý do giữ nguyên đơn vị chủ trì", key=f"wf_keep_reason_{k}")
        if st.form_submit_button("Không chấp nhận trả lại", key=f"wf_keep_send_{k}"):
            run("Đã giữ nguyên đơn vị chủ trì.", lambda: wf.refuse_return(repo, k, v, reason))


def reassign_form(
    repo: Repository, task: dict[str, Any], k: str, v: int, today: date, settles_return: bool
) -> None:
    suffix = "r" if settles_return else "a"
    with st.form(f"wf_reassign_{suffix}_{k}"):
        choices = [u for u in unit_options(today) if u != task.get("lead_unit")]
        lead = st.selectbox(
            "Đơn vị chủ trì mới", choices, format_func=fmt.unit_name, index=None,
            placeholder="Chọn đơn vị", key=f"wf_reassign_lead_{suffix}_{k}",
        )  # fmt: skip
        reason = st.text_input("Lý do giao lại", key=f"wf_reassign_reason_{suffix}_{k}")
        if st.form_submit_button("Giao lại", key=f"wf_reassign_send_{suffix}_{k}"):
            run("Đã giao lại nhiệm vụ.", lambda: wf.reassign_task(repo, k, v, lead, reason))
