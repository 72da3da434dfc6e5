"""A task of a demo document with its whole history: extensions, progress, completion, events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from core.dates import format_vn, local_day_of
from core.demo.days import _bday, _day, _instant, _month_end
from core.demo.org_tables import SPECIALISTS
from core.demo.texts import (
    _CANCEL_REASONS,
    _CD_TASKS,
    _DOSSIERS,
    _LOCAL_TEMPLATES,
    _NO_DEADLINE,
    _OVERDUE_NOTES,
    _PROGRESS_NOTES,
    _RESULTS,
    _TASK_TEMPLATES,
    _TASK_WITH_COORD,
    RETURN_REASON,
)
from core.demo.world import ACTOR, _World
from core.model import Task
from core.text import fold


@lru_cache(maxsize=50_000)
def _fold(text: str) -> str:
    return fold(text)


def _task_form(t: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """Exactly `Task.model_validate(t).to_mongo(doc)` for the clean values built here.

    search_text folds content and abstract apart (cached): the same as folding them joined by
    a space, since both are trimmed NFC text; the sampled validation checks it.
    """
    return {
        "_id": f"{t['document']}#{t['seq']}",
        "document": t["document"],
        "seq": t["seq"],
        "content": t["content"],
        "search_text": f"{_fold(t['content'])} {_fold(doc.get('abstract', ''))}".strip(),
        "lead_unit": t["lead_unit"],
        "coord_units": list(t["coord_units"]),
        "tracking_room": t["tracking_room"],
        "specialist": t["specialist"],
        "assigned_date": _bday(t["assigned_date"]),
        "deadline": _day(t["deadline"]),
        "extensions": [
            {
                "new_deadline": _bday(e["new_deadline"]),
                "approved_date": _bday(e["approved_date"]),
                "approver": e["approver"],
                "reason": e["reason"],
            }
            for e in t["extensions"]
        ],
        "completed_date": _day(t["completed_date"]),
        "result": t["result"],
        "confirmed_date": _day(t["confirmed_date"]),
        "confirmed_by": t["confirmed_by"],
        "priority": t["priority"],
        "personal": t["personal"],
        "cancelled_date": _day(t["cancelled_date"]),
        "cancel_reason": t["cancel_reason"],
        "returns": [
            {"date": _bday(r["date"]), "unit": r["unit"], "reason": r["reason"]}
            for r in t["returns"]
        ],
        "progress": [{"date": _bday(p["date"]), "note": p["note"]} for p in t["progress"]],
        "entered_at": t["entered_at"],
        "report_number": None,
        "quality": None,
        "effect": None,
        "extension_requests": [],
        "completion_reports": [],
        "doc_type": doc["type"],
        "signer": doc["signer"],
        "doc_issue_date": doc["issue_date"],
    }


# Order of same-day events.
_EVENT_RANK = {
    "returned": 0,
    "extended": 1,
    "progress": 2,
    "completed": 3,
    "confirmed": 4,
    "cancelled": 5,
}


class _TaskMaker(_World):
    """Tasks of a document, each with its history and events, from the shared random stream."""

    def pick_lead(self, sector: str, subject: str, dtype: str, day: date) -> str:
        rng = self.rng
        r = rng.random()
        local = self.pool("local", day)
        if sector == "local":
            if r < 0.8 and local:
                return rng.choice(local)
            return rng.choice(self.pool("dept", day))
        if dtype == "TB" and r < 0.5 and self.valid(subject, day):
            return subject
        if r < 0.3 and local:
            return rng.choice(local)
        if r < 0.38:
            return rng.choice(self.pool("dept", day))
        return rng.choice(self.pool(sector, day))

    def pick_coords(self, lead: str, day: date) -> list[str]:
        rng = self.rng
        k = rng.choices([0, 1, 2, 3], [35, 30, 20, 15])[0]
        if k == 0:
            return []
        pool = [c for c in self.pool("dept", day) if c != lead]
        chosen = rng.sample(pool, min(k, len(pool)))
        if rng.random() < 0.1:
            local = [c for c in self.pool("local", day) if c != lead and c not in chosen]
            if local:
                chosen.append(rng.choice(local))
        return chosen

    def content(
        self, dtype: str, lead: str, coords: list[str], topic: str, y: int, personal: bool
    ) -> str:
        rng = self.rng
        kind = self.units[lead].kind
        if dtype == "CD" and rng.random() < 0.6:
            text = rng.choice(_CD_TASKS)
        elif kind in ("district", "commune"):
            text = rng.choice(_LOCAL_TEMPLATES).format(topic=topic)
        elif coords and rng.random() < 0.3:
            names = ", ".join(self.units[c].name for c in coords)
            text = _TASK_WITH_COORD.format(coords=names, topic=topic)
        else:
            text = rng.choice(_TASK_TEMPLATES).format(
                topic=topic, y=y, dossier=rng.choice(_DOSSIERS)
            )
        if personal:
            text = f"{self.org.head_titles[lead]} trực tiếp chỉ đạo: {text[0].lower()}{text[1:]}"
        return text

    def deadline(self, dtype: str, assigned: date) -> date:
        rng = self.rng
        if dtype == "CD":
            n = rng.choice([5, 5, 7, 10])
        elif dtype == "CV":
            n = rng.choices([5, 7, 10, 15, 20, 30, 45], [12, 12, 22, 20, 16, 12, 6])[0]
        else:
            n = rng.choices([10, 15, 20, 30, 45, 60, 90, 120], [8, 12, 16, 20, 16, 12, 9, 7])[0]
        d = self.add_wd(assigned, n)
        if rng.random() < 0.2 and n >= 10:
            # "trước ngày 30/6": the end of the month
            d = _month_end(d)
        return d

    def completion(self, floor: date, deadline: date | None, poor: bool) -> date | None:
        """When the lead unit completes (possibly after today: still open at today)."""
        rng = self.rng
        if deadline is None:
            if rng.random() >= (0.45 if poor else 0.65):
                return None
            return floor + timedelta(days=int(rng.lognormvariate(3.6, 0.8)))
        if rng.random() < (0.2 if poor else 0.06):
            return None  # stuck: never completed
        if deadline < floor or rng.random() < (0.35 if poor else 0.12):
            late = 1 + int(rng.lognormvariate(2.2, 1.0))
            return self.working(max(deadline, floor) + timedelta(days=late))
        if rng.random() < 0.1:
            return deadline  # on the deadline day exactly: on time
        span = (deadline - floor).days
        c = floor + timedelta(days=int(span * rng.betavariate(2.5, 1.5)))
        while not self.cal.is_working_day(c) and c > floor:
            c -= timedelta(days=1)
        return c

    def task(
        self,
        doc: dict[str, Any],
        dtype: str,
        sector: str,
        topic: str,
        subject: str,
        room: str,
        seq: int,
        assigned: date,
        entered_at: datetime,
        y: int,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        today = self.today
        entered_day = min(today, local_day_of(entered_at))
        floor = max(assigned, entered_day)
        lead = self.pick_lead(sector, subject, dtype, assigned)
        names = SPECIALISTS[room]
        specialist = names[self.unit_index[_submitting_key(doc)] % len(names)]
        history: list[tuple[date, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []

        # Returned by a unit that it is not theirs, then given to another unit.
        returns: list[dict[str, Any]] = []
        if rng.random() < 0.01:
            back = self.working(floor + timedelta(days=rng.randint(1, 5)))
            others = [c for c in self.pool("dept", assigned) if c != lead]
            if back <= today and others:
                first = rng.choice(others)
                returns.append({"date": back, "unit": first, "reason": RETURN_REASON})
                history.append(
                    (
                        back,
                        "returned",
                        first,
                        {"lead_unit": first},
                        {"lead_unit": lead, "reason": RETURN_REASON},
                    )
                )
                floor = back
        coords = self.pick_coords(lead, assigned)
        coords = [c for c in coords if not any(r["unit"] == c for r in returns)]
        head = self.head_of(lead, assigned)
        personal = head is not None and rng.random() < 0.008
        priority = rng.random() < (0.3 if dtype in ("CT", "CD") else 0.08)
        content = self.content(dtype, lead, coords, topic, y, personal)
        deadline = None if rng.random() < _NO_DEADLINE[dtype] else self.deadline(dtype, assigned)
        poor = lead in self.poor
        cancelled = rng.random() < 0.02

        extensions: list[dict[str, Any]] = []
        effective = deadline
        mode = ""
        if deadline is not None and not cancelled and rng.random() < 0.11:
            mode = rng.choices(["before", "after_deadline", "after_completion"], [58, 28, 14])[0]
            if mode != "after_completion":
                count = 1 if rng.random() < 0.7 else 2
                current = deadline
                for i in range(count):
                    if mode == "before" or i > 0:
                        approved = max(floor, current - timedelta(days=rng.randint(0, 6)))
                    else:
                        approved = max(floor, current + timedelta(days=rng.randint(1, 25)))
                    approved = self.working(approved)
                    if approved > today:
                        break
                    new = self.add_wd(max(current, approved), rng.randint(10, 45))
                    self.extend(lead, approved, current, new, extensions, history)
                    current = new
                effective = current

        completed: date | None = None
        cancelled_date: date | None = None
        cancel_reason: str | None = None
        if cancelled:
            cancelled_date = min(today, floor + timedelta(days=rng.randint(5, 120)))
            cancel_reason = rng.choice(_CANCEL_REASONS)
        else:
            completed = self.completion(floor, effective, poor)
            if completed is not None and extensions:
                completed = max(completed, extensions[-1]["approved_date"])
            if completed is not None and completed > today:
                completed = None
        if mode == "after_completion" and completed is not None and deadline is not None:
            # Approved after the work was done: paperwork that the metrics must ignore.
            approved = completed + timedelta(days=rng.randint(1, 20))
            if approved <= today:
                new = self.add_wd(max(deadline, completed), rng.randint(3, 20))
                self.extend(lead, approved, deadline, new, extensions, history)

        # Progress reports: monthly-ish for good units, rarely for the others.
        end = today
        if completed is not None:
            end = completed - timedelta(days=1)
        if cancelled_date is not None:
            end = cancelled_date - timedelta(days=1)
        progress: list[dict[str, Any]] = []
        d = floor + timedelta(days=rng.randint(12, 35))
        keep = 0.15 if poor else 0.9
        while d <= end:
            if rng.random() < keep:
                progress.append({"date": self.working(d), "note": rng.choice(_PROGRESS_NOTES)})
            d += timedelta(days=rng.randint(24, 40))
        if effective is not None and effective < end:
            # Art. 8.1.a: report at the latest 1 day after the task became overdue.
            if rng.random() < (0.1 if poor else 0.85):
                late_day = effective + timedelta(days=1)
                progress.append({"date": late_day, "note": rng.choice(_OVERDUE_NOTES)})
        progress = [p for p in progress if floor <= p["date"] <= end]
        progress.sort(key=lambda p: p["date"])
        dedup: list[dict[str, Any]] = []
        for p in progress:
            if not dedup or dedup[-1]["date"] != p["date"]:
                dedup.append(p)
        progress = dedup[-24:]
        for p in progress:
            history.append((p["date"], "progress", lead, None, {"date": _day(p["date"])}))

        result = None
        confirmed: date | None = None
        confirmed_by = None
        if completed is not None:
            local_lead = self.units[lead].kind in ("district", "commune")
            abbr = "UBND" if local_lead else lead.replace("-", "")
            result = rng.choice(_RESULTS).format(
                n=rng.randint(12, 2900), abbr=abbr, d=format_vn(completed)
            )
            history.append(
                (completed, "completed", lead, None, {"completed_date": _day(completed)})
            )
            if rng.random() < 0.85:
                c = self.working(completed + timedelta(days=rng.randint(0, 6)))
                if c <= today:
                    confirmed, confirmed_by = c, specialist
                    history.append((c, "confirmed", specialist, None, {"confirmed_date": _day(c)}))
        if cancelled_date is not None:
            history.append(
                (
                    cancelled_date,
                    "cancelled",
                    specialist,
                    None,
                    {"cancelled_date": _day(cancelled_date), "cancel_reason": cancel_reason},
                )
            )

        t: dict[str, Any] = {
            "document": doc["_id"],
            "seq": seq,
            "content": content,
            "lead_unit": lead,
            "coord_units": coords,
            "tracking_room": room,
            "specialist": specialist,
            "assigned_date": assigned,
            "deadline": deadline,
            "extensions": extensions,
            "completed_date": completed,
            "result": result,
            "confirmed_date": confirmed,
            "confirmed_by": confirmed_by,
            "priority": priority,
            "personal": personal,
            "cancelled_date": cancelled_date,
            "cancel_reason": cancel_reason,
            "returns": returns,
            "progress": progress,
            "entered_at": entered_at,
        }
        form = _task_form(t, doc)
        self.made += 1
        if self.validate_every and self.made % self.validate_every == 0:
            checked = Task.model_validate(t).to_mongo(doc)
            if checked != form:
                raise AssertionError(f"demo task {form['_id']} differs from Task.to_mongo")

        # Events: created, then the history in day order; instants from the days.
        history.sort(key=lambda h: (h[0], _EVENT_RANK[h[1]]))
        created_after = {
            "lead_unit": returns[0]["unit"] if returns else lead,
            "assigned_date": form["assigned_date"],
            "deadline": form["deadline"],
        }
        events = [
            {
                "task": form["_id"],
                "at": entered_at,
                "kind": "created",
                "actor": specialist,
                "before": None,
                "after": created_after,
                "version": 1,
            }
        ]
        prev = entered_at
        for version, (day, kind, actor, before, after) in enumerate(history, start=2):
            at = _instant(day, rng.randint(8, 16), rng.randint(0, 59))
            if at <= prev:
                at = prev + timedelta(minutes=rng.randint(1, 30))
            prev = at
            events.append(
                {
                    "task": form["_id"],
                    "at": at,
                    "kind": kind,
                    "actor": actor,
                    "before": before,
                    "after": after,
                    "version": version,
                }
            )
        form.update(
            version=len(events),
            created_by=ACTOR,
            created_at=entered_at,
            updated_by=ACTOR,
            updated_at=prev,
        )
        if self.events_mode == "none":
            events = []
        elif self.events_mode == "created":
            events = events[:1]
        return form, events


def _submitting_key(doc: dict[str, Any]) -> str:
    """The unit whose specialist follows a document: its submitting unit."""
    return str(doc.get("submitting_unit") or "VP")
