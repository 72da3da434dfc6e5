"""Generated files are kept in GridFS with their metadata and can be downloaded again."""

from __future__ import annotations

import hashlib

from core import briefing as b
from core.repository import Repository


def test_archive_round_trip(brief_repo: Repository, november: b.Briefing) -> None:
    file_id = b.archive(brief_repo, november)
    listed = {item["id"]: item for item in brief_repo.list_briefings(limit=10)}
    assert file_id in listed
    item = listed[file_id]
    assert item["filename"] == november.filename and item["length"] == len(november.content)
    content, meta = brief_repo.briefing_file(file_id) or (b"", {})
    assert content == november.content
    assert meta["sha256"] == hashlib.sha256(content).hexdigest()
    assert meta["period"]["report"] == "2026-11" and meta["generated_by"] == "pytest"
    assert brief_repo.briefing_file("not-an-id") is None
    assert brief_repo.briefing_file("0123456789abcdef01234567") is None
