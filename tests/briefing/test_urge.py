"""The urging letter (công văn đôn đốc) to one unit."""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document

from core import briefing as b
from core import metrics as m
from core.repository import Repository
from core.services import work_calendar
from tests.briefing.conftest import NASTY
from tests.briefing.helpers import all_text, find_paragraph, table_with


def test_urge_letter(brief_repo: Repository) -> None:
    result = b.build_urge(brief_repo, "SYT", date(2026, 11, 20), generated_by="pytest")
    doc = Document(io.BytesIO(result.content))
    left, right = doc.tables[0].rows[0].cells
    number = next(p for p in left.paragraphs if p.text.startswith("Số:"))
    assert re.fullmatch(r"Số:\s+/VPUBND-TH", number.text)
    find_paragraph(left.paragraphs, "V/v đôn đốc thực hiện nhiệm vụ quá hạn")
    find_paragraph(right.paragraphs, "Bến Tre, ngày 20 tháng 11 năm 2026")
    find_paragraph(doc.paragraphs, "Kính gửi: Sở Y tế.")
    q = m.MetricsQuery(as_of=date(2026, 11, 20), lead_units=frozenset({"SYT"}))
    expected = m.longest_overdue(brief_repo, q, work_calendar(brief_repo), limit=1000)
    rows = table_with(doc, "Nội dung nhiệm vụ").rows[1:]
    assert [r.cells[1].text for r in rows] == [t["content"] for t in expected]
    assert result.metadata["overdue"] == len(expected) > 0
    assert NASTY in all_text(doc)  # the awkward task is the Department of Health's
    assert "Nơi nhận:" in all_text(doc) and "- Như trên;" in all_text(doc)
