"""What a task's page and the task list add for the workflow (dashboard/views/nhiem_vu.py):
the Office's assessment of a confirmed result, the user's actions on the task, and the export
of the list's whole filter in the importer's columns."""

from __future__ import annotations

from typing import Any, Literal

import streamlit as st

from core import explorer
from core.access import roles
from core.errors import ValidationFailed
from core.importer import export_tasks
from core.repository import Repository
from core.scope import Scope
from core.vocab import QUALITY_LEVELS
from dashboard import auth
from dashboard import formatting as fmt
from dashboard import workflow_ui as ui


def assessment(repo: Repository, task_id: str) -> None:
    """The Office's assessment of a confirmed result (Điều 6.8), what waits for a decision,
    and the actions the user may take on the task now."""
    stored = repo.task(task_id, Scope.everything())
    if stored is None:
        return
    if stored.get("quality") or stored.get("effect") or stored.get("report_number"):
        st.markdown(
            f"Văn bản báo cáo số: {fmt.md_literal(str(stored.get('report_number') or '—'))}  \n"
            f"Chất lượng so với yêu cầu: {QUALITY_LEVELS.get(stored.get('quality') or '', '—')}"
            f"  \nHiệu quả: {fmt.md_literal(str(stored.get('effect') or '—'))}"
        )
    actor = auth.current()
    if ui.may_act(repo, actor, stored):
        st.markdown("#### Thao tác")
        ui.flash()
        ui.task_actions(repo, actor, stored)


def export_all(repo: Repository, search: explorer.TaskSearch, total: int, description: str) -> None:
    """The whole filter (every page) as a file the importer reads back unchanged; the export
    is written to the access log by core."""
    if not auth.current().may(roles.EXPORT):
        return
    left, right, _rest = st.columns([2, 2, 3])
    formats: tuple[tuple[Literal["xlsx", "csv"], Any], ...] = (("xlsx", left), ("csv", right))
    for fmt_name, column in formats:
        label = "Excel" if fmt_name == "xlsx" else "CSV"
        if column.button(
            f"Xuất {label} (cả bộ lọc)",
            key=f"export_{fmt_name}",
            help=f"Toàn bộ {fmt.fmt_count(total)} nhiệm vụ theo bộ lọc (mọi trang), đúng các cột "
            "của mẫu nhập: nhập lại tệp này không thay đổi gì.",
        ):
            try:
                done = export_tasks(
                    repo, search, fmt_name, client=auth.client(), description=description
                )
            except ValidationFailed as exc:
                st.error("; ".join(p.reason for p in exc.problems))
            else:
                st.session_state["export_file"] = done
    kept = st.session_state.get("export_file")
    if kept is not None:
        done = kept
        st.download_button(
            f"Tải tệp {done.file_name} ({fmt.fmt_count(done.rows)} nhiệm vụ)",
            data=done.content,
            file_name=done.file_name,
            mime=done.mime,
            key="export_download",
        )
