"""Việc của đơn vị: a unit's queue (Quy chế theo dõi …, Điều 8, 16.4) — its open tasks by the
deadline in force, with the reports and requests it makes on each (progress, completion,
extension, sending back a task that is not its own), what the Office sent back to it, the
Office's decisions on its requests, and its feedback. Thin: everything comes from
`core.workflow`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import workflow as wf
from core.dates import format_vn, today_local
from core.scope import Scope
from core.workflow.feedback import ACTIONS, KINDS
from dashboard import auth, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav
from dashboard import workflow_ui as ui

f = filters.current_filters()
repo = db.get_repo()
actor = auth.current()
today = today_local()
queue = wf.unit_queue(repo, today)

nav.title("Việc của đơn vị")
st.caption(
    f"{fmt.unit_name(actor.unit)} — cập nhật tình hình, kết quả ngay khi có kết quả, chậm nhất "
    "sau 01 ngày kể từ khi nhiệm vụ quá hạn (Điều 8.1.a); nhiệm vụ không có thời hạn cập nhật "
    "hằng tháng."
)
ui.flash()
counts = queue.counts
tabs = st.tabs(
    [
        f"Nhiệm vụ đang thực hiện ({counts['open_tasks']})",
        f"Văn phòng trả lại ({counts['sent_back']})",
        f"Kết quả xử lý đề nghị ({counts['decisions']})",
        f"Phản ánh ({counts['feedback_given']})",
    ]
)


def left(deadline: object) -> str:
    if deadline is None:
        return "Không thời hạn"
    days = (deadline - today).days  # type: ignore[operator]
    if days < 0:
        return f"Quá hạn {-days} ngày"
    return "Đến hạn hôm nay" if days == 0 else f"Còn {days} ngày"


with tabs[0]:
    items = queue.lists["open_tasks"]
    if not items:
        st.info("Đơn vị không có nhiệm vụ nào đang thực hiện.")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        # What the unit must act on first, then the content: on a phone the
                        # first two columns are what fits.
                        "Tình trạng": left(i.deadline),
                        "Nội dung nhiệm vụ": i.content,
                        "Thời hạn đang áp dụng": format_vn(i.deadline) or "—",
                        "Đang chờ": i.request.get("waiting") or "",
                        "Trọng tâm": "Có" if i.priority else "",
                    }
                    for i in items
                ]
            ),
            hide_index=True,
            column_config={"Nội dung nhiệm vụ": st.column_config.TextColumn(width="large")},
        )
        chosen = st.selectbox(
            "Chọn nhiệm vụ để báo cáo, đề nghị gia hạn hoặc trả lại",
            [i.id for i in items],
            format_func=lambda k: next(
                f"{format_vn(i.deadline) or 'Không thời hạn'} — {i.content[:120]}"
                for i in items
                if i.id == k
            ),
            index=None,
            placeholder="Chọn một nhiệm vụ",
            key="wf_unit_task",
        )
        if chosen:
            task = repo.task(chosen, Scope.everything())
            if task is not None:
                st.markdown(f"**{fmt.md_literal(str(task['content']))}**")
                ui.task_actions(repo, actor, task)
                st.page_link(
                    nav.PAGE_TASKS,
                    label="Mở trang nhiệm vụ (diễn biến)",
                    query_params=nav.link_params(f, nhiemvu=chosen),
                )

with tabs[1]:
    st.caption("Báo cáo hoàn thành Văn phòng chưa xác nhận, kèm lý do (Điều 7.2.đ).")
    if not queue.lists["sent_back"]:
        st.info("Không có báo cáo nào bị trả lại.")
    for item in queue.lists["sent_back"]:
        with st.container(border=True):
            st.markdown(
                f"**{fmt.md_literal(item.content)}**  \n"
                f"Trả lại ngày {format_vn(item.request.get('decided_date'))} "
                f"({fmt.md_literal(str(item.request.get('decided_by') or ''))}): "
                f"{fmt.md_literal(str(item.request.get('decision_note') or ''))}"
            )

STATUS = {
    "approved": "Đồng ý",
    "refused": "Không đồng ý",
    "confirmed": "Đã xác nhận",
    "sent_back": "Trả lại",
    "reassigned": "Đã giao đơn vị khác",
}

with tabs[2]:
    if not queue.lists["decisions"]:
        st.info("Chưa có đề nghị nào được Văn phòng xử lý trong 30 ngày qua.")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Ngày xử lý": format_vn(d.request.get("decided_date")),
                        "Đề nghị": d.request.get("what"),
                        "Kết quả": STATUS.get(str(d.request.get("status")), ""),
                        "Thời hạn mới": format_vn(d.request.get("granted_deadline")) or "",
                        "Ý kiến": d.request.get("decision_note") or "",
                        "Nhiệm vụ": d.content,
                    }
                    for d in queue.lists["decisions"]
                ]
            ),
            hide_index=True,
        )

with tabs[3]:
    st.caption(
        "Nhiệm vụ của sở, ngành có liên quan đến đơn vị nhưng thực hiện không đúng thời hạn hoặc "
        "không đúng yêu cầu: phản ánh để Văn phòng UBND tỉnh đôn đốc (Điều 16.4, 15.5). Phản ánh "
        "về một nhiệm vụ cụ thể: chọn nhiệm vụ ở trang Nhiệm vụ."
    )
    ui.feedback_form(repo, "unit")
    given = queue.lists["feedback_given"]
    if given:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Ngày gửi": format_vn(d.received),
                        "Đơn vị bị phản ánh": fmt.unit_name(d.about_unit),
                        "Nội dung": f"{KINDS[d.kind]}: {d.text}",
                        "Hạn Văn phòng xử lý": format_vn(d.due),
                        "Kết quả": (
                            f"{ACTIONS[d.action]} số {d.document_number}, "
                            f"ngày {format_vn(d.handled)}"
                            if d.action and d.handled
                            else "Đang xử lý"
                        ),
                    }
                    for d in given
                ]
            ),
            hide_index=True,
        )
