"""The demo as a whole: its sizes, `build_demo` in memory, `load_demo` into an empty store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from core import config
from core.demo.documents import _Generator
from core.demo.world import ACTOR
from core.errors import Problem, ValidationFailed
from core.model import Delegation, Leader, Unit

if TYPE_CHECKING:
    from core.repository import Repository

DEMO_TODAY = date(2026, 11, 20)
"""The default 'today' of the demo: fixed, so the demo is reproducible."""

EVENTS_FULL_LIMIT = 50_000
SAMPLE_VALIDATION_EVERY = 97
BATCH = 5000


@dataclass
class DemoData:
    """Everything the demo stores: org records as models, the rest in stored form."""

    today: date
    units: list[Unit]
    leaders: list[Leader]
    delegations: list[Delegation]
    documents: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    events: list[dict[str, Any]]
    rarely_updating: list[str]


def default_years(tasks: int) -> int:
    """Years of documents for a size: 3 (≈3,000 tasks a year by default), 10 above 30,000."""
    return 3 if tasks <= 30_000 else 10


def _generator(
    tasks: int, seed: int, today: date | None, years: int | None, province: str | None
) -> _Generator:
    if tasks < 1:
        raise ValidationFailed([Problem("số nhiệm vụ", "phải lớn hơn 0")])
    big = tasks > EVENTS_FULL_LIMIT
    return _Generator(
        tasks=tasks,
        seed=seed,
        today=today or DEMO_TODAY,
        years=years or default_years(tasks),
        province=province or config.get("CDDH_PROVINCE"),
        office_abbr=config.get("CDDH_OFFICE_ABBR"),
        events="created" if big else "all",
        validate_every=SAMPLE_VALIDATION_EVERY if big else 1,
    )


def build_demo(
    tasks: int = 9000,
    seed: int = 2025,
    today: date | None = None,
    *,
    years: int | None = None,
    province: str | None = None,
) -> DemoData:
    """The whole demo in memory, without a database (deterministic: same arguments, same data).

    `today` defaults to DEMO_TODAY (20/11/2026), a fixed day, not the real date.
    """
    gen = _generator(tasks, seed, today, years, province)
    documents: list[dict[str, Any]] = []
    task_forms: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for doc, ts, evs in gen.run():
        documents.append(doc)
        task_forms.extend(ts)
        events.extend(evs)
    return DemoData(
        today=gen.today,
        units=list(gen.org.units),
        leaders=list(gen.org.leaders),
        delegations=list(gen.delegations),
        documents=documents,
        tasks=task_forms,
        events=events,
        rarely_updating=list(gen.rarely_updating),
    )


def load_demo(
    repo: Repository,
    tasks: int = 9000,
    seed: int = 2025,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    years: int | None = None,
    province: str | None = None,
) -> dict[str, int]:
    """Load the demo province into an empty store; returns the number written per collection.

    Streams documents, tasks and events in batches of BATCH tasks, so 1,000,000 tasks never sit
    in memory. `today` defaults to DEMO_TODAY (20/11/2026), a fixed day, so the demo is the same
    whenever it is loaded. Above EVENTS_FULL_LIMIT tasks only 'created' events are stored.
    """
    say = progress or (lambda _msg: None)
    if not repo.is_empty():
        raise ValidationFailed(
            [Problem("cơ sở dữ liệu", "đã có dữ liệu; tỉnh mẫu chỉ nạp vào cơ sở dữ liệu trống")]
        )
    gen = _generator(tasks, seed, today, years, province)
    counts = {"units": 0, "leaders": 0, "delegations": 0, "documents": 0, "tasks": 0}
    counts["task_events"] = 0
    say(f"Tổ chức: {len(gen.org.units)} đơn vị, {len(gen.org.leaders)} lãnh đạo")
    counts["units"] = repo.save_units(gen.org.units, ACTOR)
    counts["leaders"] = repo.save_leaders(gen.org.leaders, ACTOR)
    for delegation in gen.delegations:
        repo.save_delegation(delegation, ACTOR)
        counts["delegations"] += 1
    docs: list[dict[str, Any]] = []
    task_buf: list[dict[str, Any]] = []
    event_buf: list[dict[str, Any]] = []
    step = max(BATCH, (tasks // 10 // BATCH) * BATCH)
    reported = 0

    def flush() -> None:
        nonlocal docs, task_buf, event_buf
        counts["documents"] += repo.bulk_insert("documents", docs, batch=BATCH)
        counts["tasks"] += repo.bulk_insert("tasks", task_buf, batch=BATCH)
        if event_buf:
            counts["task_events"] += repo.bulk_insert("task_events", event_buf, batch=BATCH)
        docs, task_buf, event_buf = [], [], []

    with repo.bulk_loading("tasks", "task_events", "documents"):
        for doc, ts, evs in gen.run():
            docs.append(doc)
            task_buf.extend(ts)
            event_buf.extend(evs)
            if len(task_buf) >= BATCH:
                flush()
                if counts["tasks"] - reported >= step:
                    reported = counts["tasks"]
                    say(f"Đã ghi {_vn_int(counts['tasks'])}/{_vn_int(tasks)} nhiệm vụ")
        flush()
        say("Đang dựng chỉ mục…")
    say(
        f"Xong: {_vn_int(counts['documents'])} văn bản, {_vn_int(counts['tasks'])} nhiệm vụ, "
        f"{_vn_int(counts['task_events'])} sự kiện"
    )
    return counts


def _vn_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")
