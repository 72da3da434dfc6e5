"""Chất lượng cập nhật: update discipline by unit (late entry, overdue updates, monthly updates)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import blocks, cards, filters
from dashboard import data as db
from dashboard import formatting as fmt
from dashboard import navigation as nav

f = filters.current_filters()
repo, key = db.get_repo(), db.repo_key()
nav.page_header("Chất lượng cập nhật", f)

result = db.discipline(repo, key, f.period_query("unit"))
total = result["total"]
cards.show_row(
    [
        *blocks.discipline_cards(total),
        cards.Card(
            "Nhập nhiệm vụ chậm",
            fmt.fmt_rate(total["late_entry_share"]),
            help="Tỷ lệ nhiệm vụ Văn phòng nhập quá 1 ngày làm việc sau ngày ban hành văn bản "
            "(Điều 7.1.a), trên tổng số nhiệm vụ.",
        ),
    ]
)
st.caption("Tỷ lệ cập nhật đúng hạn: trên số lần phải cập nhật. Nhập chậm: trên tổng số nhiệm vụ.")
if total["duties"] == 0:
    st.info(
        "Trong phạm vi đang xem chưa có lần nào đơn vị phải cập nhật (chưa có nhiệm vụ quá hạn "
        "cần báo cáo, chưa đến kỳ cập nhật hằng tháng), nên chưa có tỷ lệ cập nhật đúng hạn."
    )

rows = sorted(
    result["rows"],
    key=lambda r: (r["update_rate"] is None, r["update_rate"] or 0.0, -r["duties"]),
)
if not rows:
    st.info("Không có nhiệm vụ nào trong phạm vi đang xem.")
else:
    table = pd.DataFrame(
        [
            {
                "Đơn vị": r["name"],
                "Số nhiệm vụ": r["tasks"],
                "Lần phải cập nhật": r["duties"],
                "Đã cập nhật đúng hạn": r["updated_on_time"],
                "Chưa cập nhật đúng hạn": r["not_updated"],
                "Tỷ lệ cập nhật đúng hạn (trên số lần phải cập nhật)": r["update_rate"],
                "Báo cáo khi quá hạn: phải / đã": f"{fmt.fmt_count(r['overdue_duties'])} / "
                f"{fmt.fmt_count(r['overdue_updated'])}",
                "Cập nhật hằng tháng: phải / đã": f"{fmt.fmt_count(r['monthly_duties'])} / "
                f"{fmt.fmt_count(r['monthly_updated'])}",
                "Nhập chậm (trên số nhiệm vụ)": r["late_entry_share"],
            }
            for r in rows
        ]
    )
    st.markdown("**Theo đơn vị** (tỷ lệ cập nhật đúng hạn thấp nhất trước)")
    st.dataframe(
        fmt.figures_styler(
            table,
            counts=[
                "Số nhiệm vụ",
                "Lần phải cập nhật",
                "Đã cập nhật đúng hạn",
                "Chưa cập nhật đúng hạn",
            ],
            rates=[
                "Tỷ lệ cập nhật đúng hạn (trên số lần phải cập nhật)",
                "Nhập chậm (trên số nhiệm vụ)",
            ],
        ),
        hide_index=True,
        placeholder="—",
        column_config={"Đơn vị": st.column_config.TextColumn(pinned=True)},
    )
    with_duties = [r for r in rows if r["duties"]]
    if with_duties:
        worst = with_duties[: min(10, len(with_duties))]
        st.markdown("**Đơn vị cần nhắc nhở**")
        nav.link_list(
            [
                nav.Link(
                    f"{r['name']}: {fmt.fmt_count(r['not_updated'])} lần chưa cập nhật "
                    f"đúng hạn ({fmt.fmt_rate(r['update_rate'])})",
                    nav.PAGE_UNITS,
                    nav.link_params(f, donvi=r["key"]),
                )
                for r in worst
                if r["not_updated"]
            ]
        )

# The Office's own duty (Điều 15.5): feedback answered within 7 working days.
duties = result.get("office_duties")
if duties is not None:
    st.markdown("**Văn phòng UBND tỉnh: xử lý phản ánh của đơn vị trong 07 ngày làm việc**")
    cards.show_row(
        [
            cards.Card(
                "Tỷ lệ xử lý đúng hạn",
                fmt.fmt_rate(duties["rate"]),
                help="Trên số phản ánh đã đến hạn xử lý (Điều 15.5): văn bản đôn đốc hoặc báo cáo "
                "xin ý kiến chỉ đạo trong 07 ngày làm việc kể từ khi nhận.",
            ),
            cards.Card("Phản ánh đã đến hạn", fmt.fmt_count(duties["fallen_due"])),
            cards.Card("Không xử lý đúng hạn", fmt.fmt_count(duties["missed"])),
            cards.Card("Đang trong hạn xử lý", fmt.fmt_count(duties["open_in_time"])),
        ]
    )
