"""The briefing's template variables, from the gathered summaries (pure, no database)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from core import config
from core import metrics as m
from core.briefing.assessment import assessment, rollup_discipline
from core.briefing.blocks import (
    _header_context,
    _task_cells,
    _unit_cells,
    annex_groups,
    unit_groups,
)
from core.briefing.figures import RANKING_ROWS
from core.briefing.gathering import DUE_SOON_DAYS
from core.briefing.request import BriefingData
from core.briefing.wording import (
    _count,
    _nfc,
    _share,
    date_words,
    period_phrase,
    period_span,
    recipients_for,
)
from core.dates import format_vn
from core.periods import same_period_last_year
from core.rows import Counts, PeriodTotal
from core.vocab import STATUS_LABELS

TOP_OVERDUE = 10
DISCIPLINE_ROWS = 20


def _overall_rows(data: BriefingData) -> list[dict[str, str]]:
    cols = {
        "current": data.compare["current"],
        "previous": data.compare["previous"],
        "last_year": data.compare["last_year"],
        "cumulative": data.cumulative,
        "cumulative_last_year": data.cumulative_last_year,
    }
    rows = [
        {"label": "Tổng số nhiệm vụ giao", **{k: _count(v["assigned"]) for k, v in cols.items()}}
    ]
    for cat in m.CATEGORIES:
        rows.append(
            {"label": f"- {STATUS_LABELS[cat]}", **{k: _count(v[cat]) for k, v in cols.items()}}
        )
    short = {
        "completion_rate_due": "Tỷ lệ hoàn thành (1)",
        "on_time_rate_due": "Tỷ lệ hoàn thành đúng hạn (2)",
        "overdue_share_assigned": "Tỷ lệ quá hạn (3)",
    }
    for rate in m.RATE_FIELDS:
        rows.append({"label": short[rate], **{k: m.format_rate(v[rate]) for k, v in cols.items()}})
    return rows


def rate_notes() -> list[str]:
    """The footnotes naming each rate's denominator."""
    return [
        f"({i}) {m.RATE_LABELS[rate]}; mẫu số: {m.RATE_DENOMINATORS[rate]}."
        for i, rate in enumerate(m.RATE_FIELDS, start=1)
    ]


def _overall_paragraphs(data: BriefingData) -> list[str]:
    cur, cum = data.compare["current"], data.cumulative
    giver = "UBND tỉnh, Chủ tịch UBND tỉnh"

    def breakdown(t: Counts) -> str:
        return (
            f"hoàn thành đúng hạn {_count(t['completed_on_time'])}; hoàn thành quá hạn "
            f"{_count(t['completed_late'])}; chưa hoàn thành, trong hạn "
            f"{_count(t['open_within_deadline'])}; chưa hoàn thành, quá hạn "
            f"{_count(t['open_overdue'])}; không có thời hạn "
            f"{_count(t['no_deadline_completed'] + t['no_deadline_open'])}"
            f" (đã hoàn thành {_count(t['no_deadline_completed'])})"
        )

    scope = data.scope.phrase()
    return [
        f"Trong kỳ báo cáo ({period_span(data.period)}), {giver} giao{scope} "
        f"{_count(cur['assigned'])} nhiệm vụ; tính đến ngày {format_vn(data.as_of)}: "
        f"{breakdown(cur)}.",
        f"Lũy kế {period_span(data.year)}, {giver} "
        f"giao{scope} {_count(cum['assigned'])} nhiệm vụ; tính đến ngày {format_vn(data.as_of)}: "
        f"{breakdown(cum)}.",
    ]


def _col_head(p: PeriodTotal) -> str:
    return str(p["period"]["label"])


