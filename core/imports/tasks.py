"""A file of documents and their tasks, validated in one streaming pass."""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from core.dates import format_vn
from core.errors import ValidationFailed
from core.imports.cells import cell_text
from core.imports.columns import DOC_FIELDS, TASK_COLUMNS, Column
from core.imports.document_numbers import normalize_number, type_from_number
from core.imports.known import Known
from core.imports.problems import Issues
from core.imports.readers import Row, Sheet, blank
from core.imports.references import (
    Resolver,
    lead_unit,
    leader_resolver,
    unit_list,
    unit_resolver,
    vocab_code,
)
from core.imports.rows import convert_row, map_columns, row_values, stray_cells
from core.model import Document, Task, document_key, validate
from core.text import fold
from core.vocab import DOCUMENT_TYPES, QUALITY_LEVELS, document_type_from_label


@dataclass
class _DocAcc:
    key: str
    number: str
    issue_date: date
    line: int
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)
    secret: bool = False
    # One entry per task row, in file order (the rows' data wait in the spill file).
    lines: array[int] = field(default_factory=lambda: array("q"))
    seqs: array[int] = field(default_factory=lambda: array("q"))  # -1: no STT given
    seq_given: bool = False


CHUNK = 2000  # stored records looked up per query, tasks handed on per batch


def _stored_task_input(stored: Mapping[str, Any]) -> dict[str, Any]:
    from core.repository import task_input

    return task_input(stored)


_SECRECY_LABEL = "độ mật"
_GRADES = {fold(g): g for g in ("Mật", "Tối mật", "Tuyệt mật")}


def _secrecy_reason(value: Any) -> str:
    grade = _GRADES.get(fold(cell_text(value))) if not isinstance(value, list | dict) else None
    shown = f" «{grade}»" if grade else ""
    return (
        f"văn bản của dòng này có độ mật{shown}: văn bản mật không được lưu trong hệ thống "
        "này, hãy bỏ mọi dòng của văn bản này khỏi tệp (nội dung không được nhắc lại ở đây)"
    )


def parse_tasks(
    sheet: Sheet,
    known: Known,
    issues: Issues,
    warnings: list[str],
    sink: Callable[[Task], None],
) -> tuple[list[Document], dict[str, int]]:
    """Validate a tasks sheet in one streaming pass; each valid task goes to `sink` (only
    when the whole file is valid is it worth writing). Rows wait in a spill file."""
    columns = {c.field: c for c in TASK_COLUMNS}
    colmap = map_columns(sheet, TASK_COLUMNS, issues, warnings)
    missing = [c for c in TASK_COLUMNS if c.required and c.field not in colmap]
    if missing and sheet.source != "jsonl":
        return [], {}
    units = unit_resolver(known.units)
    leaders = leader_resolver(known.leaders)
    docs: dict[str, _DocAcc] = {}
    current: _DocAcc | None = None
    saw_row = False
    secret_lines: set[int] = set()
    reported: set[int] = set()
    secrecy_index = colmap.get("secrecy")

    with tempfile.TemporaryFile(prefix="cddh-import-") as spill:
        for row in sheet.rows:
            stray_cells(sheet, row, issues, reported)
            values = row_values(sheet, row, colmap)
            if all(blank(v) for v in values.values()):
                continue
            saw_row = True
            secret_raw = row.cells.get(secrecy_index) if secrecy_index is not None else None
            if not blank(secret_raw):
                secret_lines.add(row.line)
                issues.add(sheet, row.line, _SECRECY_LABEL, _secrecy_reason(secret_raw))
            conv = convert_row(sheet, row, values, columns, issues)
            doc_given = any(not blank(values.get(f)) for f in DOC_FIELDS)
            acc: _DocAcc | None
            if not doc_given:
                acc = current
                if acc is None:
                    issues.add(
                        sheet,
                        row.line,
                        columns["number"].label,
                        "dòng chưa thuộc văn bản nào: ghi số, ký hiệu và ngày ban hành",
                    )
            else:
                acc = _document_of_row(sheet, row, conv, columns, docs, issues)
                current = acc
            if acc is None:
                continue
            if row.line in secret_lines:
                acc.secret = True
            _merge_document_fields(sheet, row, conv, columns, acc, units, leaders, issues)
            data = _task_fields(sheet, row, conv, columns, units, issues)
            seq = data.pop("seq", None)
            acc.lines.append(row.line)
            acc.seqs.append(seq if isinstance(seq, int) else -1)
            acc.seq_given = acc.seq_given or isinstance(seq, int)
            pickle.dump((acc.key, len(acc.lines), row.line, data), spill, pickle.HIGHEST_PROTOCOL)

        if not saw_row and not issues:
            issues.add(sheet, None, "tệp", "không có dòng dữ liệu nào")
        for acc in docs.values():
            if acc.secret:
                secret_lines.update(acc.lines)
        documents, existing = _finish_tasks(
            sheet, docs, colmap, columns, known, issues, spill, sink
        )
    issues.redact(secret_lines, _SECRECY_LABEL)
    return documents, existing


