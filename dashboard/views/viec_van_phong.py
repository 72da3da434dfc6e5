"""Việc của Văn phòng: the Office's queue (Quy chế theo dõi …, Điều 7.2, 8.2.a, 15.5) —
extension requests, completions awaiting confirmation with the assessment, tasks sent back,
units' feedback and its 7-working-day duty, documents registered without tasks. Thin: the
lists and every decision come from `core.workflow`."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core import workflow as wf
from core.dates import format_vn, today_local
from core.errors import ValidationFailed
from core.scope import Scope
from core.workflow.feedback import ACTIONS, KINDS, Duty, urging_letter
from core.workflow.queues import QueueItem
from dashboard import auth, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav
from dashboard import workflow_ui as ui

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
actor = auth.current()
today = today_local()
queue = wf.office_queue(repo, db.calendar(repo, key), today)

nav.title("Việc của Văn phòng")
if actor.role == "office_specialist":
    duties = [fmt.unit_name(r) for r in actor.tracking_rooms] + [
        fmt.unit_name(u) for u in actor.tracked_units
    ]
    st.caption(
        f"Các việc thuộc phân công theo dõi của {actor.name}: {', '.join(duties) or 'chưa có'}."
    )
ui.flash()


def task_link(item: QueueItem) -> None:
    st.page_link(
        nav.PAGE_TASKS,
        label=f"Mở trang nhiệm vụ {item.id}",
        query_params=nav.link_params(f, nhiemvu=item.id),
    )


def header(item: QueueItem) -> None:
    deadline = format_vn(item.deadline) or "không thời hạn"
    st.markdown(
        f"**{fmt.md_literal(item.content)}**  \n"
        f"{fmt.unit_name(item.lead_unit)} · thời hạn đang áp dụng: {deadline}"
        + (" · trọng tâm" if item.priority else "")
    )


def stored(item: QueueItem) -> dict[str, Any] | None:
    return repo.task(item.id, Scope.everything())


counts = queue.counts
SECTIONS = {
    "extension_requests": "Đề nghị gia hạn",
    "completions": "Chờ xác nhận hoàn thành",
    "returns": "Nhiệm vụ bị trả lại",
    "feedback": "Phản ánh của đơn vị",
    "entry_backlog": "Văn bản chưa nhập nhiệm vụ",
}
# One section drawn at a time (its forms only): all five at once were ~130 elements and
# 0.6-1 s a click at 1M tasks, most of it the browser building forms nobody looks at. The
# first section with something waiting opens first.
shown = st.segmented_control(
    "Việc cần xử lý",
    options=list(SECTIONS),
    format_func=lambda k: f"{SECTIONS[k]} ({counts[k]})",
    default=next((k for k in SECTIONS if counts[k]), "extension_requests"),
    required=True,
    key="wf_office_view",
    label_visibility="collapsed",
)

if shown == "extension_requests":
    if not queue.lists["extension_requests"]:
        st.info("Không có đề nghị gia hạn nào đang chờ.")
    for item in queue.lists["extension_requests"]:
        with st.container(border=True):
            header(item)
            task = stored(item)
            if task is not None:
                request = wf.common.pending(task.get("extension_requests"))
                if request:
                    v = ui.opened(item.id, int(task["version"]))
                    ui.decide_extension_form(repo, task, request, item.id, v)
            task_link(item)

if shown == "completions":
    st.caption(
        "Nhiệm vụ chỉ được tính là hoàn thành khi Văn phòng xác nhận kết quả, kèm đánh giá kết "
        "quả, chất lượng, hiệu quả so với yêu cầu (Điều 6.8, 7.2.đ); ngày hoàn thành là ngày "
        "đơn vị báo cáo."
    )
    if not queue.lists["completions"]:
        st.info("Không có báo cáo hoàn thành nào đang chờ xác nhận.")
    for item in queue.lists["completions"]:
        with st.container(border=True):
            header(item)
            ui.confirm_form(repo, item.request, item.id, ui.opened(item.id, item.version))
            task_link(item)

if shown == "returns":
    if not queue.lists["returns"]:
        st.info("Không có nhiệm vụ nào bị trả lại.")
    for item in queue.lists["returns"]:
        with st.container(border=True):
            header(item)
            task = stored(item)
            if task is not None:
                v = ui.opened(item.id, int(task["version"]))
                ui.return_form(repo, task, item.request, item.id, v, today)
            task_link(item)


def duty_box(duty: Duty) -> None:
    late = today > duty.due
    due = f"hạn xử lý {format_vn(duty.due)}" + (" — **đã quá hạn**" if late else "")
    st.markdown(
        f"**{fmt.unit_name(duty.from_unit)}** phản ánh **{fmt.unit_name(duty.about_unit)}** "
        f"{KINDS[duty.kind].lower()} · nhận ngày {format_vn(duty.received)} · {due}  \n"
        f"{fmt.md_literal(duty.text)}"
    )
    if duty.task:
        st.page_link(
            nav.PAGE_TASKS,
            label=f"Mở trang nhiệm vụ {duty.task}",
            query_params=nav.link_params(f, nhiemvu=duty.task),
        )
    letter_key = f"wf_letter_{duty.id}"
    if st.button("Lập công văn đôn đốc (.docx)", key=f"wf_letter_make_{duty.id}"):
        try:
            letter = urging_letter(repo, duty.id, today=today)
        except ValidationFailed as exc:
            st.error("; ".join(p.reason for p in exc.problems))
        else:
            st.session_state[letter_key] = (letter.content, letter.filename)
            auth.log("letter_download", {"file": letter.filename, "feedback": duty.id})
    if letter_key in st.session_state:
        content, name = st.session_state[letter_key]
        st.download_button(
            "Tải công văn đôn đốc", data=content, file_name=name, key=f"wf_letter_get_{duty.id}"
        )
    version = ui.opened(f"feedback-{duty.id}", duty.version)
    with st.form(f"wf_duty_{duty.id}"):
        action = st.radio(
            "Hình thức xử lý", list(ACTIONS), format_func=lambda a: ACTIONS[a],
            key=f"wf_duty_action_{duty.id}",
        )  # fmt: skip
        number = st.text_input("Số văn bản đã ban hành", key=f"wf_duty_number_{duty.id}")
        day = st.date_input(
            "Ngày ban hành", today, format="DD/MM/YYYY", max_value=today,
            key=f"wf_duty_day_{duty.id}",
        )  # fmt: skip
        if st.form_submit_button("Ghi nhận đã xử lý", key=f"wf_duty_send_{duty.id}"):
            ui.run(
                "Đã ghi nhận việc xử lý phản ánh.",
                lambda: wf.handle_feedback(repo, duty.id, version, action, number, None, day),
            )


if shown == "feedback":
    st.caption(
        "Trong 07 ngày làm việc kể từ khi nhận phản ánh, Văn phòng có văn bản đôn đốc đơn vị "
        "liên quan hoặc báo cáo xin ý kiến chỉ đạo của Chủ tịch UBND tỉnh, gửi cả đơn vị đã "
        "phản ánh (Điều 15.5). Quá hạn mà chưa xử lý được tính vào chất lượng cập nhật."
    )
    if not queue.lists["feedback"]:
        st.info("Không có phản ánh nào đang chờ xử lý.")
    for duty in queue.lists["feedback"]:
        with st.container(border=True):
            duty_box(duty)

if shown == "entry_backlog":
    st.caption(
        "Văn bản đã đăng ký nhưng chưa nhập nhiệm vụ; nhiệm vụ phải được nhập trong 01 ngày làm "
        "việc kể từ khi văn bản ban hành (Điều 7.1.a)."
    )
    if not queue.lists["entry_backlog"]:
        st.info("Không có văn bản nào chờ nhập nhiệm vụ.")
    for doc in queue.lists["entry_backlog"]:
        late = " — **quá hạn nhập**" if doc.late else ""
        st.markdown(
            f"- Số **{fmt.md_literal(doc.number)}** ngày {format_vn(doc.issue_date)}: "
            f"{fmt.md_literal(doc.abstract)} · hạn nhập {format_vn(doc.due)}{late}"
        )
    if queue.lists["entry_backlog"]:
        st.page_link(nav.PAGE_ENTRY, label="Nhập nhiệm vụ cho văn bản đã đăng ký")
