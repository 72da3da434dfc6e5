"""Texts a spreadsheet would evaluate (=, +, -, @) stay inert in every export and document."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from core import briefing as b
from core import repository
from core.periods import period_for_report
from dashboard.formatting import table_files
from tests.briefing.helpers import all_text
from tests.integration.orgdata import TaskFactory, load_org

HYPERLINK = '=HYPERLINK("http://x","y")'
AT_SUM = "@SUM(A1)"
ABSTRACT = '=HYPERLINK("http://evil.example","Bấm vào đây")'
TODAY = date(2026, 11, 20)
FIELD_TAGS = re.compile(r"<w:fldSimple|<w:instrText|<w:fldChar")


@pytest.fixture(scope="module")
def formula_repo(mongod: dict[str, Any]) -> Iterator[repository.Repository]:
    """Two overdue tasks of the Department of Health whose texts look like formulas."""
    repo = repository.connect(mongod["uri"], "formula_tests")
    repo.drop_all()
    repo.ensure_schema()
    load_org(repo)
    org = TaskFactory(repo)
    org.add(content=HYPERLINK, abstract=ABSTRACT, assigned_date=date(2026, 3, 2),
            deadline=date(2026, 4, 1), lead_unit="SYT")  # fmt: skip
    org.add(content=AT_SUM, assigned_date=date(2026, 3, 2), deadline=date(2026, 4, 2),
            lead_unit="SYT")  # fmt: skip
    org.save()
    yield repo
    repo.db.client.drop_database("formula_tests")


def body_and_fields(content: bytes) -> tuple[str, list[str]]:
    """The main document's XML, and the field instructions of every part (headers too)."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        body = z.read("word/document.xml").decode("utf-8")
        fields = []
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                fields += re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)
                fields += re.findall(r'<w:fldSimple [^>]*w:instr="([^"]*)"', xml)
    return body, fields


def assert_inert(content: bytes) -> None:
    body, fields = body_and_fields(content)
    assert not FIELD_TAGS.search(body), "a field in the document body"
    assert all(f.strip().split()[0] in ("PAGE", "NUMPAGES") for f in fields), fields
    assert not any("HYPERLINK" in f or "SUM" in f for f in fields)


def test_urging_letter_prints_formula_texts_literally(formula_repo: repository.Repository) -> None:
    result = b.build_urge(formula_repo, "SYT", TODAY, generated_by="pytest")
    text = all_text(Document(io.BytesIO(result.content)))
    assert HYPERLINK in text and AT_SUM in text
    assert_inert(result.content)


def test_briefing_prints_formula_texts_literally(formula_repo: repository.Repository) -> None:
    request = b.BriefingRequest(period=period_for_report("month", "2026-11"))
    result = b.build_briefing(formula_repo, request, generated_by="pytest", today=TODAY)
    text = all_text(Document(io.BytesIO(result.content)))
    assert HYPERLINK in text and AT_SUM in text
    assert_inert(result.content)


def test_overdue_xlsx_cells_are_strings_no_spreadsheet_evaluates(
    formula_repo: repository.Repository,
) -> None:
    request = b.BriefingRequest(period=period_for_report("month", "2026-11"))
    content, _name = b.overdue_xlsx(formula_repo, request, today=TODAY)
    ws = load_workbook(io.BytesIO(content)).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    found = {c.value: c for c in cells if HYPERLINK in c.value or AT_SUM in c.value}
    assert set(found) == {"'" + HYPERLINK, "'" + AT_SUM}
    for cell in cells:
        assert cell.data_type == "s"
        assert not cell.value.startswith(("=", "+", "-", "@")), cell.value


def test_dashboard_downloads_neutralise_formulas() -> None:
    df = pd.DataFrame({"Nội dung": [HYPERLINK, AT_SUM, "-2+3", "Bình thường"], "Số": [1, -2, 3, 4]})
    xlsx, csv_bytes = table_files(df)
    ws = load_workbook(io.BytesIO(xlsx)).active
    values = [ws.cell(row=r, column=1) for r in range(2, 6)]
    assert [c.value for c in values] == ["'" + HYPERLINK, "'" + AT_SUM, "'-2+3", "Bình thường"]
    assert all(c.data_type == "s" for c in values)
    assert [ws.cell(row=r, column=2).value for r in range(2, 6)] == [1, -2, 3, 4]  # numbers stay
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert rows[0] == ["Nội dung", "Số"]
    assert [r[0] for r in rows[1:]] == ["'" + HYPERLINK, "'" + AT_SUM, "'-2+3", "Bình thường"]
    assert [r[1] for r in rows[1:]] == ["1", "-2", "3", "4"]
