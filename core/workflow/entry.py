"""The Office enters a directive document and its tasks (Quy chế theo dõi …, Điều 6.1–6.7 and
7.1.a): one form, checked field by field, written all or nothing; tasks added later to a
document already entered; the entry backlog (documents registered without tasks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from core.access.roles import ENTER_TASKS, Actor
from core.calendar import WorkCalendar
from core.dates import format_vn, to_bson_day
from core.errors import AccessDenied, Problem, ValidationFailed
from core.imports.document_numbers import normalize_number, type_from_number
from core.model import Document, Task, document_key, problems_of
from core.repository import Repository
from core.vocab import DOCUMENT_TYPES
from core.workflow import common as c


@dataclass(frozen=True)
class DocumentForm:
    """The document part of the entry form (Điều 6.1–6.2)."""

    type: Any
    number: Any
    abstract: Any
    issue_date: Any
    signer: Any
    submitting_unit: Any = None
    secrecy: Any = None  # any grade refuses the document: secret documents are never stored


@dataclass(frozen=True)
class TaskForm:
    """One task of the entry form (Điều 6.3–6.7)."""

    content: Any
    lead_unit: Any
    coord_units: Sequence[Any] = ()
    tracking_room: Any = None
    specialist: Any = None
    deadline: Any = None  # None: a task without a deadline (Điều 5.2)
    priority: Any = False
    personal: Any = False
    assigned_date: Any = None  # default: the document's issue date


@dataclass
class Entered:
    """What an entry wrote."""

    document: str
    tasks: list[str] = field(default_factory=list)


def _grab(problems: list[Problem], prefix: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a field check; its problems are collected (named with `prefix`), not raised."""
    try:
        return fn(*args, **kwargs)
    except ValidationFailed as exc:
        problems.extend(Problem(f"{prefix}{p.field}", p.reason) for p in exc.problems)
        return None


def _valid_on(unit: Mapping[str, Any] | None, on: date) -> bool:
    if unit is None:
        return False
    start, end = c.bday(unit.get("valid_from")), c.bday(unit.get("valid_to"))
    return (start is None or start <= on) and (end is None or on <= end)


def unit_problem(
    repo: Repository, unit_code: str, label: str, on: date, kinds: frozenset[str] | None = None
) -> Problem | None:
    """Why a unit cannot be named on a day: it does not exist, was not valid then, or is of
    the wrong kind; None when it can."""
    unit = repo.unit(unit_code)
    if unit is None:
        return Problem(label, f"không có đơn vị mã «{unit_code}»")
    if not _valid_on(unit, on):
        until = c.bday(unit.get("valid_to"))
        successor = unit.get("successor")
        hint = f"; nay là «{successor}»" if successor else ""
        when = f" (hết hiệu lực từ sau ngày {format_vn(until)}{hint})" if until else ""
        return Problem(
            label,
            f"đơn vị «{unit['name']}» không còn hoặc chưa có hiệu lực ngày {format_vn(on)}{when}",
        )
    if kinds is not None and unit.get("kind") not in kinds:
        return Problem(label, f"«{unit['name']}» không phải phòng thuộc Văn phòng UBND tỉnh")
    return None


