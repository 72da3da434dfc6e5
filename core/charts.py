"""Charts built from metric summaries, shared by the dashboard and the briefings (biểu đồ): Altair
charts, and the screen charts a page draws at every click as plain Vega-Lite dictionaries.

One fixed colour per status category everywhere (Okabe–Ito palette: distinguishable for
colour-blind readers and on a projector). Titles, axes and tooltips are Vietnamese.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

import altair as alt
import pandas as pd

from core.metrics import CATEGORIES, RATE_LABELS, rate_numerator
from core.numbers import format_count, format_percent
from core.vocab import STATUS_LABELS

STATUS_COLORS: dict[str, str] = {
    "completed_on_time": "#009E73",  # bluish green
    "completed_late": "#E69F00",  # orange
    "open_within_deadline": "#56B4E9",  # sky blue
    "open_overdue": "#D55E00",  # vermillion
    "no_deadline_completed": "#7F7F7F",  # grey: tasks without a deadline
    "no_deadline_open": "#BDBDBD",  # light grey
}
# Full Vietnamese coverage (DejaVu Sans draws «Tỷ» like «Tý» at small sizes; Liberation Sans 1.x
# lacks U+1EF7): Noto Sans, Debian package fonts-noto-core. The rest is the browser's fallback.
FONT = "Noto Sans, Liberation Sans, Arial, sans-serif"
FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")
# Numbers in tooltips and axes the Vietnamese way: 1.234 and 98,6.
VN_LOCALE: dict[str, Any] = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đ"]},
}


COUNT_AXIS = alt.Axis(format=",d", tickMinStep=1)  # counts: whole numbers, 1.234 (VN_LOCALE)


def short_rate_label(rate: str) -> str:
    """'Tỷ lệ hoàn thành đúng hạn' (the label without its denominator, for chart titles)."""
    return RATE_LABELS[rate].split(" (")[0]


def _title_lines(label: str) -> list[str]:
    """A rate label as two title lines (name; denominator), so narrow columns do not cut it."""
    name, _sep, rest = label.partition(" (")
    return [name, f"({rest}"] if rest else [name]


PERIOD_AXIS = alt.Axis(labelAngle=-50, labelOverlap=False)  # every period labelled


def status_scale() -> alt.Scale:
    """The colour scale mapping Vietnamese category labels to their fixed colours."""
    return alt.Scale(
        domain=[STATUS_LABELS[c] for c in CATEGORIES],
        range=[STATUS_COLORS[c] for c in CATEGORIES],
    )


def _base(chart: alt.Chart, scale: float = 1.0) -> alt.Chart:
    size = int(13 * scale)
    # fit-x: fill the column's width but keep the height asked for (labels never dropped).
    sized = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    configured = (
        sized.configure(locale=VN_LOCALE)
        .configure_axis(
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=size,
            titleFontSize=size,
            labelLimit=420,
        )
        .configure_legend(
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=size,
            titleFontSize=size,
            labelLimit=420,  # category names are long ("Không thời hạn, chưa hoàn thành")
        )
        .configure_title(font=FONT, fontSize=int(15 * scale))
        .configure_text(font=FONT)
    )
    return cast(alt.Chart, configured)


# --- screen charts as plain Vega-Lite --------------------------------------------------------
#
# The charts a page draws at every click are written as Vega-Lite dictionaries: building them with
# Altair cost 20-45 ms each (benchmarks/bench_charts.py), the dictionaries well under one. They are
# the very specifications Altair made of the same charts (`_base`: theme view size left out, as
# dashboard/chart_view.py draws them), down to the names of their datasets;
# tests/dashboard/test_chart_dicts.py holds them equal to the Altair charts they replace.


def _screen_config(scale: float) -> dict[str, Any]:
    """`_base`'s configuration: Vietnamese numbers, fonts and sizes for the screen."""
    size = int(13 * scale)
    fonts = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": size,
        "titleFontSize": size,
        "labelLimit": 420,
    }
    return {
        "locale": json.loads(json.dumps(VN_LOCALE)),  # a copy: a page may not change the original
        "axis": dict(fonts),
        "legend": dict(fonts),
        "title": {"font": FONT, "fontSize": int(15 * scale)},
        "text": {"font": FONT},
    }


