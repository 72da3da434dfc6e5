"""The writes of imported tasks (versions, facts and events) and small helpers shared by the
task and staging parts of the Repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ReplaceOne

from core.schema import stored_value, task_facts


def _task_writes(
    task_forms: Sequence[dict[str, Any]],
    existing: Mapping[str, Mapping[str, Any]],
    actor: str,
    now: datetime,
) -> tuple[list[Any], list[Any], list[dict[str, Any]], list[Mapping[str, Any] | None]]:
    """The writes of imported tasks: (task ops, fact ops, events, old and new forms touched).

    A task whose stored form is unchanged is skipped; a changed one gets the next version and
    an 'imported' event with the changed fields before and after.
    """
    ops: list[Any] = []
    fact_ops: list[Any] = []
    events: list[dict[str, Any]] = []
    touched: list[Mapping[str, Any] | None] = []
    for form in task_forms:
        old = existing.get(form["_id"])
        if old is not None and form["entered_at"] is None:
            form["entered_at"] = old.get("entered_at")
        if form["entered_at"] is None:
            form["entered_at"] = now
        if old is None:
            version = 1
            before = None
            after = _public(form)
            created_by, created_at = actor, now
        else:
            diff = {k: old.get(k) for k in form if stored_value(old, k) != form[k]}
            if not diff:
                continue
            version = int(old.get("version", 1)) + 1
            before, after = diff, {k: form[k] for k in diff}
            created_by, created_at = old.get("created_by", actor), old.get("created_at", now)
        full = {
            **form,
            "version": version,
            "created_by": created_by,
            "created_at": created_at,
            "updated_by": actor,
            "updated_at": now,
        }
        ops.append(ReplaceOne({"_id": form["_id"]}, full, upsert=True))
        touched += [old, form]
        fact_ops.append(ReplaceOne({"_id": form["_id"]}, task_facts(full), upsert=True))
        events.append(
            {
                "_id": ObjectId(),
                "task": form["_id"],
                "at": now,
                "kind": "imported",
                "actor": actor,
                "before": before,
                "after": after,
                "version": version,
            }
        )
    return ops, fact_ops, events, touched


def _and(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    if not a:
        return b
    if not b:
        return a
    return {"$and": [a, b]}


def changed_fields(
    current: Mapping[str, Any], new_doc: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the fields a write changes; an absent workflow field is its default."""
    before = {k: current.get(k) for k in new_doc if stored_value(current, k) != new_doc[k]}
    return before, {k: new_doc[k] for k in before}


def _public(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("search_text",)}
