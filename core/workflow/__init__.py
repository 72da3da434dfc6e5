"""The Office's and the units' work on tasks (Quy chế theo dõi, đôn đốc, kiểm tra việc thực hiện
nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao, Điều 7–9, 15.5, 16.4), one module per job.

Every action takes the repository bound to the logged-in user (`Repository.acting_as`): the
role table decides whether he may act, an Office specialist acts within the rooms and units he
tracks, a unit acts on the tasks it leads. Every change is a task event written in the same
transaction, and a save from a stale copy is refused with the current values (`StaleCopy`).
"""

from core.workflow.completion import confirm_completion, report_completion, send_back_completion
from core.workflow.entry import DocumentForm, Entered, TaskForm, add_tasks, enter_document
from core.workflow.extensions import decide_extension, request_extension
from core.workflow.feedback import duty_discipline, give_feedback, handle_feedback, urging_letter
from core.workflow.office import cancel_task, edit_task, mark_priority, reassign_task
from core.workflow.progress import report_progress
from core.workflow.queues import office_counts, office_queue, unit_counts, unit_queue
from core.workflow.returns import refuse_return, send_back_task

__all__ = [
    "DocumentForm",
    "Entered",
    "TaskForm",
    "add_tasks",
    "cancel_task",
    "confirm_completion",
    "decide_extension",
    "duty_discipline",
    "edit_task",
    "enter_document",
    "give_feedback",
    "handle_feedback",
    "mark_priority",
    "office_counts",
    "office_queue",
    "reassign_task",
    "refuse_return",
    "report_completion",
    "report_progress",
    "request_extension",
    "send_back_completion",
    "send_back_task",
    "unit_counts",
    "unit_queue",
    "urging_letter",
]
