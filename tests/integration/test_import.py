"""Importing CSV, XLSX and JSON Lines files into a real mongod: all or nothing, idempotent."""

from __future__ import annotations

import json
import os
import subprocess
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from core.dates import from_bson_day
from core.errors import ValidationFailed
from core.importer import (
    DELEGATION_COLUMNS,
    LEADER_COLUMNS,
    TASK_COLUMNS,
    UNIT_COLUMNS,
    Known,
    format_extensions,
    import_file,
    normalize_number,
    parse_extensions,
    parse_file,
    type_from_number,
)
from core.model import Task, validate
from core.repository import Repository
from core.scope import Scope
from tests.conftest import CDDH

DATA = Path(__file__).resolve().parent.parent / "data" / "import"
ROOT = Path(__file__).resolve().parent.parent.parent
ALL = Scope.everything()


def _day(value: datetime | None) -> date | None:
    return from_bson_day(value) if value is not None else None


def _load_org(repo: Repository) -> None:
    report = import_file(repo, DATA / "org.csv")
    assert report.kind == "org"


def _snapshot(repo: Repository) -> dict[str, Any]:
    """Every record's version and update time, and the number of events."""
    out: dict[str, Any] = {}
    for name in ("units", "leaders", "delegations", "documents", "tasks"):
        out[name] = {d["_id"]: (d["version"], d["updated_at"]) for d in repo.db[name].find()}
    out["task_events"] = repo.db.task_events.count_documents({})
    return out


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- pure parsing ---------------------------------------------------------------------------


def test_header_keys_are_unambiguous_within_each_kind() -> None:
    for columns in (TASK_COLUMNS, UNIT_COLUMNS, LEADER_COLUMNS, DELEGATION_COLUMNS):
        seen: dict[str, str] = {}
        for column in columns:
            for key in column.keys:
                assert seen.setdefault(key, column.field) == column.field, key


def test_extension_text_round_trips() -> None:
    text = (
        "30/04/2025 (duyệt 25/03/2025, người duyệt Nguyễn Văn An, lý do chờ ý kiến Bộ Y tế, "
        "Bộ Tài chính (văn bản số 12; 13)); 2025-05-31 (duyệt 2025-04-28)"
    )
    items = parse_extensions(text)
    assert items == [
        {
            "new_deadline": date(2025, 4, 30),
            "approved_date": date(2025, 3, 25),
            "approver": "Nguyễn Văn An",
            "reason": "chờ ý kiến Bộ Y tế, Bộ Tài chính (văn bản số 12; 13)",
        },
        {"new_deadline": date(2025, 5, 31), "approved_date": date(2025, 4, 28)},
    ]
    assert parse_extensions(format_extensions(items)) == items
    with pytest.raises(ValueError, match="thiếu ngày duyệt"):
        parse_extensions("30/04/2025")
    with pytest.raises(ValueError, match="không phải ngày"):
        parse_extensions("30/04/2025 (duyệt hôm qua)")


def test_document_numbers_and_types() -> None:
    assert normalize_number("Số: 123 / QÐ-UBND") == "123/QĐ-UBND"  # Icelandic Ð fixed
    assert type_from_number("123/QĐ-UBND") == "QD"
    assert type_from_number("09/2020/QĐ-UBND") == "QD"
    assert type_from_number("45/CT-UBND") == "CT"
    assert type_from_number("7/KH-UBND") == "KH"
    assert type_from_number("3/CĐ-UBND") == "CD"
    assert type_from_number("88/TB-UBND") == "TB"
    assert type_from_number("1234/UBND-KT") == "CV"
    assert type_from_number("5/BC-UBND") is None


def test_parse_file_needs_no_database() -> None:
    org = parse_file(DATA / "org.csv")
    known = Known.of(org.units, org.leaders, org.delegations)
    parsed = parse_file(DATA / "tasks.csv", known=known)
    assert parsed.kind == "tasks"
    assert [d.number for d in parsed.documents] == ["123/QĐ-UBND", "45/CT-UBND", "789/UBND-KT"]
    assert len(parsed.tasks) == 7
    # Without the organisation, every unit and signer reference is a problem.
    with pytest.raises(ValidationFailed) as caught:
        parse_file(DATA / "tasks.csv")
    assert any("không có đơn vị" in p.reason for p in caught.value.problems)
    assert any("không có lãnh đạo" in p.reason for p in caught.value.problems)


