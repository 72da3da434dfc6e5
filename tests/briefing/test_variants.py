"""Periods other than a month, one leader's portfolio, one unit; the signer on a delegated day."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from core import briefing as b
from core.periods import period_for_report
from core.repository import Repository
from tests.briefing.conftest import TODAY
from tests.briefing.helpers import all_text, find_paragraph, table_with

ABSTRACT = "Tình hình thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao"


def build(repo: Repository, **kw: object) -> Document:
    kind, report = kw.pop("kind", "month"), kw.pop("report", "2026-11")
    request = b.BriefingRequest(period=period_for_report(kind, report), **kw)  # type: ignore[arg-type]
    return Document(io.BytesIO(b.build_briefing(repo, request, today=TODAY).content))


def abstract_of(doc: Document) -> str:
    paras = doc.paragraphs
    i = [p.text for p in paras].index("BÁO CÁO")
    return paras[i + 1].text


@pytest.mark.parametrize(
    ("kind", "report", "phrase"),
    [
        ("quarter", "2026-Q3", "quý III năm 2026"),
        ("half", "2026-H1", "6 tháng đầu năm 2026"),
        ("nine_months", "2026-9M", "9 tháng năm 2026"),
        ("year", "2025", "năm 2025"),
        ("custom", "2026-03-01..2026-03-31", "từ ngày 01/03/2026 đến ngày 31/03/2026"),
    ],
)
def test_other_periods(brief_repo: Repository, kind: str, report: str, phrase: str) -> None:
    doc = build(brief_repo, kind=kind, report=report)
    assert abstract_of(doc) == f"{ABSTRACT} {phrase}"
    assert len(doc.inline_shapes) == 3


def test_one_portfolio(brief_repo: Repository) -> None:
    doc = build(brief_repo, scope_kind="portfolio", scope_key="PCT1")
    assert abstract_of(doc) == (
        f"{ABSTRACT} thuộc lĩnh vực Phó Chủ tịch UBND tỉnh Trần Thị Kinh phụ trách tháng 11 năm 2026"
    )
    names = [row.cells[1].text for row in table_with(doc, "Tổng số giao").rows[1:-1]]
    assert names == ["Sở Tài chính"]  # the economy sector; Sở Y tế belongs to PCT2


def test_one_unit(brief_repo: Repository) -> None:
    doc = build(brief_repo, scope_kind="unit", scope_key="SYT")
    assert abstract_of(doc) == f"{ABSTRACT} Sở Y tế tháng 11 năm 2026"
    text = all_text(doc)
    assert "Sở Tài chính" not in text and "UBND xã A1" not in text


def test_a_delegated_day_is_signed_kt(brief_repo: Repository) -> None:
    doc = build(brief_repo, report_date=date(2026, 11, 4))
    right = table_with(doc, "Nơi nhận:").rows[0].cells[1]
    assert [p.text for p in right.paragraphs if p.text] == [
        "KT. CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Võ Thị Phó",
    ]
    left = doc.tables[0].rows[0].cells[1]
    find_paragraph(left.paragraphs, "Bến Tre, ngày 04 tháng 11 năm 2026")


def test_bad_scope_is_refused(brief_repo: Repository) -> None:
    with pytest.raises(ValueError, match="--unit"):
        build(brief_repo, scope_kind="unit", scope_key="NOPE")
    with pytest.raises(ValueError, match="--portfolio"):
        build(brief_repo, scope_kind="portfolio", scope_key="CVP")
