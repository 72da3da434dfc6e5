"""The committed templates are what `docx_templates/build.py` produces (so they can be reviewed)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx_templates import build


def part(path: Path, name: str = "word/document.xml") -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def test_committed_templates_match_the_builder(tmp_path: Path) -> None:
    for make, committed in (
        (build.build_briefing, build.BRIEFING_TEMPLATE),
        (build.build_urge, build.URGE_TEMPLATE),
    ):
        fresh = make(tmp_path / committed.name)
        for name in ("word/document.xml", "word/styles.xml"):
            assert part(fresh, name) == part(committed, name), (
                f"{committed.name} is stale: run `python -m docx_templates.build`"
            )
