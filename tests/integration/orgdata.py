"""A small hand-built organisation and task factory for metrics tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.model import Document, Leader, Task, Unit, validate
from core.repository import Repository

UNITS = [
    {"code": "UBND", "name": "Ủy ban nhân dân tỉnh", "kind": "ppc"},
    {"code": "VP", "name": "Văn phòng UBND tỉnh", "kind": "office", "parent": "UBND"},
    {"code": "P-TH", "name": "Phòng Tổng hợp", "kind": "office_room", "parent": "VP"},
    {"code": "SYT", "name": "Sở Y tế", "kind": "department", "sector": "culture_society"},
    {"code": "STC", "name": "Sở Tài chính", "kind": "department", "sector": "economy"},
    {
        "code": "SKHDT",
        "name": "Sở Kế hoạch và Đầu tư",
        "kind": "department",
        "sector": "economy",
        "valid_to": "2025-02-28",
        "successor": "STC",
    },
    {
        "code": "H-A",
        "name": "UBND huyện A",
        "kind": "district",
        "sector": "local",
        "valid_to": "2025-06-30",
        "successor": "X-A1",
    },
    {
        "code": "X-A1",
        "name": "UBND xã A1",
        "kind": "commune",
        "sector": "local",
        "valid_from": "2025-07-01",
    },
]

LEADERS = [
    {"id": "CT", "name": "Nguyễn Văn Chủ", "title": "chairman", "unit": "UBND",
     "portfolio": {"sectors": ["general"], "units": []}, "ppc_member": True},
    {"id": "PCT1", "name": "Trần Thị Kinh", "title": "vice_chairman", "unit": "UBND",
     "portfolio": {"sectors": ["economy"], "units": []}, "ppc_member": True},
    {"id": "PCT2", "name": "Lê Văn Xã", "title": "vice_chairman", "unit": "UBND",
     "portfolio": {"sectors": ["culture_society"], "units": ["H-A", "X-A1"]}, "ppc_member": True},
]  # fmt: skip


def load_org(repo: Repository) -> None:
    """Save the units and leaders above."""
    repo.save_units([validate(Unit, u) for u in UNITS], actor="test")
    repo.save_leaders([validate(Leader, x) for x in LEADERS], actor="test")


class TaskFactory:
    """Builds documents and tasks with sensible defaults; keeps the Python-side copies."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.docs: list[Document] = []
        self.tasks: list[Task] = []
        self.plain: list[dict[str, Any]] = []
        self._n = 0

    def add(self, **fields: Any) -> Task:
        self._n += 1
        issue = fields.pop("issue_date", fields.get("assigned_date", date(2025, 3, 3)))
        doc = validate(
            Document,
            {
                "type": fields.pop("doc_type", "QD"),
                "number": f"{self._n}/QĐ-UBND",
                "abstract": fields.pop("abstract", f"Về việc thử nghiệm số {self._n}"),
                "issue_date": issue,
                "signer": fields.pop("signer", "PCT1"),
            },
        )
        data = {
            "document": doc.key,
            "seq": 1,
            "content": fields.pop("content", f"Nhiệm vụ thử {self._n}"),
            "lead_unit": "SYT",
            "assigned_date": issue,
            **fields,
        }
        task = validate(Task, data)
        self.docs.append(doc)
        self.tasks.append(task)
        self.plain.append(task.model_dump())
        return task

    def save(self) -> None:
        self.repo.import_batch(documents=self.docs, tasks=self.tasks, actor="test")
