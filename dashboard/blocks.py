"""Blocks of figures shared by the pages: the backlog as of D and the results of one period.

Two things, never mixed: *Tồn đọng tại ngày D* (the stock: every task still open on D, whatever
period it belongs to) and *Kết quả kỳ* (the flow of one reporting period). Each says in words
which tasks it counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from core import charts
from core.backlog import LONG_OVERDUE_DAYS
from core.config import rank_min_due
from core.metrics import CATEGORIES, MetricsQuery, rate_volume
from core.periods import Period, elapsed_share, previous_period, same_period_last_year
from core.rows import Backlog, BacklogUnitRow, Comparison, CountField, Counts, RankedRow, RateField
from core.vocab import STATUS_LABELS
from dashboard import auth, cards, chart_view
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav
from dashboard.filters import Filters

LONGEST = 10  # the tasks overdue the longest listed under the backlog


def show_backlog(
    f: Filters,
    q: MetricsQuery,
    unit_code: str | None = None,
    longest: int = LONGEST,
    computed: Backlog | None = None,
) -> Backlog:
    """«Tồn đọng tại ngày D»: open overdue (the headline) with its age, open within deadline,
    due soon, priority tasks overdue; on the province's page the units holding the overdue
    tasks; the tasks overdue the longest, each a link. Returns the backlog (`computed`: the
    page's own `db.backlog(…, q, longest if auth.reads_content() else 0)`, asked beside its
    other figures with `db.in_background`)."""
    content = auth.reads_content()  # a reader of figures only gets no task list
    if computed is not None:
        b = computed
    else:
        b = db.backlog(db.get_repo(), db.repo_key(), q, longest if content else 0)
    st.subheader(f"Tồn đọng tại ngày {fmt.fmt_date(f.as_of)}")
    st.caption(
        "Mọi nhiệm vụ đã giao đến ngày này mà chưa hoàn thành, thuộc kỳ nào cũng vậy; đơn vị chịu "
        "trách nhiệm theo tổ chức hiện hành (nhiệm vụ của đơn vị đã sáp nhập, giải thể tính cho "
        "đơn vị kế thừa)."
    )
    soon, ends = b["due_soon"], b["due_soon_ends"]
    cards.show_row(
        [
            cards.Card(
                STATUS_LABELS["open_overdue"],
                fmt.fmt_count(b["open_overdue"]),
                help="Chưa hoàn thành và đã quá thời hạn (kể cả gia hạn) tính đến ngày xem.",
                note=f"Trong đó {fmt.fmt_count(b['over_long'])} quá hạn trên "
                f"{LONG_OVERDUE_DAYS} ngày làm việc.",
            ),
            cards.Card(
                STATUS_LABELS["open_within_deadline"],
                fmt.fmt_count(b["open_within_deadline"]),
                help="Chưa hoàn thành, thời hạn (kể cả gia hạn) từ ngày xem trở đi.",
            ),
            cards.Card(
                "Sắp đến hạn trong 7 ngày làm việc",
                fmt.fmt_count(soon["7"]),
                help="Chưa hoàn thành, thời hạn (kể cả gia hạn) từ ngày xem đến hết ngày "
                f"{fmt.fmt_date_iso(ends['7'])}.",
                note=f"Trong 3 ngày: {fmt.fmt_count(soon['3'])}; "
                f"trong 1 ngày: {fmt.fmt_count(soon['1'])}.",
            ),
            cards.Card(
                "Nhiệm vụ trọng tâm quá hạn",
                fmt.fmt_count(b["priority_overdue"]),
                help="Nhiệm vụ trọng tâm (gắn sao) chưa hoàn thành, đã quá hạn.",
            ),
            cards.Card(
                STATUS_LABELS["no_deadline_open"],
                fmt.fmt_count(b["no_deadline_open"]),
                help="Nhiệm vụ không có thời hạn, chưa hoàn thành: không bao giờ tính là quá hạn.",
            ),
        ]
    )
    st.caption(
        "Nhiệm vụ quá hạn theo số ngày làm việc quá hạn: "
        + "; ".join(f"{a['label'].lower()}: {fmt.fmt_count(a['count'])}" for a in b["age_buckets"])
        + "."
    )
    width = 900 if f.meeting_mode else 560
    if unit_code is None:
        left, right = st.columns(2)
        with left:
            show_overdue_units(f, b["units"], width)
        if content:
            with right:
                show_longest(f, b, q)
    elif content:
        show_longest(f, b, q, unit_code)
    return b


def show_overdue_units(f: Filters, units: Sequence[BacklogUnitRow], width: int) -> None:
    """The units holding open overdue tasks, most first (click one to open its page)."""
    holding = [u for u in units if u["open_overdue"]]
    if not holding:
        st.success("Không có nhiệm vụ chưa hoàn thành, quá hạn.")
        return
    shown = holding[:15]
    event = chart_view.show(
        charts.overdue_by_unit(shown, scale=f.scale, width=width, selectable=True),
        key="overdue_units_chart",
        selectable=True,
    )
    picked = (event.get("selection") or {}).get("don_vi") if event else None
    if picked:
        nav.go(nav.PAGE_UNITS, f, donvi=picked[0]["Mã"])
    st.caption(
        (
            f"{len(shown)} trong {len(holding)} đơn vị có nhiều nhiệm vụ quá hạn nhất. "
            if len(holding) > len(shown)
            else f"{len(holding)} đơn vị có nhiệm vụ quá hạn. "
        )
        + f"Phần màu đậm: quá hạn trên {LONG_OVERDUE_DAYS} ngày làm việc. Bấm vào một đơn vị "
        "để xem chi tiết."
    )


def show_longest(f: Filters, b: Backlog, q: MetricsQuery, unit: str | None = None) -> None:
    """The tasks overdue the longest, days overdue first, each a link to the task."""
    st.markdown("**Nhiệm vụ quá hạn lâu nhất**")
    if not b["longest"]:
        st.success("Không có nhiệm vụ chưa hoàn thành, quá hạn.")
        return
    nav.link_list(
        [
            nav.Link(
                f"Quá hạn {fmt.fmt_count(row['days_overdue'])} ngày làm việc — "
                + ("" if unit is not None else f"{row['responsible_short']} — ")
                + fmt.task_label(row, 90),
                nav.PAGE_TASKS,
                nav.link_params(f, nhiemvu=row["id"]),
            )
            for row in b["longest"]
        ]
    )
    if b["open_overdue"] > len(b["longest"]):
        params: dict[str, Any] = {"trangthai": "open_overdue", "sapxep": "overdue_desc"}
        if unit is not None:
            params["dv"] = unit
        st.page_link(
            nav.PAGE_TASKS,
            label=f"Xem tất cả {fmt.fmt_count(b['open_overdue'])} nhiệm vụ quá hạn, lâu nhất trước",
            query_params=nav.link_params(f, **params),
        )


def running_note(period: Period, f: Filters) -> str | None:
    """The warning for a period that has not ended by D (None when it has)."""
    share = elapsed_share(period, f.as_of)
    if share is None:
        return None
    elapsed, days = share
    return (
        f"{period.label} đang diễn ra (đã qua {elapsed}/{days} ngày): số liệu chưa đủ kỳ nên không "
        "so sánh với kỳ trước hay cùng kỳ năm trước. Chọn một kỳ đã kết thúc để so sánh."
    )


def population_words(f: Filters, as_of: str) -> str:
    """Which tasks a period's figures count, in words, with the day their status is taken."""
    p = f.period
    span = f"{fmt.fmt_date(p.start)} – {fmt.fmt_date(p.end)}"
    if f.population == "assigned":
        who = f"Nhiệm vụ giao trong kỳ ({span})"
    elif f.population == "deadline":
        who = f"Nhiệm vụ có thời hạn (kể cả gia hạn) trong kỳ ({span})"
    else:
        ytd = f.period_query("none")
        who = (
            f"Lũy kế: nhiệm vụ giao từ {fmt.fmt_date(ytd.assigned_from)} đến "
            f"{fmt.fmt_date(ytd.assigned_to)}"
        )
    return f"{who}; trạng thái tại ngày {fmt.fmt_date_iso(as_of)}."


