"""Backup and restore primitives: collections, index specs and raw BSON documents as they are
(core/backup.py builds the dump layout on these)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pymongo.client_session import ClientSession
from pymongo.write_concern import WriteConcern

from core.repository.base import StoreBase


class RawStore(StoreBase):
    """Raw collections, indexes and BSON documents for backup and restore."""

    def collection_infos(self) -> list[dict[str, Any]]:
        """listCollections of the store without system collections: name, type, options, info."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        infos = [
            dict(info)
            for info in self.db.list_collections()
            if not str(info["name"]).startswith("system.")
        ]
        return sorted(infos, key=lambda info: str(info["name"]))

    def index_specs(self, collection: str) -> list[dict[str, Any]]:
        """listIndexes of one collection, key order kept (as mongodump stores them)."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        return [dict(spec) for spec in self.db[collection].list_indexes()]

    @contextmanager
    def snapshot(self) -> Iterator[ClientSession]:
        """A session whose reads all see one point in time (a consistent backup)."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        with self.db.client.start_session(snapshot=True) as session:
            yield session

    def raw_documents(
        self, collection: str, session: ClientSession | None = None, batch_size: int = 1000
    ) -> Iterator[bytes]:
        """Every document of a collection as raw BSON bytes, streamed (never decoded)."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        from bson.codec_options import CodecOptions
        from bson.raw_bson import RawBSONDocument

        raw: Any = self.db.get_collection(
            collection, codec_options=CodecOptions(document_class=RawBSONDocument)
        )
        for doc in raw.find({}, batch_size=batch_size, session=session):
            yield bytes(doc.raw)

    def holds_data(self, ignore: Iterable[str] = ("store_state", "period_summaries")) -> list[str]:
        """Collections holding at least one document (derived bookkeeping ignored)."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        skip = set(ignore)
        return [
            info["name"]
            for info in self.collection_infos()
            if info["name"] not in skip
            and info.get("type", "collection") == "collection"
            and self.db[info["name"]].find_one({}, {"_id": 1}) is not None
        ]

    def create_collection_raw(self, name: str, options: Mapping[str, Any]) -> None:
        """Create a collection with listCollections-style options (validator, collation…)."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        command: dict[str, Any] = {"create": name}
        command.update({k: v for k, v in options.items() if k != "uuid"})
        self.db.command(command)

    def create_indexes_raw(self, name: str, specs: Sequence[Mapping[str, Any]]) -> None:
        """Create indexes from listIndexes-style specs (the `_id` index exists already)."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        wanted = [
            {k: v for k, v in spec.items() if k != "ns"}
            for spec in specs
            if spec.get("name") != "_id_"
        ]
        if wanted:
            self.db.command({"createIndexes": name, "indexes": wanted})

    def insert_raw(self, name: str, documents: Sequence[Any]) -> int:
        """Insert a batch of RawBSONDocument as they are (majority write concern)."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        if not documents:
            return 0
        coll = self.db.get_collection(name, write_concern=WriteConcern("majority"))
        coll.insert_many(list(documents), ordered=True)  # all acknowledged, or it raises
        return len(documents)

    def drop_collection(self, name: str) -> None:
        """Drop one collection (no error when it does not exist)."""
        self._system_only("sao lưu hoặc khôi phục dữ liệu")
        self.db.drop_collection(name)
        self._schema_ready = False
