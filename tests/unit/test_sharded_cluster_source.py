"""What a sharded cluster refuses stays out of the code (docs/scaling.md), read from the source
with ast: no `$out` stage anywhere, and one `renameCollection` only, whose source and target
are both namespaces of the store's own database."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("core", "dashboard", "cddh_cli")
STAGING = ROOT / "core" / "repository" / "staging.py"


def _trees() -> list[tuple[Path, ast.Module]]:
    found = [p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))]
    assert found
    return [(p, ast.parse(p.read_text(encoding="utf-8"), filename=str(p))) for p in found]


def _strings(tree: ast.AST, value: str) -> list[ast.Constant]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value == value
    ]


def _is_self_db_name(node: ast.expr) -> bool:
    """`self.db.name`"""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "name"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "db"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "self"
    )


def _namespace_of_this_db(node: ast.expr) -> bool:
    """An f-string `f"{self.db.name}.{...}"`: a collection of the store's own database."""
    if not isinstance(node, ast.JoinedStr) or len(node.values) < 3:
        return False
    head, dot = node.values[0], node.values[1]
    return (
        isinstance(head, ast.FormattedValue)
        and _is_self_db_name(head.value)
        and isinstance(dot, ast.Constant)
        and dot.value == "."
    )


def test_no_pipeline_writes_with_out() -> None:
    """`$out` cannot write to a sharded collection: `$merge` does (rebuild_facts)."""
    for path, tree in _trees():
        assert not _strings(tree, "$out"), f"{path}: $out (a sharded cluster refuses it)"


def test_the_only_rename_stays_within_the_database() -> None:
    """A sharded collection is renamed only within its database (MongoDB 5.0+): the one
    `renameCollection` names both namespaces from `self.db.name`."""
    places = [(path, tree) for path, tree in _trees() if _strings(tree, "renameCollection")]
    assert [path for path, _ in places] == [STAGING]
    tree = places[0][1]
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "renameCollection"
    ]
    assert len(calls) == 1 == len(_strings(tree, "renameCollection"))
    call = calls[0]
    source = call.args[1]
    target = next(k.value for k in call.keywords if k.arg == "to")
    assert _namespace_of_this_db(source) and _namespace_of_this_db(target)
    owner = next(
        f
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef) and any(n is call for n in ast.walk(f))
    )
    assert owner.name == "_rename_within"


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    sample = ast.parse(
        "def f(self, s, t):\n"
        "    self.db.client.admin.command('renameCollection', f'{self.db.name}.{s}',\n"
        "                                 to=f'other.{t}')\n"
        "    self.db.x.aggregate([{'$out': 'y'}])\n"
    )
    assert _strings(sample, "$out")
    call = next(n for n in ast.walk(sample) if isinstance(n, ast.Call) and n.keywords)
    assert _namespace_of_this_db(call.args[1])
    assert not _namespace_of_this_db(call.keywords[0].value)