def _bar_labels(
    y: dict[str, Any], x_field: str, text: dict[str, Any], scale: float
) -> dict[str, Any]:
    """The layer writing each horizontal bar's figure just past its end."""
    return {
        "mark": {
            "type": "text",
            "align": "left",
            "dx": 4,
            "fontSize": int(12 * scale),
            "color": "#222222",
        },
        "encoding": {
            "y": y,
            "x": {"field": x_field, "type": "quantitative"},
            "text": text,
        },
    }


def _screen_spec(
    body: dict[str, Any], datasets: dict[str, list[dict[str, Any]]], scale: float
) -> dict[str, Any]:
    """A whole screen chart: `body` (marks, data, title, size) with `_base`'s settings."""
    return {
        "$schema": alt.SCHEMA_URL,
        "config": _screen_config(scale),
        "autosize": {"type": "fit-x", "contains": "padding"},
        **body,
        "datasets": datasets,
    }


def _named_data(
    values: list[dict[str, Any]], datasets: dict[str, list[dict[str, Any]]]
) -> dict[str, str]:
    """Put rows among the chart's datasets under the name Altair gives them (a hash of their
    JSON) and return the reference to them."""
    if values == [{}]:
        name = "empty"
    else:
        text = json.dumps(values, sort_keys=True, default=str)
        name = "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]
    datasets[name] = values
    return {"name": name}


def _count_axis() -> dict[str, Any]:
    """`COUNT_AXIS` as Vega-Lite."""
    return {"format": ",d", "tickMinStep": 1}


def _status_scale_spec() -> dict[str, list[str]]:
    """`status_scale()` as Vega-Lite."""
    return {
        "domain": [STATUS_LABELS[c] for c in CATEGORIES],
        "range": [STATUS_COLORS[c] for c in CATEGORIES],
    }


def status_breakdown(
    total: Mapping[str, Any],
    scale: float = 1.0,
    width: int = 560,
    categories: Sequence[str] = CATEGORIES,
) -> dict[str, Any]:
    """A horizontal bar per status category with its count written at its end (Vega-Lite).

    `categories`: the ones that can occur in the population shown (tasks due in a period all have
    a deadline: the two "no deadline" rows would always be empty).
    """
    counts = [int(total.get(c, 0)) for c in categories]
    values = [
        {"Trạng thái": STATUS_LABELS[c], "Số nhiệm vụ": n, "Nhãn": format_count(n)}
        for c, n in zip(categories, counts, strict=True)
    ]
    top = max(counts or [1])
    datasets: dict[str, list[dict[str, Any]]] = {}
    y = {
        "field": "Trạng thái",
        "type": "nominal",
        "sort": [v["Trạng thái"] for v in values],
        "title": None,
    }
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": y,
            "x": {
                "field": "Số nhiệm vụ",
                "type": "quantitative",
                "title": "Số nhiệm vụ",
                "axis": _count_axis(),
                "scale": {"domainMax": max(top, 1) * 1.15},
            },
            "color": {
                "field": "Trạng thái",
                "type": "nominal",
                "scale": _status_scale_spec(),
                "legend": None,
            },
            "tooltip": [
                {"field": "Trạng thái", "type": "nominal"},
                {"field": "Số nhiệm vụ", "type": "quantitative", "format": ",d"},
            ],
        },
    }
    labels = _bar_labels(y, "Số nhiệm vụ", {"field": "Nhãn", "type": "nominal"}, scale)
    return _screen_spec(
        {
            "data": _named_data(values, datasets),
            "layer": [bars, labels],
            "title": "Nhiệm vụ theo trạng thái",
            "width": width,
            "height": int(32 * len(values) * scale),
        },
        datasets,
        scale,
    )


