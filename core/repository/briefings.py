"""The briefing archive: generated Word files in the GridFS bucket "briefings"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.access.roles import DOWNLOAD_BRIEFING, DRAFT_LETTER, GENERATE_BRIEFING
from core.repository.base import StoreBase


class BriefingStore(StoreBase):
    """The archive of generated briefings."""

    # -- briefing archive (GridFS bucket "briefings"; owned by the briefings issue) -------------

    def _briefing_bucket(self) -> Any:
        from gridfs import GridFSBucket

        return GridFSBucket(self.db, bucket_name="briefings")

    def save_briefing(self, data: bytes, filename: str, metadata: Mapping[str, Any]) -> str:
        """Store a generated Word file with its metadata (period, scope, who, when, sha256)."""
        self._require(DRAFT_LETTER if metadata.get("doc_type") == "urge" else GENERATE_BRIEFING)
        file_id = self._briefing_bucket().upload_from_stream(
            filename, data, metadata=dict(metadata)
        )
        return str(file_id)

    def list_briefings(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest stored briefings, newest first: id, filename, size, uploaded, metadata."""
        self._require(DOWNLOAD_BRIEFING)
        cursor = self.db["briefings.files"].find({}).sort("uploadDate", -1).limit(limit)
        return [
            {
                "id": str(f["_id"]),
                "filename": f["filename"],
                "length": int(f["length"]),
                "uploaded": f["uploadDate"],
                "metadata": f.get("metadata") or {},
            }
            for f in cursor
        ]

    def briefing_file(self, file_id: str) -> tuple[bytes, dict[str, Any]] | None:
        """The bytes and metadata of one stored briefing, None when there is no such file."""
        self._require(DOWNLOAD_BRIEFING)
        from bson import ObjectId
        from bson.errors import InvalidId
        from gridfs.errors import NoFile

        try:
            oid = ObjectId(file_id)
        except (InvalidId, TypeError):
            return None
        try:
            stream = self._briefing_bucket().open_download_stream(oid)
        except NoFile:
            return None
        return stream.read(), dict(stream.metadata or {})
