"""Rows of figure cards (label, value, change, note, help) drawn as one HTML element a row.

`st.metric` in `st.columns` could not do what a card row must in a meeting: values level under
labels of one to three lines, every card of a line as tall as the others, a value shrunk to fit
its card instead of cut (a province's six or seven digits in meeting mode), and the help behind
«?» on a phone's tap as well as on hover. One `st.html` a row does: a unit's page draws its
three rows in 3 elements where the columns took 49; the clicks were no faster for it
(docs/performance.md, «The cards as one element a row»). The text is escaped here; Streamlit
sanitises the HTML again (DOMPurify) before it reaches the page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import streamlit as st

Colour = Literal["normal", "inverse", "off"]

# The row is a grid: as many cards side by side as fit at ≥ 9.5 rem each (five on a laptop,
# two on a phone). Each cell spans four rows of it, label, value, change and note, through two
# nested subgrids: in a line of cards the values stand level under labels of one to three
# lines, the cards are as tall as the tallest, and the notes start on one line under them.
# A value never wraps: its size is the smaller of 2.25 rem (3 rem in meeting mode,
# `filters.meeting_css`) and what fits the card's width (`--fit`, in units of the width of the
# value's box, a container spanning the card: the card cannot be a container and a subgrid).
# Borders, notes and the neutral change follow the page's text colour; the good and bad changes
# take Streamlit's green and red, lighter when the system asks for its dark theme (Streamlit
# follows it: the dashboard sets no theme).
STYLE = """<style>
.cddh-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr));
  column-gap: 1rem; row-gap: 0.25rem; width: 100%; }
.cddh-cell { display: grid; grid-row: span 4; grid-template-rows: subgrid; min-width: 0;
  margin-bottom: 0.6rem; }
.cddh-card { border: 1px solid color-mix(in srgb, currentColor 20%, transparent);
  border-radius: 0.5rem; padding: calc(1rem - 1px); position: relative;
  grid-row: span 3; display: grid; grid-template-rows: subgrid; justify-items: start; }
.cddh-card-label { display: flex; justify-content: space-between; align-items: flex-start;
  gap: 0.5rem; font-size: 0.875rem; line-height: 1.3; overflow-wrap: anywhere;
  justify-self: stretch; }
.cddh-card-help { flex: none; display: inline-flex; align-items: center; justify-content: center;
  width: 1.05em; height: 1.05em; border: 1.5px solid currentColor; border-radius: 50%;
  font-size: 0.75rem; font-weight: 600; opacity: 0.6; cursor: help; }
.cddh-card-help::before { content: "?"; }
.cddh-card-help:hover, .cddh-card-help:focus { opacity: 1; }
.cddh-card-help:focus-visible { outline: 2px solid currentColor; outline-offset: 1px; }
.cddh-card-tip { display: none; position: absolute; z-index: 20; left: 0.5rem; right: 0.5rem;
  top: 2.4rem; padding: 0.5rem 0.75rem; border-radius: 0.4rem; background: rgb(38, 39, 48);
  color: #fff; font-size: 0.875rem; font-weight: 400; line-height: 1.4; text-align: left;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25); }
.cddh-card-help:hover .cddh-card-tip, .cddh-card-help:focus .cddh-card-tip { display: block; }
.cddh-card-fit { container-type: inline-size; justify-self: stretch; }
.cddh-card-value { font-size: min(2.25rem, var(--fit)); line-height: 1.25;
  white-space: nowrap; font-variant-numeric: tabular-nums; }
.cddh-card-delta { display: inline-block; padding: 0.05rem 0.45rem; align-self: start;
  border-radius: 0.5rem; font-size: 0.875rem; white-space: nowrap; }
.cddh-card-delta.good { color: #177233; background: rgba(33, 195, 84, 0.15); }
.cddh-card-delta.bad { color: #bd1c1c; background: rgba(255, 43, 43, 0.12); }
@media (prefers-color-scheme: dark) {
  .cddh-card-delta.good { color: rgb(92, 228, 136); }
  .cddh-card-delta.bad { color: rgb(255, 108, 108); } }
.cddh-card-delta.flat { background: color-mix(in srgb, currentColor 10%, transparent); }
.cddh-card-note { font-size: 0.875rem; line-height: 1.4; opacity: 0.65; overflow-wrap: anywhere;
  padding-top: 0.15rem; }
</style>"""


@dataclass(frozen=True)
class Card:
    """One figure: its label, its value as shown, and optionally its change against a period
    before (`delta`, signed: «+12», «-2,5 điểm %»), whether a rise is good (`colour`: «normal»),
    bad («inverse») or neither («off»), a help text behind its «?» (shown on hover, or on a tap
    or a keyboard's focus) and a note under the card."""

    label: str
    value: str
    delta: str | None = None
    colour: Colour = "normal"
    help: str | None = None
    note: str | None = None


# Widths in em of Source Sans (Streamlit's font) with tabular figures, generous by a few per cent.
_EM = {".": 0.27, ",": 0.27, "%": 0.85, " ": 0.25}
_DIGIT_EM = 0.52
_OTHER_EM = 0.62


def fit(value: str) -> float:
    """The largest size, in hundredths of the card's width (`cqi`), at which `value` fits on one
    line: «1.234.567» at 23.9, «68.118» at 34.8."""
    width = sum(_DIGIT_EM if ch.isdigit() else _EM.get(ch, _OTHER_EM) for ch in value)
    return round(100 / max(width, 1.0), 1)


def _delta_html(delta: str, colour: Colour) -> str:
    """The change as a coloured tag with its arrow: a rise is good unless `colour` says not."""
    sign = 1 if delta.startswith("+") else -1 if delta.startswith("-") else 0
    arrow = {1: "↑ ", -1: "↓ ", 0: ""}[sign]
    if sign == 0 or colour == "off":
        tone = "flat"
    else:
        tone = "good" if (sign > 0) == (colour == "normal") else "bad"
    return f'<div class="cddh-card-delta {tone}">{arrow}{html.escape(delta)}</div>'


def _card_html(card: Card) -> str:
    """One cell: the bordered card and the note under it."""
    help_html = (
        f'<span class="cddh-card-help" tabindex="0" aria-label="{html.escape(card.help)}">'
        f'<span class="cddh-card-tip" role="tooltip">{html.escape(card.help)}</span></span>'
        if card.help
        else ""
    )
    delta_html = _delta_html(card.delta, card.colour) if card.delta else ""
    note_html = f'<div class="cddh-card-note">{html.escape(card.note)}</div>' if card.note else ""
    return (
        '<div class="cddh-cell"><div class="cddh-card">'
        f'<div class="cddh-card-label"><span>{html.escape(card.label)}</span>{help_html}</div>'
        '<div class="cddh-card-fit">'
        f'<div class="cddh-card-value" style="--fit: {fit(card.value)}cqi">'
        f"{html.escape(card.value)}</div></div>{delta_html}</div>"
        f"{note_html}</div>"
    )


def row_html(cards: Sequence[Card]) -> str:
    """The row's HTML, its style included."""
    return STYLE + '<div class="cddh-cards">' + "".join(_card_html(c) for c in cards) + "</div>"


def show_row(cards: Sequence[Card]) -> None:
    """Draw a row of cards as one element."""
    st.html(row_html(cards))