def trend_lines(
    points: Sequence[Mapping[str, Any]],
    rate: str = "on_time_rate_due",
    scale: float = 1.0,
    width: int = 560,
) -> dict[str, Any]:
    """The rate per period (oldest first) with the number of tasks due in the tooltip
    (Vega-Lite).

    A point marked `partial` (the running period) is drawn hollow at the end of a dashed
    segment and labelled «(đang diễn ra)» in the tooltip: it is not a finished period.
    """
    values = [
        {
            "Kỳ": p["label"],
            "Thứ tự": i,
            "Tỷ lệ": float(p[rate]) * 100 if p.get(rate) is not None else None,
            "Đã đến hạn": int(p["completed_on_time"] + p["completed_late"] + p["open_overdue"]),
            "Đủ kỳ": "Kỳ đang diễn ra" if p.get("partial") else "Kỳ đã kết thúc",
        }
        for i, p in enumerate(points)
    ]
    datasets: dict[str, list[dict[str, Any]]] = {}
    x = {
        "field": "Kỳ",
        "type": "nominal",
        "sort": [v["Kỳ"] for v in values],
        "title": "Kỳ báo cáo",
        "axis": {"labelAngle": -50, "labelOverlap": False},
    }
    y = {
        "field": "Tỷ lệ",
        "type": "quantitative",
        "title": "Tỷ lệ (%)",
        "scale": {"domain": [0, 100]},
    }
    tooltip = [
        {"field": "Kỳ", "type": "nominal"},
        {"field": "Tỷ lệ", "type": "quantitative", "format": ".1f"},
        {"field": "Đã đến hạn", "type": "quantitative"},
        {"field": "Đủ kỳ", "type": "nominal"},
    ]
    encoding = {"x": x, "y": y, "tooltip": tooltip}
    whole = [v for v in values if v["Đủ kỳ"] == "Kỳ đã kết thúc"]
    layers: list[tuple[list[dict[str, Any]], dict[str, Any]]] = [
        (whole, {"type": "line", "point": True, "color": "#0072B2"})
    ]
    if len(whole) < len(values):
        layers.append(
            (
                values[max(0, len(whole) - 1) :],
                {"type": "line", "color": "#0072B2", "strokeDash": [6, 4]},
            )
        )
        layers.append(
            (
                [v for v in values if v["Đủ kỳ"] == "Kỳ đang diễn ra"],
                {
                    "type": "point",
                    "color": "#0072B2",
                    "filled": False,
                    "size": int(90 * scale),
                    "strokeWidth": 2,
                },
            )
        )
    body: dict[str, Any] = {
        "title": f"Xu hướng {short_rate_label(rate).lower()}",
        "width": width,
        "height": int(260 * scale),
    }
    if len(layers) == 1:  # one layer: its data belongs to the whole chart (as Altair puts it)
        body["data"] = _named_data(whole, datasets)
        body["layer"] = [{"mark": layers[0][1], "encoding": encoding}]
    else:
        body["layer"] = [
            {"data": _named_data(rows, datasets), "mark": mark, "encoding": encoding}
            for rows, mark in layers
        ]
    return _screen_spec(body, datasets, scale)


