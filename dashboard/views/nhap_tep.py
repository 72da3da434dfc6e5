"""Nhập tệp: the importer in the dashboard — upload a CSV, XLSX or JSON Lines file, run it dry
(every bad row listed with its line, field and reason; nothing written), then commit it all or
nothing. Thin: `core.importer` parses and writes; the import is in the access log."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from core import config
from core.errors import AccessDenied, DatabaseUnavailable, ValidationFailed
from core.importer import import_file, parse_file
from core.imports.known import RepoKnown
from core.numbers import format_count, format_decimal
from dashboard import auth, filters
from dashboard import data as db
from dashboard import navigation as nav

KINDS = {
    "auto": "Tự nhận biết",
    "tasks": "Văn bản và nhiệm vụ",
    "org": "Tổ chức (đơn vị, lãnh đạo)",
}
CHECKED = "wf_import_checked"  # the file that passed the dry run: (sha256, name, kind)

filters.current_filters()
repo = db.get_repo()
nav.title("Nhập tệp")
st.caption(
    "Tệp CSV, Excel (.xlsx) hoặc JSON Lines theo mẫu cột của hệ thống (tệp xuất từ trang Nhiệm "
    "vụ nhập lại được nguyên vẹn). Bước 1 kiểm tra, không ghi gì; bước 2 ghi toàn bộ hoặc "
    "không ghi gì."
)
limits = config.import_limits()
# The smaller of the importer's limit and Streamlit's own (server.maxUploadSize, 200 MB unless
# configured): a bigger file goes through `cddh import` on the server.
max_mb = min(limits.max_bytes // (1024 * 1024), int(st.get_option("server.maxUploadSize")))
upload = st.file_uploader(
    f"Chọn tệp (tối đa {format_count(max_mb)} MB; tệp lớn hơn nhập bằng lệnh cddh import)",
    type=["csv", "xlsx", "jsonl"],
    key="wf_import_file",
)
kind = st.radio(
    "Loại dữ liệu", list(KINDS), format_func=lambda k: KINDS[k], horizontal=True,
    key="wf_import_kind",
)  # fmt: skip


@contextmanager
def saved(content: bytes, name: str) -> Iterator[Path]:
    """The upload as a file the importer reads, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="cddh-upload-") as folder:
        path = Path(folder) / (Path(name).name or "tep")
        path.write_bytes(content)
        yield path


if upload is not None:
    content = upload.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    if len(content) > max_mb * 1024 * 1024:
        st.error(
            f"Tệp «{upload.name}» nặng {format_decimal(len(content) / (1024 * 1024))} MB"
            f", vượt giới hạn {format_count(max_mb)} MB của trang này; chưa ghi gì. "
            "Tệp lớn nhập bằng lệnh cddh import trên máy chủ."
        )
        st.stop()
    if st.button("1. Kiểm tra tệp (chạy thử)", key="wf_import_check"):
        try:
            with saved(content, upload.name) as path:
                parsed = parse_file(path, kind, known=RepoKnown(repo))
        except ValidationFailed as exc:
            st.session_state.pop(CHECKED, None)
            st.error(f"Tệp có {format_count(len(exc.problems))} lỗi; chưa ghi gì.")
            st.dataframe(
                pd.DataFrame(
                    [{"Dòng": p.line, "Trường": p.field, "Lý do": p.reason} for p in exc.problems]
                ),
                hide_index=True,
                column_config={"Lý do": st.column_config.TextColumn(width="large")},
            )
        else:
            st.session_state[CHECKED] = (digest, upload.name, kind)
            totals = parsed.totals()
            st.success(
                "Tệp hợp lệ: "
                + ", ".join(
                    f"{format_count(n)} {label}"
                    for name, label in (
                        ("documents", "văn bản"),
                        ("tasks", "nhiệm vụ"),
                        ("units", "đơn vị"),
                        ("leaders", "lãnh đạo"),
                        ("delegations", "ủy quyền"),
                    )
                    if (n := totals[name])
                )
                + ". Bấm bước 2 để ghi."
            )
            for warning in parsed.warnings:
                st.warning(warning)
    if st.session_state.get(CHECKED) == (digest, upload.name, kind):
        if st.button("2. Ghi vào hệ thống", type="primary", key="wf_import_commit"):
            try:
                with saved(content, upload.name) as path:
                    report = import_file(repo, path, kind, actor=auth.current().username)
            except ValidationFailed as exc:
                st.error("; ".join(str(p) for p in exc.problems))
            except (AccessDenied, DatabaseUnavailable) as exc:
                st.error(str(exc))
            else:
                st.session_state.pop(CHECKED, None)
                auth.log("import", {"file": upload.name, "written": report.written})
                st.success(report.summary())
