"""Reading import files as streams of rows (CSV, XLSX, JSON Lines), within the import limits.

Nothing here holds a whole file: a sheet knows its header and can stream its rows again as
often as asked (each pass re-reads the file), so memory stays flat whatever the file's size.
A file that breaks a limit (rows, columns, bytes) or cannot be read is refused with a
Vietnamese `ValidationFailed` naming the line where it stopped.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from core.config import ImportLimits
from core.errors import Problem, ValidationFailed
from core.text import fold, nfc

Source = Literal["csv", "xlsx", "jsonl"]
ProblemSink = Callable[[int | None, str, str], None]


def header_key(text: object) -> str:
    """How headers are compared: case, diacritics, punctuation and surrounding spaces ignored."""
    return re.sub(r"[^0-9a-z]+", " ", fold(str(text))).strip()


def blank(value: Any) -> bool:
    """An empty cell: None or only spaces."""
    return value is None or (isinstance(value, str) and value.strip() == "")


@dataclass(frozen=True)
class Formula:
    """An XLSX cell holding a formula whose value was never computed and saved."""

    text: str
    coordinate: str


@dataclass
class Row:
    """One line of a sheet: column index -> raw value (JSONL: only the keys present)."""

    line: int
    cells: dict[int, Any]


@dataclass
class Sheet:
    """A sheet's header and a way to stream its data rows (a fresh pass each time)."""

    index: int
    title: str | None  # shown in messages for multi-sheet workbooks
    source: Source
    header_line: int
    headers: list[str]
    stream: Callable[[], Iterator[Row]] = field(repr=False)
    first_line: dict[int, int] = field(default_factory=dict)  # JSONL: first line using a key

    @property
    def rows(self) -> Iterator[Row]:
        """The data rows below the header, read again from the file."""
        return self.stream()

    @property
    def blank_columns(self) -> frozenset[int]:
        """Columns without a header (data found in them is a problem)."""
        return frozenset(i for i, h in enumerate(self.headers) if not h)


def _file(message: str, line: int | None = None) -> ValidationFailed:
    return ValidationFailed([Problem("tệp", message, line)])


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _check_row(cells: Sequence[Any], line: int, limits: ImportLimits) -> None:
    if line > limits.max_rows:
        raise _file(
            f"có hơn {_n(limits.max_rows)} dòng, vượt giới hạn một lần nhập "
            "(CDDH_IMPORT_MAX_ROWS): chia tệp thành nhiều tệp nhỏ hơn",
            line,
        )
    if len(cells) > limits.max_columns and any(not blank(c) for c in cells[limits.max_columns :]):
        raise _file(
            f"dòng có dữ liệu ở cột thứ {limits.max_columns + 1} trở đi, vượt giới hạn "
            f"{limits.max_columns} cột (CDDH_IMPORT_MAX_COLUMNS)",
            line,
        )


def _header_of(
    grid: list[tuple[int, list[Any]]], score: Callable[[Sequence[Any]], int]
) -> tuple[int, list[Any]] | None:
    filled = [(line, cells) for line, cells in grid if any(not blank(c) for c in cells)]
    if not filled:
        return None
    for line, cells in filled[:10]:
        if score(cells) >= 2:
            return line, cells
    return filled[0]


def _headers(cells: Sequence[Any]) -> list[str]:
    out = ["" if blank(c) else nfc(str(c)) for c in cells]
    while out and not out[-1]:
        out.pop()
    return out


# --- CSV --------------------------------------------------------------------------------------

_HEAD_LINES = 50  # lines read to find the header row and the delimiter


def _csv_records(
    path: Path, delimiter: str, limits: ImportLimits
) -> Iterator[tuple[int, list[str]]]:
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_bytes))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        start = 1
        try:
            for cells in reader:
                _check_row(cells, start, limits)
                yield start, cells
                start = reader.line_num + 1
        except UnicodeDecodeError:
            raise _file(
                "không phải văn bản UTF-8: trong Excel hãy lưu dạng «CSV UTF-8»", start
            ) from None
        except csv.Error as exc:
            reason = "có dấu ngoặc kép không đóng" if "EOF" in str(exc) else "sai cú pháp CSV"
            raise _file(f"CSV không đọc được ({reason})", reader.line_num) from None


