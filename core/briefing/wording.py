"""Words of the documents: dates, periods, counts, rate changes and the recipients list."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from core import config
from core import metrics as m
from core.briefing.signer import Signer
from core.dates import format_vn
from core.numbers import format_decimal
from core.periods import (
    Period,
    parse_report_key,
)
from core.text import fold

_ROMAN = ("I", "II", "III", "IV")


def date_words(d: date) -> str:
    """'ngày 05 tháng 01 năm 2026': zero-padded days below 10 and months 1–2 (Decree 30/2020)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def date_line(place: str, d: date) -> str:
    """The italic place and date line: 'Bến Tre, ngày 05 tháng 01 năm 2026'."""
    return f"{place}, {date_words(d)}"


def period_phrase(p: Period) -> str:
    """The period as it reads after 'giao': 'tháng 11 năm 2026', 'quý IV năm 2026', …"""
    if p.kind == "custom":
        return f"từ ngày {format_vn(p.start)} đến ngày {format_vn(p.end)}"
    year, n = parse_report_key(p.kind, p.report)
    if p.kind == "month":
        return f"tháng {n} năm {year}"
    if p.kind == "quarter":
        return f"quý {_ROMAN[n - 1]} năm {year}"
    if p.kind == "half":
        return f"6 tháng {'đầu' if n == 1 else 'cuối'} năm {year}"
    if p.kind == "nine_months":
        return f"9 tháng năm {year}"
    return f"năm {year}"


def period_span(p: Period) -> str:
    """'từ ngày 15/10/2026 đến ngày 14/11/2026'."""
    return f"từ ngày {format_vn(p.start)} đến ngày {format_vn(p.end)}"


def recipients_setting(name: str) -> list[str]:
    """A recipients list setting: items separated by '|', each kept as written."""
    return [item.strip() for item in config.get(name).split("|") if item.strip()]


# "Nơi nhận" items naming the Office's own leadership: the signer is one of them (the Chief, or a
# Deputy signing KT. the Chief), so a document never lists them among its own recipients.
_OFFICE_LEADERSHIP = ("chanh vp", "pcvp", "chanh van phong", "lanh dao vp", "lanh dao van phong")


def recipients_for(items: Sequence[str], signer: Signer) -> list[str]:
    """The recipients list without the signer and without the Office's own leadership."""
    out = []
    for item in items:
        folded = fold(item).lower()
        if any(word in folded for word in _OFFICE_LEADERSHIP):
            continue
        if signer.name and fold(signer.name).lower() in folded:
            continue
        out.append(item)
    return out


def _nfc(value: Any) -> Any:
    """NFC-normalise every string of a context (nested lists and dicts); bytes are left alone."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def _count(n: int | None) -> str:
    return m.format_count(int(n or 0))


def _share(part: int, whole: int) -> str:
    return m.format_rate(part / whole if whole else None)


def _points(delta: float | None) -> str:
    """A rate change in words: 'tăng 3,2 điểm phần trăm', 'không đổi', '' when unknown."""
    if delta is None:
        return ""
    pts = round(delta * 100, 1)
    if pts == 0:
        return "không đổi"
    text = format_decimal(abs(pts))
    return f"{'tăng' if pts > 0 else 'giảm'} {text} điểm phần trăm"
