"""Import of directive documents and tasks, or of the organisation, from CSV, XLSX or JSON Lines."""

from __future__ import annotations

import pickle
import re
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from core import config
from core.cleaning import clean_value
from core.config import ImportLimits
from core.dates import format_vn, from_bson_day, optional_day, parse_day
from core.errors import Problem, ValidationFailed
from core.import_readers import Formula, Row, Sheet, Source, header_key
from core.import_readers import blank as _blank
from core.import_readers import read as read_sheets
from core.model import (
    FIELD_LABELS,
    Delegation,
    Document,
    Leader,
    Record,
    Task,
    Unit,
    delegation_rule_problems,
    document_key,
    validate,
)
from core.text import fold, nfc
from core.vocab import (
    DOCUMENT_TYPES,
    LEADER_TITLES,
    SECTORS,
    UNIT_KINDS,
    document_type_from_label,
)

if TYPE_CHECKING:
    from core.repository import Repository

ImportKind = Literal["auto", "tasks", "org"]

# --- columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One importable column: its English key, its Vietnamese header and how cells are read."""

    field: str
    vi: str
    conv: str = "text"  # text | lines | day | deadline | bool | int | list | extensions
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The Vietnamese name used in messages (as the models name the field)."""
        return FIELD_LABELS.get(self.field, self.vi[:1].lower() + self.vi[1:])

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(header_key(h) for h in (self.field, self.vi, *self.aliases))


TASK_COLUMNS: tuple[Column, ...] = (
    Column("type", "Loại văn bản", aliases=("Loại VB", "document type", "doc type")),
    Column(
        "number",
        "Số, ký hiệu",
        required=True,
        aliases=("Số ký hiệu", "Số hiệu", "Số văn bản", "Số, ký hiệu văn bản", "document number"),
    ),
    Column(
        "issue_date", "Ngày ban hành", "day", required=True, aliases=("Ngày ký", "Ngày văn bản")
    ),
    Column("abstract", "Trích yếu", required=True, aliases=("Trích yếu nội dung",)),
    Column("signer", "Người ký", required=True),
    Column("submitting_unit", "Cơ quan trình", aliases=("Đơn vị trình", "Cơ quan tham mưu")),
    Column("secrecy", "Độ mật"),
    Column("seq", "STT", "int", aliases=("TT", "Số thứ tự", "Số TT")),
    Column("content", "Nội dung nhiệm vụ", required=True, aliases=("Nhiệm vụ", "Nội dung")),
    Column(
        "lead_unit",
        "Đơn vị chủ trì",
        "lines",
        required=True,
        aliases=("Chủ trì", "Cơ quan chủ trì"),
    ),
    Column("coord_units", "Đơn vị phối hợp", "list", aliases=("Phối hợp", "Cơ quan phối hợp")),
    Column("tracking_room", "Phòng theo dõi", aliases=("Đơn vị theo dõi",)),
    Column("specialist", "Chuyên viên theo dõi", aliases=("Chuyên viên",)),
    Column("assigned_date", "Ngày giao", "day"),
    Column("deadline", "Thời hạn", "deadline", aliases=("Hạn xử lý", "Hạn hoàn thành")),
    Column("extensions", "Gia hạn", "extensions"),
    Column("completed_date", "Ngày hoàn thành", "day"),
    Column("result", "Kết quả", aliases=("Kết quả thực hiện",)),
    Column("confirmed_date", "Ngày xác nhận", "day"),
    Column("confirmed_by", "Người xác nhận"),
    Column("priority", "Trọng tâm", "bool", aliases=("Nhiệm vụ trọng tâm", "Gắn sao")),
    Column("personal", "Giao đích danh", "bool"),
    Column("cancelled_date", "Ngày hủy", "day"),
    Column("cancel_reason", "Lý do hủy"),
)

RECORD_COLUMN = Column("record", "Loại bản ghi", required=True, aliases=("Bản ghi",))

UNIT_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã đơn vị", required=True),
    Column("name", "Tên đơn vị", required=True, aliases=("Tên",)),
    Column("short_name", "Tên viết tắt"),
    Column("kind", "Loại đơn vị", required=True, aliases=("Loại",)),
    Column("parent", "Đơn vị cấp trên"),
    Column("valid_from", "Hiệu lực từ", "day"),
    Column("valid_to", "Hiệu lực đến", "day"),
    Column("successor", "Đơn vị kế thừa"),
    Column("sector", "Lĩnh vực"),
    Column("order", "Thứ tự", "int"),
)

LEADER_COLUMNS: tuple[Column, ...] = (
    Column("id", "Mã lãnh đạo", required=True, aliases=("Mã",)),
    Column("name", "Họ và tên", required=True, aliases=("Tên", "Họ tên")),
    Column("title", "Chức danh", required=True),
    Column("unit", "Đơn vị", required=True, aliases=("Đơn vị công tác",)),
    Column("portfolio_sectors", "Lĩnh vực phụ trách", "list"),
    Column("portfolio_units", "Đơn vị phụ trách", "list", aliases=("Đơn vị theo dõi",)),
    Column("term_from", "Nhiệm kỳ từ", "day"),
    Column("term_to", "Nhiệm kỳ đến", "day"),
    Column("ppc_member", "Thành viên UBND tỉnh", "bool", aliases=("Thành viên UBND",)),
)

DELEGATION_COLUMNS: tuple[Column, ...] = (
    Column("id", "Mã ủy quyền", required=True, aliases=("Mã",)),
    Column("from_leader", "Người ủy quyền", required=True),
    Column("to_leader", "Người được ủy quyền", required=True),
    Column("scope_sectors", "Lĩnh vực ủy quyền", "list"),
    Column("scope_units", "Đơn vị ủy quyền", "list"),
    Column("scope_tasks", "Nhiệm vụ ủy quyền", "list"),
    Column("date_from", "Từ ngày", "day", required=True),
    Column("date_to", "Đến ngày", "day", required=True),
    Column("reason", "Lý do"),
)

ORG_COLUMNS: dict[str, tuple[Column, ...]] = {
    "unit": UNIT_COLUMNS,
    "leader": LEADER_COLUMNS,
    "delegation": DELEGATION_COLUMNS,
}
# Sheet names of an org workbook, and the values of the record column.
ORG_KIND_NAMES: dict[str, tuple[str, ...]] = {
    "unit": ("Đơn vị", "units", "unit"),
    "leader": ("Lãnh đạo", "leaders", "leader"),
    "delegation": ("Ủy quyền", "delegations", "delegation"),
}
ORG_KIND_LABELS = {"unit": "đơn vị", "leader": "lãnh đạo", "delegation": "ủy quyền"}

# Columns that exports often carry and that are not imported: reported as a warning only.
IGNORED_COLUMNS: tuple[str, ...] = (
    "Trạng thái",
    "status",
    "Tình trạng",
    "Độ khẩn",
    "urgency",
    "Ghi chú",
    "note",
    "notes",
    "Số ngày quá hạn",
    "days overdue",
)
_IGNORED_KEYS = frozenset(header_key(h) for h in IGNORED_COLUMNS)

_TRUE = frozenset({"x", "co", "1", "true", "yes", "y", "dung"})
_FALSE = frozenset({"", "khong", "0", "false", "no", "n", "sai"})
_NO_DEADLINE = frozenset({"khong thoi han", "khong co thoi han", "khong han", "-"})
_DOC_FIELDS = ("type", "number", "issue_date", "abstract", "signer", "submitting_unit", "secrecy")


# --- what the store already holds -------------------------------------------------------------


@dataclass
class Known:
    """What the store already holds that a file may refer to, in stored form (`_id`, days as
    BSON datetimes). The default is empty: `parse_file` then needs no database."""

    units: list[dict[str, Any]] = field(default_factory=list)
    leaders: list[dict[str, Any]] = field(default_factory=list)
    delegations: list[dict[str, Any]] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        units: Iterable[Unit] = (),
        leaders: Iterable[Leader] = (),
        delegations: Iterable[Delegation] = (),
    ) -> Known:
        """Known records built from model objects (tests, dry runs)."""
        return cls(
            units=[u.to_mongo() for u in units],
            leaders=[x.to_mongo() for x in leaders],
            delegations=[x.to_mongo() for x in delegations],
        )

    def stored_documents(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored documents among these keys."""
        return {k: self.documents[k] for k in keys if k in self.documents}

    def stored_tasks(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored tasks among these keys."""
        return {k: self.tasks[k] for k in keys if k in self.tasks}


class _RepoKnown(Known):
    """Known records read from a repository."""

    def __init__(self, repo: Repository) -> None:
        super().__init__(units=repo.units(), leaders=repo.leaders(), delegations=repo.delegations())
        self._repo = repo

    def stored_documents(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not keys:
            return {}
        found = self._repo.documents_page({"_id": {"$in": list(keys)}}, limit=0)
        return {d["_id"]: d for d in found}

    def stored_tasks(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        from core.scope import Scope

        if not keys:
            return {}
        found = self._repo.find_tasks(
            {"_id": {"$in": list(keys)}}, Scope.everything(), sort=(("_id", 1),), limit=0
        )
        return {t["_id"]: t for t in found}


# --- results ----------------------------------------------------------------------------------


@dataclass
class ParsedImport:
    """A validated file, ready for `Repository.import_batch`."""

    kind: Literal["tasks", "org"]
    units: list[Unit] = field(default_factory=list)
    leaders: list[Leader] = field(default_factory=list)
    delegations: list[Delegation] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # How many records of each collection are already stored (the rest are new).
    existing: dict[str, int] = field(default_factory=dict)
    task_count: int = 0  # valid tasks in the file (streamed to a sink, or listed in `tasks`)

    def totals(self) -> dict[str, int]:
        """Records in the file, by collection."""
        return {
            "units": len(self.units),
            "leaders": len(self.leaders),
            "delegations": len(self.delegations),
            "documents": len(self.documents),
            "tasks": max(self.task_count, len(self.tasks)),
        }


@dataclass(frozen=True)
class Tally:
    """Records of one collection in an import: how many were new, changed, unchanged."""

    total: int
    new: int
    changed: int

    @property
    def unchanged(self) -> int:
        return self.total - self.new - self.changed


_NOUNS = {
    "units": "đơn vị",
    "leaders": "lãnh đạo",
    "delegations": "ủy quyền",
    "documents": "văn bản",
    "tasks": "nhiệm vụ",
}


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass
class ImportReport:
    """What an import wrote."""

    kind: Literal["tasks", "org"]
    file: str
    tallies: dict[str, Tally]
    warnings: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        """Records inserted or changed."""
        return sum(t.new + t.changed for t in self.tallies.values())

    def summary(self) -> str:
        """One Vietnamese paragraph, then one line per warning."""
        parts = [
            f"{_n(t.total)} {_NOUNS[name]} (mới {_n(t.new)}, thay đổi {_n(t.changed)}, "
            f"không đổi {_n(t.unchanged)})"
            for name, t in self.tallies.items()
            if t.total
        ]
        text = f"Đã nhập tệp «{self.file}»: " + ", ".join(parts) + "."
        if self.written == 0:
            text += " Không có gì thay đổi: dữ liệu đang có đã giống tệp."
        for warning in self.warnings:
            text += f"\nLưu ý: {warning}"
        return text


# --- problems ---------------------------------------------------------------------------------


_MAX_PROBLEMS = 1000


class _Issues:
    """Problems collected over the whole file, reported in sheet and line order."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, int, Problem]] = []
        self._seen: set[tuple[int, int | None, str]] = set()
        self._added: set[tuple[int, Problem]] = set()
        self.stripped_count = 0
        self.stripped_lines: list[int] = []
        self.more = 0  # problems beyond _MAX_PROBLEMS, counted only

    def add(self, sheet: _Sheet | None, line: int | None, label: str, reason: str) -> None:
        index = sheet.index if sheet else -1
        if sheet is not None and sheet.title:
            label = f"{label} (trang «{sheet.title}»)"
        problem = Problem(label, reason, line)
        if (index, problem) in self._added:
            return  # the same problem found twice (e.g. a column checked for two record kinds)
        if len(self._items) >= _MAX_PROBLEMS:  # memory stays flat on a file of bad rows
            self.more += 1
            self._seen.add((index, line, label))
            return
        self._added.add((index, problem))
        self._items.append((index, line or 0, len(self._items), problem))
        self._seen.add((index, line, label))

    def has(self, sheet: _Sheet | None, line: int | None, label: str) -> bool:
        index = sheet.index if sheet else -1
        if sheet is not None and sheet.title:
            label = f"{label} (trang «{sheet.title}»)"
        return (index, line, label) in self._seen

    def model(self, sheet: _Sheet, exc: ValidationFailed, columns: Iterable[Column]) -> None:
        """Problems from a model, with English field names mapped to column labels."""
        names = {c.field: c.label for c in columns}
        for p in exc.problems:
            label = names.get(p.field, p.field)
            if not self.has(sheet, p.line, label):
                self.add(sheet, p.line, label, p.reason)

    def stripped(self, line: int, count: int) -> None:
        """Zero-width characters removed from a cell (reported once, as a warning)."""
        self.stripped_count += count
        if len(self.stripped_lines) < 10 and line not in self.stripped_lines:
            self.stripped_lines.append(line)

    def stripped_warning(self) -> str | None:
        if not self.stripped_count:
            return None
        lines = ", ".join(str(x) for x in self.stripped_lines)
        more = " …" if self.stripped_count > len(self.stripped_lines) else ""
        return (
            f"đã bỏ {_n(self.stripped_count)} ký tự vô hình (zero-width) trong các ô "
            f"(dòng {lines}{more}): chúng không hiện ra nhưng làm hai giá trị giống nhau "
            "thành khác nhau"
        )

    def redact(self, lines: set[int], keep: str) -> None:
        """Drop every problem of these lines but those of field `keep`: the rows of a secret
        document are refused by one message that repeats none of their content."""
        if not lines:
            return
        self._items = [
            item
            for item in self._items
            if item[3].line not in lines or item[3].field.startswith(keep)
        ]

    def __bool__(self) -> bool:
        return bool(self._items) or self.more > 0

    def problems(self) -> list[Problem]:
        out = [item[3] for item in sorted(self._items, key=lambda i: i[:3])]
        if self.more:
            out.append(
                Problem(
                    "tệp", f"còn {_n(self.more)} lỗi khác không liệt kê; sửa các lỗi trên trước"
                )
            )
        return out


# --- reading files ----------------------------------------------------------------------------

_Row = Row
_Sheet = Sheet


_ALL_KEYS = frozenset(
    k
    for cols in (TASK_COLUMNS, UNIT_COLUMNS, LEADER_COLUMNS, DELEGATION_COLUMNS, (RECORD_COLUMN,))
    for c in cols
    for k in c.keys
)


def _header_score(cells: Sequence[Any]) -> int:
    return sum(1 for c in cells if not _blank(c) and header_key(c) in _ALL_KEYS)


def _read(path: Path, issues: _Issues, limits: ImportLimits) -> list[_Sheet]:
    sheet0 = _Sheet(0, None, "jsonl", 1, [], lambda: iter(()))

    def problem(line: int | None, label: str, reason: str) -> None:
        issues.add(sheet0, line, label, reason)

    return read_sheets(path, limits, _header_score, problem)


def _stray_cells(sheet: _Sheet, row: _Row, issues: _Issues, reported: set[int]) -> None:
    """Data in a column without a header is a problem (once per column)."""
    width = len(sheet.headers)
    blank_columns = sheet.blank_columns
    for index, value in row.cells.items():
        if (index >= width or index in blank_columns) and index not in reported:
            if not _blank(value):
                reported.add(index)
                issues.add(
                    sheet, row.line, f"cột thứ {index + 1}", "có dữ liệu nhưng không có tiêu đề"
                )


# --- cells ------------------------------------------------------------------------------------


def _int_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float | int):
        return _int_text(value)
    if isinstance(value, datetime):
        return format_vn(value.date())
    if isinstance(value, date):
        return format_vn(value)
    return nfc(str(value))


