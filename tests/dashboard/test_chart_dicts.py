"""The screen charts written as plain Vega-Lite (core/charts.py) are the very specifications the
Altair charts they replace gave (as dashboard/chart_view.py drew them), for any figures: the
Altair builders of before are kept here as the reference."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as hs

from core import charts
from core.charts import COUNT_AXIS, PERIOD_AXIS, _base, short_rate_label, status_scale
from core.metrics import CATEGORIES, RATE_FIELDS
from core.numbers import format_count
from core.vocab import STATUS_LABELS
from dashboard.chart_view import spec_of

# --- the Altair charts of before (core/charts.py up to the plain dictionaries) -----------------


def altair_status_breakdown(
    total: Mapping[str, Any],
    scale: float = 1.0,
    width: int = 560,
    categories: Sequence[str] = CATEGORIES,
) -> alt.Chart:
    df = pd.DataFrame(
        [
            {
                "Trạng thái": STATUS_LABELS[c],
                "Số nhiệm vụ": int(total.get(c, 0)),
                "Nhãn": format_count(int(total.get(c, 0))),
            }
            for c in categories
        ],
        columns=["Trạng thái", "Số nhiệm vụ", "Nhãn"],
    )
    top = max([int(total.get(c, 0)) for c in categories] or [1])
    y = alt.Y("Trạng thái:N", sort=list(df["Trạng thái"]), title=None)
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "Số nhiệm vụ:Q",
                title="Số nhiệm vụ",
                axis=COUNT_AXIS,
                scale=alt.Scale(domainMax=max(top, 1) * 1.15),
            ),
            color=alt.Color("Trạng thái:N", scale=status_scale(), legend=None),
            tooltip=["Trạng thái:N", alt.Tooltip("Số nhiệm vụ:Q", format=",d")],
        )
    )
    labels = (
        alt.Chart(df)
        .mark_text(align="left", dx=4, fontSize=int(12 * scale), color="#222222")
        .encode(y=y, x="Số nhiệm vụ:Q", text="Nhãn:N")
    )
    chart = alt.layer(bars, labels).properties(
        title="Nhiệm vụ theo trạng thái",
        width=width,
        height=int(32 * len(df) * scale),
    )
    return _base(chart, scale)  # type: ignore[arg-type]


def altair_trend_lines(
    points: Sequence[Mapping[str, Any]],
    rate: str = "on_time_rate_due",
    scale: float = 1.0,
    width: int = 560,
) -> alt.Chart:
    df = pd.DataFrame(
        [
            {
                "Kỳ": p["label"],
                "Thứ tự": i,
                "Tỷ lệ": float(p[rate]) * 100 if p.get(rate) is not None else None,
                "Đã đến hạn": int(p["completed_on_time"] + p["completed_late"] + p["open_overdue"]),
                "Đủ kỳ": "Kỳ đang diễn ra" if p.get("partial") else "Kỳ đã kết thúc",
            }
            for i, p in enumerate(points)
        ],
        columns=["Kỳ", "Thứ tự", "Tỷ lệ", "Đã đến hạn", "Đủ kỳ"],
    )
    x = alt.X("Kỳ:N", sort=list(df["Kỳ"]), title="Kỳ báo cáo", axis=PERIOD_AXIS)
    y = alt.Y("Tỷ lệ:Q", title="Tỷ lệ (%)", scale=alt.Scale(domain=[0, 100]))
    tooltip = ["Kỳ:N", alt.Tooltip("Tỷ lệ:Q", format=".1f"), "Đã đến hạn:Q", "Đủ kỳ:N"]
    whole = df[df["Đủ kỳ"] == "Kỳ đã kết thúc"]
    layers: list[Any] = [
        alt.Chart(whole).mark_line(point=True, color="#0072B2").encode(x=x, y=y, tooltip=tooltip)
    ]
    if len(whole) < len(df):
        tail = df.iloc[max(0, len(whole) - 1) :]
        layers.append(
            alt.Chart(tail)
            .mark_line(color="#0072B2", strokeDash=[6, 4])
            .encode(x=x, y=y, tooltip=tooltip)
        )
        layers.append(
            alt.Chart(df[df["Đủ kỳ"] == "Kỳ đang diễn ra"])
            .mark_point(color="#0072B2", filled=False, size=int(90 * scale), strokeWidth=2)
            .encode(x=x, y=y, tooltip=tooltip)
        )
    chart = alt.layer(*layers).properties(
        title=f"Xu hướng {short_rate_label(rate).lower()}", width=width, height=int(260 * scale)
    )
    return _base(chart, scale)  # type: ignore[arg-type]


# --- the figures, as the pages give them -------------------------------------------------------

counts = hs.integers(min_value=0, max_value=2_000_000)
scales = hs.sampled_from([1.0, 1.45])  # the screen, the meeting room's projector
widths = hs.sampled_from([560, 900])


@hs.composite
def totals(draw: hs.DrawFn) -> dict[str, Any]:
    return {c: draw(counts) for c in CATEGORIES if draw(hs.booleans()) or c == "open_overdue"}


@hs.composite
def trend_points(draw: hs.DrawFn) -> list[dict[str, Any]]:
    n = draw(hs.integers(min_value=0, max_value=13))
    running = draw(hs.integers(min_value=0, max_value=2))  # the last periods may be running
    out = []
    for i in range(n):
        on_time, late, overdue = draw(counts), draw(counts), draw(counts)
        due = on_time + late + overdue
        point: dict[str, Any] = {
            "label": f"Tháng {i % 12 + 1}/{2025 + i // 12}",
            "completed_on_time": on_time,
            "completed_late": late,
            "open_overdue": overdue,
            "partial": i >= n - running,
        }
        for rate in RATE_FIELDS:
            point[rate] = draw(hs.sampled_from([None, on_time / due if due else None, 0.5, 1]))
        out.append(point)
    return out


@settings(max_examples=200, deadline=None)
@given(total=totals(), scale=scales, width=widths, due_only=hs.booleans())
def test_status_breakdown_is_the_altair_chart(
    total: dict[str, Any], scale: float, width: int, due_only: bool
) -> None:
    cats = tuple(c for c in CATEGORIES if not (due_only and c.startswith("no_deadline")))
    expected = spec_of(altair_status_breakdown(total, scale, width, cats))
    assert charts.status_breakdown(total, scale, width, cats) == expected


@settings(max_examples=200, deadline=None)
@given(
    points=trend_points(),
    rate=hs.sampled_from(list(RATE_FIELDS)),
    scale=scales,
    width=widths,
)
def test_trend_lines_is_the_altair_chart(
    points: list[dict[str, Any]], rate: str, scale: float, width: int
) -> None:
    expected = spec_of(altair_trend_lines(points, rate, scale, width))
    assert charts.trend_lines(points, rate, scale, width) == expected


def test_the_examples_of_each_shape_are_the_altair_chart() -> None:
    """The shapes the pages draw most, named: a trend ending with a running period, one with
    none, a single running period; every status; no status."""
    point = {"completed_on_time": 3, "completed_late": 1, "open_overdue": 1}
    ended = [{**point, "label": f"Kỳ {i}", "on_time_rate_due": 0.6} for i in range(11)]
    running = {**point, "label": "Kỳ 11", "on_time_rate_due": None, "partial": True}
    for pts in (ended, [*ended, running], [running], []):
        assert charts.trend_lines(pts) == spec_of(altair_trend_lines(pts))
    every = {c: 10 * (i + 1) for i, c in enumerate(CATEGORIES)}
    for total in (every, {}):
        assert charts.status_breakdown(total) == spec_of(altair_status_breakdown(total))
