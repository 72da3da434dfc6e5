"""Every environment variable the project reads is documented in the README, with its default."""

from __future__ import annotations

from pathlib import Path

from core.config import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    for setting in SETTINGS:
        assert f"`{setting.name}`" in README, f"{setting.name} is not documented in README.md"


def test_core_never_imports_streamlit_or_pymongo_outside_repository() -> None:
    core = Path(__file__).resolve().parents[2] / "core"
    for path in core.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import streamlit" not in text, path
        if path.name != "repository.py":
            assert "import pymongo" not in text and "from pymongo" not in text, path
        assert text.lstrip().startswith('"""'), f"{path} has no module docstring"