def test_documented_csv_example_parses(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "import-formats.md").read_text(encoding="utf-8")
    block = doc.split("### Example (CSV, `;`)")[1].split("```")[1].strip("\n")
    path = _write_csv(tmp_path / "example.csv", block + "\n")
    org = parse_file(DATA / "org.csv")
    parsed = parse_file(path, known=Known.of(org.units, org.leaders))
    assert [t.key for t in parsed.tasks] == ["2025-123/QĐ-UBND#1", "2025-123/QĐ-UBND#2"]
    assert parsed.tasks[0].coord_units == ["STC", "SVHTTDL"]


def test_jsonl_problems_name_their_lines(tmp_path: Path) -> None:
    org = parse_file(DATA / "org.csv")
    good = {
        "number": "1/QĐ-UBND",
        "issue_date": "2025-01-02",
        "abstract": "Về y tế",
        "signer": "CT",
        "content": "Việc",
    }
    lines = [
        json.dumps({**good, "lead_unit": "SYT"}, ensure_ascii=False),
        "",
        json.dumps({**good, "lead_unit": ["SYT", "STC"], "dealine": "2025-02-01"}),
        json.dumps({**good, "issue_date": "2025-01-03", "lead_unit": "SYT"}),
        "{not json",
        "[1, 2]",
    ]
    path = _write_csv(tmp_path / "t.jsonl", "\n".join(lines) + "\n")
    with pytest.raises(ValidationFailed) as caught:
        parse_file(path, known=Known.of(org.units, org.leaders))
    got = [str(p) for p in caught.value.problems]
    assert got[0].startswith("dòng 3: cột «dealine»: không phải cột được nhập")
    assert got[1].startswith("dòng 3: đơn vị chủ trì: chỉ được một đơn vị chủ trì, đang ghi 2")
    assert got[2].startswith("dòng 4: ngày ban hành: văn bản «1/QĐ-UBND» ở dòng 1 ban hành")
    assert got[3].startswith("dòng 5: nội dung dòng: không phải JSON hợp lệ")
    assert got[4] == "dòng 6: nội dung dòng: mỗi dòng phải là một đối tượng JSON {…}"
    assert len(got) == 5, got


# --- organisation -----------------------------------------------------------------------------


def test_org_import_resolves_names_to_codes(repo: Repository) -> None:
    report = import_file(repo, DATA / "org.csv", actor="t")
    assert report.tallies["units"].new == 13
    assert report.tallies["leaders"].new == 5
    assert report.tallies["delegations"].new == 1
    assert "Đã nhập tệp «org.csv»: 13 đơn vị (mới 13" in report.summary()
    room = repo.unit("VP-TH")
    assert room is not None
    assert room["parent"] == "VP"  # given as "Văn phòng UBND tỉnh"
    assert repo.unit("VP")["kind"] == "office"  # type: ignore[index]  # given as the label
    assert repo.unit("SYT")["sector"] == "culture_society"  # type: ignore[index]
    assert repo.unit("STNMT")["successor"] == "SNNMT"  # type: ignore[index]
    assert _day(repo.unit("STNMT")["valid_to"]) == date(2025, 2, 28)  # type: ignore[index]
    vx = repo.leader("PCT-VX")
    assert vx is not None
    assert vx["title"] == "vice_chairman"
    assert vx["portfolio"] == {"sectors": ["culture_society"], "units": ["SYT", "SVHTTDL"]}
    assert vx["ppc_member"] is True
    assert repo.leader("PCVP")["ppc_member"] is False  # type: ignore[index]
    (delegation,) = repo.delegations()
    assert delegation["to_leader"] == "PCT-KT"  # given as "Lê Thị Bình"
    assert delegation["scope"]["sectors"] == ["general"]


