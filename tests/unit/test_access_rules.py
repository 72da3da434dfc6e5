"""The role table and scopes as pure rules: what each role may do and see, how a scope reads
as a MongoDB condition and as a Python check, and how a refusal is worded."""

from __future__ import annotations

from datetime import date

import pytest

from core.access import roles
from core.access.roles import ROLES, Actor, refusal
from core.access.scopes import scope_for, unit_codes
from core.dates import to_bson_day
from core.scope import Scope

D = date(2026, 11, 20)
UNITS = [
    {
        "_id": "STNMT",
        "name": "Sở TN&MT",
        "valid_from": None,
        "valid_to": to_bson_day(date(2025, 2, 28)),
        "successor": "SNNMT",
    },
    {
        "_id": "SNNPTNT",
        "name": "Sở NN&PTNT",
        "valid_to": to_bson_day(date(2025, 2, 28)),
        "successor": "SNNMT",
    },
    {"_id": "SNNMT", "name": "Sở NN&MT", "valid_to": None, "successor": None},
    {"_id": "SYT", "name": "Sở Y tế", "valid_to": None, "successor": None},
]


def test_the_table_gives_each_role_exactly_its_rights() -> None:
    office = {"office_chief", "office_deputy"}
    for name, rule in ROLES.items():
        assert rule.name == name
        assert (roles.MANAGE_USERS in rule.actions) == (name in office)
        assert (roles.READ_ACCESS_LOG in rule.actions) == (name in office)
        assert (roles.GENERATE_BRIEFING in rule.actions) == (name in office)
        assert (roles.IMPORT in rule.actions) == (name in office)
        assert (roles.USERS in rule.features) == (name in office)
        assert (roles.ENTER_TASKS in rule.actions) == (name in office | {"office_specialist"})
        assert (roles.REPORT_COMPLETION in rule.actions) == (name == "unit_officer")
        assert (roles.READ_TASKS in rule.actions) == (name != "viewer")
        assert roles.READ_FIGURES in rule.actions
        assert roles.ACCOUNT in rule.features
        assert rule.content == (name != "viewer")
        assert rule.sees == ("unit" if name == "unit_officer" else "province")
        assert rule.needs_unit == (name == "unit_officer")
        assert rule.needs_leader == (name in ("chairman", "vice_chairman"))
    assert ROLES["viewer"].actions == frozenset({roles.READ_FIGURES})
    assert ROLES["viewer"].features == frozenset({roles.OVERVIEW, roles.UNITS, roles.ACCOUNT})
    assert roles.BRIEFINGS not in ROLES["unit_officer"].features
    assert roles.DOWNLOAD_BRIEFING in ROLES["chairman"].actions
    assert roles.DOWNLOAD_LETTER in ROLES["vice_chairman"].actions
    assert roles.DRAFT_LETTER in ROLES["office_specialist"].actions
    assert roles.DRAFT_LETTER not in ROLES["chairman"].actions
    assert roles.role("viewer") is ROLES["viewer"]
    with pytest.raises(KeyError):
        roles.role("admin")


def test_an_actor_asks_the_table() -> None:
    chief = Actor("cvp", "office_chief", display_name="Huỳnh Quốc Bảo")
    officer = Actor("cb", "unit_officer")
    assert chief.may(roles.MANAGE_USERS) and not officer.may(roles.MANAGE_USERS)
    assert chief.sees_feature(roles.ACCESS_LOG) and not officer.sees_feature(roles.ACCESS_LOG)
    assert chief.name == "Huỳnh Quốc Bảo" and officer.name == "cb"
    assert chief.rule is ROLES["office_chief"]


def test_a_refusal_names_the_account_its_role_and_the_action() -> None:
    officer = Actor("cb.syt", "unit_officer")
    assert refusal(officer, roles.MANAGE_USERS) == (
        "Tài khoản «cb.syt» (Cán bộ đầu mối của đơn vị) không có quyền quản lý tài khoản."
    )
    assert refusal(None, roles.IMPORT) == "Không có quyền nhập dữ liệu."
    assert refusal(None, "something_new") == "Không có quyền something_new."
    assert set(roles.ACTION_LABELS) >= roles.OFFICE_DUTIES | roles.UNIT_DUTIES | roles.READ


def test_a_unit_officer_sees_his_unit_and_the_units_it_succeeded() -> None:
    officer = Actor("cb", "unit_officer", unit="SNNMT")
    assert unit_codes(officer, UNITS, D) == frozenset({"SNNMT", "STNMT", "SNNPTNT"})
    before = date(2025, 1, 15)  # before the merger: only his own code
    assert unit_codes(officer, UNITS, before) == frozenset({"SNNMT"})
    scope = scope_for(officer, UNITS, D)
    assert scope.units == frozenset({"SNNMT", "STNMT", "SNNPTNT"})
    assert scope.include_coordinating and scope.content
    assert unit_codes(Actor("x", "unit_officer"), UNITS, D) == frozenset()
    assert scope_for(Actor("x", "unit_officer"), UNITS, D) == Scope(frozenset(), True, True)


@pytest.mark.parametrize("name", [n for n in ROLES if n != "unit_officer"])
def test_other_roles_see_the_province(name: str) -> None:
    scope = scope_for(Actor("x", name), UNITS, D)
    assert scope.units is None and not scope.include_coordinating
    assert scope.content == (name != "viewer")
    assert scope.is_everything == (name != "viewer")


def test_a_scope_as_a_condition_and_as_a_check() -> None:
    assert Scope.everything().task_match() == {}
    assert Scope.everything().is_everything
    assert not Scope.nothing().is_everything
    assert Scope.nothing().task_match() == {"lead_unit": {"$in": []}}
    led = Scope.of_units({"SYT", "SNNMT"})
    assert led.task_match() == {"lead_unit": {"$in": ["SNNMT", "SYT"]}}
    both = Scope.of_units(["SYT"], coordinating=True)
    assert both.task_match() == {
        "$or": [{"lead_unit": {"$in": ["SYT"]}}, {"coord_units": {"$in": ["SYT"]}}]
    }
    task = {"lead_unit": "STC", "coord_units": ["SYT", "SXD"]}
    assert Scope.everything().admits(task)
    assert both.admits(task) and not led.admits(task)
    assert led.admits({"lead_unit": "SYT", "coord_units": []})
    assert not both.admits({"lead_unit": "STC", "coord_units": None})
    assert not Scope.nothing().admits({"lead_unit": "SYT"})
    assert Scope(None, False, False).task_match() == {}
    assert not Scope(None, False, False).is_everything
