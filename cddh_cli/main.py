"""`cddh` commands: db, demo, import, metrics, periods, calendar, briefing, run.

Thin: each command parses its options, calls `core`, and prints in Vietnamese. Errors are
shown as messages naming the field and reason, never as tracebacks, and exit non-zero.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import typer
from pydantic import ValidationError as PydanticValidationError

from cddh_cli import backup as backup_cli
from cddh_cli import users as users_cli
from core import config, localdb, repository
from core.dates import format_vn, plausible_day, today_local
from core.errors import (
    AccessDenied,
    ConflictError,
    DatabaseUnavailable,
    LoginRefused,
    ValidationFailed,
)
from core.numbers import format_count

app = typer.Typer(
    help="cddh: theo dõi nhiệm vụ UBND tỉnh giao (leadership dashboard of assigned tasks).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help="Máy chủ MongoDB cục bộ cho phát triển (development only).", no_args_is_help=True
)
calendar_app = typer.Typer(help="Lịch ngày làm việc: ngày nghỉ, ngày làm bù.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(calendar_app, name="calendar")

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> None:
    """Print a Vietnamese error and exit non-zero."""
    typer.secho(f"Lỗi: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


ERROR_LOG = "cddh-cli-errors.log"  # in CDDH_DATA_DIR: what went wrong, for the technician


def log_unexpected(exc: BaseException) -> Path | None:
    """Append an unexpected error to the log in CDDH_DATA_DIR: its type and where it happened.

    The exception's own text is withheld (only its length is written): a database or library
    message can quote record contents, and a secret document's never reaches a log."""
    import traceback
    from datetime import datetime

    frames = "".join(traceback.format_tb(exc.__traceback__))
    entry = (
        f"{datetime.now().isoformat(timespec='seconds')} {type(exc).__module__}."
        f"{type(exc).__qualname__} (message of {len(str(exc))} characters withheld)\n"
        f"{frames}\n"
    )
    path = config.data_dir() / ERROR_LOG
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(entry)
    except OSError:
        return None
    return path