def _document(repo: Repository, form: DocumentForm, today: date, problems: list[Problem]) -> Any:
    """The validated document, or None with its problems collected."""
    if form.secrecy not in (None, "", False):
        # Named by field, and nothing of the document is kept or repeated.
        problems.append(
            Problem(
                "độ mật",
                "văn bản có độ mật không được nhập vào hệ thống này (văn bản mật được quản lý "
                "theo quy định về bảo vệ bí mật nhà nước)",
            )
        )
        return None
    number = _grab(problems, "", c.required_text, form.number, "số, ký hiệu", 100)
    number = normalize_number(number) if number else None
    abstract = _grab(problems, "", c.required_text, form.abstract, "trích yếu", 2000)
    issued = _grab(problems, "", c.required_day, form.issue_date, "ngày ban hành")
    signer = _grab(problems, "", c.code, form.signer, "người ký")
    dtype = _grab(problems, "", c.code, form.type, "loại văn bản")
    submitting = _grab(
        problems, "", c.text, form.submitting_unit, "cơ quan trình", required=False, limit=64
    )
    if dtype is not None and dtype not in DOCUMENT_TYPES:
        problems.append(Problem("loại văn bản", f"«{dtype}» không phải loại văn bản hợp lệ"))
    if number and dtype in DOCUMENT_TYPES:
        shown = type_from_number(number)
        if shown is not None and shown != dtype:
            problems.append(
                Problem(
                    "loại văn bản",
                    f"{DOCUMENT_TYPES[dtype][0]} không khớp ký hiệu của số «{number}» "
                    f"(ký hiệu cho thấy {DOCUMENT_TYPES[shown][0]})",
                )
            )
    if issued is not None and issued > today:
        problems.append(
            Problem(
                "ngày ban hành", f"ngày {format_vn(issued)} sau ngày hôm nay ({format_vn(today)})"
            )
        )
    if signer is not None and repo.leader(signer) is None:
        problems.append(Problem("người ký", f"không có lãnh đạo mã «{signer}»"))
    if submitting and issued is not None:
        found = unit_problem(repo, submitting, "cơ quan trình", issued)
        if found is not None:
            problems.append(found)
    if number and issued is not None and repo.document_taken(document_key(number, issued)):
        problems.append(
            Problem("số, ký hiệu", f"văn bản số {number} năm {issued.year} đã được nhập")
        )
    if problems:
        return None
    try:
        return Document.model_validate(
            {
                "type": dtype,
                "number": number,
                "abstract": abstract,
                "issue_date": issued,
                "signer": signer,
                "submitting_unit": submitting or None,
            }
        )
    except ValidationError as exc:  # names the field
        problems.extend(problems_of(exc))
        return None


def _bool(value: Any, label: str, problems: list[Problem], prefix: str) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    problems.append(Problem(f"{prefix}{label}", "phải là có/không"))
    return False


def _task(
    repo: Repository,
    actor: Actor,
    form: TaskForm,
    n: int,
    document: str,
    seq: int,
    issued: date,
    problems: list[Problem],
) -> Task | None:
    """One validated task of the form (number `n` in messages), or None."""
    prefix = f"nhiệm vụ {n} – "
    before = len(problems)
    content = _grab(problems, prefix, c.required_text, form.content, "nội dung nhiệm vụ")
    lead = _grab(problems, prefix, c.code, form.lead_unit, "đơn vị chủ trì")
    if isinstance(form.coord_units, (str, bytes)) or not isinstance(form.coord_units, Sequence):
        problems.append(Problem(f"{prefix}đơn vị phối hợp", "phải là danh sách đơn vị"))
        coords: list[str] = []
    else:
        coords = [
            x
            for x in (
                _grab(problems, prefix, c.code, u, "đơn vị phối hợp") for u in form.coord_units
            )
            if x
        ]
    room = _grab(
        problems, prefix, c.text, form.tracking_room, "phòng theo dõi", required=False, limit=64
    )
    if room is None and actor.tracking_rooms:
        room = actor.tracking_rooms[0]
    specialist = _grab(
        problems, prefix, c.text, form.specialist, "chuyên viên theo dõi", required=False, limit=200
    ) or (actor.name if actor.role == "office_specialist" else None)
    assigned = _grab(problems, prefix, c.day, form.assigned_date, "ngày giao", required=False)
    assigned = assigned or issued
    deadline = _grab(problems, prefix, c.day, form.deadline, "thời hạn", required=False)
    priority = _bool(form.priority, "nhiệm vụ trọng tâm", problems, prefix)
    personal = _bool(form.personal, "giao đích danh", problems, prefix)
    if assigned < issued:
        problems.append(
            Problem(
                f"{prefix}ngày giao",
                f"ngày giao {format_vn(assigned)} trước ngày ban hành {format_vn(issued)}",
            )
        )
    if deadline is not None and deadline < assigned:
        problems.append(
            Problem(
                f"{prefix}thời hạn",
                f"thời hạn {format_vn(deadline)} trước ngày giao {format_vn(assigned)}",
            )
        )
    if lead:
        found = unit_problem(repo, lead, f"{prefix}đơn vị chủ trì", assigned)
        if found is not None:
            problems.append(found)
    for other in dict.fromkeys(coords):
        if other == lead:
            problems.append(
                Problem(
                    f"{prefix}đơn vị phối hợp",
                    f"«{other}» là đơn vị chủ trì, không đồng thời là đơn vị phối hợp",
                )
            )
            continue
        found = unit_problem(repo, other, f"{prefix}đơn vị phối hợp", assigned)
        if found is not None:
            problems.append(found)
    if room:
        found = unit_problem(
            repo, room, f"{prefix}phòng theo dõi", assigned, frozenset({"office_room", "office"})
        )
        if found is not None:
            problems.append(found)
    if len(problems) > before:
        return None
    stored_form = {"tracking_room": room, "lead_unit": lead, "_id": f"{document}#{seq}"}
    if not c.covers(actor, stored_form):
        try:
            c.require_coverage(actor, stored_form)
        except AccessDenied as exc:
            problems.append(Problem(f"{prefix}phòng theo dõi", str(exc)))
            return None
    try:
        return Task.model_validate(
            {
                "document": document,
                "seq": seq,
                "content": content,
                "lead_unit": lead,
                "coord_units": list(dict.fromkeys(coords)),
                "tracking_room": room,
                "specialist": specialist,
                "assigned_date": assigned,
                "deadline": deadline,
                "priority": priority,
                "personal": personal,
            }
        )
    except ValidationError as exc:
        problems.extend(Problem(f"{prefix}{p.field}", p.reason) for p in problems_of(exc))
        return None


