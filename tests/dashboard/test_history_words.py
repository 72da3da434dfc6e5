"""A task's history reads in Vietnamese for every event the demo province holds (the shapes an
import or an older history writes, beside the workflow's own): no internal field name
(«date», «reason», «cancel_reason») reaches the Diễn biến table, and each kind says what it did."""

from __future__ import annotations

import re

from core import repository
from core.workflow.history import describe

# Words that are field names, never Vietnamese text.
RAW_KEY = re.compile(r"\b(date|reason|note|cancel_reason|[a-z]+_[a-z_]+)\b")


def test_every_demo_event_is_described_in_vietnamese(demo_repo: repository.Repository) -> None:
    kinds = demo_repo.db.task_events.distinct("kind")
    assert {"progress", "extended", "returned", "completed", "confirmed", "cancelled"} <= set(kinds)
    for kind in kinds:
        events = list(demo_repo.db.task_events.find({"kind": kind}).limit(200))
        for event in events:
            text = describe(event, lambda code: f"«{code}»")
            assert not RAW_KEY.search(text), (kind, text)
            if kind != "created":
                assert text, (kind, event)
            if kind == "extended":
                assert "→" in text and "—" not in text.split("→")[1][:3], text
            if kind == "returned":
                reason = (event.get("after") or {}).get("reason")
                assert " → " in text and (not reason or reason in text), text
            if kind == "cancelled":
                reason = (event.get("after") or {}).get("cancel_reason")
                assert not reason or reason in text, text
