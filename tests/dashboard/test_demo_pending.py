"""The demo's work in flight (core.demo.pending): written through the workflow as the units
and the Office would, it fills the Office's and a unit's queues without moving any figure of
the overview, and every item is a task event with its actor."""

from __future__ import annotations

from typing import Any

from core.access.roles import Actor
from core.access.scopes import scope_for
from core.demo import DEMO_TODAY
from core.demo.pending import open_pending_work
from core.metrics import MetricsQuery, status_metrics
from core.services import work_calendar
from core.workflow import office_queue, unit_queue
from tests.dashboard.demo_db import load_demo_db


def test_pending_work_fills_the_queues_and_moves_no_figure(mongod: dict[str, Any]) -> None:
    repo = load_demo_db(mongod, "demo_pending", tasks=1500)
    try:
        before = status_metrics(repo, MetricsQuery(as_of=DEMO_TODAY))
        events = repo.db.task_events.count_documents({})
        written = open_pending_work(repo)
        assert written == {"completions": 4, "extension_requests": 4, "returns": 1, "feedback": 1}
        assert status_metrics(repo, MetricsQuery(as_of=DEMO_TODAY)) == before
        # one task event per change: 4 completions, 4 requests, 1 refusal, 1 return
        assert repo.db.task_events.count_documents({}) == events + 4 + 4 + 1 + 1
        assert not repo.db.task_events.find_one({"at": {"$exists": False}})

        chief = Actor("chanhvp", "office_chief", display_name="Chánh Văn phòng")
        office = repo.acting_as(chief, scope_for(chief, repo.units(), DEMO_TODAY))
        queue = office_queue(office, work_calendar(repo), DEMO_TODAY)
        assert queue.counts["completions"] == 4
        assert queue.counts["extension_requests"] == 3  # one of the four was answered
        assert queue.counts["returns"] == 1
        assert queue.counts["feedback"] == 1

        officer = Actor("snnmt", "unit_officer", display_name="Sở NN&MT", unit="SNNMT")
        unit = repo.acting_as(officer, scope_for(officer, repo.units(), DEMO_TODAY))
        mine = unit_queue(unit, DEMO_TODAY)
        assert mine.counts["decisions"] == 1
        assert mine.counts["open_tasks"] > 0
    finally:
        repo.db.client.drop_database("demo_pending")