def test_bad_org_file_writes_nothing(repo: Repository, tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "org_bad.csv",
        "record,code,name,kind,parent,id,title,unit,from_leader,to_leader,date_from,date_to\n"
        "unit,UBND,UBND tỉnh,ppc,,,,,,,,\n"
        "unit,SYT,Sở Y tế,department,UBND,,,,,,,\n"
        "unit,SXX,Sở lạ,bộ,Không có,,,,,,,\n"
        "unit,SYT,Sở Y tế trùng,department,UBND,,,,,,,\n"
        "leader,,Nguyễn Văn An,,,CT,chairman,UBND,,,,\n"
        "leader,,Lê Thị Bình,,,PCT,vice_chairman,SYT,,,,\n"
        "delegation,,,,,UQ1,,,CT,PCT,01/03/2025,10/03/2025\n"
        "delegation,,,,,UQ2,,,PCT,Ông Lạ,01/03/2025,10/03/2025\n"
        "thing,,,,,,,,,,,\n",
    )
    before = repo.counts()
    with pytest.raises(ValidationFailed) as caught:
        import_file(repo, path)
    lines = [str(p) for p in caught.value.problems]
    assert any(s.startswith("dòng 4: loại:") and "«bộ»" in s for s in lines), lines
    assert any(s.startswith("dòng 4: đơn vị cấp trên:") and "Không có" in s for s in lines)
    assert any(s.startswith("dòng 5: mã đơn vị:") and "trùng với dòng 3" in s for s in lines)
    assert any(s.startswith("dòng 9: người được ủy quyền:") and "Ông Lạ" in s for s in lines)
    assert any(s.startswith("dòng 10: loại bản ghi:") for s in lines)
    assert repo.counts() == before
    assert repo.db.units.count_documents({}) == 0


def test_delegation_rules_checked_within_the_file(repo: Repository, tmp_path: Path) -> None:
    _load_org(repo)
    # PCT-KT received the "general" sector from CT (in the store, 10–20/03/2025): passing it on
    # is re-delegation. A file delegation chain is checked the same way.
    path = _write_csv(
        tmp_path / "delegations.csv",
        "record,id,from_leader,to_leader,scope_sectors,date_from,date_to\n"
        "delegation,UQ-A,PCT-KT,CVP,general,15/03/2025,16/03/2025\n"
        "delegation,UQ-B,CVP,PCVP,economy,01/04/2025,30/04/2025\n"
        "delegation,UQ-C,PCVP,Phạm Văn Cường,economy,10/04/2025,12/04/2025\n",
    )
    with pytest.raises(ValidationFailed) as caught:
        import_file(repo, path)
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 2, lines
    assert lines[0].startswith(
        "dòng 2: người ủy quyền: người được ủy quyền không được ủy quyền lại"
    )
    assert "UQ-2025-01" in lines[0]
    assert lines[1].startswith("dòng 4: người ủy quyền:") and "UQ-B" in lines[1]
    assert repo.db.delegations.count_documents({}) == 1


def test_personal_task_of_a_ppc_member_cannot_be_delegated(
    repo: Repository, tmp_path: Path
) -> None:
    _load_org(repo)
    import_file(repo, DATA / "tasks.csv")
    path = _write_csv(
        tmp_path / "d.jsonl",
        json.dumps(
            {
                "record": "delegation",
                "id": "UQ-X",
                "from_leader": "PCT-VX",
                "to_leader": "PCVP",
                "scope": {"tasks": ["2025-789/UBND-KT#1", "2025-1/QĐ-UBND#9"]},
                "date_from": "2025-04-01",
                "date_to": "2025-04-30",
            },
            ensure_ascii=False,
        )
        + "\n",
    )
    with pytest.raises(ValidationFailed) as caught:
        import_file(repo, path)
    text = str(caught.value)
    assert "không có nhiệm vụ «2025-1/QĐ-UBND#9»" in text
    assert "giao đích danh" in text and "2025-789/UBND-KT#1" in text


