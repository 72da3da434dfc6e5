"""Nhiệm vụ: search and filter tasks (server-side paging and sorting), and one task's page."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from core import explorer
from core.dates import from_bson_day
from core.metrics import CATEGORIES
from core.scope import Scope
from core.text import SEARCH_MAX_CHARS
from core.vocab import DOCUMENT_TYPES, STATUS_LABELS
from core.workflow.history import EVENT_LABELS, describe
from dashboard import data as db
from dashboard import filters, task_page
from dashboard import formatting as fmt
from dashboard import navigation as nav

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
data = db.org_data()
unit_codes = [u["_id"] for u in data["units"] if u.get("kind") != "ppc"]
signers = sorted(
    (ldr for ldr in data["leaders"] if ldr.get("title") in ("chairman", "vice_chairman")),
    key=lambda ldr: (ldr["title"] != "chairman", ldr["name"]),
)
signer_ids = [ldr["_id"] for ldr in signers]
# Who answers for a task on D: a unit that had ceased to exist hands over to its successor
# (unless the user asked for the historical units).
accountable = db.accountability_on(f.as_of)


def responsible(code: str | None) -> str:
    """The unit answering for a task on D (short names: the list's column stays narrow)."""
    if f.historical or code is None:
        return fmt.unit_name(code)
    return accountable.label(code, short=True)


def _categories(raw: str) -> list[str]:
    return [x for x in raw.split(",") if x in CATEGORIES]


PAGE_SIZE = 25
# The list counts at most COUNT_CAP tasks, so it never has more pages than this.
MAX_PAGE = math.ceil(explorer.COUNT_CAP / PAGE_SIZE)


filters.page_param("nhiemvu", None, filters.record_id)
filters.page_param("tim", "", filters.search_param("tim"))
filters.page_param("trangthai", [], _categories)
filters.page_param("dv", None, filters.one_of(unit_codes, "đơn vị"))
filters.page_param("phoihop", False, lambda s: s == "1")
filters.page_param("nguoiky", None, filters.one_of(signer_ids, "người ký"))
filters.page_param("loaivb", None, filters.one_of(DOCUMENT_TYPES, "loại văn bản"))
filters.page_param("han_tu", None, filters.plausible_date)
filters.page_param("han_den", None, filters.plausible_date)
filters.page_param("sapxep", "assigned_desc", filters.one_of(explorer.TASK_SORTS, "cách sắp xếp"))
filters.page_param("trang", 1, filters.page_number(MAX_PAGE))
if st.session_state["p_sapxep"] not in explorer.TASK_SORTS:
    st.session_state["p_sapxep"] = "assigned_desc"

EVENT_KINDS = EVENT_LABELS


def show_list() -> None:
    """The search form and one page of tasks."""
    nav.page_header("Nhiệm vụ", f, with_period=False)
    st.text_input(
        "Tìm trong nội dung nhiệm vụ và trích yếu văn bản",
        placeholder="Ví dụ: so y te, qua han, phòng chống dịch…",
        help="Không phân biệt chữ hoa, chữ thường và dấu tiếng Việt.",
        max_chars=SEARCH_MAX_CHARS,
        **filters.bind_from_first_page("tim"),
    )
    r1 = st.columns([4, 3, 2, 3])
    r1[0].multiselect(
        "Trạng thái tại ngày xem",
        options=list(CATEGORIES),
        format_func=lambda k: STATUS_LABELS[k],
        placeholder="Tất cả trạng thái",
        **filters.bind_from_first_page("trangthai"),
    )
    r1[1].selectbox(
        "Đơn vị",
        options=[None, *unit_codes],
        format_func=lambda u: "Tất cả đơn vị" if u is None else fmt.unit_name(u),
        placeholder="Tất cả đơn vị",
        **filters.bind_from_first_page("dv"),
    )
    r1[2].toggle(
        "Phối hợp",
        help="Bật: nhiệm vụ đơn vị đã chọn phối hợp (không chủ trì).",
        **filters.bind_from_first_page("phoihop"),
    )
    r1[3].selectbox(
        "Sắp xếp",
        options=list(explorer.TASK_SORTS),
        format_func=lambda k: explorer.TASK_SORTS[k][0],
        help="Thời hạn là thời hạn đang áp dụng tại ngày xem (đã tính các lần gia hạn "
        "được duyệt đến ngày đó), như cột «Thời hạn»; «Thời hạn: sớm nhất trước» chỉ gồm nhiệm "
        "vụ có thời hạn; «Quá hạn lâu nhất trước» chỉ gồm nhiệm vụ chưa hoàn thành, quá hạn.",
        **filters.bind_from_first_page("sapxep"),
    )
    r2 = st.columns(4)
    r2[0].selectbox(
        "Người ký văn bản",
        options=[None, *signer_ids],
        format_func=lambda i: "Tất cả" if i is None else fmt.leader_name(i),
        placeholder="Tất cả",
        **filters.bind_from_first_page("nguoiky"),
    )
    r2[1].selectbox(
        "Loại văn bản",
        options=[None, *DOCUMENT_TYPES],
        format_func=lambda t: "Tất cả" if t is None else fmt.doc_type_name(t),
        placeholder="Tất cả",
        **filters.bind_from_first_page("loaivb"),
    )
    first, last = filters.plausible_range()
    r2[2].date_input(
        "Thời hạn từ ngày",
        format="DD/MM/YYYY",
        min_value=first,
        max_value=last,
        **filters.bind_from_first_page("han_tu"),
    )
    r2[3].date_input(
        "Thời hạn đến ngày",
        format="DD/MM/YYYY",
        min_value=first,
        max_value=last,
        **filters.bind_from_first_page("han_den"),
    )
    ss = st.session_state
    low, high = ss["p_han_tu"], ss["p_han_den"]
    if isinstance(low, date) and isinstance(high, date) and low > high:
        st.warning("«Thời hạn từ ngày» sau «Thời hạn đến ngày»: đã đổi chỗ hai ngày.")
        low, high = high, low
    coordinating = bool(ss["p_phoihop"]) and ss["p_dv"] is not None
    lead_units: frozenset[str] | None = f.lead_units
    unit = ss["p_dv"]
    if unit is not None and not coordinating and not f.historical:
        # A unit answers on D for the tasks of the units that merged into it, too.
        members = frozenset({unit, *explorer.predecessors(data["units"], unit, f.as_of)})
        lead_units = members if lead_units is None else lead_units & members
        unit = None
    search = explorer.TaskSearch(
        as_of=f.as_of,
        text=ss["p_tim"] or "",
        categories=tuple(ss["p_trangthai"] or ()),
        lead_units=frozenset(lead_units) if lead_units is not None else None,
        unit=unit,
        coordinating=coordinating,
        signer=ss["p_nguoiky"],
        doc_type=ss["p_loaivb"],
        priority_only=f.priority_only,
        deadline_from=low if isinstance(low, date) else None,
        deadline_to=high if isinstance(high, date) else None,
        sort=ss["p_sapxep"],
        page=int(ss["p_trang"]),
        page_size=PAGE_SIZE,
    )
    result = db.tasks_page(repo, key, search)
    if result.page > result.pages:
        # Past the last page (an old link, or fewer tasks since): show the last page in this
        # run. Not st.rerun(): the URL keeps the old page until the end of the run, and
        # `page_param` would take it from there again on every rerun.
        result = db.tasks_page(repo, key, replace(search, page=result.pages))
        ss["p_trang"] = result.page
    for name in ("tim", "dv", "nguoiky", "loaivb", "han_tu", "han_den"):
        filters.set_page_param(name, ss[f"p_{name}"])
    filters.set_page_param("trangthai", ",".join(ss["p_trangthai"] or []))
    filters.set_page_param("phoihop", bool(ss["p_phoihop"]))
    filters.set_page_param("sapxep", ss["p_sapxep"] if ss["p_sapxep"] != "assigned_desc" else None)
    filters.set_page_param("trang", result.page if result.page > 1 else None)

    first_row = (result.page - 1) * result.page_size + 1 if result.total else 0
    last_row = min(result.total, result.page * result.page_size)
    more = "Hơn " if result.capped else ""
    st.markdown(
        f"**{more}{fmt.fmt_count(result.total)} nhiệm vụ** — đang xem {fmt.fmt_count(first_row)}–"
        f"{fmt.fmt_count(last_row)}, trang {result.page}/{fmt.fmt_count(result.pages)}"
        + (" (thu hẹp bằng bộ lọc để xem hết)" if result.capped else "")
    )
    if not result.rows:
        st.info("Không có nhiệm vụ nào khớp điều kiện tìm.")
        return
    table = pd.DataFrame(
        [
            {
                "Số ngày quá hạn": r.get("days_late"),
                "Nội dung nhiệm vụ": r["content"],
                "Đơn vị chủ trì": responsible(r["lead_unit"]),
                "Thời hạn": fmt.fmt_date(r["effective_deadline"]) or "Không thời hạn",
                "Trạng thái": fmt.status_label(r["category"]),
                "Văn bản": f"{r['document_number'] or ''} ({fmt.doc_type_name(r['doc_type'])})",
                "Ngày giao": fmt.fmt_date(r["assigned_date"]),
                "Gia hạn": f"{r['extensions']} lần" if r["extensions"] else "",
            }
            for r in result.rows
        ]
    )
    fmt.download_buttons(table, f"nhiem-vu-trang-{result.page}")
    task_page.export_all(repo, search, result.total, f.describe(False))
    event = st.dataframe(
        fmt.status_styler(table),
        hide_index=True,
        placeholder="—",
        on_select="rerun",
        selection_mode="single-row",
        key="task_table",
        column_config={
            "Nội dung nhiệm vụ": st.column_config.TextColumn(width="large"),
            "Số ngày quá hạn": st.column_config.NumberColumn(
                format="%d",
                help="Ngày làm việc quá thời hạn đang áp dụng: đến ngày xem (chưa hoàn thành) "
                "hoặc đến ngày hoàn thành (hoàn thành quá hạn).",
            ),
        },
    )
    picked = event.selection.rows if event else []
    if picked:
        filters.set_state("nhiemvu", result.rows[picked[0]]["id"])
        st.session_state.pop("task_table", None)
        st.rerun()
    st.caption("Bấm chọn một dòng để xem chi tiết nhiệm vụ.")
    if result.pages > 1:
        filters.pager(result.pages, result.page)


def show_task(task_id: str) -> None:
    """One task's page."""
    task = explorer.task_detail(repo, task_id, f.as_of, Scope.everything(), db.calendar(repo, key))
    back, _ = st.columns([1, 4])
    back.button("← Danh sách nhiệm vụ", on_click=filters.set_state, args=("nhiemvu", None))
    if task is None:
        nav.title("Nhiệm vụ")
        st.error(f"Không tìm thấy nhiệm vụ «{fmt.md_literal(task_id)}».")
        return
    nav.page_header("Nhiệm vụ", f, with_period=False)
    st.markdown(f"### {task['content']}")
    if task["not_yet_assigned"]:
        status_text = f"Chưa được giao tại ngày {fmt.fmt_date(f.as_of)}"
    elif task["cancelled"]:
        status_text = f"Đã hủy ngày {fmt.fmt_date(task['cancelled_date'])}" + (
            f" (lý do: {task['cancel_reason']})" if task.get("cancel_reason") else ""
        )
    else:
        status_text = fmt.status_label(task["category"])
        if task.get("days_late") is not None and task["category"] == "open_overdue":
            status_text += f" {fmt.fmt_count(task['days_late'])} ngày làm việc"
        elif task.get("days_late") is not None:
            status_text += f" (chậm {fmt.fmt_count(task['days_late'])} ngày làm việc)"
    table = pd.DataFrame([{"Trạng thái": status_text}])
    st.dataframe(fmt.status_styler(table), hide_index=True, placeholder="—", width="content")
    if task["priority"]:
        st.markdown("**Nhiệm vụ trọng tâm**")
    doc = task["document"] or {}
    issue = from_bson_day(doc["issue_date"]) if doc.get("issue_date") else None
    left, right = st.columns(2)
    with left:
        st.markdown("#### Văn bản giao nhiệm vụ")
        st.markdown(
            f"{fmt.doc_type_name(doc.get('type'))} số **{doc.get('number', '')}** "
            f"ngày {fmt.fmt_date(issue)}  \n"
            f"Trích yếu: {doc.get('abstract', '')}  \n"
            f"Người ký: {fmt.leader_name(doc.get('signer'))}"
        )
        if doc.get("_id"):
            st.page_link(
                nav.PAGE_DOCUMENTS,
                label="Xem văn bản và các nhiệm vụ của văn bản",
                query_params=nav.link_params(f, vanban=doc["_id"]),
            )
    with right:
        answering = task["lead_unit"] if f.historical else accountable.unit(task["lead_unit"])
        st.markdown("#### Đơn vị thực hiện")
        st.markdown(
            f"Chủ trì: **{responsible(task['lead_unit'])}**  \n"
            f"Phối hợp: {fmt.names_for(task['coord_units'])}  \n"
            f"Phòng theo dõi: {fmt.unit_name(task['tracking_room']) or '—'}"
        )
        st.page_link(
            nav.PAGE_UNITS,
            label=f"Mở trang {fmt.unit_name(answering)}",
            query_params=nav.link_params(f, donvi=answering),
        )
    st.markdown("#### Thời hạn")
    lines = [
        f"Ngày giao: {fmt.fmt_date(task['assigned_date'])}",
        f"Thời hạn ban đầu: {fmt.fmt_date(task['deadline']) or 'không có thời hạn'}",
    ]
    if task["effective_deadline"] and task["effective_deadline"] != task["deadline"]:
        lines.append(
            f"Thời hạn đang áp dụng tại ngày xem: **{fmt.fmt_date(task['effective_deadline'])}**"
        )
    st.markdown("  \n".join(lines))
    if task["extensions"]:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Lần": i,
                        "Ngày duyệt": fmt.fmt_date(e["approved_date"]),
                        "Thời hạn mới": fmt.fmt_date(e["new_deadline"]),
                        "Người duyệt": fmt.leader_name(e["approver"]) if e["approver"] else "",
                        "Lý do": e["reason"] or "",
                        "Áp dụng tại ngày xem": "Có" if e["in_force"] else "",
                    }
                    for i, e in enumerate(task["extensions"], start=1)
                ]
            ),
            hide_index=True,
            placeholder="—",
        )
    else:
        st.caption("Không có lần gia hạn nào.")
    st.markdown("#### Kết quả")
    if task["completed_date"]:
        st.markdown(
            f"Hoàn thành ngày {fmt.fmt_date(task['completed_date'])}"
            + (
                f"; Văn phòng xác nhận ngày {fmt.fmt_date(task['confirmed_date'])}"
                if task["confirmed_date"]
                else ""
            )
            + f"  \n{task['result'] or ''}"
        )
    else:
        st.markdown("Chưa hoàn thành.")
    if task["progress"]:
        st.markdown(
            "Báo cáo tiến độ:  \n"
            + "  \n".join(
                f"- {fmt.fmt_date(p['date'])}: {p['note'] or 'đã báo cáo'}"
                for p in task["progress"]
            )
        )
    if task["returns"]:
        st.markdown(
            "Trả lại nhiệm vụ:  \n"
            + "  \n".join(
                f"- {fmt.fmt_date(r['date'])}: {fmt.unit_name(r['unit'])} — {r['reason']}"
                for r in task["returns"]
            )
        )
    task_page.assessment(repo, task_id)
    st.markdown("#### Diễn biến")
    events = task["events"]
    if not events:
        st.caption("Chưa có diễn biến được ghi.")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Thời điểm": _instant(e["at"]),
                        "Sự kiện": EVENT_KINDS.get(e["kind"], e["kind"]),
                        "Người thực hiện": fmt.actor_name(e.get("actor")),
                        "Nội dung": describe(e, fmt.unit_name),
                        "Phiên bản": e.get("version"),
                    }
                    for e in events
                ]
            ),
            hide_index=True,
            placeholder="—",
        )


def _instant(at: Any) -> str:
    from core.dates import TZ

    local = at.astimezone(TZ)
    return f"{fmt.fmt_date(local.date())} {local:%H:%M}"


task_id = st.session_state["p_nhiemvu"]
filters.set_page_param("nhiemvu", task_id)
if task_id:
    show_task(task_id)
else:
    show_list()
