"""The urging letter (công văn đôn đốc) to one unit about its overdue tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from core import metrics as m
from core.accountability import Accountability
from core.briefing.blocks import _header_context, _task_cells
from core.briefing.documents import Briefing, _metadata
from core.briefing.rendering import URGE_TEMPLATE, render_docx
from core.briefing.request import BriefingScope, DocSettings, with_formers
from core.briefing.signer import Signer, resolve_signer
from core.briefing.wording import _count, _nfc, recipients_for
from core.dates import format_vn
from core.repository import Repository
from core.rows import OverdueTaskRow
from core.services import work_calendar
from core.text import fold


@dataclass
class UrgeData:
    """What an urging letter shows."""

    unit: dict[str, Any]  # the unit answering on D (the successor of an ended unit)
    formers: dict[str, int]  # ended units whose overdue tasks it inherited: code -> count
    accountability: Accountability
    as_of: date
    report_date: date
    signer: Signer
    settings: DocSettings
    number: str
    tasks: list[OverdueTaskRow]
    total: int
    reply_by: date
    # Units told of the letter (Quy chế theo dõi …, Điều 15.5: the commune whose feedback led
    # to it receives it "để biết").
    also_inform: tuple[str, ...] = ()


def gather_urge(
    repo: Repository,
    unit_code: str,
    as_of: date,
    signer_id: str | None = None,
    report_date: date | None = None,
    number: str = "",
    settings: DocSettings | None = None,
    also_inform: tuple[str, ...] = (),
) -> UrgeData:
    """The unit answering on D, its open overdue tasks as of D (longest first; with those of
    the ended units it took over) and who signs.

    A unit that had ceased to exist by D is not written to: its successor (following chains)
    answers for its tasks.
    """
    settings = settings or DocSettings.from_config()
    if repo.unit(unit_code) is None:
        raise ValueError(f"--unit: không có đơn vị mã «{unit_code}»")
    all_units = repo.units()
    acc = Accountability.of(all_units, as_of)
    responsible = str(acc.unit(unit_code))
    unit = repo.unit(responsible) or {"_id": responsible, "name": responsible}
    cal = work_calendar(repo)
    day = report_date or as_of
    lead_units = with_formers(frozenset({responsible}), acc)
    q = m.MetricsQuery(as_of=as_of, lead_units=lead_units)
    age = m.overdue_age(repo, q, cal)
    tasks = m.longest_overdue(repo, q, cal, limit=settings.urge_limit)
    formers = {
        str(code): sum(b.values())
        for code, b in age["by_unit"].items()
        if str(code) != responsible and sum(b.values())
    }
    units = {str(u["_id"]): u for u in all_units}
    signer = resolve_signer(repo.leaders(), repo.delegations(as_of=day), day, signer_id, units)
    return UrgeData(
        unit=dict(unit),
        formers=formers,
        accountability=acc,
        as_of=as_of,
        report_date=day,
        signer=signer,
        settings=settings,
        number=number,
        tasks=tasks,
        total=sum(b["count"] for b in age["buckets"]),
        # Art. 15: the Office asks for results or reasons; 5 working days leaves time to report.
        reply_by=cal.add_working_days(day, 5),
        also_inform=tuple(
            str((repo.unit(u) or {"name": u})["name"]) for u in also_inform if u != responsible
        ),
    )


def urge_context(data: UrgeData) -> dict[str, Any]:
    """Every template variable of `cong_van_don_doc.docx` (pure)."""
    settings = data.settings
    name = str(data.unit["name"])
    acc = data.accountability
    ctx = _header_context(
        settings, data.number, f"{settings.office_abbr}-TH", data.report_date, data.signer
    )
    shown = len(data.tasks)
    ctx.update(
        {
            "subject": "V/v đôn đốc thực hiện nhiệm vụ quá hạn",
            "recipient": name,
            "opening": (
                "Theo dõi trên Hệ thống thông tin chỉ đạo, điều hành, tính đến ngày "
                f"{format_vn(data.as_of)}, {name} còn {_count(data.total)} nhiệm vụ do UBND tỉnh, "
                "Chủ tịch UBND tỉnh giao chưa hoàn thành, đã quá thời hạn"
                + (
                    ", trong đó có "
                    + " và ".join(
                        f"{_count(n)} nhiệm vụ trước đây giao cho {acc.names.get(code, code)}"
                        for code, n in sorted(data.formers.items())
                    )
                    + f" (nay do {name} chịu trách nhiệm)"
                    if data.formers
                    else ""
                )
                + (
                    ", như sau:"
                    if data.total and data.formers
                    else " như sau:"
                    if data.total
                    else "."
                )
            ),
            "overdue_caption": "Danh sách nhiệm vụ chưa hoàn thành, quá hạn",
            "tasks": [
                _task_cells(i, t, partial(acc.label, short=True), _count(t.get("days_overdue")))
                for i, t in enumerate(data.tasks, start=1)
            ],
            "overdue_note": "(*) Số ngày làm việc tính từ sau thời hạn đến ngày "
            f"{format_vn(data.as_of)}."
            + (f" Danh sách nêu {shown} nhiệm vụ quá hạn lâu nhất." if shown < data.total else ""),
            "requests": [
                f"Thực hiện {settings.regulation}, Văn phòng UBND tỉnh đề nghị {name} khẩn trương "
                "chỉ đạo triển khai, hoàn thành dứt điểm các nhiệm vụ nêu trên và cập nhật kết "
                "quả thực hiện trên Hệ thống thông tin chỉ đạo, điều hành theo quy định.",
                "Trường hợp chưa thể hoàn thành, đề nghị báo cáo rõ nguyên nhân, khó khăn, vướng "
                "mắc và đề xuất giải pháp, thời hạn hoàn thành, gửi Văn phòng UBND tỉnh trước "
                f"ngày {format_vn(data.reply_by)} để tổng hợp, báo cáo Chủ tịch UBND tỉnh, Phó "
                "Chủ tịch UBND tỉnh phụ trách.",
            ],
            "closing": f"Văn phòng UBND tỉnh thông báo để {name} biết, thực hiện./.",
            "recipients": _with_informed(
                recipients_for(settings.urge_recipients, data.signer), data.also_inform
            ),
        }
    )
    return {key: _nfc(value) for key, value in ctx.items()}


def _with_informed(items: list[str], names: tuple[str, ...]) -> list[str]:
    """The recipients with the informed units added before the archive line («Lưu: …»)."""
    if not names:
        return items
    added = [f"{name} (để biết);" for name in names]
    last = len(items)
    if items and fold(items[-1]).startswith("luu"):
        last -= 1
    return [*items[:last], *added, *items[last:]]


def build_urge(
    repo: Repository,
    unit_code: str,
    as_of: date,
    signer_id: str | None = None,
    report_date: date | None = None,
    number: str = "",
    generated_by: str = "",
    also_inform: tuple[str, ...] = (),
) -> Briefing:
    """The urging letter to one unit as a .docx (`also_inform`: units that receive it to
    know, e.g. the commune whose feedback led to it)."""
    data = gather_urge(
        repo, unit_code, as_of, signer_id, report_date, number, also_inform=also_inform
    )
    if data.total == 0:
        raise ValueError(
            f"--unit: {data.unit['name']} không có nhiệm vụ chưa hoàn thành, quá hạn tại ngày "
            f"{format_vn(as_of)}; không lập công văn đôn đốc"
        )
    content = render_docx(URGE_TEMPLATE, urge_context(data))
    code = str(data.unit["_id"])
    slug = "".join(ch if ch.isalnum() else "-" for ch in fold(code)).strip("-")
    scope = BriefingScope("unit", code, str(data.unit["name"]), frozenset({code}))
    meta = _metadata(
        "urge", content, None, scope, data.signer, data.as_of, data.report_date, generated_by
    )
    meta["overdue"] = data.total
    return Briefing(content, f"don-doc-{slug}-{as_of.isoformat()}.docx", meta)
