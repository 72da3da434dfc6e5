"""Tổng quan: the backlog as of D first, then one period's results, ranking, trend and heatmap."""

from __future__ import annotations

import streamlit as st

from core import charts, explorer
from core.metrics import RATE_DENOMINATORS, RATE_FIELDS, RATE_LABELS, rank_rows
from core.periods import elapsed_share, last_n_periods
from core.rows import RankedRow, TrendRow
from dashboard import auth, blocks, chart_view, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
filters.page_param("xephang", "on_time_rate_due", filters.one_of(RATE_FIELDS, "tỷ lệ"))
nav.page_header("Tổng quan", f)

# The page's figures are independent of one another: asked at once, drawn as they come in (as
# on a unit's page).
province, by_unit_q = f.query("none"), f.query("unit")
backlog_in = db.in_background(
    db.backlog, repo, key, province, blocks.LONGEST if auth.reads_content() else 0
)
compared_in = db.in_background(db.compare, repo, key, province, f.period, f.population)
trend_in = db.in_background(db.trend_by_unit, repo, key, by_unit_q, f.period, 12)
ranking_in = db.in_background(db.period_status, repo, key, by_unit_q, f.period, f.population)
blocks.show_backlog(f, province, computed=backlog_in.result())
st.divider()
cmp = blocks.show_period(f, province, computed=compared_in.result())
now = cmp["current"]

width = 900 if f.meeting_mode else 560
short = {u["_id"]: u.get("short_name") or u["name"] for u in db.org_data()["units"]}
rate = "on_time_rate_due"
trend_rows = trend_in.result()
periods: dict[str, list[TrendRow]] = {}
for row in trend_rows:
    periods.setdefault(row["period"], []).append(row)
points = [{"label": rows[0]["label"], **explorer.totals_of(rows)} for rows in periods.values()]
if not points:
    points = [{"label": p.label, **explorer.totals_of([])} for p in last_n_periods(f.period, 12)]
running = elapsed_share(f.period, f.as_of)
if running and points:
    points[-1] = {**points[-1], "partial": True}

left, right = st.columns(2)
with left:
    blocks.show_status_chart(f, now, width)
    st.caption(blocks.population_words(f, now["as_of"]))
with right:
    chart_view.show(charts.trend_lines(points, rate, scale=f.scale, width=width))
    st.caption(
        f"{len(points)} kỳ gần nhất; mỗi kỳ tính trên các nhiệm vụ có thời hạn (kể cả gia hạn) "
        "trong kỳ, trạng thái tại cuối kỳ."
        + (f" Kỳ cuối ({f.period.label}) đang diễn ra: nét đứt, chưa đủ kỳ." if running else "")
    )

st.subheader("Xếp hạng đơn vị trong kỳ")
chosen_rate = st.selectbox(
    "Xếp hạng đơn vị theo",
    options=list(RATE_FIELDS),
    format_func=lambda r: RATE_LABELS[r],
    **filters.bind("xephang"),
)
filters.set_page_param("xephang", chosen_rate if chosen_rate != "on_time_rate_due" else None)
by_unit = ranking_in.result()
ranked = rank_rows(by_unit["rows"], chosen_rate)
with_rank: list[RankedRow] = [
    {**r, "name": short.get(r["key"], r["name"])} for r in ranked if r["ranked"]
]
shown = with_rank[:15]
if shown:
    event = chart_view.show(
        charts.rate_ranking(shown, chosen_rate, scale=f.scale, width=width, selectable=True),
        key="ranking_chart",
        selectable=True,
    )
    picked = (event.get("selection") or {}).get("don_vi") if event else None
    if picked:
        nav.go(nav.PAGE_UNITS, f, donvi=picked[0]["Mã"])
    st.caption(
        (
            f"{len(shown)} đơn vị thấp nhất trong {len(with_rank)} đơn vị được xếp hạng, thấp "
            "nhất ở trên cùng. "
            if len(with_rank) > len(shown)
            else "Thấp nhất ở trên cùng; đơn vị bằng tỷ lệ cùng hạng. "
        )
        + f"{blocks.population_words(f, now['as_of'])} Mẫu số: {RATE_DENOMINATORS[chosen_rate]}. "
        "Bấm vào một đơn vị để xem chi tiết."
    )
else:
    st.info("Chưa có đơn vị nào đủ nhiệm vụ để xếp hạng trong kỳ đang xem.")
blocks.show_ranking_apart(ranked, chosen_rate)
opened = st.selectbox(
    "Mở trang đơn vị",
    options=[None, *[r["key"] for r in ranked]],
    format_func=lambda u: "— Chọn đơn vị —" if u is None else fmt.unit_name(u),
    placeholder="— Chọn đơn vị —",
    key="open_unit",
)
if opened:
    st.session_state.pop("open_unit", None)
    nav.go(nav.PAGE_UNITS, f, donvi=opened)

volume: dict[str, int] = {}
for row in trend_rows:
    volume[row["name"]] = volume.get(row["name"], 0) + int(
        row["completed_on_time"] + row["completed_late"] + row["open_overdue"]
    )
top = sorted(volume, key=lambda n: -volume[n])[:25]
heat_rows = [r for r in trend_rows if r["name"] in top]
if heat_rows:
    heat_rows.sort(key=lambda r: top.index(r["name"]))
    chart_view.show(charts.rate_heatmap(heat_rows, rate, scale=f.scale, width=width))
    st.caption(
        f"{len(top)} đơn vị có nhiều nhiệm vụ đến hạn nhất trong 12 kỳ; ô trống: "
        "không có nhiệm vụ đến hạn."
        + (" Cột cuối là kỳ đang diễn ra, chưa đủ kỳ." if running else "")
    )
else:
    st.info("Chưa có nhiệm vụ đến hạn trong 12 kỳ gần nhất.")
