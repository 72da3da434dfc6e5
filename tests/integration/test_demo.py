"""The demo province: deterministic, realistic distributions, valid records, loads into mongod."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from typing import Any

import bson
import pytest

from core import repository
from core.calendar import WorkCalendar
from core.dates import from_bson_day, local_day_of
from core.demo import COMMUNE_START, DEMO_TODAY, DISTRICT_END, DemoData, build_demo, load_demo
from core.errors import ValidationFailed
from core.model import Task
from core.repository import task_input

NUMBER = re.compile(r"^\d+/(QĐ-UBND|CT-UBND|KH-UBND|CĐ-UBND|UBND-[A-Z]+|TB-VPUBND)$")
VERSIONING = ("version", "created_by", "created_at", "updated_by", "updated_at")


@pytest.fixture(scope="module")
def default() -> DemoData:
    """The default demo (9,000 tasks, seed 2025), built once without a database."""
    return build_demo()


@pytest.fixture(scope="module")
def small() -> DemoData:
    return build_demo(3000, seed=11)


def _day(value: Any) -> date | None:
    return from_bson_day(value) if value is not None else None


def _digest(docs: list[dict[str, Any]]) -> str:
    h = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: str(d["_id"])):
        h.update(bson.encode(doc))
    return h.hexdigest()


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _texts(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _texts(v)


def _effective_deadline(task: dict[str, Any]) -> date | None:
    """The last extension approved on or before completion (DOMAIN.md), else the deadline."""
    done = _day(task["completed_date"])
    deadline = _day(task["deadline"])
    for ext in task["extensions"]:
        if done is None or _day(ext["approved_date"]) <= done:  # type: ignore[operator]
            deadline = _day(ext["new_deadline"])
    return deadline


# --- determinism --------------------------------------------------------------------------------


def test_same_seed_same_data_and_other_seed_differs(small: DemoData) -> None:
    again = build_demo(3000, seed=11)
    assert again == small
    assert _digest(again.tasks) == _digest(small.tasks)
    other = build_demo(3000, seed=12)
    assert _digest(other.tasks) != _digest(small.tasks)
    assert len(other.tasks) == 3000
    # The default "today" is the fixed demo day, not the real date.
    assert small.today == DEMO_TODAY == date(2026, 11, 20)


def test_independent_of_hash_randomisation() -> None:
    code = (
        "import hashlib, bson; from core.demo import build_demo; d = build_demo(600, seed=3); "
        "h = hashlib.sha256(); "
        "[h.update(bson.encode(x)) for x in d.documents + d.tasks + d.events]; "
        "print(h.hexdigest(), d.rarely_updating)"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_load_twice_gives_identical_tasks(repo: repository.Repository, mongod: Any) -> None:
    counts = load_demo(repo, tasks=1500, seed=11)
    other = repository.connect(mongod["uri"], "t_demo_second_load")
    other.drop_all()
    other.ensure_schema()
    try:
        assert load_demo(other, tasks=1500, seed=11) == counts
        first = list(repo.db.tasks.find({}))
        second = list(other.db.tasks.find({}))
        assert len(first) == 1500
        assert _digest(first) == _digest(second)
        # What is stored is exactly what build_demo generates.
        assert _digest(first) == _digest(build_demo(1500, seed=11).tasks)
        docs = [list(r.db.documents.find({})) for r in (repo, other)]
        assert _digest(docs[0]) == _digest(docs[1])
    finally:
        other.db.client.drop_database("t_demo_second_load")


def test_load_default_into_mongod(repo: repository.Repository, default: DemoData) -> None:
    messages: list[str] = []
    counts = load_demo(repo, progress=messages.append)
    assert counts["tasks"] == 9000
    assert counts["units"] == len(default.units)
    assert counts["leaders"] == len(default.leaders)
    assert counts["delegations"] == len(default.delegations) >= 3
    assert counts["documents"] == len(default.documents)
    assert counts["task_events"] == len(default.events)
    assert repo.counts()["tasks"] == 9000
    assert messages and messages[-1].startswith("Xong")
    # Every lead unit is a stored unit; every signer and approver a stored leader.
    units = {u["_id"] for u in repo.units()}
    assert set(repo.db.tasks.distinct("lead_unit")) <= units
    assert set(repo.db.tasks.distinct("coord_units")) - {None} <= units
    leaders = {x["_id"] for x in repo.leaders()}
    assert set(repo.db.tasks.distinct("signer")) <= leaders
    assert set(repo.db.tasks.distinct("extensions.approver")) <= leaders
    # Stored delegations pass the rules again, and one is in force on the demo's today.
    for stored in repo.delegations():
        model = next(d for d in default.delegations if d.id == stored["_id"])
        assert repo.delegation_problems(model) == []
    assert repo.delegations(as_of=DEMO_TODAY)
    # The text index finds Vietnamese without diacritics.
    assert repo.db.tasks.count_documents({"$text": {"$search": "xam nhap man"}}) > 0


def test_load_refuses_a_database_with_data(repo: repository.Repository) -> None:
    load_demo(repo, tasks=50, seed=1)
    with pytest.raises(ValidationFailed):
        load_demo(repo, tasks=50, seed=1)


# --- distributions at the default size ---------------------------------------------------------


def test_deadlines_and_overdue_tail(default: DemoData) -> None:
    tasks = default.tasks
    assert len(tasks) == 9000
    no_deadline = sum(1 for t in tasks if t["deadline"] is None) / len(tasks)
    assert 0.15 <= no_deadline <= 0.25
    cal = WorkCalendar()
    today = default.today
    fallen_due = 0
    overdue_ages: list[int] = []
    for t in tasks:
        deadline = _effective_deadline(t)
        if t["cancelled_date"] is not None or deadline is None:
            continue
        if t["completed_date"] is not None:
            fallen_due += 1
        elif today > deadline:
            fallen_due += 1
            overdue_ages.append(cal.working_days_between(deadline, today))
    share = len(overdue_ages) / fallen_due
    assert 0.03 <= share <= 0.20
    assert sum(1 for age in overdue_ages if age > 120) >= 10
    assert any(age <= 10 for age in overdue_ages)
    late = [t for t in tasks if t["completed_date"] and t["deadline"] and not t["extensions"]]
    late_days = [(t["completed_date"] - t["deadline"]).days for t in late]
    assert sum(1 for d in late_days if d == 0) > 50  # completed on the deadline day
    assert max(late_days) > 60  # late by months
    completed = sum(1 for t in tasks if t["completed_date"] is not None)
    assert completed / len(tasks) > 0.6


def test_extensions_and_special_cases(default: DemoData) -> None:
    tasks = default.tasks
    extended = [t for t in tasks if t["extensions"]]
    assert 0.05 <= len(extended) / len(tasks) <= 0.12
    assert all(1 <= len(t["extensions"]) <= 2 for t in extended)
    after_completion = [
        t
        for t in extended
        if t["completed_date"]
        and any(e["approved_date"] > t["completed_date"] for e in t["extensions"])
    ]
    assert after_completion
    assert any(e["approved_date"] > t["deadline"] for t in extended for e in t["extensions"])
    vice_chairs = {x.id for x in default.leaders if x.title in ("chairman", "vice_chairman")}
    for t in extended:
        for e in t["extensions"]:
            assert e["approver"] in vice_chairs and e["reason"]
            assert t["assigned_date"] <= e["approved_date"]
            assert _day(e["approved_date"]) <= default.today  # type: ignore[operator]
    cancelled = [t for t in tasks if t["cancelled_date"]]
    assert 0.01 <= len(cancelled) / len(tasks) <= 0.03
    assert all(t["cancel_reason"] and t["completed_date"] is None for t in cancelled)
    returned = [t for t in tasks if t["returns"]]
    assert returned
    for t in returned:
        r = t["returns"][0]
        assert r["reason"] == "Không thuộc chức năng, nhiệm vụ của đơn vị"
        assert r["unit"] != t["lead_unit"]
    assert 0.06 <= sum(t["priority"] for t in tasks) / len(tasks) <= 0.14
    assert 0 < sum(t["personal"] for t in tasks) < 150
    completed = [t for t in tasks if t["completed_date"]]
    assert all(t["result"] for t in completed)
    confirmed = [t for t in completed if t["confirmed_date"]]
    assert 0.7 <= len(confirmed) / len(completed) <= 0.95
    assert all(t["confirmed_by"] for t in confirmed)


def test_rarely_updating_units_report_less(default: DemoData) -> None:
    poor = set(default.rarely_updating)
    assert 10 <= len(poor) <= 20
    reports: dict[bool, list[int]] = {True: [], False: []}
    for t in default.tasks:
        if t["deadline"] is None and t["completed_date"] is None and not t["cancelled_date"]:
            reports[t["lead_unit"] in poor].append(len(t["progress"]))
    mean = {k: sum(v) / len(v) for k, v in reports.items()}
    assert mean[True] < mean[False] / 2


def test_units_valid_on_the_day_they_are_given_tasks(default: DemoData) -> None:
    units = {u.code: u for u in default.units}
    kinds = Counter()
    for t in default.tasks:
        day = _day(t["assigned_date"])
        assert day is not None
        for code in (t["lead_unit"], *t["coord_units"]):
            unit = units[code]
            assert unit.valid_from <= day
            assert unit.valid_to is None or day <= unit.valid_to
        lead = units[t["lead_unit"]]
        kinds[lead.kind] += 1
        if lead.kind == "commune":
            assert day >= COMMUNE_START
        if lead.kind == "district":
            assert day <= DISTRICT_END
        assert t["lead_unit"] not in t["coord_units"]
        assert len(t["coord_units"]) <= 4
        assert len(set(t["coord_units"])) == len(t["coord_units"])
    assert kinds["commune"] > 0 and kinds["district"] > 0 and kinds["department"] > 0
    # Merged departments get tasks before 1 March 2025 only.
    assert any(t["lead_unit"] == "SKHDT" for t in default.tasks)
    assert all(
        _day(t["assigned_date"]) <= date(2025, 2, 28)  # type: ignore[operator]
        for t in default.tasks
        if t["lead_unit"] in ("SKHDT", "STNMT", "SNNPTNT", "SGTVT", "SLDTBXH", "STTTT")
    )


def test_documents_look_official(default: DemoData) -> None:
    docs = default.documents
    cal = WorkCalendar()
    keys = [d["_id"] for d in docs]
    assert len(set(keys)) == len(keys)
    types = Counter(d["type"] for d in docs)
    assert set(types) == {"QD", "CT", "KH", "CD", "CV", "TB"}
    assert types["CV"] > types["QD"] > types["CT"]
    for d in docs:
        assert NUMBER.match(d["number"]), d["number"]
        issued = _day(d["issue_date"])
        assert issued is not None and cal.is_working_day(issued)
        assert d["_id"] == f"{issued.year}-{d['number']}"
        assert d["version"] == 1 and d["created_by"] == "demo"
    # Numbers run per type and year.
    by_key: dict[tuple[str, int, str], list[int]] = {}
    for d in docs:
        year = _day(d["issue_date"]).year  # type: ignore[union-attr]
        kind = d["number"].split("/", 1)[1] if d["type"] != "CV" else "CV"
        by_key.setdefault((d["type"], year, kind), []).append(int(d["number"].split("/")[0]))
    for numbers in by_key.values():
        assert numbers == sorted(numbers)
    # 3 years ending at today.
    days = sorted(_day(d["issue_date"]) for d in docs)  # type: ignore[type-var]
    assert days[-1] <= DEMO_TODAY and (DEMO_TODAY - days[0]).days <= 3 * 366  # type: ignore[operator]
    assert any("xâm nhập mặn" in d["abstract"] for d in docs)
    assert any(d["abstract"].startswith("Thông báo kết luận của Chủ tịch UBND tỉnh") for d in docs)
    per_doc = Counter(t["document"] for t in default.tasks)
    assert set(per_doc) == set(keys)
    assert max(per_doc.values()) <= 8


def test_records_are_valid_and_consistent(small: DemoData) -> None:
    docs = {d["_id"]: d for d in small.documents}
    today = small.today
    cal = WorkCalendar()
    within_one_day = 0
    for t in small.tasks:
        # The stored form is exactly what the Task model produces.
        stored = {k: v for k, v in t.items() if k not in VERSIONING}
        assert Task.model_validate(task_input(t)).to_mongo(docs[t["document"]]) == stored
        assigned = _day(t["assigned_date"])
        assert assigned is not None and assigned <= today
        if t["deadline"] is not None:
            assert _day(t["deadline"]) >= assigned  # type: ignore[operator]
        for field in ("completed_date", "cancelled_date", "confirmed_date"):
            value = _day(t[field])
            assert value is None or assigned <= value <= today
        if t["confirmed_date"]:
            assert t["confirmed_date"] >= t["completed_date"]
        for item in (*t["progress"], *t["returns"]):
            assert assigned <= _day(item["date"]) <= today  # type: ignore[operator]
        issued = _day(docs[t["document"]]["issue_date"])
        entered = local_day_of(t["entered_at"])
        assert issued <= entered <= today  # type: ignore[operator]
        within_one_day += cal.working_days_between(issued, entered) <= 1  # type: ignore[arg-type]
        local_hour = (t["entered_at"].hour + 7) % 24
        assert 8 <= local_hour <= 17
        assert t["created_by"] == t["updated_by"] == "demo"
        assert t["created_at"] == t["entered_at"] <= t["updated_at"]
    assert 0.85 <= within_one_day / len(small.tasks) <= 0.95


def test_events_follow_each_task_history(small: DemoData) -> None:
    tasks = {t["_id"]: t for t in small.tasks}
    by_task: dict[str, list[dict[str, Any]]] = {}
    for e in small.events:
        assert set(e) <= {"task", "at", "kind", "actor", "before", "after", "version"}
        by_task.setdefault(e["task"], []).append(e)
    assert set(by_task) == set(tasks)
    kinds: Counter[str] = Counter()
    for task_id, events in by_task.items():
        t = tasks[task_id]
        assert events[0]["kind"] == "created" and events[0]["at"] == t["entered_at"]
        assert [e["version"] for e in events] == list(range(1, len(events) + 1))
        assert all(a["at"] < b["at"] for a, b in pairwise(events))
        assert t["version"] == len(events) and t["updated_at"] == events[-1]["at"]
        count = Counter(e["kind"] for e in events)
        kinds.update(count)
        assert count["progress"] == len(t["progress"])
        assert count["extended"] == len(t["extensions"])
        assert count["completed"] == (t["completed_date"] is not None)
        assert count["cancelled"] == (t["cancelled_date"] is not None)
        assert count["returned"] == len(t["returns"])
    assert set(kinds) == {
        "created",
        "progress",
        "extended",
        "returned",
        "completed",
        "confirmed",
        "cancelled",
    }


def test_all_text_is_nfc(small: DemoData) -> None:
    texts = list(_texts([m.model_dump() for m in (*small.units, *small.leaders)]))
    texts += list(_texts([d.model_dump() for d in small.delegations]))
    texts += list(_texts(small.documents + small.tasks + small.events))
    assert texts
    for text in texts:
        assert unicodedata.normalize("NFC", text) == text, text
        assert text == text.strip() and "  " not in text, text


# --- the organisation ----------------------------------------------------------------------------


def test_org_portfolios_and_successors(default: DemoData) -> None:
    units = {u.code: u for u in default.units}
    assert len(units) == len(default.units)
    leaders = default.leaders
    vice_chairs = [x for x in leaders if x.title == "vice_chairman"]
    assert 3 <= len(vice_chairs) <= 4
    chairman = [x for x in leaders if x.title == "chairman"]
    assert len(chairman) == 1
    assert len([x for x in leaders if x.title == "office_chief"]) == 1
    assert len([x for x in leaders if x.title == "office_deputy"]) == 3
    assert len({x.name for x in leaders}) == len(leaders)
    # Every department, board, agency, centre, district and commune in exactly one portfolio.
    owners: Counter[str] = Counter()
    for x in (*chairman, *vice_chairs):
        owners.update(x.portfolio.units)
    for u in default.units:
        if u.kind in ("department", "board", "agency", "centre", "district", "commune"):
            assert owners[u.code] == 1, u.code
    assert len([u for u in default.units if u.kind == "department" and u.valid_to is None]) >= 12
    # Heads who are PPC members; every head's unit exists.
    heads = [x for x in leaders if x.title in ("unit_head", "unit_deputy")]
    assert all(x.unit in units for x in heads)
    assert {"TT-SNV", "TT-STC", "TT-CA"} <= {x.id for x in heads if x.ppc_member}
    # Districts end on 30/06/2025 and roll up to one of the new communes.
    districts = [u for u in default.units if u.kind == "district"]
    communes = [u for u in default.units if u.kind == "commune"]
    assert 8 <= len(districts) <= 10 and 40 <= len(communes) <= 60
    for d in districts:
        assert d.valid_to == DISTRICT_END and d.successor is not None
        assert units[d.successor].kind == "commune"
    assert all(c.valid_from == COMMUNE_START for c in communes)
    assert units["H-CHAU-THANH"].successor == "X-CHAU-THANH"
    # Departments merged on 1 March 2025 have a successor that exists from that day.
    merged = [u for u in default.units if u.valid_to == date(2025, 2, 28)]
    assert {u.code for u in merged} >= {"SKHDT", "STNMT", "SNNPTNT", "SGTVT"}
    for u in merged:
        successor = units[u.successor]  # type: ignore[index]
        assert successor.valid_from <= date(2025, 3, 1) and successor.valid_to is None
    rooms = [u for u in default.units if u.kind == "office_room"]
    assert len(rooms) >= 6 and all(r.parent == "VP" for r in rooms)
    branches = [u for u in default.units if u.kind == "branch"]
    assert branches and all(b.parent == "TTPVHCC" for b in branches)
    assert units["SYT"].name == "Sở Y tế"
