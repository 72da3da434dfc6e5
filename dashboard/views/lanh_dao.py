"""Lãnh đạo: each Vice-Chairman's portfolio (with delegations on D) and signed documents' tasks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import charts, explorer
from core.dates import from_bson_day
from core.metrics import RATE_LABELS
from core.vocab import SECTORS, STATUS_LABELS
from dashboard import cards, chart_view, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
data = db.org_data()
leaders = filters.portfolio_leaders(f.as_of)
leader_ids = [ldr["_id"] for ldr in leaders]
by_id = {ldr["_id"]: ldr for ldr in leaders}
# Opens on the Chairman (the leaders' list begins with him), or on the portfolio filtered.
default = f.portfolio or next(
    (ldr["_id"] for ldr in leaders if ldr["title"] == "chairman"),
    leader_ids[0] if leader_ids else None,
)
filters.page_param("lanhdao", default, filters.one_of(by_id, "lãnh đạo"))
if st.session_state["p_lanhdao"] not in by_id:
    st.session_state["p_lanhdao"] = default

nav.page_header("Lãnh đạo UBND tỉnh", f)

overview = db.period_status(repo, key, f.query("portfolio"), f.period, f.population)
if overview["rows"]:
    chart_view.show(
        charts.status_stack(
            overview["rows"],
            scale=f.scale,
            title="Nhiệm vụ theo lĩnh vực phụ trách của từng lãnh đạo",
        )
    )
    st.caption(
        f"{filters.POPULATIONS[f.population]}, theo phân công lĩnh vực tại ngày "
        f"{fmt.fmt_date(f.as_of)}, không tính ủy quyền (mỗi nhiệm vụ thuộc đúng một lãnh đạo); "
        "đơn vị chưa thuộc lĩnh vực của ai: «Chưa phân công». Phần của từng lãnh đạo bên dưới "
        "tính cả các đơn vị được ủy quyền tại ngày xem."
    )

if not leaders:
    st.info("Chưa có Chủ tịch, Phó Chủ tịch UBND tỉnh trong nhiệm kỳ tại ngày xem.")
else:
    chosen = st.selectbox(
        "Lãnh đạo",
        options=leader_ids,
        format_func=lambda i: fmt.leader_label(by_id[i]),
        **filters.bind("lanhdao"),
    )
    filters.set_page_param("lanhdao", chosen if chosen != default else None)
    leader = by_id[chosen]
    mine = explorer.portfolio_units(
        data["units"], data["leaders"], filters.delegations_on(f.as_of), chosen, f.as_of
    )
    st.subheader(fmt.leader_label(leader))
    sectors = (leader.get("portfolio") or {}).get("sectors") or []
    st.markdown(
        "**Lĩnh vực phụ trách:** "
        + (", ".join(SECTORS.get(s, s) for s in sectors) or "—")
        + f"  \n**Đơn vị thuộc lĩnh vực:** {len(mine['own'])} đơn vị"
    )
    if mine["delegations"]:
        st.markdown("**Được ủy quyền tại ngày xem:**")
        for g in mine["delegations"]:
            scope = g.get("scope") or {}
            parts = []
            if scope.get("sectors"):
                parts.append("lĩnh vực " + ", ".join(SECTORS.get(s, s) for s in scope["sectors"]))
            if scope.get("units"):
                parts.append("đơn vị " + fmt.names_for(scope["units"]))
            if scope.get("tasks"):
                parts.append(f"{len(scope['tasks'])} nhiệm vụ cụ thể")
            st.markdown(
                f"- Từ {fmt.leader_name(g['from_leader'])}, "
                f"{fmt.fmt_date(from_bson_day(g['date_from']))} – "
                f"{fmt.fmt_date(from_bson_day(g['date_to']))}: {'; '.join(parts) or '—'}"
                + (f" (lý do: {g['reason']})" if g.get("reason") else "")
            )
    else:
        st.caption("Không có ủy quyền nào cho lãnh đạo này tại ngày xem.")

    portfolio = mine["own"] + mine["delegated"]
    q = explorer.with_units(f.period_query("unit"), portfolio)
    if f.lead_units is not None and f.portfolio and f.portfolio != chosen:
        st.caption(
            "Bộ lọc «Lĩnh vực phụ trách» đang chọn lãnh đạo khác: số liệu là phần giao nhau."
        )
    in_portfolio = db.status(repo, key, q)["rows"] if portfolio else []
    if in_portfolio:
        rows = sorted(in_portfolio, key=lambda r: -r["open_overdue"])
        counts = [
            "Số nhiệm vụ",
            STATUS_LABELS["completed_on_time"],
            STATUS_LABELS["completed_late"],
            STATUS_LABELS["open_within_deadline"],
            STATUS_LABELS["open_overdue"],
            "Không thời hạn",
        ]
        table = pd.DataFrame(
            [
                {
                    "Đơn vị": r["name"],
                    RATE_LABELS["on_time_rate_due"]: r["on_time_rate_due"],
                    "Ủy quyền": "Có" if r["key"] in mine["delegated"] else "",
                    "Số nhiệm vụ": r["assigned"],
                    STATUS_LABELS["completed_on_time"]: r["completed_on_time"],
                    STATUS_LABELS["completed_late"]: r["completed_late"],
                    STATUS_LABELS["open_within_deadline"]: r["open_within_deadline"],
                    STATUS_LABELS["open_overdue"]: r["open_overdue"],
                    "Không thời hạn": r["no_deadline_completed"] + r["no_deadline_open"],
                }
                for r in rows
            ]
        )
        st.markdown("**Nhiệm vụ của các đơn vị thuộc lĩnh vực** (nhiều quá hạn nhất trước)")
        st.dataframe(
            fmt.figures_styler(table, counts=counts, rates=[RATE_LABELS["on_time_rate_due"]]),
            hide_index=True,
            placeholder="—",
            column_config={"Đơn vị": st.column_config.TextColumn(pinned=True)},
        )
        own = sum(r["assigned"] for r in rows if r["key"] not in mine["delegated"])
        lent = sum(r["assigned"] for r in rows if r["key"] in mine["delegated"])
        st.caption(
            f"Thuộc lĩnh vực phân công: {fmt.fmt_count(own)} nhiệm vụ"
            + (f"; được ủy quyền: {fmt.fmt_count(lent)} nhiệm vụ" if mine["delegated"] else "")
            + ". "
            + fmt.rate_help("on_time_rate_due")
        )
    else:
        st.info("Không có nhiệm vụ của các đơn vị thuộc lĩnh vực trong phạm vi đang xem.")

    st.markdown(f"**Nhiệm vụ giao tại văn bản do {leader['name']} ký**")
    signed = db.status(repo, key, f.period_query("signer"))
    row = next((r for r in signed["rows"] if r["key"] == chosen), None)
    if row is None:
        st.caption("Không có nhiệm vụ nào trong phạm vi đang xem.")
    else:
        cards.show_row(
            [
                cards.Card("Nhiệm vụ được giao", fmt.fmt_count(row["assigned"])),
                cards.Card(
                    STATUS_LABELS["completed_on_time"], fmt.fmt_count(row["completed_on_time"])
                ),
                cards.Card(STATUS_LABELS["open_overdue"], fmt.fmt_count(row["open_overdue"])),
                cards.Card(
                    "Tỷ lệ hoàn thành đúng hạn",
                    fmt.fmt_rate(row["on_time_rate_due"]),
                    help=fmt.rate_help("on_time_rate_due"),
                ),
            ]
        )
    st.page_link(
        nav.PAGE_TASKS,
        label=f"Xem danh sách nhiệm vụ tại văn bản do {leader['name']} ký",
        query_params=nav.link_params(f, nguoiky=chosen),
    )