def _day(value: Any, source: Source) -> date:
    if isinstance(value, datetime):
        return value.date() if value.tzinfo is None else from_bson_day(value)
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and source == "xlsx":
        if 1 <= value < 2958466:  # an Excel serial day (1900 system)
            return date(1899, 12, 30) + timedelta(days=int(value))
    return parse_day(_text(value))


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = fold(_text(value)).rstrip(".")
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"«{_text(value)}» không phải có/không (x, có, 1, true, yes hoặc để trống)")


_INT_MAX = 999_999_999  # far beyond any STT or order, far within MongoDB's 8-byte integers


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("phải là số nguyên")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = _text(value).rstrip(".")
        if re.fullmatch(r"\d{1,30}", text):
            number = int(text)
        elif re.fullmatch(r"\d+", text):
            raise ValueError(f"số có {len(text)} chữ số, quá lớn (tối đa {_n(_INT_MAX)})")
    if number is None:
        shown = _text(value)
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        raise ValueError(f"«{shown}» không phải số nguyên")
    if not 0 <= number <= _INT_MAX:
        raise ValueError(f"số {_n(number)} nằm ngoài khoảng 0 – {_n(_INT_MAX)}")
    return number


_LIMITS: ContextVar[ImportLimits | None] = ContextVar("import_limits", default=None)


