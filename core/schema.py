"""The store's collections as data: `$jsonSchema` validators and named indexes (lược đồ).

Kept beside the repository, which applies them idempotently (`cddh db init`). Days are
BSON dates (local midnight, see core/dates.py); instants are BSON dates too.
"""

from __future__ import annotations

from typing import Any

DATE = {"bsonType": "date"}
DATE_OR_NULL = {"bsonType": ["date", "null"]}
STR = {"bsonType": "string", "minLength": 1}
STR_OR_NULL = {"bsonType": ["string", "null"]}
STR_LIST = {"bsonType": "array", "items": {"bsonType": "string"}}
# Who decided a unit's request, when and why (the Office's answer).
DECISION = {
    "decided_date": DATE_OR_NULL,
    "decided_by": STR_OR_NULL,
    "decision_note": STR_OR_NULL,
}
VERSIONING = {
    "version": {"bsonType": ["int", "long"], "minimum": 1},
    "created_by": STR_OR_NULL,
    "created_at": DATE_OR_NULL,
    "updated_by": STR_OR_NULL,
    "updated_at": DATE_OR_NULL,
}


# Event kinds of the Office's and the units' workflow (core/workflow), beside the original
# ones (created, updated, extended, progress, completed, confirmed, returned, cancelled,
# imported).
WORKFLOW_EVENT_KINDS: tuple[str, ...] = (
    "reassigned",
    "priority",
    "deadline_corrected",
    "extension_requested",
    "extension_refused",
    "completion_reported",
    "completion_sent_back",
    "return_refused",
    "feedback",
)

# Task fields added by the workflow, with the value a task stored before them holds: a stored
# task lacking the field is the same as one holding this value (re-imports change nothing).
TASK_FIELD_DEFAULTS: dict[str, Any] = {
    "report_number": None,
    "quality": None,
    "effect": None,
    "extension_requests": [],
    "completion_reports": [],
}


def stored_value(task: dict[str, Any] | Any, name: str) -> Any:
    """A stored task's field, absent workflow fields read as their default."""
    return task.get(name, TASK_FIELD_DEFAULTS.get(name))


def _schema(required: list[str], properties: dict[str, Any], closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "bsonType": "object",
        "required": required,
        "properties": {"_id": {"bsonType": "string"}, **properties, **VERSIONING},
    }
    if closed:
        schema["additionalProperties"] = False
    return {"$jsonSchema": schema}


