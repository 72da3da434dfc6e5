"""Mutation scores per module from a finished `mutmut run` (read from mutants/**/*.py.meta).

Run from the project root after `mutmut run` (`make mutation` does both):

    .venv/bin/python tests/mutation_scores.py            # the table (Markdown)
    .venv/bin/python tests/mutation_scores.py --alive    # also every mutant left alive, by module

Score = (killed + timeout) / all mutants of the module. A mutant no selected test reaches
("no tests") counts as alive, like a survivor: nothing would notice it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py): what each means for the score.
KILLED = {1, 3, 36, 24, -24, 152, 255}  # a test failed, pytest broke, or the mutant hung
SURVIVED = {0}
NO_TESTS = {5, 33}


def module_counts(meta: Path) -> tuple[Counter[str], list[str]]:
    """Counts of killed / survived / no tests / other, and the names of the mutants alive."""
    data = json.loads(meta.read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    alive: list[str] = []
    for name, code in sorted(data["exit_code_by_key"].items(), key=lambda kv: _order(kv[0])):
        if code in KILLED:
            counts["killed"] += 1
        elif code in SURVIVED:
            counts["survived"] += 1
            alive.append(f"{name} (survived)")
        elif code in NO_TESTS:
            counts["no tests"] += 1
            alive.append(f"{name} (no tests)")
        else:
            counts["other"] += 1
            alive.append(f"{name} (exit code {code})")
    return counts, alive


def _order(name: str) -> tuple[str, int]:
    base, _, number = name.rpartition("__mutmut_")
    return base, int(number) if number.isdigit() else 0


def main(argv: list[str]) -> int:
    metas = sorted(Path("mutants").rglob("*.py.meta"))
    if not metas:
        print("no mutants/**/*.py.meta: run `mutmut run` first", file=sys.stderr)
        return 1
    print("| module | mutants | killed | survived | no tests | score |")
    print("|---|---:|---:|---:|---:|---:|")
    details: list[tuple[str, list[str]]] = []
    for meta in metas:
        module = str(meta.relative_to("mutants"))[: -len(".meta")]
        counts, alive = module_counts(meta)
        total = sum(counts.values())
        score = counts["killed"] / total if total else 1.0
        print(
            f"| `{module}` | {total} | {counts['killed']} | {counts['survived']} "
            f"| {counts['no tests']} | {score:.1%} |"
        )
        details.append((module, alive))
    if "--alive" in argv:
        for module, alive in details:
            print(f"\n## {module}: {len(alive)} alive")
            for name in alive:
                print(f"- {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