def friendly(fn: F) -> F:
    """Turn every error into a Vietnamese message and a non-zero exit, never a traceback.

    Every command is wrapped (a test checks it): known errors say what to fix; database errors
    met midway say what happened; anything else names its type and the log holding the detail."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from core.repository import describe_failure

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.ClickException):
            raise
        except ValidationFailed as exc:
            typer.secho(
                "Lỗi: dữ liệu không hợp lệ, không ghi gì cả:", fg=typer.colors.RED, err=True
            )
            for problem in exc.problems:
                typer.echo(f"  - {problem}", err=True)
            raise typer.Exit(2) from None
        except (
            DatabaseUnavailable,
            localdb.LocalDbError,
            ConflictError,
            AccessDenied,
            LoginRefused,
        ) as exc:
            fail(str(exc))
        except repository.OUTAGE_ERRORS as exc:  # failover: see core/repository/connection.py
            fail(repository.outage_message(exc))
        except KeyboardInterrupt:
            fail("Đã dừng giữa chừng theo yêu cầu (Ctrl+C); chạy lại lệnh để làm trọn.", 130)
        except ValueError as exc:
            if isinstance(exc, PydanticValidationError):  # its text quotes the input values
                log_unexpected(exc)
                fail("dữ liệu không hợp lệ (kiểm tra các trường bắt buộc và định dạng).", 2)
            fail(str(exc), 2)
        except Exception as exc:
            where = log_unexpected(exc)
            message = describe_failure(exc)
            if message is not None:
                fail(message, 3)
            fail(
                f"Lỗi ngoài dự kiến ({type(exc).__name__}); lệnh chưa hoàn tất. "
                + (f"Chi tiết kỹ thuật đã ghi vào {where}." if where else "")
            )

    wrapper.__cddh_friendly__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def day_option(value: str | None, field: str) -> date | None:
    """Parse a day option (within CDDH_PLAUSIBLE_YEARS) or exit with a message naming it."""
    if value is None:
        return None
    try:
        return plausible_day(value)
    except ValueError as exc:
        fail(f"{field}: {exc}", 2)
    raise AssertionError


def repo_or_start(start_local: bool = True) -> Any:
    """Connect to MONGODB_URI, or start the embedded server when it is unset."""
    from core import repository

    if not config.mongodb_uri() and start_local:
        localdb.start()
    repo = repository.connect(socket_timeout_ms=config.db_timeout_ms())
    repo.ensure_schema()
    return repo


# --- db ---------------------------------------------------------------------------------------


@db_app.command("start")
@friendly
def db_start() -> None:
    """Khởi động mongod cục bộ (replica set một nút, chỉ 127.0.0.1)."""
    status = localdb.start()
    typer.echo(f"mongod đang chạy: {status.uri} (pid {status.pid}, phiên bản {status.version})")
    typer.echo(f"Tệp mongod: {status.binary} — nguồn: {status.source}")
    typer.echo(f"Dữ liệu: {status.data_dir}; nhật ký: {status.log_file}")
    typer.echo("Chỉ dùng cho phát triển/chạy thử, không dùng làm máy chủ sản xuất.")


@db_app.command("stop")
@friendly
def db_stop() -> None:
    """Dừng mongod cục bộ an toàn."""
    if localdb.stop():
        typer.echo("Đã dừng mongod cục bộ.")
    else:
        typer.echo("mongod cục bộ không chạy.")


@db_app.command("status")
@friendly
def db_status(as_json: bool = typer.Option(False, "--json", help="In JSON.")) -> None:
    """Trạng thái mongod cục bộ và nguồn của tệp mongod."""
    status = localdb.status()
    if as_json:
        typer.echo(json.dumps(status.to_dict(), ensure_ascii=False, indent=2))
        return
    state = "đang chạy" if status.running else "không chạy"
    typer.echo(f"mongod cục bộ: {state}")
    typer.echo(f"  URI: {status.uri}")
    if status.pid:
        typer.echo(f"  pid: {status.pid}; phiên bản: {status.version}")
    typer.echo(f"  tệp mongod: {status.binary or 'không tìm thấy'} (nguồn: {status.source or '—'})")
    typer.echo(f"  dữ liệu: {status.data_dir}; nhật ký: {status.log_file}")
    if config.mongodb_uri():
        typer.echo(
            "  Lưu ý: MONGODB_URI đang đặt, ứng dụng dùng máy chủ đó chứ không dùng máy cục bộ."
        )
    if not status.running:
        raise typer.Exit(3)


@db_app.command("init")
@friendly
def db_init() -> None:
    """Tạo collection, validator và chỉ mục (chạy lại nhiều lần vẫn an toàn)."""
    repo = repo_or_start()
    repo.ensure_schema()
    counts = repo.counts()
    typer.echo("Đã khởi tạo lược đồ: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


# --- data -------------------------------------------------------------------------------------


@app.command("demo")
@friendly
def demo(
    tasks: int = typer.Option(9000, "--tasks", help="Số nhiệm vụ (mặc định ~3.000/năm × 3 năm)."),
    seed: int = typer.Option(
        2025, "--seed", help="Hạt giống ngẫu nhiên (cùng hạt → cùng dữ liệu)."
    ),
    replace: bool = typer.Option(False, "--replace", help="Xóa dữ liệu đang có rồi nạp lại."),
) -> None:
    """Nạp tỉnh mẫu (đơn vị, lãnh đạo, văn bản, nhiệm vụ) vào cơ sở dữ liệu."""
    from core import demo as demo_mod
    from core.demo.pending import open_pending_work

    if tasks < 1:
        fail("--tasks: số nhiệm vụ phải lớn hơn 0", 2)
    repo = repo_or_start()
    if not repo.is_empty() and not replace:
        fail("Cơ sở dữ liệu đã có dữ liệu; dùng --replace để xóa và nạp lại tỉnh mẫu.", 2)
    # Built in next__* collections and swapped in at once: killed midway, the old data stays.
    staged = repo.staging()
    stats = demo_mod.load_demo(staged, tasks=tasks, seed=seed)
    open_pending_work(staged)  # the Office's and the units' queues are not empty
    repo.replace_with(staged)
    typer.echo("Đã nạp tỉnh mẫu: " + ", ".join(f"{k} {format_count(v)}" for k, v in stats.items()))


@app.command("import")
@friendly
def import_file(
    file: Path = typer.Argument(..., help="Tệp CSV, XLSX hoặc JSON Lines."),
    kind: str = typer.Option(
        "auto", "--kind", help="tasks (văn bản và nhiệm vụ), org (tổ chức) hoặc auto."
    ),
) -> None:
    """Nhập văn bản và nhiệm vụ, hoặc tổ chức: tất cả hoặc không có gì."""
    from core import importer

    if not file.exists():
        fail(f"tệp: không tìm thấy «{file}»", 2)
    repo = repo_or_start()
    report = importer.import_file(repo, file, kind=kind, actor=f"import:{file.name}")
    typer.echo(report.summary())


# --- metrics and periods ----------------------------------------------------------------------


@app.command("periods")
@friendly
def periods(
    kind: str = typer.Option("month", "--kind", help="month|quarter|half|nine_months|year"),
    on: str | None = typer.Option(None, "--date", help="Kỳ chứa ngày này (YYYY-MM-DD)."),
    report: str | None = typer.Option(None, "--report", help="Kỳ báo cáo: 2026-11, 2026-Q4…"),
    rule: str | None = typer.Option(None, "--rule", help="decree09|calendar (mặc định: cài đặt)."),
) -> None:
    """In kỳ báo cáo (JSON) theo quy tắc đang dùng (mặc định Nghị định 09/2019)."""
    from core import periods as p

    use_rule = rule or p.default_rule()
    if use_rule not in ("decree09", "calendar"):
        fail(f"--rule: «{use_rule}» không hợp lệ (decree09 hoặc calendar)", 2)
    if kind not in ("month", "quarter", "half", "nine_months", "year"):
        fail(f"--kind: «{kind}» không hợp lệ (month, quarter, half, nine_months, year)", 2)
    if report is not None and on is not None:
        fail("chỉ dùng một trong --date hoặc --report", 2)
    if report is not None:
        period = p.period_for_report(kind, report, use_rule)  # type: ignore[arg-type]
    else:
        day = day_option(on, "--date") or today_local()
        period = p.period_containing(kind, day, use_rule)  # type: ignore[arg-type]
    out: dict[str, Any] = dict(period.to_dict())
    out["previous"] = p.previous_period(period).to_dict()
    out["same_period_last_year"] = p.same_period_last_year(period).to_dict()
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


@app.command("metrics")
@friendly
def metrics(
    as_of: str = typer.Option(..., "--as-of", help="Ngày chốt số liệu (YYYY-MM-DD)."),
    assigned_from: str | None = typer.Option(None, "--assigned-from"),
    assigned_to: str | None = typer.Option(None, "--assigned-to"),
    deadline_from: str | None = typer.Option(None, "--deadline-from"),
    deadline_to: str | None = typer.Option(None, "--deadline-to"),
    by: str = typer.Option(
        "unit", "--by", help="unit|portfolio|signer|tracking_room|document_type|priority|none"
    ),
    rollup_successors: bool = typer.Option(False, "--rollup-successors"),
    as_json: bool = typer.Option(False, "--json", help="In JSON theo hợp đồng cddh metrics."),
) -> None:
    """Số liệu theo trạng thái tại một ngày, theo nhóm (đơn vị, lãnh đạo phụ trách…)."""
    from core import metrics as m

    query = m.MetricsQuery(
        as_of=day_option(as_of, "--as-of") or today_local(),
        assigned_from=day_option(assigned_from, "--assigned-from"),
        assigned_to=day_option(assigned_to, "--assigned-to"),
        deadline_from=day_option(deadline_from, "--deadline-from"),
        deadline_to=day_option(deadline_to, "--deadline-to"),
        by=by,
        rollup_successors=rollup_successors,
    )
    repo = repo_or_start()
    result = m.status_metrics(repo, query)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(m.format_table(result))


# --- calendar ---------------------------------------------------------------------------------


@calendar_app.command("add-holiday")
@friendly
def calendar_add_holiday(
    day: str = typer.Argument(..., help="Ngày (YYYY-MM-DD hoặc dd/mm/yyyy)."),
    name: str = typer.Option(..., "--name", help="Tên ngày nghỉ."),
) -> None:
    """Thêm một ngày nghỉ (ngoài ngày lễ theo luật)."""
    repo = repo_or_start()
    d = day_option(day, "ngày")
    assert d is not None
    repo.save_calendar_day(d, "holiday", name, actor="cli")
    typer.echo(f"Đã thêm ngày nghỉ {d:%d/%m/%Y}: {name}")


@calendar_app.command("add-workday")
@friendly
def calendar_add_workday(
    day: str = typer.Argument(..., help="Ngày (YYYY-MM-DD hoặc dd/mm/yyyy)."),
    name: str = typer.Option(..., "--name", help="Lý do làm bù."),
) -> None:
    """Thêm một ngày làm việc bù (thường là thứ Bảy)."""
    repo = repo_or_start()
    d = day_option(day, "ngày")
    assert d is not None
    repo.save_calendar_day(d, "workday", name, actor="cli")
    typer.echo(f"Đã thêm ngày làm bù {d:%d/%m/%Y}: {name}")


@calendar_app.command("list")
@friendly
def calendar_list(year: int | None = typer.Option(None, "--year")) -> None:
    """Liệt kê ngày nghỉ và ngày làm bù của một năm (mặc định: năm nay theo giờ Việt Nam)."""
    from core import services

    year = year if year is not None else today_local().year
    cal = services.work_calendar(repo_or_start())
    typer.echo(f"Ngày nghỉ năm {year}:")
    for item in cal.days_off(year):
        typer.echo(f"  {item.date:%d/%m/%Y}  {item.name}  ({item.source})")
    typer.echo(f"Ngày làm bù năm {year}:")
    for item in cal.make_up_workdays(year):
        typer.echo(f"  {item.date:%d/%m/%Y}  {item.name}  ({item.source})")


# --- briefings --------------------------------------------------------------------------------


def _who() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@app.command("briefing")
@friendly
def briefing(
    kind: str = typer.Option("month", "--kind", help="month|quarter|half|nine_months|year|custom"),
    report: str | None = typer.Option(
        None,
        "--report",
        help="Kỳ báo cáo: 2026-11, 2026-Q4, 2026-H1, 2026-9M, 2026, hoặc 2026-03-01..2026-03-31 "
        "(mặc định: kỳ đã kết thúc gần nhất).",
    ),
    portfolio: str | None = typer.Option(
        None, "--portfolio", help="Mã lãnh đạo: chỉ lĩnh vực phụ trách."
    ),
    unit: str | None = typer.Option(None, "--unit", help="Mã đơn vị: chỉ một đơn vị."),
    signer: str | None = typer.Option(
        None, "--signer", help="Mã lãnh đạo Văn phòng ký (mặc định: tự xác định)."
    ),
    report_date: str | None = typer.Option(
        None, "--date", help="Ngày của báo cáo (mặc định: ngày làm việc sau kỳ)."
    ),
    number: str = typer.Option("", "--number", help="Số văn bản (để trống cho văn thư điền)."),
    rule: str | None = typer.Option(None, "--rule", help="decree09|calendar (mặc định: cài đặt)."),
    out: Path = typer.Option(..., "--out", help="Tệp .docx sẽ ghi."),
    xlsx: Path | None = typer.Option(
        None, "--xlsx", help="Ghi thêm danh sách đầy đủ nhiệm vụ quá hạn ra tệp .xlsx."
    ),
    no_archive: bool = typer.Option(
        False, "--no-archive", help="Không lưu bản sao vào kho báo cáo."
    ),
) -> None:
    """Tạo báo cáo tình hình thực hiện nhiệm vụ (Word, thể thức Nghị định 30/2020)."""
    from core import briefing as b
    from core import periods as p
    from core.dates import today_local

    if portfolio and unit:
        fail("chỉ dùng một trong --portfolio hoặc --unit", 2)
    use_rule = rule or p.default_rule()
    if use_rule not in p.PERIOD_RULES:
        fail(f"--rule: «{use_rule}» không hợp lệ (decree09 hoặc calendar)", 2)
    if kind not in p.PERIOD_KINDS:
        fail(f"--kind: «{kind}» không hợp lệ ({', '.join(p.PERIOD_KINDS)})", 2)
    today = today_local()
    if report is None:
        if kind == "custom":
            fail("--report: kỳ tùy chọn cần khoảng ngày, ví dụ 2026-03-01..2026-03-31", 2)
        period = b.default_period(kind, today, use_rule)
        typer.echo(f"Kỳ báo cáo: {period.label} (kỳ đã kết thúc gần nhất)")
    else:
        period = p.period_for_report(kind, report, use_rule)  # type: ignore[arg-type]
    warning = b.running_warning(period, today)
    if warning:
        typer.echo(f"Cảnh báo: {warning}", err=True)
    request = b.BriefingRequest(
        period=period,
        scope_kind="portfolio" if portfolio else "unit" if unit else "province",
        scope_key=portfolio or unit,
        signer_id=signer,
        report_date=day_option(report_date, "--date"),
        number=number,
    )
    repo = repo_or_start()
    result = b.build_briefing(repo, request, generated_by=_who(), today=today)
    out.write_bytes(result.content)
    typer.echo(f"Đã ghi {out} ({format_count(len(result.content))} byte)")
    if xlsx is not None:
        content, _name = b.overdue_xlsx(repo, request, today=today)
        xlsx.write_bytes(content)
        typer.echo(f"Đã ghi danh sách đầy đủ nhiệm vụ quá hạn: {xlsx}")
    if not no_archive:
        file_id = b.archive(repo, result)
        typer.echo(f"Đã lưu vào kho báo cáo: {file_id} (sha256 {result.metadata['sha256'][:12]}…)")


@app.command("urge")
@friendly
def urge(
    unit: str = typer.Option(..., "--unit", help="Mã đơn vị được đôn đốc."),
    as_of: str = typer.Option(..., "--as-of", help="Ngày chốt số liệu (YYYY-MM-DD)."),
    signer: str | None = typer.Option(None, "--signer", help="Mã lãnh đạo Văn phòng ký."),
    report_date: str | None = typer.Option(
        None, "--date", help="Ngày của công văn (mặc định: --as-of)."
    ),
    number: str = typer.Option("", "--number", help="Số văn bản (để trống cho văn thư điền)."),
    out: Path = typer.Option(..., "--out", help="Tệp .docx sẽ ghi."),
    no_archive: bool = typer.Option(
        False, "--no-archive", help="Không lưu bản sao vào kho báo cáo."
    ),
) -> None:
    """Tạo công văn đôn đốc một đơn vị thực hiện các nhiệm vụ quá hạn (Word)."""
    from core import briefing as b

    day = day_option(as_of, "--as-of")
    assert day is not None
    repo = repo_or_start()
    result = b.build_urge(
        repo, unit, day, signer_id=signer, report_date=day_option(report_date, "--date"),
        number=number, generated_by=_who(),
    )  # fmt: skip
    out.write_bytes(result.content)
    if result.metadata["scope"]["key"] != unit:
        typer.echo(
            f"Đơn vị «{unit}» đã giải thể, sáp nhập trước ngày {day:%d/%m/%Y}: công văn gửi đơn "
            f"vị kế thừa, {result.metadata['scope']['name']}."
        )
    typer.echo(
        f"Đã ghi {out}: {result.metadata['overdue']} nhiệm vụ quá hạn của "
        f"{result.metadata['scope']['name']}"
    )
    if not no_archive:
        typer.echo(f"Đã lưu vào kho báo cáo: {b.archive(repo, result)}")


@app.command("summaries")
@friendly
def summaries(
    as_of: str | None = typer.Option(None, "--as-of", help="Ngày xem (mặc định hôm nay)."),
    periods: int = typer.Option(13, "--periods", help="Số kỳ gần nhất của mỗi loại kỳ."),
    recompute: bool = typer.Option(
        False,
        "--recompute",
        help="Xóa mọi số liệu tổng hợp đã lưu rồi tính lại (sau khi khôi phục bản sao lưu "
        "hoặc sửa dữ liệu ngoài cddh).",
    ),
) -> None:
    """Tính trước số liệu tổng hợp của các kỳ báo cáo đã kết thúc (tháng, quý, 6 tháng,
    9 tháng, năm), để bảng điều hành mở nhanh; kỳ đã có số liệu thì giữ nguyên."""
    from core import metrics as m
    from core.periods import default_rule

    if periods < 1:
        fail("--periods: số kỳ phải lớn hơn 0", 2)
    day = day_option(as_of, "--as-of") or today_local()
    repo = repo_or_start()
    if recompute:
        repo.clear_period_summaries()
    done = m.warm_summaries(repo, day, default_rule(), n=periods)
    typer.echo(f"Đã có số liệu tổng hợp của {done} kỳ đã kết thúc (tính đến {format_vn(day)}).")


# --- run --------------------------------------------------------------------------------------


@app.command("run")
@friendly
def run(
    port: int = typer.Option(int(config.get("CDDH_PORT")), "--port"),
    demo_tasks: int = typer.Option(9000, "--demo-tasks", help="Số nhiệm vụ của tỉnh mẫu."),
) -> None:
    """Chạy bảng điều hành: nếu chưa đặt MONGODB_URI thì khởi động mongod cục bộ và nạp tỉnh mẫu."""
    from core import demo as demo_mod
    from core.demo.pending import open_pending_work

    repo = repo_or_start()
    if not config.mongodb_uri() and repo.is_empty():
        typer.echo("Cơ sở dữ liệu trống: đang nạp tỉnh mẫu…")
        staged = repo.staging()
        demo_mod.load_demo(staged, tasks=demo_tasks, seed=2025)
        open_pending_work(staged)
        repo.replace_with(staged)
    _accounts_before_start(repo)
    env = dict(os.environ)
    if not config.mongodb_uri():
        env["MONGODB_URI"] = config.local_uri()
    typer.echo(f"Bảng điều hành: http://localhost:{port}")
    cmd = [
        sys.executable, "-m", "dashboard.serve",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    raise typer.Exit(subprocess.call(cmd, env=env))


def _accounts_before_start(repo: Any) -> None:
    """The demo province gets one account per role, printed; a production database
    (MONGODB_URI) never does, and the dashboard refuses to start there while any exists."""
    from core.access import accounts
    from core.access.roles import ROLES

    if config.mongodb_uri():
        demo_accounts = repo.demo_users()
        if demo_accounts:
            fail(
                "Cơ sở dữ liệu MONGODB_URI (vận hành thật) đang có tài khoản demo: "
                + ", ".join(sorted(demo_accounts))
                + ". Xóa hoặc khóa chúng (cddh users disable …) rồi chạy lại."
            )
        if not accounts.list_users(repo):
            typer.echo(
                "Chưa có tài khoản nào: tạo tài khoản Chánh Văn phòng đầu tiên bằng\n"
                '  cddh users add <tên> --name "Họ tên" --role office_chief'
            )
        return
    typer.echo("Tài khoản demo (mật khẩu mới mỗi lần chạy, chỉ dùng thử trên máy này):")
    for account in accounts.create_demo_accounts(repo):
        typer.echo(f"  {account.username:<12} {account.password}   {ROLES[account.role].label}")


# --- backup and restore (commands in cddh_cli/backup.py) --------------------------------------

backup_cli.register(app, friendly)
users_cli.register(app, friendly)


if __name__ == "__main__":
    app()
