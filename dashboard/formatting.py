"""How the dashboard shows values: Vietnamese numbers, dates, names, labels and table styles."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, cast

import pandas as pd
import streamlit as st

from core import metrics
from core.access.roles import EXPORT
from core.dates import format_vn
from core.numbers import format_decimal
from core.rows import TaskRow
from core.text import neutralise_formula
from core.vocab import DOCUMENT_TYPES, LEADER_TITLES, STATUS_LABELS
from dashboard.data import accountability_on, org_data


def fmt_count(n: int | None) -> str:
    """1.234"""
    return "—" if n is None else metrics.format_count(int(n))


def fmt_rate(value: float | None) -> str:
    """98,6%"""
    return metrics.format_rate(value)


def fmt_date(d: date | None) -> str:
    """dd/mm/yyyy (empty for none)."""
    return format_vn(d)


def fmt_date_iso(text: str | None) -> str:
    """dd/mm/yyyy of an ISO date string (as the metrics results carry them)."""
    return format_vn(date.fromisoformat(text)) if text else ""


def delta_count(current: int, before: int | None) -> str | None:
    """'+12' / '-3' / '0' for a card (`dashboard.cards`) (None when nothing to compare)."""
    if before is None:
        return None
    d = int(current) - int(before)
    return ("+" if d > 0 else "-" if d < 0 else "") + metrics.format_count(abs(d))


def delta_rate(current: float | None, before: float | None) -> str | None:
    """'+2,3 điểm %' for a card (None when either rate is missing)."""
    if current is None or before is None:
        return None
    d = (current - before) * 100
    sign = "+" if d > 0.05 else "-" if d < -0.05 else ""
    return f"{sign}{format_decimal(abs(d))} điểm %"


def unit_name(code: str | None) -> str:
    """A unit's name (the code only when the unit is unknown)."""
    if code is None:
        return ""
    return str(org_data()["unit_names"].get(code, code))


def responsible(code: str | None, as_of: date, historical: bool = False) -> str:
    """The unit answering for a task led by `code` on D: its successor when it had ceased to
    exist, named «… (trước đây: …)»; `historical`: the unit itself."""
    if code is None:
        return ""
    if historical:
        return unit_name(code)
    return accountability_on(as_of).label(code)


def late_words(row: TaskRow) -> str:
    """«quá hạn 12 ngày làm việc» / «chậm 3 ngày làm việc» for a late row (`days_late`), else ""."""
    days = row.get("days_late")
    if days is None:
        return ""
    verb = "quá hạn" if row.get("category") == "open_overdue" else "chậm"
    return f"{verb} {fmt_count(days)} ngày làm việc"


def actor_name(actor: str | None) -> str:
    """Who made a change, by name: a unit, a leader, or the account/process as recorded."""
    if not actor:
        return ""
    known = org_data()
    return str(known["unit_names"].get(actor) or known["leader_names"].get(actor) or actor)


def leader_name(leader_id: str | None) -> str:
    """A leader's name."""
    if leader_id is None:
        return ""
    names = org_data()["leader_names"]
    return "Chưa phân công" if leader_id == "none" else str(names.get(leader_id, leader_id))


def leader_label(leader: Mapping[str, Any]) -> str:
    """'Phó Chủ tịch UBND tỉnh Trần Thị Kinh'."""
    return f"{LEADER_TITLES.get(leader.get('title', ''), '')} {leader['name']}".strip()


def doc_type_name(code: str | None) -> str:
    """'Quyết định' for 'QD'."""
    return DOCUMENT_TYPES.get(code or "", (code or "", ""))[0]


def status_label(category: str | None) -> str:
    """The Vietnamese name of a status category."""
    return STATUS_LABELS.get(category or "", "—")


def figures_styler(
    df: pd.DataFrame,
    counts: Sequence[str] = (),
    rates: Sequence[str] = (),
    ranks: Sequence[str] = (),
) -> Any:
    """The table shown with Vietnamese number formats (1.234; 98,6%; — when missing) while its
    values stay numbers, so that sorting a column by clicking its header sorts by value."""

    def count(v: Any) -> str:
        return "—" if pd.isna(v) else fmt_count(int(v))

    def rate(v: Any) -> str:
        return "—" if pd.isna(v) else fmt_rate(float(v))

    def rank(v: Any) -> str:
        return "—" if pd.isna(v) else str(int(v))

    formats: dict[str, Callable[[Any], str]] = {}
    formats.update(dict.fromkeys(counts, count))
    formats.update(dict.fromkeys(rates, rate))
    formats.update(dict.fromkeys(ranks, rank))
    return df.style.format(cast(Any, formats))