def rate_heatmap(
    rows: Sequence[Mapping[str, Any]],
    rate: str = "on_time_rate_due",
    scale: float = 1.0,
    width: int = 560,
) -> alt.Chart:
    """Unit × period grid of a rate (rows: `trend(by_unit=True)` rows with `label` and `name`).

    Cells without a denominator stay blank; the colour runs from vermillion (low) through
    yellow to bluish green (high), the same ends as "quá hạn" and "đúng hạn" elsewhere.
    """
    periods: list[str] = []
    for r in rows:
        if r["label"] not in periods:
            periods.append(r["label"])
    df = pd.DataFrame(
        [
            {
                "Đơn vị": r["name"],
                "Kỳ": r["label"],
                "Tỷ lệ": float(r[rate]) * 100 if r.get(rate) is not None else None,
                "Đã đến hạn": int(r["completed_on_time"] + r["completed_late"] + r["open_overdue"]),
            }
            for r in rows
        ],
        columns=["Đơn vị", "Kỳ", "Tỷ lệ", "Đã đến hạn"],
    )
    units = list(dict.fromkeys(df["Đơn vị"]))
    chart = (
        alt.Chart(df.dropna(subset=["Tỷ lệ"]), title=f"{short_rate_label(rate)} theo đơn vị và kỳ")
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("Kỳ:N", sort=periods, title="Kỳ báo cáo", axis=PERIOD_AXIS),
            y=alt.Y("Đơn vị:N", sort=units, title=None),
            color=alt.Color(
                "Tỷ lệ:Q",
                title="Tỷ lệ (%)",
                scale=alt.Scale(
                    domain=[0, 50, 100],
                    range=[
                        STATUS_COLORS["open_overdue"],
                        "#F0E442",
                        STATUS_COLORS["completed_on_time"],
                    ],
                ),
            ),
            tooltip=[
                "Đơn vị:N",
                "Kỳ:N",
                alt.Tooltip("Tỷ lệ:Q", format=".1f", title="Tỷ lệ (%)"),
                alt.Tooltip("Đã đến hạn:Q", format=",d"),
            ],
        )
        .properties(width=width, height=max(60, int(24 * len(units) * scale)))
    )
    return _base(chart, scale)


def status_stack(
    rows: Sequence[Mapping[str, Any]], scale: float = 1.0, width: int = 560, title: str = ""
) -> alt.Chart:
    """One horizontal bar per row (`name`) split into the status categories, fixed colours."""
    names = [str(r["name"]) for r in rows]
    df = pd.DataFrame(
        [
            {
                "Nhóm": str(r["name"]),
                "Trạng thái": STATUS_LABELS[c],
                "Thứ tự": i,
                "Số nhiệm vụ": int(r.get(c, 0)),
            }
            for r in rows
            for i, c in enumerate(CATEGORIES)
        ],
        columns=["Nhóm", "Trạng thái", "Thứ tự", "Số nhiệm vụ"],
    )
    chart = (
        alt.Chart(df, title=title or "Nhiệm vụ theo trạng thái")
        .mark_bar()
        .encode(
            y=alt.Y("Nhóm:N", sort=names, title=None),
            x=alt.X("sum(Số nhiệm vụ):Q", title="Số nhiệm vụ", axis=COUNT_AXIS),
            color=alt.Color(
                "Trạng thái:N",
                scale=status_scale(),
                legend=alt.Legend(title=None, orient="bottom", columns=3),
            ),
            order=alt.Order("Thứ tự:Q"),
            tooltip=["Nhóm:N", "Trạng thái:N", alt.Tooltip("Số nhiệm vụ:Q", format=",d")],
        )
        .properties(width=width, height=max(60, int(26 * len(names) * scale)))
    )
    return _base(chart, scale)


# The view that holds a clickable chart's unit selection (Altair names it at random).
SELECT_VIEW = "view_don_vi"


def _unit_selection() -> list[dict[str, Any]]:
    """The selection "don_vi" on field "Mã" (a click selects a unit), held by `SELECT_VIEW`."""
    return [
        {"name": "don_vi", "select": {"type": "point", "fields": ["Mã"]}, "views": [SELECT_VIEW]}
    ]