def period_categories(f: Filters) -> tuple[str, ...]:
    """The status categories a period's population can hold: tasks due in a period all have a
    deadline, so the two "no deadline" categories are left out of its charts."""
    if f.population == "deadline":
        return tuple(c for c in CATEGORIES if not c.startswith("no_deadline"))
    return CATEGORIES


def show_status_chart(f: Filters, now: Counts, width: int) -> None:
    """The period's status breakdown (only the categories its population can hold)."""
    chart_view.show(
        charts.status_breakdown(now, scale=f.scale, width=width, categories=period_categories(f))
    )


def count_word(f: Filters) -> str:
    """What the period's first count is: tasks assigned in it, or tasks counted in it."""
    return "Nhiệm vụ được giao" if f.population != "deadline" else "Số nhiệm vụ có hạn trong kỳ"


def show_period(f: Filters, q: MetricsQuery, computed: Comparison | None = None) -> Comparison:
    """«Kết quả kỳ»: the chosen period's figures. Compared with the previous period and the same
    period last year only when the period has ended; «lũy kế» only with last year's same window
    (against the previous period it could only grow). Returns the comparison (`computed`: the
    page's own `db.compare(…, q, f.period, f.population)`, asked beside its other figures)."""
    if computed is not None:
        cmp = computed
    else:
        cmp = db.compare(db.get_repo(), db.repo_key(), q, f.period, f.population)
    now, prev, last_year = cmp["current"], cmp["previous"], cmp["last_year"]
    title = f"Kết quả kỳ: {f.period.label}"
    if f.period.kind != "custom":
        title += f" ({fmt.fmt_date(f.period.start)} – {fmt.fmt_date(f.period.end)})"
    st.subheader(title)
    st.caption(population_words(f, now["as_of"]))
    note = running_note(f.period, f)
    if note:
        st.warning(note)
    cumulative = f.population == "cumulative"
    before = None if note else (last_year if cumulative else prev)
    before_words = (
        ""
        if before is None
        else "so với cùng kỳ năm trước"
        if cumulative
        else f"so với kỳ trước ({previous_period(f.period).label})"
    )

    def card(label: str, field: CountField, colour: cards.Colour = "normal") -> cards.Card:
        return cards.Card(
            label,
            fmt.fmt_count(now[field]),
            delta=fmt.delta_count(now[field], before[field]) if before else None,
            colour=colour,
            note=None
            if before is None
            else f"{before_words[0].upper()}{before_words[1:]}: {fmt.fmt_count(before[field])}.",
        )

    rate: RateField = "on_time_rate_due"
    due = rate_volume(now, rate)
    cards.show_row(
        [
            card(count_word(f), "assigned", colour="off"),  # more or fewer tasks: neutral
            card(STATUS_LABELS["completed_on_time"], "completed_on_time"),
            card(STATUS_LABELS["completed_late"], "completed_late", colour="inverse"),
            card(STATUS_LABELS["open_overdue"], "open_overdue", colour="inverse"),
            cards.Card(
                "Tỷ lệ hoàn thành đúng hạn",
                fmt.fmt_rate(now[rate]),
                delta=fmt.delta_rate(now[rate], before[rate]) if before else None,
                help=fmt.rate_help(rate),
                note=f"{fmt.fmt_count(now['completed_on_time'])}/{fmt.fmt_count(due)} nhiệm vụ "
                "đã đến hạn"
                + ("." if before is None else f"; {before_words}: {fmt.fmt_rate(before[rate])}."),
            ),
        ]
    )
    ly = same_period_last_year(f.period)
    if not note and not cumulative and ly != previous_period(f.period):
        # (a yearly view's previous period is already last year's: said once, above)
        st.caption(
            f"Cùng kỳ năm trước ({ly.label}): {count_word(f).lower()} "
            f"{fmt.fmt_count(last_year['assigned'])}, "
            f"quá hạn {fmt.fmt_count(last_year['open_overdue'])}, tỷ lệ đúng hạn "
            f"{fmt.fmt_rate(last_year[rate])}."
        )
    return cmp