def briefing_context(data: BriefingData, charts_png: Mapping[str, bytes]) -> dict[str, Any]:
    """Every template variable of `bao_cao.docx`, from the gathered summaries (pure)."""
    settings = data.settings
    acc = data.accountability
    short_label = partial(acc.label, short=True)
    period_text = period_phrase(data.period)
    giver = "UBND tỉnh, Chủ tịch UBND tỉnh"
    abstract = f"Tình hình thực hiện nhiệm vụ do {giver} giao{data.scope.phrase()} {period_text}"
    ctx = _header_context(
        settings, data.number, f"BC-{settings.office_abbr}", data.report_date, data.signer
    )
    cut = format_vn(data.as_of)
    ytd_span = period_span(data.year)
    groups = unit_groups(data.units["rows"], data.unit_kinds)
    unit_groups_ctx = [
        {
            "title": g["title"],
            "rows": [_unit_cells(r, str(r["rank"]) if r["ranked"] else "—") for r in g["ranked"]],
            "subtotal": _unit_cells({**g["subtotal"], "name": "Cộng"}, ""),
        }
        for g in groups
    ]
    min_due = config.rank_min_due()
    last_ytd = same_period_last_year(data.year)
    buckets = data.age["buckets"]
    overdue_total = sum(b["count"] for b in buckets)
    overdue_rows = [
        _task_cells(i, t, short_label, _count(t.get("days_overdue")))
        for i, t in enumerate(data.overdue, start=1)
    ]
    annex_shown = len(overdue_rows)
    soon = data.due_soon
    soon_rows = [
        _task_cells(i, t, short_label, f"{t.get('days_left', 0)} ngày")
        for i, t in enumerate(soon["tasks"], start=1)
    ]
    windows = soon["windows"]
    lagging = sorted(
        (r for r in rollup_discipline(data.discipline["rows"], acc) if r["not_updated"] > 0),
        key=lambda r: (-r["not_updated"], r["update_rate"] or 0.0, r["name"]),
    )
    disc_total = data.discipline["total"]
    texts, proposals = assessment(data)
    ranked_first = [r for r in groups[0]["ranked"] if r["ranked"]] if groups else []
    running = (
        f" Lưu ý: số liệu đến ngày {cut}, kỳ chưa kết thúc (kỳ kết thúc ngày "
        f"{format_vn(data.period.end)})."
        if data.running
        else ""
    )
    ctx.update(
        {
            "abstract": abstract,
            "intro": (
                f"Thực hiện {settings.regulation}, Văn phòng UBND tỉnh báo cáo tình hình thực "
                f"hiện nhiệm vụ do {giver} giao{data.scope.phrase()} {period_text} (số liệu "
                f"{period_span(data.period)}, tình trạng tính đến ngày {cut}) như sau:" + running
            ),
            "overall_paragraphs": _overall_paragraphs(data),
            "overall_caption": (
                "Bảng 1. Kết quả thực hiện nhiệm vụ so với kỳ trước và cùng kỳ năm trước"
            ),
            "overall_head": {
                "current": f"Kỳ báo cáo ({_col_head(data.compare['current'])})",
                "previous": f"Kỳ trước ({_col_head(data.compare['previous'])})",
                "last_year": f"Cùng kỳ năm trước ({_col_head(data.compare['last_year'])})",
                "cumulative": f"Lũy kế ({format_vn(data.year.start)} – {cut})",
                "cumulative_last_year": (
                    f"Lũy kế cùng kỳ năm trước ({format_vn(last_ytd.start)} – "
                    f"{format_vn(last_ytd.end)})"
                ),
            },
            "overall_rows": _overall_rows(data),
            "rate_notes": [
                "Số liệu mỗi kỳ gồm các nhiệm vụ giao trong kỳ, tình trạng tính đến ngày cuối "
                f"kỳ (kỳ báo cáo: đến ngày {cut}"
                + (
                    ", kỳ chưa kết thúc nên chưa so sánh được với các kỳ đã kết thúc"
                    if data.running
                    else ""
                )
                + "). Lũy kế: nhiệm vụ giao từ ngày bắt đầu năm báo cáo đến ngày chốt số liệu; "
                "cùng kỳ năm trước: cùng khoảng ngày của năm trước.",
                *rate_notes(),
            ],
            "unit_intro": (
                f"Kết quả thực hiện của từng đơn vị chủ trì đối với nhiệm vụ giao {ytd_span} "
                f"(lũy kế), tình trạng tính đến ngày {cut}, xếp hạng theo tỷ lệ hoàn thành đúng "
                "hạn (2) từ cao xuống thấp (đơn vị bằng tỷ lệ cùng hạng); đơn vị có dưới "
                f"{min_due} nhiệm vụ đến hạn không xếp hạng (ghi «—»), xếp cuối nhóm. Nhiệm vụ "
                "của đơn vị đã giải thể, sáp nhập tính cho đơn vị kế thừa:"
            ),
            "unit_caption": "Bảng 2. Kết quả thực hiện nhiệm vụ theo đơn vị",
            "show_groups": len(unit_groups_ctx) > 1,
            "unit_groups": unit_groups_ctx,
            "unit_total": _unit_cells({**data.units["total"], "name": "Tổng cộng"}, ""),
            "unit_note": (
                "HT: hoàn thành; KTH: không có thời hạn; (1), (2), (3): như ghi chú Bảng 1 (mẫu "
                "số của (1), (2) = HT đúng hạn + HT quá hạn + Chưa HT, quá hạn). Tổng cộng bằng "
                "số liệu toàn bộ phạm vi báo cáo."
            ),
            "chart_status": charts_png["status"],
            "chart_status_caption": (
                f"Nhiệm vụ giao {ytd_span} theo tình trạng (tính đến ngày {cut})"
            ),
            "chart_ranking": charts_png["ranking"],
            "chart_ranking_caption": (
                f"{min(RANKING_ROWS, len(ranked_first))} đơn vị có tỷ lệ hoàn thành đúng hạn (2) "
                f"thấp nhất trong {len(ranked_first)} đơn vị được xếp hạng"
                + (f" ({groups[0]['title'].lower()})" if groups else "")
                + f", lũy kế {ytd_span}"
            ),
            "chart_trend": charts_png["trend"],
            "chart_trend_caption": (
                f"Tỷ lệ hoàn thành đúng hạn (2) của nhiệm vụ đến hạn trong {len(data.trend)} kỳ "
                "gần nhất"
            ),
            "overdue_total": overdue_total,
            "overdue_intro": (
                f"Tính đến ngày {cut}, còn {_count(overdue_total)} nhiệm vụ chưa hoàn thành, "
                "quá hạn (tính cả nhiệm vụ giao từ các năm trước), phân theo thời gian quá hạn "
                "như Bảng 3; các nhiệm vụ quá hạn lâu nhất nêu tại Bảng 4."
                if overdue_total
                else f"Tính đến ngày {cut}, không có nhiệm vụ chưa hoàn thành, quá hạn."
            ),
            "age_caption": "Bảng 3. Nhiệm vụ chưa hoàn thành, quá hạn theo thời gian quá hạn",
            "age_rows": [
                {
                    "label": b["label"],
                    "count": _count(b["count"]),
                    "share": _share(b["count"], overdue_total),
                }
                for b in buckets
            ],
            "age_total": {
                "count": _count(overdue_total),
                "share": _share(overdue_total, overdue_total),
            },
            "overdue_top_caption": (
                f"Bảng 4. {min(TOP_OVERDUE, len(overdue_rows))} nhiệm vụ quá hạn lâu nhất"
            ),
            "overdue_top": overdue_rows[:TOP_OVERDUE],
            "overdue_note": (
                "(*) Số ngày làm việc tính từ sau thời hạn (thời hạn đã gia hạn, nếu có) đến "
                f"ngày {cut}. Đơn vị chủ trì: đơn vị chịu trách nhiệm tại ngày {cut} (đơn vị "
                "kế thừa của đơn vị đã giải thể, sáp nhập). Danh sách tại Phụ lục kèm theo."
            ),
            "due_soon_intro": (
                f"Có {_count(windows.get(str(DUE_SOON_DAYS), 0))} nhiệm vụ chưa hoàn thành sẽ đến "
                f"hạn trong {DUE_SOON_DAYS:02d} ngày làm việc tới (đến ngày "
                f"{format_vn(date.fromisoformat(soon['window_ends'][str(DUE_SOON_DAYS)]))}), "
                f"trong đó {_count(windows.get('3', 0))} nhiệm vụ trong 03 ngày và "
                f"{_count(windows.get('1', 0))} nhiệm vụ trong 01 ngày làm việc tới"
                + (":" if soon_rows else ".")
            ),
            "due_soon_rows": soon_rows,
            "due_soon_note": (
                "(*) Số ngày làm việc còn lại đến thời hạn."
                + (
                    f" Danh sách nêu {len(soon_rows)} nhiệm vụ đến hạn sớm nhất."
                    if len(soon_rows) < windows.get(str(DUE_SOON_DAYS), 0)
                    else ""
                )
            ),
            "discipline_intro": (
                f"Đối với {_count(disc_total['duties'])} lượt nhiệm vụ đến hạn trong kỳ chưa hoàn "
                "thành đúng hạn, đơn vị phải cập nhật tiến độ chậm nhất 01 ngày làm việc sau "
                "thời hạn (Điều 8 Quy chế); "
                + (
                    f"tỷ lệ cập nhật đúng hạn đạt {m.format_rate(disc_total['update_rate'])}. "
                    f"Có {len(lagging)} đơn vị chưa cập nhật đúng hạn:"
                    if lagging
                    else "các đơn vị đều đã cập nhật đúng hạn."
                )
                if disc_total["duties"]
                else "Trong kỳ không phát sinh nghĩa vụ cập nhật đối với nhiệm vụ quá hạn."
            ),
            "discipline_rows": [
                {
                    "no": str(i),
                    "name": r["name"],
                    "duties": _count(r["duties"]),
                    "updated": _count(r["updated_on_time"]),
                    "not_updated": _count(r["not_updated"]),
                    "rate": m.format_rate(r["update_rate"]),
                }
                for i, r in enumerate(lagging[:DISCIPLINE_ROWS], start=1)
            ],
            "discipline_note": (
                f"Danh sách nêu {DISCIPLINE_ROWS}/{len(lagging)} đơn vị có nhiều lượt chưa cập "
                "nhật nhất."
                if len(lagging) > DISCIPLINE_ROWS
                else "Xếp theo số lượt chưa cập nhật đúng hạn."
            ),
            "assessment": texts,
            "proposals": proposals,
            "closing": (
                "Trên đây là báo cáo tình hình thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND "
                f"tỉnh giao{data.scope.phrase()} {period_text}, Văn phòng UBND tỉnh kính báo cáo "
                "UBND tỉnh, Chủ tịch UBND tỉnh./."
            ),
            "recipients": recipients_for(settings.briefing_recipients, data.signer),
            "annex_title": "DANH SÁCH NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN",
            "annex_subtitle": (
                f"(Kèm theo Báo cáo số {(data.number or '      ')}/BC-{settings.office_abbr} "
                f"{date_words(data.report_date)} của Văn phòng UBND tỉnh)"
            ),
            "annex_groups": annex_groups(data.overdue, acc),
            "annex_note": (
                f"Tính đến ngày {cut}: {_count(overdue_total)} nhiệm vụ; xếp theo số ngày quá "
                "hạn giảm dần."
                + (
                    f" Phụ lục nêu {_count(annex_shown)}/{_count(overdue_total)} nhiệm vụ quá hạn "
                    "lâu nhất; danh sách đầy đủ gửi kèm dưới dạng tệp Excel (.xlsx) và xem trên "
                    "Hệ thống."
                    if annex_shown < overdue_total
                    else ""
                )
                if overdue_total
                else f"Tính đến ngày {cut}, không có nhiệm vụ chưa hoàn thành, quá hạn."
            ),
        }
    )
    return {key: _nfc(value) for key, value in ctx.items()}
