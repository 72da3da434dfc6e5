"""Who computes a figure: the MongoDB pipelines (`Pipelines`) or the read model (`Columns`).

Both answer the same questions with the same results (the property tests hold them equal); the
dashboard asks the read model when it is warm and caught up, the pipelines otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from core import metrics as m
from core.calendar import WorkCalendar
from core.explorer import TaskPage, TaskSearch
from core.periods import Period
from core.readmodel import discipline, lists, queries
from core.readmodel.model import ReadModel
from core.repository import Repository
from core.rows import DueSoon, OverdueTaskRow, StatusResult


class Figures(Protocol):
    """The figures of the status metrics, whoever computes them."""

    repo: Repository
    name: str

    def status_metrics(self, q: m.MetricsQuery) -> StatusResult: ...

    def period_metrics(
        self, q: m.MetricsQuery, periods: Sequence[Period], population: str = "deadline"
    ) -> list[StatusResult]: ...

    def overdue_age(self, q: m.MetricsQuery, cal: WorkCalendar) -> dict[str, Any]: ...

    def longest_overdue(
        self, q: m.MetricsQuery, cal: WorkCalendar, limit: int = 20, skip: int = 0
    ) -> list[OverdueTaskRow]: ...

    def due_soon(
        self,
        q: m.MetricsQuery,
        cal: WorkCalendar,
        windows: Sequence[int] = (1, 3, 7),
        limit: int = 50,
    ) -> DueSoon: ...

    def task_page(self, s: TaskSearch) -> TaskPage | None: ...

    def task_count(self, s: TaskSearch) -> tuple[int, bool] | None: ...

    def update_discipline(self, q: m.MetricsQuery, cal: WorkCalendar) -> dict[str, Any]: ...


class Pipelines:
    """The MongoDB aggregation pipelines of core/metrics (the reference, and the path used
    while the read model warms up)."""

    name = "pipelines"

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def status_metrics(self, q: m.MetricsQuery) -> StatusResult:
        return m.status_metrics(self.repo, q)

    def period_metrics(
        self, q: m.MetricsQuery, periods: Sequence[Period], population: str = "deadline"
    ) -> list[StatusResult]:
        return m.period_metrics(self.repo, q, periods, population)

    def overdue_age(self, q: m.MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
        return m.overdue_age(self.repo, q, cal)

    def longest_overdue(
        self, q: m.MetricsQuery, cal: WorkCalendar, limit: int = 20, skip: int = 0
    ) -> list[OverdueTaskRow]:
        return m.longest_overdue(self.repo, q, cal, limit=limit, skip=skip)

    def due_soon(
        self,
        q: m.MetricsQuery,
        cal: WorkCalendar,
        windows: Sequence[int] = (1, 3, 7),
        limit: int = 50,
    ) -> DueSoon:
        return m.due_soon(self.repo, q, cal, windows=windows, limit=limit)

    def task_page(self, s: TaskSearch) -> TaskPage | None:
        """None: the task list's own pipelines answer (`core.explorer.search_tasks`)."""
        return None

    def task_count(self, s: TaskSearch) -> tuple[int, bool] | None:
        """None: the task list's own pipelines count."""
        return None

    def update_discipline(self, q: m.MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
        return m.update_discipline(self.repo, q, cal)


class Columns:
    """The read model's columns (numpy), read under its lock."""

    name = "readmodel"

    def __init__(self, model: ReadModel, repo: Repository | None = None) -> None:
        self.model = model
        # The reader's repository: task contents joined to a list go through his rights.
        self.repo = repo if repo is not None else model.repo

    def status_metrics(self, q: m.MetricsQuery) -> StatusResult:
        result: StatusResult = self.model.run(
            lambda cols: queries.status_metrics(self.repo, cols, q)
        )
        return result

    def period_metrics(
        self, q: m.MetricsQuery, periods: Sequence[Period], population: str = "deadline"
    ) -> list[StatusResult]:
        return list(
            self.model.run(
                lambda cols: queries.period_metrics(self.repo, cols, q, periods, population)
            )
        )

    def overdue_age(self, q: m.MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
        return dict(self.model.run(lambda cols: queries.overdue_age(cols, q, cal)))

    def longest_overdue(
        self, q: m.MetricsQuery, cal: WorkCalendar, limit: int = 20, skip: int = 0
    ) -> list[OverdueTaskRow]:
        if not self.repo.reader.content:
            self.repo._require_content()
        return list(
            self.model.run(
                lambda cols: queries.longest_overdue(self.repo, cols, q, cal, limit, skip)
            )
        )

    def due_soon(
        self,
        q: m.MetricsQuery,
        cal: WorkCalendar,
        windows: Sequence[int] = (1, 3, 7),
        limit: int = 50,
    ) -> DueSoon:
        if limit and not self.repo.reader.content:
            self.repo._require_content()
        result: DueSoon = self.model.run(
            lambda cols: queries.due_soon(self.repo, cols, q, cal, windows, limit)
        )
        return result

    def task_page(self, s: TaskSearch) -> TaskPage | None:
        """A page of the task list from the columns (core/readmodel/lists.py); None when the
        search is not one the columns answer."""
        return lists.task_page(self.model, self.repo, s)

    def task_count(self, s: TaskSearch) -> tuple[int, bool] | None:
        """The capped count of a list the pipelines page (core/readmodel/lists.py)."""
        return lists.task_count(self.model, self.repo, s)

    def update_discipline(self, q: m.MetricsQuery, cal: WorkCalendar) -> dict[str, Any]:
        """The population from the columns; the entry and report days of its tasks (not in
        the columns) read from MongoDB by key, after the lock is released."""
        return discipline.update_discipline(self.repo, self.model.run, q, cal)


def figures_for(repo: Repository, model: ReadModel | None, sync_timeout: float = 1.0) -> Figures:
    """The read model when it is warm and has caught up with the latest write, else the
    pipelines.

    The columns hold every task of the province: a reader whose scope is restricted (a unit
    officer) is always answered by the pipelines of his bound repository, which apply his
    scope in MongoDB's query itself. A reader of figures only gets counts from the columns;
    any list of tasks is asked of his repository, which refuses it."""
    if repo.reader.units is not None:
        return Pipelines(repo)
    try:
        caught_up = model is not None and model.sync(sync_timeout)
    except Exception:  # the server's clock unreadable: the pipelines say what they can
        caught_up = False
    if caught_up and model is not None:
        return Columns(model, repo)
    return Pipelines(repo)
