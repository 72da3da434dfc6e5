"""The one adapter to MongoDB (kho dữ liệu): connection, schema, reads with a scope, writes
with an actor and a version, all through pymongo. Only this package imports the driver.

Reads of tasks take a `Scope`; writes of tasks take an actor and, for updates, the version the
writer read (optimistic concurrency), and record a `task_events` entry in the same
transaction. The `Repository` is assembled from one part per job (`store.py`).
"""

from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from core.model import task_input
from core.repository.connection import (
    JOURNAL,
    NEXT_STORE,
    OUTAGE_ERRORS,
    STAGE,
    WRITE_RETRY_SECONDS,
    WRITE_TIMEOUT_MS,
    auth_failed_message,
    close_all,
    confirming_write,
    describe_failure,
    ensure_replica_set,
    not_confirmed_message,
    not_written_message,
    outage_message,
    server_version,
    unavailable_message,
    wait_for_server,
)
from core.repository.facts_feed import FactChange, FactsFeedLost, FactsStream, token_time
from core.repository.store import Repository, connect, iter_collection

__all__ = [
    "JOURNAL",
    "NEXT_STORE",
    "OUTAGE_ERRORS",
    "STAGE",
    "WRITE_RETRY_SECONDS",
    "WRITE_TIMEOUT_MS",
    "AutoReconnect",
    "ConnectionFailure",
    "FactChange",
    "FactsFeedLost",
    "FactsStream",
    "PyMongoError",
    "Repository",
    "ServerSelectionTimeoutError",
    "auth_failed_message",
    "close_all",
    "confirming_write",
    "connect",
    "describe_failure",
    "ensure_replica_set",
    "iter_collection",
    "not_confirmed_message",
    "not_written_message",
    "outage_message",
    "server_version",
    "task_input",
    "token_time",
    "unavailable_message",
    "wait_for_server",
]