VALIDATORS: dict[str, dict[str, Any]] = {
    "units": _schema(
        ["_id", "name", "kind", "valid_from"],
        {
            "name": STR,
            "short_name": STR_OR_NULL,
            "kind": {
                "enum": [
                    "ppc",
                    "office",
                    "office_room",
                    "department",
                    "board",
                    "agency",
                    "centre",
                    "branch",
                    "district",
                    "commune",
                ]
            },
            "parent": STR_OR_NULL,
            "valid_from": DATE,
            "valid_to": DATE_OR_NULL,
            "successor": STR_OR_NULL,
            "sector": STR_OR_NULL,
            "order": {"bsonType": ["int", "long"]},
        },
    ),
    "leaders": _schema(
        ["_id", "name", "title", "unit", "term_from"],
        {
            "name": STR,
            "title": {
                "enum": [
                    "chairman",
                    "vice_chairman",
                    "office_chief",
                    "office_deputy",
                    "unit_head",
                    "unit_deputy",
                ]
            },
            "unit": STR,
            "portfolio": {
                "bsonType": "object",
                "properties": {"sectors": STR_LIST, "units": STR_LIST},
            },
            "term_from": DATE,
            "term_to": DATE_OR_NULL,
            "ppc_member": {"bsonType": "bool"},
        },
    ),
    "delegations": _schema(
        ["_id", "from_leader", "to_leader", "scope", "date_from", "date_to"],
        {
            "from_leader": STR,
            "to_leader": STR,
            "scope": {
                "bsonType": "object",
                "properties": {"sectors": STR_LIST, "units": STR_LIST, "tasks": STR_LIST},
            },
            "date_from": DATE,
            "date_to": DATE,
            "reason": STR_OR_NULL,
        },
    ),
    # No "secrecy" property and additionalProperties false: a secret document cannot be stored.
    "documents": _schema(
        ["_id", "type", "number", "abstract", "issue_date", "signer"],
        {
            "type": {"enum": ["QD", "CT", "KH", "CD", "CV", "TB"]},
            "number": STR,
            "abstract": STR,
            "issue_date": DATE,
            "signer": STR,
            "submitting_unit": STR_OR_NULL,
            "search_text": STR,
        },
    ),
    "tasks": _schema(
        [
            "_id",
            "document",
            "seq",
            "content",
            "lead_unit",
            "coord_units",
            "assigned_date",
            "deadline",
            "extensions",
            "completed_date",
            "cancelled_date",
            "priority",
            "doc_type",
            "signer",
        ],
        {
            "document": STR,
            "seq": {"bsonType": ["int", "long"], "minimum": 1},
            "content": STR,
            "search_text": {"bsonType": "string"},
            "lead_unit": STR,
            "coord_units": STR_LIST,
            "tracking_room": STR_OR_NULL,
            "specialist": STR_OR_NULL,
            "assigned_date": DATE,
            "deadline": DATE_OR_NULL,
            "extensions": {
                "bsonType": "array",
                "items": {
                    "bsonType": "object",
                    "required": ["new_deadline", "approved_date"],
                    "properties": {
                        "new_deadline": DATE,
                        "approved_date": DATE,
                        "approver": STR_OR_NULL,
                        "reason": STR_OR_NULL,
                    },
                },
            },
            "completed_date": DATE_OR_NULL,
            "result": STR_OR_NULL,
            "confirmed_date": DATE_OR_NULL,
            "confirmed_by": STR_OR_NULL,
            "priority": {"bsonType": "bool"},
            "personal": {"bsonType": "bool"},
            "cancelled_date": DATE_OR_NULL,
            "cancel_reason": STR_OR_NULL,
            "returns": {
                "bsonType": "array",
                "items": {
                    "bsonType": "object",
                    "required": ["date", "unit", "reason"],
                    "properties": {
                        "date": DATE,
                        "unit": STR,
                        "reason": STR,
                        "by": STR_OR_NULL,
                        "status": {"enum": [None, "pending", "reassigned", "refused"]},
                        **DECISION,
                    },
                    "additionalProperties": False,
                },
            },
            "extension_requests": {
                "bsonType": "array",
                "items": {
                    "bsonType": "object",
                    "required": ["asked_date", "new_deadline", "reason", "unit", "status"],
                    "properties": {
                        "asked_date": DATE,
                        "new_deadline": DATE,
                        "reason": STR,
                        "unit": STR,
                        "by": STR_OR_NULL,
                        "late": {"bsonType": "bool"},
                        "status": {"enum": ["pending", "approved", "refused"]},
                        "granted_deadline": DATE_OR_NULL,
                        **DECISION,
                    },
                    "additionalProperties": False,
                },
            },
            "completion_reports": {
                "bsonType": "array",
                "items": {
                    "bsonType": "object",
                    "required": [
                        "reported_date",
                        "completed_date",
                        "result",
                        "report_number",
                        "unit",
                        "status",
                    ],
                    "properties": {
                        "reported_date": DATE,
                        "completed_date": DATE,
                        "result": STR,
                        "report_number": STR,
                        "unit": STR,
                        "by": STR_OR_NULL,
                        "status": {"enum": ["pending", "confirmed", "sent_back"]},
                        **DECISION,
                    },
                    "additionalProperties": False,
                },
            },
            "report_number": STR_OR_NULL,
            "quality": {"enum": [None, "above", "meets", "partly"]},
            "effect": STR_OR_NULL,
            "progress": {
                "bsonType": "array",
                "items": {
                    "bsonType": "object",
                    "required": ["date"],
                    "properties": {"date": DATE, "note": STR_OR_NULL},
                },
            },
            "entered_at": DATE_OR_NULL,
            "doc_type": STR,
            "signer": STR,
            "doc_issue_date": DATE,
        },
    ),
    "task_events": {
        "$jsonSchema": {
            "bsonType": "object",
            "required": ["task", "at", "kind", "actor"],
            "properties": {
                "task": STR,
                "at": DATE,
                "kind": {
                    "enum": [
                        "created",
                        "updated",
                        "extended",
                        "progress",
                        "completed",
                        "confirmed",
                        "returned",
                        "cancelled",
                        "imported",
                        *WORKFLOW_EVENT_KINDS,
                    ]
                },
                "actor": STR,
                "before": {"bsonType": ["object", "null"]},
                "after": {"bsonType": ["object", "null"]},
                "version": {"bsonType": ["int", "long"]},
                "note": STR_OR_NULL,
            },
        }
    },
    # The narrow projection of tasks that the status metrics scan (see FACT_FIELDS).
    "task_facts": {
        "$jsonSchema": {
            "bsonType": "object",
            "required": ["_id", "lead_unit", "assigned_date"],
            "properties": {
                "_id": {"bsonType": "string"},
                "lead_unit": STR,
                "coord_units": STR_LIST,
                "assigned_date": DATE,
                "deadline": DATE_OR_NULL,
                "completed_date": DATE_OR_NULL,
                "cancelled_date": DATE_OR_NULL,
                "extensions": {"bsonType": "array"},
                "priority": {"bsonType": "bool"},
                "signer": STR_OR_NULL,
                "doc_type": STR_OR_NULL,
                "tracking_room": STR_OR_NULL,
                "search_text": {"bsonType": "string"},
                "entered_at": DATE_OR_NULL,
                "doc_issue_date": DATE_OR_NULL,
                "updates": {"bsonType": "array", "items": DATE},
            },
            "additionalProperties": False,
        }
    },
    "calendar": _schema(
        ["_id", "date", "kind", "name"],
        {
            "date": DATE,
            "kind": {"enum": ["holiday", "workday"]},
            "name": STR,
            "year": {"bsonType": ["int", "long"]},
        },
    ),
    # Counts of a closed reporting period as of its end (tổng hợp kỳ đã kết thúc), per lead
    # unit, priority and category; see `core.metrics.period_metrics`. Kept exact by the
    # repository: every task write deletes the summaries of the periods holding its dates.
    "period_summaries": _schema(
        ["_id", "population", "start", "end", "rows", "generation", "computed_at"],
        {
            "population": {"enum": ["deadline", "assigned"]},
            "start": DATE,
            "end": DATE,
            "rows": {
                "bsonType": "array",
                "items": {
                    "bsonType": "object",
                    "required": ["u", "r", "c", "n"],
                    "properties": {
                        "u": STR_OR_NULL,
                        "r": {"bsonType": ["bool", "null"]},
                        "c": STR,
                        "n": {"bsonType": ["int", "long"]},
                    },
                    "additionalProperties": False,
                },
            },
            "generation": {"bsonType": ["int", "long"]},
            "computed_at": DATE,
        },
    ),
    # Counters of the store; "tasks" counts task writes (its generation guards summaries
    # computed while a write landed).
    "store_state": _schema(
        ["_id", "generation"],
        {
            "generation": {"bsonType": ["int", "long"]},
            "checked_at": DATE_OR_NULL,
            "facts_format": {"bsonType": ["int", "long"]},  # see FACTS_FORMAT
            "documents_format": {"bsonType": ["int", "long"]},  # see DOCUMENTS_FORMAT
        },
    ),
}

