"""Demo documents in issue-date order, numbered as the Office numbers them, each with its tasks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from core.demo.days import _instant
from core.demo.org_tables import COMMUNE_START, ROOM_ABBR
from core.demo.tasks import _TaskMaker
from core.demo.texts import (
    _ABSTRACTS,
    _CD_TOPICS,
    _LOCAL_AFTER,
    _LOCAL_BEFORE,
    _NUMBER_STEP,
    _PROGRAMS,
    _SECTOR_WEIGHTS,
    _TASKS_PER_DOC,
    _TOPICS,
    _TYPES,
)
from core.demo.world import ACTOR
from core.model import Document


def document_number(doc_type: str, counter: int, room: str, office_abbr: str) -> str:
    """The official 'số, ký hiệu' of a document: '123/QĐ-UBND', '3456/UBND-KT', '78/TB-VPUBND'."""
    if doc_type == "CV":
        return f"{counter}/UBND-{ROOM_ABBR[room]}"
    if doc_type == "TB":
        return f"{counter}/TB-{office_abbr}"
    abbr = {"QD": "QĐ", "CT": "CT", "KH": "KH", "CD": "CĐ"}[doc_type]
    return f"{counter}/{abbr}-UBND"


class _Generator(_TaskMaker):
    """Builds documents, tasks and events in date order from one random stream."""

    def plan(self) -> list[tuple[str, int]]:
        """(type, number of tasks) of every document, totalling exactly `tasks`."""
        rng = self.rng
        types = [t for t, _ in _TYPES]
        weights = [w for _, w in _TYPES]
        out: list[tuple[str, int]] = []
        left = self.total
        while left > 0:
            dtype = rng.choices(types, weights)[0]
            values, w = _TASKS_PER_DOC[dtype]
            n = min(left, rng.choices(values, w)[0])
            out.append((dtype, n))
            left -= n
        return out

    def working_days(self) -> list[date]:
        out = []
        d = self.start
        while d <= self.today:
            if self.cal.is_working_day(d):
                out.append(d)
            d += timedelta(days=1)
        return out or [self.today]

    def run(self) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
        """(stored document, its stored tasks, their events), in issue-date order."""
        plan = self.plan()
        days = self.working_days()
        self.start_counters(plan)
        n_docs = len(plan)
        for i, (dtype, n) in enumerate(plan):
            idx = min(len(days) - 1, int((i + self.rng.random()) * len(days) / n_docs))
            yield self.document(dtype, n, days[idx])

    def document(
        self, dtype: str, n: int, issue: date
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.rng
        y = issue.year + (1 if issue.month == 12 and dtype in ("KH", "QD") else 0)
        chairman = False
        if dtype == "CD":
            fitting = [t for t in _CD_TOPICS if not t[2] or issue.month in t[2]]
            sector, text, _ = rng.choice(fitting)
            # The dry season runs from December to May: "mùa khô 2025 - 2026".
            season = issue.year if issue.month >= 6 else issue.year - 1
            y0 = season if "{y1}" in text else issue.year
            topic = text.format(y=y0, y1=season + 1)
            chairman = rng.random() < 0.7
        else:
            sectors = [s for s, _ in _SECTOR_WEIGHTS]
            sector = rng.choices(sectors, [w for _, w in _SECTOR_WEIGHTS])[0]
            topic = self.topic(sector, issue)
            chairman = dtype == "CT" and rng.random() < 0.7
        # Submitting unit (cơ quan trình): a provincial unit of the sector.
        if sector == "local":
            submitting = rng.choice([c for c in self.pool("dept", issue) if c in ("SNV", "STC")])
        else:
            submitting = rng.choice([c for c in self.pool(sector, issue) if c != "VP"])
        room = self.org.rooms_of_units[submitting]
        if sector == "local":
            room = "VP-TH"
        signer = self.signer_for(sector, issue, chairman)
        subject = submitting
        if dtype == "TB" and sector == "local":
            subject = rng.choice(self.pool("local", issue))
        counter = self.next_number(dtype, issue.year)
        number = document_number(dtype, counter, room, self.office_abbr)
        abstract = self.abstract(dtype, sector, topic, y, signer, subject, issue)
        entered_day = self.entry_day(issue)
        entered_at = _instant(entered_day, rng.randint(8, 16), rng.randint(0, 59))
        doc = Document(
            type=dtype,
            number=number,
            abstract=abstract,
            issue_date=issue,
            signer=signer,
            submitting_unit=submitting,
        )
        form = doc.to_mongo()
        form.update(
            version=1,
            created_by=ACTOR,
            created_at=entered_at,
            updated_by=ACTOR,
            updated_at=entered_at,
        )
        assigned = issue
        r = rng.random()
        if r < 0.1:
            assigned = min(self.today, self.add_wd(issue, 1))
        elif r < 0.15:
            assigned = min(self.today, self.add_wd(issue, 2))
        tasks: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for seq in range(1, n + 1):
            t_entered = entered_at + timedelta(minutes=seq - 1)
            stored, evs = self.task(
                form, dtype, sector, topic, subject, room, seq, assigned, t_entered, y
            )
            tasks.append(stored)
            events.extend(evs)
        return form, tasks, events

    def topic(self, sector: str, day: date) -> str:
        topics = _TOPICS[sector]
        if sector == "local":
            extra = _LOCAL_AFTER if day >= COMMUNE_START else _LOCAL_BEFORE
            topics = [*topics, extra, extra]
        return self.rng.choice(topics)

    def start_counters(self, plan: list[tuple[str, int]]) -> None:
        """Numbers run from 1 each year: the first (partial) year starts where it would be."""
        years = max(1.0, (self.today - self.start).days / 365.25)
        elapsed = (self.start - date(self.start.year, 1, 1)).days / 365.25
        for dtype, _ in _TYPES:
            per_year = sum(1 for t, _ in plan if t == dtype) / years
            mean_step = (1 + _NUMBER_STEP[dtype]) / 2
            self.counters[(dtype, self.start.year)] = int(per_year * mean_step * elapsed)

    def next_number(self, dtype: str, year: int) -> int:
        key = (dtype, year)
        value = self.counters.get(key, 0) + self.rng.randint(1, _NUMBER_STEP[dtype])
        self.counters[key] = value
        return value

    def abstract(
        self,
        dtype: str,
        sector: str,
        topic: str,
        y: int,
        signer: str,
        subject: str,
        issue: date,
    ) -> str:
        rng = self.rng
        if dtype == "CD":
            return f"Công điện về việc {topic}"
        template = rng.choice(_ABSTRACTS[dtype])
        program = topic
        if "{program}" in template:
            fitting = [p for s, p in _PROGRAMS if s == sector] or [p for _, p in _PROGRAMS]
            program = rng.choice(fitting)
        if signer == "CT":
            leader = "Chủ tịch UBND tỉnh"
        else:
            leader = f"Phó Chủ tịch UBND tỉnh {self.leader_names[signer]}"
        text = template.format(
            topic=topic,
            y=y,
            y5=y + 4,
            p=self.province,
            program=program,
            unit=self.units[subject].name,
            leader=leader,
        )
        return text[0].upper() + text[1:]

    def entry_day(self, issue: date) -> date:
        """Most documents are entered within 1 working day of issue (Art. 7.1.a), ~10% later."""
        r = self.rng.random()
        if r < 0.6:
            d = issue
        elif r < 0.9:
            d = self.add_wd(issue, 1)
        else:
            d = self.add_wd(issue, self.rng.randint(2, 10))
        return min(d, self.today)
