"""The dashboard's data: the MongoDB connection and the Streamlit-cached reads from `core`.

Summaries are cached with `st.cache_data` keyed by the database, the reader's scope and the
store's task generation (`repo_key()`: a task write makes every figure fresh at once) and the
query; pages never read whole collections. The status figures come from the read model
(core/readmodel: columns in this process, kept in step by a change stream) once it is warm and
has caught up with the latest write, else from the MongoDB pipelines; their cache key then
includes the read model's generation, so a write shows in the next render.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Any, ParamSpec, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import backlog as core_backlog
from core import config, explorer, metrics, repository
from core.access.scopes import scope_for
from core.accountability import Accountability
from core.calendar import WorkCalendar
from core.dates import today_local
from core.errors import DatabaseUnavailable
from core.metrics import MetricsQuery
from core.periods import Period, default_rule
from core.readmodel import lists
from core.readmodel.documents import DocumentModel
from core.readmodel.figures import Figures, Pipelines, figures_for
from core.readmodel.model import ReadModel, snapshot_path
from core.repository import Repository
from core.rows import (
    Backlog,
    Comparison,
    DueSoon,
    OverdueTaskRow,
    StatusResult,
    TrendRow,
)
from core.scope import Scope
from core.services import work_calendar

_LOG = logging.getLogger("cddh.dashboard")

TTL = 300  # seconds a summary may be stale (reads only; the data changes a few times a day)

_P = ParamSpec("_P")
_T = TypeVar("_T")

# Threads computing a page's independent figures side by side (`in_background`), shared by
# every session of the server process.
_FIGURE_THREADS = ThreadPoolExecutor(max_workers=12, thread_name_prefix="cddh-figures")


def in_background(fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
    """Start one of the cached reads below in another thread and return its future, so that a
    page asks for its independent figures at once and draws each when it is in. The read model
    answers readers side by side (its lock is shared), numpy and pyarrow release Python's lock
    for much of their work, and a query waiting on MongoDB no longer holds back the others.

    Only for the cached reads of this module, called with the repository and key the page got
    from `get_repo()` and `repo_key()` (they read the session; the thread has none): Streamlit's
    caches work from a thread without a script run, with the same keys (a figure computed here
    is served from the cache at the next render)."""
    return _FIGURE_THREADS.submit(fn, *args, **kwargs)


# --- connection -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _connect(uri: str, db_name: str) -> Repository:
    repo = repository.connect(uri, db_name, timeout_ms=3000)
    if config.warm_summaries_enabled():
        threading.Thread(
            target=_warm_summaries, args=(repo,), name="cddh-warm-summaries", daemon=True
        ).start()
    return repo


def _stop_model(model: ReadModel | DocumentModel | None) -> None:
    """A read model dropped from Streamlit's cache stops tailing its stream (its thread would
    otherwise read the database for nothing until the process ends)."""
    if model is not None:
        model.stop()


@st.cache_resource(show_spinner=False, on_release=_stop_model)
def _read_model(uri: str, db_name: str) -> ReadModel | None:
    """The read model of this server process (one per database), loading in the background."""
    if not config.readmodel_enabled():
        return None
    repo = _connect(uri, db_name)
    path = snapshot_path(config.readmodel_dir(), uri, db_name)
    return ReadModel(repo, snapshot=path).start(background=True)


@st.cache_resource(show_spinner=False, on_release=_stop_model)
def _documents_model(uri: str, db_name: str) -> DocumentModel | None:
    """The documents' read model of this server process (one per database), loading in the
    background; off with the read model (CDDH_READMODEL)."""
    if not config.readmodel_enabled():
        return None
    return DocumentModel(_connect(uri, db_name)).start(background=True)


def documents_source(repo: Repository) -> DocumentModel | None:
    """Who answers a text search of the documents: the documents' read model when the reader
    sees the whole province and it has caught up with the latest write (waits at most a
    second), else None (MongoDB)."""
    if repo.reader.units is not None:
        return None
    try:
        model = _documents_model(config.effective_uri(), config.mongodb_db())
        return model if model is not None and model.sync(1.0) else None
    except Exception as exc:  # MongoDB answers
        _LOG.warning("documents' read model unavailable: %s", exc)
        return None


def figures(repo: Repository) -> Figures:
    """Who computes the status figures now: the read model when warm and caught up with the
    latest write (waits at most a second for it), else the pipelines."""
    try:
        model = _read_model(config.effective_uri(), config.mongodb_db())
        _documents_model(config.effective_uri(), config.mongodb_db())  # loads beside it
    except Exception as exc:  # a read model that cannot start only means the pipelines
        _LOG.warning("read model unavailable: %s", exc)
        return Pipelines(repo)
    return figures_for(repo, model)


def _tag(fig: Figures) -> tuple[str, int]:
    """Part of the cache key of a figure: who computed it and, for the read model, the
    generation of its columns (a write gives a new key, so the next render recomputes)."""
    model = getattr(fig, "model", None)
    return (fig.name, int(model.generation) if model is not None else 0)


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


RUN_MEMO = "_cddh_run_memo"  # this script run's shared lookups (reset by navigation.begin_run)


def _run_memo() -> dict[Any, Any] | None:
    """The current script run's memo; None outside a run (a figure thread)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    memo: dict[Any, Any] = st.session_state.setdefault(RUN_MEMO, {})
    return memo


