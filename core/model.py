"""Validated records of the store (bản ghi): units, leaders, delegations, documents, tasks.

Pydantic checks every field on the way in; `to_mongo()` gives the stored form (days as
local-midnight datetimes, text in NFC). Errors become `ValidationFailed` with Vietnamese
reasons naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from core.dates import from_bson_day, parse_day, to_bson_day
from core.errors import Problem, ValidationFailed
from core.text import fold, nfc
from core.vocab import DOCUMENT_TYPES, LEADER_TITLES, QUALITY_LEVELS, UNIT_KINDS


def _day(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    return parse_day(value)


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    return value


def _opt_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = nfc(value)
        return value or None
    return value


Day = Annotated[date, BeforeValidator(_day)]
OptDay = Annotated[date | None, BeforeValidator(_day)]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
OptText = Annotated[str | None, BeforeValidator(_opt_text)]
Code = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=64)]

# Vietnamese names of fields, for messages.
FIELD_LABELS: dict[str, str] = {
    "code": "mã đơn vị",
    "name": "tên",
    "kind": "loại",
    "parent": "đơn vị cấp trên",
    "valid_from": "hiệu lực từ",
    "valid_to": "hiệu lực đến",
    "successor": "đơn vị kế thừa",
    "id": "mã",
    "title": "chức danh",
    "unit": "đơn vị",
    "term_from": "nhiệm kỳ từ",
    "term_to": "nhiệm kỳ đến",
    "from_leader": "người ủy quyền",
    "to_leader": "người được ủy quyền",
    "date_from": "từ ngày",
    "date_to": "đến ngày",
    "type": "loại văn bản",
    "number": "số, ký hiệu",
    "abstract": "trích yếu",
    "issue_date": "ngày ban hành",
    "signer": "người ký",
    "secrecy": "độ mật",
    "content": "nội dung nhiệm vụ",
    "lead_unit": "đơn vị chủ trì",
    "coord_units": "đơn vị phối hợp",
    "assigned_date": "ngày giao",
    "deadline": "thời hạn",
    "extensions": "gia hạn",
    "new_deadline": "thời hạn mới",
    "approved_date": "ngày duyệt gia hạn",
    "completed_date": "ngày hoàn thành",
    "cancelled_date": "ngày hủy",
    "priority": "nhiệm vụ trọng tâm",
    "seq": "số thứ tự nhiệm vụ",
    "tracking_room": "phòng theo dõi",
    "specialist": "chuyên viên theo dõi",
    "result": "kết quả",
    "confirmed_by": "người xác nhận",
    "confirmed_date": "ngày xác nhận",
    "cancel_reason": "lý do hủy",
    "submitting_unit": "cơ quan trình",
    "personal": "giao đích danh",
    "report_number": "số văn bản báo cáo",
    "quality": "chất lượng",
    "effect": "hiệu quả",
    "extension_requests": "đề nghị gia hạn",
    "completion_reports": "báo cáo hoàn thành",
    "returns": "trả lại nhiệm vụ",
    "progress": "báo cáo tiến độ",
    "reason": "lý do",
    "note": "nội dung",
    "date": "ngày",
    "asked_date": "ngày đề nghị",
    "reported_date": "ngày báo cáo",
    "decision_note": "ý kiến xử lý",
}

_PYDANTIC_REASONS: dict[str, str] = {
    "missing": "bắt buộc nhưng đang để trống",
    "string_too_short": "không được để trống",
    "too_short": "không được để trống",
    "string_too_long": "quá dài",
    "string_type": "phải là chuỗi ký tự",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "bool_parsing": "phải là có/không",
    "bool_type": "phải là có/không",
    "date_type": "phải là ngày",
    "list_type": "phải là danh sách",
    "extra_forbidden": "không thuộc dữ liệu được phép lưu",
}


class Record(BaseModel):
    """Base of every stored record: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Unit(Record):
    """A unit of the organisation tree (đơn vị)."""

    code: Code
    name: Text
    short_name: OptText = None
    kind: str
    parent: OptText = None
    valid_from: Day = date(2000, 1, 1)
    valid_to: OptDay = None
    successor: OptText = None
    sector: OptText = None
    order: int = 0

    @model_validator(mode="after")
    def _check(self) -> Unit:
        if self.kind not in UNIT_KINDS:
            raise ValueError(f"kind: «{self.kind}» không phải loại đơn vị hợp lệ")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to: ngày hết hiệu lực trước ngày bắt đầu hiệu lực")
        if self.successor is not None and self.successor == self.code:
            raise ValueError("successor: đơn vị không thể kế thừa chính nó")
        if self.parent is not None and self.parent == self.code:
            raise ValueError("parent: đơn vị không thể là cấp trên của chính nó")
        return self

    def to_mongo(self) -> dict[str, Any]:
        doc = self.model_dump(exclude={"code"})
        doc["_id"] = self.code
        doc["valid_from"] = to_bson_day(self.valid_from)
        doc["valid_to"] = to_bson_day(self.valid_to) if self.valid_to else None
        return doc


