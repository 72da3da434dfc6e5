"""The briefing's charts as printed: they fit the text area, keep their ratio, show their marks
in the status colours and their whole title, in a font with Vietnamese glyphs (pixels tested)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageFont

from core import briefing as b
from core import charts
from core.metrics import CATEGORIES
from core.repository import Repository
from tests.briefing.conftest import TODAY

# Text area of A4 portrait with the template's margins (left 30, right 15, top/bottom 20 mm).
TEXT_W_MM, TEXT_H_MM = 210 - 30 - 15, 297 - 20 - 20
NOTO_BOLD = Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf")


def chart_images(doc: Any) -> list[tuple[Any, Image.Image]]:
    """(inline shape, PNG) of every picture in the document, in order."""
    out = []
    for shape in doc.inline_shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        blob = doc.part.related_parts[rid].blob
        out.append((shape, Image.open(io.BytesIO(blob)).convert("RGB")))
    return out


def colour_pixels(img: Image.Image, hex_colour: str, tolerance: int = 12) -> int:
    """How many pixels are within `tolerance` of a colour (each channel)."""
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    arr = np.asarray(img).astype(int)
    return int((np.abs(arr - target) <= tolerance).all(axis=2).sum())


def test_each_chart_fits_the_text_area_and_keeps_its_ratio(november_doc: Any) -> None:
    images = chart_images(november_doc)
    assert len(images) == 3
    for shape, img in images:
        width_mm, height_mm = shape.width.mm, shape.height.mm
        assert width_mm <= TEXT_W_MM and width_mm <= b.CHART_MAX_WIDTH_MM + 0.1
        assert height_mm <= b.CHART_MAX_HEIGHT_MM + 0.1 < TEXT_H_MM / 2
        assert width_mm >= 100  # readable: not shrunk to a stamp
        w, h = img.size
        assert abs(width_mm / height_mm - w / h) < 0.01 * (w / h)


@pytest.fixture(scope="module")
def november_data(brief_repo: Repository) -> b.BriefingData:
    return b.gather(brief_repo, b.BriefingRequest(period=november_period()), today=TODAY)


def test_status_chart_shows_a_bar_per_non_empty_category(
    november_doc: Any, november_data: b.BriefingData
) -> None:
    _shape, img = chart_images(november_doc)[0]
    total = november_data.units["total"]
    for category in CATEGORIES:
        n = colour_pixels(img, charts.STATUS_COLORS[category])
        if total[category]:
            assert n > 1500, (category, n)  # a bar, not a legend dot
        else:
            assert n < 50, (category, n)


def test_ranking_chart_draws_bars_for_the_worst_units(november_doc: Any) -> None:
    _shape, img = chart_images(november_doc)[1]
    green = colour_pixels(img, charts.STATUS_COLORS["completed_on_time"])
    track = colour_pixels(img, charts.RATE_TRACK, tolerance=4)
    assert green > 20_000 and track > 5_000, (green, track)
    # The bars start at the same x (the axis) and lie in the right part, not in the label column.
    arr = np.asarray(img).astype(int)
    target = np.array([0x00, 0x9E, 0x73])
    cols = np.where((np.abs(arr - target) <= 12).all(axis=2).any(axis=0))[0]
    assert cols.min() > img.size[0] * 0.15


def test_trend_chart_draws_its_line(november_doc: Any) -> None:
    _shape, img = chart_images(november_doc)[2]
    assert colour_pixels(img, "#0072B2", tolerance=20) > 3000


def test_nothing_touches_the_edges_and_titles_fit(
    november_doc: Any, november_data: b.BriefingData
) -> None:
    """A cut chart has ink at its border; the title's width in the chart's font must fit."""
    specs = [
        b.chart_status(november_data.units, november_data.year),
        b.chart_ranking(november_data.units, november_data.unit_kinds, november_data.short_names),
        b.chart_trend(november_data.trend, november_data.as_of),
    ]
    font = ImageFont.truetype(str(NOTO_BOLD), charts.PRINT_TITLE * 3)  # png() renders at scale 3
    for (_shape, img), spec in zip(chart_images(november_doc), specs, strict=True):
        title = spec.to_dict()["title"]["text"]
        assert title and "…" not in title
        gray = np.asarray(img.convert("L"))
        for edge in (gray[:4, :], gray[-4:, :], gray[:, :4], gray[:, -4:]):
            assert edge.min() > 240, "ink at the picture's border: something is cut"
        # The title's own pixels: dark ink in the top band spans at least the title's width.
        band = gray[: int(charts.PRINT_TITLE * 3 * 1.8), :]
        ink = np.where((band < 100).any(axis=0))[0]
        assert ink.max() - ink.min() >= 0.9 * font.getlength(title), title
        assert img.size[0] >= font.getlength(title)


def test_chart_font_is_noto_sans_not_a_fallback() -> None:
    """vl-convert really draws with Noto Sans: the same text in the chart font equals Noto Sans
    and differs from DejaVu Sans and from an unknown font's fallback."""
    import vl_convert as vlc

    b.register_chart_fonts()

    def render(font: str) -> bytes:
        spec = {
            "width": 320,
            "height": 40,
            "data": {"values": [{}]},
            "mark": {"type": "text", "font": font, "fontSize": 28},
            "encoding": {"text": {"value": "Tỷ lệ hoàn thành đúng hạn"}},
        }
        return bytes(vlc.vegalite_to_png(json.dumps(spec), scale=1))

    ours = render(charts.FONT)
    assert ours == render("Noto Sans")
    assert ours != render("DejaVu Sans")
    assert ours != render("No Such Font 123")


@pytest.mark.parametrize("n_units", [1, 15, 40])
def test_ranking_keeps_its_size_rules(n_units: int) -> None:
    rows = [
        {"key": f"U{i}", "name": f"Sở số {i}", "on_time_rate_due": i / 40, "volume": 10 + i,
         "rank": i + 1, "completed_on_time": i, "completed_late": 0, "open_overdue": 10}
        for i in range(n_units)
    ]  # fmt: skip
    data = b.png(charts.print_ranking(rows[: b.RANKING_ROWS], "Tỷ lệ"))
    width, height = b.chart_extent_mm(data)
    assert width <= b.CHART_MAX_WIDTH_MM and height <= b.CHART_MAX_HEIGHT_MM
    w, h = b.png_size(data)
    assert abs(width / height - w / h) < 1e-6


def november_period() -> Any:
    from core.periods import period_for_report

    return period_for_report("month", "2026-11")
