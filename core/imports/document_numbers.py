"""Document numbers: normalised spelling, and the document type their symbol shows."""

from __future__ import annotations

import re

from core.text import fold, nfc
from core.vocab import document_type_from_label


def normalize_number(text: str) -> str:
    """'Số: 123 / QÐ-UBND' -> '123/QĐ-UBND' (prefix dropped, Icelandic Ð fixed, spaces)."""
    value = nfc(text).replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    m = re.match(r"([^\W\d_]+)\s*:?\s*(?=\d)", value)
    if m and fold(m.group(1)) == "so":
        value = value[m.end() :]
    return re.sub(r"\s*([/-])\s*", r"\1", value)


def type_from_number(number: str) -> str | None:
    """The document type a number's symbol shows: '123/QĐ-UBND' -> 'QD', '5/UBND-KT' -> 'CV'."""
    if "/" not in number:
        return None
    symbol = normalize_number(number).rsplit("/", 1)[1]
    return document_type_from_label(symbol.split("-", 1)[0]) if symbol else None