def rate_ranking(
    rows: Sequence[Mapping[str, Any]],
    rate: str = "on_time_rate_due",
    scale: float = 1.0,
    width: int = 560,
    selectable: bool = False,
) -> dict[str, Any]:
    """Ranked units in the order given (`rank_rows`: worst first), each named with its rank
    («12. Sở Y tế») and its bar labelled with the rate and numerator/denominator («66,7% (2/3)»)
    (Vega-Lite).

    A unit at 0% keeps a visible row: a faint track spans the whole scale behind every bar,
    and with `selectable` a click anywhere on the row selects the unit (selection "don_vi" on
    field "Mã").
    """
    records = []
    for r in rows:
        if not r.get("ranked", r.get(rate) is not None):
            continue
        value = float(r[rate]) * 100
        volume = int(r.get("volume") or 0)
        part = rate_numerator(r, rate)
        text = f"{format_percent(value)} ({part}/{volume})"
        name = f"{r['rank']}. {r['name']}" if r.get("rank") is not None else str(r["name"])
        records.append({"Đơn vị": name, "Mã": r["key"], "Tỷ lệ": value, "Nhãn": text, "Nền": 100.0})
    datasets: dict[str, list[dict[str, Any]]] = {}
    y = {
        "field": "Đơn vị",
        "type": "nominal",
        "sort": [v["Đơn vị"] for v in records],
        "title": None,
        "axis": {"labelLimit": int(300 * scale)},
    }
    track: dict[str, Any] = {
        "mark": {"type": "bar", "color": "#EEEEEE"},
        "encoding": {
            "y": y,
            # Room right of 100% for the labels; the axis stops at 100.
            "x": {
                "field": "Nền",
                "type": "quantitative",
                "title": "Tỷ lệ (%)",
                "scale": {"domain": [0, 140]},
                "axis": {"values": [0, 20, 40, 60, 80, 100]},
            },
            "tooltip": [
                {"field": "Đơn vị", "type": "nominal"},
                {"field": "Nhãn", "type": "nominal", "title": "Tỷ lệ (số nhiệm vụ)"},
            ],
        },
    }
    colour = (
        STATUS_COLORS["open_overdue"]
        if rate == "overdue_share_assigned"
        else STATUS_COLORS["completed_on_time"]
    )
    bars = {
        "mark": {"type": "bar", "color": colour},
        "encoding": {
            "y": y,
            "x": {"field": "Tỷ lệ", "type": "quantitative"},
            "tooltip": [
                {"field": "Đơn vị", "type": "nominal"},
                {"field": "Nhãn", "type": "nominal", "title": "Tỷ lệ"},
            ],
        },
    }
    labels = _bar_labels(y, "Tỷ lệ", {"field": "Nhãn", "type": "nominal"}, scale)
    body: dict[str, Any] = {
        "data": _named_data(records, datasets),
        "layer": [track, bars, labels],
        "title": {"text": _title_lines(RATE_LABELS[rate])},
        "width": width,
        "height": max(60, int(24 * len(records) * scale)),
    }
    if selectable:
        track["name"] = SELECT_VIEW
        body["params"] = _unit_selection()
    return _screen_spec(body, datasets, scale)


def overdue_by_unit(
    units: Sequence[Mapping[str, Any]],
    scale: float = 1.0,
    width: int = 560,
    selectable: bool = False,
) -> dict[str, Any]:
    """Open overdue tasks per unit (`backlog()["units"]`, most first): overdue more than 120
    working days in the darkest tone, the rest in vermillion, the total written at the end
    (Vega-Lite).

    The x scale leaves room right of the longest bar for its total."""
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
    totals = [{"Đơn vị": u["name"], "Mã": u["key"], "Tổng": int(u["open_overdue"])} for u in units]
    datasets: dict[str, list[dict[str, Any]]] = {}
    y = {
        "field": "Đơn vị",
        "type": "nominal",
        "sort": [str(u["name"]) for u in units],
        "title": None,
        "axis": {"labelLimit": int(300 * scale)},
    }
    bars: dict[str, Any] = {
        "data": _named_data(parts, datasets),
        "mark": {"type": "bar"},
        "encoding": {
            "y": y,
            "x": {
                "field": "Số",
                "type": "quantitative",
                "aggregate": "sum",
                "title": "Nhiệm vụ quá hạn",
                "axis": _count_axis(),
                "scale": {"domainMax": max([int(u["open_overdue"]) for u in units] or [1]) * 1.15},
            },
            "color": {
                "field": "Nhóm",
                "type": "nominal",
                "scale": {
                    "domain": ["Trên 120 ngày", "Đến 120 ngày"],
                    "range": ["#8C3A00", STATUS_COLORS["open_overdue"]],
                },
                "legend": None,  # the page says it in words: dark = over 120 working days
            },
            "order": {"field": "Nhóm", "type": "nominal", "sort": "descending"},
            # kept through the sum: a click selects the unit's code
            "detail": {"field": "Mã", "type": "nominal"},
            "tooltip": [
                {"field": "Đơn vị", "type": "nominal"},
                {"field": "Nhóm", "type": "nominal"},
                {"field": "Số", "type": "quantitative", "format": ",d"},
            ],
        },
    }
    text = {
        "data": _named_data(totals, datasets),
        **_bar_labels(y, "Tổng", {"field": "Tổng", "type": "quantitative", "format": ",d"}, scale),
    }
    body: dict[str, Any] = {
        "layer": [bars, text],
        "title": "Đơn vị đang có nhiệm vụ quá hạn",
        "width": width,
        "height": max(60, int(24 * len(units) * scale)),
    }
    if selectable:
        bars["name"] = SELECT_VIEW
        body["params"] = _unit_selection()
    return _screen_spec(body, datasets, scale)


