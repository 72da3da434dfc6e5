"""Build the Word templates (mẫu báo cáo, công văn đôn đốc) in the Decree 30/2020 Annex I layout.

Run `python -m docx_templates.build` after changing this file; it rewrites `bao_cao.docx` and
`cong_van_don_doc.docx` beside it. The templates hold docxtpl (Jinja) tags in ordinary Word
paragraphs, so an Office clerk can also open and adjust them in Word. Every tag sits in one
run (docxtpl's requirement); loops over table rows use `{%tr %}`, over paragraphs `{%p %}`.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
BRIEFING_TEMPLATE = HERE / "bao_cao.docx"
URGE_TEMPLATE = HERE / "cong_van_don_doc.docx"

FONT = "Times New Roman"
BODY_PT = 14
# Page (Decree 30/2020 Annex I): A4 portrait, top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(20), Mm(20), Mm(30), Mm(15)
TEXT_W_MM = 210 - 30 - 15
HEADER_LEFT_MM, HEADER_RIGHT_MM = 62, TEXT_W_MM - 62

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


# --- document and styles ------------------------------------------------------------------------


def _set_run_fonts(rpr: OxmlElement, name: str = FONT) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def _paragraph_style(
    doc: DocumentType,
    name: str,
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: str = "justify",
    first_indent_cm: float = 0.0,
    before: float = 0,
    after: float = 6,
    keep_next: bool = False,
) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    _set_run_fonts(style.element.get_or_add_rPr())
    fmt = style.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.first_line_indent = Mm(first_indent_cm * 10) if first_indent_cm else Mm(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    fmt.keep_with_next = keep_next
    fmt.widow_control = True


def new_document() -> DocumentType:
    """An empty A4 document with the Decree 30 margins, Times New Roman and the paragraph styles."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # Page numbers centred at the top, none on the first page (Decree 30 Annex I).
    section.different_first_page_header_footer = True
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_run_fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Mm(12.7)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.0
    # Styles a clerk sees in Word's style list; names say what they are for.
    _paragraph_style(doc, "CDDH Body", first_indent_cm=1.27)
    _paragraph_style(doc, "CDDH Heading", bold=True, first_indent_cm=1.27, keep_next=True)
    _paragraph_style(
        doc, "CDDH Subheading", bold=True, italic=True, first_indent_cm=1.27, keep_next=True
    )
    _paragraph_style(doc, "CDDH Header", size=13, align="center", after=0)
    _paragraph_style(doc, "CDDH Table", size=11, align="left", after=0)
    _paragraph_style(doc, "CDDH Table Number", size=11, align="right", after=0)
    _paragraph_style(doc, "CDDH Table Head", size=11, bold=True, align="center", after=0)
    _paragraph_style(doc, "CDDH Note", size=12, italic=True, first_indent_cm=1.27, after=6)
    _paragraph_style(doc, "CDDH Caption", size=13, italic=True, align="center", after=6)
    _paragraph_style(doc, "CDDH Figure", size=BODY_PT, align="center", after=0, keep_next=True)
    _paragraph_style(doc, "CDDH Recipients", size=11, align="left", after=0)
    _page_number_header(doc)
    # The default template's first empty paragraph.
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def _page_number_header(doc: DocumentType) -> None:
    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Mm(0)
    run = p.add_run()
    run.font.size = Pt(BODY_PT)
    run.font.name = FONT
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
            if kind == "separate":
                t = OxmlElement("w:t")
                t.text = "2"
                run._r.append(t)
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].text = ""


# --- building blocks ------------------------------------------------------------------------------


def para(
    container: DocumentType | _Cell,
    text: str = "",
    style: str = "CDDH Body",
    *,
    bold: bool | None = None,
    italic: bool | None = None,
    underline: bool | None = None,
    size: float | None = None,
    align: str | None = None,
    after: float | None = None,
    before: float | None = None,
    indent: bool | None = None,
    keep_next: bool | None = None,
) -> Paragraph:
    """Append a paragraph in a style, with one run holding `text` (direct formatting optional)."""
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        if bold is not None:
            run.bold = bold
        if italic is not None:
            run.italic = italic
        if underline is not None:
            run.underline = underline
        if size is not None:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        fmt.alignment = ALIGN[align]
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    if indent is False:
        fmt.first_line_indent = Mm(0)
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    return p


