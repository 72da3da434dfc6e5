"""Who a briefing and a letter hold responsible: today's organisation (successors of ended
units), a drafted assessment that never praises a unit it blames, «Nơi nhận» without the
signer's own leadership, and default periods and dates a clerk can sign as they are."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from docx import Document
from openpyxl import load_workbook

from core import briefing as b
from core import metrics as m
from core.dates import from_bson_day
from core.periods import period_for_report
from core.repository import Repository
from core.services import work_calendar
from tests.briefing.conftest import TODAY
from tests.briefing.helpers import all_text, table_with

FORMER = re.compile(r"\(trước đây: [^)]*\)|trước đây giao cho [^,;.)]*")


def ended_units(repo: Repository, day: date) -> dict[str, str]:
    """code -> name of the units that had ceased to exist by `day`."""
    return {
        u["_id"]: u["name"]
        for u in repo.units()
        if u.get("valid_to") is not None and from_bson_day(u["valid_to"]) < day
    }


def named_as_responsible(text: str, names: dict[str, str]) -> list[str]:
    """Ended units named in `text` other than as a former unit («trước đây: …»)."""
    stripped = FORMER.sub("", text)
    return [name for name in names.values() if name in stripped]


def test_the_test_province_has_tasks_of_an_ended_unit_overdue(brief_repo: Repository) -> None:
    q = m.MetricsQuery(as_of=date(2026, 11, 14), lead_units=frozenset({"H-A"}))
    age = m.overdue_age(brief_repo, q, work_calendar(brief_repo))
    assert sum(bk["count"] for bk in age["buckets"]) > 0  # else the tests below prove nothing


def test_no_ended_unit_is_named_responsible_in_the_briefing(
    november_doc: Any, brief_repo: Repository
) -> None:
    text = all_text(november_doc)
    ended = ended_units(brief_repo, date(2026, 11, 14))
    assert "UBND huyện A" in ended.values()
    assert named_as_responsible(text, ended) == []
    # The district's tasks are there, under its successor, with the former name in brackets.
    assert "UBND xã A1 (trước đây: UBND huyện A)" in text


def test_overdue_tables_count_under_the_successor(
    november_doc: Any, brief_repo: Repository
) -> None:
    as_of = date(2026, 11, 14)
    cal = work_calendar(brief_repo)
    q = m.MetricsQuery(as_of=as_of)
    every = m.longest_overdue(brief_repo, q, cal, limit=10_000)
    expected = sum(1 for t in every if t["lead_unit"] in ("H-A", "X-A1"))
    text = all_text(november_doc)
    title = re.search(r"UBND xã A1 \(trước đây: UBND huyện A\): (\d+) nhiệm vụ", text)
    assert title is not None and int(title.group(1)) == expected


def test_urging_a_dissolved_unit_writes_to_its_successor(brief_repo: Repository) -> None:
    day = date(2026, 11, 20)
    result = b.build_urge(brief_repo, "H-A", day, generated_by="pytest")
    doc = Document(io.BytesIO(result.content))
    text = all_text(doc)
    assert "Kính gửi: UBND xã A1." in text
    assert result.metadata["scope"]["key"] == "X-A1"
    cal = work_calendar(brief_repo)
    both = m.MetricsQuery(as_of=day, lead_units=frozenset({"H-A", "X-A1"}))
    expected = m.longest_overdue(brief_repo, both, cal, limit=10_000)
    rows = table_with(doc, "Nội dung nhiệm vụ").rows[1:]
    assert len(rows) == len(expected) == result.metadata["overdue"]
    assert "trước đây giao cho UBND huyện A" in text
    assert named_as_responsible(text, ended_units(brief_repo, day)) == []
    # Urging the successor directly gives the same letter body.
    again = b.build_urge(brief_repo, "X-A1", day, generated_by="pytest")
    assert again.metadata["overdue"] == result.metadata["overdue"]


def test_praise_and_blame_are_disjoint_on_ties_and_small_units() -> None:
    def row(key: str, done: int, due: int) -> dict[str, Any]:
        r = m.empty_row(key, f"Đơn vị {key}")
        r.update(assigned=due, completed_on_time=done, open_overdue=due - done)
        return m.with_rates(r)

    rows = [row("A", 10, 10), row("B", 9, 10), row("C", 9, 10), row("D", 2, 10),
            row("E", 1, 2), row("F", 5, 10)]  # fmt: skip
    best, worst = b.praise_and_blame(rows, blamed_elsewhere={"A"})
    best_keys, worst_keys = {r["key"] for r in best}, {r["key"] for r in worst}
    assert not best_keys & worst_keys
    assert "A" not in best_keys  # blamed elsewhere (e.g. most overdue tasks)
    assert "E" not in best_keys | worst_keys  # 2 tasks due: too few to be ranked
    assert worst[0]["key"] == "D" and best[0]["key"] in ("B", "C")
    # Everyone equal: nobody is "worst".
    same = [row(k, 5, 10) for k in "PQRS"]
    assert b.praise_and_blame(same, set())[1] == []


def test_assessment_never_praises_a_unit_it_blames(brief_repo: Repository) -> None:
    data = b.gather(
        brief_repo, b.BriefingRequest(period=period_for_report("month", "2026-11")), today=TODAY
    )
    texts, _proposals = b.assessment(data)
    names = sorted(set(data.unit_names.values()), key=len, reverse=True)

    def units_in(sentence: str) -> set[str]:
        found = set()
        for name in names:
            if name in sentence and not any(name in other for other in found):
                found.add(name)
        return found

    praised: set[str] = set()
    blamed: set[str] = set()
    for sentence in texts:
        if "cao:" in sentence or "chuyển biến tích cực" in sentence:
            praised |= units_in(sentence)
        elif any(w in sentence for w in ("thấp nhất", "nhiều nhiệm vụ quá hạn", "giảm so với",
                                         "chưa cập nhật")):  # fmt: skip
            blamed |= units_in(sentence)
    assert blamed  # the province has overdue tasks: someone is named
    assert not praised & blamed


def test_recipients_never_list_the_signer_or_the_office_leadership(
    brief_repo: Repository,
) -> None:
    settings = replace(
        b.DocSettings.from_config(),
        briefing_recipients=("Chủ tịch, các PCT UBND tỉnh;", "Chánh VP, các PCVP UBND tỉnh;",
                             "Bà Võ Thị Phó (để biết);", "Lưu: VT, TH."),
    )  # fmt: skip
    # 03/11/2026 falls in the Chief's delegation: the Deputy signs "KT. CHÁNH VĂN PHÒNG".
    request = b.BriefingRequest(
        period=period_for_report("month", "2026-11"), report_date=date(2026, 11, 3)
    )
    data = b.gather(brief_repo, request, today=TODAY, settings=settings)
    assert data.signer.authority == "KT. CHÁNH VĂN PHÒNG"
    ctx = b.briefing_context(data, {"status": b"", "ranking": b"", "trend": b""})
    assert ctx["recipients"] == ["Chủ tịch, các PCT UBND tỉnh;", "Lưu: VT, TH."]
    default = b.recipients_for(b.DocSettings.from_config().briefing_recipients, data.signer)
    assert default == list(b.DocSettings.from_config().briefing_recipients)
    assert not any("VP" in item and "Chánh" in item for item in default)


def test_default_period_has_ended_and_report_date_is_a_working_day(
    brief_repo: Repository,
) -> None:
    cal = work_calendar(brief_repo)
    day = date(2026, 10, 1)
    while day <= date(2027, 2, 28):  # Tết 2027 included
        for kind in ("month", "quarter", "year"):
            period = b.default_period(kind, day, "decree09")
            assert period.end < day and b.running_warning(period, day) is None
            as_of, report = b.default_dates(period, cal, day)
            assert as_of == period.end
            assert cal.is_working_day(report), (kind, day, report)
            assert period.end < report <= max(day, cal.add_working_days(day, 1))
        day += timedelta(days=1)
    running = period_for_report("month", "2026-12")
    warning = b.running_warning(running, date(2026, 11, 29))
    assert warning is not None and "chưa kết thúc" in warning and "15/30" in warning
    as_of, report = b.default_dates(running, cal, date(2026, 11, 29))  # a Sunday
    assert as_of == date(2026, 11, 29) and report == date(2026, 11, 30)


def test_running_period_is_said_in_the_document(brief_repo: Repository) -> None:
    request = b.BriefingRequest(period=period_for_report("month", "2026-12"))
    data = b.gather(brief_repo, request, today=TODAY)
    ctx = b.briefing_context(data, {"status": b"", "ranking": b"", "trend": b""})
    assert (
        "kỳ chưa kết thúc" in ctx["intro"] and f"số liệu đến ngày {TODAY:%d/%m/%Y}" in ctx["intro"]
    )
    assert not any("so với kỳ trước" in t for t in ctx["assessment"][1:3])


def test_cumulative_is_year_to_date_named_with_its_days(november_doc: Any) -> None:
    text = all_text(november_doc)
    assert "Lũy kế từ ngày 15/12/2025 đến ngày 14/11/2026" in text
    assert "Lũy kế (15/12/2025 – 14/11/2026)" in text
    assert "Lũy kế cùng kỳ năm trước (15/12/2024 – 14/11/2025)" in text
    assert "từ đầu năm" not in text


def test_annex_is_capped_and_the_workbook_lists_everything(
    brief_repo: Repository, monkeypatch: Any
) -> None:
    monkeypatch.setenv("CDDH_BRIEFING_ANNEX_LIMIT", "5")
    request = b.BriefingRequest(period=period_for_report("month", "2026-11"))
    built = b.build_briefing(brief_repo, request, generated_by="pytest", today=TODAY)
    doc = Document(io.BytesIO(built.content))
    annex = [t for t in doc.tables if any("Nội dung" in c.text for c in t.rows[0].cells)][-1]
    numbered = [r for r in annex.rows[1:] if r.cells[0].text.strip().isdigit()]
    assert len(numbered) == 5
    content, name = b.overdue_xlsx(brief_repo, request, today=TODAY)
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    cal = work_calendar(brief_repo)
    every = m.longest_overdue(brief_repo, m.MetricsQuery(as_of=date(2026, 11, 14)), cal, 10_000)
    assert len(rows) == len(every) > 5
    assert [r[8] for r in rows] == [t["days_overdue"] for t in every]
    ended = set(ended_units(brief_repo, date(2026, 11, 14)).values())
    assert not {r[1] for r in rows} & ended  # responsible: today's units only
    assert "UBND huyện A" in {r[2] for r in rows}  # the former unit is kept for reference
    assert "5/" in all_text(doc) and ".xlsx" in all_text(doc)