def _limits() -> ImportLimits:
    return _LIMITS.get() or config.import_limits()


def _plausible(day: date) -> date:
    """The day when its year is plausible (CDDH_PLAUSIBLE_YEARS); ValueError otherwise."""
    limits = _limits()
    if not limits.first_year <= day.year <= limits.last_year:
        raise ValueError(
            f"ngày {format_vn(day)} không hợp lý: năm phải từ {limits.first_year} đến "
            f"{limits.last_year} (CDDH_PLAUSIBLE_YEARS)"
        )
    return day


def _split(value: Any) -> list[str]:
    """Items of a list cell: a JSON list, or text separated by ';' or new lines."""
    if isinstance(value, list):
        items = [_text(v) for v in value if not _blank(v)]
    else:
        items = [nfc(part) for part in re.split(r"[;\n\r]", str(value))]
    return [item for item in items if item]


def _convert(column: Column, raw: Any, source: Source) -> Any:
    """A cell's value for its column; raises ValueError with a Vietnamese reason."""
    kind = column.conv
    if kind == "bool":
        return False if _blank(raw) else _bool(raw)
    if kind == "list":
        return [] if _blank(raw) else _split(raw)
    if kind == "extensions":
        return [] if _blank(raw) else _extensions(raw)
    if _blank(raw):
        return None
    if kind == "day":
        return _plausible(_day(raw, source))
    if kind == "deadline":
        if isinstance(raw, str) and fold(raw).rstrip(".") in _NO_DEADLINE:
            return None
        return _plausible(_day(raw, source))
    if kind == "int":
        return _int(raw)
    if kind == "lines" and isinstance(raw, list):
        return "\n".join(_split(raw))
    if isinstance(raw, list | dict):
        raise ValueError("phải là một giá trị, không phải danh sách")
    if kind == "lines" and isinstance(raw, str):  # line breaks kept: they separate items
        return "\n".join(line for line in (nfc(x) for x in raw.splitlines()) if line)
    return _text(raw)


# --- extensions text --------------------------------------------------------------------------

_EXT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("nguoi duyet", "approver"),
    ("ngay duyet", "approved_date"),
    ("duyet", "approved_date"),
    ("ly do", "reason"),
)


def _top_level_split(text: str, separators: str) -> list[str]:
    """Split at separators that are not inside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _keyword(token: str) -> tuple[str, str] | None:
    """(field, value) when a token starts with an extension keyword ('duyệt 20/06/2025')."""
    folded = fold(token)
    if len(folded) != len(token):  # not aligned character by character: no slicing
        return None
    for word, name in _EXT_KEYWORDS:
        if folded == word or folded.startswith((word + " ", word + ":")):
            return name, token[len(word) :].lstrip(" :")
    return None


def parse_extensions(text: str) -> list[dict[str, Any]]:
    """Extensions from their text form (see docs/import-formats.md), oldest first.

    `30/06/2025 (duyệt 20/06/2025, người duyệt Trần Văn B, lý do chờ ý kiến Bộ); 31/08/2025
    (duyệt 25/06/2025)`. Entries are separated by ';' or new lines; 'lý do' comes last and may
    contain commas. Raises ValueError with a Vietnamese reason.
    """
    out: list[dict[str, Any]] = []
    for entry in _top_level_split(text, ";\n\r"):
        entry = nfc(entry)
        if not entry:
            continue
        m = re.fullmatch(r"([^()\s]+)\s*(?:\((.*)\))?", entry, flags=re.DOTALL)
        if m is None:
            raise ValueError(
                f"«{entry}» không đúng dạng «dd/mm/yyyy (duyệt dd/mm/yyyy, người duyệt …, lý do …)»"
            )
        item: dict[str, Any] = {"new_deadline": parse_day(m.group(1))}
        inner = nfc(m.group(2) or "")
        current: str | None = None
        for token in (nfc(t) for t in inner.split(",")) if inner else ():
            found = _keyword(token) if current != "reason" else None
            if found is not None:
                current, value = found
                if current in item and current != "new_deadline":
                    raise ValueError(f"«{entry}»: «{token}» ghi hai lần")
                item[current] = value
            elif current is None:
                raise ValueError(
                    f"«{entry}»: trong ngoặc phải bắt đầu bằng «duyệt», «người duyệt» hoặc «lý do»"
                )
            else:
                item[current] = f"{item[current]}, {token}"
        if "approved_date" not in item:
            raise ValueError(
                f"«{entry}»: thiếu ngày duyệt gia hạn, viết «{m.group(1)} (duyệt dd/mm/yyyy)»"
            )
        item["approved_date"] = parse_day(item["approved_date"])
        out.append(item)
    return out


def format_extensions(extensions: Iterable[Mapping[str, Any]]) -> str:
    """The text form `parse_extensions` reads (for exports that round-trip)."""

    def day(value: Any) -> str:
        return format_vn(_day(value, "jsonl"))

    entries = []
    for ext in extensions:
        inner = [f"duyệt {day(ext['approved_date'])}"]
        if ext.get("approver"):
            inner.append(f"người duyệt {ext['approver']}")
        if ext.get("reason"):
            inner.append(f"lý do {ext['reason']}")
        entries.append(f"{day(ext['new_deadline'])} ({', '.join(inner)})")
    return "; ".join(entries)


def _extensions(raw: Any) -> list[Any]:
    if isinstance(raw, list):
        out: list[Any] = []
        for item in raw:
            if isinstance(item, str):
                out.extend(parse_extensions(item))
            else:
                out.append(item)
    elif isinstance(raw, dict):
        out = [raw]
    else:
        out = parse_extensions(str(raw))
    for item in out:
        if not isinstance(item, dict):
            raise ValueError("mỗi lần gia hạn phải là một đối tượng hoặc dạng chữ «dd/mm/yyyy (…)»")
        for name in ("new_deadline", "approved_date"):
            if not _blank(item.get(name)):
                item[name] = _plausible(_day(item[name], "jsonl"))
    return out


# --- references -------------------------------------------------------------------------------


class _Resolver:
    """Codes of units or leaders from a code or a name (case and diacritics ignored)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.codes: set[str] = set()
        self._by_code: dict[str, set[str]] = {}
        self._by_name: dict[str, set[str]] = {}

    def add(self, code: str, *names: str | None) -> None:
        self.codes.add(code)
        self._by_code.setdefault(fold(code), set()).add(code)
        for name in names:
            if name:
                self._by_name.setdefault(fold(name), set()).add(code)

    def resolve(self, value: str) -> str:
        if value in self.codes:
            return value
        key = fold(value)
        for table in (self._by_code, self._by_name):
            found = table.get(key, set())
            if len(found) == 1:
                return next(iter(found))
            if len(found) > 1:
                raise ValueError(
                    f"«{value}» khớp nhiều {self.what} ({', '.join(sorted(found))}): ghi mã"
                )
        raise ValueError(f"không có {self.what} nào có mã hoặc tên «{value}»")

    def try_resolve(self, value: str) -> str | None:
        try:
            return self.resolve(value)
        except ValueError:
            return None


def _vocab_code(value: str, vocab: Mapping[str, str], what: str, extra: Mapping[str, str]) -> str:
    if value in vocab:
        return value
    key = fold(value)
    for code, label in vocab.items():
        if key in (fold(code), fold(label)):
            return code
    if key in extra:
        return extra[key]
    choices = ", ".join(f"{code} ({label})" for code, label in vocab.items())
    raise ValueError(f"«{value}» không phải {what} hợp lệ; dùng một trong: {choices}")