def runs(p: Paragraph, *parts: tuple[str, dict[str, bool]]) -> Paragraph:
    """Add runs with their own bold/italic/underline to a paragraph."""
    for text, fmt in parts:
        run = p.add_run(text)
        run.bold = fmt.get("bold")
        run.italic = fmt.get("italic")
        run.underline = fmt.get("underline")
    return p


def short_rule(cell_or_doc: DocumentType | _Cell, width_mm: float, length_mm: float) -> Paragraph:
    """A short centred rule: an empty paragraph with a top border, narrowed by indents."""
    p = cell_or_doc.add_paragraph(style="CDDH Header")
    side = max(0.0, (width_mm - length_mm) / 2)
    fmt = p.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.first_line_indent = Mm(0)
    fmt.space_before = Pt(3)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(1)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    ppr.append(borders)
    run = p.add_run()
    run.font.size = Pt(1)
    return p


def _cell_margins(table: Table, left_mm: float = 1.0, right_mm: float = 1.0) -> None:
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side, mm in (("top", 0), ("left", left_mm), ("bottom", 0), ("right", right_mm)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(mm * 56.7)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def _fixed_widths(table: Table, widths_mm: list[float]) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    grid = table._tbl.tblGrid
    for col, mm in zip(grid.iterchildren(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(mm * 56.7)))
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(mm)


def plain_table(container: DocumentType | _Cell, widths_mm: list[float]) -> Table:
    """A borderless one-row table with fixed column widths (header and signature blocks)."""
    table = container.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, widths_mm)
    _cell_margins(table, 0.5, 0.5)
    for cell in table.rows[0].cells:
        # add_table leaves one empty paragraph per cell: give it a neutral style, used first.
        cell.paragraphs[0].style = "CDDH Header"
    return table


def first_para(cell: _Cell, text: str = "", **kw: object) -> Paragraph:
    """Fill the cell's initial empty paragraph (so no blank line is left at the top)."""
    p = cell.paragraphs[0]
    style = str(kw.pop("style", "CDDH Header"))
    p.style = style
    if text:
        run = p.add_run(text)
        for key in ("bold", "italic", "underline"):
            if key in kw:
                setattr(run, key, kw[key])
        if "size" in kw:
            run.font.size = Pt(float(kw["size"]))  # type: ignore[arg-type]
    if "align" in kw:
        p.paragraph_format.alignment = ALIGN[str(kw["align"])]
    return p


def grid_table(
    doc: DocumentType,
    headers: list[str],
    widths_mm: list[float],
    loop: str,
    cells: list[str],
    numeric: set[int],
    total: list[str] | None = None,
    total_bold: bool = True,
) -> Table:
    """A bordered table: header, a `{%tr for %}` loop repeating `cells`, an optional total row."""
    n = len(headers)
    rows = 1 + 3 + (1 if total else 0)
    table = doc.add_table(rows=rows, cols=n)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, widths_mm)
    _cell_margins(table, 1.0, 1.0)
    head = table.rows[0]
    _repeat_header(head)
    for cell, text in zip(head.cells, headers, strict=True):
        first_para(cell, text, style="CDDH Table Head")
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    first_para(table.rows[1].cells[0], f"{{%tr for row in {loop} %}}", style="CDDH Table")
    for i, text in enumerate(cells):
        style = "CDDH Table Number" if i in numeric else "CDDH Table"
        first_para(table.rows[2].cells[i], text, style=style)
    first_para(table.rows[3].cells[0], "{%tr endfor %}", style="CDDH Table")
    if total:
        for i, text in enumerate(total):
            style = "CDDH Table Number" if i in numeric else "CDDH Table"
            first_para(table.rows[4].cells[i], text, style=style, bold=total_bold)
    return table