class Portfolio(Record):
    """A leader's portfolio (phân công công tác): sectors and units followed."""

    sectors: list[str] = []
    units: list[str] = []


class Leader(Record):
    """A leader (lãnh đạo) with a title, a portfolio and a term."""

    id: Code
    name: Text
    title: str
    unit: Code
    portfolio: Portfolio = Portfolio()
    term_from: Day = date(2000, 1, 1)
    term_to: OptDay = None
    ppc_member: bool = False

    @model_validator(mode="after")
    def _check(self) -> Leader:
        if self.title not in LEADER_TITLES:
            raise ValueError(f"title: «{self.title}» không phải chức danh hợp lệ")
        if self.term_to is not None and self.term_to < self.term_from:
            raise ValueError("term_to: hết nhiệm kỳ trước ngày bắt đầu")
        return self

    def to_mongo(self) -> dict[str, Any]:
        doc = self.model_dump(exclude={"id"})
        doc["_id"] = self.id
        doc["term_from"] = to_bson_day(self.term_from)
        doc["term_to"] = to_bson_day(self.term_to) if self.term_to else None
        return doc


class DelegationScope(Record):
    """What a delegation covers: sectors, units and/or single tasks."""

    sectors: list[str] = []
    units: list[str] = []
    tasks: list[str] = []


class Delegation(Record):
    """A delegation (ủy quyền) from one leader to another for a period."""

    id: Code
    from_leader: Code
    to_leader: Code
    scope: DelegationScope = DelegationScope()
    date_from: Day
    date_to: Day
    reason: OptText = None

    @model_validator(mode="after")
    def _check(self) -> Delegation:
        if self.date_to < self.date_from:
            raise ValueError("date_to: ngày kết thúc ủy quyền trước ngày bắt đầu")
        if self.from_leader == self.to_leader:
            raise ValueError("to_leader: không thể ủy quyền cho chính mình")
        return self

    def to_mongo(self) -> dict[str, Any]:
        doc = self.model_dump(exclude={"id"})
        doc["_id"] = self.id
        doc["date_from"] = to_bson_day(self.date_from)
        doc["date_to"] = to_bson_day(self.date_to)
        return doc


def delegation_rule_problems(
    delegation: Delegation,
    others: Iterable[Mapping[str, Any]],
    giver_is_ppc_member: bool,
    personal_tasks: Iterable[str],
) -> list[Problem]:
    """The delegation rules (DOMAIN.md), as a pure function over plain data.

    `others`: other delegations as dicts with id, to_leader, date_from, date_to (dates) and
    scope; a delegate may not re-delegate what he received for an overlapping period.
    `personal_tasks`: the ids in the scope that were assigned to a head personally; a head who
    is a PPC member may not delegate those (Directive 06/CT-UBND).
    """
    problems: list[Problem] = []
    scope = delegation.scope
    for other in sorted(others, key=lambda o: str(o["id"])):
        if other["id"] == delegation.id or other["to_leader"] != delegation.from_leader:
            continue
        if not (
            other["date_from"] <= delegation.date_to and other["date_to"] >= delegation.date_from
        ):
            continue
        oscope = other.get("scope") or {}
        shared = (
            set(scope.units) & set(oscope.get("units", []))
            or set(scope.sectors) & set(oscope.get("sectors", []))
            or set(scope.tasks) & set(oscope.get("tasks", []))
        )
        if shared:
            problems.append(
                Problem(
                    "người ủy quyền",
                    "người được ủy quyền không được ủy quyền lại "
                    f"(phạm vi {', '.join(sorted(shared))} được ủy quyền theo «{other['id']}»)",
                )
            )
            break
    personal = sorted(set(personal_tasks))
    if personal and giver_is_ppc_member:
        problems.append(
            Problem(
                "phạm vi ủy quyền",
                "thủ trưởng là thành viên UBND tỉnh phải trực tiếp chỉ đạo nhiệm vụ giao "
                f"đích danh, không ủy quyền cho cấp phó (nhiệm vụ {', '.join(personal)})",
            )
        )
    return problems