def _spilled(spill: IO[bytes]) -> Iterator[tuple[str, int, int, dict[str, Any]]]:
    spill.seek(0)
    while True:
        try:
            yield pickle.load(spill)
        except EOFError:
            return


def _document_of_row(
    sheet: Sheet,
    row: Row,
    conv: Mapping[str, Any],
    columns: Mapping[str, Column],
    docs: dict[str, _DocAcc],
    issues: Issues,
) -> _DocAcc | None:
    number = conv.get("number")
    issued = conv.get("issue_date")
    for name, value in (("number", number), ("issue_date", issued)):
        if value is None and not issues.has(sheet, row.line, columns[name].label):
            issues.add(sheet, row.line, columns[name].label, "bắt buộc nhưng đang để trống")
    if not isinstance(number, str) or not isinstance(issued, date):
        return None
    number = normalize_number(number)
    key = document_key(number, issued)
    if key not in docs:
        docs[key] = _DocAcc(key, number, issued, row.line)
    acc = docs[key]
    if acc.issue_date != issued:
        issues.add(
            sheet,
            row.line,
            columns["issue_date"].label,
            f"văn bản «{number}» ở dòng {acc.line} ban hành ngày {format_vn(acc.issue_date)}, "
            f"dòng này ghi {format_vn(issued)}: số văn bản không lặp lại trong một năm",
        )
        return None
    return acc


def _merge_document_fields(
    sheet: Sheet,
    row: Row,
    conv: Mapping[str, Any],
    columns: Mapping[str, Column],
    acc: _DocAcc,
    units: Resolver,
    leaders: Resolver,
    issues: Issues,
) -> None:
    """Record this row's document fields; a value differing from another row is a problem."""
    for name in ("type", "abstract", "signer", "submitting_unit"):
        value = conv.get(name)
        if value is None:
            continue
        label = columns[name].label
        try:
            if name == "type":
                code = document_type_from_label(value)
                if code is None:
                    names = ", ".join(f"{n} ({a})" for n, a in DOCUMENT_TYPES.values())
                    raise ValueError(f"«{value}» không phải loại văn bản hợp lệ; dùng: {names}")
                value = code
            elif name == "signer":
                value = leaders.resolve(value)
            elif name == "submitting_unit":
                value = units.resolve(value)
        except ValueError as exc:
            issues.add(sheet, row.line, label, str(exc))
            continue
        if name in acc.values and acc.values[name][0] != value:
            old, line = acc.values[name]
            issues.add(
                sheet,
                row.line,
                label,
                f"khác với dòng {line} của cùng văn bản «{acc.number}» («{old}» ≠ «{value}»)",
            )
        elif name not in acc.values:
            acc.values[name] = (value, row.line)


