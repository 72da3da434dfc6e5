"""A province with no tasks yet still gets a complete, well-formed briefing and letter."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from core import briefing as b
from core.periods import period_for_report
from core.repository import Repository
from tests.briefing.helpers import all_text
from tests.integration.orgdata import load_org


def test_empty_province(repo: Repository) -> None:
    load_org(repo)
    request = b.BriefingRequest(period=period_for_report("month", "2026-11"))
    result = b.build_briefing(repo, request, today=date(2026, 11, 20))
    doc = Document(io.BytesIO(result.content))
    text = all_text(doc)
    assert "không có nhiệm vụ chưa hoàn thành, quá hạn" in text
    assert len(doc.inline_shapes) == 3
    assert result.metadata["signer"]["name"] == ""  # no Office leader stored: blank for the clerk
    # No overdue task: no urging letter, and a message that says why.
    with pytest.raises(ValueError, match="không có nhiệm vụ chưa hoàn thành, quá hạn"):
        b.build_urge(repo, "SYT", date(2026, 11, 20))
