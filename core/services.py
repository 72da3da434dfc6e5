"""Small services composing the repository with pure domain logic (dịch vụ)."""

from __future__ import annotations

from core.calendar import WorkCalendar
from core.repository import Repository


def work_calendar(repo: Repository) -> WorkCalendar:
    """The working-day calendar: the holidays package adjusted by the `calendar` collection."""
    holidays, workdays = repo.calendar_overrides()
    return WorkCalendar(extra_holidays=holidays, extra_workdays=workdays)