# --- tasks --------------------------------------------------------------------------------


def test_tasks_csv_round_trip(repo: Repository) -> None:
    _load_org(repo)
    report = import_file(repo, DATA / "tasks.csv", actor="import:tasks.csv")
    assert report.tallies["documents"].new == 3
    assert report.tallies["tasks"].new == 7
    assert report.summary().startswith(
        "Đã nhập tệp «tasks.csv»: 3 văn bản (mới 3, thay đổi 0, không đổi 0), "
        "7 nhiệm vụ (mới 7, thay đổi 0, không đổi 0)."
    )

    doc = repo.document("2025-123/QĐ-UBND")  # "Số: " prefix dropped
    assert doc is not None
    assert doc["type"] == "QD"
    assert doc["signer"] == "CT"  # given as the name "Nguyễn Văn An"
    assert doc["submitting_unit"] == "VP"
    assert _day(doc["issue_date"]) == date(2025, 1, 15)
    assert repo.document("2025-45/CT-UBND")["type"] == "CT"  # type: ignore[index]
    assert repo.document("2025-789/UBND-KT")["signer"] == "PCT-VX"  # type: ignore[index]

    t1 = repo.task("2025-123/QĐ-UBND#1", ALL)
    assert t1 is not None
    assert t1["lead_unit"] == "SYT"
    assert t1["coord_units"] == ["STC", "SVHTTDL"]  # a name with a comma resolved whole
    assert t1["tracking_room"] == "VP-TH"
    assert t1["specialist"] == "Trần Thị Hoa"
    assert _day(t1["assigned_date"]) == date(2025, 1, 15)  # default: the issue date
    assert _day(t1["deadline"]) == date(2025, 3, 31)
    (ext,) = t1["extensions"]
    assert _day(ext["new_deadline"]) == date(2025, 4, 30)
    assert _day(ext["approved_date"]) == date(2025, 3, 25)
    assert ext["approver"] == "Nguyễn Văn An"
    assert ext["reason"] == "chờ ý kiến Bộ Y tế, Bộ Tài chính"
    assert _day(t1["completed_date"]) == date(2025, 4, 28)
    assert t1["result"] == "Đã trình UBND tỉnh ban hành danh mục thủ tục"
    assert _day(t1["confirmed_date"]) == date(2025, 4, 30)
    assert t1["priority"] is True and t1["personal"] is False
    assert t1["doc_type"] == "QD" and t1["signer"] == "CT"

    t2 = repo.task("2025-123/QĐ-UBND#2", ALL)
    assert t2 is not None and t2["deadline"] is None  # "Không thời hạn"
    t3 = repo.task("2025-123/QĐ-UBND#3", ALL)
    assert t3 is not None
    assert _day(t3["cancelled_date"]) == date(2025, 5, 1)
    assert t3["cancel_reason"].startswith("Đã thay thế")

    # No STT column values: numbered in order; the second row continues the document above.
    c1 = repo.task("2025-45/CT-UBND#1", ALL)
    c2 = repo.task("2025-45/CT-UBND#2", ALL)
    assert c1 is not None and c2 is not None
    assert _day(c1["assigned_date"]) == date(2025, 2, 11)
    assert _day(c2["assigned_date"]) == date(2025, 2, 10)
    assert c2["lead_unit"] == "STC" and c2["coord_units"] == ["VP", "SYT"]  # new-line separated

    k1 = repo.task("2025-789/UBND-KT#1", ALL)
    assert k1 is not None and k1["personal"] is True and k1["tracking_room"] == "VP-VX"
    k2 = repo.task("2025-789/UBND-KT#2", ALL)
    assert k2 is not None
    assert [(_day(e["new_deadline"]), _day(e["approved_date"])) for e in k2["extensions"]] == [
        (date(2025, 8, 31), date(2025, 7, 25)),
        (date(2025, 9, 30), date(2025, 8, 28)),
    ]
    events = repo.task_events("2025-789/UBND-KT#2")
    assert [(e["kind"], e["actor"], e["version"]) for e in events] == [
        ("imported", "import:tasks.csv", 1)
    ]