def document_key(number: str, issue_date: date) -> str:
    """The stable key of a document: numbers restart every year, so the year is part of it."""
    return f"{issue_date.year}-{nfc(number)}"


class Document(Record):
    """A directive document (văn bản chỉ đạo, điều hành); secret documents are refused."""

    type: str
    number: Text
    abstract: Text
    issue_date: Day
    signer: Code
    submitting_unit: OptText = None
    secrecy: OptText = None

    @model_validator(mode="after")
    def _check(self) -> Document:
        if self.secrecy is not None:
            raise ValueError(
                "secrecy: văn bản có độ mật không được lưu trong hệ thống này "
                f"(độ mật «{self.secrecy}»)"
            )
        if self.type not in DOCUMENT_TYPES:
            raise ValueError(f"type: «{self.type}» không phải loại văn bản hợp lệ")
        return self

    @property
    def key(self) -> str:
        return document_key(self.number, self.issue_date)

    def to_mongo(self) -> dict[str, Any]:
        return {
            "_id": self.key,
            "type": self.type,
            "number": self.number,
            "abstract": self.abstract,
            "issue_date": to_bson_day(self.issue_date),
            "signer": self.signer,
            "submitting_unit": self.submitting_unit,
            # number and abstract folded (core.text.fold), searched by the Văn bản list
            "search_text": fold(f"{self.number} {self.abstract}"),
        }


class Extension(Record):
    """A deadline extension (gia hạn): the new deadline, when and by whom it was approved."""

    new_deadline: Day
    approved_date: Day
    approver: OptText = None
    reason: OptText = None


class ReturnNote(Record):
    """A unit sending a task back as not theirs (trả lại nhiệm vụ, Điều 8.2.a), with a reason.

    `status`: None for a return recorded after the fact (an import, the demo); "pending" while
    the Office has not decided; "reassigned" (given to another unit) or "refused" (kept)."""

    date: Day
    unit: Code
    reason: Text
    by: OptText = None
    status: Literal["pending", "reassigned", "refused"] | None = None
    decided_date: OptDay = None
    decided_by: OptText = None
    decision_note: OptText = None


class ExtensionRequest(Record):
    """A unit asking for a later deadline (đề nghị gia hạn); `late` when asked after the
    deadline in force had passed. The Office approves (an `Extension` is added, the original
    deadline untouched) or refuses with a reason."""

    asked_date: Day
    new_deadline: Day
    reason: Text
    unit: Code
    by: OptText = None
    late: bool = False
    status: Literal["pending", "approved", "refused"] = "pending"
    decided_date: OptDay = None
    decided_by: OptText = None
    decision_note: OptText = None
    granted_deadline: OptDay = None


class CompletionReport(Record):
    """A unit reporting a task done (báo cáo hoàn thành, Điều 8.1.a): the day it was done, the
    result and the number of its report. The Office confirms it with an assessment (Điều 6.8,
    7.2.đ) — only then is the task completed — or sends it back with a reason."""

    reported_date: Day
    completed_date: Day
    result: Text
    report_number: Text
    unit: Code
    by: OptText = None
    status: Literal["pending", "confirmed", "sent_back"] = "pending"
    decided_date: OptDay = None
    decided_by: OptText = None
    decision_note: OptText = None


class ProgressReport(Record):
    """A progress report by the lead unit (báo cáo tiến độ)."""

    date: Day
    note: OptText = None


