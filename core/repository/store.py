"""The Repository: every read and write of the store, assembled from its parts (one per job),
and `connect`, which opens one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pymongo.errors import OperationFailure, PyMongoError

from core import config
from core.errors import DatabaseAuthFailed, DatabaseUnavailable
from core.repository.accounts import AccountStore
from core.repository.briefings import BriefingStore
from core.repository.calendar_days import CalendarStore
from core.repository.connection import (
    _AUTH_FAILED,
    _client,
    auth_failed_message,
    unavailable_message,
)
from core.repository.documents_feed import DocumentsFeed
from core.repository.facts_feed import FactsFeed
from core.repository.organisation import OrganisationStore
from core.repository.raw import RawStore
from core.repository.staging import StagingStore
from core.repository.summaries import SummaryStore
from core.repository.tasks import TaskStore
from core.repository.workflow import WorkflowStore


class Repository(
    TaskStore,
    WorkflowStore,
    StagingStore,
    SummaryStore,
    OrganisationStore,
    CalendarStore,
    BriefingStore,
    RawStore,
    AccountStore,
    FactsFeed,
    DocumentsFeed,
):
    """Every read and write of the store goes through here."""


def connect(
    uri: str | None = None,
    db_name: str | None = None,
    timeout_ms: int = 5000,
    socket_timeout_ms: int | None = None,
) -> Repository:
    """A repository on MONGODB_URI / MONGODB_DB (or the given ones); raises DatabaseUnavailable
    (DatabaseAuthFailed when the server refuses the credentials).

    `socket_timeout_ms`: the longest wait for one answer (None: no limit, the dashboard's)."""
    uri = uri or config.effective_uri()
    client = _client(uri, timeout_ms, socket_timeout_ms)
    try:
        client.admin.command("ping")
    except OperationFailure as exc:
        if exc.code == _AUTH_FAILED:
            raise DatabaseAuthFailed(auth_failed_message(uri)) from None
        raise DatabaseUnavailable(unavailable_message(uri, exc)) from None
    except PyMongoError as exc:
        raise DatabaseUnavailable(unavailable_message(uri, exc)) from None
    return Repository(client[db_name or config.mongodb_db()])


def iter_collection(
    repo: Repository,
    collection: str,
    query: Mapping[str, Any],
    projection: Mapping[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream a collection (used only by the naive benchmark baseline and exports)."""
    yield from repo.db[collection].find(dict(query), projection, batch_size=10_000)