# --- print: the charts of the Word briefing ---------------------------------------------------
#
# Drawn for a fixed paper size: PRINT_WIDTH pixels across the 160 mm the chart takes in the
# text area (about 0.24 mm a pixel: 14 px labels print at about 9.5 pt). `autosize: fit` makes
# the whole picture exactly width × height, so the Word extent keeps the PNG's ratio; labels are
# limited in pixels and the plot takes the rest.

PRINT_WIDTH = 680
PRINT_LABEL = 14
PRINT_TITLE = 16
RATE_TRACK = "#E6E6E6"  # the empty part of a rate bar (0-100 %), so a unit at 0 % still shows


def _print_config(chart: alt.TopLevelMixin, height: int, width: int = PRINT_WIDTH) -> alt.Chart:
    sized = chart.properties(
        width=width,
        height=height,
        autosize=alt.AutoSizeParams(type="fit", contains="padding"),
        padding={"left": 6, "right": 10, "top": 6, "bottom": 6},
        background="white",
    )
    configured = (
        sized.configure(locale=VN_LOCALE, font=FONT)
        .configure_axis(
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=PRINT_LABEL,
            titleFontSize=PRINT_LABEL,
            labelColor="#222222",
            titleColor="#222222",
        )
        .configure_title(font=FONT, fontSize=PRINT_TITLE, anchor="start", color="#000000", offset=8)
        .configure_text(font=FONT, fontSize=PRINT_LABEL)
        .configure_view(stroke=None)
    )
    return cast(alt.Chart, configured)


def print_status_bars(total: Mapping[str, Any], title: str) -> alt.Chart:
    """Tasks by status category: one bar each in its colour, the count and share at its end."""
    whole = sum(int(total.get(c, 0)) for c in CATEGORIES)
    rows = []
    for c in CATEGORIES:
        n = int(total.get(c, 0))
        share = format_percent(n / whole * 100) if whole else "—"
        rows.append(
            {
                "Trạng thái": STATUS_LABELS[c],
                "Số nhiệm vụ": n,
                "Nhãn": f"{format_count(n)} ({share})",
            }
        )
    df = pd.DataFrame(rows)
    top = max(1, int(df["Số nhiệm vụ"].max()))
    y = alt.Y("Trạng thái:N", sort=list(df["Trạng thái"]), title=None,
              axis=alt.Axis(labelLimit=260))  # fmt: skip
    # Room at the right of the longest bar for its label (about a third of the scale).
    x_scale = alt.Scale(domain=[0, top * 1.35], nice=False)
    bars = (
        alt.Chart(df)
        .mark_bar(height=26)
        .encode(
            y=y,
            x=alt.X("Số nhiệm vụ:Q", title="Số nhiệm vụ", scale=x_scale,
                    axis=alt.Axis(format=",d", tickMinStep=1, values=_count_ticks(top))),
            color=alt.Color("Trạng thái:N", scale=status_scale(), legend=None),
        )
    )  # fmt: skip
    labels = bars.mark_text(align="left", dx=5, fontSize=PRINT_LABEL, color="#222222").encode(
        text="Nhãn:N", color=alt.value("#222222")
    )
    chart = alt.layer(bars, labels, title=alt.TitleParams(title))
    return _print_config(chart, height=44 * len(CATEGORIES))