def _task_fields(
    sheet: Sheet,
    row: Row,
    conv: Mapping[str, Any],
    columns: Mapping[str, Column],
    units: Resolver,
    issues: Issues,
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in conv.items():
        if name in DOC_FIELDS:
            continue
        label = columns[name].label
        if name == "lead_unit" and value is not None:
            try:
                value = lead_unit(value, units)
            except ValueError as exc:
                issues.add(sheet, row.line, label, str(exc))
        elif name == "tracking_room" and value is not None:
            try:
                value = units.resolve(value)
            except ValueError as exc:
                issues.add(sheet, row.line, label, str(exc))
        elif name == "quality" and value is not None:
            try:
                value = vocab_code(value, QUALITY_LEVELS, "mức chất lượng", {})
            except ValueError as exc:
                issues.add(sheet, row.line, label, str(exc))
        elif name == "coord_units":
            value, reasons = unit_list(value, units)
            for reason in reasons:
                issues.add(sheet, row.line, label, reason)
        data[name] = value
    return data


def _finish_tasks(
    sheet: Sheet,
    docs: Mapping[str, _DocAcc],
    colmap: Mapping[str, int],
    columns: Mapping[str, Column],
    known: Known,
    issues: Issues,
    spill: IO[bytes],
    sink: Callable[[Task], None],
) -> tuple[list[Document], dict[str, int]]:
    """Numbering, duplicates, document types, stored values for absent columns, validation."""
    seq_label = columns["seq"].label
    for acc in docs.values():
        if not acc.seq_given:
            continue
        first_given = next(line for line, seq in zip(acc.lines, acc.seqs, strict=True) if seq >= 0)
        seen: dict[int, int] = {}
        for line, seq in zip(acc.lines, acc.seqs, strict=True):
            if seq < 0:
                if not issues.has(sheet, line, seq_label):
                    issues.add(
                        sheet,
                        line,
                        seq_label,
                        f"để trống trong khi dòng {first_given} của cùng văn bản có STT: "
                        "ghi STT cho mọi nhiệm vụ của văn bản, hoặc bỏ trống tất cả",
                    )
            elif seq in seen:
                issues.add(
                    sheet,
                    line,
                    seq_label,
                    f"trùng với dòng {seen[seq]}: văn bản «{acc.number}» đã có nhiệm vụ STT {seq}",
                )
            else:
                seen[seq] = line

    live = [acc for acc in docs.values() if not acc.secret]
    documents: list[Document] = []
    stored_doc_count = 0
    for start in range(0, len(live), CHUNK):
        part = live[start : start + CHUNK]
        stored_docs = known.stored_documents([acc.key for acc in part])
        stored_doc_count += len(stored_docs)
        for acc in part:
            document = _build_document(
                sheet, acc, colmap, columns, stored_docs.get(acc.key), issues
            )
            if document is not None:
                documents.append(document)

    stored_task_count = 0
    batch: list[tuple[_DocAcc, int, int, dict[str, Any]]] = []

    def flush() -> None:
        nonlocal stored_task_count
        keys = [f"{acc.key}#{seq}" for acc, seq, _, _ in batch]
        stored_tasks = known.stored_tasks(keys)
        stored_task_count += len(stored_tasks)
        for (acc, seq, line, row_data), key in zip(batch, keys, strict=True):
            stored = stored_tasks.get(key)
            data: dict[str, Any] = _stored_task_input(stored) if stored is not None else {}
            data.update(row_data)
            data["document"] = acc.key
            data["seq"] = seq
            if data.get("assigned_date") is None:
                data["assigned_date"] = acc.issue_date
            try:
                task = validate(Task, data, line=line)
            except ValidationFailed as exc:
                issues.model(sheet, exc, columns.values())
                continue
            if not issues:
                sink(task)
        batch.clear()

    for key, position, line, row_data in _spilled(spill):
        acc = docs[key]
        if acc.secret:
            continue
        seq = acc.seqs[position - 1] if acc.seq_given else position
        if seq < 0:
            continue
        batch.append((acc, seq, line, row_data))
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    existing = {"documents": stored_doc_count, "tasks": stored_task_count}
    return documents, existing


def _build_document(
    sheet: Sheet,
    acc: _DocAcc,
    colmap: Mapping[str, int],
    columns: Mapping[str, Column],
    stored: Mapping[str, Any] | None,
    issues: Issues,
) -> Document | None:
    label = columns["type"].label
    inferred = type_from_number(acc.number)
    given = acc.values.get("type")
    doc_type: str | None = given[0] if given else inferred
    if given and inferred and given[0] != inferred:
        issues.add(
            sheet,
            given[1],
            label,
            f"«{DOCUMENT_TYPES[given[0]][0]}» không khớp ký hiệu của số «{acc.number}» "
            f"(ký hiệu cho thấy {DOCUMENT_TYPES[inferred][0]})",
        )
    if doc_type is None and stored is not None and "type" not in colmap:
        doc_type = stored.get("type")
    if doc_type is None:
        if not issues.has(sheet, acc.line, label):
            issues.add(
                sheet,
                acc.line,
                label,
                f"để trống và không suy ra được từ số, ký hiệu «{acc.number}»",
            )
        return None
    data: dict[str, Any] = {
        "type": doc_type,
        "number": acc.number,
        "issue_date": acc.issue_date,
    }
    for name in ("abstract", "signer", "submitting_unit"):
        if name in acc.values:
            data[name] = acc.values[name][0]
        elif stored is not None and name not in colmap:
            data[name] = stored.get(name)
    try:
        return validate(Document, data, line=acc.line)
    except ValidationFailed as exc:
        issues.model(sheet, exc, columns.values())
        return None
