"""`cddh backup` and `cddh restore`: the store in mongodump's layout (see core/backup.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from core import config, localdb


def _repository() -> Any:
    """The configured database, without creating its schema (a restore brings its own)."""
    from core import repository

    if not config.mongodb_uri():
        localdb.start()
    return repository.connect()


def backup(
    directory: Path = typer.Argument(..., help="Thư mục ghi bản sao lưu (DIR/<cơ sở dữ liệu>/)."),
) -> None:
    """Sao lưu toàn bộ cơ sở dữ liệu theo định dạng mongodump (mongorestore đọc được)."""
    from core import backup as core_backup

    report = core_backup.backup(_repository(), directory)
    typer.echo(report.summary("Đã sao lưu"))


def restore(
    directory: Path = typer.Argument(..., help="Thư mục bản sao lưu (của cddh backup/mongodump)."),
    force: bool = typer.Option(
        False, "--force", help="Xóa dữ liệu đang có trong cơ sở dữ liệu rồi khôi phục."
    ),
) -> None:
    """Khôi phục cơ sở dữ liệu từ bản sao lưu; kiểm tra toàn bộ các tệp trước khi ghi."""
    from core import backup as core_backup

    report = core_backup.restore(_repository(), directory, force=force)
    typer.echo(report.summary("Đã khôi phục"))
    typer.echo("Số liệu tổng hợp và chỉ mục đã được khôi phục cùng dữ liệu.")


def register(app: typer.Typer, friendly: Callable[[Any], Any]) -> None:
    """Add the two commands to the `cddh` application, wrapped by its error handler."""
    app.command("backup")(friendly(backup))
    app.command("restore")(friendly(restore))
