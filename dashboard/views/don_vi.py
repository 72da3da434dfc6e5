"""Đơn vị: the ranking table of units, and one unit's figures, trend, overdue, due soon, duties."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core import charts, explorer
from core.config import rank_min_due
from core.dates import from_bson_day
from core.metrics import (
    CATEGORIES,
    RATE_FIELDS,
    RATE_LABELS,
    rank_rows,
    rate_numerator,
    rate_volume,
)
from core.rows import RateField, StatusRow, TrendRow
from core.vocab import STATUS_LABELS, UNIT_KINDS
from dashboard import auth, blocks, cards, chart_view, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
data = db.org_data()
units_by_code = {u["_id"]: u for u in data["units"]}

filters.page_param("donvi", None, filters.one_of(units_by_code, "đơn vị"))
filters.page_param("xephang", "on_time_rate_due", filters.one_of(RATE_FIELDS, "tỷ lệ"))


def unit_options() -> list[str | None]:
    """Units that lead tasks (every kind but the PPC itself), in tree order."""
    return [None, *[u["_id"] for u in data["units"] if u.get("kind") != "ppc"]]


COUNT_COLUMNS = [
    "Số nhiệm vụ",
    *(STATUS_LABELS[cat] for cat in CATEGORIES),
]


def ranking_table(rows: Sequence[StatusRow], rate: RateField) -> pd.DataFrame:
    """Each unit's chosen rate with its numerator/denominator and its open overdue tasks first
    (visible without scrolling), then every other count and rate, in Vietnamese (numbers stay
    numbers: `fmt.figures_styler` formats them)."""
    others = [k for k in RATE_FIELDS if k != rate]
    out = []
    for r in rows:
        volume = rate_volume(r, rate)
        part = rate_numerator(r, rate)
        out.append(
            {
                "Hạng": r.get("rank"),
                "Đơn vị": r["name"],
                RATE_LABELS[rate]: r[rate],
                "Trên số": f"{fmt.fmt_count(part)}/{fmt.fmt_count(volume)}",
                STATUS_LABELS["open_overdue"]: r["open_overdue"],
                "Số nhiệm vụ": r["assigned"],
                **{STATUS_LABELS[cat]: r[cat] for cat in CATEGORIES if cat != "open_overdue"},
                **{RATE_LABELS[k]: r[k] for k in others},
            }
        )
    return pd.DataFrame(out)


def show_ranking() -> None:
    """The list of units with their figures; choosing one opens its page."""
    nav.page_header("Đơn vị", f)
    left, right = st.columns([3, 2])
    rate = left.selectbox(
        "Xếp hạng theo",
        options=list(RATE_FIELDS),
        format_func=lambda r: RATE_LABELS[r],
        **filters.bind("xephang"),
    )
    filters.set_page_param("xephang", rate if rate != "on_time_rate_due" else None)
    right.caption(
        "Đơn vị đã sáp nhập, giải thể: "
        + (
            "tính riêng (đang bật «Tính theo đơn vị cũ»)."
            if f.historical
            else "nhiệm vụ tính cho đơn vị kế thừa (tắt/bật ở «Tính theo đơn vị cũ»)."
        )
    )
    result = db.status(repo, key, f.period_query("unit"))
    ranked = rank_rows(result["rows"], rate)
    st.caption(
        fmt.rate_help(rate)
        + f" Thấp nhất ở trên cùng; bằng tỷ lệ thì cùng hạng. Đơn vị có dưới {rank_min_due()} "
        "nhiệm vụ trong mẫu số không được xếp hạng (ở cuối bảng)."
    )
    if not ranked:
        st.info("Chưa có nhiệm vụ nào trong phạm vi đang xem.")
    table = ranking_table([*ranked, result["total"]], rate)  # the total last, without a rank
    fmt.download_buttons(table, "xep-hang-don-vi")
    event = st.dataframe(
        fmt.figures_styler(
            table,
            counts=COUNT_COLUMNS,
            rates=[RATE_LABELS[k] for k in RATE_FIELDS],
            ranks=["Hạng"],
        ),
        hide_index=True,
        placeholder="—",
        on_select="rerun",
        selection_mode="single-row",
        key="ranking_table",
        column_config={"Đơn vị": st.column_config.TextColumn(pinned=True)},
    )
    picked = event.selection.rows if event else []
    if picked and picked[0] < len(ranked):
        filters.set_state("donvi", ranked[picked[0]]["key"])
        st.session_state.pop("ranking_table", None)
        st.rerun()
    st.caption("Bấm chọn một dòng (hoặc chọn ở ô dưới) để xem chi tiết đơn vị.")
    st.selectbox(
        "Xem chi tiết đơn vị",
        options=unit_options(),
        format_func=lambda u: "— Chọn đơn vị —" if u is None else fmt.unit_name(u),
        placeholder="— Chọn đơn vị —",
        **filters.bind("donvi"),
    )


def show_unit(code: str) -> None:
    """One unit's page."""
    unit = units_by_code[code]
    top_left, top_right = st.columns([4, 1])
    top_right.button("← Danh sách đơn vị", on_click=filters.set_state, args=("donvi", None))
    with top_left:
        nav.page_header(unit["name"], f)
    st.markdown(f"**Loại đơn vị:** {UNIT_KINDS.get(unit.get('kind', ''), '')}")
    valid_to = unit.get("valid_to")
    ended = valid_to is not None and from_bson_day(valid_to) < f.as_of
    if ended:
        successor = unit.get("successor")
        text = f"Đơn vị đã kết thúc hoạt động từ ngày {fmt.fmt_date(from_bson_day(valid_to))}."
        st.warning(
            text
            + (
                f" Nhiệm vụ của đơn vị được tính cho đơn vị kế thừa: **{fmt.unit_name(successor)}**"
                " (bật «Tính theo đơn vị cũ» ở bộ lọc để xem riêng đơn vị này)."
                if successor
                else ""
            )
        )
        if successor:
            st.page_link(
                nav.PAGE_UNITS,
                label=f"Mở trang {fmt.unit_name(successor)}",
                query_params=nav.link_params(f, donvi=successor),
            )
    members = [code]
    if not f.historical:
        formers = explorer.predecessors(data["units"], code, f.as_of)
        members += formers
        if formers:
            st.caption(
                "Gồm cả nhiệm vụ của đơn vị đã sáp nhập vào: " + fmt.names_for(formers) + "."
            )
        if ended and unit.get("successor"):
            members = []  # its tasks are its successor's on D
    base = explorer.with_units(f.query("none"), members)
    period_q = explorer.with_units(f.period_query("none"), members)
    if base.lead_units is not None and not base.lead_units:
        st.info(
            "Không có nhiệm vụ nào của đơn vị này trong phạm vi đang xem (lĩnh vực, loại đơn vị, "
            "hoặc nhiệm vụ đã tính cho đơn vị kế thừa)."
        )
        return
    # The page's figures are independent of one another: asked at once, drawn as they come in.
    content = auth.reads_content()  # task lists and discipline: not for a reader of figures only
    backlog = db.in_background(db.backlog, repo, key, base, 15 if content else 0)
    compared = db.in_background(db.compare, repo, key, base, f.period, f.population)
    trend = db.in_background(db.trend_by_unit, repo, key, base, f.period, 12)
    if content:
        soon_in = db.in_background(db.due_soon, repo, key, base, limit=15)
        coord_in = db.in_background(
            db.tasks_page,
            repo,
            key,
            explorer.TaskSearch(
                as_of=f.as_of,
                unit=code,
                coordinating=True,
                priority_only=f.priority_only,
                page_size=10,
            ),
        )
        disc_in = db.in_background(db.discipline, repo, key, period_q)
    blocks.show_backlog(f, base, unit_code=code, longest=15, computed=backlog.result())
    st.divider()
    cmp = blocks.show_period(f, base, computed=compared.result())
    now = cmp["current"]

    width = 900 if f.meeting_mode else 560
    left, right = st.columns(2)
    with left:
        blocks.show_status_chart(f, now, width)
    with right:
        trend_rows = trend.result()
        by_period: dict[str, list[TrendRow]] = {}
        labels: dict[str, str] = {}
        for trend_row in trend_rows:
            by_period.setdefault(trend_row["period"], []).append(trend_row)
            labels[trend_row["period"]] = trend_row["label"]
        points = [{"label": labels[p], **explorer.totals_of(rows)} for p, rows in by_period.items()]
        if points:
            chart_view.show(
                charts.trend_lines(points, "on_time_rate_due", scale=f.scale, width=width)
            )
            st.caption("Mỗi kỳ: nhiệm vụ có thời hạn trong kỳ, trạng thái tại cuối kỳ.")
        else:
            st.info("Chưa có nhiệm vụ đến hạn trong 12 kỳ gần nhất.")

    if content:  # task lists: not for a reader of figures only
        st.subheader("Nhiệm vụ sắp đến hạn")
        soon = soon_in.result()
        st.caption(
            f"Trong 1 ngày làm việc: {fmt.fmt_count(soon['windows']['1'])}; 3 ngày: "
            f"{fmt.fmt_count(soon['windows']['3'])}; 7 ngày: {fmt.fmt_count(soon['windows']['7'])}."
        )
        if not soon["tasks"]:
            st.info("Không có nhiệm vụ đến hạn trong 7 ngày làm việc tới.")
        nav.link_list(
            [
                nav.Link(
                    f"Hạn {fmt.fmt_date(task['effective_deadline'])}, "
                    + (
                        f"còn {task['days_left']} ngày làm việc"
                        if task.get("days_left")
                        else "đến hạn hôm nay"
                    )
                    + f" — {fmt.task_label(task, 90)}",
                    nav.PAGE_TASKS,
                    nav.link_params(f, nhiemvu=task["id"]),
                )
                for task in soon["tasks"]
            ]
        )

        st.subheader("Nhiệm vụ đơn vị phối hợp (không chủ trì)")
        coord = coord_in.result()
        more = "hơn " if coord.capped else ""  # counting stops at explorer.COUNT_CAP
        st.caption(f"Tổng số: {more}{fmt.fmt_count(coord.total)} nhiệm vụ do đơn vị khác chủ trì.")
        nav.link_list(
            [
                nav.Link(
                    fmt.status_label(row["category"])
                    + (f" ({late})" if (late := fmt.late_words(row)) else "")
                    + f" — chủ trì: {fmt.responsible(row['lead_unit'], f.as_of, f.historical)}"
                    + f" — {fmt.task_label(row, 90)}",
                    nav.PAGE_TASKS,
                    nav.link_params(f, nhiemvu=row["id"]),
                )
                for row in coord.rows
            ]
        )
        if coord.total > len(coord.rows):
            st.page_link(
                nav.PAGE_TASKS,
                label="Xem tất cả nhiệm vụ phối hợp",
                query_params=nav.link_params(f, dv=code, phoihop="1"),
            )

    if content:  # computed from each task's reports
        st.subheader("Chất lượng cập nhật")
        cards.show_row(blocks.discipline_cards(disc_in.result()["total"]))


code = st.session_state["p_donvi"]
filters.set_page_param("donvi", code)
if code:
    show_unit(code)
else:
    show_ranking()