def keep_rows_whole(table: Table) -> None:
    """No row is split across two pages (a task's text stays on one page)."""
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def page_break(doc: DocumentType) -> None:
    """A paragraph holding only a page break."""
    p = doc.add_paragraph(style="CDDH Header")
    p.add_run().add_break(WD_BREAK.PAGE)


def tag(doc: DocumentType | _Cell, text: str) -> Paragraph:
    """A paragraph holding only a `{%p … %}` tag (docxtpl removes the paragraph itself)."""
    return para(doc, text, style="CDDH Table", after=0)


# --- shared official parts ------------------------------------------------------------------------


def official_header(doc: DocumentType, subject: bool = False) -> None:
    """The two-column header: issuing body and number | national title, motto, place and date."""
    table = plain_table(doc, [HEADER_LEFT_MM, HEADER_RIGHT_MM])
    left, right = table.rows[0].cells
    first_para(left, "{{ parent_agency }}", size=13)
    para(left, "{{ agency }}", "CDDH Header", bold=True, size=13)
    short_rule(left, HEADER_LEFT_MM, 14)
    para(left, "Số: {{ number }}/{{ symbol }}", "CDDH Header", size=13, before=8)
    if subject:
        para(left, "{{ subject }}", "CDDH Header", size=12, before=2)
    first_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    para(right, "Độc lập - Tự do - Hạnh phúc", "CDDH Header", bold=True, underline=True, size=13)
    para(right, "{{ date_line }}", "CDDH Header", italic=True, size=14, before=14)


def signature_block(doc: DocumentType) -> None:
    """'Nơi nhận:' with its list on the left; the signing authority, title and name on the right."""
    para(doc, "", "CDDH Header", after=0)
    table = plain_table(doc, [80, TEXT_W_MM - 80])
    left, right = table.rows[0].cells
    first_para(left, "Nơi nhận:", bold=True, italic=True, size=12, align="left")
    tag(left, "{%p for item in recipients %}")
    para(left, "- {{ item }}", "CDDH Recipients")
    tag(left, "{%p endfor %}")
    first_para(right, "{{ signer.authority }}", bold=True, size=14)
    tag(right, "{%p if signer.title %}")
    para(right, "{{ signer.title }}", "CDDH Header", bold=True, size=14)
    tag(right, "{%p endif %}")
    for _ in range(4):
        para(right, "", "CDDH Header", size=14)
    para(right, "{{ signer.name }}", "CDDH Header", bold=True, size=14)


# --- the monthly briefing -----------------------------------------------------------------------

UNIT_WIDTHS = [8, 37, 12, 12, 12, 12, 12, 11, 11, 12.5, 12.5, 12.5]
UNIT_HEADERS = [
    "TT",
    "Đơn vị",
    "Tổng số giao",
    "HT đúng hạn",
    "HT quá hạn",
    "Chưa HT, trong hạn",
    "Chưa HT, quá hạn",
    "KTH đã HT",
    "KTH chưa HT",
    "Tỷ lệ HT (1)",
    "Tỷ lệ HT đúng hạn (2)",
    "Tỷ lệ quá hạn (3)",
]
_UNIT_FIELDS = [
    "assigned",
    "completed_on_time",
    "completed_late",
    "open_within_deadline",
    "open_overdue",
    "no_deadline_completed",
    "no_deadline_open",
    "completion_rate_due",
    "on_time_rate_due",
    "overdue_share_assigned",
]
TASK_WIDTHS = [8, 57, 31, 30, 21, 18]
TASK_HEADERS = [
    "TT",
    "Nội dung nhiệm vụ",
    "Văn bản giao",
    "Đơn vị chủ trì",
    "Thời hạn",
    "Số ngày quá hạn (*)",
]
TASK_CELLS = [
    "{{ row.no }}",
    "{{ row.content }}",
    "{{ row.document }}",
    "{{ row.unit }}",
    "{{ row.deadline }}",
    "{{ row.days }}",
]


