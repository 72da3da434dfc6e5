"""Every environment variable the project reads is documented in the README, with its default."""

from __future__ import annotations

from pathlib import Path

from core.config import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    for setting in SETTINGS:
        assert f"`{setting.name}`" in README, f"{setting.name} is not documented in README.md"