class Task(Record):
    """A task (nhiệm vụ) assigned by a document to exactly one lead unit."""

    document: Code
    seq: int = Field(ge=1)
    content: Text
    lead_unit: Code
    coord_units: list[str] = []
    tracking_room: OptText = None
    specialist: OptText = None
    assigned_date: Day
    deadline: OptDay = None
    extensions: list[Extension] = []
    completed_date: OptDay = None
    result: OptText = None
    confirmed_date: OptDay = None
    confirmed_by: OptText = None
    priority: bool = False
    personal: bool = False
    cancelled_date: OptDay = None
    cancel_reason: OptText = None
    returns: list[ReturnNote] = []
    progress: list[ProgressReport] = []
    entered_at: datetime | None = None
    report_number: OptText = None
    quality: OptText = None
    effect: OptText = None
    extension_requests: list[ExtensionRequest] = []
    completion_reports: list[CompletionReport] = []

    @model_validator(mode="after")
    def _check(self) -> Task:
        if self.lead_unit in self.coord_units:
            raise ValueError("coord_units: đơn vị chủ trì không đồng thời là đơn vị phối hợp")
        if self.deadline is not None and self.deadline < self.assigned_date:
            raise ValueError("deadline: thời hạn trước ngày giao")
        if self.extensions and self.deadline is None:
            raise ValueError("extensions: nhiệm vụ không có thời hạn thì không gia hạn")
        for ext in self.extensions:
            if ext.approved_date < self.assigned_date:
                raise ValueError("extensions: ngày duyệt gia hạn trước ngày giao")
        if self.completed_date is not None and self.completed_date < self.assigned_date:
            raise ValueError("completed_date: ngày hoàn thành trước ngày giao")
        if self.cancelled_date is not None and self.cancelled_date < self.assigned_date:
            raise ValueError("cancelled_date: ngày hủy trước ngày giao")
        if self.confirmed_date is not None and self.completed_date is None:
            raise ValueError("confirmed_date: chưa hoàn thành thì chưa thể xác nhận")
        if self.quality is not None and self.quality not in QUALITY_LEVELS:
            raise ValueError(f"quality: «{self.quality}» không phải mức đánh giá hợp lệ")
        for name, items in (
            ("extension_requests", self.extension_requests),
            ("completion_reports", self.completion_reports),
            ("returns", self.returns),
        ):
            if sum(1 for x in items if x.status == "pending") > 1:
                raise ValueError(f"{name}: chỉ được một yêu cầu đang chờ xử lý")
        if self.completed_date is not None and any(
            r.status == "pending" for r in self.completion_reports
        ):
            raise ValueError("completion_reports: nhiệm vụ đã hoàn thành")
        return self

    @property
    def key(self) -> str:
        return f"{self.document}#{self.seq}"

    @classmethod
    def from_mongo(cls, stored: Mapping[str, Any]) -> Task:
        """The task a stored form holds (inverse of `to_mongo`); ValidationFailed if invalid."""
        return validate(cls, task_input(stored))

    def to_mongo(self, document: dict[str, Any]) -> dict[str, Any]:
        """The stored task; `document` is the stored parent, whose fields are copied in."""

        def day(d: date | None) -> datetime | None:
            return to_bson_day(d) if d is not None else None

        return {
            "_id": self.key,
            "document": self.document,
            "seq": self.seq,
            "content": self.content,
            "search_text": fold(f"{self.content} {document.get('abstract', '')}"),
            "lead_unit": self.lead_unit,
            "coord_units": list(self.coord_units),
            "tracking_room": self.tracking_room,
            "specialist": self.specialist,
            "assigned_date": to_bson_day(self.assigned_date),
            "deadline": day(self.deadline),
            "extensions": [
                {
                    "new_deadline": to_bson_day(e.new_deadline),
                    "approved_date": to_bson_day(e.approved_date),
                    "approver": e.approver,
                    "reason": e.reason,
                }
                for e in self.extensions
            ],
            "completed_date": day(self.completed_date),
            "result": self.result,
            "confirmed_date": day(self.confirmed_date),
            "confirmed_by": self.confirmed_by,
            "priority": self.priority,
            "personal": self.personal,
            "cancelled_date": day(self.cancelled_date),
            "cancel_reason": self.cancel_reason,
            "returns": [_return_doc(r) for r in self.returns],
            "progress": [{"date": to_bson_day(p.date), "note": p.note} for p in self.progress],
            "entered_at": self.entered_at,
            "report_number": self.report_number,
            "quality": self.quality,
            "effect": self.effect,
            "extension_requests": [_stored(x) for x in self.extension_requests],
            "completion_reports": [_stored(x) for x in self.completion_reports],
            "doc_type": document["type"],
            "signer": document["signer"],
            "doc_issue_date": document["issue_date"],
        }


