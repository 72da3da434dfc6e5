"""Fixtures of the workflow tests: a small province on a fresh database of the real mongod,
and the store as each kind of user sees it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from core.access.roles import Actor
from core.access.scopes import scope_for
from core.calendar import WorkCalendar
from core.model import Unit, validate
from core.repository import Repository
from core.services import work_calendar
from core.workflow import DocumentForm, TaskForm, enter_document
from tests.integration.orgdata import load_org

TODAY = date(2025, 9, 15)  # a Monday

CHIEF = Actor("chanhvp", "office_chief", display_name="Huỳnh Quốc Bảo")
SPECIALIST = Actor(
    "chuyenvien", "office_specialist", display_name="Trần Thị Theo Dõi", tracking_rooms=("P-TH",)
)
OTHER_SPECIALIST = Actor(
    "cv.kinhte", "office_specialist", display_name="Lê Văn Kinh Tế", tracking_rooms=("P-KT",)
)
UNASSIGNED_SPECIALIST = Actor("cv.moi", "office_specialist", display_name="Chuyên viên mới")
SYT = Actor("syt", "unit_officer", display_name="Cán bộ Sở Y tế", unit="SYT")
STC = Actor("stc", "unit_officer", display_name="Cán bộ Sở Tài chính", unit="STC")
XA1 = Actor("xa1", "unit_officer", display_name="Cán bộ UBND xã A1", unit="X-A1")
VIEWER = Actor("xem", "viewer")
CHAIRMAN = Actor("ct", "chairman", leader_id="CT")


@pytest.fixture()
def org(repo: Repository) -> Repository:
    """The hand-built organisation plus a second Office room."""
    load_org(repo)
    repo.save_units(
        [validate(Unit, {"code": "P-KT", "name": "Phòng Kinh tế", "kind": "office_room",
                         "parent": "VP"})],
        actor="test",
    )  # fmt: skip
    return repo


@pytest.fixture()
def as_user(org: Repository) -> Callable[[Actor], Repository]:
    """The store bound to a user, as the dashboard binds it after login."""

    def bind(actor: Actor) -> Repository:
        return org.acting_as(actor, scope_for(actor, org.units(), TODAY))

    return bind


@pytest.fixture()
def cal(org: Repository) -> WorkCalendar:
    return work_calendar(org)


def doc_form(
    number: str = "15/QĐ-UBND", issued: date = date(2025, 9, 1), **kw: object
) -> DocumentForm:
    fields: dict[str, object] = {
        "type": "QD",
        "number": number,
        "abstract": "Về việc triển khai tiêm chủng mở rộng năm 2025",
        "issue_date": issued,
        "signer": "PCT2",
        "submitting_unit": "SYT",
        **kw,
    }
    return DocumentForm(**fields)  # type: ignore[arg-type]


def task_form(**kw: object) -> TaskForm:
    fields: dict[str, object] = {
        "content": "Tổ chức tiêm chủng mở rộng cho trẻ em dưới 5 tuổi",
        "lead_unit": "SYT",
        "coord_units": ["STC"],
        "tracking_room": "P-TH",
        "deadline": date(2025, 9, 30),
        **kw,
    }
    return TaskForm(**fields)  # type: ignore[arg-type]


@pytest.fixture()
def entered(as_user: Callable[[Actor], Repository]) -> str:
    """One task of the Department of Health (coordinated by Finance and commune A1), entered
    by the Office specialist on 02/09/2025; returns its id."""
    office = as_user(SPECIALIST)
    result = enter_document(
        office, doc_form(), [task_form(coord_units=["STC", "X-A1"])], today=date(2025, 9, 2)
    )
    return result.tasks[0]


def version(repo: Repository, task_id: str) -> int:
    """The stored version of a task (read as the system)."""
    from core.scope import Scope

    found = repo.task(task_id, Scope.everything())
    assert found is not None
    return int(found["version"])