UNIT_TASK_WIDTHS = [9, 80, 36, 22, 18]
UNIT_TASK_HEADERS = [h for h in TASK_HEADERS if h != "Đơn vị chủ trì"]
UNIT_TASK_CELLS = [c for c in TASK_CELLS if c != "{{ row.unit }}"]


def annex_table(doc: DocumentType) -> Table:
    """Open overdue tasks grouped by lead unit (a title row each), longest overdue first."""
    n = len(UNIT_TASK_HEADERS)
    table = doc.add_table(rows=7, cols=n)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, UNIT_TASK_WIDTHS)
    _cell_margins(table, 1.0, 1.0)
    rows = table.rows
    _repeat_header(rows[0])
    for cell, text in zip(rows[0].cells, UNIT_TASK_HEADERS, strict=True):
        first_para(cell, text, style="CDDH Table Head")
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for i, text in {
        1: "{%tr for group in annex_groups %}",
        3: "{%tr for row in group.rows %}",
        5: "{%tr endfor %}",
        6: "{%tr endfor %}",
    }.items():
        first_para(rows[i].cells[0], text, style="CDDH Table")
    title = rows[2].cells[0].merge(rows[2].cells[n - 1])
    first_para(title, "{{ group.title }}", style="CDDH Table", bold=True)
    for i, text in enumerate(UNIT_TASK_CELLS):
        style = "CDDH Table Number" if i in (0, 4) else "CDDH Table"
        first_para(rows[4].cells[i], text, style=style)
    return table


def unit_table(doc: DocumentType) -> Table:
    """Units ranked within groups (provincial bodies, local committees), subtotals, a grand total.

    Group titles and subtotals only show when there is more than one group (`show_groups`).
    """
    n = len(UNIT_HEADERS)
    table = doc.add_table(rows=13, cols=n)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, UNIT_WIDTHS)
    _cell_margins(table, 0.8, 0.8)
    rows = table.rows
    _repeat_header(rows[0])
    for cell, text in zip(rows[0].cells, UNIT_HEADERS, strict=True):
        first_para(cell, text, style="CDDH Table Head", size=10)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    tags = {
        1: "{%tr for group in unit_groups %}",
        2: "{%tr if show_groups %}",
        4: "{%tr endif %}",
        5: "{%tr for row in group.rows %}",
        7: "{%tr endfor %}",
        8: "{%tr if show_groups %}",
        10: "{%tr endif %}",
        11: "{%tr endfor %}",
    }
    for i, text in tags.items():
        first_para(rows[i].cells[0], text, style="CDDH Table")
    title = rows[3].cells[0].merge(rows[3].cells[n - 1])
    first_para(title, "{{ group.title }}", style="CDDH Table", bold=True, size=10)

    def fill(row_index: int, prefix: str, first: str, bold: bool, italic: bool) -> None:
        cells = [first, f"{{{{ {prefix}.name }}}}"] + [
            f"{{{{ {prefix}.{f} }}}}" for f in _UNIT_FIELDS
        ]
        for i, text in enumerate(cells):
            style = "CDDH Table" if i == 1 else "CDDH Table Number"
            p = first_para(rows[row_index].cells[i], text, style=style, size=10)
            for run in p.runs:
                run.bold = bold or None
                run.italic = italic or None

    fill(6, "row", "{{ row.rank }}", False, False)
    fill(9, "group.subtotal", "", True, True)
    fill(12, "unit_total", "", True, False)
    return table


