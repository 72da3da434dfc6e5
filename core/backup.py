"""Backup and restore of the store in `mongodump`'s directory layout, with pymongo's `bson`.

Layout (what `mongodump --out DIR` writes and `mongorestore DIR` reads, mongo-tools 100.x):

- `DIR/<db>/<collection>.bson`: the collection's documents as raw BSON, one after the other
  (each document starts with its own int32 length; no header, no separator);
- `DIR/<db>/<collection>.metadata.json`: one JSON object in MongoDB Extended JSON v2,
  canonical mode (`{"$numberInt": "2"}`), with `options` (listCollections options: validator,
  validationLevel, collation…), `indexes` (listIndexes specs, key order kept), `uuid` (the
  collection UUID as 32 hex digits), `collectionName` and `type` (`collection`).

GridFS buckets (`briefings.files`, `briefings.chunks`) are ordinary collections and are dumped
like the others. System collections are not dumped (mongodump skips them too).

A backup reads every collection in one snapshot session, so the dump is one point in time
(mongod keeps 5 minutes of snapshot history by default: a dump must finish within that). It is
written into a hidden folder and renamed to `<db>` at the end: a killed backup never looks
complete. Memory stays flat: documents are streamed as raw bytes, never decoded.

A restore first decodes every file of the dump (each document fully, every metadata file) and
refuses the whole dump, naming the file, when one is bad; only then does it touch the target.
While it writes, a `restore_incomplete` collection marks the store, so an interrupted restore
is seen (and refused) until a restore with --force finishes.

pymongo itself is reached only through `core.repository` (collection-level primitives there);
this module uses the `bson` package of the same distribution for the file format.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import bson
from bson import json_util
from bson.binary import Binary
from bson.codec_options import CodecOptions
from bson.errors import BSONError
from bson.raw_bson import RawBSONDocument

from core.repository import Repository

INCOMPLETE = "restore_incomplete"  # present while a restore writes; dropped when it finishes
BATCH_DOCS = 1000
BATCH_BYTES = 8 * 1024 * 1024
_RAW = CodecOptions(document_class=RawBSONDocument)
_JSON = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, tz_aware=True)


class BackupError(ValueError):
    """A backup or restore was refused; the message (Vietnamese) names the file or reason."""


@dataclass(frozen=True)
class CollectionDump:
    """One collection of a dump: its name, number of documents and size of its .bson file."""

    name: str
    documents: int
    size: int


@dataclass
class DumpReport:
    """What a backup wrote or a restore read."""

    folder: Path
    collections: list[CollectionDump] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return sum(c.documents for c in self.collections)

    def summary(self, verb: str) -> str:
        """One Vietnamese line: how many collections and documents, and where."""
        n = f"{self.documents:,}".replace(",", ".")
        return f"{verb} {len(self.collections)} collection, {n} bản ghi: {self.folder}"


# --- backup -----------------------------------------------------------------------------------


def metadata_document(info: dict[str, Any], indexes: list[dict[str, Any]]) -> dict[str, Any]:
    """The `.metadata.json` object of a collection, in mongodump's field order."""
    uuid = (info.get("info") or {}).get("uuid")
    meta: dict[str, Any] = {"options": dict(info.get("options") or {}), "indexes": indexes}
    if isinstance(uuid, Binary) and uuid.subtype == 4:
        meta["uuid"] = bytes(uuid).hex()
    meta["collectionName"] = info["name"]
    meta["type"] = info.get("type", "collection")
    return meta


