"""Báo cáo: build the periodic briefing and the urging letter as Word files; the archive."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from core import briefing as b
from core.access import roles
from core.accountability import Accountability
from core.dates import TZ, format_vn
from core.numbers import format_decimal
from core.periods import KIND_LABELS, PERIOD_KINDS, Period, custom_period
from dashboard import auth, cards, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
# The header is drawn once the period is chosen below: it names the report's period.
header = st.container()
data = db.org_data()
units = {u["_id"]: u for u in data["units"]}
SCOPES = {"province": "Toàn tỉnh", "portfolio": "Lĩnh vực của một lãnh đạo", "unit": "Một đơn vị"}
DOC_TYPES = {"briefing": "Báo cáo", "urge": "Công văn đôn đốc"}
UNNAMED = "Không ghi tên"  # «Người lập» left empty


@st.cache_data(ttl=db.TTL, show_spinner=False)
def key_figures(
    _repo: Any, repo_key: str, request: b.BriefingRequest, today: date
) -> dict[str, Any]:
    """The headline numbers of a briefing (cheap; computed before the file is built)."""
    return b.key_figures(_repo, request, today=today, figures=db.figures(_repo))


def choose_period() -> Period:
    """Kind and period of the report; starts from the shared filters."""
    left, right = st.columns(2)
    kinds = list(PERIOD_KINDS)
    kind = left.selectbox(
        "Loại báo cáo",
        kinds,
        index=kinds.index(f.period.kind),
        format_func=lambda k: KIND_LABELS[k],
        key="bc_kind",
    )
    if kind == "custom":
        start = left.date_input("Từ ngày", f.period.start, format="DD/MM/YYYY", key="bc_from")
        end = right.date_input("Đến ngày", f.period.end, format="DD/MM/YYYY", key="bc_to")
        if start > end:
            start, end = end, start
        return custom_period(start, end, rule=f.period.rule)
    options = filters.period_options(kind, f.period.rule, f.as_of)
    labels = [
        f"{p.label} ({format_vn(p.start)} – {format_vn(p.end)})"
        + (" — chưa kết thúc" if p.end >= f.as_of else "")
        for p in options
    ]
    reports = [p.report for p in options]
    # Default: the sidebar's period if it has ended, else the latest ended one.
    ended = b.default_period(kind, f.as_of, f.period.rule).report
    wanted = f.period.report if f.period.kind == kind and f.period.end < f.as_of else ended
    index = reports.index(wanted) if wanted in reports else 0
    chosen = right.selectbox("Kỳ báo cáo", range(len(options)), index=index,
                             format_func=lambda i: labels[i], key=f"bc_period_{kind}")  # fmt: skip
    return options[chosen]


def role(signer: b.Signer) -> str:
    """How the signer signs, in words."""
    if signer.authority.startswith("KT."):
        return "Phó Chánh Văn phòng, ký thay Chánh Văn phòng"
    if signer.authority.startswith("TL."):
        return "thừa lệnh Chánh Văn phòng"
    return "Chánh Văn phòng"


def choose_signer(day: date, widget_key: str) -> str | None:
    """None: decided from the leaders and delegations valid on the day."""
    auto = b.resolve_signer(data["leaders"], filters.delegations_on(day), day, None, units)
    choices: list[tuple[str | None, str]] = [
        (None, f"Tự động: {auto.name or 'chưa có lãnh đạo Văn phòng'} ({role(auto)})")
    ]
    choices += b.signer_choices(data["leaders"], day)
    picked = st.selectbox(
        "Người ký",
        range(len(choices)),
        format_func=lambda i: choices[i][1],
        key=widget_key,
        help="Chánh Văn phòng ký; Phó Chánh Văn phòng ký thay (KT.) khi được ủy quyền.",
    )
    return choices[picked][0]


def offer(result_key: str) -> None:
    """The download button of the file built by the last press (kept across reruns)."""
    done = st.session_state.get(result_key)
    if not done:
        return
    seconds = format_decimal(done["seconds"])
    st.success(f"Đã tạo {done['filename']} trong {seconds} giây và lưu vào kho báo cáo.")
    st.download_button(
        "Tải tệp Word (.docx)",
        data=done["content"],
        file_name=done["filename"],
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        type="primary",
        key=f"{result_key}_download",
        on_click=auth.log,
        args=(
            "letter_download" if result_key == "dd_result" else "briefing_download",
            {"file": done["filename"]},
        ),
    )


def when(item: dict[str, Any]) -> str:
    """When a stored file was generated, local time."""
    moment = item["metadata"].get("generated_at") or item["uploaded"]
    local = moment.astimezone(TZ)
    return f"{format_vn(local.date())} {local:%H:%M}"


def keep(result_key: str, result: b.Briefing, seconds: float) -> None:
    st.session_state[result_key] = {
        "filename": result.filename,
        "content": result.content,
        "sha256": result.metadata["sha256"],
        "seconds": seconds,
    }


actor = auth.current()
author = actor.name  # the logged-in author is recorded, never a typed name
may_brief, may_letter = actor.may(roles.GENERATE_BRIEFING), actor.may(roles.DRAFT_LETTER)
if may_brief or may_letter:
    st.caption(f"Người lập (ghi cùng tệp trong kho báo cáo): **{author}**")
    b.warm_up_charts()  # the chart workers start while the author picks the period
tab_report, tab_urge, tab_archive = st.tabs(
    ["Báo cáo định kỳ", "Công văn đôn đốc", "Báo cáo đã tạo"]
)

with tab_report:
    period = choose_period()
    with header:
        nav.page_header("Báo cáo", replace(f, period=period))
    warning = b.running_warning(period, f.as_of)
    if warning:
        st.warning(warning)
    scope_kind = st.radio(
        "Phạm vi",
        list(SCOPES),
        index=1 if f.portfolio else 0,  # the sidebar's portfolio, when one is chosen
        format_func=lambda s: SCOPES[s],
        horizontal=True,
        key="bc_scope",
    )
    scope_key: str | None = None
    if scope_kind == "portfolio":
        leaders = filters.portfolio_leaders(f.as_of)
        ids = [ldr["_id"] for ldr in leaders]
        scope_key = st.selectbox(
            "Lãnh đạo",
            ids,
            index=ids.index(f.portfolio) if f.portfolio in ids else 0,
            format_func=lambda i: fmt.leader_label(next(x for x in leaders if x["_id"] == i)),
            key="bc_leader",
        )
    elif scope_kind == "unit":
        codes = sorted(units, key=lambda code: (units[code].get("order", 0), units[code]["name"]))
        scope_key = st.selectbox(
            "Đơn vị", codes, format_func=lambda code: units[code]["name"], key="bc_unit"
        )
    cal = db.calendar(repo, key)
    as_of, default_day = b.default_dates(period, cal, f.as_of)
    left, right = st.columns(2)
    report_day = left.date_input(
        "Ngày báo cáo", default_day, format="DD/MM/YYYY", key=f"bc_day_{period.report}"
    )
    number = right.text_input("Số văn bản", key="bc_number", placeholder="để trống cho văn thư")
    signer_id = choose_signer(report_day, "bc_signer")
    request = b.BriefingRequest(
        period=period,
        scope_kind=scope_kind,
        scope_key=scope_key,
        signer_id=signer_id,
        report_date=report_day,
        number=number.strip(),
        priority_only=f.priority_only,
    )
    try:
        figures = key_figures(
            repo, key, replace(request, signer_id=None, report_date=None, number=""), f.as_of
        )
    except ValueError as exc:
        st.error(str(exc))
        st.stop()
    cur, prev = figures["compare"]["current"], figures["compare"]["previous"]
    cum = figures["cumulative"]
    st.markdown(
        f"**Số liệu chính** — {figures['scope'].name}, {period.label} "
        f"({format_vn(period.start)} – {format_vn(period.end)}), tình trạng tính đến ngày "
        f"{format_vn(figures['as_of'])}"
    )
    cards.show_row(
        [
            cards.Card(
                "Nhiệm vụ giao trong kỳ",
                fmt.fmt_count(cur["assigned"]),
                None if warning else fmt.delta_count(cur["assigned"], prev["assigned"]),
                colour="off",
                help="So với kỳ trước (không so sánh khi kỳ chưa kết thúc).",
            ),
            cards.Card(
                "Tỷ lệ đúng hạn (nhiệm vụ giao trong kỳ)",
                fmt.fmt_rate(cur["on_time_rate_due"]),
                None
                if warning
                else fmt.delta_rate(cur["on_time_rate_due"], prev["on_time_rate_due"]),
                help=fmt.rate_help("on_time_rate_due")
                + " Nhiệm vụ giao trong kỳ; so với kỳ trước.",
            ),
            cards.Card(
                f"{figures['year'].label}: hoàn thành đúng hạn",
                fmt.fmt_rate(cum["on_time_rate_due"]),
                help=fmt.rate_help("on_time_rate_due")
                + f" {fmt.fmt_count(cum['assigned'])} nhiệm vụ giao.",
            ),
            cards.Card(
                f"Quá hạn tại {format_vn(figures['as_of'])} (mọi năm)",
                fmt.fmt_count(figures["overdue_now"]),
                help="Nhiệm vụ chưa hoàn thành, quá hạn tại ngày chốt số liệu, kể cả giao từ năm "
                "trước.",
            ),
        ]
    )
    if not may_brief:
        st.info(
            "Báo cáo do Văn phòng UBND tỉnh (Chánh, Phó Chánh Văn phòng) lập; các báo cáo đã "
            "lập có ở thẻ «Báo cáo đã tạo»."
        )
    elif st.button("Tạo báo cáo (.docx)", type="primary", key="bc_build"):
        import time

        with st.spinner("Đang tổng hợp số liệu, vẽ biểu đồ và tạo tệp Word…"):
            t0 = time.perf_counter()
            result = b.build_briefing(
                repo,
                request,
                generated_by=author.strip() or UNNAMED,
                today=f.as_of,
                figures=db.figures(repo),
            )
            b.archive(repo, result)
            keep("bc_result", result, time.perf_counter() - t0)
    offer("bc_result")
    st.caption(
        f"Phụ lục của báo cáo nêu tối đa {b.DocSettings.from_config().annex_limit} nhiệm vụ quá "
        "hạn lâu nhất; danh sách đầy đủ tải dưới dạng Excel:"
    )
    if st.button("Lập danh sách đầy đủ nhiệm vụ quá hạn (.xlsx)", key="bc_xlsx"):
        with st.spinner("Đang lập danh sách…"):
            content, name = b.overdue_xlsx(repo, request, today=f.as_of)
        auth.log("export", {"file": name})
        st.session_state["bc_xlsx_file"] = {"content": content, "filename": name, "for": request}
    listed = st.session_state.get("bc_xlsx_file")
    if listed and listed["for"] == request:  # only the list of the report shown
        st.download_button(
            "Tải danh sách nhiệm vụ quá hạn (.xlsx)",
            data=listed["content"],
            file_name=listed["filename"],
            mime=b.XLSX_MIME,
            key="bc_xlsx_download",
        )

with tab_urge:
    st.caption(
        "Công văn của Văn phòng UBND tỉnh đôn đốc một đơn vị thực hiện các nhiệm vụ đã quá hạn "
        "(Điều 15 Quy chế theo dõi, đôn đốc)."
    )
    age = db.overdue_age(repo, key, f.query("unit"))
    # A unit that had ended by D is not written to: its successor answers for its tasks.
    acc = Accountability.of(data["units"], f.as_of)
    responsible: dict[str, int] = {}
    for code, buckets in age["by_unit"].items():
        owner = str(acc.unit(str(code)))
        responsible[owner] = responsible.get(owner, 0) + sum(buckets.values())
    overdue_units = sorted(responsible.items(), key=lambda item: (-item[1], fmt.unit_name(item[0])))
    if not overdue_units:
        st.info(f"Không có đơn vị nào có nhiệm vụ quá hạn tại ngày {format_vn(f.as_of)}.")
    else:
        unit_code = st.selectbox(
            "Đơn vị (nhiều nhiệm vụ quá hạn nhất trước)",
            [code for code, _n in overdue_units],
            format_func=lambda code: (
                f"{fmt.unit_name(code)} — "
                f"{fmt.fmt_count(dict(overdue_units)[code])} nhiệm vụ quá hạn"
            ),
            key="dd_unit",
        )
        left, right = st.columns(2)
        letter_day = left.date_input("Ngày công văn", f.as_of, format="DD/MM/YYYY", key="dd_day")
        letter_number = right.text_input(
            "Số văn bản", key="dd_number", placeholder="để trống cho văn thư"
        )
        letter_signer = choose_signer(letter_day, "dd_signer")
        st.caption(f"Số liệu tính đến ngày {format_vn(f.as_of)} (ngày xem ở thanh bên).")
        if not may_letter:
            st.info("Công văn đôn đốc do Văn phòng UBND tỉnh lập.")
        elif st.button("Tạo công văn đôn đốc (.docx)", type="primary", key="dd_build"):
            import time

            with st.spinner("Đang tạo công văn…"):
                t0 = time.perf_counter()
                try:
                    result = b.build_urge(
                        repo, unit_code, f.as_of, signer_id=letter_signer,
                        report_date=letter_day, number=letter_number.strip(),
                        generated_by=author.strip() or UNNAMED,
                    )  # fmt: skip
                except ValueError as exc:
                    st.error(str(exc).removeprefix("--unit: "))
                else:
                    b.archive(repo, result)
                    keep("dd_result", result, time.perf_counter() - t0)
        offer("dd_result")

with tab_archive:
    stored = repo.list_briefings(limit=100)
    if not stored:
        st.info("Chưa có báo cáo nào được tạo.")
    else:

        def describe(item: dict[str, Any]) -> dict[str, Any]:
            meta = item["metadata"]
            period = meta.get("period") or {}
            return {
                "Thời điểm tạo": when(item),
                "Loại": DOC_TYPES.get(meta.get("doc_type", ""), meta.get("doc_type", "")),
                "Kỳ": period.get("label") or f"đến ngày {fmt.fmt_date_iso(meta.get('as_of'))}",
                "Phạm vi": (meta.get("scope") or {}).get("name", ""),
                "Người lập": (
                    UNNAMED
                    if meta.get("generated_by") in (None, "", "dashboard")
                    else meta["generated_by"]
                ),
                "Người ký": (meta.get("signer") or {}).get("name", ""),
                "Tệp": item["filename"],
                "Mã kiểm tra (SHA-256)": str(meta.get("sha256", ""))[:16],
            }

        table = pd.DataFrame([describe(item) for item in stored])
        st.dataframe(table, hide_index=True, placeholder="—", width="stretch")
        picked = st.selectbox(
            "Tải lại",
            range(len(stored)),
            format_func=lambda i: f"{when(stored[i])} — {stored[i]['filename']}",
            key="arch_pick",
        )
        found = repo.briefing_file(stored[picked]["id"])
        if found is not None:
            content, _meta = found
            st.download_button(
                "Tải tệp đã chọn",
                data=content,
                file_name=stored[picked]["filename"],
                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                key="arch_download",
                on_click=auth.log,
                args=(
                    "letter_download" if _meta.get("doc_type") == "urge" else "briefing_download",
                    {"file": stored[picked]["filename"], "id": stored[picked]["id"]},
                ),
            )
