"""Văn bản: directive documents with the progress of their tasks; one document and its tasks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from core import charts, explorer
from core.dates import from_bson_day
from core.metrics import CATEGORIES
from core.text import SEARCH_MAX_CHARS
from core.vocab import DOCUMENT_TYPES, STATUS_LABELS
from dashboard import chart_view, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
data = db.org_data()
signer_ids = [
    ldr["_id"]
    for ldr in sorted(
        (ldr for ldr in data["leaders"] if ldr.get("title") in ("chairman", "vice_chairman")),
        key=lambda ldr: (ldr["title"] != "chairman", ldr["name"]),
    )
]

MAX_PAGE = 1_000_000  # a link's page number beyond the last is shown as the last page
filters.page_param("vanban", None, filters.record_id)
filters.page_param("timvb", "", filters.search_param("timvb"))
filters.page_param("loaivb", None, filters.one_of(DOCUMENT_TYPES, "loại văn bản"))
filters.page_param("nguoiky", None, filters.one_of(signer_ids, "người ký"))
filters.page_param("trongky", False, lambda s: s == "1")
filters.page_param("trang", 1, filters.page_number(MAX_PAGE))
if not isinstance(st.session_state.get("p_trang"), int):
    st.session_state["p_trang"] = 1


def show_list() -> None:
    """Documents, newest first, with their tasks' progress."""
    nav.page_header("Văn bản chỉ đạo, điều hành", f, with_period=False)
    st.text_input(
        "Tìm theo số, ký hiệu hoặc trích yếu",
        placeholder="Ví dụ: 123/QĐ-UBND, phong chong dich…",
        help="Không phân biệt chữ hoa, chữ thường và dấu tiếng Việt.",
        max_chars=SEARCH_MAX_CHARS,
        **filters.bind_from_first_page("timvb"),
    )
    cols = st.columns(3)
    cols[0].selectbox(
        "Loại văn bản",
        options=[None, *DOCUMENT_TYPES],
        format_func=lambda t: "Tất cả" if t is None else fmt.doc_type_name(t),
        placeholder="Tất cả",
        **filters.bind_from_first_page("loaivb"),
    )
    cols[1].selectbox(
        "Người ký",
        options=[None, *signer_ids],
        format_func=lambda i: "Tất cả" if i is None else fmt.leader_name(i),
        placeholder="Tất cả",
        **filters.bind_from_first_page("nguoiky"),
    )
    cols[2].toggle(
        "Chỉ văn bản trong kỳ",
        help=f"Chỉ văn bản ban hành trong kỳ báo cáo đang chọn ({f.period.label}).",
        **filters.bind_from_first_page("trongky"),
    )
    ss = st.session_state
    in_period = bool(ss["p_trongky"])
    search = explorer.DocumentSearch(
        as_of=f.as_of,
        text=ss["p_timvb"] or "",
        doc_type=ss["p_loaivb"],
        signer=ss["p_nguoiky"],
        issued_from=f.period.start if in_period else None,
        issued_to=f.period.end if in_period else None,
        page=int(ss["p_trang"]),
        page_size=20,
    )
    rows, total, capped = db.documents_page(repo, key, search, f.lead_units, f.priority_only)
    pages = max(1, -(-total // search.page_size))
    if search.page > pages:  # a link past the end: show the last page (no rerun)
        search = replace(search, page=pages)
        ss["p_trang"] = pages
        rows, total, capped = db.documents_page(repo, key, search, f.lead_units, f.priority_only)
    for name in ("timvb", "loaivb", "nguoiky"):
        filters.set_page_param(name, ss[f"p_{name}"])
    filters.set_page_param("trongky", in_period)
    filters.set_page_param("trang", search.page if search.page > 1 else None)
    more = "Hơn " if capped else ""  # counting stops at explorer.COUNT_CAP
    st.markdown(
        f"**{more}{fmt.fmt_count(total)} văn bản** — trang {search.page}/{fmt.fmt_count(pages)}"
        + (" (thu hẹp bằng ô tìm hoặc bộ lọc để xem hết)" if capped else "")
    )
    if not rows:
        st.info("Không có văn bản nào khớp điều kiện tìm.")
        return
    table = pd.DataFrame(
        [
            {
                "Số, ký hiệu": r["number"],
                "Loại": fmt.doc_type_name(r["type"]),
                "Ngày ban hành": fmt.fmt_date(r["issue_date"]),
                "Trích yếu": r["abstract"],
                "Người ký": fmt.leader_name(r["signer"]),
                "Số nhiệm vụ": r["assigned"],
                "Đã hoàn thành": r["completed"],
                STATUS_LABELS["open_overdue"]: r["open_overdue"],
                "Tiến độ": r["progress"] * 100 if r["progress"] is not None else None,
            }
            for r in rows
        ]
    )
    event = st.dataframe(
        table,
        hide_index=True,
        placeholder="—",
        on_select="rerun",
        selection_mode="single-row",
        key="doc_table",
        column_config={
            "Trích yếu": st.column_config.TextColumn(width="large"),
            "Tiến độ": st.column_config.ProgressColumn(
                "Tiến độ (% hoàn thành)", min_value=0, max_value=100, format="%.0f%%"
            ),
        },
    )
    picked = event.selection.rows if event else []
    if picked:
        filters.set_state("vanban", rows[picked[0]]["id"])
        st.session_state.pop("doc_table", None)
        st.rerun()
    st.caption(
        "Tiến độ: số nhiệm vụ đã hoàn thành (đúng hạn, quá hạn, không thời hạn) trên số nhiệm vụ "
        f"đã giao đến ngày {fmt.fmt_date(f.as_of)}; để trống khi văn bản chưa có nhiệm vụ trong "
        "phạm vi đang xem. Bấm chọn một dòng để xem văn bản."
    )
    if pages > 1:
        filters.pager(pages, search.page)


def show_document(doc_id: str) -> None:
    """One document and its tasks with their categories."""
    st.button("← Danh sách văn bản", on_click=filters.set_state, args=("vanban", None))
    doc = repo.document(doc_id)
    if doc is None:
        nav.title("Văn bản")
        st.error(f"Không tìm thấy văn bản «{fmt.md_literal(doc_id)}».")
        return
    issue: date = from_bson_day(doc["issue_date"])
    nav.page_header(f"{fmt.doc_type_name(doc['type'])} số {doc['number']}", f, with_period=False)
    st.markdown(
        f"Ngày ban hành: **{fmt.fmt_date(issue)}** — Người ký: **{fmt.leader_name(doc['signer'])}**"
        + (
            f" — Cơ quan trình: {fmt.unit_name(doc['submitting_unit'])}"
            if doc.get("submitting_unit")
            else ""
        )
        + f"  \nTrích yếu: {doc['abstract']}"
    )
    every = explorer.TaskSearch(as_of=f.as_of, document=doc_id, sort="assigned_asc", page_size=200)
    # The shared filters (portfolio, unit kind, priority only) apply here as in the list.
    result = db.tasks_page(
        repo,
        key,
        replace(every, lead_units=f.lead_units, priority_only=f.priority_only),
    )
    if f.lead_units is not None or f.priority_only:
        whole = db.tasks_page(repo, key, replace(every, page_size=1)).total
        st.caption(
            f"Văn bản có {fmt.fmt_count(whole)} nhiệm vụ đã giao đến ngày xem; "
            f"{fmt.fmt_count(result.total)} nhiệm vụ thuộc phạm vi bộ lọc chung được liệt kê."
        )
    counts: dict[str, int] = {
        cat: sum(1 for r in result.rows if r["category"] == cat) for cat in CATEGORIES
    }
    chart_view.show(
        charts.status_stack(
            [{"name": "Nhiệm vụ của văn bản", **counts}],
            scale=f.scale,
            title=f"{fmt.fmt_count(result.total)} nhiệm vụ theo trạng thái tại ngày "
            f"{fmt.fmt_date(f.as_of)}",
        )
    )
    if not result.rows:
        st.info("Văn bản chưa có nhiệm vụ nào được giao đến ngày xem trong phạm vi đang xem.")
        return
    for r in sorted(result.rows, key=lambda r: r["id"]):
        st.page_link(
            nav.PAGE_TASKS,
            label=f"{fmt.status_label(r['category'])}"
            + (f" ({late})" if (late := fmt.late_words(r)) else "")
            + f" — {fmt.responsible(r['lead_unit'], f.as_of, f.historical)} — "
            f"{fmt.task_label({'content': r['content']}, 100)}",
            query_params=nav.link_params(f, nhiemvu=r["id"]),
        )


doc_id = st.session_state["p_vanban"]
filters.set_page_param("vanban", doc_id)
if doc_id:
    show_document(doc_id)
else:
    show_list()
