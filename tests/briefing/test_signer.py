"""Who signs (seed 001 Art. 29): the Chief, a Deputy "KT." when delegated or chosen, "TL."."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core import briefing as b
from core.dates import to_bson_day

D = date(2026, 11, 16)


def leader(lid: str, title: str, **kw: Any) -> dict[str, Any]:
    return {"_id": lid, "name": f"Ông {lid}", "title": title, "unit": kw.pop("unit", "VP"),
            "term_from": to_bson_day(date(2021, 6, 1)), "term_to": kw.pop("term_to", None), **kw}  # fmt: skip


LEADERS = [
    leader("CVP", "office_chief"),
    leader("PCVP1", "office_deputy", portfolio={"sectors": ["economy"]}),
    leader("PCVP2", "office_deputy", portfolio={"sectors": ["general"]}),
    leader("PCT", "vice_chairman", unit="UBND"),
    leader("TP-TH", "unit_head", unit="P-TH"),
]
UNITS = {"P-TH": {"_id": "P-TH", "name": "Phòng Tổng hợp", "kind": "office_room"}}


def delegation(to: str, start: date, end: date) -> dict[str, Any]:
    return {"from_leader": "CVP", "to_leader": to, "date_from": to_bson_day(start),
            "date_to": to_bson_day(end)}  # fmt: skip


def test_the_chief_signs_by_default() -> None:
    s = b.resolve_signer(LEADERS, [], D)
    assert (s.authority, s.title, s.name) == ("CHÁNH VĂN PHÒNG", "", "Ông CVP")


def test_a_deputy_signs_kt_when_the_chief_delegated_that_day() -> None:
    s = b.resolve_signer(LEADERS, [delegation("PCVP1", date(2026, 11, 10), date(2026, 11, 20))], D)
    assert (s.authority, s.title, s.name) == (
        "KT. CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Ông PCVP1",
    )
    # ... but not outside the delegation's dates.
    after = b.resolve_signer(
        LEADERS, [delegation("PCVP1", date(2026, 11, 1), date(2026, 11, 5))], D
    )
    assert after.leader_id == "CVP"


def test_a_chosen_deputy_signs_kt() -> None:
    s = b.resolve_signer(LEADERS, [], D, signer_id="PCVP2")
    assert s.authority == "KT. CHÁNH VĂN PHÒNG" and s.title == "PHÓ CHÁNH VĂN PHÒNG"


def test_a_room_head_signs_tl() -> None:
    s = b.resolve_signer(LEADERS, [], D, signer_id="TP-TH", units=UNITS)
    assert (s.authority, s.title) == ("TL. CHÁNH VĂN PHÒNG", "TRƯỞNG PHÒNG TỔNG HỢP")


def test_no_chief_in_office_the_general_deputy_signs() -> None:
    gone = [leader("CVP", "office_chief", term_to=to_bson_day(date(2026, 6, 30))), *LEADERS[1:]]
    s = b.resolve_signer(gone, [], D)
    assert s.leader_id == "PCVP2" and s.authority.startswith("KT.")


def test_refusals_name_the_field() -> None:
    with pytest.raises(ValueError, match="người ký"):
        b.resolve_signer(LEADERS, [], D, signer_id="PCT")
    with pytest.raises(ValueError, match="không có lãnh đạo"):
        b.resolve_signer(LEADERS, [], D, signer_id="NOBODY")
    gone = [leader("CVP", "office_chief", term_to=to_bson_day(date(2026, 6, 30)))]
    with pytest.raises(ValueError, match="không đương nhiệm"):
        b.resolve_signer(gone, [], D, signer_id="CVP")


def test_nobody_leaves_a_blank_name() -> None:
    assert b.resolve_signer([], [], D).name == ""
