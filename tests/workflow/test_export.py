"""Export of the task list's filter to XLSX and CSV with the importer's columns: a round trip
changes nothing (same store: no new version, no event; fresh store: the same file again),
formula-looking cells are neutralised and restored, and every export is in the access log."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from core import repository
from core.access.roles import Actor
from core.errors import AccessDenied
from core.explorer import TaskSearch
from core.importer import EXPORT_COLUMNS, export_tasks, import_file
from core.repository import Repository
from core.scope import Scope
from core.text import FORMULA_TRIGGERS
from core.workflow import (
    cancel_task,
    confirm_completion,
    decide_extension,
    enter_document,
    report_completion,
    request_extension,
)
from tests.workflow.conftest import CHIEF, SPECIALIST, SYT, TODAY, VIEWER, doc_form, task_form

Bind = Callable[[Actor], Repository]
FORMULAS = [
    '=HYPERLINK("http://x","bấm")',
    "- Rà soát, báo cáo UBND tỉnh",
    "+84 cuộc gọi",
    "@Sở Y tế",
    "'=1",
    "''+2",
]


@pytest.fixture()
def varied(as_user: Bind) -> list[str]:
    """Tasks in every state the workflow makes: extended, completed and confirmed with an
    assessment, cancelled, without a deadline, priority, personal, formula-looking texts."""
    office = as_user(CHIEF)
    first = enter_document(
        office,
        doc_form(abstract="=1+1 trích yếu"),
        [
            task_form(content=FORMULAS[0], coord_units=["STC", "X-A1"], priority=True),
            task_form(content=FORMULAS[1], deadline=None, personal=True),
            task_form(content=FORMULAS[2], lead_unit="STC", coord_units=["SYT"]),
        ],
        today=date(2025, 9, 2),
    ).tasks
    second = enter_document(
        office,
        doc_form(number="5/CT-UBND", type="CT", issued=date(2025, 8, 4), signer="CT"),
        [task_form(content=c, deadline=date(2025, 8, 29), coord_units=[]) for c in FORMULAS[3:]],
        today=date(2025, 8, 5),
    ).tasks
    unit = as_user(SYT)
    v = request_extension(unit, first[0], 1, date(2025, 10, 31), "Chờ vắc xin", today=TODAY)
    decide_extension(office, first[0], v, True, "Đồng ý; lý do, có dấu phẩy", today=TODAY)
    v = report_completion(
        unit, second[0], 1, date(2025, 8, 28), "=SUM(A1)", "9/BC-SYT", today=TODAY
    )
    confirm_completion(office, second[0], v, "above", "-Hiệu quả rõ", today=TODAY)
    cancel_task(office, second[1], 1, "@Bộ đã điều chỉnh", today=TODAY)
    return first + second


def snapshot(repo: Repository) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: {d["_id"]: d["version"] for d in repo.db[name].find()}
        for name in ("documents", "tasks")
    }
    out["events"] = repo.db.task_events.count_documents({})
    return out


def table(content: bytes, fmt: str) -> list[list[Any]]:
    """The cells of an export as read back (dates as dd/mm/yyyy text)."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [
        [v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else ("" if v is None else v)
         for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]  # fmt: skip


@pytest.fixture()
def fresh(mongod: dict[str, Any], org: Repository) -> Iterator[Repository]:
    """Another database holding the same organisation and nothing else."""
    other = repository.connect(mongod["uri"], org.db.name + "_copy")
    other.drop_all()
    other.ensure_schema()
    for name in ("units", "leaders", "delegations"):
        docs = list(org.db[name].find())
        if docs:
            other.db[name].insert_many(docs)
    yield other
    other.db.client.drop_database(other.db.name)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(
    as_user: Bind, varied: list[str], org: Repository, fresh: Repository, tmp_path: Path, fmt: str
) -> None:
    office = as_user(SPECIALIST)
    exported = export_tasks(office, TaskSearch(as_of=TODAY), fmt)  # type: ignore[arg-type]
    # the list's population as of D: the task cancelled on D is not in it
    assert exported.rows == 5 and exported.file_name == f"nhiem-vu-2025-09-15.{fmt}"
    rows = table(exported.content, fmt)
    assert rows[0] == [c.vi for c in EXPORT_COLUMNS]
    # no cell a spreadsheet would run
    for row in rows:
        for cell in row:
            assert not (isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS)), cell
    contents = [r[[c.field for c in EXPORT_COLUMNS].index("content")] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x","bấm")' in contents and "'''+2" in contents
    path = tmp_path / exported.file_name
    path.write_bytes(exported.content)
    # into the same store: nothing changes, not even a version
    before = snapshot(org)
    report = import_file(org, path)
    assert snapshot(org) == before, report
    # into a store holding only the organisation: the same tasks, so the same export
    import_file(fresh, path)
    assert fresh.task(varied[4], Scope.everything()) is None
    for task_id in varied[:4] + varied[5:]:
        a = org.task(task_id, Scope.everything())
        b = fresh.task(task_id, Scope.everything())
        assert a is not None and b is not None
        for column in EXPORT_COLUMNS:
            if column.field in a:
                assert a[column.field] == b[column.field], column.field
    again = export_tasks(fresh, TaskSearch(as_of=TODAY), fmt)  # type: ignore[arg-type]
    assert table(again.content, fmt) == rows
    if fmt == "csv":
        assert again.content == exported.content
    stored = fresh.task(varied[3], Scope.everything())
    assert stored is not None and stored["content"] == "@Sở Y tế"
    assert stored["result"] == "=SUM(A1)" and stored["quality"] == "above"


def test_export_follows_the_filter_and_is_in_the_access_log(
    as_user: Bind, varied: list[str], org: Repository
) -> None:
    office = as_user(SPECIALIST)
    overdue = TaskSearch(as_of=TODAY, categories=("open_overdue",))
    exported = export_tasks(office, overdue, "csv", client="10.0.0.7", description="Quá hạn")
    rows = table(exported.content, "csv")
    assert exported.rows == 1 and len(rows) == 2  # FORMULAS[5]: due 29/08, open, not cancelled
    assert rows[1][[c.field for c in EXPORT_COLUMNS].index("content")] == "'''+2"
    entry = org.db.access_log.find_one({"event": "export"})
    assert entry is not None
    assert entry["username"] == "chuyenvien" and entry["client"] == "10.0.0.7"
    assert entry["detail"] == {
        "what": "tasks",
        "format": "csv",
        "rows": 1,
        "file": "nhiem-vu-2025-09-15.csv",
        "filter": "Quá hạn",
    }
    # a unit exports its own tasks only; a reader of figures cannot export
    mine = export_tasks(as_user(SYT), TaskSearch(as_of=TODAY), "xlsx")
    assert mine.rows == 6 - 1  # the Finance task is led by STC (SYT only coordinates it)...
    with pytest.raises(AccessDenied):
        export_tasks(as_user(VIEWER), TaskSearch(as_of=TODAY), "xlsx")


def test_an_export_reads_in_vietnamese_on_the_log_page() -> None:
    from core.access.audit import describe

    assert (
        describe(
            {"what": "tasks", "format": "xlsx", "rows": 5, "file": "nhiem-vu.xlsx", "filter": "x"}
        )
        == "dữ liệu: nhiệm vụ; định dạng: Excel (.xlsx); số dòng: 5; tệp: nhiem-vu.xlsx; bộ lọc: x"
    )