def _count_ticks(top: int) -> list[int]:
    """Up to five round tick values from 0 to at least `top`."""
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        step = candidate
        if top / candidate <= 5:
            break
    return list(range(0, top + step, step))


def print_ranking(
    rows: Sequence[Mapping[str, Any]], title: str, rate: str = "on_time_rate_due"
) -> alt.Chart:
    """Units' rates as bars on a 0-100 % track, in the order given (worst first), each with
    its value and denominator ("66,7% (8/12)"); `rank` (shared on ties) before the name."""
    data = []
    for r in rows:
        value = float(r[rate]) * 100 if r.get(rate) is not None else 0.0
        volume = int(r.get("volume") or 0)
        part = rate_numerator(r, rate)
        rank = f"{r['rank']}. " if r.get("rank") else ""
        data.append(
            {
                "Đơn vị": f"{rank}{r.get('short_name') or r['name']}",
                "Tỷ lệ": value,
                "Nền": 100.0,
                "Nhãn": f"{format_percent(value)} ({part}/{volume})",
            }
        )
    df = pd.DataFrame(data, columns=["Đơn vị", "Tỷ lệ", "Nền", "Nhãn"])
    order = list(df["Đơn vị"])
    y = alt.Y("Đơn vị:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    x_axis = alt.Axis(values=[0, 25, 50, 75, 100], labelExpr="datum.value + '%'")
    track = (
        alt.Chart(df)
        .mark_bar(height=16, color=RATE_TRACK)
        .encode(y=y, x=alt.X("Nền:Q", title=None, scale=x_scale, axis=x_axis))
    )
    bars = (
        alt.Chart(df)
        .mark_bar(height=16, color=STATUS_COLORS["completed_on_time"])
        .encode(y=y, x=alt.X("Tỷ lệ:Q", scale=x_scale))
    )
    labels = (
        alt.Chart(df)
        .mark_text(align="left", dx=6, fontSize=PRINT_LABEL - 1, color="#222222")
        .encode(y=y, x=alt.X("Nền:Q", scale=x_scale), text="Nhãn:N")
    )
    chart = alt.layer(track, bars, labels, title=alt.TitleParams(title))
    return _print_config(chart, height=max(80, 26 * len(df)))


def print_trend(
    points: Sequence[Mapping[str, Any]], title: str, rate: str = "on_time_rate_due"
) -> alt.Chart:
    """The rate per period, oldest first, each point labelled; a period still running at the
    cut-off (`partial`) is drawn as an open point with a dashed segment."""
    df = pd.DataFrame(
        [
            {
                "Kỳ": p["label"].replace("Tháng ", "T"),
                "Tỷ lệ": float(p[rate]) * 100 if p.get(rate) is not None else None,
                "Nhãn": (f"{float(p[rate]) * 100:.0f}%" if p.get(rate) is not None else ""),
                "Đang diễn ra": bool(p.get("partial")),
            }
            for p in points
        ],
        columns=["Kỳ", "Tỷ lệ", "Nhãn", "Đang diễn ra"],
    )
    order = list(df["Kỳ"])
    x = alt.X("Kỳ:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=120))
    y = alt.Y("Tỷ lệ:Q", title="Tỷ lệ (%)", scale=alt.Scale(domain=[0, 110], nice=False),
              axis=alt.Axis(values=[0, 20, 40, 60, 80, 100]))  # fmt: skip
    colour = "#0072B2"
    line = alt.Chart(df).mark_line(color=colour, strokeWidth=3).encode(x=x, y=y)
    dots = (
        alt.Chart(df)
        .mark_point(size=90, filled=True, color=colour, opacity=1)
        .encode(
            x=x,
            y=y,
            fill=alt.condition("datum['Đang diễn ra']", alt.value("white"), alt.value(colour)),
        )
    )
    labels = (
        alt.Chart(df)
        .mark_text(dy=-14, fontSize=PRINT_LABEL - 1, color="#222222")
        .encode(x=x, y=y, text="Nhãn:N")
    )
    chart = alt.layer(line, dots, labels, title=alt.TitleParams(title))
    return _print_config(chart, height=330)
