"""Every open overdue task at a briefing's cut-off as an .xlsx workbook (the annex is capped)."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from datetime import date
from typing import Any

from core import metrics as m
from core.accountability import Accountability
from core.briefing.request import BriefingRequest, default_dates, resolve_scope, with_formers
from core.briefing.wording import _count
from core.dates import format_vn, today_local
from core.repository import Repository
from core.services import work_calendar
from core.text import neutralise_formula

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_HEADERS = (
    "TT",
    "Đơn vị chịu trách nhiệm",
    "Đơn vị được giao (nếu đã giải thể, sáp nhập)",
    "Nội dung nhiệm vụ",
    "Số văn bản",
    "Ngày giao",
    "Thời hạn",
    "Đã gia hạn",
    "Số ngày quá hạn (ngày làm việc)",
    "Nhiệm vụ trọng tâm",
)


def _cells(values: list[Any]) -> list[Any]:
    """A row of a spreadsheet: texts made inert (no formula), other values as they are."""
    return [neutralise_formula(v) if isinstance(v, str) else v for v in values]


def overdue_xlsx(
    repo: Repository, request: BriefingRequest, today: date | None = None
) -> tuple[bytes, str]:
    """Every open overdue task at the briefing's cut-off (the annex is capped), longest first,
    as an .xlsx file: (content, file name). Units are named as they answer on the cut-off."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    today = today or today_local()
    cal = work_calendar(repo)
    as_of, _report = default_dates(request.period, cal, today)
    acc = Accountability.of(repo.units(), as_of)
    scope = resolve_scope(repo, request.scope_kind, request.scope_key, as_of)
    if scope.kind == "unit" and scope.key:
        scope = replace(scope, units=frozenset({str(acc.unit(scope.key))}))
    q = m.MetricsQuery(
        as_of=as_of,
        lead_units=with_formers(scope.units, acc),
        priority_only=request.priority_only,
    )
    total = sum(b["count"] for b in m.overdue_age(repo, q, cal)["buckets"])
    tasks = m.longest_overdue(repo, q, cal, limit=max(total, 1))
    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ quá hạn"
    ws.append([f"Danh sách nhiệm vụ chưa hoàn thành, quá hạn tính đến ngày {format_vn(as_of)}"])
    ws.append(
        _cells([f"{scope.name}; {_count(total)} nhiệm vụ; xếp theo số ngày quá hạn giảm dần."])
    )
    ws.append(list(XLSX_HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws["A1"].font = Font(bold=True, size=13)
    for i, t in enumerate(tasks, start=1):
        lead = str(t.get("lead_unit") or "")
        responsible = str(acc.unit(lead))
        ws.append(
            _cells(
                [
                    i,
                    acc.names.get(responsible, responsible),
                    acc.names.get(lead, lead) if lead != responsible else "",
                    unicodedata.normalize("NFC", str(t.get("content") or "")),
                    t.get("document_number") or "",
                    t.get("assigned_date"),
                    t.get("effective_deadline") or t.get("deadline"),
                    "Có" if t.get("extended") else "",
                    t.get("days_overdue"),
                    "Có" if t.get("priority") else "",
                ]
            )
        )
    for row in ws.iter_rows(min_row=4):
        for cell in row[5:7]:
            cell.number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFGHIJ", (6, 38, 30, 70, 18, 12, 12, 10, 14, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    name = f"nhiem-vu-qua-han-{as_of.isoformat()}-{scope.slug()}.xlsx"
    return out.getvalue(), name
