"""No widget of the dashboard falls back to Streamlit's English wording: a selectbox that starts
empty (`index=None`) and every multiselect name their Vietnamese placeholder (Streamlit's own
is «Choose an option» / «Choose options»). Read from the code (ast), every page module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def english_placeholders(source: str, filename: str = "<test>") -> list[int]:
    """Lines of selectbox/multiselect calls that would show Streamlit's English placeholder."""
    lines = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}
        starts_empty = isinstance(kwargs.get("index"), ast.Constant) and (
            kwargs["index"].value is None  # type: ignore[attr-defined]
        )
        asks = node.func.attr == "multiselect" or (node.func.attr == "selectbox" and starts_empty)
        if asks and "placeholder" not in kwargs:
            lines.append(node.lineno)
    return lines


def test_the_check_sees_both_widgets() -> None:
    sample = (
        "st.selectbox('a', [1], index=None)\n"
        "st.selectbox('b', [1])\n"
        "col.multiselect('c', [1])\n"
        "st.multiselect('d', [1], placeholder='Chọn')\n"
        "st.selectbox('e', [1], index=None, placeholder='Chọn')\n"
    )
    assert english_placeholders(sample) == [1, 3]


def test_no_widget_shows_streamlits_english_placeholder() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "dashboard").rglob("*.py"))
        for line in english_placeholders(path.read_text(encoding="utf-8"), str(path))
    }
    assert not found, sorted(found)
