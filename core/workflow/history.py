"""A task's history in words (diễn biến): what each event changed, who did it, when and why —
deadline moves included (the original deadline, every extension, every correction)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from core.dates import format_vn, from_bson_day
from core.vocab import QUALITY_LEVELS

EVENT_LABELS: dict[str, str] = {
    "created": "Nhập nhiệm vụ",
    "updated": "Sửa nhiệm vụ",
    "deadline_corrected": "Sửa thời hạn (nhập sai)",
    "extended": "Gia hạn",
    "extension_requested": "Đề nghị gia hạn",
    "extension_refused": "Không đồng ý gia hạn",
    "progress": "Báo cáo tiến độ",
    "completed": "Hoàn thành",
    "completion_reported": "Báo cáo hoàn thành",
    "confirmed": "Xác nhận kết quả",
    "completion_sent_back": "Trả lại báo cáo hoàn thành",
    "returned": "Đơn vị trả lại nhiệm vụ",
    "return_refused": "Không chấp nhận trả lại",
    "reassigned": "Giao lại cho đơn vị khác",
    "priority": "Đánh dấu trọng tâm",
    "cancelled": "Hủy nhiệm vụ",
    "imported": "Nhập từ tệp",
    "feedback": "Phản ánh của đơn vị",
}

FIELD_LABELS: dict[str, str] = {
    "content": "nội dung",
    "lead_unit": "đơn vị chủ trì",
    "coord_units": "đơn vị phối hợp",
    "tracking_room": "phòng theo dõi",
    "specialist": "chuyên viên theo dõi",
    "assigned_date": "ngày giao",
    "deadline": "thời hạn",
    "extensions": "gia hạn",
    "completed_date": "ngày hoàn thành",
    "result": "kết quả",
    "confirmed_date": "ngày xác nhận",
    "priority": "trọng tâm",
    "personal": "giao đích danh",
    "cancelled_date": "ngày hủy",
    "progress": "tiến độ",
    "returns": "trả lại",
    "quality": "chất lượng",
    "effect": "hiệu quả",
    "report_number": "số văn bản báo cáo",
}


def _day(value: Any) -> str:
    return format_vn(from_bson_day(value)) if isinstance(value, datetime) else "—"


def _last(items: Any) -> Mapping[str, Any]:
    return (items or [{}])[-1] if isinstance(items, list) else {}


def describe(event: Mapping[str, Any], unit_name: Callable[[str | None], str]) -> str:
    """What one event did, in Vietnamese (the note — a reason — at the end)."""
    kind = event.get("kind")
    before = event.get("before") or {}
    after = event.get("after") or {}
    note = event.get("note")
    text = ""
    if kind == "reassigned":
        text = (
            f"{unit_name(before.get('lead_unit'))} → {unit_name(after.get('lead_unit'))}"
            if "lead_unit" in after
            else ""
        )
    elif kind == "deadline_corrected":
        text = f"thời hạn {_day(before.get('deadline'))} → {_day(after.get('deadline'))}"
    elif kind == "extended" and "extensions" in after:
        ext = _last(after.get("extensions"))
        text = f"thời hạn mới {_day(ext.get('new_deadline'))}, duyệt ngày " + _day(
            ext.get("approved_date")
        )
        if ext.get("approver"):
            text += f" ({ext['approver']})"
    elif kind == "extended":  # the shape of imported and demo histories: the deadline moved
        text = f"thời hạn {_day(before.get('deadline'))} → {_day(after.get('deadline'))}"
        note = after.get("reason") or note
    elif kind == "progress":
        rep = _last(after.get("progress")) if "progress" in after else after
        text = f"tình hình đến ngày {_day(rep.get('date'))}"
        if rep.get("note") and rep.get("note") != note:
            text += f": {rep['note']}"
    elif kind == "returned" and "lead_unit" in after:  # imported and demo histories
        text = f"{unit_name(before.get('lead_unit'))} → {unit_name(after.get('lead_unit'))}"
        note = after.get("reason") or note
    elif kind == "returned":
        ret = _last(after.get("returns"))
        text = f"{unit_name(ret.get('unit'))} trả lại ngày {_day(ret.get('date'))}"
        note = ret.get("reason") or note
    elif kind == "extension_requested":
        req = _last(after.get("extension_requests"))
        text = f"đề nghị gia hạn đến {_day(req.get('new_deadline'))}"
        if req.get("late"):
            text += " (đề nghị sau thời hạn)"
        note = req.get("reason") or note
    elif kind == "completion_reported":
        rep = _last(after.get("completion_reports"))
        text = (
            f"hoàn thành ngày {_day(rep.get('completed_date'))}, "
            f"văn bản số {rep.get('report_number', '')}: {rep.get('result', '')}"
        )
        note = None
    elif kind == "confirmed" and "quality" in after:
        level = QUALITY_LEVELS.get(str(after.get("quality")), "")
        text = f"hoàn thành ngày {_day(after.get('completed_date'))}; {level}"
        if after.get("effect"):
            text += f"; hiệu quả: {after['effect']}"
        note = None
    elif kind == "confirmed":
        text = f"Văn phòng xác nhận ngày {_day(after.get('confirmed_date'))}"
    elif kind == "completed":
        text = f"hoàn thành ngày {_day(after.get('completed_date'))}"
    elif kind == "cancelled":
        text = f"hủy từ ngày {_day(after.get('cancelled_date'))}"
        note = note or after.get("cancel_reason")
    elif kind == "priority":
        text = "là nhiệm vụ trọng tâm" if after.get("priority") else "bỏ đánh dấu trọng tâm"
    elif kind == "feedback":
        what = {"late": "không đúng thời hạn", "wrong": "không đúng yêu cầu"}
        text = (
            f"{unit_name(after.get('from_unit'))} phản ánh {what.get(str(after.get('kind')), '')}"
        )
        text += f"; Văn phòng xử lý trước ngày {_day(after.get('due_date'))}"
    elif kind in ("created", "imported") and not before:
        text = ""
    else:
        # Only fields with a Vietnamese name: an internal key never reaches the reader.
        names = [FIELD_LABELS[k] for k in after if k in FIELD_LABELS]
        text = ", ".join(dict.fromkeys(names))
    if note:
        text = f"{text} — {note}" if text else str(note)
    return text
