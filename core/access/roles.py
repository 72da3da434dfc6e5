"""The role table (bảng vai trò): who sees what and may do what, as data.

Quyết định về Quy chế theo dõi nhiệm vụ, Điều 18: the Office (Văn phòng UBND tỉnh) manages the
system's accounts and safety; units see and update their own tasks. Each role names the part
of the province it sees (`sees`), whether it may read task contents (`content`), the pages
(`features`) and the actions it may take. `core.access.scopes` turns this into the scope every
read applies; `Actor.may` checks every action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# --- actions -----------------------------------------------------------------------------------

READ_FIGURES = "read_figures"  # aggregated figures (counts, rates, charts)
READ_TASKS = "read_tasks"  # task contents, lists, search, a task's page, documents
DOWNLOAD_BRIEFING = "download_briefing"  # archived briefings
DOWNLOAD_LETTER = "download_letter"  # urging letters (văn bản đôn đốc)
GENERATE_BRIEFING = "generate_briefing"  # draft and archive a briefing
DRAFT_LETTER = "draft_letter"  # draft and archive an urging letter (Office duty, Điều 15)
EXPORT = "export"  # task lists and tables as XLSX/CSV
IMPORT = "import"  # load files into the store
MANAGE_USERS = "manage_users"
READ_ACCESS_LOG = "read_access_log"
MANAGE_CALENDAR = "manage_calendar"
# Office workflow (Điều 7–9, 15.5 of the tracking regulation)
ENTER_TASKS = "enter_tasks"  # a directive document and its tasks
EDIT_TASK = "edit_task"
CANCEL_TASK = "cancel_task"
REASSIGN_TASK = "reassign_task"
DECIDE_EXTENSION = "decide_extension"
CONFIRM_COMPLETION = "confirm_completion"  # with the assessment, or send back
MARK_PRIORITY = "mark_priority"
HANDLE_FEEDBACK = "handle_feedback"
# A unit's duties (Điều 8, 16.4)
REPORT_PROGRESS = "report_progress"
REPORT_COMPLETION = "report_completion"
REQUEST_EXTENSION = "request_extension"
SEND_BACK_TASK = "send_back_task"  # a task that is not the unit's
GIVE_FEEDBACK = "give_feedback"

OFFICE_DUTIES = frozenset(
    {
        ENTER_TASKS,
        DRAFT_LETTER,
        EDIT_TASK,
        CANCEL_TASK,
        REASSIGN_TASK,
        DECIDE_EXTENSION,
        CONFIRM_COMPLETION,
        MARK_PRIORITY,
        HANDLE_FEEDBACK,
    }
)
UNIT_DUTIES = frozenset(
    {REPORT_PROGRESS, REPORT_COMPLETION, REQUEST_EXTENSION, SEND_BACK_TASK, GIVE_FEEDBACK}
)
READ = frozenset({READ_FIGURES, READ_TASKS})

# --- features (pages) ----------------------------------------------------------------------------

OVERVIEW = "overview"
UNITS = "units"
TASKS = "tasks"
DOCUMENTS = "documents"
LEADERS = "leaders"
DISCIPLINE = "discipline"
BRIEFINGS = "briefings"
USERS = "users"
ACCESS_LOG = "access_log"
ACCOUNT = "account"  # one's own account: change password, log out
# The workflow (Quy chế theo dõi …, Điều 7–9, 15.5, 16.4)
OFFICE_WORK = "office_work"  # the Office's queue: requests, confirmations, feedback duties
ENTRY = "entry"  # entering a directive document and its tasks
IMPORT_FILES = "import_files"  # the importer in the dashboard (dry run, then commit)
UNIT_WORK = "unit_work"  # a unit's queue: its open tasks, reports, requests, feedback
FEATURES: tuple[str, ...] = (
    OVERVIEW,
    UNITS,
    TASKS,
    DOCUMENTS,
    LEADERS,
    DISCIPLINE,
    BRIEFINGS,
    USERS,
    ACCESS_LOG,
    ACCOUNT,
    OFFICE_WORK,
    ENTRY,
    IMPORT_FILES,
    UNIT_WORK,
)

Sees = Literal["province", "unit"]


@dataclass(frozen=True)
class Role:
    """One row of the role table."""

    name: str
    label: str  # Vietnamese, as users read it
    sees: Sees  # "province": every task; "unit": tasks the user's unit leads or coordinates
    content: bool  # False: aggregated figures only (no task content, lists or names)
    features: frozenset[str]
    actions: frozenset[str] = field(default_factory=frozenset)
    needs_unit: bool = False  # a unit officer belongs to a unit
    needs_leader: bool = False  # a leader's account names his record in `leaders`


_LEADER_PAGES = frozenset({OVERVIEW, UNITS, TASKS, DOCUMENTS, LEADERS, DISCIPLINE, BRIEFINGS})
_OFFICE_PAGES = _LEADER_PAGES | {ACCOUNT, OFFICE_WORK, ENTRY}

# The Office's leadership (Chánh and Phó Chánh Văn phòng): the same pages and rights.
_OFFICE_LEAD_PAGES = _OFFICE_PAGES | {USERS, ACCESS_LOG, IMPORT_FILES}
_OFFICE_LEAD_ACTIONS = (
    READ
    | OFFICE_DUTIES
    | {
        DOWNLOAD_BRIEFING,
        DOWNLOAD_LETTER,
        GENERATE_BRIEFING,
        EXPORT,
        IMPORT,
        MANAGE_USERS,
        READ_ACCESS_LOG,
        MANAGE_CALENDAR,
    }
)

ROLES: dict[str, Role] = {
    r.name: r
    for r in (
        Role(
            "chairman",
            "Chủ tịch UBND tỉnh",
            "province",
            True,
            _LEADER_PAGES | {ACCOUNT},
            READ | {DOWNLOAD_BRIEFING, DOWNLOAD_LETTER, EXPORT},
            needs_leader=True,
        ),
        Role(
            "vice_chairman",
            "Phó Chủ tịch UBND tỉnh",
            "province",
            True,
            _LEADER_PAGES | {ACCOUNT},
            READ | {DOWNLOAD_BRIEFING, DOWNLOAD_LETTER, EXPORT},
            needs_leader=True,
        ),
        Role(
            "office_chief",
            "Chánh Văn phòng UBND tỉnh",
            "province",
            True,
            _OFFICE_LEAD_PAGES,
            _OFFICE_LEAD_ACTIONS,
        ),
        Role(
            "office_deputy",
            "Phó Chánh Văn phòng UBND tỉnh",
            "province",
            True,
            _OFFICE_LEAD_PAGES,
            _OFFICE_LEAD_ACTIONS,
        ),
        Role(
            "office_specialist",
            "Chuyên viên theo dõi (Văn phòng UBND tỉnh)",
            "province",
            True,
            _OFFICE_PAGES,
            READ | OFFICE_DUTIES | {DOWNLOAD_BRIEFING, DOWNLOAD_LETTER, EXPORT},
        ),
        Role(
            "unit_officer",
            "Cán bộ đầu mối của đơn vị",
            "unit",
            True,
            frozenset({OVERVIEW, UNITS, TASKS, DOCUMENTS, ACCOUNT, UNIT_WORK}),
            READ | UNIT_DUTIES | {EXPORT},
            needs_unit=True,
        ),
        Role(
            "viewer",
            "Người xem số liệu tổng hợp",
            "province",
            False,
            frozenset({OVERVIEW, UNITS, ACCOUNT}),
            frozenset({READ_FIGURES}),
        ),
    )
}


def role(name: str) -> Role:
    """The role of this name; KeyError for an unknown one."""
    return ROLES[name]


@dataclass(frozen=True)
class Actor:
    """The acting user: who reads and writes (người dùng đang thao tác)."""

    username: str
    role: str
    display_name: str = ""
    unit: str | None = None  # unit officers
    leader_id: str | None = None  # chairman, vice-chairmen
    email: str | None = None
    tracking_rooms: tuple[str, ...] = ()  # office specialists: the rooms they track
    tracked_units: tuple[str, ...] = ()  # office specialists: the units they track

    @property
    def rule(self) -> Role:
        """This actor's row of the role table."""
        return ROLES[self.role]

    def may(self, action: str) -> bool:
        """Whether the role table lets this actor take `action`."""
        return action in self.rule.actions

    def sees_feature(self, feature: str) -> bool:
        """Whether this actor's navigation holds the page of `feature`."""
        return feature in self.rule.features

    @property
    def name(self) -> str:
        """What a document or a log shows for this actor."""
        return self.display_name or self.username


