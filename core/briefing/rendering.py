"""Filling a docxtpl template (autoescaped, strict) into .docx bytes; the templates' paths."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core import config
from core.briefing.figures import chart_extent_mm

TEMPLATES_DIR = config.PROJECT_ROOT / "docx_templates"
BRIEFING_TEMPLATE = TEMPLATES_DIR / "bao_cao.docx"
URGE_TEMPLATE = TEMPLATES_DIR / "cong_van_don_doc.docx"


def render_docx(template: Path, context: Mapping[str, Any]) -> bytes:
    """Fill a template: autoescaped, undefined variables are errors, PNG bytes become images."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import Environment, StrictUndefined

    tpl = DocxTemplate(str(template))
    ctx: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, bytes) and value:
            width, height = chart_extent_mm(value)
            ctx[key] = InlineImage(tpl, io.BytesIO(value), width=Mm(width), height=Mm(height))
        elif isinstance(value, bytes):
            ctx[key] = ""
        else:
            ctx[key] = value
    env = Environment(autoescape=True, undefined=StrictUndefined)
    tpl.render(ctx, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def template_variables(template: Path) -> set[str]:
    """The variables a template uses (docxtpl's get_undeclared_template_variables)."""
    from docxtpl import DocxTemplate

    return set(DocxTemplate(str(template)).get_undeclared_template_variables())
