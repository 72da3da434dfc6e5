"""Pieces the briefing, the urging letter and the charts share: header, task and unit rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any, TypedDict

from core import metrics as m
from core.accountability import Accountability
from core.briefing.request import DocSettings
from core.briefing.signer import Signer
from core.briefing.wording import _count, date_line
from core.dates import format_vn
from core.rows import OverdueTaskRow, RankedRow, StatusRow

# Local committees are ranked apart from provincial bodies: their workloads differ.
LOCAL_KINDS: dict[str, str] = {"district": "UBND cấp huyện", "commune": "UBND cấp xã, phường"}
PROVINCIAL_GROUP = "Sở, ban, ngành và cơ quan, đơn vị cấp tỉnh"


def _header_context(
    settings: DocSettings, number: str, symbol: str, day: date, signer: Signer
) -> dict[str, Any]:
    return {
        "parent_agency": f"UBND TỈNH {settings.province.upper()}",
        "agency": "VĂN PHÒNG",
        "number": number or "       ",
        "symbol": symbol,
        "date_line": date_line(settings.place, day),
        "signer": signer.as_context(),
    }


def _task_cells(
    no: int, t: OverdueTaskRow, unit_label: Callable[[str], str], days: str
) -> dict[str, str]:
    number = t.get("document_number") or ""
    assigned = t.get("assigned_date")
    document = f"Số {number}" if number else ""
    if assigned:
        document += f", giao ngày {format_vn(assigned)}" if document else format_vn(assigned)
    deadline = format_vn(t.get("effective_deadline") or t.get("deadline"))
    if t.get("extended"):
        deadline += " (đã gia hạn)"
    return {
        "no": str(no),
        "content": str(t.get("content") or ""),
        "document": document,
        "unit": unit_label(str(t.get("lead_unit") or "")),
        "deadline": deadline,
        "days": days,
    }


def _unit_cells(row: StatusRow, rank: str) -> dict[str, str]:
    out = {"rank": rank, "name": str(row["name"])}
    for name in m.COUNT_FIELDS:
        out[name] = _count(row[name])
    for rate in m.RATE_FIELDS:
        out[rate] = m.format_rate(row[rate])
    return out


def _sum_rows(rows: Sequence[StatusRow], key: str, name: str) -> StatusRow:
    total = m.empty_row(key, name)
    for row in rows:
        for f in m.COUNT_FIELDS:
            total[f] += int(row[f])
    return m.with_rates(total)


class UnitGroup(TypedDict):
    """A group of units of the briefing's table: its title, its units ranked, its subtotal."""

    title: str
    ranked: list[RankedRow]
    subtotal: StatusRow


def unit_groups(
    rows: Sequence[StatusRow], kinds: Mapping[str, str], worst_first: bool = False
) -> list[UnitGroup]:
    """Units split into provincial bodies and local committees, each ranked by on-time rate
    (`rank_rows`: equal rates share a rank, units with too few tasks due come last, unranked)."""
    buckets: dict[str, list[StatusRow]] = {}
    for row in rows:
        if not row["assigned"]:
            continue
        kind = kinds.get(str(row["key"]), "")
        buckets.setdefault(LOCAL_KINDS.get(kind, PROVINCIAL_GROUP), []).append(row)
    order = [PROVINCIAL_GROUP, *LOCAL_KINDS.values()]
    out: list[UnitGroup] = []
    for title in order:
        group_rows = buckets.get(title)
        if not group_rows:
            continue
        ranked = m.rank_rows(group_rows, "on_time_rate_due", worst_first=worst_first)
        out.append({"title": title, "ranked": ranked, "subtotal": _sum_rows(group_rows, title, "")})
    return out


def annex_groups(tasks: Sequence[OverdueTaskRow], acc: Accountability) -> list[dict[str, Any]]:
    """Overdue tasks grouped by the unit answering for them on D (a unit that had ended hands
    over to its successor), most overdue tasks first, numbered throughout."""
    by_unit: dict[str, list[OverdueTaskRow]] = {}
    for t in tasks:
        lead = str(t.get("lead_unit"))
        by_unit.setdefault(str(acc.unit(lead)), []).append(t)
    order = sorted(by_unit, key=lambda k: (-len(by_unit[k]), acc.names.get(k, k)))
    out, no = [], 0
    for key in order:
        rows = []
        formers: list[str] = []
        for t in by_unit[key]:
            no += 1
            rows.append(
                _task_cells(no, t, partial(acc.label, short=True), _count(t.get("days_overdue")))
            )
            lead = str(t.get("lead_unit"))
            if lead != key and lead not in formers:
                formers.append(lead)
        name = acc.names.get(key, key)
        if formers:
            name += f" (trước đây: {', '.join(acc.names.get(c, c) for c in formers)})"
        out.append({"title": f"{name}: {_count(len(rows))} nhiệm vụ", "rows": rows})
    return out
