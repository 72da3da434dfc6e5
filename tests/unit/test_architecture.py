"""The layering, read from the code's import statements (ast, every module below each folder):
`core` never imports Streamlit; only `core/repository/` speaks the MongoDB driver; pages and the
CLI never speak it either; every module starts with a docstring."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ("pymongo", "pymongoarrow", "gridfs", "motor")


def imported(path: Path) -> set[str]:
    """Top-level package names a module imports (`import a.b`, `from a.b import c`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(folder: str) -> list[Path]:
    found = sorted((ROOT / folder).rglob("*.py"))
    assert found, folder
    return found


def test_imported_sees_every_form_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os.path\nfrom streamlit import cache_data\ndef f():\n    import pymongo.errors\n"
    )
    assert imported(sample) == {"os", "streamlit", "pymongo"}


def test_core_never_imports_streamlit() -> None:
    for path in modules("core"):
        assert "streamlit" not in imported(path), path


def test_only_the_repository_speaks_the_driver() -> None:
    for folder in ("core", "dashboard", "cddh_cli"):
        for path in modules(folder):
            if ROOT / "core" / "repository" in path.parents:
                continue
            assert not imported(path) & set(DRIVER), path


def test_every_module_has_a_docstring() -> None:
    for folder in ("core", "dashboard", "cddh_cli"):
        for path in modules(folder):
            if path.name == "__init__.py" and not path.read_text().strip():
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            assert ast.get_docstring(tree), f"{path} has no module docstring"