def build_briefing(path: Path = BRIEFING_TEMPLATE) -> Path:
    """The monthly (or quarterly, …) briefing on assigned tasks: báo cáo, sections I–II, annex."""
    doc = new_document()
    official_header(doc)
    para(doc, "", "CDDH Header", after=0)
    para(doc, "BÁO CÁO", "CDDH Header", bold=True, size=14, before=12)
    para(doc, "{{ abstract }}", "CDDH Header", bold=True, size=14)
    short_rule(doc, TEXT_W_MM, 45)
    para(doc, "", "CDDH Header", after=0)
    para(doc, "{{ intro }}")

    para(doc, "I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", "CDDH Heading")
    para(doc, "1. Kết quả chung", "CDDH Heading")
    tag(doc, "{%p for text in overall_paragraphs %}")
    para(doc, "{{ text }}")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ overall_caption }}", "CDDH Caption", keep_next=True)
    grid_table(
        doc,
        [
            "Chỉ tiêu",
            "{{ overall_head.current }}",
            "{{ overall_head.previous }}",
            "{{ overall_head.last_year }}",
            "{{ overall_head.cumulative }}",
            "{{ overall_head.cumulative_last_year }}",
        ],
        [55, 22, 22, 22, 22, 22],
        "overall_rows",
        [
            "{{ row.label }}",
            "{{ row.current }}",
            "{{ row.previous }}",
            "{{ row.last_year }}",
            "{{ row.cumulative }}",
            "{{ row.cumulative_last_year }}",
        ],
        numeric={1, 2, 3, 4, 5},
    )
    tag(doc, "{%p for note in rate_notes %}")
    para(doc, "{{ note }}", "CDDH Note", after=0)
    tag(doc, "{%p endfor %}")
    para(doc, "", "CDDH Note", after=0)

    para(doc, "2. Kết quả thực hiện theo đơn vị", "CDDH Heading")
    para(doc, "{{ unit_intro }}")
    para(doc, "{{ unit_caption }}", "CDDH Caption", keep_next=True)
    unit_table(doc)
    para(doc, "{{ unit_note }}", "CDDH Note", before=3)

    para(doc, "3. Biểu đồ", "CDDH Heading")
    for n, (var, caption) in enumerate(
        (
            ("chart_status", "chart_status_caption"),
            ("chart_ranking", "chart_ranking_caption"),
            ("chart_trend", "chart_trend_caption"),
        ),
        start=1,
    ):
        para(doc, f"{{{{ {var} }}}}", "CDDH Figure", before=6)
        para(doc, f"Biểu đồ {n}. {{{{ {caption} }}}}", "CDDH Caption")

    para(doc, "4. Nhiệm vụ chưa hoàn thành, quá hạn", "CDDH Heading")
    para(doc, "{{ overdue_intro }}")
    tag(doc, "{%p if overdue_total %}")
    para(doc, "{{ age_caption }}", "CDDH Caption", keep_next=True)
    grid_table(
        doc,
        ["Thời gian quá hạn (ngày làm việc)", "Số nhiệm vụ", "Tỷ lệ"],
        [95, 35, 35],
        "age_rows",
        ["{{ row.label }}", "{{ row.count }}", "{{ row.share }}"],
        numeric={1, 2},
        total=["Tổng cộng", "{{ age_total.count }}", "{{ age_total.share }}"],
    )
    para(doc, "", "CDDH Note", after=0)
    para(doc, "{{ overdue_top_caption }}", "CDDH Caption", keep_next=True)
    grid_table(doc, TASK_HEADERS, TASK_WIDTHS, "overdue_top", TASK_CELLS, numeric={0, 5})
    para(doc, "{{ overdue_note }}", "CDDH Note", before=3)
    tag(doc, "{%p endif %}")

    para(doc, "5. Nhiệm vụ sắp đến hạn", "CDDH Heading")
    para(doc, "{{ due_soon_intro }}")
    tag(doc, "{%p if due_soon_rows %}")
    grid_table(
        doc,
        ["TT", "Nội dung nhiệm vụ", "Văn bản giao", "Đơn vị chủ trì", "Thời hạn", "Còn lại (*)"],
        TASK_WIDTHS,
        "due_soon_rows",
        TASK_CELLS,
        numeric={0, 5},
    )
    para(doc, "{{ due_soon_note }}", "CDDH Note", before=3)
    tag(doc, "{%p endif %}")

    para(doc, "6. Tình hình cập nhật kết quả thực hiện nhiệm vụ", "CDDH Heading")
    para(doc, "{{ discipline_intro }}")
    tag(doc, "{%p if discipline_rows %}")
    grid_table(
        doc,
        [
            "TT",
            "Đơn vị",
            "Nhiệm vụ phải cập nhật",
            "Đã cập nhật đúng hạn",
            "Chưa cập nhật đúng hạn",
            "Tỷ lệ cập nhật đúng hạn",
        ],
        [9, 66, 22.5, 22.5, 22.5, 22.5],
        "discipline_rows",
        [
            "{{ row.no }}",
            "{{ row.name }}",
            "{{ row.duties }}",
            "{{ row.updated }}",
            "{{ row.not_updated }}",
            "{{ row.rate }}",
        ],
        numeric={0, 2, 3, 4, 5},
    )
    para(doc, "{{ discipline_note }}", "CDDH Note", before=3)
    tag(doc, "{%p endif %}")

    para(doc, "II. ĐÁNH GIÁ VÀ ĐỀ XUẤT", "CDDH Heading")
    para(doc, "1. Đánh giá", "CDDH Heading")
    tag(doc, "{%p for text in assessment %}")
    para(doc, "{{ text }}")
    tag(doc, "{%p endfor %}")
    para(doc, "2. Đề xuất, kiến nghị", "CDDH Heading")
    tag(doc, "{%p for text in proposals %}")
    para(doc, "{{ text }}")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ closing }}")
    signature_block(doc)

    # Annex: the full list of open overdue tasks.
    page_break(doc)
    para(doc, "Phụ lục", "CDDH Header", bold=True, size=14)
    para(doc, "{{ annex_title }}", "CDDH Header", bold=True, size=14)
    para(doc, "{{ annex_subtitle }}", "CDDH Header", italic=True, size=14)
    short_rule(doc, TEXT_W_MM, 45)
    para(doc, "", "CDDH Header", after=0)
    tag(doc, "{%p if annex_groups %}")
    annex_table(doc)
    tag(doc, "{%p endif %}")
    para(doc, "{{ annex_note }}", "CDDH Note", before=3)
    for table in doc.tables[1:]:
        keep_rows_whole(table)
    _preserve_spaces(doc)
    doc.save(str(path))
    return path


