"""Who signs an Office document and how (seed 001 Art. 29): the signature block."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.dates import format_vn, optional_day
from core.organisation import in_force, in_office


@dataclass(frozen=True)
class Signer:
    """The signature block: authority line ('KT. CHÁNH VĂN PHÒNG'), title line, name."""

    leader_id: str | None
    name: str
    authority: str
    title: str = ""

    def as_context(self) -> dict[str, str]:
        """The template's `signer` variable."""
        return {"authority": self.authority, "title": self.title, "name": self.name}


CHIEF = "CHÁNH VĂN PHÒNG"
DEPUTY = "PHÓ CHÁNH VĂN PHÒNG"


def signer_for(leader: Mapping[str, Any], units: Mapping[str, Mapping[str, Any]]) -> Signer:
    """How one leader signs an Office document (seed 001 Art. 29).

    The Chief signs in his own name; a Deputy Chief signs "KT." (ký thay) for the Chief; the head
    of an Office room signs "TL." (thừa lệnh) the Chief. Anyone else may not sign for the Office.
    """
    title = leader.get("title")
    name = str(leader.get("name", ""))
    lid = str(leader["_id"])
    if title == "office_chief":
        return Signer(lid, name, CHIEF)
    if title == "office_deputy":
        return Signer(lid, name, f"KT. {CHIEF}", DEPUTY)
    unit = units.get(str(leader.get("unit", ""))) or {}
    if title == "unit_head" and unit.get("kind") == "office_room":
        return Signer(lid, name, f"TL. {CHIEF}", f"TRƯỞNG {str(unit['name']).upper()}")
    raise ValueError(
        f"người ký: «{name}» không phải lãnh đạo Văn phòng (Chánh, Phó Chánh Văn phòng "
        "hoặc Trưởng phòng thuộc Văn phòng)"
    )


def resolve_signer(
    leaders: Sequence[Mapping[str, Any]],
    delegations: Sequence[Mapping[str, Any]],
    on: date,
    signer_id: str | None = None,
    units: Mapping[str, Mapping[str, Any]] | None = None,
) -> Signer:
    """Who signs on `on`: the chosen leader, else the Chief's delegate, else the Chief.

    Seed 001 Art. 29: reports of the Office to the PPC leaders are signed by the Chief; when he
    is away or has delegated (a delegation in force on the report date), the Deputy signs "KT.".
    With no Chief in office a Deputy signs "KT." (the one following the general sector first).
    With no Office leader at all the block keeps a blank name for the clerk to fill.
    """
    units = units or {}
    by_id = {str(x["_id"]): x for x in leaders}
    if signer_id:
        chosen = by_id.get(signer_id)
        if chosen is None:
            raise ValueError(f"người ký: không có lãnh đạo mã «{signer_id}»")
        if not in_office(chosen, on):
            raise ValueError(
                f"người ký: «{chosen.get('name')}» không đương nhiệm ngày {format_vn(on)}"
            )
        return signer_for(chosen, units)
    current = [x for x in leaders if in_office(x, on)]
    chiefs = [x for x in current if x.get("title") == "office_chief"]
    deputies = sorted(
        (x for x in current if x.get("title") == "office_deputy"),
        key=lambda x: ("general" not in x.get("portfolio", {}).get("sectors", []), str(x["_id"])),
    )
    deputy_ids = {str(x["_id"]) for x in deputies}
    chief_ids = {str(x["_id"]) for x in chiefs}
    for dlg in sorted(
        delegations, key=lambda d: optional_day(d.get("date_from")) or date.min, reverse=True
    ):
        if not in_force(dlg, on):
            continue
        if dlg.get("from_leader") in chief_ids and dlg.get("to_leader") in deputy_ids:
            return signer_for(by_id[str(dlg["to_leader"])], units)
    if chiefs:
        return signer_for(chiefs[0], units)
    if deputies:
        return signer_for(deputies[0], units)
    return Signer(None, "", CHIEF)


def signer_choices(leaders: Sequence[Mapping[str, Any]], on: date) -> list[tuple[str, str]]:
    """(id, label) of the Office leaders who may sign on `on` (for pickers)."""
    out = []
    for x in leaders:
        if x.get("title") in ("office_chief", "office_deputy") and in_office(x, on):
            role = "Chánh Văn phòng" if x["title"] == "office_chief" else "Phó Chánh Văn phòng"
            out.append((str(x["_id"]), f"{x.get('name')} ({role})"))
    out.sort(key=lambda item: (not item[1].endswith("(Chánh Văn phòng)"), item[1]))
    return out