_TITLE_ALIASES = {
    fold("Chủ tịch"): "chairman",
    fold("Phó Chủ tịch"): "vice_chairman",
    "pct": "vice_chairman",
    fold("Chánh Văn phòng UBND tỉnh"): "office_chief",
    fold("Phó Chánh Văn phòng UBND tỉnh"): "office_deputy",
    fold("Giám đốc"): "unit_head",
    fold("Thủ trưởng"): "unit_head",
    fold("Phó Giám đốc"): "unit_deputy",
}


def _sector(value: str) -> str:
    return _vocab_code(value, SECTORS, "lĩnh vực", {})


# --- document numbers -------------------------------------------------------------------------


def normalize_number(text: str) -> str:
    """'Số: 123 / QÐ-UBND' -> '123/QĐ-UBND' (prefix dropped, Icelandic Ð fixed, spaces)."""
    value = nfc(text).replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    m = re.match(r"([^\W\d_]+)\s*:?\s*(?=\d)", value)
    if m and fold(m.group(1)) == "so":
        value = value[m.end() :]
    return re.sub(r"\s*([/-])\s*", r"\1", value)


def type_from_number(number: str) -> str | None:
    """The document type a number's symbol shows: '123/QĐ-UBND' -> 'QD', '5/UBND-KT' -> 'CV'."""
    if "/" not in number:
        return None
    symbol = normalize_number(number).rsplit("/", 1)[1]
    return document_type_from_label(symbol.split("-", 1)[0]) if symbol else None


# --- header mapping ---------------------------------------------------------------------------


def _map_columns(
    sheet: _Sheet,
    columns: Sequence[Column],
    issues: _Issues,
    warnings: list[str],
    *,
    others: Sequence[Column] = (),
    report_missing: bool = True,
) -> dict[str, int]:
    """Column index of each field; unknown, duplicated or missing columns become problems.

    `others` are columns that belong to other record kinds of the same sheet (not unknown).
    """
    found: dict[str, int] = {}
    other_keys = frozenset(k for c in others for k in c.keys)
    skip: set[int] = set()
    for index, header in enumerate(sheet.headers):
        where: int | None = sheet.header_line
        if sheet.source == "jsonl":  # the first line that uses the key
            where = sheet.first_line.get(index)
        if index in skip:
            continue
        if not header:  # data under it is reported while streaming (_stray_cells)
            continue
        key = header_key(header)
        column = next((c for c in columns if key in c.keys), None)
        joined = f"{header}, {sheet.headers[index + 1]}" if index + 1 < len(sheet.headers) else ""
        if column is None and sheet.source == "csv" and header_key(joined) in _ALL_KEYS:
            # 'Số, ký hiệu' written without quotes is split into two columns by the comma.
            issues.add(
                sheet,
                where,
                f"cột «{joined}»",
                "tiêu đề có dấu phẩy nên trong tệp CSV phải đặt trong ngoặc kép "
                f'("{joined}"), nếu không sẽ bị tách thành hai cột',
            )
            skip.add(index + 1)
            continue
        if column is None:
            if key in other_keys:
                continue
            if key in _IGNORED_KEYS:
                note = f"cột «{header}» không được nhập (bỏ qua)"
                if sheet.title:
                    note += f" (trang «{sheet.title}»)"
                warnings.append(note)
                continue
            issues.add(
                sheet,
                where,
                f"cột «{header}»",
                "không phải cột được nhập; sửa tiêu đề (xem docs/import-formats.md) hoặc xóa cột",
            )
            continue
        if column.field in found:
            first = sheet.headers[found[column.field]]
            issues.add(sheet, where, f"cột «{header}»", f"trùng với cột «{first}» ({column.vi})")
            continue
        found[column.field] = index
    if report_missing:
        for column in columns:
            if column.required and column.field not in found and sheet.source != "jsonl":
                issues.add(
                    sheet,
                    sheet.header_line,
                    f"cột «{column.vi}»",
                    f"thiếu cột bắt buộc (tiêu đề «{column.vi}» hoặc «{column.field}»)",
                )
    return found


def _row_values(sheet: _Sheet, row: _Row, colmap: Mapping[str, int]) -> dict[str, Any]:
    return {f: row.cells[i] for f, i in colmap.items() if i in row.cells}


def _convert_row(
    sheet: _Sheet,
    row: _Row,
    values: Mapping[str, Any],
    columns: Mapping[str, Column],
    issues: _Issues,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    max_chars = _limits().max_cell_chars
    for name, raw in values.items():
        column = columns[name]
        try:
            out[name] = _convert(
                column, _checked_cell(raw, max_chars, issues, row.line), sheet.source
            )
        except ValueError as exc:
            issues.add(sheet, row.line, column.label, str(exc))
    return out


def _checked_cell(raw: Any, max_chars: int, issues: _Issues, line: int) -> Any:
    """A raw cell after the file-level checks: formula never computed, length, characters."""
    if isinstance(raw, Formula):
        raise ValueError(
            f"ô {raw.coordinate} là công thức chưa có giá trị tính sẵn (tệp chưa được Excel "
            "tính và lưu): mở tệp trong Excel, lưu lại rồi nhập; hoặc ghi giá trị thay cho "
            "công thức"
        )
    size = (
        len(raw) if isinstance(raw, str) else len(str(raw)) if isinstance(raw, list | dict) else 0
    )
    if size > max_chars:
        raise ValueError(f"dài {_n(size)} ký tự, vượt giới hạn {_n(max_chars)} ký tự một ô")
    cleaned, removed = clean_value(raw)
    if removed:
        issues.stripped(line, removed)
    return cleaned


# --- tasks ------------------------------------------------------------------------------------


@dataclass
class _DocAcc:
    key: str
    number: str
    issue_date: date
    line: int
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)
    secret: bool = False
    # One entry per task row, in file order (the rows' data wait in the spill file).
    lines: array[int] = field(default_factory=lambda: array("q"))
    seqs: array[int] = field(default_factory=lambda: array("q"))  # -1: no STT given
    seq_given: bool = False


_CHUNK = 2000  # stored records looked up per query, tasks handed on per batch


def _unit_resolver(units: Iterable[Mapping[str, Any]]) -> _Resolver:
    resolver = _Resolver("đơn vị")
    for u in units:
        resolver.add(str(u["_id"]), u.get("name"), u.get("short_name"))
    return resolver


def _leader_resolver(leaders: Iterable[Mapping[str, Any]]) -> _Resolver:
    resolver = _Resolver("lãnh đạo")
    for x in leaders:
        resolver.add(str(x["_id"]), x.get("name"))
    return resolver


def _lead_unit(value: str, units: _Resolver) -> str:
    """Exactly one lead unit; a list of units is refused."""
    parts = [p for p in (nfc(x) for x in re.split(r"[;\n\r]", value)) if p]
    if len(parts) > 1:
        raise ValueError(
            f"chỉ được một đơn vị chủ trì, đang ghi {len(parts)} ({'; '.join(parts)}): "
            "đưa các đơn vị còn lại vào «Đơn vị phối hợp»"
        )
    code = units.try_resolve(value)
    if code is not None:
        return code
    pieces = [p for p in (nfc(x) for x in value.split(",")) if p]
    if len(pieces) > 1 and sum(units.try_resolve(p) is not None for p in pieces) >= 2:
        raise ValueError(
            f"chỉ được một đơn vị chủ trì, đang ghi {len(pieces)} ({'; '.join(pieces)}): "
            "đưa các đơn vị còn lại vào «Đơn vị phối hợp»"
        )
    return units.resolve(value)


def _unit_list(items: Sequence[str], units: _Resolver) -> tuple[list[str], list[str]]:
    """(codes, reasons) for a list of units; 'A, B' is split on commas when both resolve."""
    codes: list[str] = []
    reasons: list[str] = []
    for item in items:
        code = units.try_resolve(item)
        if code is None and "," in item:
            pieces = [p for p in (nfc(x) for x in item.split(",")) if p]
            found = [units.try_resolve(p) for p in pieces]
            if all(found):
                codes.extend(c for c in found if c is not None and c not in codes)
                continue
        if code is None:
            reasons.append(str(_error_of(units, item)))
        elif code not in codes:
            codes.append(code)
    return codes, reasons


def _error_of(resolver: _Resolver, value: str) -> str:
    try:
        resolver.resolve(value)
    except ValueError as exc:
        return str(exc)
    return ""


def _stored_task_input(stored: Mapping[str, Any]) -> dict[str, Any]:
    from core.repository import task_input

    return task_input(stored)