# --- the urging letter ----------------------------------------------------------------------------


def build_urge(path: Path = URGE_TEMPLATE) -> Path:
    """The urging letter (công văn đôn đốc) to one unit listing its overdue tasks."""
    doc = new_document()
    official_header(doc, subject=True)
    para(doc, "", "CDDH Header", after=0)
    p = para(doc, "", "CDDH Header", before=12, after=12)
    runs(p, ("Kính gửi: ", {}), ("{{ recipient }}.", {}))
    p.runs[0].font.size = Pt(14)
    p.runs[1].font.size = Pt(14)
    para(doc, "{{ opening }}")
    para(doc, "{{ overdue_caption }}", "CDDH Caption", keep_next=True)
    grid_table(doc, UNIT_TASK_HEADERS, UNIT_TASK_WIDTHS, "tasks", UNIT_TASK_CELLS, numeric={0, 4})
    para(doc, "{{ overdue_note }}", "CDDH Note", before=3)
    tag(doc, "{%p for text in requests %}")
    para(doc, "{{ text }}")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ closing }}")
    signature_block(doc)
    for table in doc.tables[1:]:
        keep_rows_whole(table)
    _preserve_spaces(doc)
    doc.save(str(path))
    return path


def _preserve_spaces(doc: DocumentType) -> None:
    """Keep leading/trailing spaces of every text run (the blank document number, for one)."""
    for t in doc.element.body.iter(qn("w:t")):
        t.set(qn("xml:space"), "preserve")


def main() -> None:
    """Rebuild both templates."""
    for built in (build_briefing(), build_urge()):
        print(f"Đã tạo mẫu {built.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
