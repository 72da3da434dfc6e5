"""Nhập văn bản: the Office enters a directive document and its tasks in one form (Quy chế
theo dõi …, Điều 6.1–6.7, 7.1.a), or adds tasks to a document registered earlier. Thin: every
check (named by field, in Vietnamese) and the write (all or nothing) are `core.workflow`'s."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core import workflow as wf
from core.dates import format_vn, today_local
from core.vocab import DOCUMENT_TYPES
from core.workflow.entry import entry_backlog
from dashboard import auth, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav
from dashboard import workflow_ui as ui

PREFIX = "wf_entry_"
if st.session_state.pop("wf_entry_reset", False):
    for name in [k for k in st.session_state if str(k).startswith(PREFIX)]:
        del st.session_state[name]

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
actor = auth.current()
today = today_local()
data = db.org_data()

nav.title("Nhập văn bản")
st.caption(
    "Văn bản giao nhiệm vụ được nhập trong 01 ngày làm việc kể từ khi ban hành (Điều 7.1.a): "
    "loại, số và ký hiệu, trích yếu, ngày ban hành, người ký, cơ quan trình; mỗi nhiệm vụ: nội "
    "dung, đơn vị chủ trì, đơn vị phối hợp, phòng theo dõi, thời hạn (hoặc không thời hạn)."
)
ui.flash()

units = ui.unit_options(today)
rooms = ui.unit_options(today, frozenset({"office_room"}))
signers = sorted(
    (x for x in data["leaders"] if x.get("title") in ("chairman", "vice_chairman")),
    key=lambda x: (x["title"] != "chairman", x["name"]),
)
backlog = entry_backlog(repo, db.calendar(repo, key), today)
mode = st.radio(
    "Văn bản",
    ["new", "registered"],
    format_func=lambda m: "Văn bản mới" if m == "new" else "Văn bản đã đăng ký, chưa có nhiệm vụ",
    horizontal=True,
    key=f"{PREFIX}mode",
    disabled=not backlog,
)
count = int(
    st.number_input(
        "Số nhiệm vụ của văn bản",
        min_value=0 if mode == "new" else 1,
        max_value=30,
        value=1,
        key=f"{PREFIX}count",
        help="0: chỉ đăng ký văn bản, nhập nhiệm vụ sau (văn bản nằm trong danh sách chờ nhập).",
    )
)


def task_block(i: int) -> wf.TaskForm:
    """The widgets of the i-th task (1-based)."""
    st.markdown(f"**Nhiệm vụ {i}**")
    p = f"{PREFIX}t{i}_"
    content = st.text_area("Nội dung nhiệm vụ", key=f"{p}content")
    a, b = st.columns(2)
    lead = a.selectbox(
        "Đơn vị chủ trì",
        units,
        index=None,
        format_func=fmt.unit_name,
        placeholder="Chọn đơn vị chủ trì",
        key=f"{p}lead",
    )
    coords = b.multiselect(
        "Đơn vị phối hợp", units, format_func=fmt.unit_name,
        placeholder="Không có hoặc chọn đơn vị", key=f"{p}coords",
    )  # fmt: skip
    c, d, e = st.columns([2, 2, 2])
    default_room = actor.tracking_rooms[0] if actor.tracking_rooms else None
    room = c.selectbox(
        "Phòng theo dõi", rooms, format_func=fmt.unit_name,
        index=rooms.index(default_room) if default_room in rooms else None, key=f"{p}room",
    )  # fmt: skip
    deadline = d.date_input(
        "Thời hạn (để trống: không thời hạn)", None, format="DD/MM/YYYY", key=f"{p}deadline"
    )
    priority = e.checkbox("Nhiệm vụ trọng tâm", key=f"{p}priority")
    personal = e.checkbox("Giao đích danh người đứng đầu", key=f"{p}personal")
    return wf.TaskForm(
        content=content,
        lead_unit=lead,
        coord_units=coords,
        tracking_room=room,
        deadline=deadline,
        priority=priority,
        personal=personal,
    )


with st.form(f"{PREFIX}form"):
    document: Any = None
    if mode == "new":
        a, b, c = st.columns([2, 2, 2])
        dtype = a.selectbox(
            "Loại văn bản", list(DOCUMENT_TYPES), format_func=fmt.doc_type_name,
            key=f"{PREFIX}type",
        )  # fmt: skip
        number = b.text_input("Số, ký hiệu", placeholder="123/QĐ-UBND", key=f"{PREFIX}number")
        issued = c.date_input(
            "Ngày ban hành", today, format="DD/MM/YYYY", max_value=today, key=f"{PREFIX}issued"
        )
        abstract = st.text_area("Trích yếu", key=f"{PREFIX}abstract")
        d, e, g = st.columns([2, 2, 2])
        signer = d.selectbox(
            "Người ký", [x["_id"] for x in signers], format_func=fmt.leader_name, index=None,
            placeholder="Chọn người ký", key=f"{PREFIX}signer",
        )  # fmt: skip
        submitting = e.selectbox(
            "Cơ quan trình", units, format_func=fmt.unit_name, index=None,
            placeholder="Chọn cơ quan trình", key=f"{PREFIX}submitting",
        )  # fmt: skip
        secrecy = g.selectbox(
            "Độ mật", ["", "Mật", "Tối mật", "Tuyệt mật"],
            format_func=lambda s: s or "Không", key=f"{PREFIX}secrecy",
            help="Văn bản có độ mật không được nhập vào hệ thống này.",
        )  # fmt: skip
        document = wf.DocumentForm(
            type=dtype, number=number, abstract=abstract, issue_date=issued, signer=signer,
            submitting_unit=submitting, secrecy=secrecy or None,
        )  # fmt: skip
    else:
        chosen = st.selectbox(
            "Văn bản đã đăng ký",
            [x.document for x in backlog],
            format_func=lambda k: next(
                f"Số {x.number} ngày {format_vn(x.issue_date)} — {x.abstract[:100]}"
                for x in backlog
                if x.document == k
            ),
            key=f"{PREFIX}registered",
        )
    tasks = []
    for i in range(1, count + 1):
        st.divider()
        tasks.append(task_block(i))
    if st.form_submit_button("Lưu văn bản và nhiệm vụ", type="primary", key=f"{PREFIX}save"):
        st.session_state["wf_entry_reset"] = True
        if mode == "new":
            ui.run(
                f"Đã nhập văn bản với {count} nhiệm vụ.",
                lambda: wf.enter_document(repo, document, tasks, today),
            )
        else:
            ui.run(
                f"Đã thêm {count} nhiệm vụ vào văn bản.",
                lambda: wf.add_tasks(repo, chosen, tasks, today),
            )
        st.session_state.pop("wf_entry_reset", None)  # refused: keep what was typed
