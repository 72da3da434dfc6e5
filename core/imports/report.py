"""What an import parsed and what it wrote: the validated file, tallies, the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.model import Delegation, Document, Leader, Task, Unit
from core.numbers import format_count


@dataclass
class ParsedImport:
    """A validated file, ready for `Repository.import_batch`."""

    kind: Literal["tasks", "org"]
    units: list[Unit] = field(default_factory=list)
    leaders: list[Leader] = field(default_factory=list)
    delegations: list[Delegation] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # How many records of each collection are already stored (the rest are new).
    existing: dict[str, int] = field(default_factory=dict)
    task_count: int = 0  # valid tasks in the file (streamed to a sink, or listed in `tasks`)

    def totals(self) -> dict[str, int]:
        """Records in the file, by collection."""
        return {
            "units": len(self.units),
            "leaders": len(self.leaders),
            "delegations": len(self.delegations),
            "documents": len(self.documents),
            "tasks": max(self.task_count, len(self.tasks)),
        }


@dataclass(frozen=True)
class Tally:
    """Records of one collection in an import: how many were new, changed, unchanged."""

    total: int
    new: int
    changed: int

    @property
    def unchanged(self) -> int:
        return self.total - self.new - self.changed


_NOUNS = {
    "units": "đơn vị",
    "leaders": "lãnh đạo",
    "delegations": "ủy quyền",
    "documents": "văn bản",
    "tasks": "nhiệm vụ",
}


@dataclass
class ImportReport:
    """What an import wrote."""

    kind: Literal["tasks", "org"]
    file: str
    tallies: dict[str, Tally]
    warnings: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        """Records inserted or changed."""
        return sum(t.new + t.changed for t in self.tallies.values())

    def summary(self) -> str:
        """One Vietnamese paragraph, then one line per warning."""
        parts = [
            f"{format_count(t.total)} {_NOUNS[name]} (mới {format_count(t.new)}, "
            f"thay đổi {format_count(t.changed)}, không đổi {format_count(t.unchanged)})"
            for name, t in self.tallies.items()
            if t.total
        ]
        text = f"Đã nhập tệp «{self.file}»: " + ", ".join(parts) + "."
        if self.written == 0:
            text += " Không có gì thay đổi: dữ liệu đang có đã giống tệp."
        for warning in self.warnings:
            text += f"\nLưu ý: {warning}"
        return text
