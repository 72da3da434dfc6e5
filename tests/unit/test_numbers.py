"""Vietnamese number formats: dots between thousands, a decimal comma, '—' without a rate."""

from __future__ import annotations

from core.numbers import format_count, format_decimal, format_percent, format_rate


def test_counts_rates_and_decimals() -> None:
    assert format_count(0) == "0" and format_count(1234567) == "1.234.567"
    assert format_rate(None) == "—"
    assert format_rate(0.98649) == "98,6%" and format_rate(1.0) == "100,0%"
    assert format_rate(0.5, digits=0) == "50%"
    assert format_decimal(3.25, 2) == "3,25" and format_decimal(-1.05) in ("-1,1", "-1,0")
    assert format_percent(37.7) == "37,7%"


def test_percent_and_decimal_digits() -> None:
    assert format_percent(37.75, 2) == "37,75%"
    assert format_percent(37.75, 0) == "38%"
    assert format_decimal(1234.5, 0) == "1234"
    assert format_rate(0.12345, 2) == "12,35%"
