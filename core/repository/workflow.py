"""The store's part for the Office's and the units' workflow: a directive document entered with
its tasks in one transaction, units' feedback and the Office duties it opens, and the reads the
work queues need. The rules live in `core/workflow/`; this part reads and writes, checking the
acting user's rights and scope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.client_session import ClientSession

from core.access.roles import ENTER_TASKS, GIVE_FEEDBACK, HANDLE_FEEDBACK
from core.dates import now_utc
from core.errors import ConflictError, Problem, ValidationFailed
from core.model import Document, Task
from core.repository.base import StoreBase
from core.repository.task_writes import _and, _public
from core.schema import task_facts


class WorkflowStore(StoreBase):
    """Entry of documents with their tasks, feedback and its duties, queue reads."""

    # -- entry (Điều 7.1.a) ---------------------------------------------------------------------

    def enter_document(
        self,
        document: Document | None,
        document_key: str,
        tasks: Sequence[Task],
        actor: str,
    ) -> list[str]:
        """Write a new document (when `document` is given) and its new tasks, each with its
        'created' event, in one transaction: all of them or none. A document of the same
        number and year, or a task of the same number, already stored is refused."""
        self._require(ENTER_TASKS)
        actor = self._who(actor)
        self._ready()
        now = now_utc()

        def write(session: ClientSession) -> list[str]:
            stored = self.db.documents.find_one({"_id": document_key}, session=session)
            if document is not None:
                if stored is not None:
                    raise ValidationFailed(
                        [
                            Problem(
                                "số, ký hiệu",
                                f"văn bản số {document.number} năm {document.issue_date.year} "
                                "đã được nhập",
                            )
                        ]
                    )
                parent = document.to_mongo()
                self.db.documents.insert_one(
                    {
                        **parent,
                        "version": 1,
                        "created_by": actor,
                        "created_at": now,
                        "updated_by": actor,
                        "updated_at": now,
                    },
                    session=session,
                )
            elif stored is None:
                raise ValidationFailed([Problem("văn bản", f"chưa có văn bản «{document_key}»")])
            else:
                parent = stored
            docs = []
            for item in tasks:
                doc = item.to_mongo(parent)
                doc["entered_at"] = doc["entered_at"] or now
                doc.update(
                    version=1, created_by=actor, created_at=now, updated_by=actor, updated_at=now
                )
                docs.append(doc)
            keys = [d["_id"] for d in docs]
            taken = [
                d["_id"]
                for d in self.db.tasks.find({"_id": {"$in": keys}}, {"_id": 1}, session=session)
            ]
            if taken:
                raise ValidationFailed(
                    [Problem("nhiệm vụ", f"đã có nhiệm vụ «{key}»") for key in sorted(taken)]
                )
            if docs:
                self.db.tasks.insert_many(docs, session=session)
                self.db.task_facts.insert_many([task_facts(d) for d in docs], session=session)
                self._invalidate_summaries(docs, session)
                self.db.task_events.insert_many(
                    [
                        {
                            "task": d["_id"],
                            "at": now,
                            "kind": "created",
                            "actor": actor,
                            "before": None,
                            "after": _public(d),
                            "version": 1,
                        }
                        for d in docs
                    ],
                    session=session,
                )
            return keys

        return list(self._transaction(write))

    def document_taken(self, key: str) -> bool:
        """Whether a document of this key (year and number) is stored, whoever may read it."""
        return self.db.documents.find_one({"_id": str(key)}, {"_id": 1}) is not None

    def next_task_seq(self, document_key: str) -> int:
        """The number the next task of a document gets (1 for a document without tasks)."""
        last = self.db.tasks.find_one(
            {"document": document_key}, {"seq": 1}, sort=[("document", 1), ("seq", -1)]
        )
        return int(last["seq"]) + 1 if last else 1

    def documents_without_tasks(self, issued_since: datetime) -> list[dict[str, Any]]:
        """Documents issued since a day that hold no task yet (the Office's entry backlog),
        oldest first; needs the right to enter tasks.

        The keys of the recent documents, then those of them holding a task, read from the
        indexes alone (`distinct` on `tasks_document_seq`): a `$lookup` per document took
        0.4 s for the 7,300 documents of three months at 1M tasks, this takes 40 ms."""
        self._require(ENTER_TASKS)
        recent = [
            d["_id"]
            for d in self.db.documents.find({"issue_date": {"$gte": issued_since}}, {"_id": 1})
        ]
        if not recent:
            return []
        held = set(self.db.tasks.distinct("document", {"document": {"$in": recent}}))
        missing = [key for key in recent if key not in held]
        if not missing:
            return []
        return list(
            self.db.documents.find({"_id": {"$in": missing}}).sort([("issue_date", 1), ("_id", 1)])
        )

    # -- feedback and its duty (Điều 16.4, 15.5) -----------------------------------------------

    def insert_feedback(self, record: Mapping[str, Any], actor: str) -> str:
        """Store a unit's feedback (version 1); when it is about a task, the task's history
        gets a 'feedback' event in the same transaction. Returns its id."""
        self._require(GIVE_FEEDBACK)
        actor = self._who(actor)
        self._ready()
        now = now_utc()
        doc = {
            "_id": str(ObjectId()),
            **record,
            "version": 1,
            "created_by": actor,
            "created_at": now,
            "updated_by": actor,
            "updated_at": now,
        }

        def write(session: ClientSession) -> str:
            task_id = doc.get("task")
            if task_id is not None:
                task = self.db.tasks.find_one({"_id": task_id}, session=session)
                if task is None or not self.reader.admits(task):
                    raise ValidationFailed([Problem("nhiệm vụ", f"không có nhiệm vụ «{task_id}»")])
            self.db.feedback.insert_one(doc, session=session)
            if task_id is not None:
                self.db.task_events.insert_one(
                    {
                        "task": task_id,
                        "at": now,
                        "kind": "feedback",
                        "actor": actor,
                        "before": None,
                        "after": {
                            "feedback": doc["_id"],
                            "from_unit": doc["from_unit"],
                            "kind": doc["kind"],
                            "text": doc["text"],
                            "due_date": doc["due_date"],
                        },
                        "note": doc["text"],
                    },
                    session=session,
                )
            return str(doc["_id"])

        return str(self._transaction(write))

    def update_feedback(
        self, feedback_id: str, changes: Mapping[str, Any], actor: str, expected_version: int
    ) -> int:
        """Record the Office's handling of a feedback if it is still at `expected_version`;
        returns the new version (ConflictError when someone handled it meanwhile)."""
        self._require(HANDLE_FEEDBACK)
        actor = self._who(actor)
        self._ready()
        result = self.db.feedback.update_one(
            {"_id": str(feedback_id), "version": int(expected_version)},
            {
                "$set": {**dict(changes), "updated_by": actor, "updated_at": now_utc()},
                "$inc": {"version": 1},
            },
        )
        if result.matched_count != 1:
            raise ConflictError(
                "Phản ánh đã được người khác xử lý hoặc cập nhật sau khi bạn mở; hãy tải lại"
            )
        return int(expected_version) + 1

    def feedback_item(self, feedback_id: str) -> dict[str, Any] | None:
        """One feedback, if the reader may see it (a unit sees its own)."""
        return self.db.feedback.find_one(_and({"_id": str(feedback_id)}, self._feedback_scope()))

    def feedback_items(
        self,
        query: Mapping[str, Any],
        *,
        sort: Sequence[tuple[str, int]] = (("due_date", 1), ("_id", 1)),
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        """Feedback matching a query within the reader's scope."""
        match = _and(dict(query), self._feedback_scope())
        return list(self.db.feedback.find(match).sort(list(sort)).limit(limit))

    def count_feedback(self, query: Mapping[str, Any]) -> int:
        """How many feedback records match a query within the reader's scope."""
        return self.db.feedback.count_documents(_and(dict(query), self._feedback_scope()))

    def _feedback_scope(self) -> dict[str, Any]:
        """A unit reader sees the feedback his unit gave; the Office sees all."""
        if self.reader.units is None:
            return {}
        return {"from_unit": {"$in": sorted(self.reader.units)}}