def read_csv(path: Path, limits: ImportLimits, score: Callable[[Sequence[Any]], int]) -> Sheet:
    """The one sheet of a CSV file; the delimiter (, ; or tab) is the one that finds headers."""
    best: tuple[int, str, list[tuple[int, list[Any]]]] | None = None
    for delimiter in (",", ";", "\t"):
        head: list[tuple[int, list[Any]]] = []
        for record in _csv_records(path, delimiter, limits):
            head.append(record)
            if len(head) >= _HEAD_LINES:
                break
        value = max((score(cells) for _, cells in head[:10]), default=0)
        if best is None or value > best[0]:
            best = (value, delimiter, head)
    assert best is not None
    _, delimiter, head = best
    found = _header_of(head, score)
    if found is None:
        return Sheet(0, None, "csv", 1, [], lambda: iter(()))
    header_line, header_cells = found

    def stream() -> Iterator[Row]:
        for line, cells in _csv_records(path, delimiter, limits):
            if line > header_line:
                yield Row(line, dict(enumerate(cells)))

    return Sheet(0, None, "csv", header_line, _headers(header_cells), stream)


# --- XLSX -------------------------------------------------------------------------------------


def _check_unpacked_size(path: Path, limits: ImportLimits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file(
            "không mở được tệp Excel: tệp bị hỏng, bị cắt cụt hoặc không phải .xlsx "
            "(mở lại trong Excel và lưu dạng «Excel Workbook (.xlsx)»)"
        ) from None
    if size > limits.max_bytes:
        raise _file(
            f"tệp Excel giải nén ra {_n(size // (1024 * 1024))} MB, vượt giới hạn "
            f"{_n(limits.max_bytes // (1024 * 1024))} MB (CDDH_IMPORT_MAX_MB)"
        )


def _open_workbook(path: Path, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise _file(
            "không mở được tệp Excel: tệp bị hỏng, bị cắt cụt hoặc không phải .xlsx "
            "(mở lại trong Excel và lưu dạng «Excel Workbook (.xlsx)»)"
        ) from None


def _xlsx_grid(path: Path, index: int, limits: ImportLimits) -> Iterator[tuple[int, list[Any]]]:
    """Rows of one worksheet as values; a formula without a saved value becomes `Formula`."""
    values_book = _open_workbook(path, data_only=True)
    formula_book = _open_workbook(path, data_only=False)
    line = 0
    try:
        values_rows = values_book.worksheets[index].iter_rows(max_col=limits.max_columns + 1)
        formula_rows = formula_book.worksheets[index].iter_rows(max_col=limits.max_columns + 1)
        for line, (values, formulas) in enumerate(
            zip(values_rows, formula_rows, strict=False), start=1
        ):
            cells: list[Any] = []
            for value_cell, formula_cell in zip(values, formulas, strict=False):
                value = value_cell.value
                if value is None and getattr(formula_cell, "data_type", None) == "f":
                    coordinate = getattr(formula_cell, "coordinate", "")
                    value = Formula(str(formula_cell.value), str(coordinate))
                cells.append(value)
            _check_row(cells, line, limits)
            yield line, cells
    except ValidationFailed:
        raise
    except Exception:  # a truncated or malformed sheet fails while streaming
        raise _file(
            "tệp Excel bị hỏng từ dòng này (đọc không hết): mở lại trong Excel và lưu lại",
            line + 1,
        ) from None
    finally:
        values_book.close()
        formula_book.close()


def read_xlsx(
    path: Path, limits: ImportLimits, score: Callable[[Sequence[Any]], int]
) -> list[Sheet]:
    """Every worksheet of a workbook, streamed in read-only mode (two passes per read: saved
    values, and formulas to tell «empty» from «formula never computed»)."""
    _check_unpacked_size(path, limits)
    book = _open_workbook(path, data_only=True)
    titles = [nfc(ws.title) for ws in book.worksheets]
    book.close()
    sheets: list[Sheet] = []
    for index, title in enumerate(titles):
        head: list[tuple[int, list[Any]]] = []
        for record in _xlsx_grid(path, index, limits):
            head.append(record)
            if len(head) >= _HEAD_LINES:
                break
        found = _header_of(head, score)
        if found is None:
            sheets.append(Sheet(index, title, "xlsx", 1, [], lambda: iter(())))
            continue
        header_line, header_cells = found

        def stream(index: int = index, header_line: int = header_line) -> Iterator[Row]:
            for line, cells in _xlsx_grid(path, index, limits):
                if line > header_line and any(not blank(c) for c in cells):
                    yield Row(line, dict(enumerate(cells)))

        sheets.append(Sheet(index, title, "xlsx", header_line, _headers(header_cells), stream))
    return sheets


# --- JSON Lines -------------------------------------------------------------------------------


def _flatten(obj: Mapping[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """{"portfolio": {"sectors": [...]}} -> {"portfolio_sectors": [...]}."""
    if depth > 3:
        raise RecursionError
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}_{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, name, depth + 1))
        else:
            out[name] = value
    return out


def _jsonl_objects(
    path: Path, limits: ImportLimits, problem: ProblemSink | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number > limits.max_rows:
                _check_row([], number, limits)
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise _file("không phải văn bản UTF-8", number) from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                flat = _flatten(obj) if isinstance(obj, dict) else None
            except RecursionError:
                if problem:
                    problem(number, "nội dung dòng", "JSON lồng nhau quá sâu (tối đa 3 cấp)")
                continue
            except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
                if problem:
                    reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "số quá dài"
                    problem(number, "nội dung dòng", f"không phải JSON hợp lệ ({reason})")
                continue
            if flat is None:
                if problem:
                    problem(number, "nội dung dòng", "mỗi dòng phải là một đối tượng JSON {…}")
                continue
            if len(flat) > limits.max_columns:
                raise _file(
                    f"dòng có {len(flat)} khóa, vượt giới hạn {limits.max_columns} cột "
                    "(CDDH_IMPORT_MAX_COLUMNS)",
                    number,
                )
            yield number, flat


def read_jsonl(path: Path, limits: ImportLimits, problem: ProblemSink) -> Sheet:
    """The keys of every line become the headers (first pass); rows stream on later passes."""
    headers: list[str] = []
    index_of: dict[str, int] = {}
    first_line: dict[int, int] = {}
    for number, flat in _jsonl_objects(path, limits, problem):
        for key in flat:
            if key not in index_of:
                index_of[key] = len(headers)
                first_line[index_of[key]] = number
                headers.append(key)

    def stream() -> Iterator[Row]:
        for number, flat in _jsonl_objects(path, limits, None):
            yield Row(number, {index_of[k]: v for k, v in flat.items() if k in index_of})

    return Sheet(0, None, "jsonl", 1, headers, stream, first_line)


def read(
    path: Path,
    limits: ImportLimits,
    score: Callable[[Sequence[Any]], int],
    problem: ProblemSink,
) -> list[Sheet]:
    """The sheets of an import file by its extension; refuses other formats and big files."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".jsonl", ".ndjson"):
        raise _file(
            f"định dạng «{suffix or path.name}» không được hỗ trợ: dùng .csv, .xlsx hoặc .jsonl"
        )
    size = path.stat().st_size
    if suffix != ".xlsx" and size > limits.max_bytes:
        raise _file(
            f"tệp {_n(size // (1024 * 1024))} MB, vượt giới hạn "
            f"{_n(limits.max_bytes // (1024 * 1024))} MB (CDDH_IMPORT_MAX_MB)"
        )
    if suffix == ".csv":
        return [read_csv(path, limits, score)]
    if suffix == ".xlsx":
        return read_xlsx(path, limits, score)
    return [read_jsonl(path, limits, problem)]