_SECRECY_LABEL = "độ mật"
_GRADES = {fold(g): g for g in ("Mật", "Tối mật", "Tuyệt mật")}


def _secrecy_reason(value: Any) -> str:
    grade = _GRADES.get(fold(_text(value))) if not isinstance(value, list | dict) else None
    shown = f" «{grade}»" if grade else ""
    return (
        f"văn bản của dòng này có độ mật{shown}: văn bản mật không được lưu trong hệ thống "
        "này, hãy bỏ mọi dòng của văn bản này khỏi tệp (nội dung không được nhắc lại ở đây)"
    )


def _parse_tasks(
    sheet: _Sheet,
    known: Known,
    issues: _Issues,
    warnings: list[str],
    sink: Callable[[Task], None],
) -> tuple[list[Document], dict[str, int]]:
    """Validate a tasks sheet in one streaming pass; each valid task goes to `sink` (only
    when the whole file is valid is it worth writing). Rows wait in a spill file."""
    columns = {c.field: c for c in TASK_COLUMNS}
    colmap = _map_columns(sheet, TASK_COLUMNS, issues, warnings)
    missing = [c for c in TASK_COLUMNS if c.required and c.field not in colmap]
    if missing and sheet.source != "jsonl":
        return [], {}
    units = _unit_resolver(known.units)
    leaders = _leader_resolver(known.leaders)
    docs: dict[str, _DocAcc] = {}
    current: _DocAcc | None = None
    saw_row = False
    secret_lines: set[int] = set()
    reported: set[int] = set()
    secrecy_index = colmap.get("secrecy")

    with tempfile.TemporaryFile(prefix="cddh-import-") as spill:
        for row in sheet.rows:
            _stray_cells(sheet, row, issues, reported)
            values = _row_values(sheet, row, colmap)
            if all(_blank(v) for v in values.values()):
                continue
            saw_row = True
            secret_raw = row.cells.get(secrecy_index) if secrecy_index is not None else None
            if not _blank(secret_raw):
                secret_lines.add(row.line)
                issues.add(sheet, row.line, _SECRECY_LABEL, _secrecy_reason(secret_raw))
            conv = _convert_row(sheet, row, values, columns, issues)
            doc_given = any(not _blank(values.get(f)) for f in _DOC_FIELDS)
            acc: _DocAcc | None
            if not doc_given:
                acc = current
                if acc is None:
                    issues.add(
                        sheet,
                        row.line,
                        columns["number"].label,
                        "dòng chưa thuộc văn bản nào: ghi số, ký hiệu và ngày ban hành",
                    )
            else:
                acc = _document_of_row(sheet, row, conv, columns, docs, issues)
                current = acc
            if acc is None:
                continue
            if row.line in secret_lines:
                acc.secret = True
            _merge_document_fields(sheet, row, conv, columns, acc, units, leaders, issues)
            data = _task_fields(sheet, row, conv, columns, units, issues)
            seq = data.pop("seq", None)
            acc.lines.append(row.line)
            acc.seqs.append(seq if isinstance(seq, int) else -1)
            acc.seq_given = acc.seq_given or isinstance(seq, int)
            pickle.dump((acc.key, len(acc.lines), row.line, data), spill, pickle.HIGHEST_PROTOCOL)

        if not saw_row and not issues:
            issues.add(sheet, None, "tệp", "không có dòng dữ liệu nào")
        for acc in docs.values():
            if acc.secret:
                secret_lines.update(acc.lines)
        documents, existing = _finish_tasks(
            sheet, docs, colmap, columns, known, issues, spill, sink
        )
    issues.redact(secret_lines, _SECRECY_LABEL)
    return documents, existing


def _spilled(spill: IO[bytes]) -> Iterator[tuple[str, int, int, dict[str, Any]]]:
    spill.seek(0)
    while True:
        try:
            yield pickle.load(spill)
        except EOFError:
            return


def _document_of_row(
    sheet: _Sheet,
    row: _Row,
    conv: Mapping[str, Any],
    columns: Mapping[str, Column],
    docs: dict[str, _DocAcc],
    issues: _Issues,
) -> _DocAcc | None:
    number = conv.get("number")
    issued = conv.get("issue_date")
    for name, value in (("number", number), ("issue_date", issued)):
        if value is None and not issues.has(sheet, row.line, columns[name].label):
            issues.add(sheet, row.line, columns[name].label, "bắt buộc nhưng đang để trống")
    if not isinstance(number, str) or not isinstance(issued, date):
        return None
    number = normalize_number(number)
    key = document_key(number, issued)
    if key not in docs:
        docs[key] = _DocAcc(key, number, issued, row.line)
    acc = docs[key]
    if acc.issue_date != issued:
        issues.add(
            sheet,
            row.line,
            columns["issue_date"].label,
            f"văn bản «{number}» ở dòng {acc.line} ban hành ngày {format_vn(acc.issue_date)}, "
            f"dòng này ghi {format_vn(issued)}: số văn bản không lặp lại trong một năm",
        )
        return None
    return acc


def _merge_document_fields(
    sheet: _Sheet,
    row: _Row,
    conv: Mapping[str, Any],
    columns: Mapping[str, Column],
    acc: _DocAcc,
    units: _Resolver,
    leaders: _Resolver,
    issues: _Issues,
) -> None:
    """Record this row's document fields; a value differing from another row is a problem."""
    for name in ("type", "abstract", "signer", "submitting_unit"):
        value = conv.get(name)
        if value is None:
            continue
        label = columns[name].label
        try:
            if name == "type":
                code = document_type_from_label(value)
                if code is None:
                    names = ", ".join(f"{n} ({a})" for n, a in DOCUMENT_TYPES.values())
                    raise ValueError(f"«{value}» không phải loại văn bản hợp lệ; dùng: {names}")
                value = code
            elif name == "signer":
                value = leaders.resolve(value)
            elif name == "submitting_unit":
                value = units.resolve(value)
        except ValueError as exc:
            issues.add(sheet, row.line, label, str(exc))
            continue
        if name in acc.values and acc.values[name][0] != value:
            old, line = acc.values[name]
            issues.add(
                sheet,
                row.line,
                label,
                f"khác với dòng {line} của cùng văn bản «{acc.number}» («{old}» ≠ «{value}»)",
            )
        elif name not in acc.values:
            acc.values[name] = (value, row.line)


