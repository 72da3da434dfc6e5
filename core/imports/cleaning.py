"""Invisible and control characters in imported cells: which are stripped, which are refused.

Vietnamese text never needs them, and they make two values that look identical differ
(«900​/QĐ-UBND» with a zero-width space is another document) or disguise text (a
right-to-left override). The rule is the same for every field, keys and free text alike:

- zero-width characters (U+200B–U+200D, U+2060, U+FEFF, soft hyphen U+00AD) are **stripped**:
  they are invisible, carry no meaning in Vietnamese, and Word or web pages paste them in;
- bidirectional marks and overrides (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069),
  NUL and every other control character except tab and line breaks are **refused**, naming the
  character: they can make a value display differently from what is stored.
"""

from __future__ import annotations

import re
from typing import Any

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]")
_REFUSED_RE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")

_NAMES = {
    "\x00": "ký tự NUL (U+0000)",
    "\u200e": "dấu định hướng trái-phải (U+200E)",
    "\u200f": "dấu định hướng phải-trái (U+200F)",
    "\u061c": "dấu định hướng chữ Ả Rập (U+061C)",
    "\u202e": "ký tự đảo chiều văn bản phải-trái (U+202E)",
    "\u202d": "ký tự ép chiều trái-phải (U+202D)",
}


def _name(ch: str) -> str:
    if ch in _NAMES:
        return _NAMES[ch]
    if ch in _BIDI:
        return f"ký tự điều khiển hướng chữ (U+{ord(ch):04X})"
    return f"ký tự điều khiển (U+{ord(ch):04X})"


def clean_text(value: str) -> tuple[str, int]:
    """(text without zero-width characters, how many were removed); ValueError (Vietnamese)
    naming the first refused character and its position."""
    found = _REFUSED_RE.search(value)
    if found is not None:
        raise ValueError(
            f"chứa {_name(found.group())} ở vị trí {found.start() + 1}: ký tự này không được "
            "phép (có thể làm chữ hiển thị khác với dữ liệu lưu), hãy xóa nó khỏi ô"
        )
    cleaned, removed = _ZERO_WIDTH_RE.subn("", value)
    return cleaned, removed


def clean_value(value: Any, depth: int = 0) -> tuple[Any, int]:
    """`clean_text` applied to a cell (a string, or the strings of a JSON list or object)."""
    if isinstance(value, str):
        return clean_text(value)
    if depth > 4:
        raise ValueError("lồng nhau quá sâu: ô chỉ được là một giá trị hoặc một danh sách")
    if isinstance(value, list):
        out: list[Any] = []
        total = 0
        for item in value:
            cleaned, n = clean_value(item, depth + 1)
            out.append(cleaned)
            total += n
        return out, total
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        total = 0
        for key, item in value.items():
            cleaned, n = clean_value(item, depth + 1)
            result[str(key)] = cleaned
            total += n
        return result, total
    return value, 0
