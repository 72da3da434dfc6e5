"""The queues that drive the work, with their counts: the Office's (extension requests,
completions awaiting confirmation, returned tasks, open feedback duties, its entry backlog) and
a unit's (its open tasks by the deadline in force, what was sent back to it, decisions on its
requests, its feedback). An Office specialist's queue holds what his duties reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from core.access.roles import Actor
from core.calendar import WorkCalendar
from core.dates import to_bson_day
from core.repository import Repository
from core.scope import Scope
from core.workflow import common as c
from core.workflow.entry import BacklogItem, entry_backlog
from core.workflow.feedback import Duty, duties

LIMIT = 500  # rows of one list of a queue (the count says how many there are in all)
_LIST_FIELDS = {
    "document": 1,
    "seq": 1,
    "content": 1,
    "lead_unit": 1,
    "coord_units": 1,
    "tracking_room": 1,
    "assigned_date": 1,
    "deadline": 1,
    "extensions": 1,
    "completed_date": 1,
    "priority": 1,
    "version": 1,
    "extension_requests": 1,
    "completion_reports": 1,
    "returns": 1,
}


@dataclass(frozen=True)
class QueueItem:
    """One task of a queue: what a row shows and the version to act on."""

    id: str
    version: int
    content: str
    lead_unit: str
    deadline: date | None  # in force today
    priority: bool
    request: dict[str, Any] = field(default_factory=dict)  # the request or decision concerned


@dataclass
class Queue:
    """Lists of a queue and their counts (the counts are of everything, the lists capped)."""

    lists: dict[str, list[Any]]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """What awaits action (decisions shown for information are not counted)."""
        return sum(n for k, n in self.counts.items() if k not in ("decisions", "feedback_given"))


def duty_match(actor: Actor | None) -> dict[str, Any]:
    """The tasks an Office user's duties reach, as a filter ({} for the whole province)."""
    if actor is None or actor.role in c.OFFICE_LEADERS:
        return {}
    if actor.role != "office_specialist":
        return {"_id": {"$in": []}}
    parts: list[dict[str, Any]] = []
    if actor.tracking_rooms:
        parts.append({"tracking_room": {"$in": list(actor.tracking_rooms)}})
    if actor.tracked_units:
        parts.append({"lead_unit": {"$in": list(actor.tracked_units)}})
    if not parts:
        return {"_id": {"$in": []}}
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _and(*parts: dict[str, Any]) -> dict[str, Any]:
    kept = [p for p in parts if p]
    return kept[0] if len(kept) == 1 else {"$and": kept} if kept else {}


def _item(task: dict[str, Any], today: date, request: dict[str, Any] | None) -> QueueItem:
    return QueueItem(
        id=str(task["_id"]),
        version=int(task.get("version") or 1),
        content=str(task.get("content") or ""),
        lead_unit=str(task.get("lead_unit")),
        deadline=c.deadline_in_force(task, today),
        priority=bool(task.get("priority")),
        request={
            k: c.bday(v) if isinstance(v, datetime) else v for k, v in (request or {}).items()
        },
    )


def _pending_list(
    repo: Repository, array: str, extra: dict[str, Any], today: date, sort_key: str
) -> tuple[list[QueueItem], int]:
    query = _and({f"{array}.status": "pending", "cancelled_date": None}, extra)
    total = repo.count_tasks(query, Scope.everything())
    rows = repo.find_tasks(
        query, Scope.everything(), sort=(("_id", 1),), limit=LIMIT, projection=_LIST_FIELDS
    )
    items = [_item(t, today, c.pending(t.get(array))) for t in rows]
    items.sort(key=lambda i: (i.request.get(sort_key) or date.max, i.id))
    return items, total


def office_queue(repo: Repository, cal: WorkCalendar, today: date | None = None) -> Queue:
    """The Office's queue (for a specialist: within his rooms and units)."""
    day = c.today_or(today)
    extra = duty_match(repo.actor)
    ext, n_ext = _pending_list(repo, "extension_requests", extra, day, "asked_date")
    done, n_done = _pending_list(repo, "completion_reports", extra, day, "reported_date")
    back, n_back = _pending_list(repo, "returns", extra, day, "date")
    open_duties: list[Duty] = duties(repo, day, open_only=True)
    backlog: list[BacklogItem] = entry_backlog(repo, cal, day)
    return Queue(
        lists={
            "extension_requests": ext,
            "completions": done,
            "returns": back,
            "feedback": open_duties,
            "entry_backlog": backlog,
        },
        counts={
            "extension_requests": n_ext,
            "completions": n_done,
            "returns": n_back,
            "feedback": len(open_duties),
            "entry_backlog": len(backlog),
        },
    )