# What a refusal names (Vietnamese): «… không có quyền <label>».
ACTION_LABELS: dict[str, str] = {
    READ_FIGURES: "xem số liệu",
    READ_TASKS: "xem nội dung nhiệm vụ",
    DOWNLOAD_BRIEFING: "tải báo cáo",
    DOWNLOAD_LETTER: "tải văn bản đôn đốc",
    GENERATE_BRIEFING: "lập và lưu báo cáo",
    DRAFT_LETTER: "lập công văn đôn đốc",
    EXPORT: "xuất dữ liệu",
    IMPORT: "nhập dữ liệu",
    MANAGE_USERS: "quản lý tài khoản",
    READ_ACCESS_LOG: "xem nhật ký truy cập",
    MANAGE_CALENDAR: "sửa lịch ngày làm việc",
    ENTER_TASKS: "nhập văn bản và nhiệm vụ",
    EDIT_TASK: "sửa nhiệm vụ",
    CANCEL_TASK: "hủy nhiệm vụ",
    REASSIGN_TASK: "giao lại nhiệm vụ cho đơn vị khác",
    DECIDE_EXTENSION: "duyệt gia hạn",
    CONFIRM_COMPLETION: "xác nhận hoàn thành",
    MARK_PRIORITY: "đánh dấu ưu tiên",
    HANDLE_FEEDBACK: "xử lý phản ánh",
    REPORT_PROGRESS: "báo cáo tiến độ",
    REPORT_COMPLETION: "báo cáo hoàn thành",
    REQUEST_EXTENSION: "đề nghị gia hạn",
    SEND_BACK_TASK: "trả lại nhiệm vụ",
    GIVE_FEEDBACK: "gửi phản ánh",
}


def refusal(actor: Actor | None, action: str) -> str:
    """The Vietnamese refusal of `action` to `actor`."""
    what = ACTION_LABELS.get(action, action)
    if actor is None:
        return f"Không có quyền {what}."
    return f"Tài khoản «{actor.username}» ({actor.rule.label}) không có quyền {what}."
