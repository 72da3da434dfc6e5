"""The dashboard's data: the MongoDB connection and the Streamlit-cached reads from `core`.

Summaries are cached with `st.cache_data` keyed by the database, the reader's scope and the
store's task generation (`repo_key()`: a task write makes every figure fresh at once) and the
query; pages never read whole collections.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Any

import streamlit as st

from core import backlog as core_backlog
from core import config, explorer, metrics, repository
from core.access.scopes import scope_for
from core.accountability import Accountability
from core.calendar import WorkCalendar
from core.dates import today_local
from core.errors import DatabaseUnavailable
from core.metrics import MetricsQuery
from core.periods import Period, default_rule
from core.repository import Repository
from core.rows import Backlog, Comparison, DueSoon, OverdueTaskRow, StatusResult, TrendRow
from core.scope import Scope
from core.services import work_calendar

_LOG = logging.getLogger("cddh.dashboard")

TTL = 300  # seconds a summary may be stale (reads only; the data changes a few times a day)

# --- connection -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _connect(uri: str, db_name: str) -> Repository:
    repo = repository.connect(uri, db_name, timeout_ms=3000)
    if config.warm_summaries_enabled():
        threading.Thread(
            target=_warm_summaries, args=(repo,), name="cddh-warm-summaries", daemon=True
        ).start()
    return repo


def _warm_summaries(repo: Repository) -> None:
    """Background, once per server process: the summaries of recent closed periods, so that
    the first overview of a yearly view reads them instead of scanning every task."""
    try:
        metrics.warm_summaries(repo, today_local(), default_rule())
    except Exception as exc:  # a failed warm-up only means slower first views
        _LOG.warning("period summaries not warmed: %s", exc)


def repo_key() -> str:
    """Identifies the database and what the reader may see: part of every cache key (two
    databases, or two readers of different scopes, never share a summary)."""
    base = f"{db_key()}|g{st.session_state.get(_GENERATION, '')}"
    actor = st.session_state.get("_cddh_actor")
    if actor is None:
        return base
    return f"{base}|{_fingerprint(reader_scope())}"


_GENERATION = "_cddh_generation"


def note_generation() -> None:
    """Read the store's task generation once per run (app.py): it is part of every cache key,
    so every figure is computed afresh the moment a task is written — by this user, another
    one or another server process — instead of waiting for the cache to expire."""
    st.session_state[_GENERATION] = base_repo().summary_generation()


def _fingerprint(scope: Scope) -> str:
    units = "*" if scope.units is None else ",".join(sorted(scope.units))
    return f"{units}|{int(scope.include_coordinating)}|{int(scope.content)}"


def db_key() -> str:
    """Identifies the database alone: the key of data every reader shares (the organisation)."""
    return f"{config.effective_uri()}|{config.mongodb_db()}"


def org_data() -> dict[str, Any]:
    """Units, leaders and delegations (`org`): the same for every reader, so never scoped."""
    return org(base_repo(), db_key())


def accountability_on(as_of: date) -> Accountability:
    """`accountability` of the database on D (shared by every reader)."""
    return accountability(base_repo(), db_key(), as_of)


def base_repo() -> Repository:
    """The repository of the system itself (sessions, the access log): never for pages."""
    try:
        return _connect(config.effective_uri(), config.mongodb_db())
    except DatabaseUnavailable as exc:
        show_unavailable(str(exc))
        st.stop()
        raise  # unreachable: st.stop() raises


def reader_scope() -> Scope:
    """What the logged-in user may read (`core.access.scopes.scope_for`)."""
    from dashboard import auth

    return scope_for(auth.current(), org_data()["units"], today_local())


def get_repo() -> Repository:
    """The repository as the logged-in user sees it: every task read within his scope, every
    action checked against the role table (in core). Stops with a Vietnamese message when
    MongoDB cannot be reached."""
    from dashboard import auth

    return base_repo().acting_as(auth.current(), reader_scope())


def show_unavailable(message: str) -> None:
    """The page shown instead of a traceback when the database is out of reach."""
    st.error("**Không kết nối được cơ sở dữ liệu.**")
    st.markdown(message)
    st.markdown(
        "- Nếu chạy thử trên máy này: mở cửa sổ lệnh và chạy `cddh db start` "
        "(hoặc `make run`).\n"
        "- Nếu dùng máy chủ riêng: kiểm tra biến môi trường `MONGODB_URI` và `MONGODB_DB`, "
        "và đường mạng tới máy chủ.\n"
        "- Sau khi khắc phục, tải lại trang (phím F5)."
    )


# --- cached reads (summaries only) ----------------------------------------------------------------


@st.cache_resource(ttl=TTL, show_spinner=False)
def accountability(_repo: Repository, key: str, as_of: date) -> Accountability:
    """Who answers for a task on D (`core.accountability`), built once per database and day."""
    return Accountability.of(org(_repo, key)["units"], as_of)


@st.cache_resource(ttl=TTL, show_spinner=False)
def org(_repo: Repository, key: str) -> dict[str, Any]:
    """Units, leaders and delegations (small collections), as plain records; shared, not copied
    (read many times per run for names): never modify the result."""
    units = _repo.units()
    leaders = _repo.leaders()
    return {
        "units": units,
        "leaders": leaders,
        "delegations": _repo.delegations(),
        "unit_names": {u["_id"]: u["name"] for u in units},
        "leader_names": {ldr["_id"]: ldr["name"] for ldr in leaders},
    }


@st.cache_resource(ttl=TTL, show_spinner=False)
def calendar(_repo: Repository, key: str) -> WorkCalendar:
    """The working-day calendar (holidays package plus the stored adjustments)."""
    return work_calendar(_repo)


@st.cache_data(ttl=TTL, show_spinner=False)
def status(_repo: Repository, key: str, q: MetricsQuery) -> StatusResult:
    """`core.metrics.status_metrics` for a query."""
    return metrics.status_metrics(_repo, q)


@st.cache_data(ttl=TTL, show_spinner=False)
def period_status(
    _repo: Repository, key: str, q: MetricsQuery, period: Period, population: str
) -> StatusResult:
    """`status_metrics` of one period (as of its end, capped at D) for a query of D; a closed
    period is read from its stored summary (`core.metrics.period_metrics`)."""
    return metrics.period_metrics(_repo, q, [period], population)[0]


@st.cache_data(ttl=TTL, show_spinner=False)
def compare(
    _repo: Repository, key: str, q: MetricsQuery, period: Period, population: str
) -> Comparison:
    """`core.metrics.compare_periods`: the period, the previous one, the same one a year ago."""
    return metrics.compare_periods(_repo, q, period, population)


@st.cache_data(ttl=TTL, show_spinner=False)
def trend_by_unit(
    _repo: Repository, key: str, q: MetricsQuery, period: Period, n: int = 12
) -> list[TrendRow]:
    """`core.metrics.trend(by_unit=True)`: per unit and period, tasks due in the period."""
    return metrics.trend(_repo, q, period, n=n, population="deadline", by_unit=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def due_soon(_repo: Repository, key: str, q: MetricsQuery, limit: int = 50) -> DueSoon:
    """`core.metrics.due_soon` for 1, 3 and 7 working days."""
    return metrics.due_soon(_repo, q, calendar(_repo, key), windows=(1, 3, 7), limit=limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def overdue_age(_repo: Repository, key: str, q: MetricsQuery) -> dict[str, Any]:
    """`core.metrics.overdue_age`."""
    return metrics.overdue_age(_repo, q, calendar(_repo, key))


@st.cache_data(ttl=TTL, show_spinner=False)
def longest_overdue(
    _repo: Repository, key: str, q: MetricsQuery, limit: int = 20
) -> list[OverdueTaskRow]:
    """`core.metrics.longest_overdue`."""
    return metrics.longest_overdue(_repo, q, calendar(_repo, key), limit=limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def backlog(_repo: Repository, key: str, q: MetricsQuery, longest: int = 10) -> Backlog:
    """`core.backlog.backlog`: every task still open as of D, by the unit answering for it."""
    return core_backlog.backlog(_repo, q, calendar(_repo, key), longest=longest)


@st.cache_data(ttl=TTL, show_spinner=False)
def discipline(_repo: Repository, key: str, q: MetricsQuery) -> dict[str, Any]:
    """`core.metrics.update_discipline`."""
    return metrics.update_discipline(_repo, q, calendar(_repo, key))


@st.cache_data(ttl=60, show_spinner=False)
def tasks_page(_repo: Repository, key: str, s: explorer.TaskSearch) -> explorer.TaskPage:
    """One page of the task list (`core.explorer.search_tasks`, with days late)."""
    return explorer.search_tasks(_repo, s, calendar(_repo, key))


@st.cache_data(ttl=60, show_spinner=False)
def documents_page(
    _repo: Repository,
    key: str,
    s: explorer.DocumentSearch,
    lead_units: frozenset[str] | None,
    priority_only: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """One page of documents with their tasks' progress (only documents with tasks in the
    units' and priority filters, when set)."""
    return explorer.documents_with_progress(
        _repo, s, Scope.everything(), lead_units, priority_only=priority_only
    )
