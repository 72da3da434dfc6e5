"""What the generator draws from: topics, abstracts, task wordings, reasons; the document mix."""

from __future__ import annotations

RETURN_REASON = "Không thuộc chức năng, nhiệm vụ của đơn vị"

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