def office_counts(repo: Repository, today: date | None = None) -> int:
    """How many items wait in the Office's queue (for the navigation), cheaply."""
    day = c.today_or(today)
    extra = duty_match(repo.actor)
    n = sum(
        repo.count_tasks(
            _and({f"{a}.status": "pending", "cancelled_date": None}, extra), Scope.everything()
        )
        for a in ("extension_requests", "completion_reports", "returns")
    )
    return n + len(duties(repo, day, open_only=True))


def _open_query(units: frozenset[str], day: date) -> dict[str, Any]:
    return {
        "lead_unit": {"$in": sorted(units)},
        "completed_date": None,
        "cancelled_date": None,
        "assigned_date": {"$lte": to_bson_day(day)},
    }


def unit_queue(repo: Repository, today: date | None = None, days: int = 30) -> Queue:
    """A unit's queue: its open tasks by the deadline in force (none last), tasks whose
    completion report the Office sent back, decisions on its requests in the last `days` days,
    and its feedback."""
    day = c.today_or(today)
    units = repo.reader.units or frozenset()
    open_rows = repo.find_tasks(
        _open_query(units, day),
        Scope.everything(),
        sort=(("_id", 1),),
        limit=0,
        projection=_LIST_FIELDS,
    )
    open_items = [_item(t, day, _state(t)) for t in open_rows]
    open_items.sort(key=lambda i: (i.deadline or date.max, i.id))
    sent_back = [
        _item(t, day, (t.get("completion_reports") or [])[-1])
        for t in open_rows
        if (t.get("completion_reports") or [{}])[-1].get("status") == "sent_back"
    ]
    since = to_bson_day(day - timedelta(days=days))
    mine = {"$in": sorted(units)}
    decided_rows = repo.find_tasks(
        {
            "$or": [
                {a: {"$elemMatch": {"unit": mine, "decided_date": {"$gte": since}}}}
                for a in ("extension_requests", "completion_reports", "returns")
            ]
        },
        Scope.everything(),
        sort=(("_id", 1),),
        limit=LIMIT,
        projection=_LIST_FIELDS,
    )
    decisions: list[QueueItem] = []
    for t in decided_rows:
        for array, what in (
            ("extension_requests", "Đề nghị gia hạn"),
            ("completion_reports", "Báo cáo hoàn thành"),
            ("returns", "Trả lại nhiệm vụ"),
        ):
            for r in t.get(array) or []:
                if r.get("unit") in units and r.get("decided_date") and r["decided_date"] >= since:
                    decisions.append(_item(t, day, {**r, "what": what}))
    decisions.sort(key=lambda i: i.request.get("decided_date") or date.min, reverse=True)
    given = duties(repo, day)
    return Queue(
        lists={
            "open_tasks": open_items[:LIMIT],
            "sent_back": sent_back,
            "decisions": decisions,
            "feedback_given": given,
        },
        counts={
            "open_tasks": len(open_items),
            "sent_back": len(sent_back),
            "decisions": len(decisions),
            "feedback_given": len(given),
        },
    )


def _state(task: dict[str, Any]) -> dict[str, Any]:
    """What of a unit's open task waits for the Office."""
    waiting = [
        what
        for array, what in (
            ("completion_reports", "chờ xác nhận hoàn thành"),
            ("extension_requests", "chờ quyết định gia hạn"),
            ("returns", "chờ Văn phòng xử lý việc trả lại"),
        )
        if c.pending(task.get(array))
    ]
    return {"waiting": "; ".join(waiting)}


def unit_counts(repo: Repository, today: date | None = None) -> int:
    """How many open tasks the unit leads (for the navigation)."""
    day = c.today_or(today)
    units = repo.reader.units or frozenset()
    return repo.count_tasks(_open_query(units, day), Scope.everything())