def org_data() -> dict[str, Any]:
    """Units, leaders and delegations (`org`): the same for every reader, so never scoped.

    Looked up once per script run: a page names units hundreds of times (a choice of units in
    each of a queue's forms), and each lookup of Streamlit's cache hashes its key (0.7 ms:
    0.24 s of the Office's queue at 1M tasks)."""
    memo = _run_memo()
    if memo is None:
        return org(base_repo(), db_key())
    found: dict[str, Any] | None = memo.get("org")
    if found is None:
        found = memo["org"] = org(base_repo(), db_key())
    return found


def accountability_on(as_of: date) -> Accountability:
    """`accountability` of the database on D (shared by every reader; once per script run)."""
    memo = _run_memo()
    if memo is None:
        return accountability(base_repo(), db_key(), as_of)
    found: Accountability | None = memo.get(("accountability", as_of))
    if found is None:
        found = memo[("accountability", as_of)] = accountability(base_repo(), db_key(), as_of)
    return found


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


def status(repo: Repository, key: str, q: MetricsQuery) -> StatusResult:
    """`core.metrics.status_metrics` for a query."""
    fig = figures(repo)
    return _status(fig, key, _tag(fig), q)


@st.cache_data(ttl=TTL, show_spinner=False)
def _status(_fig: Figures, key: str, tag: tuple[str, int], q: MetricsQuery) -> StatusResult:
    return _fig.status_metrics(q)


def period_status(
    repo: Repository, key: str, q: MetricsQuery, period: Period, population: str
) -> StatusResult:
    """`status_metrics` of one period (as of its end, capped at D) for a query of D; a closed
    period is read from its stored summary (`core.metrics.period_metrics`) by the pipelines."""
    fig = figures(repo)
    return _period_status(fig, key, _tag(fig), q, period, population)


@st.cache_data(ttl=TTL, show_spinner=False)
def _period_status(
    _fig: Figures,
    key: str,
    tag: tuple[str, int],
    q: MetricsQuery,
    period: Period,
    population: str,
) -> StatusResult:
    return _fig.period_metrics(q, [period], population)[0]


def compare(
    repo: Repository, key: str, q: MetricsQuery, period: Period, population: str
) -> Comparison:
    """`core.metrics.compare_periods`: the period, the previous one, the same one a year ago."""
    fig = figures(repo)
    return _compare(fig, key, _tag(fig), q, period, population)


@st.cache_data(ttl=TTL, show_spinner=False)
def _compare(
    _fig: Figures,
    key: str,
    tag: tuple[str, int],
    q: MetricsQuery,
    period: Period,
    population: str,
) -> Comparison:
    return metrics.compare_periods(_fig.repo, q, period, population, _fig.period_metrics)


def trend_by_unit(
    repo: Repository, key: str, q: MetricsQuery, period: Period, n: int = 12
) -> list[TrendRow]:
    """`core.metrics.trend(by_unit=True)`: per unit and period, tasks due in the period."""
    fig = figures(repo)
    return _trend_by_unit(fig, key, _tag(fig), q, period, n)


@st.cache_data(ttl=TTL, show_spinner=False)
def _trend_by_unit(
    _fig: Figures, key: str, tag: tuple[str, int], q: MetricsQuery, period: Period, n: int
) -> list[TrendRow]:
    return metrics.trend(
        _fig.repo, q, period, n=n, population="deadline", by_unit=True, counter=_fig.period_metrics
    )


