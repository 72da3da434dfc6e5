"""The shape of a status row and a task row: the read side's rows as typed dicts.

`TypedDict`s, so the rows stay the plain dicts the `cddh metrics --json` contract, the pages and
the briefings already read, while mypy checks every key written and read. The status category
names and the count and rate field names are `Literal`s: `row[name]` type-checks for every
`name` of `core.metrics.COUNT_FIELDS` or `RATE_FIELDS` (tuples of these literals).

A status row (`StatusRow`) is one group's counts per status category and its three rates, with
the group's `key` and `name`; `core.metrics.status_metrics` returns them in a `StatusResult`.
Later steps return copies with more keys: a rank (`RankedRow`), a period (`TrendRow`,
`PeriodTotal`), the open tasks and former units of the backlog (`BacklogUnitRow`). A task row
is one task of a list: `TaskRow` (the task list, `core.explorer`), `OverdueTaskRow` (the longest
overdue and due soon, `core.metrics.overdue`), `BacklogTaskRow` (with the unit answering for it
on D, `core.backlog`) and `TaskDetail` (one task's page).
"""

# No `from __future__ import annotations`: the annotations are evaluated, so that the classes
# know at run time which keys are not required (`__optional_keys__`; a test compares them with
# the rows the functions return).
from datetime import date
from typing import Any, Literal, NotRequired, TypedDict

# --- field names ----------------------------------------------------------------------------------

Category = Literal[
    "completed_on_time",
    "completed_late",
    "open_within_deadline",
    "open_overdue",
    "no_deadline_completed",
    "no_deadline_open",
]
"""A status category as of D (`core.vocab.STATUS_LABELS` names them, in this order)."""

CountField = Literal["assigned", Category]
"""A count of a status row: tasks assigned, then one per category."""

RateField = Literal["completion_rate_due", "on_time_rate_due", "overdue_share_assigned"]
"""A rate of a status row, named for its denominator (`core.metrics.RATE_DENOMINATORS`)."""


# --- status rows ----------------------------------------------------------------------------------


class Counts(TypedDict):
    """Tasks assigned and their count per status category (`COUNT_FIELDS`)."""

    assigned: int
    completed_on_time: int
    completed_late: int
    open_within_deadline: int
    open_overdue: int
    no_deadline_completed: int
    no_deadline_open: int


class Figures(Counts):
    """Counts with their three rates (`RATE_FIELDS`; None when the denominator is 0)."""

    completion_rate_due: float | None
    on_time_rate_due: float | None
    overdue_share_assigned: float | None


def empty_figures() -> Figures:
    """Counts of zero and no rates, in the order of `COUNT_FIELDS` then `RATE_FIELDS`."""
    return {
        "assigned": 0,
        "completed_on_time": 0,
        "completed_late": 0,
        "open_within_deadline": 0,
        "open_overdue": 0,
        "no_deadline_completed": 0,
        "no_deadline_open": 0,
        "completion_rate_due": None,
        "on_time_rate_due": None,
        "overdue_share_assigned": None,
    }


class StatusRow(Figures):
    """One group of `status_metrics` (a unit, a leader, …; `ALL` for a total) with its name."""

    key: str
    name: str


class StatusResult(TypedDict):
    """What `status_metrics` returns: the `cddh metrics --json` object."""

    as_of: str
    by: str
    filters: dict[str, Any]
    rows: list[StatusRow]
    total: StatusRow


class RankedRow(StatusRow):
    """A status row ranked by a rate (`rank_rows`): `rank` None and `ranked` False when kept
    apart; `volume` is the rate's denominator."""

    volume: int
    ranked: bool
    rank: int | None


class PeriodTotal(StatusRow):
    """The total of one period of `compare_periods`, with the period and its cut-off day."""

    period: dict[str, str]
    as_of: str


class Comparison(TypedDict):
    """`compare_periods`: a period, the previous one and the same one a year earlier."""

    population: str
    current: PeriodTotal
    previous: PeriodTotal
    last_year: PeriodTotal