def _task_fields(
    sheet: _Sheet,
    row: _Row,
    conv: Mapping[str, Any],
    columns: Mapping[str, Column],
    units: _Resolver,
    issues: _Issues,
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in conv.items():
        if name in _DOC_FIELDS:
            continue
        label = columns[name].label
        if name == "lead_unit" and value is not None:
            try:
                value = _lead_unit(value, units)
            except ValueError as exc:
                issues.add(sheet, row.line, label, str(exc))
        elif name == "tracking_room" and value is not None:
            try:
                value = units.resolve(value)
            except ValueError as exc:
                issues.add(sheet, row.line, label, str(exc))
        elif name == "coord_units":
            value, reasons = _unit_list(value, units)
            for reason in reasons:
                issues.add(sheet, row.line, label, reason)
        data[name] = value
    return data


def _finish_tasks(
    sheet: _Sheet,
    docs: Mapping[str, _DocAcc],
    colmap: Mapping[str, int],
    columns: Mapping[str, Column],
    known: Known,
    issues: _Issues,
    spill: IO[bytes],
    sink: Callable[[Task], None],
) -> tuple[list[Document], dict[str, int]]:
    """Numbering, duplicates, document types, stored values for absent columns, validation."""
    seq_label = columns["seq"].label
    for acc in docs.values():
        if not acc.seq_given:
            continue
        first_given = next(line for line, seq in zip(acc.lines, acc.seqs, strict=True) if seq >= 0)
        seen: dict[int, int] = {}
        for line, seq in zip(acc.lines, acc.seqs, strict=True):
            if seq < 0:
                if not issues.has(sheet, line, seq_label):
                    issues.add(
                        sheet,
                        line,
                        seq_label,
                        f"để trống trong khi dòng {first_given} của cùng văn bản có STT: "
                        "ghi STT cho mọi nhiệm vụ của văn bản, hoặc bỏ trống tất cả",
                    )
            elif seq in seen:
                issues.add(
                    sheet,
                    line,
                    seq_label,
                    f"trùng với dòng {seen[seq]}: văn bản «{acc.number}» đã có nhiệm vụ STT {seq}",
                )
            else:
                seen[seq] = line

    live = [acc for acc in docs.values() if not acc.secret]
    documents: list[Document] = []
    stored_doc_count = 0
    for start in range(0, len(live), _CHUNK):
        part = live[start : start + _CHUNK]
        stored_docs = known.stored_documents([acc.key for acc in part])
        stored_doc_count += len(stored_docs)
        for acc in part:
            document = _build_document(
                sheet, acc, colmap, columns, stored_docs.get(acc.key), issues
            )
            if document is not None:
                documents.append(document)

    stored_task_count = 0
    batch: list[tuple[_DocAcc, int, int, dict[str, Any]]] = []

    def flush() -> None:
        nonlocal stored_task_count
        keys = [f"{acc.key}#{seq}" for acc, seq, _, _ in batch]
        stored_tasks = known.stored_tasks(keys)
        stored_task_count += len(stored_tasks)
        for (acc, seq, line, row_data), key in zip(batch, keys, strict=True):
            stored = stored_tasks.get(key)
            data: dict[str, Any] = _stored_task_input(stored) if stored is not None else {}
            data.update(row_data)
            data["document"] = acc.key
            data["seq"] = seq
            if data.get("assigned_date") is None:
                data["assigned_date"] = acc.issue_date
            try:
                task = validate(Task, data, line=line)
            except ValidationFailed as exc:
                issues.model(sheet, exc, columns.values())
                continue
            if not issues:
                sink(task)
        batch.clear()

    for key, position, line, row_data in _spilled(spill):
        acc = docs[key]
        if acc.secret:
            continue
        seq = acc.seqs[position - 1] if acc.seq_given else position
        if seq < 0:
            continue
        batch.append((acc, seq, line, row_data))
        if len(batch) >= _CHUNK:
            flush()
    if batch:
        flush()
    existing = {"documents": stored_doc_count, "tasks": stored_task_count}
    return documents, existing


def _build_document(
    sheet: _Sheet,
    acc: _DocAcc,
    colmap: Mapping[str, int],
    columns: Mapping[str, Column],
    stored: Mapping[str, Any] | None,
    issues: _Issues,
) -> Document | None:
    label = columns["type"].label
    inferred = type_from_number(acc.number)
    given = acc.values.get("type")
    doc_type: str | None = given[0] if given else inferred
    if given and inferred and given[0] != inferred:
        issues.add(
            sheet,
            given[1],
            label,
            f"«{DOCUMENT_TYPES[given[0]][0]}» không khớp ký hiệu của số «{acc.number}» "
            f"(ký hiệu cho thấy {DOCUMENT_TYPES[inferred][0]})",
        )
    if doc_type is None and stored is not None and "type" not in colmap:
        doc_type = stored.get("type")
    if doc_type is None:
        if not issues.has(sheet, acc.line, label):
            issues.add(
                sheet,
                acc.line,
                label,
                f"để trống và không suy ra được từ số, ký hiệu «{acc.number}»",
            )
        return None
    data: dict[str, Any] = {
        "type": doc_type,
        "number": acc.number,
        "issue_date": acc.issue_date,
    }
    for name in ("abstract", "signer", "submitting_unit"):
        if name in acc.values:
            data[name] = acc.values[name][0]
        elif stored is not None and name not in colmap:
            data[name] = stored.get(name)
    try:
        return validate(Document, data, line=acc.line)
    except ValidationFailed as exc:
        issues.model(sheet, exc, columns.values())
        return None


# --- organisation -----------------------------------------------------------------------------


@dataclass
class _OrgRow:
    kind: str
    sheet: _Sheet
    line: int
    data: dict[str, Any]  # converted values of the columns present, by field


def _org_kind(value: Any) -> str | None:
    key = header_key(_text(value)) if not _blank(value) else ""
    for kind, names in ORG_KIND_NAMES.items():
        if key in {header_key(n) for n in names}:
            return kind
    return None


def _org_sheets(sheets: Sequence[_Sheet]) -> dict[int, str]:
    """Sheets of a workbook named for a record kind: {sheet index: kind}."""
    found: dict[int, str] = {}
    for sheet in sheets:
        kind = _org_kind(sheet.title) if sheet.title else None
        if kind is not None:
            found[sheet.index] = kind
    return found


def _has_record_column(sheet: _Sheet) -> bool:
    return any(header_key(h) in RECORD_COLUMN.keys for h in sheet.headers)


def _org_rows(sheets: Sequence[_Sheet], issues: _Issues, warnings: list[str]) -> list[_OrgRow]:
    """Rows of units, leaders and delegations, converted cell by cell (not yet resolved)."""
    named = _org_sheets(sheets)
    out: list[_OrgRow] = []
    if named:
        for sheet in sheets:
            if sheet.index not in named:
                warnings.append(f"trang «{sheet.title}» không phải trang tổ chức (bỏ qua)")
                continue
            kind = named[sheet.index]
            cols = ORG_COLUMNS[kind]
            colmap = _map_columns(sheet, cols, issues, warnings, others=(RECORD_COLUMN,))
            if any(c.required and c.field not in colmap for c in cols):
                continue
            by_field = {c.field: c for c in cols}
            for row in sheet.rows:
                values = _row_values(sheet, row, colmap)
                if all(_blank(v) for v in values.values()):
                    continue
                data = _convert_row(sheet, row, values, by_field, issues)
                out.append(_OrgRow(kind, sheet, row.line, data))
        return out

    sheet = sheets[0]
    if sheet.title is not None:
        sheet.title = None  # one sheet: lines alone are clear
    record_index = next(
        (i for i, h in enumerate(sheet.headers) if header_key(h) in RECORD_COLUMN.keys), None
    )
    if record_index is None and sheet.source != "jsonl":
        issues.add(
            sheet,
            sheet.header_line,
            f"cột «{RECORD_COLUMN.vi}»",
            "tệp tổ chức cần cột «record» (unit, leader, delegation) hoặc các trang "
            "«Đơn vị», «Lãnh đạo», «Ủy quyền»",
        )
        return out
    rows_by_kind: dict[str, list[_Row]] = {}
    for row in sheet.rows:
        if all(_blank(v) for v in row.cells.values()):
            continue
        raw = row.cells.get(record_index) if record_index is not None else None
        row_kind = _org_kind(raw)
        if row_kind is None:
            issues.add(
                sheet,
                row.line,
                "loại bản ghi",
                f"«{'' if _blank(raw) else _text(raw)}» không hợp lệ: ghi unit/đơn vị, "
                "leader/lãnh đạo hoặc delegation/ủy quyền",
            )
            continue
        rows_by_kind.setdefault(row_kind, []).append(row)
    all_org = [c for cols in ORG_COLUMNS.values() for c in cols]
    colmaps: dict[str, dict[str, int]] = {}
    for kind, cols in ORG_COLUMNS.items():
        others = [RECORD_COLUMN, *(c for c in all_org if c not in cols)]
        sink: list[str] = [] if colmaps else warnings  # warn about ignored columns once
        colmaps[kind] = _map_columns(
            sheet,
            cols,
            issues if kind in rows_by_kind else _Issues(),
            sink,
            others=others,
            report_missing=False,
        )
        if kind in rows_by_kind:
            for column in cols:
                if column.required and column.field not in colmaps[kind]:
                    if sheet.source != "jsonl":
                        issues.add(
                            sheet,
                            sheet.header_line,
                            f"cột «{column.vi}»",
                            f"thiếu cột bắt buộc cho bản ghi {ORG_KIND_LABELS[kind]}",
                        )
    # Cells of another kind's columns must be empty (a typo would otherwise lose data).
    for kind, rows in rows_by_kind.items():
        cols = ORG_COLUMNS[kind]
        by_field = {c.field: c for c in cols}
        used = set(colmaps[kind].values()) | ({record_index} if record_index is not None else set())
        for row in rows:
            for index, value in row.cells.items():
                if index in used or _blank(value) or not sheet.headers[index]:
                    continue
                if header_key(sheet.headers[index]) in _IGNORED_KEYS:
                    continue
                if any(header_key(sheet.headers[index]) in c.keys for c in all_org):
                    issues.add(
                        sheet,
                        row.line,
                        f"cột «{sheet.headers[index]}»",
                        f"không dùng cho bản ghi {ORG_KIND_LABELS[kind]}: để trống",
                    )
            values = _row_values(sheet, row, colmaps[kind])
            data = _convert_row(sheet, row, values, by_field, issues)
            out.append(_OrgRow(kind, sheet, row.line, data))
    return out


def _stored_unit_input(d: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": d["_id"],
        "name": d.get("name"),
        "short_name": d.get("short_name"),
        "kind": d.get("kind"),
        "parent": d.get("parent"),
        "valid_from": optional_day(d.get("valid_from")),
        "valid_to": optional_day(d.get("valid_to")),
        "successor": d.get("successor"),
        "sector": d.get("sector"),
        "order": d.get("order", 0),
    }


def _stored_leader_input(d: Mapping[str, Any]) -> dict[str, Any]:
    portfolio = d.get("portfolio") or {}
    return {
        "id": d["_id"],
        "name": d.get("name"),
        "title": d.get("title"),
        "unit": d.get("unit"),
        "portfolio": {
            "sectors": list(portfolio.get("sectors", [])),
            "units": list(portfolio.get("units", [])),
        },
        "term_from": optional_day(d.get("term_from")),
        "term_to": optional_day(d.get("term_to")),
        "ppc_member": bool(d.get("ppc_member", False)),
    }


def _stored_delegation_input(d: Mapping[str, Any]) -> dict[str, Any]:
    scope = d.get("scope") or {}
    return {
        "id": d["_id"],
        "from_leader": d.get("from_leader"),
        "to_leader": d.get("to_leader"),
        "scope": {k: list(scope.get(k, [])) for k in ("sectors", "units", "tasks")},
        "date_from": optional_day(d.get("date_from")),
        "date_to": optional_day(d.get("date_to")),
        "reason": d.get("reason"),
    }


def _duplicates(rows: Sequence[_OrgRow], key_field: str, issues: _Issues) -> list[_OrgRow]:
    """The first row of each key; later rows with the same key are problems."""
    first: dict[str, _OrgRow] = {}
    for r in rows:
        key = r.data.get(key_field)
        if not isinstance(key, str):
            continue
        if key in first:
            other = first[key]
            where = f"dòng {other.line}"
            if other.sheet is not r.sheet and other.sheet.title:
                where += f" trang «{other.sheet.title}»"
            column = next(c for c in ORG_COLUMNS[r.kind] if c.field == key_field)
            issues.add(r.sheet, r.line, column.label, f"«{key}» trùng với {where}")
        else:
            first[key] = r
    return list(first.values())


def _parse_org(
    sheets: Sequence[_Sheet], known: Known, issues: _Issues, warnings: list[str]
) -> tuple[list[Unit], list[Leader], list[Delegation], dict[str, int]]:
    rows = _org_rows(sheets, issues, warnings)
    if not rows and not issues:
        issues.add(sheets[0], None, "tệp", "không có dòng dữ liệu nào")
    units_rows = [r for r in rows if r.kind == "unit"]
    leader_rows = [r for r in rows if r.kind == "leader"]
    delegation_rows = [r for r in rows if r.kind == "delegation"]
    _duplicates(units_rows, "code", issues)
    _duplicates(leader_rows, "id", issues)
    _duplicates(delegation_rows, "id", issues)

    stored_units = {str(u["_id"]): u for u in known.units}
    stored_leaders = {str(x["_id"]): x for x in known.leaders}
    stored_delegations = {str(x["_id"]): x for x in known.delegations}

    # References resolve against the store and the file together (the file wins).
    unit_names: dict[str, tuple[str | None, ...]] = {
        code: (u.get("name"), u.get("short_name")) for code, u in stored_units.items()
    }
    for r in units_rows:
        code = r.data.get("code")
        if isinstance(code, str):
            unit_names[code] = (r.data.get("name"), r.data.get("short_name"))
    units = _Resolver("đơn vị")
    for code, names in unit_names.items():
        units.add(code, *names)
    leader_names: dict[str, str | None] = {c: x.get("name") for c, x in stored_leaders.items()}
    for r in leader_rows:
        ident = r.data.get("id")
        if isinstance(ident, str):
            leader_names[ident] = r.data.get("name")
    leaders = _Resolver("lãnh đạo")
    for ident, name in leader_names.items():
        leaders.add(ident, name)

    out_units = _build_units(units_rows, units, stored_units, issues)
    out_leaders = _build_leaders(leader_rows, units, stored_leaders, issues)
    out_delegations = _build_delegations(
        delegation_rows, units, leaders, stored_delegations, issues
    )
    _check_unit_cycles(out_units, units_rows, stored_units, issues)
    _check_delegation_rules(
        out_delegations, delegation_rows, out_leaders, stored_leaders, stored_delegations,
        known, issues,
    )  # fmt: skip
    existing = {
        "units": sum(1 for u in out_units if u.code in stored_units),
        "leaders": sum(1 for x in out_leaders if x.id in stored_leaders),
        "delegations": sum(1 for x in out_delegations if x.id in stored_delegations),
    }
    return out_units, out_leaders, out_delegations, existing


def _label(kind: str, name: str) -> str:
    column = next((c for c in ORG_COLUMNS[kind] if c.field == name), None)
    return column.label if column else FIELD_LABELS.get(name, name)


def _resolve_into(r: _OrgRow, name: str, resolver: _Resolver, issues: _Issues) -> None:
    value = r.data.get(name)
    if isinstance(value, str):
        try:
            r.data[name] = resolver.resolve(value)
        except ValueError as exc:
            issues.add(r.sheet, r.line, _label(r.kind, name), str(exc))


def _resolve_list(r: _OrgRow, name: str, resolver: _Resolver, issues: _Issues) -> None:
    value = r.data.get(name)
    if isinstance(value, list):
        codes, reasons = _unit_list(value, resolver)
        for reason in reasons:
            issues.add(r.sheet, r.line, _label(r.kind, name), reason)
        r.data[name] = codes


def _sectors_into(r: _OrgRow, name: str, issues: _Issues) -> None:
    value = r.data.get(name)
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None:
        return
    codes: list[str] = []
    for item in items:
        try:
            code = _sector(item)
        except ValueError as exc:
            issues.add(r.sheet, r.line, _label(r.kind, name), str(exc))
            continue
        if code not in codes:
            codes.append(code)
    r.data[name] = codes[0] if isinstance(value, str) and codes else codes


def _validated(model: type[Record], r: _OrgRow, data: dict[str, Any], issues: _Issues) -> Any:
    try:
        return validate(model, data, line=r.line)
    except ValidationFailed as exc:
        issues.model(r.sheet, exc, ORG_COLUMNS[r.kind])
        return None


def _build_units(
    rows: Sequence[_OrgRow],
    units: _Resolver,
    stored: Mapping[str, Mapping[str, Any]],
    issues: _Issues,
) -> list[Unit]:
    out: list[Unit] = []
    for r in rows:
        kind = r.data.get("kind")
        if isinstance(kind, str):
            try:
                r.data["kind"] = _vocab_code(kind, UNIT_KINDS, "loại đơn vị", {})
            except ValueError as exc:
                issues.add(r.sheet, r.line, _label("unit", "kind"), str(exc))
        _resolve_into(r, "parent", units, issues)
        _resolve_into(r, "successor", units, issues)
        _sectors_into(r, "sector", issues)
        code = str(r.data.get("code"))
        base = _stored_unit_input(stored[code]) if code in stored else {}
        data = {**base, **r.data}
        if data.get("order") is None:
            data["order"] = base.get("order", 0)
        if "valid_from" in data and data["valid_from"] is None:
            data.pop("valid_from")
        unit = _validated(Unit, r, data, issues)
        if unit is not None:
            out.append(unit)
    return out


def _build_leaders(
    rows: Sequence[_OrgRow],
    units: _Resolver,
    stored: Mapping[str, Mapping[str, Any]],
    issues: _Issues,
) -> list[Leader]:
    out: list[Leader] = []
    for r in rows:
        title = r.data.get("title")
        if isinstance(title, str):
            try:
                r.data["title"] = _vocab_code(title, LEADER_TITLES, "chức danh", _TITLE_ALIASES)
            except ValueError as exc:
                issues.add(r.sheet, r.line, _label("leader", "title"), str(exc))
        _resolve_into(r, "unit", units, issues)
        _resolve_list(r, "portfolio_units", units, issues)
        _sectors_into(r, "portfolio_sectors", issues)
        ident = str(r.data.get("id"))
        data = _stored_leader_input(stored[ident]) if ident in stored else {}
        portfolio = dict(data.get("portfolio") or {"sectors": [], "units": []})
        for name, value in r.data.items():
            if name.startswith("portfolio_"):
                portfolio[name.removeprefix("portfolio_")] = value
            else:
                data[name] = value
        data["portfolio"] = portfolio
        if "term_from" in data and data["term_from"] is None:
            data.pop("term_from")
        leader = _validated(Leader, r, data, issues)
        if leader is not None:
            out.append(leader)
    return out


def _build_delegations(
    rows: Sequence[_OrgRow],
    units: _Resolver,
    leaders: _Resolver,
    stored: Mapping[str, Mapping[str, Any]],
    issues: _Issues,
) -> list[Delegation]:
    out: list[Delegation] = []
    for r in rows:
        _resolve_into(r, "from_leader", leaders, issues)
        _resolve_into(r, "to_leader", leaders, issues)
        _resolve_list(r, "scope_units", units, issues)
        _sectors_into(r, "scope_sectors", issues)
        ident = str(r.data.get("id"))
        data = _stored_delegation_input(stored[ident]) if ident in stored else {}
        scope = dict(data.get("scope") or {"sectors": [], "units": [], "tasks": []})
        for name, value in r.data.items():
            if name.startswith("scope_"):
                scope[name.removeprefix("scope_")] = value
            else:
                data[name] = value
        data["scope"] = scope
        delegation = _validated(Delegation, r, data, issues)
        if delegation is not None:
            out.append(delegation)
    return out


def _check_unit_cycles(
    units: Sequence[Unit],
    rows: Sequence[_OrgRow],
    stored: Mapping[str, Mapping[str, Any]],
    issues: _Issues,
) -> None:
    """Parent and successor chains must not loop (store and file together)."""
    line_of = {r.data.get("code"): r for r in rows}
    for name, label in (("parent", "đơn vị cấp trên"), ("successor", "đơn vị kế thừa")):
        link: dict[str, str | None] = {c: u.get(name) for c, u in stored.items()}
        link.update({u.code: getattr(u, name) for u in units})
        for u in units:
            path = [u.code]
            nxt = link.get(u.code)
            while nxt is not None and nxt not in path and len(path) < 1000:
                path.append(nxt)
                nxt = link.get(nxt)
            if nxt == u.code:
                r = line_of[u.code]
                issues.add(
                    r.sheet, r.line, label, f"tạo thành vòng lặp ({' → '.join([*path, u.code])})"
                )


def _check_delegation_rules(
    delegations: Sequence[Delegation],
    rows: Sequence[_OrgRow],
    leaders: Sequence[Leader],
    stored_leaders: Mapping[str, Mapping[str, Any]],
    stored_delegations: Mapping[str, Mapping[str, Any]],
    known: Known,
    issues: _Issues,
) -> None:
    """The rules of Repository.delegation_problems, over the store and the file together."""
    line_of = {r.data.get("id"): r for r in rows}
    ppc_member = {c: bool(x.get("ppc_member")) for c, x in stored_leaders.items()}
    ppc_member.update({x.id: x.ppc_member for x in leaders})
    union: dict[str, dict[str, Any]] = {
        c: _stored_delegation_input(d) for c, d in stored_delegations.items()
    }
    union.update({d.id: d.model_dump() for d in delegations})
    task_ids = sorted({t for d in delegations for t in d.scope.tasks})
    stored_tasks = known.stored_tasks(task_ids)
    for d in delegations:
        r = line_of[d.id]
        missing = [t for t in d.scope.tasks if t not in stored_tasks]
        if missing:
            issues.add(
                r.sheet, r.line, "nhiệm vụ ủy quyền", f"không có nhiệm vụ «{', '.join(missing)}»"
            )
        personal = [t for t in d.scope.tasks if stored_tasks.get(t, {}).get("personal")]
        for problem in delegation_rule_problems(
            d, union.values(), ppc_member.get(d.from_leader, False), personal
        ):
            issues.add(r.sheet, r.line, problem.field, problem.reason)


# --- entry points -----------------------------------------------------------------------------


def detect_kind(sheets: Sequence[_Sheet]) -> Literal["tasks", "org"]:
    """org when a workbook has org sheets or the first sheet has a record column."""
    if _org_sheets(sheets) or (sheets and _has_record_column(sheets[0])):
        return "org"
    return "tasks"


def _parse(
    path: Path, kind: ImportKind | str, known: Known | None, sink: Callable[[Task], None]
) -> ParsedImport:
    """Read and validate a file in streaming passes; valid tasks go to `sink`."""
    if kind not in ("auto", "tasks", "org"):
        raise ValidationFailed(
            [Problem("loại dữ liệu nhập", f"«{kind}» không hợp lệ (auto, tasks hoặc org)")]
        )
    if not path.is_file():
        raise ValidationFailed([Problem("tệp", f"không tìm thấy «{path}»")])
    limits = config.import_limits()
    token = _LIMITS.set(limits)
    try:
        known = known or Known()
        issues = _Issues()
        warnings: list[str] = []
        sheets = _read(path, issues, limits)
        chosen: Literal["tasks", "org"] = "org" if kind == "org" else "tasks"
        if kind == "auto":
            chosen = detect_kind(sheets)
        parsed = ParsedImport(kind=chosen, warnings=warnings)
        if chosen == "tasks":
            sheet = sheets[0]
            sheet.title = None

            def count(task: Task) -> None:
                parsed.task_count += 1
                sink(task)

            parsed.documents, parsed.existing = _parse_tasks(sheet, known, issues, warnings, count)
        else:
            parsed.units, parsed.leaders, parsed.delegations, parsed.existing = _parse_org(
                sheets, known, issues, warnings
            )
        if issues:
            raise ValidationFailed(issues.problems())
        stripped = issues.stripped_warning()
        if stripped:
            warnings.append(stripped)
        return parsed
    finally:
        _LIMITS.reset(token)


def parse_file(
    path: Path | str, kind: ImportKind | str = "auto", *, known: Known | None = None
) -> ParsedImport:
    """Read and validate a whole file without writing anything.

    References (units, leaders, stored tasks) resolve against `known` plus the file itself;
    without `known`, against the file only. Raises ValidationFailed listing every problem.
    The validated tasks are returned in a list (for big files, `import_file` streams them).
    """
    tasks: list[Task] = []
    parsed = _parse(Path(path), kind, known, tasks.append)
    parsed.tasks = tasks
    return parsed


def _spilled_tasks(spill: IO[bytes]) -> Iterator[list[Task]]:
    """The validated tasks waiting in a spill file, in batches."""
    spill.seek(0)
    batch: list[Task] = []
    while True:
        try:
            batch.append(pickle.load(spill))
        except EOFError:
            break
        if len(batch) >= _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def import_file(
    repo: Repository,
    path: Path | str,
    kind: ImportKind | str = "auto",
    actor: str = "import",
) -> ImportReport:
    """Validate a whole file, then write it all or nothing; nothing is written on error.

    Up to CDDH_IMPORT_TRANSACTION_TASKS tasks are written in one transaction; a larger file
    is staged beside the store and published at once (Repository.import_staged), so any size
    fits the database's cache. Importing the same file again writes nothing (records are
    keyed, unchanged ones skipped).
    """
    path = Path(path)
    with tempfile.TemporaryFile(prefix="cddh-tasks-") as spill:

        def sink(task: Task) -> None:
            pickle.dump(task, spill, pickle.HIGHEST_PROTOCOL)

        parsed = _parse(path, kind, _RepoKnown(repo), sink)
        if parsed.task_count <= config.import_limits().transaction_tasks:
            tasks = [t for batch in _spilled_tasks(spill) for t in batch]
            written = repo.import_batch(
                units=parsed.units,
                leaders=parsed.leaders,
                delegations=parsed.delegations,
                documents=parsed.documents,
                tasks=tasks,
                actor=actor,
            )
        else:
            written = repo.import_staged(
                documents=parsed.documents, task_batches=_spilled_tasks(spill), actor=actor
            )
    tallies: dict[str, Tally] = {}
    for name, total in parsed.totals().items():
        new = total - parsed.existing.get(name, 0)
        changed = max(0, written.get(name, 0) - new)
        tallies[name] = Tally(total=total, new=new, changed=changed)
    return ImportReport(kind=parsed.kind, file=path.name, tallies=tallies, warnings=parsed.warnings)
