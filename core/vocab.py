"""Controlled vocabularies and their Vietnamese labels (danh mục): unit kinds, titles, types."""

from __future__ import annotations

# Kinds of unit (loại đơn vị). Codes are stored; labels are shown.
UNIT_KINDS: dict[str, str] = {
    "ppc": "UBND tỉnh",
    "office": "Văn phòng UBND tỉnh",
    "office_room": "Phòng thuộc Văn phòng",
    "department": "Sở, ngành",
    "board": "Ban",
    "agency": "Cơ quan, đơn vị khác",
    "centre": "Trung tâm",
    "branch": "Chi nhánh",
    "district": "UBND cấp huyện",
    "commune": "UBND cấp xã",
}

# Titles of leaders (chức danh).
LEADER_TITLES: dict[str, str] = {
    "chairman": "Chủ tịch UBND tỉnh",
    "vice_chairman": "Phó Chủ tịch UBND tỉnh",
    "office_chief": "Chánh Văn phòng",
    "office_deputy": "Phó Chánh Văn phòng",
    "unit_head": "Thủ trưởng đơn vị",
    "unit_deputy": "Cấp phó của thủ trưởng đơn vị",
}

# Types of directive document (loại văn bản): code -> (name, abbreviation in the number).
DOCUMENT_TYPES: dict[str, tuple[str, str]] = {
    "QD": ("Quyết định", "QĐ"),
    "CT": ("Chỉ thị", "CT"),
    "KH": ("Kế hoạch", "KH"),
    "CD": ("Công điện", "CĐ"),
    "CV": ("Công văn", "UBND"),
    "TB": ("Thông báo kết luận", "TB"),
}

# Status categories as of a date (DOMAIN.md "Status categories"), in display order.
STATUS_LABELS: dict[str, str] = {
    "completed_on_time": "Hoàn thành đúng hạn",
    "completed_late": "Hoàn thành quá hạn",
    "open_within_deadline": "Chưa hoàn thành, trong hạn",
    "open_overdue": "Chưa hoàn thành, quá hạn",
    "no_deadline_completed": "Không thời hạn, đã hoàn thành",
    "no_deadline_open": "Không thời hạn, chưa hoàn thành",
}

# The Office's assessment of a confirmed result against the requirement of the direction
# (Quy chế theo dõi …, Điều 6.8: kết quả, chất lượng, hiệu quả so với yêu cầu chỉ đạo).
QUALITY_LEVELS: dict[str, str] = {
    "above": "Vượt yêu cầu",
    "meets": "Đạt yêu cầu",
    "partly": "Đạt một phần yêu cầu",
}

# Sectors (lĩnh vực) used in portfolios.
SECTORS: dict[str, str] = {
    "general": "Tổng hợp, nội chính",
    "economy": "Kinh tế",
    "culture_society": "Văn hóa - xã hội",
    "agriculture": "Nông nghiệp, tài nguyên và môi trường",
    "construction": "Xây dựng, giao thông, đô thị",
    "local": "Địa phương",
}


def document_type_from_label(label: str) -> str | None:
    """The type code for a Vietnamese type name or abbreviation ('Quyết định', 'QĐ'), else None."""
    from core.text import fold

    wanted = fold(label)
    for code, (name, abbr) in DOCUMENT_TYPES.items():
        if wanted in (fold(name), fold(abbr), fold(code)):
            return code
    return None
