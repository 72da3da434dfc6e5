"""The documents' list feed: what the text search of the documents needs of each one (its key,
issue day, type, signer and folded number and abstract), read straight into Arrow columns, and
the change stream that keeps a copy in step (see core/readmodel/documents.py).

As `facts_feed` does for `task_facts`: the read model receives Arrow tables and plain change
records (`FactChange`, whose `task_id` is here the document's key), never the driver.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
from pymongoarrow.api import Schema, find_arrow_all

from core.repository.base import StoreBase
from core.repository.facts_feed import FactsStream, open_stream

DOCUMENTS_ARROW_SCHEMA = pa.schema(
    [
        ("_id", pa.string()),
        ("issue_date", pa.timestamp("ms", tz="UTC")),
        ("type", pa.string()),
        ("signer", pa.string()),
        ("search_text", pa.string()),
    ]
)


class DocumentsFeed(StoreBase):
    """`documents` as Arrow columns, and its change stream (for core/readmodel/documents.py)."""

    def documents_arrow(self) -> pa.Table:
        """Every document's key, issue day, type, signer and search text, as Arrow columns."""
        return find_arrow_all(
            self.db.documents,
            {},
            schema=Schema({f.name: f.type for f in DOCUMENTS_ARROW_SCHEMA}),
            batch_size=50_000,
        )

    def watch_documents(
        self,
        resume_after: Mapping[str, Any] | None = None,
        at_time: tuple[int, int] | None = None,
        max_await_ms: int = 200,
    ) -> FactsStream:
        """A change stream on `documents` from a resume token (or a cluster time, or now), with
        the whole document of each insert, replace and update."""
        return open_stream(self.db.documents, resume_after, at_time, max_await_ms)