def enter_document(
    repo: Repository,
    document: DocumentForm,
    tasks: Sequence[TaskForm],
    today: date | None = None,
) -> Entered:
    """Enter a directive document with its tasks (Điều 7.1.a), all or nothing.

    Refused, each reason naming its field (and the task's number): a document with a secrecy
    grade; the same number and year entered twice; a deadline before the assigned date; a
    lead unit that does not exist or is not valid on the assigned date; a coordinating unit
    equal to the lead; a tracking room outside the specialist's duties. A document with no
    task yet is registered and waits in the entry backlog."""
    actor = c.acting(repo, ENTER_TASKS)
    day = c.today_or(today)
    problems: list[Problem] = []
    doc = _document(repo, document, day, problems)
    if doc is None:
        raise ValidationFailed(problems)
    items = [
        _task(repo, actor, form, n, doc.key, n, doc.issue_date, problems)
        for n, form in enumerate(tasks, start=1)
    ]
    if problems:
        raise ValidationFailed(problems)
    keys = repo.enter_document(doc, doc.key, [t for t in items if t is not None], actor.username)
    return Entered(doc.key, keys)


def add_tasks(
    repo: Repository, document: str, tasks: Sequence[TaskForm], today: date | None = None
) -> Entered:
    """Add tasks to a document already entered (numbered after its last task)."""
    actor = c.acting(repo, ENTER_TASKS)
    c.today_or(today)
    key = c.code(document, "văn bản")
    stored = repo.document(key)
    if stored is None:
        raise ValidationFailed([Problem("văn bản", f"chưa có văn bản «{key}»")])
    if not tasks:
        raise ValidationFailed([Problem("nhiệm vụ", "chưa có nhiệm vụ nào để thêm")])
    first = repo.next_task_seq(key)
    issued = c.bday(stored["issue_date"])
    assert issued is not None
    problems: list[Problem] = []
    items = [
        _task(repo, actor, form, n, key, first + n - 1, issued, problems)
        for n, form in enumerate(tasks, start=1)
    ]
    if problems:
        raise ValidationFailed(problems)
    keys = repo.enter_document(None, key, [t for t in items if t is not None], actor.username)
    return Entered(key, keys)


@dataclass(frozen=True)
class BacklogItem:
    """A document registered without tasks, and when its tasks were due in (Điều 7.1.a)."""

    document: str
    number: str
    abstract: str
    issue_date: date
    due: date
    late: bool


def entry_backlog(
    repo: Repository, cal: WorkCalendar, today: date | None = None, days: int = 92
) -> list[BacklogItem]:
    """Documents of the last `days` days with no task entered yet: their tasks are due in the
    system 1 working day after issue (Điều 7.1.a); `late` once that day has passed."""
    day = c.today_or(today)
    out = []
    for d in repo.documents_without_tasks(to_bson_day(day - timedelta(days=days))):
        issued = c.bday(d["issue_date"])
        assert issued is not None
        due = cal.add_working_days(issued, 1)
        out.append(BacklogItem(d["_id"], d["number"], d["abstract"], issued, due, day > due))
    return out
