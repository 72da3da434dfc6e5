"""Altair charts built from metric summaries, shared by the dashboard and the briefings (biểu đồ).

One fixed colour per status category everywhere (Okabe–Ito palette: distinguishable for
colour-blind readers and on a projector). Titles, axes and tooltips are Vietnamese.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import altair as alt
import pandas as pd

from core.metrics import CATEGORIES, RATE_LABELS
from core.vocab import STATUS_LABELS

STATUS_COLORS: dict[str, str] = {
    "completed_on_time": "#009E73",  # bluish green
    "completed_late": "#E69F00",  # orange
    "open_within_deadline": "#56B4E9",  # sky blue
    "open_overdue": "#D55E00",  # vermillion
    "no_deadline_completed": "#7F7F7F",  # grey: tasks without a deadline
    "no_deadline_open": "#BDBDBD",  # light grey
}
FONT = "DejaVu Sans"  # carries Vietnamese diacritics; installed with fonts-dejavu-core


def status_scale() -> alt.Scale:
    """The colour scale mapping Vietnamese category labels to their fixed colours."""
    return alt.Scale(
        domain=[STATUS_LABELS[c] for c in CATEGORIES],
        range=[STATUS_COLORS[c] for c in CATEGORIES],
    )


def _base(chart: alt.Chart, scale: float = 1.0) -> alt.Chart:
    size = int(13 * scale)
    configured = (
        chart.configure_axis(
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=size,
            titleFontSize=size,
            labelLimit=420,
        )
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=size, titleFontSize=size)
        .configure_title(font=FONT, fontSize=int(15 * scale))
        .configure_text(font=FONT)
    )
    return cast(alt.Chart, configured)


def status_breakdown(total: Mapping[str, Any], scale: float = 1.0, width: int = 560) -> alt.Chart:
    """A horizontal bar per status category with its count."""
    df = pd.DataFrame(
        [{"Trạng thái": STATUS_LABELS[c], "Số nhiệm vụ": int(total.get(c, 0))} for c in CATEGORIES]
    )
    chart = (
        alt.Chart(df, title="Nhiệm vụ theo trạng thái")
        .mark_bar()
        .encode(
            y=alt.Y("Trạng thái:N", sort=list(df["Trạng thái"]), title=None),
            x=alt.X("Số nhiệm vụ:Q", title="Số nhiệm vụ"),
            color=alt.Color("Trạng thái:N", scale=status_scale(), legend=None),
            tooltip=["Trạng thái:N", alt.Tooltip("Số nhiệm vụ:Q", format=",d")],
        )
        .properties(width=width, height=int(32 * len(CATEGORIES) * scale))
    )
    return _base(chart, scale)


def ranking_bars(
    rows: Sequence[Mapping[str, Any]],
    rate: str = "on_time_rate_due",
    limit: int = 25,
    scale: float = 1.0,
    width: int = 560,
) -> alt.Chart:
    """Units ranked by a rate (best at the top), with the counts in the tooltip."""
    data = [r for r in rows if r.get(rate) is not None][:limit]
    df = pd.DataFrame(
        [
            {
                "Đơn vị": r["name"],
                "Mã": r["key"],
                "Tỷ lệ": float(r[rate]) * 100,
                "Đã đến hạn": int(r["completed_on_time"] + r["completed_late"] + r["open_overdue"]),
                "Quá hạn": int(r["open_overdue"]),
                "Giao": int(r["assigned"]),
            }
            for r in data
        ],
        columns=["Đơn vị", "Mã", "Tỷ lệ", "Đã đến hạn", "Quá hạn", "Giao"],
    )
    chart = (
        alt.Chart(df, title=RATE_LABELS[rate])
        .mark_bar(color=STATUS_COLORS["completed_on_time"])
        .encode(
            y=alt.Y("Đơn vị:N", sort=list(df["Đơn vị"]), title=None),
            x=alt.X("Tỷ lệ:Q", title="Tỷ lệ (%)", scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                "Đơn vị:N",
                alt.Tooltip("Tỷ lệ:Q", format=".1f", title="Tỷ lệ (%)"),
                "Đã đến hạn:Q",
                "Quá hạn:Q",
                "Giao:Q",
            ],
        )
        .properties(width=width, height=max(60, int(22 * len(df) * scale)))
    )
    return _base(chart, scale)


def trend_lines(
    points: Sequence[Mapping[str, Any]],
    rate: str = "on_time_rate_due",
    scale: float = 1.0,
    width: int = 560,
) -> alt.Chart:
    """The rate per period (oldest first) with the number of tasks due in the tooltip."""
    df = pd.DataFrame(
        [
            {
                "Kỳ": p["label"],
                "Thứ tự": i,
                "Tỷ lệ": float(p[rate]) * 100 if p.get(rate) is not None else None,
                "Đã đến hạn": int(p["completed_on_time"] + p["completed_late"] + p["open_overdue"]),
            }
            for i, p in enumerate(points)
        ],
        columns=["Kỳ", "Thứ tự", "Tỷ lệ", "Đã đến hạn"],
    )
    chart = (
        alt.Chart(df, title=f"Xu hướng: {RATE_LABELS[rate].lower()}")
        .mark_line(point=True, color="#0072B2")
        .encode(
            x=alt.X("Kỳ:N", sort=list(df["Kỳ"]), title="Kỳ báo cáo", axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("Tỷ lệ:Q", title="Tỷ lệ (%)", scale=alt.Scale(domain=[0, 100])),
            tooltip=["Kỳ:N", alt.Tooltip("Tỷ lệ:Q", format=".1f"), "Đã đến hạn:Q"],
        )
        .properties(width=width, height=int(260 * scale))
    )
    return _base(chart, scale)
