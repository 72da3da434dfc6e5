"""Tổng quan: cards with deltas, status breakdown, unit ranking, trend and unit × period heatmap."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core import charts, explorer
from core.metrics import RATE_DENOMINATORS, RATE_FIELDS, RATE_LABELS, rank_rows
from core.periods import last_n_periods
from core.vocab import STATUS_LABELS
from dashboard import data as db
from dashboard import filters
from dashboard import formatting as fmt
from dashboard import navigation as nav

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
filters.page_param("xephang", "on_time_rate_due", filters.one_of(RATE_FIELDS, "tỷ lệ"))
nav.page_header("Tổng quan", f)

cmp = db.compare(repo, key, f.query("none"), f.period, f.population)
now, prev, last_year = cmp["current"], cmp["previous"], cmp["last_year"]
soon = db.due_soon(repo, key, f.query("none"), limit=10)
# For a yearly view the previous period is the same period a year earlier: said once.
same_as_previous = prev["period"] == last_year["period"]


def card(col: Any, label: str, field: str, help_text: str, inverse: bool = False) -> None:
    """One metric card: this period, delta to the previous one, same period last year below."""
    col.metric(
        label,
        fmt.fmt_count(now[field]),
        delta=fmt.delta_count(now[field], prev[field]),
        delta_color="inverse" if inverse else "normal",
        delta_description="so với kỳ trước",
        help=help_text,
        border=True,
    )
    if same_as_previous:
        col.caption(
            f"Kỳ trước, cũng là cùng kỳ năm trước ({prev['period']['label']}): "
            f"{fmt.fmt_count(prev[field])}."
        )
        return
    col.caption(
        f"Kỳ trước ({prev['period']['label']}): {fmt.fmt_count(prev[field])}. "
        f"Cùng kỳ năm trước ({last_year['period']['label']}): {fmt.fmt_count(last_year[field])}; "
        f"chênh lệch: {fmt.delta_count(now[field], last_year[field]) or '0'}"
    )


population = filters.POPULATIONS[f.population]
cols = st.columns(5)
card(cols[0], "Nhiệm vụ được giao", "assigned", f"{population}; tính tại cuối kỳ.")
card(cols[1], STATUS_LABELS["completed_on_time"], "completed_on_time", population)
card(cols[2], STATUS_LABELS["open_overdue"], "open_overdue", population, inverse=True)
cols[3].metric(
    "Sắp đến hạn (7 ngày)",
    fmt.fmt_count(soon["windows"]["7"]),
    help="Nhiệm vụ chưa hoàn thành, thời hạn (kể cả gia hạn) từ ngày xem đến hết ngày "
    f"{fmt.fmt_date_iso(soon['window_ends']['7'])}.",
    border=True,
)
cols[3].caption(
    f"Trong 3 ngày: {fmt.fmt_count(soon['windows']['3'])}; trong 1 ngày: "
    f"{fmt.fmt_count(soon['windows']['1'])} (tính tại ngày {fmt.fmt_date(f.as_of)})."
)
rate = "on_time_rate_due"
cols[4].metric(
    "Tỷ lệ hoàn thành đúng hạn",
    fmt.fmt_rate(now[rate]),
    delta=fmt.delta_rate(now[rate], prev[rate]),
    help=fmt.rate_help(rate),
    border=True,
)
ly_rate = fmt.delta_rate(now[rate], last_year[rate])
cols[4].caption(
    f"Trên số nhiệm vụ đã đến hạn. Kỳ trước: {fmt.fmt_rate(prev[rate])}"
    + (
        " (cũng là cùng kỳ năm trước)."
        if same_as_previous
        else f". Cùng kỳ năm trước: {fmt.fmt_rate(last_year[rate])}"
        + (f"; chênh lệch: {ly_rate}" if ly_rate else "")
    )
)

width = 900 if f.meeting_mode else 560
left, right = st.columns(2)
with left:
    st.altair_chart(charts.status_breakdown(now, scale=f.scale, width=width), width="stretch")
    st.caption(
        f"{population} ({f.period.label}), trạng thái tại ngày {fmt.fmt_date_iso(now['as_of'])}."
    )
with right:
    chosen_rate = st.selectbox(
        "Xếp hạng đơn vị theo",
        options=list(RATE_FIELDS),
        format_func=lambda r: RATE_LABELS[r],
        **filters.bind("xephang"),
    )
    filters.set_page_param("xephang", chosen_rate if chosen_rate != "on_time_rate_due" else None)
    by_unit = db.period_status(repo, key, f.query("unit"), f.period, f.population)
    ranked = rank_rows(by_unit["rows"], chosen_rate)
    with_rate = [r for r in ranked if r.get("rank") is not None]
    shown = with_rate if len(with_rate) <= 20 else with_rate[-20:]
    if shown:
        event = st.altair_chart(
            charts.ranking_bars(shown, chosen_rate, limit=20, scale=f.scale, selectable=True),
            width="stretch",
            on_select="rerun",
            key="ranking_chart",
        )
        picked = (event.get("selection") or {}).get("don_vi") if event else None
        if picked:
            nav.go(nav.PAGE_UNITS, f, donvi=picked[0]["Mã"])
        st.caption(
            (
                f"{len(shown)} đơn vị có tỷ lệ thấp nhất trong {len(with_rate)} đơn vị. "
                if len(with_rate) > len(shown)
                else ""
            )
            + f"Mẫu số: {RATE_DENOMINATORS[chosen_rate]}. Bấm vào một đơn vị để xem chi tiết."
        )
    else:
        st.info("Chưa có đơn vị nào có nhiệm vụ đến hạn trong phạm vi đang xem.")
    unit_codes = [r["key"] for r in ranked]
    opened = st.selectbox(
        "Mở trang đơn vị",
        options=[None, *unit_codes],
        format_func=lambda u: "— Chọn đơn vị —" if u is None else fmt.unit_name(u),
        placeholder="— Chọn đơn vị —",
        key="open_unit",
    )
    if opened:
        st.session_state.pop("open_unit", None)
        nav.go(nav.PAGE_UNITS, f, donvi=opened)

trend_rows = db.trend_by_unit(repo, key, f.query("unit"), f.period, 12)
periods: dict[str, list[dict[str, Any]]] = {}
for row in trend_rows:
    periods.setdefault(row["period"], []).append(row)
points = []
for rows in periods.values():
    first = rows[0]
    points.append({"label": first["label"], **explorer.totals_of(rows)})
if not points:
    for p in last_n_periods(f.period, 12):
        points.append({"label": p.label, **explorer.totals_of([])})

st.subheader("Xu hướng 12 kỳ gần nhất")
st.caption(
    "Mỗi kỳ tính trên các nhiệm vụ có thời hạn (kể cả gia hạn) trong kỳ, trạng thái tại cuối kỳ. "
    + fmt.rate_help(rate)
)
# One under the other, each the page's full width: twelve period columns and the unit names
# both need the room.
st.altair_chart(charts.trend_lines(points, rate, scale=f.scale, width=width), width="stretch")
volume: dict[str, int] = {}
for row in trend_rows:
    volume[row["name"]] = volume.get(row["name"], 0) + int(
        row["completed_on_time"] + row["completed_late"] + row["open_overdue"]
    )
top = sorted(volume, key=lambda n: -volume[n])[:25]
heat_rows = [r for r in trend_rows if r["name"] in top]
if heat_rows:
    heat_rows.sort(key=lambda r: top.index(r["name"]))
    st.altair_chart(
        charts.rate_heatmap(heat_rows, rate, scale=f.scale, width=width), width="stretch"
    )
    st.caption(
        f"{len(top)} đơn vị có nhiều nhiệm vụ đến hạn nhất trong 12 kỳ; ô trống: "
        "không có nhiệm vụ đến hạn."
    )
else:
    st.info("Chưa có nhiệm vụ đến hạn trong 12 kỳ gần nhất.")
