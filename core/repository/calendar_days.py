"""Stored calendar adjustments: extra days off and make-up working days."""

from __future__ import annotations

from datetime import date
from typing import Any

from pymongo import ASCENDING

from core.access.roles import MANAGE_CALENDAR
from core.dates import from_bson_day, to_bson_day
from core.errors import (
    Problem,
    ValidationFailed,
)
from core.repository.base import StoreBase


class CalendarStore(StoreBase):
    """The province's calendar adjustments."""

    # -- calendar -------------------------------------------------------------------------------

    def calendar_days(self, year: int | None = None) -> list[dict[str, Any]]:
        """Stored calendar adjustments (extra days off, make-up working days)."""
        query = {} if year is None else {"year": year}
        return list(self.db.calendar.find(query).sort("date", ASCENDING))

    def save_calendar_day(self, day: date, kind: str, name: str, actor: str) -> None:
        """Add or replace one calendar adjustment ('holiday' or 'workday')."""
        self._require(MANAGE_CALENDAR)
        actor = self._who(actor)
        self._ready()
        if kind not in ("holiday", "workday"):
            raise ValidationFailed([Problem("loại ngày", "phải là 'holiday' hoặc 'workday'")])
        if not name.strip():
            raise ValidationFailed([Problem("tên ngày", "không được để trống")])
        self._upsert(
            "calendar",
            [
                {
                    "_id": day.isoformat(),
                    "date": to_bson_day(day),
                    "kind": kind,
                    "name": name,
                    "year": day.year,
                }
            ],
            actor,
        )

    def calendar_overrides(self) -> tuple[dict[date, str], dict[date, str]]:
        """(extra holidays, make-up working days) as {day: name}."""
        holidays: dict[date, str] = {}
        workdays: dict[date, str] = {}
        for row in self.db.calendar.find({}):
            target = holidays if row["kind"] == "holiday" else workdays
            target[from_bson_day(row["date"])] = row["name"]
        return holidays, workdays
