"""The November briefing opened with python-docx: layout, fonts, header, sections, numbers."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from core import briefing as b
from core import metrics as m
from core.repository import Repository
from tests.briefing.conftest import LONG, NASTY
from tests.briefing.helpers import (
    all_text,
    find_paragraph,
    font_name,
    number,
    run_flag,
    run_size,
    table_with,
)

DATE_LINE = re.compile(
    r"^Bến Tre, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$"
)


def test_page_is_a4_with_decree_30_margins(november_doc: Any) -> None:
    section = november_doc.sections[0]
    assert abs(section.page_width.mm - 210) < 0.5 and abs(section.page_height.mm - 297) < 0.5
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20


def test_page_numbers_centred_at_top_except_page_one(november_doc: Any) -> None:
    section = november_doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    header = section.header.paragraphs[0]
    assert "PAGE" in header._p.xml and header.alignment == 1  # centred


def test_body_font_and_paragraph_format(november_doc: Any) -> None:
    body = november_doc.styles["CDDH Body"]
    assert body.font.name == "Times New Roman" and body.font.size.pt == 14
    fmt = body.paragraph_format
    assert fmt.alignment == 3  # justified
    assert 1.0 <= fmt.first_line_indent.cm <= 1.27 + 1e-6
    assert fmt.space_after.pt == 6
    assert november_doc.styles["Normal"].font.name == "Times New Roman"
    intro = next(p for p in november_doc.paragraphs if p.text.startswith("Thực hiện Quyết định"))
    assert intro.style.name == "CDDH Body" and font_name(intro) == "Times New Roman"


def test_header_block(november_doc: Any) -> None:
    left, right = november_doc.tables[0].rows[0].cells
    province = find_paragraph(left.paragraphs, "UBND TỈNH BẾN TRE")
    office = find_paragraph(left.paragraphs, "VĂN PHÒNG")
    assert not run_flag(province, "bold") and run_flag(office, "bold")
    assert 12 <= run_size(province) <= 13 and 12 <= run_size(office) <= 13
    # The short rule under "VĂN PHÒNG": a bordered empty paragraph right after it.
    paras = left.paragraphs
    rule = paras[[x.text for x in paras].index("VĂN PHÒNG") + 1]
    assert rule.text == "" and "w:pBdr" in rule._p.xml
    number_line = next(p for p in left.paragraphs if p.text.startswith("Số:"))
    assert re.fullmatch(r"Số:\s+/BC-VPUBND", number_line.text)
    nation = find_paragraph(right.paragraphs, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert run_flag(nation, "bold") and 12 <= run_size(nation) <= 13
    motto = find_paragraph(right.paragraphs, "Độc lập - Tự do - Hạnh phúc")
    assert run_flag(motto, "bold") and run_flag(motto, "underline")
    date_line = next(p for p in right.paragraphs if p.text.startswith("Bến Tre, ngày"))
    assert DATE_LINE.match(date_line.text), date_line.text
    assert run_flag(date_line, "italic")
    # Report date: the working day after the period (14/11/2026 is a Saturday).
    assert date_line.text == "Bến Tre, ngày 16 tháng 11 năm 2026"


def test_date_words_follow_decree_30() -> None:
    assert b.date_words(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert b.date_words(date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert b.date_words(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert b.date_words(date(2026, 12, 31)) == "ngày 31 tháng 12 năm 2026"


def test_title_and_abstract(november_doc: Any) -> None:
    title = find_paragraph(november_doc.paragraphs, "BÁO CÁO")
    alignment = title.alignment or title.style.paragraph_format.alignment
    assert run_flag(title, "bold") and run_size(title) == 14 and alignment == 1  # centred
    i = [p._p for p in november_doc.paragraphs].index(title._p)
    abstract = november_doc.paragraphs[i + 1]
    assert abstract.text == (
        "Tình hình thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao tháng 11 năm 2026"
    )
    assert run_flag(abstract, "bold") and run_size(abstract) in (13, 14)
    assert "w:pBdr" in november_doc.paragraphs[i + 2]._p.xml  # the short rule


def test_every_section_is_present(november_doc: Any) -> None:
    texts = [p.text for p in november_doc.paragraphs]
    for heading in (
        "I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ",
        "1. Kết quả chung",
        "2. Kết quả thực hiện theo đơn vị",
        "3. Biểu đồ",
        "4. Nhiệm vụ chưa hoàn thành, quá hạn",
        "5. Nhiệm vụ sắp đến hạn",
        "6. Tình hình cập nhật kết quả thực hiện nhiệm vụ",
        "II. ĐÁNH GIÁ VÀ ĐỀ XUẤT",
        "1. Đánh giá",
        "2. Đề xuất, kiến nghị",
        "Phụ lục",
        "DANH SÁCH NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN",
    ):
        assert heading in texts, heading
    text = all_text(november_doc)
    assert "Các đơn vị có nhiều nhiệm vụ quá hạn gồm:" in text
    assert "Nhiệm vụ sắp đến hạn: báo cáo công tác phòng, chống dịch" in text
    for rate in m.RATE_FIELDS:  # every rate names its denominator
        assert m.RATE_DENOMINATORS[rate] in text


def test_unit_table_totals_equal_the_metrics(november_doc: Any, brief_repo: Repository) -> None:
    table = table_with(november_doc, "Tổng số giao")
    total = [c.text for c in table.rows[-1].cells]
    assert total[1] == "Tổng cộng"
    q = m.MetricsQuery(
        as_of=date(2026, 11, 14),
        assigned_from=date(2025, 12, 15),
        assigned_to=date(2026, 11, 14),
        by="unit",
    )
    expected = m.status_metrics(brief_repo, q)["total"]
    fields = list(m.COUNT_FIELDS)
    assert [number(x) for x in total[2 : 2 + len(fields)]] == [expected[f] for f in fields]
    for i, rate in enumerate(m.RATE_FIELDS):
        assert total[2 + len(fields) + i] == m.format_rate(expected[rate])
    # Group rows add up to their subtotals ("Cộng") and the subtotals to the total.
    subtotals = [r for r in table.rows if r.cells[1].text == "Cộng"]
    assert len(subtotals) == 2  # provincial bodies and communes
    assert sum(number(r.cells[2].text) for r in subtotals) == expected["assigned"]


def test_three_charts_are_embedded(november_doc: Any) -> None:
    shapes = november_doc.inline_shapes
    assert len(shapes) == 3
    for shape in shapes:
        assert 140 <= shape.width.mm <= 165


def test_signature_block_and_recipients(november_doc: Any) -> None:
    table = table_with(november_doc, "Nơi nhận:")
    left, right = table.rows[0].cells
    label = left.paragraphs[0]
    assert label.text == "Nơi nhận:"
    assert run_flag(label, "bold") and run_flag(label, "italic") and run_size(label) == 12
    items = [p for p in left.paragraphs if p.text.startswith("- ")]
    assert items[0].text == "- Chủ tịch, các PCT UBND tỉnh;"
    assert items[-1].text == "- Lưu: VT, TH."
    assert all(run_size(p) == 11 for p in items)
    lines = [p for p in right.paragraphs if p.text]
    assert [p.text for p in lines] == ["CHÁNH VĂN PHÒNG", "Phạm Văn Chánh"]
    assert all(run_flag(p, "bold") for p in lines)


def test_awkward_texts_survive(november_doc: Any) -> None:
    text = all_text(november_doc)
    assert NASTY in text
    assert LONG in text


def test_template_variables_are_all_supplied(november: b.Briefing, brief_repo: Repository) -> None:
    data = b.gather(
        brief_repo, b.BriefingRequest(period=november_period()), today=date(2026, 11, 20)
    )
    context = b.briefing_context(data, {"status": b"", "ranking": b"", "trend": b""})
    missing = b.template_variables(b.BRIEFING_TEMPLATE) - set(context)
    assert not missing
    urge = b.urge_context(b.gather_urge(brief_repo, "SYT", date(2026, 11, 20)))
    assert not b.template_variables(b.URGE_TEMPLATE) - set(urge)


def test_metadata_names_period_scope_author_and_hash(november: b.Briefing) -> None:
    import hashlib

    meta = november.metadata
    assert meta["period"]["report"] == "2026-11" and meta["scope"]["kind"] == "province"
    assert meta["generated_by"] == "pytest" and meta["generated_at"] is not None
    assert meta["sha256"] == hashlib.sha256(november.content).hexdigest()
    assert november.filename == "bao-cao-2026-11-toan-tinh.docx"


def november_period() -> Any:
    from core.periods import period_for_report

    return period_for_report("month", "2026-11")
