"""Problems found in an import file, collected and reported in sheet and line order."""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import Problem, ValidationFailed
from core.imports.columns import Column
from core.imports.readers import Sheet
from core.numbers import format_count

_MAX_PROBLEMS = 1000


class Issues:
    """Problems collected over the whole file, reported in sheet and line order."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, int, Problem]] = []
        self._seen: set[tuple[int, int | None, str]] = set()
        self._added: set[tuple[int, Problem]] = set()
        self.stripped_count = 0
        self.stripped_lines: list[int] = []
        self.more = 0  # problems beyond _MAX_PROBLEMS, counted only

    def add(self, sheet: Sheet | None, line: int | None, label: str, reason: str) -> None:
        index = sheet.index if sheet else -1
        if sheet is not None and sheet.title:
            label = f"{label} (trang «{sheet.title}»)"
        problem = Problem(label, reason, line)
        if (index, problem) in self._added:
            return  # the same problem found twice (e.g. a column checked for two record kinds)
        if len(self._items) >= _MAX_PROBLEMS:  # memory stays flat on a file of bad rows
            self.more += 1
            self._seen.add((index, line, label))
            return
        self._added.add((index, problem))
        self._items.append((index, line or 0, len(self._items), problem))
        self._seen.add((index, line, label))

    def has(self, sheet: Sheet | None, line: int | None, label: str) -> bool:
        index = sheet.index if sheet else -1
        if sheet is not None and sheet.title:
            label = f"{label} (trang «{sheet.title}»)"
        return (index, line, label) in self._seen

    def model(self, sheet: Sheet, exc: ValidationFailed, columns: Iterable[Column]) -> None:
        """Problems from a model, with English field names mapped to column labels."""
        names = {c.field: c.label for c in columns}
        for p in exc.problems:
            label = names.get(p.field, p.field)
            if not self.has(sheet, p.line, label):
                self.add(sheet, p.line, label, p.reason)

    def stripped(self, line: int, count: int) -> None:
        """Zero-width characters removed from a cell (reported once, as a warning)."""
        self.stripped_count += count
        if len(self.stripped_lines) < 10 and line not in self.stripped_lines:
            self.stripped_lines.append(line)

    def stripped_warning(self) -> str | None:
        if not self.stripped_count:
            return None
        lines = ", ".join(str(x) for x in self.stripped_lines)
        more = " …" if self.stripped_count > len(self.stripped_lines) else ""
        return (
            f"đã bỏ {format_count(self.stripped_count)} ký tự vô hình (zero-width) trong các ô "
            f"(dòng {lines}{more}): chúng không hiện ra nhưng làm hai giá trị giống nhau "
            "thành khác nhau"
        )

    def redact(self, lines: set[int], keep: str) -> None:
        """Drop every problem of these lines but those of field `keep`: the rows of a secret
        document are refused by one message that repeats none of their content."""
        if not lines:
            return
        self._items = [
            item
            for item in self._items
            if item[3].line not in lines or item[3].field.startswith(keep)
        ]

    def __bool__(self) -> bool:
        return bool(self._items) or self.more > 0

    def problems(self) -> list[Problem]:
        out = [item[3] for item in sorted(self._items, key=lambda i: i[:3])]
        if self.more:
            out.append(
                Problem(
                    "tệp",
                    f"còn {format_count(self.more)} lỗi khác không liệt kê; sửa các lỗi trên trước",
                )
            )
        return out