def test_tasks_jsonl_with_english_keys(repo: Repository) -> None:
    _load_org(repo)
    report = import_file(repo, DATA / "tasks.jsonl")
    assert (report.tallies["documents"].total, report.tallies["tasks"].total) == (2, 3)
    t = repo.task("2025-12/KH-UBND#1", ALL)
    assert t is not None
    assert t["coord_units"] == ["VP", "STC"]
    assert _day(t["assigned_date"]) == date(2025, 1, 21)
    (ext,) = t["extensions"]
    assert (_day(ext["new_deadline"]), _day(ext["approved_date"])) == (
        date(2025, 4, 30),
        date(2025, 3, 28),
    )
    assert ext["reason"] == "Thiếu vắc xin"
    t2 = repo.task("2025-12/KH-UBND#2", ALL)
    assert t2 is not None and t2["lead_unit"] == "STC" and t2["priority"] is True
    storm = repo.task("2025-3/CĐ-UBND#1", ALL)
    assert storm is not None and storm["doc_type"] == "CD"
    assert storm["confirmed_by"] == "Võ Minh Đức"


def _xlsx(path: Path, rows: list[list[Any]], title: str = "Nhiệm vụ") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_with_loose_headers_excel_dates_and_merged_document_cells(
    repo: Repository, tmp_path: Path
) -> None:
    _load_org(repo)
    decomposed = unicodedata.normalize("NFD", "Trích yếu")
    path = _xlsx(
        tmp_path / "tasks.xlsx",
        [
            ["DANH SÁCH NHIỆM VỤ UBND TỈNH GIAO"],  # a title row above the header
            [],
            [
                " SỐ, KÝ HIỆU ",
                "ngay ban hanh",
                f"  {decomposed.upper()}",
                "NGƯỜI KÝ",
                "stt",
                "Noi dung nhiem vu",
                "đơn vị CHỦ TRÌ",
                "Thoi han",
                "trọng tâm",
                "Gia hạn",
                "Trạng thái",
            ],
            [
                "15/TB-UBND",
                datetime(2025, 4, 2),
                "Kết luận của Chủ tịch tại cuộc họp giao ban",
                "CT",
                1,
                "Hoàn thiện hồ sơ dự án",
                "SXD",
                datetime(2025, 5, 30),
                True,
                "15/06/2025 (duyệt 28/05/2025, người duyệt Nguyễn Văn An)",
                "Đang thực hiện",
            ],
            # Merged document cells come back empty: the row continues the document above.
            [None, None, None, None, 2.0, "Báo cáo kết quả", "Sở Tài chính", 45839, "", None, None],
        ],
    )
    report = import_file(repo, path)
    assert report.tallies["tasks"].new == 2
    assert any("Trạng thái" in w for w in report.warnings)
    assert "Lưu ý: cột «Trạng thái» không được nhập" in report.summary()
    doc = repo.document("2025-15/TB-UBND")
    assert doc is not None and doc["type"] == "TB"
    assert doc["abstract"] == "Kết luận của Chủ tịch tại cuộc họp giao ban"
    first = repo.task("2025-15/TB-UBND#1", ALL)
    second = repo.task("2025-15/TB-UBND#2", ALL)
    assert first is not None and second is not None
    assert _day(first["deadline"]) == date(2025, 5, 30)
    assert first["priority"] is True
    assert _day(first["extensions"][0]["approved_date"]) == date(2025, 5, 28)
    assert _day(second["deadline"]) == date(2025, 7, 1)  # Excel serial day 45839
    assert second["lead_unit"] == "STC" and second["priority"] is False