def backup(repo: Repository, directory: Path) -> DumpReport:
    """Write the whole store to `directory/<db>/` in mongodump's layout; returns what it wrote."""
    directory = Path(directory)
    db_name = repo.db.name
    final = directory / db_name
    if final.exists() and any(final.iterdir()):
        raise BackupError(
            f"thư mục «{final}» đã có dữ liệu; chọn thư mục khác (bản sao lưu không ghi đè)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{db_name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    report = DumpReport(folder=final)
    try:
        with repo.snapshot() as session:
            for info in repo.collection_infos():
                name = str(info["name"])
                kind = info.get("type", "collection")
                if kind != "collection":
                    raise BackupError(f"collection «{name}» loại «{kind}» chưa được hỗ trợ")
                meta = metadata_document(info, repo.index_specs(name))
                (partial / f"{name}.metadata.json").write_text(
                    json_util.dumps(meta, json_options=_JSON), encoding="utf-8"
                )
                count = size = 0
                with open(partial / f"{name}.bson", "wb") as out:
                    for raw in repo.raw_documents(name, session=session):
                        out.write(raw)
                        count += 1
                        size += len(raw)
                    out.flush()
                    os.fsync(out.fileno())
                report.collections.append(CollectionDump(name, count, size))
        if final.exists():
            final.rmdir()  # empty (checked above)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return report


# --- reading a dump ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CollectionPlan:
    """One collection to restore: its files, options and indexes, checked."""

    name: str
    bson_file: Path | None
    options: dict[str, Any]
    indexes: list[dict[str, Any]]
    documents: int
    size: int


def _dump_names(folder: Path) -> set[str]:
    names = {p.name[: -len(".metadata.json")] for p in folder.glob("*.metadata.json")}
    return names | {p.name[: -len(".bson")] for p in folder.glob("*.bson")}


def locate(directory: Path, db_name: str | None = None) -> Path:
    """The folder holding the collection files: DIR itself, DIR/<db>, or DIR's only database."""
    directory = Path(directory)
    if not directory.is_dir():
        raise BackupError(f"không tìm thấy thư mục sao lưu «{directory}»")
    if _dump_names(directory):
        return directory
    folders = sorted(p for p in directory.iterdir() if p.is_dir() and _dump_names(p))
    if db_name is not None:
        for folder in folders:
            if folder.name == db_name:
                return folder
    if len(folders) == 1:
        return folders[0]
    if not folders:
        raise BackupError(
            f"thư mục «{directory}» không chứa bản sao lưu (tệp .bson, .metadata.json)"
        )
    names = ", ".join(f.name for f in folders)
    raise BackupError(
        f"thư mục «{directory}» chứa nhiều cơ sở dữ liệu ({names}); chỉ rõ một thư mục"
    )


def _read_metadata(path: Path, name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    where = f"tệp {path.name} (collection «{name}»)"
    try:
        meta = json_util.loads(path.read_text(encoding="utf-8"), json_options=_JSON)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, BSONError) as exc:
        raise BackupError(f"{where}: không đọc được JSON mở rộng ({exc})") from None
    if not isinstance(meta, dict):
        raise BackupError(f"{where}: phải là một đối tượng JSON")
    if meta.get("collectionName", name) != name:
        raise BackupError(f"{where}: collectionName «{meta.get('collectionName')}» khác tên tệp")
    kind = meta.get("type", "collection") or "collection"
    if kind != "collection":
        raise BackupError(f"{where}: loại «{kind}» chưa được hỗ trợ")
    options = meta.get("options") or {}
    indexes = meta.get("indexes") or []
    if not isinstance(options, dict):
        raise BackupError(f"{where}: «options» phải là đối tượng")
    if not isinstance(indexes, list) or not all(
        isinstance(ix, dict) and isinstance(ix.get("key"), dict) and isinstance(ix.get("name"), str)
        for ix in indexes
    ):
        raise BackupError(f"{where}: «indexes» phải là danh sách chỉ mục có «key» và «name»")
    return dict(options), [dict(ix) for ix in indexes]


def _raw_documents(stream: IO[bytes]) -> Iterator[RawBSONDocument]:
    yield from bson.decode_file_iter(stream, codec_options=_RAW)


def _check_bson(path: Path, name: str) -> tuple[int, int]:
    """Decode every document of a .bson file fully; (count, bytes). BackupError names the spot."""
    count = offset = 0
    try:
        with open(path, "rb") as stream:
            for raw in _raw_documents(stream):
                data = raw.raw
                decoded = bson.decode(data)  # every field, not only the frame
                if "_id" not in decoded:
                    raise BSONError("tài liệu không có _id")
                count += 1
                offset += len(data)
    except (BSONError, ValueError, OverflowError, UnicodeDecodeError) as exc:
        raise BackupError(
            f"tệp {path.name} (collection «{name}») hỏng ở tài liệu thứ {count + 1} "
            f"(byte {offset}): {exc}"
        ) from None
    except OSError as exc:
        raise BackupError(f"không đọc được tệp {path.name}: {exc.strerror}") from None
    return count, offset


def check_dump(folder: Path) -> list[CollectionPlan]:
    """Read every file of a dump folder and check it; raises BackupError on the first bad one."""
    plans = []
    for name in sorted(_dump_names(folder)):
        if not name or name.startswith("system.") or name == INCOMPLETE:
            raise BackupError(f"collection «{name}» không được khôi phục")
        meta_path = folder / f"{name}.metadata.json"
        bson_path = folder / f"{name}.bson"
        options, indexes = _read_metadata(meta_path, name) if meta_path.exists() else ({}, [])
        count = size = 0
        if bson_path.exists():
            count, size = _check_bson(bson_path, name)
        plans.append(
            CollectionPlan(
                name=name,
                bson_file=bson_path if bson_path.exists() else None,
                options=options,
                indexes=indexes,
                documents=count,
                size=size,
            )
        )
    if not plans:
        raise BackupError(f"thư mục «{folder}» không chứa collection nào")
    return plans


# --- restore ----------------------------------------------------------------------------------


def restore(repo: Repository, directory: Path, force: bool = False) -> DumpReport:
    """Restore a dump into the repository's database, after checking the whole dump first.

    A database holding data is refused unless `force` (its collections are then dropped).
    """
    folder = locate(directory, repo.db.name)
    plans = check_dump(folder)
    held = repo.holds_data()
    if INCOMPLETE in held and not force:
        raise BackupError(
            f"cơ sở dữ liệu «{repo.db.name}» đang dở một lần khôi phục trước; "
            "dùng --force để khôi phục lại từ đầu"
        )
    if held and not force:
        raise BackupError(
            f"cơ sở dữ liệu «{repo.db.name}» đã có dữ liệu ({', '.join(held[:5])}"
            f"{'…' if len(held) > 5 else ''}); dùng --force để xóa và khôi phục đè"
        )
    repo.drop_all()
    repo.create_collection_raw(INCOMPLETE, {})
    repo.insert_raw(INCOMPLETE, [{"_id": "restore", "source": str(folder)}])
    report = DumpReport(folder=folder)
    for plan in plans:
        repo.create_collection_raw(plan.name, plan.options)
        written = 0
        if plan.bson_file is not None:
            with open(plan.bson_file, "rb") as stream:
                batch: list[RawBSONDocument] = []
                size = 0
                for raw in _raw_documents(stream):
                    batch.append(raw)
                    size += len(raw.raw)
                    if len(batch) >= BATCH_DOCS or size >= BATCH_BYTES:
                        written += repo.insert_raw(plan.name, batch)
                        batch, size = [], 0
                written += repo.insert_raw(plan.name, batch)
        repo.create_indexes_raw(plan.name, plan.indexes)
        report.collections.append(CollectionDump(plan.name, written, plan.size))
    repo.drop_collection(INCOMPLETE)
    return report
