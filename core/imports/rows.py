"""A sheet's rows as column values: headers mapped to columns, cells checked and converted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.config import ImportLimits
from core.imports.cells import (
    cell_bool,
    cell_day,
    cell_int,
    cell_list,
    cell_text,
    current_limits,
    plausible,
)
from core.imports.cleaning import clean_value
from core.imports.columns import ALL_KEYS, IGNORED_KEYS, Column, header_score
from core.imports.extensions import extensions_cell
from core.imports.problems import Issues
from core.imports.readers import Formula, Row, Sheet, Source, blank, header_key
from core.imports.readers import read as read_sheets
from core.numbers import format_count
from core.text import fold, nfc, restore_formula

_NO_DEADLINE = frozenset({"khong thoi han", "khong co thoi han", "khong han", "-"})


def sheets_of(path: Path, issues: Issues, limits: ImportLimits) -> list[Sheet]:
    """The file's sheets (headers found, rows streamed on demand); read problems to `issues`."""
    sheet0 = Sheet(0, None, "jsonl", 1, [], lambda: iter(()))

    def problem(line: int | None, label: str, reason: str) -> None:
        issues.add(sheet0, line, label, reason)

    return read_sheets(path, limits, header_score, problem)


def stray_cells(sheet: Sheet, row: Row, issues: Issues, reported: set[int]) -> None:
    """Data in a column without a header is a problem (once per column)."""
    width = len(sheet.headers)
    blank_columns = sheet.blank_columns
    for index, value in row.cells.items():
        if (index >= width or index in blank_columns) and index not in reported:
            if not blank(value):
                reported.add(index)
                issues.add(
                    sheet, row.line, f"cột thứ {index + 1}", "có dữ liệu nhưng không có tiêu đề"
                )


def convert_cell(column: Column, raw: Any, source: Source) -> Any:
    """A cell's value for its column; raises ValueError with a Vietnamese reason."""
    kind = column.conv
    if kind == "bool":
        return False if blank(raw) else cell_bool(raw)
    if kind == "list":
        return [] if blank(raw) else cell_list(raw)
    if kind == "extensions":
        return [] if blank(raw) else extensions_cell(raw)
    if blank(raw):
        return None
    if kind == "day":
        return plausible(cell_day(raw, source))
    if kind == "deadline":
        if isinstance(raw, str) and fold(raw).rstrip(".") in _NO_DEADLINE:
            return None
        return plausible(cell_day(raw, source))
    if kind == "int":
        return cell_int(raw)
    if kind == "lines" and isinstance(raw, list):
        return "\n".join(cell_list(raw))
    if isinstance(raw, list | dict):
        raise ValueError("phải là một giá trị, không phải danh sách")
    if kind == "lines" and isinstance(raw, str):  # line breaks kept: they separate items
        return "\n".join(line for line in (nfc(x) for x in raw.splitlines()) if line)
    return cell_text(raw)


def map_columns(
    sheet: Sheet,
    columns: Sequence[Column],
    issues: Issues,
    warnings: list[str],
    *,
    others: Sequence[Column] = (),
    report_missing: bool = True,
) -> dict[str, int]:
    """Column index of each field; unknown, duplicated or missing columns become problems.

    `others` are columns that belong to other record kinds of the same sheet (not unknown).
    """
    found: dict[str, int] = {}
    other_keys = frozenset(k for c in others for k in c.keys)
    skip: set[int] = set()
    for index, header in enumerate(sheet.headers):
        where: int | None = sheet.header_line
        if sheet.source == "jsonl":  # the first line that uses the key
            where = sheet.first_line.get(index)
        if index in skip:
            continue
        if not header:  # data under it is reported while streaming (stray_cells)
            continue
        key = header_key(header)
        column = next((c for c in columns if key in c.keys), None)
        joined = f"{header}, {sheet.headers[index + 1]}" if index + 1 < len(sheet.headers) else ""
        if column is None and sheet.source == "csv" and header_key(joined) in ALL_KEYS:
            # 'Số, ký hiệu' written without quotes is split into two columns by the comma.
            issues.add(
                sheet,
                where,
                f"cột «{joined}»",
                "tiêu đề có dấu phẩy nên trong tệp CSV phải đặt trong ngoặc kép "
                f'("{joined}"), nếu không sẽ bị tách thành hai cột',
            )
            skip.add(index + 1)
            continue
        if column is None:
            if key in other_keys:
                continue
            if key in IGNORED_KEYS:
                note = f"cột «{header}» không được nhập (bỏ qua)"
                if sheet.title:
                    note += f" (trang «{sheet.title}»)"
                warnings.append(note)
                continue
            issues.add(
                sheet,
                where,
                f"cột «{header}»",
                "không phải cột được nhập; sửa tiêu đề (xem docs/import-formats.md) hoặc xóa cột",
            )
            continue
        if column.field in found:
            first = sheet.headers[found[column.field]]
            issues.add(sheet, where, f"cột «{header}»", f"trùng với cột «{first}» ({column.vi})")
            continue
        found[column.field] = index
    if report_missing:
        for column in columns:
            if column.required and column.field not in found and sheet.source != "jsonl":
                issues.add(
                    sheet,
                    sheet.header_line,
                    f"cột «{column.vi}»",
                    f"thiếu cột bắt buộc (tiêu đề «{column.vi}» hoặc «{column.field}»)",
                )
    return found


def row_values(sheet: Sheet, row: Row, colmap: Mapping[str, int]) -> dict[str, Any]:
    """The raw cells of a row by field, for the columns present."""
    return {f: row.cells[i] for f, i in colmap.items() if i in row.cells}


def convert_row(
    sheet: Sheet,
    row: Row,
    values: Mapping[str, Any],
    columns: Mapping[str, Column],
    issues: Issues,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    max_chars = current_limits().max_cell_chars
    for name, raw in values.items():
        column = columns[name]
        try:
            out[name] = convert_cell(
                column, checked_cell(raw, max_chars, issues, row.line), sheet.source
            )
        except ValueError as exc:
            issues.add(sheet, row.line, column.label, str(exc))
    return out


def checked_cell(raw: Any, max_chars: int, issues: Issues, line: int) -> Any:
    """A raw cell after the file-level checks: formula never computed, length, characters."""
    if isinstance(raw, Formula):
        raise ValueError(
            f"ô {raw.coordinate} là công thức chưa có giá trị tính sẵn (tệp chưa được Excel "
            "tính và lưu): mở tệp trong Excel, lưu lại rồi nhập; hoặc ghi giá trị thay cho "
            "công thức"
        )
    size = (
        len(raw) if isinstance(raw, str) else len(str(raw)) if isinstance(raw, list | dict) else 0
    )
    if size > max_chars:
        raise ValueError(
            f"dài {format_count(size)} ký tự, vượt giới hạn {format_count(max_chars)} ký tự một ô"
        )
    cleaned, removed = clean_value(raw)
    if removed:
        issues.stripped(line, removed)
    if isinstance(cleaned, str):  # an export's neutralised formula-looking text, read back
        cleaned = restore_formula(cleaned)
    return cleaned
