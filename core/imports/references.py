"""What a cell refers to: units and leaders by code or name, vocabulary codes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from core.text import fold, nfc
from core.vocab import SECTORS


class Resolver:
    """Codes of units or leaders from a code or a name (case and diacritics ignored)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.codes: set[str] = set()
        self._by_code: dict[str, set[str]] = {}
        self._by_name: dict[str, set[str]] = {}

    def add(self, code: str, *names: str | None) -> None:
        self.codes.add(code)
        self._by_code.setdefault(fold(code), set()).add(code)
        for name in names:
            if name:
                self._by_name.setdefault(fold(name), set()).add(code)

    def resolve(self, value: str) -> str:
        if value in self.codes:
            return value
        key = fold(value)
        for table in (self._by_code, self._by_name):
            found = table.get(key, set())
            if len(found) == 1:
                return next(iter(found))
            if len(found) > 1:
                raise ValueError(
                    f"«{value}» khớp nhiều {self.what} ({', '.join(sorted(found))}): ghi mã"
                )
        raise ValueError(f"không có {self.what} nào có mã hoặc tên «{value}»")

    def try_resolve(self, value: str) -> str | None:
        try:
            return self.resolve(value)
        except ValueError:
            return None


def vocab_code(value: str, vocab: Mapping[str, str], what: str, extra: Mapping[str, str]) -> str:
    if value in vocab:
        return value
    key = fold(value)
    for code, label in vocab.items():
        if key in (fold(code), fold(label)):
            return code
    if key in extra:
        return extra[key]
    choices = ", ".join(f"{code} ({label})" for code, label in vocab.items())
    raise ValueError(f"«{value}» không phải {what} hợp lệ; dùng một trong: {choices}")


TITLE_ALIASES = {
    fold("Chủ tịch"): "chairman",
    fold("Phó Chủ tịch"): "vice_chairman",
    "pct": "vice_chairman",
    fold("Chánh Văn phòng UBND tỉnh"): "office_chief",
    fold("Phó Chánh Văn phòng UBND tỉnh"): "office_deputy",
    fold("Giám đốc"): "unit_head",
    fold("Thủ trưởng"): "unit_head",
    fold("Phó Giám đốc"): "unit_deputy",
}


def sector_code(value: str) -> str:
    return vocab_code(value, SECTORS, "lĩnh vực", {})


def unit_resolver(units: Iterable[Mapping[str, Any]]) -> Resolver:
    resolver = Resolver("đơn vị")
    for u in units:
        resolver.add(str(u["_id"]), u.get("name"), u.get("short_name"))
    return resolver


def leader_resolver(leaders: Iterable[Mapping[str, Any]]) -> Resolver:
    resolver = Resolver("lãnh đạo")
    for x in leaders:
        resolver.add(str(x["_id"]), x.get("name"))
    return resolver


def lead_unit(value: str, units: Resolver) -> str:
    """Exactly one lead unit; a list of units is refused."""
    parts = [p for p in (nfc(x) for x in re.split(r"[;\n\r]", value)) if p]
    if len(parts) > 1:
        raise ValueError(
            f"chỉ được một đơn vị chủ trì, đang ghi {len(parts)} ({'; '.join(parts)}): "
            "đưa các đơn vị còn lại vào «Đơn vị phối hợp»"
        )
    code = units.try_resolve(value)
    if code is not None:
        return code
    pieces = [p for p in (nfc(x) for x in value.split(",")) if p]
    if len(pieces) > 1 and sum(units.try_resolve(p) is not None for p in pieces) >= 2:
        raise ValueError(
            f"chỉ được một đơn vị chủ trì, đang ghi {len(pieces)} ({'; '.join(pieces)}): "
            "đưa các đơn vị còn lại vào «Đơn vị phối hợp»"
        )
    return units.resolve(value)


def unit_list(items: Sequence[str], units: Resolver) -> tuple[list[str], list[str]]:
    """(codes, reasons) for a list of units; 'A, B' is split on commas when both resolve."""
    codes: list[str] = []
    reasons: list[str] = []
    for item in items:
        code = units.try_resolve(item)
        if code is None and "," in item:
            pieces = [p for p in (nfc(x) for x in item.split(",")) if p]
            found = [units.try_resolve(p) for p in pieces]
            if all(found):
                codes.extend(c for c in found if c is not None and c not in codes)
                continue
        if code is None:
            reasons.append(str(_error_of(units, item)))
        elif code not in codes:
            codes.append(code)
    return codes, reasons


def _error_of(resolver: Resolver, value: str) -> str:
    try:
        resolver.resolve(value)
    except ValueError as exc:
        return str(exc)
    return ""
