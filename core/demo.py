"""The demo province (tỉnh mẫu): a deterministic, realistic organisation, documents and tasks.

`build_demo` generates everything in memory without a database; `load_demo` streams the same data
into an empty store. Same `tasks`, `seed`, `today` (and CDDH_PROVINCE / CDDH_OFFICE_ABBR) give the
same data: one `random.Random(seed)`, no clock, no time-dependent ids. `today` defaults to the fixed
day DEMO_TODAY (20/11/2026), not the real date, so the demo looks the same whenever it is loaded;
every instant (entered_at, events) is derived from the days of the task.

Size rules: documents span `years` years ending at `today` (default 3 up to 30,000 tasks, else
10); task_events are stored in full up to EVENTS_FULL_LIMIT tasks, above it only the "created"
event of each task is stored (the task's version still counts its whole history). Tasks are built
as plain values; the pydantic Task model validates every task up to EVENTS_FULL_LIMIT and a sample
above, and the stored form is checked to be exactly `Task.to_mongo`'s.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from core import config
from core.calendar import WorkCalendar
from core.dates import format_vn, local_day_of, to_bson_day
from core.errors import Problem, ValidationFailed
from core.model import Delegation, DelegationScope, Document, Leader, Portfolio, Task, Unit
from core.text import fold

if TYPE_CHECKING:
    from core.repository import Repository

DEMO_TODAY = date(2026, 11, 20)
"""The default 'today' of the demo: fixed, so the demo is reproducible."""

ACTOR = "demo"
EVENTS_FULL_LIMIT = 50_000
SAMPLE_VALIDATION_EVERY = 97
BATCH = 5000

MERGER_DAY = date(2025, 3, 1)  # provincial departments merged (Decree 45/2025 and related)
OLD_DEPARTMENT_END = date(2025, 2, 28)
DISTRICT_END = date(2025, 6, 30)  # the district level abolished
COMMUNE_START = date(2025, 7, 1)  # two-level local government
TERM_START = date(2021, 6, 28)  # the PPC's 2021-2026 term
RETURN_REASON = "Không thuộc chức năng, nhiệm vụ của đơn vị"

# --- the organisation -----------------------------------------------------------------------

# Rooms of the PPC Office (seed 000): code, name, short name, abbreviation in công văn numbers.
_ROOMS: list[tuple[str, str, str, str]] = [
    ("VP-TH", "Phòng Tổng hợp", "P. Tổng hợp", "TH"),
    ("VP-KT", "Phòng Kinh tế", "P. Kinh tế", "KT"),
    ("VP-KGVX", "Phòng Khoa giáo - Văn xã", "P. KGVX", "KGVX"),
    ("VP-NC", "Phòng Nội chính", "P. Nội chính", "NC"),
    ("VP-HCTC", "Phòng Hành chính - Tổ chức", "P. HC-TC", "HCTC"),
    ("VP-QTTV", "Phòng Quản trị - Tài vụ", "P. QT-TV", "QTTV"),
    ("VP-BTCD", "Ban Tiếp công dân tỉnh", "Ban TCD", "BTCD"),
]
ROOM_ABBR = {code: abbr for code, _, _, abbr in _ROOMS}

# Specialists (chuyên viên theo dõi) of the rooms that track tasks.
SPECIALISTS: dict[str, list[str]] = {
    "VP-TH": ["Nguyễn Thị Thu Hà", "Trần Văn Phong", "Lê Thị Hồng Gấm"],
    "VP-KT": ["Phạm Quốc Cường", "Võ Thị Ngọc Hân", "Huỳnh Văn Kiệt"],
    "VP-KGVX": ["Đặng Minh Tuấn", "Bùi Thị Thanh Tuyền", "Ngô Thị Cẩm Tú"],
    "VP-NC": ["Lương Văn Hậu", "Trịnh Thị Mỹ Duyên", "Phan Thanh Vũ"],
}


@dataclass(frozen=True)
class _Dept:
    """A provincial unit led by a head: department, board, agency or the centre."""

    code: str
    name: str
    short: str
    kind: str
    sector: str
    room: str
    head_title: str
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None


_DEPARTMENTS: list[_Dept] = [
    _Dept("SNV", "Sở Nội vụ", "Sở Nội vụ", "department", "general", "VP-TH", "Giám đốc"),
    _Dept("STC", "Sở Tài chính", "Sở Tài chính", "department", "economy", "VP-KT", "Giám đốc"),
    _Dept("SXD", "Sở Xây dựng", "Sở Xây dựng", "department", "construction", "VP-KT", "Giám đốc"),
    _Dept("SCT", "Sở Công Thương", "Sở Công Thương", "department", "economy", "VP-KT", "Giám đốc"),
    _Dept(
        "SNNMT",
        "Sở Nông nghiệp và Môi trường",
        "Sở NN&MT",
        "department",
        "agriculture",
        "VP-KT",
        "Giám đốc",
        valid_from=MERGER_DAY,
    ),
    _Dept("SYT", "Sở Y tế", "Sở Y tế", "department", "culture_society", "VP-KGVX", "Giám đốc"),
    _Dept(
        "SGDDT",
        "Sở Giáo dục và Đào tạo",
        "Sở GD&ĐT",
        "department",
        "culture_society",
        "VP-KGVX",
        "Giám đốc",
    ),
    _Dept(
        "SVHTTDL",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở VHTTDL",
        "department",
        "culture_society",
        "VP-KGVX",
        "Giám đốc",
    ),
    _Dept(
        "SKHCN",
        "Sở Khoa học và Công nghệ",
        "Sở KH&CN",
        "department",
        "culture_society",
        "VP-KGVX",
        "Giám đốc",
    ),
    _Dept("STP", "Sở Tư pháp", "Sở Tư pháp", "department", "general", "VP-NC", "Giám đốc"),
    _Dept(
        "SDTTG",
        "Sở Dân tộc và Tôn giáo",
        "Sở DT&TG",
        "department",
        "culture_society",
        "VP-KGVX",
        "Giám đốc",
        valid_from=MERGER_DAY,
    ),
    _Dept("TTT", "Thanh tra tỉnh", "Thanh tra tỉnh", "department", "general", "VP-NC", "Chánh"),
    _Dept("SNGV", "Sở Ngoại vụ", "Sở Ngoại vụ", "department", "general", "VP-TH", "Giám đốc"),
    # Merged on 1 March 2025 into their successors.
    _Dept(
        "SKHDT",
        "Sở Kế hoạch và Đầu tư",
        "Sở KH&ĐT",
        "department",
        "economy",
        "VP-KT",
        "Giám đốc",
        valid_to=OLD_DEPARTMENT_END,
        successor="STC",
    ),
    _Dept(
        "STNMT",
        "Sở Tài nguyên và Môi trường",
        "Sở TN&MT",
        "department",
        "agriculture",
        "VP-KT",
        "Giám đốc",
        valid_to=OLD_DEPARTMENT_END,
        successor="SNNMT",
    ),
    _Dept(
        "SNNPTNT",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở NN&PTNT",
        "department",
        "agriculture",
        "VP-KT",
        "Giám đốc",
        valid_to=OLD_DEPARTMENT_END,
        successor="SNNMT",
    ),
    _Dept(
        "SGTVT",
        "Sở Giao thông vận tải",
        "Sở GTVT",
        "department",
        "construction",
        "VP-KT",
        "Giám đốc",
        valid_to=OLD_DEPARTMENT_END,
        successor="SXD",
    ),
    _Dept(
        "SLDTBXH",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở LĐ-TB&XH",
        "department",
        "culture_society",
        "VP-KGVX",
        "Giám đốc",
        valid_to=OLD_DEPARTMENT_END,
        successor="SNV",
    ),
    _Dept(
        "STTTT",
        "Sở Thông tin và Truyền thông",
        "Sở TT&TT",
        "department",
        "culture_society",
        "VP-KGVX",
        "Giám đốc",
        valid_to=OLD_DEPARTMENT_END,
        successor="SKHCN",
    ),
    _Dept(
        "BQL-KCN",
        "Ban Quản lý các khu công nghiệp",
        "BQL các KCN",
        "board",
        "economy",
        "VP-KT",
        "Trưởng",
    ),
    _Dept(
        "BQLDA",
        "Ban Quản lý dự án đầu tư xây dựng tỉnh",
        "BQLDA ĐTXD tỉnh",
        "board",
        "construction",
        "VP-KT",
        "Giám đốc",
    ),
    _Dept("CA", "Công an tỉnh", "Công an tỉnh", "agency", "general", "VP-NC", "Giám đốc"),
    _Dept(
        "BCHQS",
        "Bộ Chỉ huy Quân sự tỉnh",
        "Bộ CHQS tỉnh",
        "agency",
        "general",
        "VP-NC",
        "Chỉ huy trưởng",
    ),
]

# Districts (valid to 30/06/2025) and the communes/wards that replaced them (from 01/07/2025);
# the first commune of each is the district's successor.
_DISTRICTS: list[tuple[str, str, list[str]]] = [
    (
        "Thành phố",
        "Bến Tre",
        ["Phường An Hội", "Phường Phú Khương", "Phường Sơn Đông", "Phường Bến Tre", "Xã Phú Nhuận"],
    ),
    (
        "Huyện",
        "Châu Thành",
        ["Xã Châu Thành", "Xã Tiên Thủy", "Xã Phú Túc", "Xã Tân Phú", "Xã Tường Đa", "Xã Phú Đức"],
    ),
    (
        "Huyện",
        "Chợ Lách",
        ["Xã Chợ Lách", "Xã Vĩnh Thành", "Xã Phú Phụng", "Xã Hưng Khánh Trung", "Xã Vĩnh Bình"],
    ),
    (
        "Huyện",
        "Mỏ Cày Nam",
        ["Xã Mỏ Cày", "Xã Đa Phước Hội", "Xã Hương Mỹ", "Xã Cẩm Sơn", "Xã Tân Trung", "Xã An Định"],
    ),
    (
        "Huyện",
        "Mỏ Cày Bắc",
        [
            "Xã Phước Mỹ Trung",
            "Xã Tân Thành Bình",
            "Xã Nhuận Phú Tân",
            "Xã Thành An",
            "Xã Tân Phú Tây",
        ],
    ),
    (
        "Huyện",
        "Giồng Trôm",
        [
            "Xã Giồng Trôm",
            "Xã Lương Hòa",
            "Xã Châu Hòa",
            "Xã Phước Long",
            "Xã Tân Hào",
            "Xã Hưng Nhượng",
        ],
    ),
    (
        "Huyện",
        "Bình Đại",
        [
            "Xã Bình Đại",
            "Xã Phú Thuận",
            "Xã Thới Thuận",
            "Xã Thạnh Phước",
            "Xã Lộc Thuận",
            "Xã Châu Hưng",
        ],
    ),
    (
        "Huyện",
        "Ba Tri",
        [
            "Xã Ba Tri",
            "Xã Tân Xuân",
            "Xã Mỹ Chánh Hòa",
            "Xã An Ngãi Trung",
            "Xã Bảo Thạnh",
            "Xã An Hiệp",
        ],
    ),
    (
        "Huyện",
        "Thạnh Phú",
        ["Xã Thạnh Phú", "Xã Đại Điền", "Xã Quới Điền", "Xã Thạnh Hải", "Xã An Quy", "Xã Phú Tân"],
    ),
]

# Leaders of the PPC: id, name, sectors of the portfolio (the units follow from the sectors).
_PPC_LEADERS: list[tuple[str, str, str, list[str]]] = [
    ("CT", "Lê Minh Quang", "chairman", ["general"]),
    ("PCT-KT", "Nguyễn Thanh Tùng", "vice_chairman", ["economy"]),
    ("PCT-XD", "Phạm Văn Hùng", "vice_chairman", ["construction"]),
    ("PCT-VX", "Trần Thị Thu Hương", "vice_chairman", ["culture_society"]),
    ("PCT-NN", "Võ Hoàng Phúc", "vice_chairman", ["agriculture", "local"]),
]
SECTOR_HOLDER: dict[str, str] = {
    sector: lid for lid, _, _, sectors in _PPC_LEADERS for sector in sectors
}

# The Office's leaders: id, name, title, sectors followed, rooms supervised.
_OFFICE_LEADERS: list[tuple[str, str, str, list[str], list[str]]] = [
    ("CVP", "Huỳnh Quốc Bảo", "office_chief", ["general"], ["VP-TH", "VP-HCTC"]),
    ("PCVP-TH", "Đặng Thị Ngọc Ánh", "office_deputy", ["general", "local"], ["VP-NC", "VP-BTCD"]),
    (
        "PCVP-KT",
        "Lâm Văn Đức",
        "office_deputy",
        ["economy", "agriculture", "construction"],
        ["VP-KT", "VP-QTTV"],
    ),
    ("PCVP-VX", "Bùi Thị Kim Loan", "office_deputy", ["culture_society"], ["VP-KGVX"]),
]

# Unit heads (title unit_head): unit code -> (name, PPC member).
_HEADS: dict[str, tuple[str, bool]] = {
    "SNV": ("Ngô Văn Tâm", True),
    "STC": ("Đỗ Thị Mỹ Linh", True),
    "SXD": ("Trương Công Minh", False),
    "SCT": ("Phan Thị Thanh Thảo", False),
    "SNNMT": ("Nguyễn Hữu Lộc", False),
    "SYT": ("Lê Thị Bích Ngọc", False),
    "SGDDT": ("Hồ Văn Nam", False),
    "SVHTTDL": ("Dương Thị Hồng Nhung", False),
    "SKHCN": ("Cao Minh Trí", False),
    "STP": ("Tô Văn Hiếu", False),
    "SDTTG": ("Thạch Văn Sang", False),
    "TTT": ("Mai Xuân Khánh", False),
    "SNGV": ("Vương Thị Diễm Trang", False),
    "BQL-KCN": ("Châu Văn Lực", False),
    "BQLDA": ("Quách Thành Nhân", False),
    "CA": ("Đinh Quốc Việt", True),
    "BCHQS": ("Hà Minh Chiến", True),
    "TTPVHCC": ("Lý Thị Phương Thảo", False),
    "SKHDT": ("Nguyễn Thị Hồng Vân", False),
    "STNMT": ("Trần Văn Dũng", False),
    "SNNPTNT": ("Phạm Minh Triết", False),
    "SGTVT": ("Lê Hoàng Sơn", False),
    "SLDTBXH": ("Huỳnh Thị Mai", False),
    "STTTT": ("Võ Thanh Bình", False),
}
# Deputies (unit_deputy) of some units.
_DEPUTIES: dict[str, str] = {
    "SNV": "Trần Quốc Huy",
    "STC": "Nguyễn Thị Yến Nhi",
    "CA": "Lê Văn Thắng",
    "SYT": "Phạm Thị Ngọc Diệp",
    "SXD": "Võ Văn Tài",
    "SNNMT": "Đoàn Thị Lan Anh",
    "SGDDT": "Nguyễn Hoàng Long",
}

_BRANCHES: list[tuple[str, str]] = [
    ("TTPVHCC-CN1", "Bến Tre"),
    ("TTPVHCC-CN2", "Châu Thành"),
    ("TTPVHCC-CN3", "Mỏ Cày"),
    ("TTPVHCC-CN4", "Ba Tri"),
]


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


class _Days:
    """WorkCalendar's working days tabulated over a range, for fast lookups (same answers)."""

    def __init__(self, cal: WorkCalendar, first: date, last: date) -> None:
        self.cal = cal
        self.first = first.toordinal()
        self.last = last.toordinal()
        self.ords = [o for o in range(self.first, self.last + 1) if cal.is_working_day(_d(o))]
        self.set = frozenset(self.ords)

    def is_working_day(self, d: date) -> bool:
        o = d.toordinal()
        if self.first <= o <= self.last:
            return o in self.set
        return self.cal.is_working_day(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (n > 0), as WorkCalendar.add_working_days."""
        o = d.toordinal()
        if n > 0 and self.first <= o <= self.last:
            i = bisect_right(self.ords, o) - 1 + n
            if 0 <= i < len(self.ords):
                return _d(self.ords[i])
        return self.cal.add_working_days(d, n)


def _d(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def _working_on_or_after(cal: WorkCalendar | _Days, d: date) -> date:
    return d if cal.is_working_day(d) else cal.add_working_days(d, 1)


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


# --- texts ------------------------------------------------------------------------------------

_TOPICS: dict[str, list[str]] = {
    "general": [
        "công tác cải cách hành chính",
        "công tác chuyển đổi số trong cơ quan nhà nước",
        "công tác tiếp công dân, giải quyết khiếu nại, tố cáo",
        "công tác phòng, chống tham nhũng, tiêu cực",
        "công tác sắp xếp tổ chức bộ máy",
        "công tác bảo đảm an ninh, trật tự",
        "công tác thi đua, khen thưởng",
        "công tác kiểm soát thủ tục hành chính",
        "công tác phổ biến, giáo dục pháp luật",
        "công tác quản lý biên chế",
        "công tác quốc phòng địa phương",
        "nâng cao Chỉ số hài lòng của người dân, tổ chức (SIPAS)",
        "công tác đối ngoại",
        "công tác xây dựng và kiểm tra văn bản quy phạm pháp luật",
        "công tác phòng cháy, chữa cháy",
    ],
    "economy": [
        "giải ngân vốn đầu tư công",
        "thu ngân sách nhà nước",
        "cải thiện Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
        "thu hút đầu tư vào các khu công nghiệp",
        "hỗ trợ phát triển doanh nghiệp",
        "bình ổn thị trường hàng hóa dịp Tết Nguyên đán",
        "xúc tiến thương mại, mở rộng thị trường xuất khẩu",
        "quản lý giá và thị trường",
        "thực hành tiết kiệm, chống lãng phí",
        "phát triển kinh tế tập thể, hợp tác xã",
        "quyết toán dự án hoàn thành",
        "sắp xếp lại, xử lý tài sản công",
        "phát triển điện gió và năng lượng tái tạo",
        "phòng, chống buôn lậu, gian lận thương mại và hàng giả",
    ],
    "culture_society": [
        "công tác phòng, chống dịch sốt xuất huyết",
        "công tác tiêm chủng mở rộng",
        "thực hiện bảo hiểm y tế toàn dân",
        "công tác tổ chức Kỳ thi tốt nghiệp trung học phổ thông",
        "xóa phòng học tạm, phòng học mượn",
        "xây dựng trường học đạt chuẩn quốc gia",
        "phát triển du lịch",
        "bảo tồn và phát huy giá trị di tích lịch sử - văn hóa",
        "phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa",
        "công tác giảm nghèo bền vững",
        "công tác giải quyết việc làm, đào tạo nghề",
        "chăm lo Tết cho hộ nghèo và gia đình chính sách",
        "xóa nhà tạm, nhà dột nát",
        "bảo đảm an toàn thực phẩm",
        "ứng dụng tiến bộ khoa học và công nghệ",
        "công tác dân tộc, tôn giáo",
        "phát triển thể dục, thể thao",
    ],
    "agriculture": [
        "phòng, chống xâm nhập mặn, hạn hán",
        "phòng, chống thiên tai và tìm kiếm cứu nạn",
        "phòng, chống dịch tả lợn châu Phi",
        "chống khai thác hải sản bất hợp pháp, không báo cáo và không theo quy định (IUU)",
        "xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu",
        "Chương trình Mỗi xã một sản phẩm (OCOP)",
        "chuyển đổi cơ cấu cây trồng, vật nuôi",
        "quản lý hoạt động khai thác cát lòng sông",
        "thu gom, xử lý chất thải rắn sinh hoạt",
        "cấp giấy chứng nhận quyền sử dụng đất",
        "xây dựng bảng giá đất",
        "phát triển vùng trồng dừa hữu cơ",
        "bảo vệ và phát triển rừng phòng hộ ven biển",
        "phòng, chống sạt lở bờ sông, bờ biển",
        "bảo vệ môi trường tại các khu, cụm công nghiệp",
    ],
    "construction": [
        "bảo đảm trật tự an toàn giao thông",
        "quản lý trật tự xây dựng",
        "phát triển nhà ở xã hội",
        "đẩy nhanh tiến độ dự án đường bộ cao tốc",
        "bảo trì hệ thống đường tỉnh",
        "quản lý chất lượng công trình xây dựng",
        "lập, điều chỉnh quy hoạch đô thị",
        "đẩy nhanh tiến độ dự án cầu Rạch Miễu 2",
        "đẩy nhanh tiến độ dự án đường ven biển",
        "công tác bồi thường, giải phóng mặt bằng",
        "quản lý vật liệu xây dựng",
        "phát triển hạ tầng giao thông nông thôn",
    ],
    "local": [
        "xây dựng nông thôn mới nâng cao",
        "thu ngân sách nhà nước",
        "công tác giải phóng mặt bằng",
        "quản lý nhà nước về đất đai",
        "cải cách hành chính tại bộ phận một cửa",
        "giải quyết kiến nghị của cử tri",
        "xử lý vi phạm hành chính trong lĩnh vực đất đai",
        "chỉnh trang đô thị, vệ sinh môi trường",
    ],
}
_LOCAL_BEFORE = "sắp xếp đơn vị hành chính cấp huyện, cấp xã"
_LOCAL_AFTER = "vận hành chính quyền địa phương hai cấp"

_PROGRAMS: list[tuple[str, str]] = [
    ("agriculture", "Chương trình mục tiêu quốc gia xây dựng nông thôn mới"),
    ("culture_society", "Chương trình mục tiêu quốc gia giảm nghèo bền vững"),
    (
        "culture_society",
        "Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc "
        "thiểu số và miền núi",
    ),
    ("culture_society", "Chương trình chuyển đổi số quốc gia"),
    ("economy", "Chương trình thực hành tiết kiệm, chống lãng phí"),
    ("agriculture", "Chiến lược quốc gia phòng, chống thiên tai"),
    (
        "general",
        "Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử (Đề án 06)",
    ),
    ("construction", "Quy hoạch tỉnh thời kỳ 2021 - 2030, tầm nhìn đến năm 2050"),
    ("economy", "Kế hoạch phát triển kinh tế - xã hội và dự toán ngân sách nhà nước"),
]

# Công điện topics: sector, text ({y}: season year), months when they are issued (empty: any).
_CD_TOPICS: list[tuple[str, str, tuple[int, ...]]] = [
    (
        "agriculture",
        "chủ động ứng phó với xâm nhập mặn, thiếu nước ngọt mùa khô {y} - {y1}",
        (12, 1, 2, 3, 4),
    ),
    ("agriculture", "tập trung ứng phó với áp thấp nhiệt đới, bão và mưa lớn", (8, 9, 10, 11)),
    ("agriculture", "chủ động ứng phó với triều cường, sạt lở bờ sông", (9, 10, 11, 12)),
    ("agriculture", "tăng cường phòng, chống dịch tả lợn châu Phi", ()),
    ("culture_society", "tăng cường phòng, chống dịch sốt xuất huyết", (5, 6, 7, 8, 9, 10)),
    ("economy", "đẩy nhanh tiến độ giải ngân vốn đầu tư công năm {y}", (6, 7, 8, 9, 10, 11, 12)),
    ("general", "tăng cường công tác phòng cháy, chữa cháy", ()),
    (
        "construction",
        "bảo đảm trật tự an toàn giao thông dịp Tết Nguyên đán và Lễ hội Xuân",
        (12, 1, 2),
    ),
]

_ABSTRACTS: dict[str, list[str]] = {
    "QD": [
        "Về việc phê duyệt Kế hoạch {topic} năm {y}",
        "Ban hành Quy chế phối hợp trong {topic} trên địa bàn tỉnh {p}",
        "Về việc phê duyệt Đề án {topic} giai đoạn {y} - {y5}",
        "Về việc thành lập Tổ công tác chỉ đạo {topic}",
        "Về việc giao chỉ tiêu, nhiệm vụ {topic} năm {y}",
    ],
    "CT": [
        "Về việc tăng cường {topic} trên địa bàn tỉnh {p}",
        "Về việc đẩy mạnh {topic}",
        "Về việc nâng cao trách nhiệm của người đứng đầu trong {topic}",
    ],
    "KH": [
        "Kế hoạch thực hiện {program} năm {y}",
        "Kế hoạch triển khai {topic} trên địa bàn tỉnh {p} năm {y}",
        "Kế hoạch kiểm tra {topic} năm {y}",
    ],
    "CV": [
        "Về việc triển khai thực hiện {topic}",
        "Về việc rà soát, báo cáo tình hình {topic}",
        "Về việc tăng cường {topic}",
        "Về việc xử lý kiến nghị của {unit} liên quan đến {topic}",
        "Về việc chấn chỉnh, khắc phục hạn chế trong {topic}",
        "Về việc đôn đốc thực hiện {topic}",
    ],
    "TB": [
        "Thông báo kết luận của {leader} tại buổi làm việc với {unit} về tình hình thực hiện "
        "nhiệm vụ năm {y}",
        "Thông báo kết luận của {leader} tại cuộc họp về {topic}",
        "Thông báo kết luận của {leader} tại buổi kiểm tra {topic}",
    ],
}

_DOSSIERS = [
    "dự thảo Quyết định",
    "Đề án",
    "Kế hoạch",
    "dự thảo Tờ trình và Nghị quyết trình Hội đồng nhân dân tỉnh",
    "Phương án",
]

_TASK_TEMPLATES = [
    "Chủ trì, phối hợp với các cơ quan, đơn vị liên quan tham mưu UBND tỉnh triển khai {topic}; "
    "báo cáo kết quả về UBND tỉnh.",
    "Rà soát, báo cáo UBND tỉnh tình hình {topic}; đề xuất giải pháp tháo gỡ khó khăn, vướng mắc.",
    "Khẩn trương hoàn thiện hồ sơ {dossier} về {topic}, trình UBND tỉnh xem xét, quyết định.",
    "Tham mưu UBND tỉnh ban hành kế hoạch thực hiện {topic} năm {y}.",
    "Tổ chức kiểm tra, đôn đốc việc thực hiện {topic}; kịp thời báo cáo, đề xuất UBND tỉnh chỉ "
    "đạo xử lý những vấn đề vượt thẩm quyền.",
    "Tổng hợp, đánh giá kết quả {topic}; xây dựng báo cáo sơ kết, gửi Văn phòng UBND tỉnh để "
    "tổng hợp, báo cáo UBND tỉnh.",
    "Nghiên cứu, tiếp thu ý kiến của các thành viên UBND tỉnh, hoàn chỉnh {dossier} về {topic}.",
    "Xây dựng dự thảo văn bản quy định về {topic}, gửi Sở Tư pháp thẩm định trước khi trình UBND "
    "tỉnh.",
    "Phối hợp với các địa phương xây dựng phương án cụ thể về {topic}, báo cáo UBND tỉnh.",
]
_TASK_WITH_COORD = (
    "Chủ trì, phối hợp với {coords} tham mưu UBND tỉnh các giải pháp nâng cao hiệu quả {topic}."
)
_LOCAL_TEMPLATES = [
    "Tập trung chỉ đạo thực hiện {topic} trên địa bàn; định kỳ hằng tháng báo cáo kết quả về UBND "
    "tỉnh (qua Văn phòng UBND tỉnh).",
    "Rà soát, báo cáo UBND tỉnh tình hình {topic} trên địa bàn; đề xuất giải pháp tháo gỡ khó "
    "khăn, vướng mắc.",
    "Chủ động phối hợp với các sở, ngành tỉnh giải quyết dứt điểm các vướng mắc về {topic}; báo "
    "cáo kết quả về UBND tỉnh.",
    "Khẩn trương triển khai {topic} theo kế hoạch; chịu trách nhiệm trước Chủ tịch UBND tỉnh nếu "
    "để chậm trễ.",
    "Tuyên truyền, vận động Nhân dân tham gia {topic}; báo cáo kết quả về UBND tỉnh.",
]
_CD_TASKS = [
    "Tổ chức trực ban nghiêm túc, theo dõi chặt chẽ diễn biến; triển khai ngay các biện pháp theo "
    "nội dung Công điện, báo cáo kết quả hằng ngày về UBND tỉnh.",
    "Kiểm tra, rà soát các khu vực xung yếu, chuẩn bị lực lượng, phương tiện theo phương châm "
    "“bốn tại chỗ”; báo cáo UBND tỉnh trước 16 giờ hằng ngày.",
    "Thông tin kịp thời, đầy đủ cho Nhân dân về nội dung Công điện để chủ động phòng tránh.",
]
_PROGRESS_NOTES = [
    "Đang phối hợp các đơn vị liên quan rà soát, tổng hợp số liệu.",
    "Đã có văn bản xin ý kiến các sở, ngành; đang tổng hợp, hoàn chỉnh dự thảo.",
    "Đang triển khai thực hiện; dự kiến hoàn thành đúng thời hạn.",
    "Đã tổ chức họp triển khai; đang chờ các địa phương gửi báo cáo.",
    "Gặp khó khăn do vướng mắc về thủ tục; đã báo cáo xin ý kiến cấp có thẩm quyền.",
    "Đã hoàn thành dự thảo, đang lấy ý kiến thẩm định.",
]
_OVERDUE_NOTES = [
    "Chưa hoàn thành do nội dung phức tạp, cần thêm thời gian phối hợp; đề nghị gia hạn.",
    "Chưa hoàn thành do chờ ý kiến của Bộ, ngành Trung ương.",
    "Chưa hoàn thành do vướng mắc về kinh phí thực hiện.",
]
_EXTENSION_REASONS = [
    "Nội dung phức tạp, cần thêm thời gian lấy ý kiến các sở, ngành",
    "Chờ hướng dẫn của Bộ, ngành Trung ương",
    "Vướng mắc trong công tác bồi thường, giải phóng mặt bằng",
    "Chờ bố trí kinh phí thực hiện",
    "Đơn vị đề nghị gia hạn để hoàn chỉnh hồ sơ theo ý kiến thẩm định",
]
_CANCEL_REASONS = [
    "Nhiệm vụ không còn phù hợp do thay đổi quy định của Trung ương",
    "Đã được thay thế bằng nhiệm vụ tại văn bản chỉ đạo khác",
    "Do sắp xếp tổ chức bộ máy, nhiệm vụ không còn phù hợp",
]
_RESULTS = [
    "Đã tham mưu UBND tỉnh ban hành văn bản chỉ đạo; báo cáo kết quả tại Văn bản số {n}/{abbr} "
    "ngày {d}.",
    "Đã triển khai thực hiện; báo cáo kết quả tại Báo cáo số {n}/BC-{abbr} ngày {d}.",
    "Đã hoàn thành, có Tờ trình số {n}/TTr-{abbr} ngày {d} trình UBND tỉnh.",
    "Đã tổ chức kiểm tra và báo cáo kết quả tại Văn bản số {n}/{abbr} ngày {d}.",
]

# Document types: weight, tasks per document (values, weights), largest step of the number.
_TYPES: list[tuple[str, int]] = [
    ("CV", 47),
    ("QD", 15),
    ("TB", 20),
    ("KH", 13),
    ("CT", 3),
    ("CD", 2),
]
_MANY = ([3, 4, 5, 6, 7, 8], [15, 20, 20, 18, 15, 12])
_TASKS_PER_DOC: dict[str, tuple[list[int], list[int]]] = {
    "CV": ([1, 2, 3], [50, 35, 15]),
    "QD": ([1, 2, 3, 4], [35, 30, 20, 15]),
    "TB": _MANY,
    "KH": _MANY,
    "CT": _MANY,
    "CD": ([2, 3, 4, 5, 6], [25, 25, 25, 15, 10]),
}
_NUMBER_STEP = {"CV": 18, "QD": 12, "KH": 3, "TB": 3, "CT": 1, "CD": 2}
_NO_DEADLINE = {"CT": 0.45, "KH": 0.25, "QD": 0.25, "TB": 0.15, "CV": 0.15, "CD": 0.08}
_SECTOR_WEIGHTS: list[tuple[str, int]] = [
    ("general", 20),
    ("economy", 22),
    ("culture_society", 20),
    ("agriculture", 18),
    ("construction", 12),
    ("local", 8),
]
_LEAD_KINDS = ("department", "board", "agency", "centre")


def document_number(doc_type: str, counter: int, room: str, office_abbr: str) -> str:
    """The official 'số, ký hiệu' of a document: '123/QĐ-UBND', '3456/UBND-KT', '78/TB-VPUBND'."""
    if doc_type == "CV":
        return f"{counter}/UBND-{ROOM_ABBR[room]}"
    if doc_type == "TB":
        return f"{counter}/TB-{office_abbr}"
    abbr = {"QD": "QĐ", "CT": "CT", "KH": "KH", "CD": "CĐ"}[doc_type]
    return f"{counter}/{abbr}-UBND"


# --- the data set -----------------------------------------------------------------------------


@dataclass
class DemoData:
    """Everything the demo stores: org records as models, the rest in stored form."""

    today: date
    units: list[Unit]
    leaders: list[Leader]
    delegations: list[Delegation]
    documents: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    events: list[dict[str, Any]]
    rarely_updating: list[str]


def default_years(tasks: int) -> int:
    """Years of documents for a size: 3 (≈3,000 tasks a year by default), 10 above 30,000."""
    return 3 if tasks <= 30_000 else 10


@cache
def _bday(d: date) -> datetime:
    """to_bson_day, cached: a few thousand distinct days are converted millions of times."""
    return to_bson_day(d)


def _instant(d: date, hour: int, minute: int) -> datetime:
    """A local time of day `d` in Asia/Ho_Chi_Minh, as a UTC instant."""
    return _bday(d) + timedelta(hours=hour, minutes=minute)


def _day(d: date | None) -> datetime | None:
    return _bday(d) if d is not None else None


@lru_cache(maxsize=50_000)
def _fold(text: str) -> str:
    return fold(text)


def _task_form(t: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """Exactly `Task.model_validate(t).to_mongo(doc)` for the clean values built here.

    search_text folds content and abstract apart (cached): the same as folding them joined by
    a space, since both are trimmed NFC text; the sampled validation checks it.
    """
    return {
        "_id": f"{t['document']}#{t['seq']}",
        "document": t["document"],
        "seq": t["seq"],
        "content": t["content"],
        "search_text": f"{_fold(t['content'])} {_fold(doc.get('abstract', ''))}".strip(),
        "lead_unit": t["lead_unit"],
        "coord_units": list(t["coord_units"]),
        "tracking_room": t["tracking_room"],
        "specialist": t["specialist"],
        "assigned_date": _bday(t["assigned_date"]),
        "deadline": _day(t["deadline"]),
        "extensions": [
            {
                "new_deadline": _bday(e["new_deadline"]),
                "approved_date": _bday(e["approved_date"]),
                "approver": e["approver"],
                "reason": e["reason"],
            }
            for e in t["extensions"]
        ],
        "completed_date": _day(t["completed_date"]),
        "result": t["result"],
        "confirmed_date": _day(t["confirmed_date"]),
        "confirmed_by": t["confirmed_by"],
        "priority": t["priority"],
        "personal": t["personal"],
        "cancelled_date": _day(t["cancelled_date"]),
        "cancel_reason": t["cancel_reason"],
        "returns": [
            {"date": _bday(r["date"]), "unit": r["unit"], "reason": r["reason"]}
            for r in t["returns"]
        ],
        "progress": [{"date": _bday(p["date"]), "note": p["note"]} for p in t["progress"]],
        "entered_at": t["entered_at"],
        "doc_type": doc["type"],
        "signer": doc["signer"],
        "doc_issue_date": doc["issue_date"],
    }


# Order of same-day events.
_EVENT_RANK = {
    "returned": 0,
    "extended": 1,
    "progress": 2,
    "completed": 3,
    "confirmed": 4,
    "cancelled": 5,
}


class _Generator:
    """Builds documents, tasks and events in date order from one random stream."""

    def __init__(
        self,
        tasks: int,
        seed: int,
        today: date,
        years: int,
        province: str,
        office_abbr: str,
        events: str,
        validate_every: int,
    ) -> None:
        self.total = tasks
        self.rng = random.Random(seed)
        self.today = today
        self.province = province
        self.office_abbr = office_abbr
        self.events_mode = events  # "all", "created" or "none"
        self.validate_every = validate_every
        self.cal = _Days(WorkCalendar(), today - timedelta(days=366 * years + 60),
                         today + timedelta(days=3 * 366))  # fmt: skip
        start = _safe_replace_year(today, today.year - years) + timedelta(days=1)
        self.start = start
        self.org = build_org(province, since=start)
        self.delegations = build_delegations(self.org, today, self.cal)
        self.units = {u.code: u for u in self.org.units}
        self.leader_names = {x.id: x.name for x in self.org.leaders}
        self.heads = [x for x in self.org.leaders if x.title == "unit_head"]
        bounds: set[date] = set()
        for u in self.org.units:
            bounds.add(u.valid_from)
            if u.valid_to is not None:
                bounds.add(u.valid_to + timedelta(days=1))
        self.bounds = sorted(bounds)
        self._pools: dict[tuple[str, int], list[str]] = {}
        candidates = [
            u.code for u in self.org.units if u.kind in (*_LEAD_KINDS, "district", "commune")
        ]
        self.rarely_updating = sorted(
            self.rng.sample(candidates, max(1, round(0.15 * len(candidates))))
        )
        self.poor = frozenset(self.rarely_updating)
        self.unit_index = {u.code: i for i, u in enumerate(self.org.units)}
        self.counters: dict[tuple[str, int], int] = {}
        self.made = 0

    # -- helpers --------------------------------------------------------------------------------

    def pool(self, key: str, day: date) -> list[str]:
        """Units valid on `day`: key 'local', 'dept' (all provincial units) or a sector."""
        epoch = bisect_right(self.bounds, day)
        cached = self._pools.get((key, epoch))
        if cached is not None:
            return cached
        out = []
        for u in self.org.units:
            if u.valid_from > day or (u.valid_to is not None and u.valid_to < day):
                continue
            if key == "local":
                ok = u.kind in ("district", "commune")
            elif key == "dept":
                ok = u.kind in _LEAD_KINDS
            else:
                ok = u.sector == key and (
                    u.kind in _LEAD_KINDS or (key == "general" and u.kind == "office")
                )
            if ok:
                out.append(u.code)
        self._pools[(key, epoch)] = out
        return out

    def valid(self, code: str, day: date) -> bool:
        u = self.units[code]
        return u.valid_from <= day and (u.valid_to is None or u.valid_to >= day)

    def signer_for(self, sector: str, day: date, chairman: bool) -> str:
        holder = "CT" if chairman else SECTOR_HOLDER[sector]
        for d in self.delegations:
            if d.from_leader == holder and d.date_from <= day <= d.date_to:
                if sector in d.scope.sectors or chairman:
                    return d.to_leader
        return holder

    def approver_for(self, unit: str, day: date) -> str:
        sector = self.units[unit].sector or "general"
        return self.signer_for(sector, day, chairman=False)

    def extend(
        self,
        unit: str,
        approved: date,
        previous: date,
        new: date,
        extensions: list[dict[str, Any]],
        history: list[tuple[date, str, str, dict[str, Any] | None, dict[str, Any] | None]],
    ) -> None:
        """Record an extension approved on `approved`, moving the deadline to `new`."""
        approver = self.approver_for(unit, approved)
        reason = self.rng.choice(_EXTENSION_REASONS)
        extensions.append(
            {"new_deadline": new, "approved_date": approved, "approver": approver, "reason": reason}
        )
        history.append(
            (
                approved,
                "extended",
                approver,
                {"deadline": _day(previous)},
                {"deadline": _day(new), "reason": reason},
            )
        )

    def head_of(self, unit: str, day: date) -> Leader | None:
        for h in self.heads:
            if h.unit == unit and h.term_from <= day and (h.term_to is None or h.term_to >= day):
                return h
        return None

    def working(self, d: date) -> date:
        return _working_on_or_after(self.cal, d)

    def add_wd(self, d: date, n: int) -> date:
        return self.cal.add_working_days(d, n)

    # -- documents -----------------------------------------------------------------------------

    def plan(self) -> list[tuple[str, int]]:
        """(type, number of tasks) of every document, totalling exactly `tasks`."""
        rng = self.rng
        types = [t for t, _ in _TYPES]
        weights = [w for _, w in _TYPES]
        out: list[tuple[str, int]] = []
        left = self.total
        while left > 0:
            dtype = rng.choices(types, weights)[0]
            values, w = _TASKS_PER_DOC[dtype]
            n = min(left, rng.choices(values, w)[0])
            out.append((dtype, n))
            left -= n
        return out

    def working_days(self) -> list[date]:
        out = []
        d = self.start
        while d <= self.today:
            if self.cal.is_working_day(d):
                out.append(d)
            d += timedelta(days=1)
        return out or [self.today]

    def run(self) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
        """(stored document, its stored tasks, their events), in issue-date order."""
        plan = self.plan()
        days = self.working_days()
        self.start_counters(plan)
        n_docs = len(plan)
        for i, (dtype, n) in enumerate(plan):
            idx = min(len(days) - 1, int((i + self.rng.random()) * len(days) / n_docs))
            yield self.document(dtype, n, days[idx])

    def document(
        self, dtype: str, n: int, issue: date
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.rng
        y = issue.year + (1 if issue.month == 12 and dtype in ("KH", "QD") else 0)
        chairman = False
        if dtype == "CD":
            fitting = [t for t in _CD_TOPICS if not t[2] or issue.month in t[2]]
            sector, text, _ = rng.choice(fitting)
            # The dry season runs from December to May: "mùa khô 2025 - 2026".
            season = issue.year if issue.month >= 6 else issue.year - 1
            y0 = season if "{y1}" in text else issue.year
            topic = text.format(y=y0, y1=season + 1)
            chairman = rng.random() < 0.7
        else:
            sectors = [s for s, _ in _SECTOR_WEIGHTS]
            sector = rng.choices(sectors, [w for _, w in _SECTOR_WEIGHTS])[0]
            topic = self.topic(sector, issue)
            chairman = dtype == "CT" and rng.random() < 0.7
        # Submitting unit (cơ quan trình): a provincial unit of the sector.
        if sector == "local":
            submitting = rng.choice([c for c in self.pool("dept", issue) if c in ("SNV", "STC")])
        else:
            submitting = rng.choice([c for c in self.pool(sector, issue) if c != "VP"])
        room = self.org.rooms_of_units[submitting]
        if sector == "local":
            room = "VP-TH"
        signer = self.signer_for(sector, issue, chairman)
        subject = submitting
        if dtype == "TB" and sector == "local":
            subject = rng.choice(self.pool("local", issue))
        counter = self.next_number(dtype, issue.year)
        number = document_number(dtype, counter, room, self.office_abbr)
        abstract = self.abstract(dtype, sector, topic, y, signer, subject, issue)
        entered_day = self.entry_day(issue)
        entered_at = _instant(entered_day, rng.randint(8, 16), rng.randint(0, 59))
        doc = Document(
            type=dtype,
            number=number,
            abstract=abstract,
            issue_date=issue,
            signer=signer,
            submitting_unit=submitting,
        )
        form = doc.to_mongo()
        form.update(
            version=1,
            created_by=ACTOR,
            created_at=entered_at,
            updated_by=ACTOR,
            updated_at=entered_at,
        )
        assigned = issue
        r = rng.random()
        if r < 0.1:
            assigned = min(self.today, self.add_wd(issue, 1))
        elif r < 0.15:
            assigned = min(self.today, self.add_wd(issue, 2))
        tasks: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for seq in range(1, n + 1):
            t_entered = entered_at + timedelta(minutes=seq - 1)
            stored, evs = self.task(
                form, dtype, sector, topic, subject, room, seq, assigned, t_entered, y
            )
            tasks.append(stored)
            events.extend(evs)
        return form, tasks, events

    def topic(self, sector: str, day: date) -> str:
        topics = _TOPICS[sector]
        if sector == "local":
            extra = _LOCAL_AFTER if day >= COMMUNE_START else _LOCAL_BEFORE
            topics = [*topics, extra, extra]
        return self.rng.choice(topics)

    def start_counters(self, plan: list[tuple[str, int]]) -> None:
        """Numbers run from 1 each year: the first (partial) year starts where it would be."""
        years = max(1.0, (self.today - self.start).days / 365.25)
        elapsed = (self.start - date(self.start.year, 1, 1)).days / 365.25
        for dtype, _ in _TYPES:
            per_year = sum(1 for t, _ in plan if t == dtype) / years
            mean_step = (1 + _NUMBER_STEP[dtype]) / 2
            self.counters[(dtype, self.start.year)] = int(per_year * mean_step * elapsed)

    def next_number(self, dtype: str, year: int) -> int:
        key = (dtype, year)
        value = self.counters.get(key, 0) + self.rng.randint(1, _NUMBER_STEP[dtype])
        self.counters[key] = value
        return value

    def abstract(
        self,
        dtype: str,
        sector: str,
        topic: str,
        y: int,
        signer: str,
        subject: str,
        issue: date,
    ) -> str:
        rng = self.rng
        if dtype == "CD":
            return f"Công điện về việc {topic}"
        template = rng.choice(_ABSTRACTS[dtype])
        program = topic
        if "{program}" in template:
            fitting = [p for s, p in _PROGRAMS if s == sector] or [p for _, p in _PROGRAMS]
            program = rng.choice(fitting)
        if signer == "CT":
            leader = "Chủ tịch UBND tỉnh"
        else:
            leader = f"Phó Chủ tịch UBND tỉnh {self.leader_names[signer]}"
        text = template.format(
            topic=topic,
            y=y,
            y5=y + 4,
            p=self.province,
            program=program,
            unit=self.units[subject].name,
            leader=leader,
        )
        return text[0].upper() + text[1:]

    def entry_day(self, issue: date) -> date:
        """Most documents are entered within 1 working day of issue (Art. 7.1.a), ~10% later."""
        r = self.rng.random()
        if r < 0.6:
            d = issue
        elif r < 0.9:
            d = self.add_wd(issue, 1)
        else:
            d = self.add_wd(issue, self.rng.randint(2, 10))
        return min(d, self.today)

    # -- tasks ---------------------------------------------------------------------------------

    def pick_lead(self, sector: str, subject: str, dtype: str, day: date) -> str:
        rng = self.rng
        r = rng.random()
        local = self.pool("local", day)
        if sector == "local":
            if r < 0.8 and local:
                return rng.choice(local)
            return rng.choice(self.pool("dept", day))
        if dtype == "TB" and r < 0.5 and self.valid(subject, day):
            return subject
        if r < 0.3 and local:
            return rng.choice(local)
        if r < 0.38:
            return rng.choice(self.pool("dept", day))
        return rng.choice(self.pool(sector, day))

    def pick_coords(self, lead: str, day: date) -> list[str]:
        rng = self.rng
        k = rng.choices([0, 1, 2, 3], [35, 30, 20, 15])[0]
        if k == 0:
            return []
        pool = [c for c in self.pool("dept", day) if c != lead]
        chosen = rng.sample(pool, min(k, len(pool)))
        if rng.random() < 0.1:
            local = [c for c in self.pool("local", day) if c != lead and c not in chosen]
            if local:
                chosen.append(rng.choice(local))
        return chosen

    def content(
        self, dtype: str, lead: str, coords: list[str], topic: str, y: int, personal: bool
    ) -> str:
        rng = self.rng
        kind = self.units[lead].kind
        if dtype == "CD" and rng.random() < 0.6:
            text = rng.choice(_CD_TASKS)
        elif kind in ("district", "commune"):
            text = rng.choice(_LOCAL_TEMPLATES).format(topic=topic)
        elif coords and rng.random() < 0.3:
            names = ", ".join(self.units[c].name for c in coords)
            text = _TASK_WITH_COORD.format(coords=names, topic=topic)
        else:
            text = rng.choice(_TASK_TEMPLATES).format(
                topic=topic, y=y, dossier=rng.choice(_DOSSIERS)
            )
        if personal:
            text = f"{self.org.head_titles[lead]} trực tiếp chỉ đạo: {text[0].lower()}{text[1:]}"
        return text

    def deadline(self, dtype: str, assigned: date) -> date:
        rng = self.rng
        if dtype == "CD":
            n = rng.choice([5, 5, 7, 10])
        elif dtype == "CV":
            n = rng.choices([5, 7, 10, 15, 20, 30, 45], [12, 12, 22, 20, 16, 12, 6])[0]
        else:
            n = rng.choices([10, 15, 20, 30, 45, 60, 90, 120], [8, 12, 16, 20, 16, 12, 9, 7])[0]
        d = self.add_wd(assigned, n)
        if rng.random() < 0.2 and n >= 10:
            # "trước ngày 30/6": the end of the month
            d = _month_end(d)
        return d

    def completion(self, floor: date, deadline: date | None, poor: bool) -> date | None:
        """When the lead unit completes (possibly after today: still open at today)."""
        rng = self.rng
        if deadline is None:
            if rng.random() >= (0.45 if poor else 0.65):
                return None
            return floor + timedelta(days=int(rng.lognormvariate(3.6, 0.8)))
        if rng.random() < (0.2 if poor else 0.06):
            return None  # stuck: never completed
        if deadline < floor or rng.random() < (0.35 if poor else 0.12):
            late = 1 + int(rng.lognormvariate(2.2, 1.0))
            return self.working(max(deadline, floor) + timedelta(days=late))
        if rng.random() < 0.1:
            return deadline  # on the deadline day exactly: on time
        span = (deadline - floor).days
        c = floor + timedelta(days=int(span * rng.betavariate(2.5, 1.5)))
        while not self.cal.is_working_day(c) and c > floor:
            c -= timedelta(days=1)
        return c

    def task(
        self,
        doc: dict[str, Any],
        dtype: str,
        sector: str,
        topic: str,
        subject: str,
        room: str,
        seq: int,
        assigned: date,
        entered_at: datetime,
        y: int,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        today = self.today
        entered_day = min(today, local_day_of(entered_at))
        floor = max(assigned, entered_day)
        lead = self.pick_lead(sector, subject, dtype, assigned)
        names = SPECIALISTS[room]
        specialist = names[self.unit_index[_submitting_key(doc)] % len(names)]
        history: list[tuple[date, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []

        # Returned by a unit that it is not theirs, then given to another unit.
        returns: list[dict[str, Any]] = []
        if rng.random() < 0.01:
            back = self.working(floor + timedelta(days=rng.randint(1, 5)))
            others = [c for c in self.pool("dept", assigned) if c != lead]
            if back <= today and others:
                first = rng.choice(others)
                returns.append({"date": back, "unit": first, "reason": RETURN_REASON})
                history.append(
                    (
                        back,
                        "returned",
                        first,
                        {"lead_unit": first},
                        {"lead_unit": lead, "reason": RETURN_REASON},
                    )
                )
                floor = back
        coords = self.pick_coords(lead, assigned)
        coords = [c for c in coords if not any(r["unit"] == c for r in returns)]
        head = self.head_of(lead, assigned)
        personal = head is not None and rng.random() < 0.008
        priority = rng.random() < (0.3 if dtype in ("CT", "CD") else 0.08)
        content = self.content(dtype, lead, coords, topic, y, personal)
        deadline = None if rng.random() < _NO_DEADLINE[dtype] else self.deadline(dtype, assigned)
        poor = lead in self.poor
        cancelled = rng.random() < 0.02

        extensions: list[dict[str, Any]] = []
        effective = deadline
        mode = ""
        if deadline is not None and not cancelled and rng.random() < 0.11:
            mode = rng.choices(["before", "after_deadline", "after_completion"], [58, 28, 14])[0]
            if mode != "after_completion":
                count = 1 if rng.random() < 0.7 else 2
                current = deadline
                for i in range(count):
                    if mode == "before" or i > 0:
                        approved = max(floor, current - timedelta(days=rng.randint(0, 6)))
                    else:
                        approved = max(floor, current + timedelta(days=rng.randint(1, 25)))
                    approved = self.working(approved)
                    if approved > today:
                        break
                    new = self.add_wd(max(current, approved), rng.randint(10, 45))
                    self.extend(lead, approved, current, new, extensions, history)
                    current = new
                effective = current

        completed: date | None = None
        cancelled_date: date | None = None
        cancel_reason: str | None = None
        if cancelled:
            cancelled_date = min(today, floor + timedelta(days=rng.randint(5, 120)))
            cancel_reason = rng.choice(_CANCEL_REASONS)
        else:
            completed = self.completion(floor, effective, poor)
            if completed is not None and extensions:
                completed = max(completed, extensions[-1]["approved_date"])
            if completed is not None and completed > today:
                completed = None
        if mode == "after_completion" and completed is not None and deadline is not None:
            # Approved after the work was done: paperwork that the metrics must ignore.
            approved = completed + timedelta(days=rng.randint(1, 20))
            if approved <= today:
                new = self.add_wd(max(deadline, completed), rng.randint(3, 20))
                self.extend(lead, approved, deadline, new, extensions, history)

        # Progress reports: monthly-ish for good units, rarely for the others.
        end = today
        if completed is not None:
            end = completed - timedelta(days=1)
        if cancelled_date is not None:
            end = cancelled_date - timedelta(days=1)
        progress: list[dict[str, Any]] = []
        d = floor + timedelta(days=rng.randint(12, 35))
        keep = 0.15 if poor else 0.9
        while d <= end:
            if rng.random() < keep:
                progress.append({"date": self.working(d), "note": rng.choice(_PROGRESS_NOTES)})
            d += timedelta(days=rng.randint(24, 40))
        if effective is not None and effective < end:
            # Art. 8.1.a: report at the latest 1 day after the task became overdue.
            if rng.random() < (0.1 if poor else 0.85):
                late_day = effective + timedelta(days=1)
                progress.append({"date": late_day, "note": rng.choice(_OVERDUE_NOTES)})
        progress = [p for p in progress if floor <= p["date"] <= end]
        progress.sort(key=lambda p: p["date"])
        dedup: list[dict[str, Any]] = []
        for p in progress:
            if not dedup or dedup[-1]["date"] != p["date"]:
                dedup.append(p)
        progress = dedup[-24:]
        for p in progress:
            history.append((p["date"], "progress", lead, None, {"date": _day(p["date"])}))

        result = None
        confirmed: date | None = None
        confirmed_by = None
        if completed is not None:
            local_lead = self.units[lead].kind in ("district", "commune")
            abbr = "UBND" if local_lead else lead.replace("-", "")
            result = rng.choice(_RESULTS).format(
                n=rng.randint(12, 2900), abbr=abbr, d=format_vn(completed)
            )
            history.append(
                (completed, "completed", lead, None, {"completed_date": _day(completed)})
            )
            if rng.random() < 0.85:
                c = self.working(completed + timedelta(days=rng.randint(0, 6)))
                if c <= today:
                    confirmed, confirmed_by = c, specialist
                    history.append((c, "confirmed", specialist, None, {"confirmed_date": _day(c)}))
        if cancelled_date is not None:
            history.append(
                (
                    cancelled_date,
                    "cancelled",
                    specialist,
                    None,
                    {"cancelled_date": _day(cancelled_date), "cancel_reason": cancel_reason},
                )
            )

        t: dict[str, Any] = {
            "document": doc["_id"],
            "seq": seq,
            "content": content,
            "lead_unit": lead,
            "coord_units": coords,
            "tracking_room": room,
            "specialist": specialist,
            "assigned_date": assigned,
            "deadline": deadline,
            "extensions": extensions,
            "completed_date": completed,
            "result": result,
            "confirmed_date": confirmed,
            "confirmed_by": confirmed_by,
            "priority": priority,
            "personal": personal,
            "cancelled_date": cancelled_date,
            "cancel_reason": cancel_reason,
            "returns": returns,
            "progress": progress,
            "entered_at": entered_at,
        }
        form = _task_form(t, doc)
        self.made += 1
        if self.validate_every and self.made % self.validate_every == 0:
            checked = Task.model_validate(t).to_mongo(doc)
            if checked != form:
                raise AssertionError(f"demo task {form['_id']} differs from Task.to_mongo")

        # Events: created, then the history in day order; instants from the days.
        history.sort(key=lambda h: (h[0], _EVENT_RANK[h[1]]))
        created_after = {
            "lead_unit": returns[0]["unit"] if returns else lead,
            "assigned_date": form["assigned_date"],
            "deadline": form["deadline"],
        }
        events = [
            {
                "task": form["_id"],
                "at": entered_at,
                "kind": "created",
                "actor": specialist,
                "before": None,
                "after": created_after,
                "version": 1,
            }
        ]
        prev = entered_at
        for version, (day, kind, actor, before, after) in enumerate(history, start=2):
            at = _instant(day, rng.randint(8, 16), rng.randint(0, 59))
            if at <= prev:
                at = prev + timedelta(minutes=rng.randint(1, 30))
            prev = at
            events.append(
                {
                    "task": form["_id"],
                    "at": at,
                    "kind": kind,
                    "actor": actor,
                    "before": before,
                    "after": after,
                    "version": version,
                }
            )
        form.update(
            version=len(events),
            created_by=ACTOR,
            created_at=entered_at,
            updated_by=ACTOR,
            updated_at=prev,
        )
        if self.events_mode == "none":
            events = []
        elif self.events_mode == "created":
            events = events[:1]
        return form, events


def _submitting_key(doc: dict[str, Any]) -> str:
    """The unit whose specialist follows a document: its submitting unit."""
    return str(doc.get("submitting_unit") or "VP")


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _safe_replace_year(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)


def _generator(
    tasks: int, seed: int, today: date | None, years: int | None, province: str | None
) -> _Generator:
    if tasks < 1:
        raise ValidationFailed([Problem("số nhiệm vụ", "phải lớn hơn 0")])
    big = tasks > EVENTS_FULL_LIMIT
    return _Generator(
        tasks=tasks,
        seed=seed,
        today=today or DEMO_TODAY,
        years=years or default_years(tasks),
        province=province or config.get("CDDH_PROVINCE"),
        office_abbr=config.get("CDDH_OFFICE_ABBR"),
        events="created" if big else "all",
        validate_every=SAMPLE_VALIDATION_EVERY if big else 1,
    )


def build_demo(
    tasks: int = 9000,
    seed: int = 2025,
    today: date | None = None,
    *,
    years: int | None = None,
    province: str | None = None,
) -> DemoData:
    """The whole demo in memory, without a database (deterministic: same arguments, same data).

    `today` defaults to DEMO_TODAY (20/11/2026), a fixed day, not the real date.
    """
    gen = _generator(tasks, seed, today, years, province)
    documents: list[dict[str, Any]] = []
    task_forms: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for doc, ts, evs in gen.run():
        documents.append(doc)
        task_forms.extend(ts)
        events.extend(evs)
    return DemoData(
        today=gen.today,
        units=list(gen.org.units),
        leaders=list(gen.org.leaders),
        delegations=list(gen.delegations),
        documents=documents,
        tasks=task_forms,
        events=events,
        rarely_updating=list(gen.rarely_updating),
    )


def load_demo(
    repo: Repository,
    tasks: int = 9000,
    seed: int = 2025,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    years: int | None = None,
    province: str | None = None,
) -> dict[str, int]:
    """Load the demo province into an empty store; returns the number written per collection.

    Streams documents, tasks and events in batches of BATCH tasks, so 1,000,000 tasks never sit
    in memory. `today` defaults to DEMO_TODAY (20/11/2026), a fixed day, so the demo is the same
    whenever it is loaded. Above EVENTS_FULL_LIMIT tasks only 'created' events are stored.
    """
    say = progress or (lambda _msg: None)
    if not repo.is_empty():
        raise ValidationFailed(
            [Problem("cơ sở dữ liệu", "đã có dữ liệu; tỉnh mẫu chỉ nạp vào cơ sở dữ liệu trống")]
        )
    gen = _generator(tasks, seed, today, years, province)
    counts = {"units": 0, "leaders": 0, "delegations": 0, "documents": 0, "tasks": 0}
    counts["task_events"] = 0
    say(f"Tổ chức: {len(gen.org.units)} đơn vị, {len(gen.org.leaders)} lãnh đạo")
    counts["units"] = repo.save_units(gen.org.units, ACTOR)
    counts["leaders"] = repo.save_leaders(gen.org.leaders, ACTOR)
    for delegation in gen.delegations:
        repo.save_delegation(delegation, ACTOR)
        counts["delegations"] += 1
    docs: list[dict[str, Any]] = []
    task_buf: list[dict[str, Any]] = []
    event_buf: list[dict[str, Any]] = []
    step = max(BATCH, (tasks // 10 // BATCH) * BATCH)
    reported = 0

    def flush() -> None:
        nonlocal docs, task_buf, event_buf
        counts["documents"] += repo.bulk_insert("documents", docs, batch=BATCH)
        counts["tasks"] += repo.bulk_insert("tasks", task_buf, batch=BATCH)
        if event_buf:
            counts["task_events"] += repo.bulk_insert("task_events", event_buf, batch=BATCH)
        docs, task_buf, event_buf = [], [], []

    with repo.bulk_loading("tasks", "task_events", "documents"):
        for doc, ts, evs in gen.run():
            docs.append(doc)
            task_buf.extend(ts)
            event_buf.extend(evs)
            if len(task_buf) >= BATCH:
                flush()
                if counts["tasks"] - reported >= step:
                    reported = counts["tasks"]
                    say(f"Đã ghi {_vn_int(counts['tasks'])}/{_vn_int(tasks)} nhiệm vụ")
        flush()
        say("Đang dựng chỉ mục…")
    say(
        f"Xong: {_vn_int(counts['documents'])} văn bản, {_vn_int(counts['tasks'])} nhiệm vụ, "
        f"{_vn_int(counts['task_events'])} sự kiện"
    )
    return counts


def _vn_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


__all__ = [
    "DEMO_TODAY",
    "DemoData",
    "Org",
    "build_delegations",
    "build_demo",
    "build_org",
    "document_number",
    "load_demo",
]