def status_styler(df: pd.DataFrame, column: str = "Trạng thái") -> Any:
    """The table with its status column coloured with the category's fixed colour."""
    from core.charts import STATUS_COLORS

    by_label = {STATUS_LABELS[c]: STATUS_COLORS[c] for c in STATUS_COLORS}
    dark = {
        STATUS_LABELS[c] for c in ("completed_on_time", "open_overdue", "no_deadline_completed")
    }

    def paint(value: Any) -> str:
        colour = by_label.get(str(value))
        if colour is None:
            return ""
        text = "white" if value in dark else "black"
        return f"background-color: {colour}; color: {text}"

    return df.style.map(paint, subset=[column])


def rate_help(rate: str) -> str:
    """'Tỷ lệ … — mẫu số: …' for a rate's tooltip or caption."""
    return f"{metrics.RATE_LABELS[rate]}. Mẫu số: {metrics.RATE_DENOMINATORS[rate]}."


def task_label(row: Mapping[str, Any], width: int = 110) -> str:
    """A task in one line: its content (shortened) and its document's number."""
    content = str(row.get("content") or "")
    if len(content) > width:
        content = content[: width - 1].rstrip() + "…"
    number = row.get("document_number")
    return f"{content} ({number})" if number else content


def names_for(codes: Sequence[str]) -> str:
    """Unit names joined with ', '."""
    return ", ".join(unit_name(c) for c in codes) or "—"


# Marks that change a Markdown sentence mid-line (line-start marks never occur in our notes).
_MD_MARKS = re.compile(r"([\\`*_\[\]<>|$~])")


def md_literal(text: str) -> str:
    """`text` for a Markdown element, shown as typed: `$…$` is no formula, `*` no emphasis."""
    return _MD_MARKS.sub(r"\\\1", text)


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose texts (cells and headers) no spreadsheet evaluates as formulas."""
    safe = df.rename(columns=lambda c: neutralise_formula(c) if isinstance(c, str) else c)
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: neutralise_formula(v) if isinstance(v, str) else v
            )
    return safe


def xlsx_of(df: pd.DataFrame) -> bytes:
    """A table as an Excel file, formula-looking texts made inert."""
    import io

    buffer = io.BytesIO()
    spreadsheet_safe(df).to_excel(buffer, index=False, sheet_name="Số liệu")
    return buffer.getvalue()


def csv_of(df: pd.DataFrame) -> bytes:
    """A table as a CSV file (UTF-8 with BOM), formula-looking texts made inert."""
    return spreadsheet_safe(df).to_csv(index=False).encode("utf-8-sig")


def table_files(df: pd.DataFrame) -> tuple[bytes, bytes]:
    """A table as an Excel file and a CSV file: (xlsx, csv)."""
    return xlsx_of(df), csv_of(df)


def download_buttons(df: pd.DataFrame, name: str) -> None:
    """Our own Vietnamese download buttons for a table (Streamlit's table toolbar is English and
    hidden): Excel (.xlsx) and CSV (UTF-8 with BOM, so that Excel shows the diacritics)."""
    from dashboard import auth

    if not auth.current().may(EXPORT):
        return
    # The files are written when a button is pressed, not on every render (an Excel file of a
    # hundred units costs about 50 ms at each run of the page otherwise). The press does not
    # rerun the page: a rerun gives each button a new file id, and a second press made while it
    # ran asked for an id already dropped and got no file. The export is logged as the file is
    # made.
    table = df.copy()
    xlsx_log = auth.logger("export", {"file": f"{name}.xlsx", "rows": len(df)})
    csv_log = auth.logger("export", {"file": f"{name}.csv", "rows": len(df)})

    def xlsx() -> bytes:
        xlsx_log()
        return xlsx_of(table)

    def csv() -> bytes:
        csv_log()
        return csv_of(table)

    left, right, _rest = st.columns([1, 1, 4])
    left.download_button(
        "Tải Excel (.xlsx)",
        data=xlsx,
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
        width="stretch",
        on_click="ignore",
    )
    right.download_button(
        "Tải CSV",
        data=csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        width="stretch",
        on_click="ignore",
    )
