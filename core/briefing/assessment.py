"""The drafted assessment and proposals: who is praised, who is named lagging, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core import metrics as m
from core.accountability import Accountability
from core.briefing.gathering import DUE_SOON_DAYS
from core.briefing.request import BriefingData
from core.briefing.wording import _count, _points
from core.dates import format_vn
from core.rows import RankedRow, StatusRow


def responsible_overdue(data: BriefingData) -> list[tuple[str, int]]:
    """(unit code answering on D, open overdue tasks), most first."""
    totals: dict[str, int] = {}
    for code, buckets in data.age["by_unit"].items():
        key = str(data.accountability.unit(str(code)))
        totals[key] = totals.get(key, 0) + sum(buckets.values())
    return sorted(totals.items(), key=lambda item: (-item[1], data.unit_names.get(item[0], "")))


def rollup_discipline(
    rows: Sequence[Mapping[str, Any]], acc: Accountability
) -> list[dict[str, Any]]:
    """Update-discipline rows re-keyed to the unit answering on D (duties summed)."""
    merged: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = str(acc.unit(str(r["key"])))
        row = merged.setdefault(
            key,
            {"key": key, "name": acc.names.get(key, key), "duties": 0, "updated_on_time": 0},
        )
        row["duties"] += int(r["duties"])
        row["updated_on_time"] += int(r["updated_on_time"])
    for row in merged.values():
        row["not_updated"] = row["duties"] - row["updated_on_time"]
        row["update_rate"] = row["updated_on_time"] / row["duties"] if row["duties"] else None
    return list(merged.values())


def _names_with_counts(items: Sequence[tuple[str, int]], unit: str = "nhiệm vụ") -> str:
    return "; ".join(f"{name} ({m.format_count(n)} {unit})" for name, n in items)


def _rate_phrase(row: StatusRow) -> str:
    due = m.rate_volume(row, "on_time_rate_due")
    return (
        f"{row['name']} ({m.format_rate(row['on_time_rate_due'])}, "
        f"{_count(row['completed_on_time'])}/{_count(due)} nhiệm vụ)"
    )


def _on_time(row: RankedRow) -> float:
    """The on-time rate of a ranked row (ranked rows have one)."""
    rate = row["on_time_rate_due"]
    assert rate is not None
    return rate


def praise_and_blame(
    rows: Sequence[StatusRow],
    blamed_elsewhere: set[str],
    n: int = 3,
) -> tuple[list[RankedRow], list[RankedRow]]:
    """(best, worst) units by the on-time rate, from ONE ranked list so they never overlap.

    Only ranked units (enough tasks due) count; the worst are the n lowest with a rate below
    the best's; the best are the n highest not among the worst and not named elsewhere as
    lagging (`blamed_elsewhere`: most overdue tasks, rate fallen, updates missed).
    """
    ranked = [r for r in m.rank_rows(rows, "on_time_rate_due", worst_first=True) if r["ranked"]]
    if len(ranked) < 2:
        return [], []
    top_rate = _on_time(ranked[-1])
    worst = [r for r in ranked if _on_time(r) < top_rate][: min(n, len(ranked) // 2)]
    worst_keys = {str(r["key"]) for r in worst}
    # Best first; among equal rates the one with more tasks due weighs more.
    by_merit = sorted(ranked, key=lambda r: (-_on_time(r), -r["volume"], str(r["key"])))
    best = [
        r
        for r in by_merit
        if str(r["key"]) not in worst_keys and str(r["key"]) not in blamed_elsewhere
    ][:n]
    return best, worst


def assessment(data: BriefingData) -> tuple[list[str], list[str]]:
    """The drafted assessment and proposals (đánh giá, đề xuất) the Office edits in Word.

    Units are named as they answer on the cut-off (successors of ended units). A unit praised
    is never one named among the lagging ones (same ranked list, disjoint).
    """
    cur = data.compare["current"]
    prev = data.compare["previous"]
    last = data.compare["last_year"]
    cum, cum_last = data.cumulative, data.cumulative_last_year
    names = data.unit_names
    rate_name = "tỷ lệ hoàn thành đúng hạn (trên số nhiệm vụ đã đến hạn)"
    ytd_words = f"từ ngày {format_vn(data.year.start)} đến ngày {format_vn(data.year.end)}"
    texts: list[str] = []
    if data.running:
        texts.append(
            f"Kỳ báo cáo chưa kết thúc (đến ngày {format_vn(data.period.end)}): số liệu tính đến "
            f"ngày {format_vn(data.as_of)}, chưa so sánh với kỳ trước và cùng kỳ năm trước."
        )
    if cum["on_time_rate_due"] is not None:
        change = _points(m.delta(cum["on_time_rate_due"], cum_last["on_time_rate_due"]))
        text = (
            f"Lũy kế {ytd_words}, {rate_name} đạt {m.format_rate(cum['on_time_rate_due'])}"
            + (
                f", {change} so với cùng kỳ năm trước "
                f"({m.format_rate(cum_last['on_time_rate_due'])})"
                if change
                else ""
            )
            + "."
        )
        texts.append(text)
    if cur["on_time_rate_due"] is not None:
        parts = []
        vs_prev = _points(m.delta(cur["on_time_rate_due"], prev["on_time_rate_due"]))
        vs_last = _points(m.delta(cur["on_time_rate_due"], last["on_time_rate_due"]))
        if vs_prev and not data.running:
            parts.append(f"{vs_prev} so với kỳ trước")
        if vs_last and not data.running:
            parts.append(f"{vs_last} so với cùng kỳ năm trước")
        texts.append(
            f"Đối với nhiệm vụ giao trong kỳ, {rate_name} đạt "
            f"{m.format_rate(cur['on_time_rate_due'])}"
            + (f" ({'; '.join(parts)})" if parts else "")
            + "."
        )
    buckets = {b["key"]: b["count"] for b in data.age["buckets"]}
    overdue_total = sum(buckets.values())
    over_120 = buckets.get(">120", 0)
    by_unit = responsible_overdue(data)[:5]
    if overdue_total:
        texts.append(
            f"Tính đến ngày {format_vn(data.as_of)}, còn {_count(overdue_total)} nhiệm vụ chưa "
            f"hoàn thành, quá hạn, trong đó {_count(over_120)} nhiệm vụ quá hạn trên 120 ngày làm "
            "việc. Các đơn vị có nhiều nhiệm vụ quá hạn gồm: "
            f"{_names_with_counts([(names.get(k, k), n) for k, n in by_unit])}."
        )
    else:
        texts.append(f"Tính đến ngày {format_vn(data.as_of)}, không có nhiệm vụ quá hạn.")
    comparable = [
        (key, c["name"], c["now"], c["before"])
        for key, c in data.unit_change.items()
        if c["now"] is not None
        and c["before"] is not None
        and min(c["due_now"], c["due_before"]) >= 3
        and not data.running
    ]
    worse = sorted((x for x in comparable if x[2] < x[3]), key=lambda x: x[2] - x[3])[:3]
    lagging = sorted(
        (r for r in rollup_discipline(data.discipline["rows"], data.accountability)
         if r["not_updated"] > 0),
        key=lambda r: (-r["not_updated"], r["name"]),
    )  # fmt: skip
    blamed = {k for k, _n in by_unit} | {x[0] for x in worse} | {str(r["key"]) for r in lagging[:3]}
    best, worst = praise_and_blame(data.units["rows"], blamed)
    blamed |= {str(r["key"]) for r in worst}
    better = sorted(
        (x for x in comparable if x[2] > x[3] and x[0] not in blamed), key=lambda x: x[3] - x[2]
    )[:3]

    def moves(items: Sequence[tuple[str, str, float, float]]) -> str:
        return "; ".join(
            f"{name} (từ {m.format_rate(b)} lên {m.format_rate(a)})"
            if a > b
            else f"{name} (từ {m.format_rate(b)} xuống {m.format_rate(a)})"
            for _key, name, a, b in items
        )

    if best:
        texts.append(
            f"Lũy kế {ytd_words}, các đơn vị có {rate_name} cao: "
            + "; ".join(_rate_phrase(r) for r in best)
            + "."
        )
    if worst:
        texts.append(
            f"Các đơn vị có {rate_name} thấp nhất, cần tập trung chỉ đạo: "
            + "; ".join(_rate_phrase(r) for r in worst)
            + "."
        )
    if better:
        texts.append(
            "Một số đơn vị có chuyển biến tích cực, tỷ lệ hoàn thành đúng hạn của nhiệm vụ đến "
            f"hạn trong kỳ tăng so với kỳ trước: {moves(better)}."
        )
    if worse:
        texts.append(
            "Một số đơn vị có tỷ lệ hoàn thành đúng hạn giảm so với kỳ trước, cần tập trung chỉ "
            f"đạo: {moves(worse)}."
        )
    if lagging:
        texts.append(
            f"Về cập nhật kết quả, {len(lagging)} đơn vị chưa cập nhật đúng hạn, nhiều nhất là: "
            + _names_with_counts([(r["name"], r["not_updated"]) for r in lagging[:3]], "lượt")
            + "."
        )
    proposals: list[str] = []
    if overdue_total:
        top = ", ".join(names.get(k, k) for k, _n in by_unit)
        proposals.append(
            f"Đề nghị Chủ tịch UBND tỉnh chỉ đạo Thủ trưởng các đơn vị: {top} tập trung giải "
            "quyết dứt điểm các nhiệm vụ quá hạn"
            + (
                f", nhất là {_count(over_120)} nhiệm vụ quá hạn trên 120 ngày làm việc"
                if over_120
                else ""
            )
            + "; trường hợp không thể hoàn thành phải báo cáo rõ nguyên nhân, đề xuất điều chỉnh "
            "thời hạn theo quy định."
        )
    soon = data.due_soon["windows"].get(str(DUE_SOON_DAYS), 0)
    if soon:
        proposals.append(
            f"Các đơn vị có nhiệm vụ sắp đến hạn ({_count(soon)} nhiệm vụ trong "
            f"{DUE_SOON_DAYS:02d} ngày làm việc tới) chủ động triển khai, bảo đảm hoàn thành "
            "đúng thời hạn."
        )
    proposals.append(
        "Các đơn vị cập nhật tiến độ, kết quả thực hiện nhiệm vụ trên Hệ thống thông tin chỉ "
        "đạo, điều hành đúng thời hạn theo quy định tại Điều 8 Quy chế ban hành kèm theo "
        f"{data.settings.regulation}."
    )
    proposals.append(
        "Văn phòng UBND tỉnh tiếp tục theo dõi, đôn đốc; ban hành văn bản đôn đốc các đơn vị có "
        "nhiệm vụ quá hạn và báo cáo UBND tỉnh, Chủ tịch UBND tỉnh kết quả tại kỳ báo cáo sau."
    )
    return texts, proposals