def test_xlsx_org_workbook_with_named_sheets(repo: Repository, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Đơn vị"
    ws.append(["Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Hiệu lực từ"])
    ws.append(["UBND", "UBND tỉnh", "UBND tỉnh", None, datetime(2000, 1, 1)])
    ws.append(["SYT", "Sở Y tế", "department", "UBND", None])
    leaders = wb.create_sheet("Lãnh đạo")
    leaders.append(["Mã", "Họ và tên", "Chức danh", "Đơn vị", "Thành viên UBND tỉnh"])
    leaders.append(["CT", "Nguyễn Văn An", "chairman", "UBND tỉnh", True])
    leaders.append(["GD-SYT", "Đỗ Văn Giang", "Giám đốc", "Sở Y tế", "x"])
    wb.create_sheet("Hướng dẫn").append(["Điền mỗi trang theo docs/import-formats.md"])
    path = tmp_path / "org.xlsx"
    wb.save(path)
    report = import_file(repo, path)
    assert report.kind == "org"
    assert (report.tallies["units"].new, report.tallies["leaders"].new) == (2, 2)
    assert any("Hướng dẫn" in w for w in report.warnings)
    assert repo.leader("GD-SYT")["title"] == "unit_head"  # type: ignore[index]
    assert repo.leader("GD-SYT")["unit"] == "SYT"  # type: ignore[index]

    # A bad cell on the second sheet names the sheet and its row.
    leaders.append(["PCT", "Lê Thị Bình", "Phó Chủ tịch", "Sở Không Có", None])
    wb.save(path)
    with pytest.raises(ValidationFailed) as caught:
        import_file(repo, path)
    assert [str(p) for p in caught.value.problems] == [
        "dòng 4: đơn vị (trang «Lãnh đạo»): không có đơn vị nào có mã hoặc tên «Sở Không Có»"
    ]


def test_bad_rows_are_all_listed_and_nothing_is_written(repo: Repository) -> None:
    _load_org(repo)
    before = _snapshot(repo)
    with pytest.raises(ValidationFailed) as caught:
        import_file(repo, DATA / "tasks_bad.csv")
    lines = [str(p) for p in caught.value.problems]
    # Row 2 spans lines 2–3 (a multi-line cell), so the rows below start at line 4.
    expected_starts = [
        "dòng 4: đơn vị chủ trì: chỉ được một đơn vị chủ trì",
        "dòng 5: đơn vị chủ trì: không có đơn vị nào có mã hoặc tên «Sở Không Tồn Tại»",
        "dòng 6: thời hạn: «31/02/2025» không phải ngày có thật",
        "dòng 7: trích yếu: khác với dòng 2 của cùng văn bản «100/QĐ-UBND»",
        "dòng 8: số thứ tự nhiệm vụ: trùng với dòng 2",
        "dòng 9: độ mật: văn bản của dòng này có độ mật «Mật»",
        "dòng 10: nhiệm vụ trọng tâm: «có lẽ» không phải có/không",
        "dòng 10: người ký: không có lãnh đạo nào có mã hoặc tên «Ông Không Có»",
    ]
    assert len(lines) == len(expected_starts), lines
    for line, start in zip(lines, expected_starts, strict=True):
        assert line.startswith(start), (line, start)
    assert all(unicodedata.is_normalized("NFC", s) for s in lines)
    assert _snapshot(repo) == before
    assert repo.db.documents.count_documents({}) == 0
    assert repo.db.tasks.count_documents({}) == 0


def test_secret_document_is_refused(repo: Repository, tmp_path: Path) -> None:
    _load_org(repo)
    path = _write_csv(
        tmp_path / "secret.csv",
        '"Số, ký hiệu",Ngày ban hành,Trích yếu,Người ký,Độ mật,Nội dung nhiệm vụ,Đơn vị chủ trì\n'
        "01/QĐ-UBND,02/01/2025,Văn bản thường,CT,,Việc thường,SYT\n"
        "07/QĐ-UBND,02/01/2025,Văn bản A,CT,Tối mật,Việc A,SYT\n"
        ",,,,,Việc A tiếp,STC\n",
    )
    with pytest.raises(ValidationFailed) as caught:
        import_file(repo, path)
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert problem.field == "độ mật"
    assert "văn bản mật không được lưu trong hệ thống này" in problem.reason
    assert "Văn bản A" not in str(problem)  # the secret abstract is not echoed
    assert repo.db.documents.count_documents({}) == 0


def test_lead_unit_cell_with_two_units_is_refused(repo: Repository, tmp_path: Path) -> None:
    _load_org(repo)
    head = '"Số, ký hiệu",Ngày ban hành,Trích yếu,Người ký,Nội dung nhiệm vụ,Đơn vị chủ trì\n'
    ok = _write_csv(
        tmp_path / "ok.csv",
        head + '02/QĐ-UBND,02/01/2025,Về du lịch,CT,Việc A,"Sở Văn hóa, Thể thao và Du lịch"\n',
    )
    import_file(repo, ok)
    assert repo.task("2025-02/QĐ-UBND#1", ALL)["lead_unit"] == "SVHTTDL"  # type: ignore[index]
    for cell in ('"Sở Y tế, Sở Tài chính"', "SYT; STC", '"SYT\nSTC"'):
        bad = _write_csv(
            tmp_path / "bad.csv", head + f"03/QĐ-UBND,02/01/2025,Về y tế,CT,Việc B,{cell}\n"
        )
        with pytest.raises(ValidationFailed) as caught:
            import_file(repo, bad)
        (problem,) = caught.value.problems
        assert problem.field == "đơn vị chủ trì"
        assert problem.reason.startswith("chỉ được một đơn vị chủ trì, đang ghi 2")
    assert repo.document("2025-03/QĐ-UBND") is None


def test_unknown_and_missing_columns_are_refused(repo: Repository, tmp_path: Path) -> None:
    _load_org(repo)
    path = _write_csv(
        tmp_path / "typo.csv",
        '"Số, ký hiệu",Ngày ban hành,Trích yếu,Người ký,Nội dung nhiệm vụ,Thời hn\n'
        "04/QĐ-UBND,02/01/2025,Về y tế,CT,Việc B,31/01/2025\n",
    )
    with pytest.raises(ValidationFailed) as caught:
        import_file(repo, path)
    assert [str(p) for p in caught.value.problems] == [
        "dòng 1: cột «Thời hn»: không phải cột được nhập; sửa tiêu đề "
        "(xem docs/import-formats.md) hoặc xóa cột",
        "dòng 1: cột «Đơn vị chủ trì»: thiếu cột bắt buộc "
        "(tiêu đề «Đơn vị chủ trì» hoặc «lead_unit»)",
    ]


def test_type_that_contradicts_the_number_is_refused(tmp_path: Path) -> None:
    org = parse_file(DATA / "org.csv")
    known = Known.of(org.units, org.leaders)
    path = _write_csv(
        tmp_path / "t.csv",
        '"Loại văn bản","Số, ký hiệu",Ngày ban hành,Trích yếu,Người ký,Nội dung nhiệm vụ,'
        "Đơn vị chủ trì\n"
        "Chỉ thị,05/QĐ-UBND,02/01/2025,A,CT,Việc,SYT\n"
        ",06/BC-UBND,02/01/2025,B,CT,Việc,SYT\n",
    )
    with pytest.raises(ValidationFailed) as caught:
        parse_file(path, known=known)
    lines = [str(p) for p in caught.value.problems]
    assert lines[0].startswith("dòng 2: loại văn bản: «Chỉ thị» không khớp ký hiệu")
    assert lines[1].startswith("dòng 3: loại văn bản: để trống và không suy ra được")


# --- idempotence --------------------------------------------------------------------------


def test_reimport_writes_nothing(repo: Repository) -> None:
    _load_org(repo)
    import_file(repo, DATA / "tasks.csv")
    import_file(repo, DATA / "tasks.jsonl")
    before = _snapshot(repo)
    for name in ("org.csv", "tasks.csv", "tasks.jsonl"):
        report = import_file(repo, DATA / name)
        assert report.written == 0, name
        assert all(t.new == 0 and t.changed == 0 for t in report.tallies.values())
        assert "Không có gì thay đổi" in report.summary()
    assert _snapshot(repo) == before
    assert "không đổi 7)" in import_file(repo, DATA / "tasks.csv").summary()


def test_changed_row_bumps_one_version(repo: Repository, tmp_path: Path) -> None:
    _load_org(repo)
    import_file(repo, DATA / "tasks.csv")
    text = (DATA / "tasks.csv").read_text(encoding="utf-8-sig")
    changed = tmp_path / "tasks.csv"
    old = "Số hóa hồ sơ cấp phép xây dựng"
    assert text.count(old) == 1
    changed.write_text(text.replace(old, "Số hóa toàn bộ hồ sơ cấp phép xây dựng"), "utf-8")
    report = import_file(repo, changed)
    assert (report.tallies["tasks"].changed, report.tallies["tasks"].unchanged) == (1, 6)
    assert (report.tallies["documents"].changed, report.tallies["documents"].new) == (0, 0)
    task = repo.task("2025-123/QĐ-UBND#3", ALL)
    assert task is not None and task["version"] == 2
    assert task["content"] == "Số hóa toàn bộ hồ sơ cấp phép xây dựng"
    kinds = [e["kind"] for e in repo.task_events("2025-123/QĐ-UBND#3")]
    assert kinds == ["imported", "imported"]


def test_columns_absent_from_the_file_keep_stored_values(repo: Repository, tmp_path: Path) -> None:
    _load_org(repo)
    import_file(repo, DATA / "tasks.csv")
    task_id = "2025-123/QĐ-UBND#1"
    stored = repo.task(task_id, ALL)
    assert stored is not None
    repo.update_task(
        task_id,
        {"progress": [{"date": date(2025, 2, 1), "note": "Đã lấy ý kiến"}]},
        actor="unit",
        expected_version=1,
    )
    slim = _write_csv(
        tmp_path / "slim.csv",
        '"Số, ký hiệu",Ngày ban hành,Trích yếu,Người ký,STT,Nội dung nhiệm vụ,Đơn vị chủ trì,'
        "Cơ quan trình,Ngày giao,Thời hạn\n"
        "123/QĐ-UBND,15/01/2025,Ban hành Kế hoạch cải cách hành chính năm 2025,CT,1,"
        '"Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực y tế",SYT,VP,15/01/2025,31/03/2025\n',
    )
    report = import_file(repo, slim)
    assert report.written == 0  # the file agrees with the store on the columns it has
    after = repo.task(task_id, ALL)
    assert after is not None and after["version"] == 2
    assert after["progress"][0]["note"] == "Đã lấy ý kiến"
    assert after["result"] == stored["result"] and after["extensions"] == stored["extensions"]


def test_reimport_of_validated_tasks_matches_model(repo: Repository) -> None:
    _load_org(repo)
    import_file(repo, DATA / "tasks.jsonl")
    from core.repository import task_input

    for stored in repo.find_tasks({}, ALL, limit=0):
        assert validate(Task, task_input(stored)).key == stored["_id"]


# --- the command line -----------------------------------------------------------------------


def _cli(mongod: dict[str, Any], repo: Repository, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URI": mongod["uri"], "MONGODB_DB": repo.db.name}
    return subprocess.run(
        [CDDH, "import", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_cli_import(mongod: dict[str, Any], repo: Repository) -> None:
    org = _cli(mongod, repo, str(DATA / "org.csv"))
    assert org.returncode == 0, org.stderr
    assert "13 đơn vị (mới 13" in org.stdout
    good = _cli(mongod, repo, str(DATA / "tasks.csv"), "--kind", "tasks")
    assert good.returncode == 0, good.stderr
    assert "7 nhiệm vụ (mới 7, thay đổi 0, không đổi 0)" in good.stdout
    assert repo.db.tasks.count_documents({}) == 7

    bad = _cli(mongod, repo, str(DATA / "tasks_bad.csv"))
    assert bad.returncode != 0
    assert "Traceback" not in bad.stderr
    assert "không ghi gì cả" in bad.stderr
    assert "dòng 4: đơn vị chủ trì: chỉ được một đơn vị chủ trì" in bad.stderr
    assert "dòng 9: độ mật:" in bad.stderr
    assert repo.db.tasks.count_documents({}) == 7