# Feedback of a unit (phản ánh, Điều 16.4) that a department's task affecting it is late or
# not as required, and the Office's duty it opens (Điều 15.5): an urging letter or a request
# for the Chairman's direction within 7 working days of receipt.
VALIDATORS["feedback"] = _schema(
    ["_id", "from_unit", "about_unit", "kind", "text", "received_date", "due_date", "status"],
    {
        "from_unit": STR,
        "about_unit": STR,
        "task": STR_OR_NULL,
        "tracking_room": STR_OR_NULL,
        "kind": {"enum": ["late", "wrong"]},
        "text": STR,
        "received_date": DATE,
        "due_date": DATE,
        "status": {"enum": ["open", "handled"]},
        "action": {"enum": [None, "urge", "ask_chairman"]},
        "handled_date": DATE_OR_NULL,
        "handled_by": STR_OR_NULL,
        "document_number": STR_OR_NULL,
        "handling_note": STR_OR_NULL,
    },
)

ROLE_NAMES = [
    "chairman",
    "vice_chairman",
    "office_chief",
    "office_deputy",
    "office_specialist",
    "unit_officer",
    "viewer",
]

# Accounts, sessions and the access log (the access issue). `_id` of a user is the folded
# username; of a session, the SHA-256 of its token (the token itself is never stored).
VALIDATORS["users"] = _schema(
    ["_id", "username", "display_name", "role", "active", "failed_logins"],
    {
        "username": STR,
        "display_name": STR,
        "email": STR_OR_NULL,
        "role": {"enum": ROLE_NAMES},
        "unit": STR_OR_NULL,
        "leader_id": STR_OR_NULL,
        "active": {"bsonType": "bool"},
        "password_hash": STR_OR_NULL,
        "password_changed_at": DATE_OR_NULL,
        "must_change_password": {"bsonType": "bool"},
        "failed_logins": {"bsonType": ["int", "long"], "minimum": 0},
        "lock_until": DATE_OR_NULL,
        "last_login_at": DATE_OR_NULL,
        "tracking_rooms": STR_LIST,
        "tracked_units": STR_LIST,
        "demo": {"bsonType": "bool"},
    },
)
VALIDATORS["sessions"] = _schema(
    ["_id", "username", "created_at", "last_seen", "expires_at"],
    {
        "username": STR,
        "created_at": DATE,
        "last_seen": DATE,
        "expires_at": DATE,
        "client": STR_OR_NULL,
    },
)
VALIDATORS["login_throttle"] = _schema(
    ["_id", "failures", "expires_at"],
    {
        "failures": {"bsonType": ["int", "long"], "minimum": 0},
        "lock_until": DATE_OR_NULL,
        "expires_at": DATE,
    },
)
_log = _schema(
    ["_id", "at", "username", "event"],
    {
        "at": DATE,
        "username": STR,
        "role": STR_OR_NULL,
        "event": STR,
        "detail": {"bsonType": "object"},
        "client": STR_OR_NULL,
    },
)
_log["$jsonSchema"]["properties"]["_id"] = {"bsonType": "objectId"}
VALIDATORS["access_log"] = _log