class TrendRow(StatusRow):
    """One period of `trend` (a unit's row, or the total): the period's report key and label."""

    period: str
    label: str
    start: date
    end: date


class OpenUnitRow(StatusRow):
    """A unit holding open tasks (`core.backlog.unit_rows`): `open` = every open task."""

    open: int


class BacklogUnitRow(OpenUnitRow):
    """A unit of the backlog: tasks overdue more than 120 working days, and the ended units
    whose tasks it answers for on D."""

    over_120: int
    formers: list[str]


# --- task rows ------------------------------------------------------------------------------------


class TaskRow(TypedDict):
    """One task of the task list (`core.explorer.task_row`): days as `date`, status as of D."""

    id: str
    content: str | None
    lead_unit: str | None
    coord_units: list[str]
    document: str | None
    document_number: str | None
    document_abstract: str | None
    doc_type: str | None
    signer: str | None
    assigned_date: date | None
    deadline: date | None
    effective_deadline: date | None
    extensions: int
    completed_date: date | None
    priority: bool
    category: Category | None
    days_late: NotRequired[int | None]  # with a working calendar (`search_tasks`)


class OverdueTaskRow(TypedDict):
    """One open task against its deadline (`longest_overdue`, `due_soon`): working days
    overdue, or left (None for the other list)."""

    id: str
    content: str | None
    lead_unit: str | None
    coord_units: list[str]
    document: str | None
    document_number: str | None
    document_abstract: str | None
    assigned_date: date | None
    deadline: date | None
    effective_deadline: date | None
    extended: bool
    priority: bool
    category: Category | None
    days_overdue: int | None
    days_left: int | None


class BacklogTaskRow(OverdueTaskRow):
    """One of the backlog's longest overdue tasks, with the unit answering for it on D."""

    responsible_unit: str | None
    responsible_label: str
    responsible_short: str


class DueSoon(TypedDict):
    """`due_soon`: open tasks due within each window of working days, the first of them."""

    as_of: str
    windows: dict[str, int]
    window_ends: dict[str, str]
    tasks: list[OverdueTaskRow]


class Backlog(TypedDict):
    """`core.backlog.backlog`: the stock of open tasks as of D."""

    as_of: str
    open_overdue: int
    open_within_deadline: int
    no_deadline_open: int
    open: int
    priority_overdue: int
    over_long: int
    age_buckets: list[dict[str, Any]]
    due_soon: dict[str, int]
    due_soon_ends: dict[str, str]
    units: list[BacklogUnitRow]
    longest: list[BacklogTaskRow]


class ExtensionRow(TypedDict):
    """One deadline extension of a task's page: whether it is the one in force on D."""

    new_deadline: date
    approved_date: date
    approver: str | None
    reason: str | None
    in_force: bool


class ReturnRow(TypedDict):
    """A unit sending the task back (trả lại), on a task's page."""

    date: date | None
    unit: str
    reason: str


class ProgressRow(TypedDict):
    """A progress report on a task's page."""

    date: date | None
    note: str | None


class TaskDetail(TypedDict):
    """One task as the reader may see it (`core.explorer.task_detail`)."""

    id: str
    document: dict[str, Any] | None
    seq: int | None
    content: str | None
    lead_unit: str | None
    coord_units: list[str]
    tracking_room: str | None
    specialist: str | None
    assigned_date: date | None
    deadline: date | None
    effective_deadline: date | None
    extensions: list[ExtensionRow]
    completed_date: date | None
    result: str | None
    confirmed_date: date | None
    confirmed_by: str | None
    priority: bool
    personal: bool
    cancelled_date: date | None
    cancel_reason: str | None
    returns: list[ReturnRow]
    progress: list[ProgressRow]
    category: Category | None
    days_late: int | None
    not_yet_assigned: bool
    cancelled: bool
    events: list[dict[str, Any]]
    version: int | None
