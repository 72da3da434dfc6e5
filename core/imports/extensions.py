"""The extensions mini-language: «dd/mm/yyyy (duyệt dd/mm/yyyy, người duyệt …, lý do …)»."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.dates import format_vn, parse_day
from core.imports.cells import cell_day, plausible
from core.imports.readers import blank
from core.text import fold, nfc

_EXT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("nguoi duyet", "approver"),
    ("ngay duyet", "approved_date"),
    ("duyet", "approved_date"),
    ("ly do", "reason"),
)


def _top_level_split(text: str, separators: str) -> list[str]:
    """Split at separators that are not inside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _keyword(token: str) -> tuple[str, str] | None:
    """(field, value) when a token starts with an extension keyword ('duyệt 20/06/2025')."""
    folded = fold(token)
    if len(folded) != len(token):  # not aligned character by character: no slicing
        return None
    for word, name in _EXT_KEYWORDS:
        if folded == word or folded.startswith((word + " ", word + ":")):
            return name, token[len(word) :].lstrip(" :")
    return None


def parse_extensions(text: str) -> list[dict[str, Any]]:
    """Extensions from their text form (see docs/import-formats.md), oldest first.

    `30/06/2025 (duyệt 20/06/2025, người duyệt Trần Văn B, lý do chờ ý kiến Bộ); 31/08/2025
    (duyệt 25/06/2025)`. Entries are separated by ';' or new lines; 'lý do' comes last and may
    contain commas. Raises ValueError with a Vietnamese reason.
    """
    out: list[dict[str, Any]] = []
    for entry in _top_level_split(text, ";\n\r"):
        entry = nfc(entry)
        if not entry:
            continue
        m = re.fullmatch(r"([^()\s]+)\s*(?:\((.*)\))?", entry, flags=re.DOTALL)
        if m is None:
            raise ValueError(
                f"«{entry}» không đúng dạng «dd/mm/yyyy (duyệt dd/mm/yyyy, người duyệt …, lý do …)»"
            )
        item: dict[str, Any] = {"new_deadline": parse_day(m.group(1))}
        inner = nfc(m.group(2) or "")
        current: str | None = None
        for token in (nfc(t) for t in inner.split(",")) if inner else ():
            found = _keyword(token) if current != "reason" else None
            if found is not None:
                current, value = found
                if current in item and current != "new_deadline":
                    raise ValueError(f"«{entry}»: «{token}» ghi hai lần")
                item[current] = value
            elif current is None:
                raise ValueError(
                    f"«{entry}»: trong ngoặc phải bắt đầu bằng «duyệt», «người duyệt» hoặc «lý do»"
                )
            else:
                item[current] = f"{item[current]}, {token}"
        if "approved_date" not in item:
            raise ValueError(
                f"«{entry}»: thiếu ngày duyệt gia hạn, viết «{m.group(1)} (duyệt dd/mm/yyyy)»"
            )
        item["approved_date"] = parse_day(item["approved_date"])
        out.append(item)
    return out


def format_extensions(extensions: Iterable[Mapping[str, Any]]) -> str:
    """The text form `parse_extensions` reads (for exports that round-trip)."""

    def day(value: Any) -> str:
        return format_vn(cell_day(value, "jsonl"))

    entries = []
    for ext in extensions:
        inner = [f"duyệt {day(ext['approved_date'])}"]
        if ext.get("approver"):
            inner.append(f"người duyệt {ext['approver']}")
        if ext.get("reason"):
            inner.append(f"lý do {ext['reason']}")
        entries.append(f"{day(ext['new_deadline'])} ({', '.join(inner)})")
    return "; ".join(entries)


def extensions_cell(raw: Any) -> list[Any]:
    """A «Gia hạn» cell (text, an object or a list of either) as extension dicts."""
    if isinstance(raw, list):
        out: list[Any] = []
        for item in raw:
            if isinstance(item, str):
                out.extend(parse_extensions(item))
            else:
                out.append(item)
    elif isinstance(raw, dict):
        out = [raw]
    else:
        out = parse_extensions(str(raw))
    for item in out:
        if not isinstance(item, dict):
            raise ValueError("mỗi lần gia hạn phải là một đối tượng hoặc dạng chữ «dd/mm/yyyy (…)»")
        for name in ("new_deadline", "approved_date"):
            if not blank(item.get(name)):
                item[name] = plausible(cell_day(item[name], "jsonl"))
    return out