def discipline_cards(total: dict[str, Any]) -> list[cards.Card]:
    """«Chất lượng cập nhật»'s first cards (`core.metrics.update_discipline`'s total): the rate
    of updates on time, the updates due, those not made on time."""
    return [
        cards.Card(
            "Tỷ lệ cập nhật đúng hạn",
            fmt.fmt_rate(total["update_rate"]),
            help="Trên số lần đơn vị phải cập nhật: báo cáo chậm nhất 1 ngày làm việc sau khi "
            "nhiệm vụ quá hạn (Điều 8.1.a) và cập nhật hằng tháng nhiệm vụ không có thời hạn.",
        ),
        cards.Card("Lần phải cập nhật", fmt.fmt_count(total["duties"])),
        cards.Card("Chưa cập nhật đúng hạn", fmt.fmt_count(total["not_updated"])),
    ]


def show_ranking_apart(rows: Sequence[RankedRow], rate: RateField) -> None:
    """Units left unranked (too few tasks behind the rate), every one named with its count."""
    apart = [r for r in rows if not r.get("ranked") and r.get("volume")]
    if not apart:
        return
    basis = "được giao" if rate == "overdue_share_assigned" else "đã đến hạn"
    with st.expander(
        f"Chưa xếp hạng: {fmt.fmt_count(len(apart))} đơn vị có dưới {rank_min_due()} nhiệm vụ "
        f"{basis}"
    ):
        st.markdown(
            "; ".join(
                f"{r['name']} ({fmt.fmt_count(r['volume'])}: {fmt.fmt_rate(r.get(rate))})"
                for r in apart
            )
            + "."
        )
