"""The importable columns of each record kind: keys, Vietnamese headers, cell kinds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.imports.readers import blank, header_key
from core.model import FIELD_LABELS


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
    Column("report_number", "Số văn bản báo cáo", aliases=("Số báo cáo",)),
    Column("quality", "Chất lượng", aliases=("Đánh giá chất lượng",)),
    Column("effect", "Hiệu quả", aliases=("Đánh giá hiệu quả",)),
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
IGNORED_KEYS = frozenset(header_key(h) for h in IGNORED_COLUMNS)


DOC_FIELDS = ("type", "number", "issue_date", "abstract", "signer", "submitting_unit", "secrecy")


ALL_KEYS = frozenset(
    k
    for cols in (TASK_COLUMNS, UNIT_COLUMNS, LEADER_COLUMNS, DELEGATION_COLUMNS, (RECORD_COLUMN,))
    for c in cols
    for k in c.keys
)


def header_score(cells: Sequence[Any]) -> int:
    return sum(1 for c in cells if not blank(c) and header_key(c) in ALL_KEYS)
