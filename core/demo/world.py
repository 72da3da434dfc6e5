"""The generator's state and lookups: the random stream, the organisation on a day, signers."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, timedelta
from typing import Any

from core.calendar import WorkCalendar
from core.demo.days import _day, _Days, _safe_replace_year, _working_on_or_after
from core.demo.org_tables import SECTOR_HOLDER
from core.demo.organisation import build_delegations, build_org
from core.demo.texts import _EXTENSION_REASONS, _LEAD_KINDS
from core.model import Leader

ACTOR = "demo"


class _World:
    """The generator's state: one random stream, the organisation and its calendar, lookups."""

    def __init__(
        self,
        tasks: int,
        seed: int,
        today: date,
        years: int,
        province: str,
        office_abbr: str,
        events: str,
        validate_every: int,
    ) -> None:
        self.total = tasks
        self.rng = random.Random(seed)
        self.today = today
        self.province = province
        self.office_abbr = office_abbr
        self.events_mode = events  # "all", "created" or "none"
        self.validate_every = validate_every
        self.cal = _Days(WorkCalendar(), today - timedelta(days=366 * years + 60),
                         today + timedelta(days=3 * 366))  # fmt: skip
        start = _safe_replace_year(today, today.year - years) + timedelta(days=1)
        self.start = start
        self.org = build_org(province, since=start)
        self.delegations = build_delegations(self.org, today, self.cal)
        self.units = {u.code: u for u in self.org.units}
        self.leader_names = {x.id: x.name for x in self.org.leaders}
        self.heads = [x for x in self.org.leaders if x.title == "unit_head"]
        bounds: set[date] = set()
        for u in self.org.units:
            bounds.add(u.valid_from)
            if u.valid_to is not None:
                bounds.add(u.valid_to + timedelta(days=1))
        self.bounds = sorted(bounds)
        self._pools: dict[tuple[str, int], list[str]] = {}
        candidates = [
            u.code for u in self.org.units if u.kind in (*_LEAD_KINDS, "district", "commune")
        ]
        self.rarely_updating = sorted(
            self.rng.sample(candidates, max(1, round(0.15 * len(candidates))))
        )
        self.poor = frozenset(self.rarely_updating)
        self.unit_index = {u.code: i for i, u in enumerate(self.org.units)}
        self.counters: dict[tuple[str, int], int] = {}
        self.made = 0

    # -- helpers --------------------------------------------------------------------------------

    def pool(self, key: str, day: date) -> list[str]:
        """Units valid on `day`: key 'local', 'dept' (all provincial units) or a sector."""
        epoch = bisect_right(self.bounds, day)
        cached = self._pools.get((key, epoch))
        if cached is not None:
            return cached
        out = []
        for u in self.org.units:
            if u.valid_from > day or (u.valid_to is not None and u.valid_to < day):
                continue
            if key == "local":
                ok = u.kind in ("district", "commune")
            elif key == "dept":
                ok = u.kind in _LEAD_KINDS
            else:
                ok = u.sector == key and (
                    u.kind in _LEAD_KINDS or (key == "general" and u.kind == "office")
                )
            if ok:
                out.append(u.code)
        self._pools[(key, epoch)] = out
        return out

    def valid(self, code: str, day: date) -> bool:
        u = self.units[code]
        return u.valid_from <= day and (u.valid_to is None or u.valid_to >= day)

    def signer_for(self, sector: str, day: date, chairman: bool) -> str:
        holder = "CT" if chairman else SECTOR_HOLDER[sector]
        for d in self.delegations:
            if d.from_leader == holder and d.date_from <= day <= d.date_to:
                if sector in d.scope.sectors or chairman:
                    return d.to_leader
        return holder

    def approver_for(self, unit: str, day: date) -> str:
        sector = self.units[unit].sector or "general"
        return self.signer_for(sector, day, chairman=False)

    def extend(
        self,
        unit: str,
        approved: date,
        previous: date,
        new: date,
        extensions: list[dict[str, Any]],
        history: list[tuple[date, str, str, dict[str, Any] | None, dict[str, Any] | None]],
    ) -> None:
        """Record an extension approved on `approved`, moving the deadline to `new`."""
        approver = self.approver_for(unit, approved)
        reason = self.rng.choice(_EXTENSION_REASONS)
        extensions.append(
            {"new_deadline": new, "approved_date": approved, "approver": approver, "reason": reason}
        )
        history.append(
            (
                approved,
                "extended",
                approver,
                {"deadline": _day(previous)},
                {"deadline": _day(new), "reason": reason},
            )
        )

    def head_of(self, unit: str, day: date) -> Leader | None:
        for h in self.heads:
            if h.unit == unit and h.term_from <= day and (h.term_to is None or h.term_to >= day):
                return h
        return None

    def working(self, d: date) -> date:
        return _working_on_or_after(self.cal, d)

    def add_wd(self, d: date, n: int) -> date:
        return self.cal.add_working_days(d, n)
