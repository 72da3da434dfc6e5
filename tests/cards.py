"""The figure cards an AppTest run drew (`dashboard.cards`), read back from their HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

PARTS = ("label", "value", "delta", "note", "help")


@dataclass
class SeenCard:
    """One card as a reader sees it: its texts, and the help text on its «?»."""

    label: str = ""
    value: str = ""
    delta: str = ""
    note: str = ""
    help: str = ""
    tone: str = ""  # the change's colour: good, bad or flat
    texts: dict[str, list[str]] = field(default_factory=dict, repr=False)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cards: list[SeenCard] = []
        self.stack: list[str | None] = []  # the card part each open tag is in

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        part = self.stack[-1] if self.stack else None
        if "cddh-cell" in classes:
            self.cards.append(SeenCard())
        for name in PARTS:
            if f"cddh-card-{name}" in classes:
                part = name
                if name == "delta":
                    self.cards[-1].tone = next(c for c in classes if c in ("good", "bad", "flat"))
        self.stack.append(part)

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        part = self.stack[-1] if self.stack else None
        if part in PARTS and self.cards:
            self.cards[-1].texts.setdefault(part, []).append(data)


def read_cards(body: str) -> list[SeenCard]:
    """The cards of one row's HTML, in order."""
    reader = _Reader()
    reader.feed(body)
    for card in reader.cards:
        for name in PARTS:
            setattr(card, name, "".join(card.texts.get(name, [])).strip())
        card.delta = card.delta.lstrip("↑↓ ")  # the arrow says the sign again
    return reader.cards


def cards(at: Any) -> list[SeenCard]:
    """Every card of the page, in the order drawn."""
    return [c for h in at.html if "cddh-cards" in h.value for c in read_cards(h.value)]
