"""Numbers written the Vietnamese way: 1.234 for counts, 98,6% for rates, 3,2 for decimals.

The one home of the format: the CLI, the pages, the charts and the briefings all write numbers
through these functions.
"""

from __future__ import annotations


def format_count(n: int) -> str:
    """1.234 (thousands separated by dots)."""
    return f"{int(n):,}".replace(",", ".")


def format_decimal(value: float, digits: int = 1) -> str:
    """3,2 (decimal comma), with `digits` decimals."""
    return f"{value:.{digits}f}".replace(".", ",")


def format_rate(value: float | None, digits: int = 1) -> str:
    """A share as a percentage: 0.986 → '98,6%'; '—' when there is no denominator."""
    if value is None:
        return "—"
    return f"{format_decimal(value * 100, digits)}%"


def format_percent(value: float, digits: int = 1) -> str:
    """A value already in percent: 98.6 → '98,6%'."""
    return f"{format_decimal(value, digits)}%"
