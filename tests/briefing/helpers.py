"""Reading generated Word files in tests: effective run formatting, texts, tables."""

from __future__ import annotations

from typing import Any

from docx.table import Table
from docx.text.paragraph import Paragraph


def style_chain(paragraph: Paragraph) -> list[Any]:
    """The paragraph's style and its bases (most specific first)."""
    out, style = [], paragraph.style
    while style is not None:
        out.append(style)
        style = style.base_style
    return out


def run_size(paragraph: Paragraph, index: int = 0) -> float | None:
    """Effective font size (pt) of a run: direct formatting, else the style chain."""
    run = paragraph.runs[index]
    if run.font.size is not None:
        return float(run.font.size.pt)
    for style in style_chain(paragraph):
        if style.font.size is not None:
            return float(style.font.size.pt)
    return None


def run_flag(paragraph: Paragraph, flag: str, index: int = 0) -> bool:
    """Effective bold / italic / underline of a run."""
    value = getattr(paragraph.runs[index], flag)
    if value is not None:
        return bool(value)
    for style in style_chain(paragraph):
        value = getattr(style.font, flag)
        if value is not None:
            return bool(value)
    return False


def font_name(paragraph: Paragraph) -> str | None:
    """Effective font name of the first run."""
    if paragraph.runs and paragraph.runs[0].font.name:
        return str(paragraph.runs[0].font.name)
    for style in style_chain(paragraph):
        if style.font.name:
            return str(style.font.name)
    return None


def find_paragraph(paragraphs: list[Paragraph], text: str) -> Paragraph:
    """The first paragraph whose text is exactly `text`."""
    for p in paragraphs:
        if p.text.strip() == text:
            return p
    raise AssertionError(f"no paragraph «{text}» in {[p.text for p in paragraphs][:40]}")


def cell_paragraphs(table: Table) -> list[Paragraph]:
    """Every paragraph of every cell (merged cells once)."""
    seen, out = set(), []
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            out.extend(cell.paragraphs)
    return out


def all_text(doc: Any) -> str:
    """Body paragraphs and table cells, in document order enough for `in` checks."""
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(p.text for p in cell_paragraphs(table))
    return "\n".join(parts)


def table_with(doc: Any, header_text: str) -> Table:
    """The first table whose first row mentions `header_text`."""
    for table in doc.tables:
        if any(header_text in cell.text for cell in table.rows[0].cells):
            return table
    raise AssertionError(f"no table with «{header_text}»")


def number(text: str) -> int:
    """'1.234' → 1234."""
    return int(text.replace(".", "").strip())
