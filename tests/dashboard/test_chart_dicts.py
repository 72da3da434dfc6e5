"""The screen charts written as plain Vega-Lite (core/charts.py) are the very specifications the
Altair charts they replace gave (as dashboard/chart_view.py drew them), for any figures: the
Altair builders of before are kept here as the reference. (Altair names the view holding a
clickable chart's selection at random; the dictionaries name it `charts.SELECT_VIEW`.)"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as hs

from core import charts
from core.charts import (
    COUNT_AXIS,
    PERIOD_AXIS,
    STATUS_COLORS,
    _base,
    _title_lines,
    short_rate_label,
    status_scale,
)
from core.metrics import CATEGORIES, RATE_FIELDS, RATE_LABELS, rate_numerator
from core.numbers import format_count, format_percent
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


def altair_rate_ranking(
    rows: Sequence[Mapping[str, Any]],
    rate: str = "on_time_rate_due",
    scale: float = 1.0,
    width: int = 560,
    selectable: bool = False,
) -> alt.Chart:
    data = [r for r in rows if r.get("ranked", r.get(rate) is not None)]
    records = []
    for r in data:
        value = float(r[rate]) * 100
        volume = int(r.get("volume") or 0)
        part = rate_numerator(r, rate)
        text = f"{format_percent(value)} ({part}/{volume})"
        name = f"{r['rank']}. {r['name']}" if r.get("rank") is not None else str(r["name"])
        records.append({"Đơn vị": name, "Mã": r["key"], "Tỷ lệ": value, "Nhãn": text, "Nền": 100.0})
    df = pd.DataFrame(records, columns=["Đơn vị", "Mã", "Tỷ lệ", "Nhãn", "Nền"])
    order = list(df["Đơn vị"])
    y = alt.Y("Đơn vị:N", sort=order, title=None, axis=alt.Axis(labelLimit=int(300 * scale)))
    base = alt.Chart(df)
    track = base.mark_bar(color="#EEEEEE").encode(
        y=y,
        # Room right of 100% for the labels; the axis stops at 100.
        x=alt.X(
            "Nền:Q",
            title="Tỷ lệ (%)",
            scale=alt.Scale(domain=[0, 140]),
            axis=alt.Axis(values=[0, 20, 40, 60, 80, 100]),
        ),
        tooltip=["Đơn vị:N", alt.Tooltip("Nhãn:N", title="Tỷ lệ (số nhiệm vụ)")],
    )
    colour = (
        STATUS_COLORS["open_overdue"]
        if rate == "overdue_share_assigned"
        else STATUS_COLORS["completed_on_time"]
    )
    bars = base.mark_bar(color=colour).encode(
        y=y, x="Tỷ lệ:Q", tooltip=["Đơn vị:N", alt.Tooltip("Nhãn:N", title="Tỷ lệ")]
    )
    labels = base.mark_text(align="left", dx=4, fontSize=int(12 * scale), color="#222222").encode(
        y=y, x="Tỷ lệ:Q", text="Nhãn:N"
    )
    if selectable:
        track = track.add_params(alt.selection_point(name="don_vi", fields=["Mã"]))
    chart = alt.layer(track, bars, labels).properties(
        title=alt.TitleParams(_title_lines(RATE_LABELS[rate])),
        width=width,
        height=max(60, int(24 * len(df) * scale)),
    )
    return _base(chart, scale)  # type: ignore[arg-type]


def altair_overdue_by_unit(
    units: Sequence[Mapping[str, Any]],
    scale: float = 1.0,
    width: int = 560,
    selectable: bool = False,
) -> alt.Chart:
    names = [str(u["name"]) for u in units]
    parts = []
    for u in units:
        long = int(u.get("over_120", 0))
        parts.append({"Đơn vị": u["name"], "Mã": u["key"], "Nhóm": "Trên 120 ngày", "Số": long})
        parts.append(
            {
                "Đơn vị": u["name"],
                "Mã": u["key"],
                "Nhóm": "Đến 120 ngày",
                "Số": int(u["open_overdue"]) - long,
            }
        )
    df = pd.DataFrame(parts, columns=["Đơn vị", "Mã", "Nhóm", "Số"])
    totals = pd.DataFrame(
        [{"Đơn vị": u["name"], "Mã": u["key"], "Tổng": int(u["open_overdue"])} for u in units],
        columns=["Đơn vị", "Mã", "Tổng"],
    )
    y = alt.Y("Đơn vị:N", sort=names, title=None, axis=alt.Axis(labelLimit=int(300 * scale)))
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "sum(Số):Q",
                title="Nhiệm vụ quá hạn",
                axis=COUNT_AXIS,
                scale=alt.Scale(
                    domainMax=max([int(u["open_overdue"]) for u in units] or [1]) * 1.15
                ),
            ),
            color=alt.Color(
                "Nhóm:N",
                scale=alt.Scale(
                    domain=["Trên 120 ngày", "Đến 120 ngày"],
                    range=["#8C3A00", STATUS_COLORS["open_overdue"]],
                ),
                legend=None,  # the page says it in words: dark = over 120 working days
            ),
            order=alt.Order("Nhóm:N", sort="descending"),
            detail="Mã:N",  # kept through the sum: a click selects the unit's code
            tooltip=["Đơn vị:N", "Nhóm:N", alt.Tooltip("Số:Q", format=",d")],
        )
    )
    if selectable:
        bars = bars.add_params(alt.selection_point(name="don_vi", fields=["Mã"]))
    text = (
        alt.Chart(totals)
        .mark_text(align="left", dx=4, fontSize=int(12 * scale), color="#222222")
        .encode(y=y, x="Tổng:Q", text=alt.Text("Tổng:Q", format=",d"))
    )
    chart = alt.layer(bars, text).properties(
        title="Đơn vị đang có nhiệm vụ quá hạn",
        width=width,
        height=max(60, int(24 * len(names) * scale)),
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


def same_views(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with the view holding the selection named as the dictionaries name it."""
    text = json.dumps(spec, ensure_ascii=False)
    for name in re.findall(r'"(view_[0-9a-f]+_[0-9]+)"', text):
        text = text.replace(f'"{name}"', f'"{charts.SELECT_VIEW}"')
    out: dict[str, Any] = json.loads(text)
    return out


