"""Export of the task list's current filter to XLSX or CSV with the columns the importer reads,
so that importing the file back changes nothing; texts a spreadsheet would run as a formula
(beginning with =, +, -, @, tab or CR) are neutralised, and the importer restores them. Every
export is written to the access log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from core.access import audit
from core.access.roles import EXPORT, refusal
from core.dates import format_vn, from_bson_day
from core.errors import AccessDenied, Problem, ValidationFailed
from core.explorer import TaskSearch, task_match
from core.imports.columns import TASK_COLUMNS, Column
from core.imports.extensions import format_extensions
from core.metrics import category_prefilter, classify_stages
from core.repository import Repository
from core.text import neutralise_formula
from core.vocab import DOCUMENT_TYPES, QUALITY_LEVELS

Format = Literal["xlsx", "csv"]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
MAX_ROWS = 200_000  # one export; a wider one is refused with a request to narrow the filter

# The importer's task columns, in its order; «Độ mật» is left out (a secret document is never
# stored, so the column would always be empty).
EXPORT_COLUMNS: tuple[Column, ...] = tuple(c for c in TASK_COLUMNS if c.field != "secrecy")
_TASK_FIELDS = (
    "document",
    "seq",
    "content",
    "lead_unit",
    "coord_units",
    "tracking_room",
    "specialist",
    "assigned_date",
    "deadline",
    "extensions",
    "completed_date",
    "result",
    "confirmed_date",
    "confirmed_by",
    "priority",
    "personal",
    "cancelled_date",
    "cancel_reason",
    "report_number",
    "quality",
    "effect",
)


@dataclass(frozen=True)
class Exported:
    """An export: the file's bytes, its name, its type and how many tasks it holds."""

    content: bytes
    file_name: str
    mime: str
    rows: int


def export_pipeline(s: TaskSearch) -> list[dict[str, Any]]:
    """Every task of the list's filter (the same population and conditions as the list),
    in document and task order, with its document's fields."""
    match = task_match(s)
    if s.needs_classification:
        stages = classify_stages(s.metrics_query(), keep=list(_TASK_FIELDS))
        prefilter = category_prefilter(s.categories, s.as_of)
        stages[0] = {"$match": {"$and": [match, prefilter]} if prefilter else match}
        if s.categories:
            stages.append({"$match": {"cat": {"$in": list(s.categories)}}})
    else:
        stages = [{"$match": match}, {"$project": {name: 1 for name in _TASK_FIELDS}}]
    return [
        *stages,
        {"$sort": {"document": 1, "seq": 1}},
        {"$limit": MAX_ROWS + 1},
        {
            "$lookup": {
                "from": "documents",
                "localField": "document",
                "foreignField": "_id",
                "as": "doc",
            }
        },
    ]


def _day(value: Any) -> date | None:
    return from_bson_day(value) if value is not None else None


def _yes(value: Any) -> str:
    return "có" if value else "không"


def row_values(task: Mapping[str, Any]) -> dict[str, Any]:
    """A stored task (with its `doc`) as the importer's column values: days as dates, lists
    and yes/no as the text the importer reads, codes for units and leaders."""
    doc = (task.get("doc") or [{}])[0]
    dtype = doc.get("type")
    return {
        "type": DOCUMENT_TYPES[dtype][0] if dtype in DOCUMENT_TYPES else dtype,
        "number": doc.get("number"),
        "issue_date": _day(doc.get("issue_date")),
        "abstract": doc.get("abstract"),
        "signer": doc.get("signer"),
        "submitting_unit": doc.get("submitting_unit"),
        "seq": task.get("seq"),
        "content": task.get("content"),
        "lead_unit": task.get("lead_unit"),
        "coord_units": "; ".join(task.get("coord_units") or []),
        "tracking_room": task.get("tracking_room"),
        "specialist": task.get("specialist"),
        "assigned_date": _day(task.get("assigned_date")),
        "deadline": _day(task.get("deadline")),
        "extensions": format_extensions(task.get("extensions") or []),
        "completed_date": _day(task.get("completed_date")),
        "result": task.get("result"),
        "confirmed_date": _day(task.get("confirmed_date")),
        "confirmed_by": task.get("confirmed_by"),
        "priority": _yes(task.get("priority")),
        "personal": _yes(task.get("personal")),
        "cancelled_date": _day(task.get("cancelled_date")),
        "cancel_reason": task.get("cancel_reason"),
        "report_number": task.get("report_number"),
        "quality": QUALITY_LEVELS.get(task.get("quality") or "", None),
        "effect": task.get("effect"),
    }


def _cell(value: Any) -> Any:
    """A value as written: texts made inert, empty values blank."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


def xlsx_bytes(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> bytes:
    """Rows as a one-sheet workbook: the importer's headers on row 1, days as date cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Nhiệm vụ")
    sheet.append([c.vi for c in columns])
    for row in rows:
        cells: list[Any] = []
        for column in columns:
            value = _cell(row.get(column.field))
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> bytes:
    """Rows as CSV in UTF-8 with a BOM (so that Excel shows the diacritics), days dd/mm/yyyy."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.vi for c in columns])
    for row in rows:
        out = []
        for column in columns:
            value = _cell(row.get(column.field))
            out.append(
                format_vn(value) if isinstance(value, date) else "" if value is None else value
            )
        writer.writerow(out)
    return buffer.getvalue().encode("utf-8-sig")


def export_tasks(
    repo: Repository,
    search: TaskSearch,
    fmt: Format,
    client: str | None = None,
    description: str = "",
) -> Exported:
    """The tasks of the list's filter as an XLSX or CSV file the importer reads back unchanged;
    written to the access log (who, the format, how many tasks, the filter described)."""
    actor = repo.actor
    if actor is not None and not actor.may(EXPORT):
        raise AccessDenied(refusal(actor, EXPORT))
    if fmt not in ("xlsx", "csv"):
        raise ValidationFailed([Problem("định dạng", "chọn xlsx hoặc csv")])
    found = repo.aggregate_tasks(export_pipeline(search), search.scope)
    if len(found) > MAX_ROWS:
        raise ValidationFailed(
            [
                Problem(
                    "bộ lọc",
                    f"chọn quá {MAX_ROWS:,} nhiệm vụ".replace(",", ".")
                    + ": hãy thu hẹp bộ lọc (đơn vị, thời hạn, trạng thái) rồi xuất lại",
                )
            ]
        )
    rows = [row_values(t) for t in found]
    if fmt == "xlsx":
        content, mime = xlsx_bytes(rows, EXPORT_COLUMNS), XLSX_MIME
    else:
        content, mime = csv_bytes(rows, EXPORT_COLUMNS), CSV_MIME
    name = f"nhiem-vu-{search.as_of.isoformat()}.{fmt}"
    audit.record(
        repo,
        "export",
        actor or "cddh",
        {"what": "tasks", "format": fmt, "rows": len(rows), "file": name, "filter": description},
        client,
    )
    return Exported(content, name, mime, len(rows))