def due_soon(repo: Repository, key: str, q: MetricsQuery, limit: int = 50) -> DueSoon:
    """`core.metrics.due_soon` for 1, 3 and 7 working days."""
    fig = figures(repo)
    return _due_soon(fig, key, _tag(fig), q, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def _due_soon(
    _fig: Figures, key: str, tag: tuple[str, int], q: MetricsQuery, limit: int
) -> DueSoon:
    return _fig.due_soon(q, calendar(_fig.repo, key), windows=(1, 3, 7), limit=limit)


def overdue_age(repo: Repository, key: str, q: MetricsQuery) -> dict[str, Any]:
    """`core.metrics.overdue_age`."""
    fig = figures(repo)
    return _overdue_age(fig, key, _tag(fig), q)


@st.cache_data(ttl=TTL, show_spinner=False)
def _overdue_age(_fig: Figures, key: str, tag: tuple[str, int], q: MetricsQuery) -> dict[str, Any]:
    return _fig.overdue_age(q, calendar(_fig.repo, key))


def longest_overdue(
    repo: Repository, key: str, q: MetricsQuery, limit: int = 20
) -> list[OverdueTaskRow]:
    """`core.metrics.longest_overdue`."""
    fig = figures(repo)
    return _longest_overdue(fig, key, _tag(fig), q, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def _longest_overdue(
    _fig: Figures, key: str, tag: tuple[str, int], q: MetricsQuery, limit: int
) -> list[OverdueTaskRow]:
    return _fig.longest_overdue(q, calendar(_fig.repo, key), limit=limit)


def backlog(repo: Repository, key: str, q: MetricsQuery, longest: int = 10) -> Backlog:
    """`core.backlog.backlog`: every task still open as of D, by the unit answering for it."""
    fig = figures(repo)
    return _backlog(fig, key, _tag(fig), q, longest)


@st.cache_data(ttl=TTL, show_spinner=False)
def _backlog(
    _fig: Figures, key: str, tag: tuple[str, int], q: MetricsQuery, longest: int
) -> Backlog:
    return core_backlog.backlog(_fig.repo, q, calendar(_fig.repo, key), longest, _fig)


def discipline(repo: Repository, key: str, q: MetricsQuery) -> dict[str, Any]:
    """`core.metrics.update_discipline` (its population from the read model when warm)."""
    fig = figures(repo)
    return _discipline(fig, key, _tag(fig), q)


@st.cache_data(ttl=TTL, show_spinner=False)
def _discipline(_fig: Figures, key: str, tag: tuple[str, int], q: MetricsQuery) -> dict[str, Any]:
    return _fig.update_discipline(q, calendar(_fig.repo, key))


def tasks_page(repo: Repository, key: str, s: explorer.TaskSearch) -> explorer.TaskPage:
    """One page of the task list (`core.explorer.search_tasks`, with days late). The lists
    filtered by status or deadline, sorted on the deadline in force, or searched by text come
    from the read model when it may answer (`figures`: warm, caught up, a whole-province
    reader), the others from the pipelines of the reader's repository (counted by the read
    model when it may)."""
    fig = figures(repo) if lists.countable(s) else Pipelines(repo)  # (what it answers, it counts)
    return _tasks_page(fig, key, _tag(fig), s)


@st.cache_data(ttl=60, show_spinner=False)
def _tasks_page(
    _fig: Figures, key: str, tag: tuple[str, int], s: explorer.TaskSearch
) -> explorer.TaskPage:
    return explorer.search_tasks(_fig.repo, s, calendar(_fig.repo, key), source=_fig)


def documents_page(
    repo: Repository,
    key: str,
    s: explorer.DocumentSearch,
    lead_units: frozenset[str] | None,
    priority_only: bool = False,
) -> tuple[list[dict[str, Any]], int, bool]:
    """One page of documents with their tasks' progress (only documents with tasks in the
    units' and priority filters, when set), the total and whether it is capped. A text search
    is answered by the documents' read model when it may (`documents_source`)."""
    source = documents_source(repo) if s.text.strip() else None
    tag = source.generation if source is not None else -1
    return _documents_page(repo, source, key, tag, s, lead_units, priority_only)


@st.cache_data(ttl=60, show_spinner=False)
def _documents_page(
    _repo: Repository,
    _source: DocumentModel | None,
    key: str,
    tag: int,
    s: explorer.DocumentSearch,
    lead_units: frozenset[str] | None,
    priority_only: bool,
) -> tuple[list[dict[str, Any]], int, bool]:
    return explorer.documents_with_progress(
        _repo, s, Scope.everything(), lead_units, priority_only=priority_only, source=_source
    )
