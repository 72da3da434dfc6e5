"""The demo organisation as records: units, leaders in office, delegations placed by today."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core import config
from core.calendar import WorkCalendar
from core.demo.days import _Days, _working_on_or_after
from core.demo.org_tables import (
    _BRANCHES,
    _DEPARTMENTS,
    _DEPUTIES,
    _DISTRICTS,
    _HEADS,
    _OFFICE_LEADERS,
    _PPC_LEADERS,
    _ROOMS,
    COMMUNE_START,
    DISTRICT_END,
    TERM_START,
)
from core.model import Delegation, DelegationScope, Leader, Portfolio, Unit
from core.text import fold


def _slug(name: str) -> str:
    """'Mỏ Cày Nam' -> 'MO-CAY-NAM' (stable unit codes)."""
    return "-".join(fold(name).upper().split())


@dataclass(frozen=True)
class Org:
    """The demo organisation and the lookups the generator needs."""

    units: list[Unit]
    leaders: list[Leader]
    district_successors: dict[str, str]
    rooms_of_units: dict[str, str]
    head_titles: dict[str, str]


def build_org(province: str | None = None, since: date = TERM_START) -> Org:
    """The units and leaders of the demo province (independent of the seed).

    Leaders are in office from `since` (the 2021 term, or the first day of a longer demo).
    """
    province = province or config.get("CDDH_PROVINCE")
    units: list[Unit] = [
        Unit(code="UBND", name=f"Ủy ban nhân dân tỉnh {province}", short_name="UBND tỉnh",
             kind="ppc", sector="general", order=0),
        Unit(code="VP", name="Văn phòng UBND tỉnh", short_name="Văn phòng", kind="office",
             parent="UBND", sector="general", order=10),
    ]  # fmt: skip
    rooms_of: dict[str, str] = {"UBND": "VP-TH", "VP": "VP-TH"}
    heads: dict[str, str] = {}
    for i, (code, name, short, _abbr) in enumerate(_ROOMS):
        units.append(
            Unit(code=code, name=name, short_name=short, kind="office_room", parent="VP",
                 sector="general", order=11 + i)
        )  # fmt: skip
    current = [d for d in _DEPARTMENTS if d.valid_to is None]
    order_of = {d.code: 100 + 10 * i for i, d in enumerate(current)}
    for d in _DEPARTMENTS:
        order = order_of.get(d.code) or order_of[d.successor or ""] + 1
        units.append(
            Unit(
                code=d.code,
                name=d.name,
                short_name=d.short,
                kind=d.kind,
                parent="UBND",
                valid_from=d.valid_from or date(2000, 1, 1),
                valid_to=d.valid_to,
                successor=d.successor,
                sector=d.sector,
                order=order,
            )
        )
        rooms_of[d.code] = d.room
        heads[d.code] = f"{d.head_title} {d.name}"
    centre_name = f"Trung tâm Phục vụ hành chính công tỉnh {province}"
    units.append(
        Unit(code="TTPVHCC", name=centre_name, short_name="TT Phục vụ HCC", kind="centre",
             parent="UBND", sector="general", order=400)
    )  # fmt: skip
    rooms_of["TTPVHCC"] = "VP-TH"
    heads["TTPVHCC"] = f"Giám đốc {centre_name}"
    for i, (code, place) in enumerate(_BRANCHES):
        units.append(
            Unit(code=code, name=f"{centre_name} - Chi nhánh {place}",
                 short_name=f"Chi nhánh {place}", kind="branch", parent="TTPVHCC",
                 sector="general", order=401 + i)
        )  # fmt: skip
        rooms_of[code] = "VP-TH"
    successors: dict[str, str] = {}
    order = 500
    for level, place, communes in _DISTRICTS:
        prefix = "TP" if level == "Thành phố" else "H"
        dcode = f"{prefix}-{_slug(place)}"
        word = "thành phố" if level == "Thành phố" else "huyện"
        short = f"TP. {place}" if level == "Thành phố" else f"H. {place}"
        ccodes = []
        commune_units = []
        for j, cname in enumerate(communes):
            is_ward = cname.startswith("Phường ")
            bare = cname.removeprefix("Phường ").removeprefix("Xã ")
            ccode = f"{'P' if is_ward else 'X'}-{_slug(bare)}"
            ccodes.append(ccode)
            commune_units.append(
                Unit(code=ccode, name=f"UBND {'phường' if is_ward else 'xã'} {bare}",
                     short_name=f"{'P.' if is_ward else 'X.'} {bare}", kind="commune",
                     parent="UBND", valid_from=COMMUNE_START, sector="local",
                     order=order + 1 + j)
            )  # fmt: skip
            rooms_of[ccode] = "VP-TH"
        units.append(
            Unit(code=dcode, name=f"UBND {word} {place}", short_name=short, kind="district",
                 parent="UBND", valid_to=DISTRICT_END, successor=ccodes[0], sector="local",
                 order=order)
        )  # fmt: skip
        rooms_of[dcode] = "VP-TH"
        successors[dcode] = ccodes[0]
        units.extend(commune_units)
        order += 20

    leaders = _build_leaders(units, min(since, TERM_START))
    return Org(units, leaders, successors, rooms_of, heads)


def _build_leaders(units: Sequence[Unit], since: date) -> list[Leader]:
    by_sector: dict[str, list[str]] = {}
    for u in units:
        if u.kind in ("ppc", "office", "office_room") or u.sector is None:
            continue
        by_sector.setdefault(u.sector, []).append(u.code)
    dept = {d.code: d for d in _DEPARTMENTS}
    leaders: list[Leader] = []
    for lid, name, title, sectors in _PPC_LEADERS:
        owned = [code for s in sectors for code in by_sector.get(s, [])]
        leaders.append(
            Leader(id=lid, name=name, title=title, unit="UBND",
                   portfolio=Portfolio(sectors=sectors, units=owned), term_from=since,
                   ppc_member=True)
        )  # fmt: skip
    for lid, name, title, sectors, rooms in _OFFICE_LEADERS:
        leaders.append(
            Leader(id=lid, name=name, title=title, unit="VP",
                   portfolio=Portfolio(sectors=sectors, units=rooms), term_from=since,
                   ppc_member=title == "office_chief")
        )  # fmt: skip
    for code, (name, member) in _HEADS.items():
        d = dept.get(code)
        start = d.valid_from if d is not None and d.valid_from is not None else since
        end = d.valid_to if d is not None else None
        leaders.append(
            Leader(id=f"TT-{code}", name=name, title="unit_head", unit=code, term_from=start,
                   term_to=end, ppc_member=member)
        )  # fmt: skip
    for code, name in _DEPUTIES.items():
        d = dept.get(code)
        start = d.valid_from if d is not None and d.valid_from is not None else since
        leaders.append(
            Leader(id=f"PTT-{code}", name=name, title="unit_deputy", unit=code, term_from=start)
        )
    return leaders


def build_delegations(
    org: Org, today: date, cal: WorkCalendar | _Days | None = None
) -> list[Delegation]:
    """Delegations placed relative to `today`; they satisfy the repository's rules."""
    cal = cal or WorkCalendar()
    leaders = {x.id: x for x in org.leaders}

    def span(days_before: int, working_days: int) -> tuple[date, date]:
        start = _working_on_or_after(cal, today - timedelta(days=days_before))
        return start, cal.add_working_days(start, working_days - 1)

    out: list[Delegation] = []
    a, b = span(160, 10)
    out.append(
        Delegation(
            id="UQ-CT-PCT-KT",
            from_leader="CT",
            to_leader="PCT-KT",
            scope=DelegationScope(sectors=["general"], units=list(leaders["CT"].portfolio.units)),
            date_from=a,
            date_to=b,
            reason="Chủ tịch UBND tỉnh đi công tác nước ngoài; ủy quyền Phó Chủ tịch Thường trực "
            "chỉ đạo, điều hành lĩnh vực được phân công",
        )
    )
    a, b = span(300, 8)
    out.append(
        Delegation(
            id="UQ-PCT-VX-PCT-NN",
            from_leader="PCT-VX",
            to_leader="PCT-NN",
            scope=DelegationScope(
                sectors=["culture_society"], units=list(leaders["PCT-VX"].portfolio.units)
            ),
            date_from=a,
            date_to=b,
            reason="Phó Chủ tịch UBND tỉnh nghỉ phép năm",
        )
    )
    a, b = span(4, 10)
    out.append(
        Delegation(
            id="UQ-PCT-XD-PCT-KT",
            from_leader="PCT-XD",
            to_leader="PCT-KT",
            scope=DelegationScope(
                sectors=["construction"], units=list(leaders["PCT-XD"].portfolio.units)
            ),
            date_from=a,
            date_to=b,
            reason="Phó Chủ tịch UBND tỉnh tham dự lớp bồi dưỡng kiến thức quốc phòng và an ninh",
        )
    )
    a, b = span(60, 4)
    out.append(
        Delegation(
            id="UQ-CVP-PCVP-TH",
            from_leader="CVP",
            to_leader="PCVP-TH",
            scope=DelegationScope(sectors=["general"], units=["VP"]),
            date_from=a,
            date_to=b,
            reason="Chánh Văn phòng đi công tác Trung ương; ủy nhiệm Phó Chánh Văn phòng điều "
            "hành hoạt động của Văn phòng",
        )
    )
    a, b = span(420, 3)
    out.append(
        Delegation(
            id="UQ-CVP-PCVP-KT",
            from_leader="CVP",
            to_leader="PCVP-KT",
            scope=DelegationScope(sectors=["general"], units=["VP"]),
            date_from=a,
            date_to=b,
            reason="Chánh Văn phòng nghỉ phép; ủy nhiệm Phó Chánh Văn phòng điều hành hoạt động "
            "của Văn phòng",
        )
    )
    return out