@hs.composite
def unit_rows(draw: hs.DrawFn) -> list[dict[str, Any]]:
    """Units as `backlog()["units"]` and `rank_rows` give them (names may repeat a rank's)."""
    n = draw(hs.integers(min_value=0, max_value=31))
    out = []
    for i in range(n):
        overdue = draw(counts)
        due = draw(hs.integers(min_value=0, max_value=5000))
        on_time = draw(hs.integers(min_value=0, max_value=due))
        row: dict[str, Any] = {
            "key": f"U{i}",
            "name": draw(hs.sampled_from(["Sở Y tế", "UBND xã Châu Hòa", f"Đơn vị {i}"])),
            "open_overdue": overdue,
            "over_120": draw(hs.integers(min_value=0, max_value=overdue)),
            "completed_on_time": on_time,
            "completed_late": due - on_time,
            "volume": due,
            "assigned": due + draw(hs.integers(min_value=0, max_value=50)),
            "rank": draw(hs.sampled_from([None, i + 1, 1])),
        }
        for rate in RATE_FIELDS:
            row[rate] = draw(hs.sampled_from([None, on_time / due if due else None, 0.0, 1]))
        if draw(hs.booleans()):
            row["ranked"] = draw(hs.booleans())
        out.append(row)
    return out


@settings(max_examples=200, deadline=None)
@given(
    rows=unit_rows(),
    rate=hs.sampled_from(list(RATE_FIELDS)),
    scale=scales,
    width=widths,
    selectable=hs.booleans(),
)
def test_rate_ranking_is_the_altair_chart(
    rows: list[dict[str, Any]], rate: str, scale: float, width: int, selectable: bool
) -> None:
    # `rank_rows(rows, rate)` ranks only rows with that rate
    rows = [
        {**r, "ranked": r["ranked"] and r.get(rate) is not None} if "ranked" in r else r
        for r in rows
    ]
    expected = same_views(spec_of(altair_rate_ranking(rows, rate, scale, width, selectable)))
    assert charts.rate_ranking(rows, rate, scale, width, selectable) == expected


@settings(max_examples=200, deadline=None)
@given(units=unit_rows(), scale=scales, width=widths, selectable=hs.booleans())
def test_overdue_by_unit_is_the_altair_chart(
    units: list[dict[str, Any]], scale: float, width: int, selectable: bool
) -> None:
    expected = same_views(spec_of(altair_overdue_by_unit(units, scale, width, selectable)))
    assert charts.overdue_by_unit(units, scale, width, selectable) == expected


def test_a_clickable_chart_keeps_its_unit_selection() -> None:
    units = [{"key": "SYT", "name": "Sở Y tế", "open_overdue": 7, "over_120": 2}]
    ranked = [{**units[0], "on_time_rate_due": 0.5, "volume": 4, "completed_on_time": 2}]
    for spec in (
        charts.overdue_by_unit(units, selectable=True),
        charts.rate_ranking(ranked, selectable=True),
    ):
        (param,) = spec["params"]
        assert param["name"] == "don_vi" and param["select"]["fields"] == ["Mã"]
        assert [layer.get("name") for layer in spec["layer"]].count(param["views"][0]) == 1
    for spec in (charts.overdue_by_unit(units), charts.rate_ranking(ranked)):
        assert "params" not in spec and not any("name" in layer for layer in spec["layer"])