def task_input(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The Task model's input from a stored task (inverse of Task.to_mongo)."""

    def day(v: datetime | None) -> date | None:
        return from_bson_day(v) if v is not None else None

    return {
        "document": stored["document"],
        "seq": stored["seq"],
        "content": stored["content"],
        "lead_unit": stored["lead_unit"],
        "coord_units": list(stored.get("coord_units", [])),
        "tracking_room": stored.get("tracking_room"),
        "specialist": stored.get("specialist"),
        "assigned_date": day(stored["assigned_date"]),
        "deadline": day(stored.get("deadline")),
        "extensions": [
            {
                "new_deadline": day(e["new_deadline"]),
                "approved_date": day(e["approved_date"]),
                "approver": e.get("approver"),
                "reason": e.get("reason"),
            }
            for e in stored.get("extensions", [])
        ],
        "completed_date": day(stored.get("completed_date")),
        "result": stored.get("result"),
        "confirmed_date": day(stored.get("confirmed_date")),
        "confirmed_by": stored.get("confirmed_by"),
        "priority": bool(stored.get("priority", False)),
        "personal": bool(stored.get("personal", False)),
        "cancelled_date": day(stored.get("cancelled_date")),
        "cancel_reason": stored.get("cancel_reason"),
        "returns": [_plain(r) for r in stored.get("returns") or []],
        "progress": [
            {"date": day(p["date"]), "note": p.get("note")} for p in stored.get("progress", [])
        ],
        "entered_at": stored.get("entered_at"),
        "report_number": stored.get("report_number"),
        "quality": stored.get("quality"),
        "effect": stored.get("effect"),
        "extension_requests": [_plain(x) for x in stored.get("extension_requests") or []],
        "completion_reports": [_plain(x) for x in stored.get("completion_reports") or []],
    }


def _stored(item: Record) -> dict[str, Any]:
    """The stored form of a nested record: days as local-midnight datetimes."""
    out: dict[str, Any] = {}
    for name, value in item.model_dump().items():
        out[name] = to_bson_day(value) if isinstance(value, date) else value
    return out


def _return_doc(r: ReturnNote) -> dict[str, Any]:
    """A return as stored: the three fields of a recorded return, plus the workflow's when set
    (so the stored form of returns recorded before the workflow existed does not change)."""
    doc = _stored(r)
    if r.status is None and r.by is None:
        return {"date": doc["date"], "unit": doc["unit"], "reason": doc["reason"]}
    return doc


def _plain(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A nested stored record as model input: datetimes back to days."""
    return {
        k: from_bson_day(v) if isinstance(v, datetime) else v
        for k, v in stored.items()
        if k != "_id"
    }


M = TypeVar("M", bound=Record)


def problems_of(error: ValidationError, line: int | None = None) -> list[Problem]:
    """Vietnamese problems from a pydantic error."""
    out: list[Problem] = []
    for err in error.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        name = loc[-1] if loc else ""
        reason = _PYDANTIC_REASONS.get(err["type"])
        msg = str(err.get("msg", ""))
        if reason is None:
            reason = msg.removeprefix("Value error, ")
        # Our model validators prefix the message with the field name: "deadline: ...".
        if not loc and ": " in reason:
            name, reason = reason.split(": ", 1)
        label = FIELD_LABELS.get(name, name or "bản ghi")
        out.append(Problem(field=label, reason=reason, line=line))
    return out


def validate(model: type[M], data: dict[str, Any], line: int | None = None) -> M:
    """Build a record or raise ValidationFailed with every problem, in Vietnamese."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems_of(exc, line)) from None
