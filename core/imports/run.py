"""Parsing a whole import file, then writing it all or nothing (one transaction or staged)."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from core import config
from core.errors import Problem, ValidationFailed
from core.imports.cells import LIMITS
from core.imports.known import Known, RepoKnown
from core.imports.org import has_record_column, org_sheets, parse_org
from core.imports.problems import Issues
from core.imports.readers import Sheet
from core.imports.report import ImportReport, ParsedImport, Tally
from core.imports.rows import sheets_of
from core.imports.tasks import CHUNK, parse_tasks
from core.model import Task

if TYPE_CHECKING:
    from core.repository import Repository

ImportKind = Literal["auto", "tasks", "org"]


def detect_kind(sheets: Sequence[Sheet]) -> Literal["tasks", "org"]:
    """org when a workbook has org sheets or the first sheet has a record column."""
    if org_sheets(sheets) or (sheets and has_record_column(sheets[0])):
        return "org"
    return "tasks"


def _parse(
    path: Path, kind: ImportKind | str, known: Known | None, sink: Callable[[Task], None]
) -> ParsedImport:
    """Read and validate a file in streaming passes; valid tasks go to `sink`."""
    if kind not in ("auto", "tasks", "org"):
        raise ValidationFailed(
            [Problem("loại dữ liệu nhập", f"«{kind}» không hợp lệ (auto, tasks hoặc org)")]
        )
    if not path.is_file():
        raise ValidationFailed([Problem("tệp", f"không tìm thấy «{path}»")])
    limits = config.import_limits()
    token = LIMITS.set(limits)
    try:
        known = known or Known()
        issues = Issues()
        warnings: list[str] = []
        sheets = sheets_of(path, issues, limits)
        chosen: Literal["tasks", "org"] = "org" if kind == "org" else "tasks"
        if kind == "auto":
            chosen = detect_kind(sheets)
        parsed = ParsedImport(kind=chosen, warnings=warnings)
        if chosen == "tasks":
            sheet = sheets[0]
            sheet.title = None

            def count(task: Task) -> None:
                parsed.task_count += 1
                sink(task)

            parsed.documents, parsed.existing = parse_tasks(sheet, known, issues, warnings, count)
        else:
            parsed.units, parsed.leaders, parsed.delegations, parsed.existing = parse_org(
                sheets, known, issues, warnings
            )
        if issues:
            raise ValidationFailed(issues.problems())
        stripped = issues.stripped_warning()
        if stripped:
            warnings.append(stripped)
        return parsed
    finally:
        LIMITS.reset(token)


def parse_file(
    path: Path | str, kind: ImportKind | str = "auto", *, known: Known | None = None
) -> ParsedImport:
    """Read and validate a whole file without writing anything.

    References (units, leaders, stored tasks) resolve against `known` plus the file itself;
    without `known`, against the file only. Raises ValidationFailed listing every problem.
    The validated tasks are returned in a list (for big files, `import_file` streams them).
    """
    tasks: list[Task] = []
    parsed = _parse(Path(path), kind, known, tasks.append)
    parsed.tasks = tasks
    return parsed


def _spilled_tasks(spill: IO[bytes]) -> Iterator[list[Task]]:
    """The validated tasks waiting in a spill file, in batches."""
    spill.seek(0)
    batch: list[Task] = []
    while True:
        try:
            batch.append(pickle.load(spill))
        except EOFError:
            break
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def import_file(
    repo: Repository,
    path: Path | str,
    kind: ImportKind | str = "auto",
    actor: str = "import",
) -> ImportReport:
    """Validate a whole file, then write it all or nothing; nothing is written on error.

    Up to CDDH_IMPORT_TRANSACTION_TASKS tasks are written in one transaction; a larger file
    is staged beside the store and published at once (Repository.import_staged), so any size
    fits the database's cache. Importing the same file again writes nothing (records are
    keyed, unchanged ones skipped).
    """
    path = Path(path)
    with tempfile.TemporaryFile(prefix="cddh-tasks-") as spill:

        def sink(task: Task) -> None:
            pickle.dump(task, spill, pickle.HIGHEST_PROTOCOL)

        parsed = _parse(path, kind, RepoKnown(repo), sink)
        if parsed.task_count <= config.import_limits().transaction_tasks:
            tasks = [t for batch in _spilled_tasks(spill) for t in batch]
            written = repo.import_batch(
                units=parsed.units,
                leaders=parsed.leaders,
                delegations=parsed.delegations,
                documents=parsed.documents,
                tasks=tasks,
                actor=actor,
            )
        else:
            written = repo.import_staged(
                documents=parsed.documents, task_batches=_spilled_tasks(spill), actor=actor
            )
    tallies: dict[str, Tally] = {}
    for name, total in parsed.totals().items():
        new = total - parsed.existing.get(name, 0)
        changed = max(0, written.get(name, 0) - new)
        tallies[name] = Tally(total=total, new=new, changed=changed)
    return ImportReport(kind=parsed.kind, file=path.name, tallies=tallies, warnings=parsed.warnings)