# Explicitly named indexes: (collection, name, keys, options).
INDEXES: list[tuple[str, str, list[tuple[str, Any]], dict[str, Any]]] = [
    ("units", "units_parent", [("parent", 1)], {}),
    ("units", "units_kind", [("kind", 1)], {}),
    ("leaders", "leaders_title", [("title", 1)], {}),
    ("delegations", "delegations_to", [("to_leader", 1), ("date_from", 1)], {}),
    ("delegations", "delegations_from", [("from_leader", 1), ("date_from", 1)], {}),
    ("documents", "documents_number_year", [("number", 1), ("issue_date", 1)], {}),
    # The Văn bản list's order (newest first, then key) read straight from the index: with
    # the issue day alone, MongoDB sorted every document to show 20 (0.4 s at 320,000).
    ("documents", "documents_issued", [("issue_date", -1), ("_id", 1)], {}),
    ("documents", "documents_signer_issued", [("signer", 1), ("issue_date", -1), ("_id", 1)], {}),
    ("documents", "documents_type_issued", [("type", 1), ("issue_date", -1), ("_id", 1)], {}),
    ("tasks", "tasks_document_seq", [("document", 1), ("seq", 1)], {"unique": True}),
    ("tasks", "tasks_assigned", [("assigned_date", 1)], {}),
    ("tasks", "tasks_deadline", [("deadline", 1)], {}),
    ("tasks", "tasks_lead_assigned", [("lead_unit", 1), ("assigned_date", 1)], {}),
    ("tasks", "tasks_coord_units", [("coord_units", 1)], {}),
    ("tasks", "tasks_signer", [("signer", 1), ("assigned_date", 1)], {}),
    ("tasks", "tasks_search_text", [("search_text", "text")], {"default_language": "none"}),
    (
        "tasks",
        "tasks_pending_extension",
        [("extension_requests.status", 1)],
        {"partialFilterExpression": {"extension_requests.status": "pending"}},
    ),
    (
        "tasks",
        "tasks_pending_completion",
        [("completion_reports.status", 1)],
        {"partialFilterExpression": {"completion_reports.status": "pending"}},
    ),
    (
        "tasks",
        "tasks_pending_return",
        [("returns.status", 1)],
        {"partialFilterExpression": {"returns.status": "pending"}},
    ),
    ("task_events", "task_events_task_at", [("task", 1), ("at", 1)], {}),
    ("task_events", "task_events_at", [("at", -1)], {}),
    ("calendar", "calendar_date", [("date", 1)], {"unique": True}),
    ("task_facts", "task_facts_assigned", [("assigned_date", 1)], {}),
    ("task_facts", "task_facts_deadline", [("deadline", 1)], {}),
    ("task_facts", "task_facts_completed", [("completed_date", 1)], {}),
    ("task_facts", "task_facts_ext_deadline", [("extensions.new_deadline", 1)], {}),
    ("task_facts", "task_facts_lead_assigned", [("lead_unit", 1), ("assigned_date", 1)], {}),
    ("period_summaries", "period_summaries_start_end", [("start", 1), ("end", 1)], {}),
    (
        "users",
        "users_email",
        [("email", 1)],
        {"unique": True, "partialFilterExpression": {"email": {"$type": "string"}}},
    ),
    ("users", "users_role", [("role", 1)], {}),
    ("sessions", "sessions_expiry", [("expires_at", 1)], {"expireAfterSeconds": 0}),
    ("sessions", "sessions_username", [("username", 1)], {}),
    ("login_throttle", "login_throttle_expiry", [("expires_at", 1)], {"expireAfterSeconds": 0}),
    ("access_log", "access_log_at", [("at", -1)], {}),
    ("access_log", "access_log_user_at", [("username", 1), ("at", -1)], {}),
    ("access_log", "access_log_event_at", [("event", 1), ("at", -1)], {}),
    ("feedback", "feedback_status_due", [("status", 1), ("due_date", 1)], {}),
    ("feedback", "feedback_from_received", [("from_unit", 1), ("received_date", -1)], {}),
]

