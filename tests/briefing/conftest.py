"""Fixtures of the briefing tests: a small province with awkward texts, and built documents."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from docx import Document

from core import briefing as b
from core import repository
from core.model import Delegation, Leader, validate
from core.periods import period_for_report
from tests.integration.orgdata import TaskFactory, load_org

TODAY = date(2026, 11, 20)  # a Friday; the November 2026 report covers 15/10–14/11/2026
NASTY = "Báo cáo <khẩn> & \"gấp\" về việc Sở <Y tế> & 'Công an' phối hợp </w:t> ]]> {{ x }}"
LONG = (
    "Chủ trì, phối hợp với các sở, ban, ngành tỉnh và Ủy ban nhân dân các xã, phường rà soát "
    "toàn bộ hồ sơ, thủ tục đầu tư các dự án trọng điểm, tháo gỡ dứt điểm khó khăn, vướng mắc "
    "trong công tác bồi thường, hỗ trợ, tái định cư; đẩy nhanh tiến độ giải ngân vốn đầu tư "
    "công năm 2026, bảo đảm đạt tỷ lệ giải ngân trên 95% kế hoạch được giao; định kỳ hằng "
    "tháng báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh (qua Văn phòng UBND tỉnh) trước "
    "ngày 20 để tổng hợp, báo cáo tại phiên họp thường kỳ của Ủy ban nhân dân tỉnh."
)
OFFICE = [
    {"id": "CVP", "name": "Phạm Văn Chánh", "title": "office_chief", "unit": "VP",
     "portfolio": {"sectors": ["general"], "units": ["P-TH"]}, "ppc_member": True},
    {"id": "PCVP", "name": "Võ Thị Phó", "title": "office_deputy", "unit": "VP",
     "portfolio": {"sectors": ["general"], "units": []}},
]  # fmt: skip


def load_province(repo: repository.Repository) -> None:
    """Units, leaders (with the Office's), a delegation and ~120 tasks over two years."""
    load_org(repo)
    repo.save_leaders([validate(Leader, x) for x in OFFICE], actor="test")
    # The Chief away 02/11–06/11/2026: the Deputy signs "KT." on those days.
    repo.save_delegation(
        Delegation(id="UQ-CVP", from_leader="CVP", to_leader="PCVP",
                   date_from=date(2026, 11, 2), date_to=date(2026, 11, 6)),
        actor="test",
    )  # fmt: skip
    rng = random.Random(7)
    org = TaskFactory(repo)
    start = date(2025, 1, 2)
    for i in range(120):
        assigned = start + timedelta(days=rng.randrange(0, 680))
        unit = rng.choice(
            ["SYT", "STC", "X-A1"] if assigned >= date(2025, 7, 1) else ["SYT", "STC", "H-A"]
        )
        fields: dict[str, Any] = {"assigned_date": assigned, "lead_unit": unit}
        if i % 7 != 0:
            deadline = assigned + timedelta(days=rng.randrange(10, 90))
            fields["deadline"] = deadline
            roll = rng.random()
            if roll < 0.55:
                done = deadline - timedelta(days=rng.randrange(0, 9))
                fields["completed_date"] = max(done, assigned)
            elif roll < 0.7:
                fields["completed_date"] = deadline + timedelta(days=rng.randrange(1, 30))
        elif rng.random() < 0.5:
            fields["completed_date"] = assigned + timedelta(days=rng.randrange(5, 60))
        if fields.get("completed_date") and fields["completed_date"] > TODAY:
            del fields["completed_date"]
        if i == 3:
            fields.update(
                content=NASTY, deadline=date(2025, 12, 1), assigned_date=date(2025, 10, 1)
            )
            fields.pop("completed_date", None)
        if i == 4:
            fields.update(content=LONG, abstract=NASTY, deadline=date(2026, 3, 2))
            fields.update(assigned_date=date(2026, 1, 5), lead_unit="STC")
            fields.pop("completed_date", None)
        org.add(**fields)
    # Due soon after 14/11/2026 (within 7 working days).
    org.add(assigned_date=date(2026, 11, 2), deadline=date(2026, 11, 18), lead_unit="SYT",
            content="Nhiệm vụ sắp đến hạn: báo cáo công tác phòng, chống dịch")  # fmt: skip
    org.save()


@pytest.fixture(scope="session")
def brief_repo(mongod: dict[str, Any]) -> Iterator[repository.Repository]:
    """The small province, loaded once (read-only for the tests, apart from the archive)."""
    repo = repository.connect(mongod["uri"], "brief_tests")
    repo.drop_all()
    repo.ensure_schema()
    load_province(repo)
    yield repo
    repo.db.client.drop_database("brief_tests")


@pytest.fixture(scope="session")
def november(brief_repo: repository.Repository) -> b.Briefing:
    """The province's November 2026 briefing, signed on the default day."""
    request = b.BriefingRequest(period=period_for_report("month", "2026-11"))
    return b.build_briefing(brief_repo, request, generated_by="pytest", today=TODAY)


@pytest.fixture(scope="session")
def november_doc(november: b.Briefing) -> Any:
    """The same, opened with python-docx."""
    return Document(io.BytesIO(november.content))
