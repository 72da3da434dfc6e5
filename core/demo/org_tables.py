"""The demo organisation as data: Office rooms, departments, districts, communes, leaders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MERGER_DAY = date(2025, 3, 1)  # provincial departments merged (Decree 45/2025 and related)
OLD_DEPARTMENT_END = date(2025, 2, 28)
DISTRICT_END = date(2025, 6, 30)  # the district level abolished
COMMUNE_START = date(2025, 7, 1)  # two-level local government
TERM_START = date(2021, 6, 28)  # the PPC's 2021-2026 term

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