# Indexes of earlier versions that ones above replace: `ensure_schema` drops them.
RETIRED_INDEXES: list[tuple[str, str]] = [
    ("documents", "documents_issue_date"),
    ("documents", "documents_signer"),
]

# Fields of a task that the status metrics need. `task_facts` holds these, kept in step with
# `tasks` by every write of the repository: scanning ~500-byte facts instead of ~1.6 kB tasks is
# what makes per-unit metrics over a million tasks fast (docs/performance.md).
FACT_FIELDS: tuple[str, ...] = (
    "lead_unit",
    "coord_units",
    "assigned_date",
    "deadline",
    "completed_date",
    "cancelled_date",
    "priority",
    "signer",
    "doc_type",
    "tracking_room",
)


# Besides them the facts carry the task's folded `search_text`, so that the read model's
# change stream brings a task's text with its facts (core/readmodel/texts.py searches it in
# memory). The pipelines never read it on `task_facts`; it costs them nothing measurable
# (docs/performance.md). `FACTS_FORMAT` is raised when the facts' form changes: a store whose
# facts are of an older form has them rebuilt at start (`Repository.ensure_schema`).
FACT_TEXT = "search_text"
# And what update discipline needs beside the status (Quy chế theo dõi, Điều 7.1.a, 15.5): when
# the task was entered, its document's issue day, and the instants of its updates (progress
# reports, then completion reports), so that the read model counts discipline without reading
# the tasks (a yearly view read 79,000 tasks from MongoDB: 1.4 s at 1M).
DUTY_FIELDS: tuple[str, ...] = ("entered_at", "doc_issue_date")
FACT_UPDATES = "updates"
FACTS_FORMAT = 3
# Documents carry their folded number and abstract (`search_text`, core.model.Document) from
# format 1 on; `Repository.ensure_schema` writes it into the documents of an older store.
DOCUMENTS_FORMAT = 1


# The days of a stored task's updates, as an aggregation expression: its progress reports, then
# its completion reports (the facts' `updates`; update discipline's `DISCIPLINE_INPUTS`).
UPDATE_DAYS_EXPR: dict[str, Any] = {
    "$concatArrays": [
        {"$map": {"input": {"$ifNull": ["$progress", []]}, "in": "$$this.date"}},
        {
            "$map": {
                "input": {"$ifNull": ["$completion_reports", []]},
                "in": "$$this.reported_date",
            }
        },
    ]
}


def task_facts(task: dict[str, Any]) -> dict[str, Any]:
    """The facts document of a stored task."""
    facts = {"_id": task["_id"], **{name: task.get(name) for name in FACT_FIELDS}}
    facts["coord_units"] = list(task.get("coord_units") or [])
    facts["priority"] = bool(task.get("priority", False))
    facts["extensions"] = [
        {"approved_date": e["approved_date"], "new_deadline": e["new_deadline"]}
        for e in task.get("extensions") or []
    ]
    facts[FACT_TEXT] = task.get(FACT_TEXT) or ""
    for name in DUTY_FIELDS:
        facts[name] = task.get(name)
    facts[FACT_UPDATES] = [
        at
        for at in [
            *(p.get("date") for p in task.get("progress") or []),
            *(r.get("reported_date") for r in task.get("completion_reports") or []),
        ]
        if at is not None
    ]
    return facts


def task_facts_projection() -> dict[str, Any]:
    """The same projection as an aggregation $project (to rebuild the facts on the server)."""
    return {
        **{name: 1 for name in FACT_FIELDS},
        "coord_units": {"$ifNull": ["$coord_units", []]},
        "priority": {"$toBool": {"$ifNull": ["$priority", False]}},
        "extensions": {
            "$map": {
                "input": {"$ifNull": ["$extensions", []]},
                "in": {
                    "approved_date": "$$this.approved_date",
                    "new_deadline": "$$this.new_deadline",
                },
            }
        },
        FACT_TEXT: {"$ifNull": [f"${FACT_TEXT}", ""]},
        **{name: {"$ifNull": [f"${name}", None]} for name in DUTY_FIELDS},
        FACT_UPDATES: {
            "$filter": {
                "input": UPDATE_DAYS_EXPR,
                "cond": {"$ne": [{"$ifNull": ["$$this", None]}, None]},
            }
        },
    }
