"""The figure cards' HTML: every text escaped, a change coloured by whether its rise is good."""

from __future__ import annotations

import pytest

from dashboard.cards import Card, row_html
from tests.cards import read_cards


def test_a_row_reads_back_as_drawn() -> None:
    row = [
        Card("Chưa hoàn thành, quá hạn", "1.234", help="Tính đến ngày xem.", note="Trong đó 5."),
        Card("Tỷ lệ hoàn thành đúng hạn", "75,0%", delta="+2,5 điểm %"),
    ]
    seen = read_cards(row_html(row))
    assert [(c.label, c.value, c.delta, c.note, c.help) for c in seen] == [
        ("Chưa hoàn thành, quá hạn", "1.234", "", "Trong đó 5.", "Tính đến ngày xem."),
        ("Tỷ lệ hoàn thành đúng hạn", "75,0%", "+2,5 điểm %", "", ""),
    ]


@pytest.mark.parametrize(
    ("delta", "colour", "tone", "arrow"),
    [
        ("+3", "normal", "good", "↑"),
        ("-3", "normal", "bad", "↓"),
        ("+3", "inverse", "bad", "↑"),
        ("-3", "inverse", "good", "↓"),
        ("+3", "off", "flat", "↑"),
        ("0", "normal", "flat", ""),
    ],
)
def test_a_change_is_coloured_by_what_its_rise_means(
    delta: str, colour: str, tone: str, arrow: str
) -> None:
    body = row_html([Card("Hoàn thành quá hạn", "7", delta=delta, colour=colour)])  # type: ignore[arg-type]
    (seen,) = read_cards(body)
    assert (seen.tone, seen.delta) == (tone, delta)
    drawn = body.split('class="cddh-card-delta')[1].split("</div>")[0]
    assert drawn.endswith(f"{arrow} {delta}" if arrow else f">{delta}")


def test_text_is_escaped_and_kept_whole() -> None:
    label = 'Sở <b>"Xây dựng"</b> & UBND'
    (seen,) = read_cards(row_html([Card(label, "<1>", help='a "b" <c>', note="x < y")]))
    assert (seen.label, seen.value, seen.help, seen.note) == (label, "<1>", 'a "b" <c>', "x < y")
    assert "<b>" not in row_html([Card(label, "1")])
