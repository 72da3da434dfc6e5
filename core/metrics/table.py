"""The `cddh metrics` result as a plain-text table for the terminal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from core.dates import format_vn
from core.metrics.query import RATE_DENOMINATORS, RATE_FIELDS, RATE_LABELS
from core.numbers import format_count, format_rate

# --- presentation helpers shared by the CLI, pages and briefings --------------------------------


def format_table(result: Mapping[str, Any]) -> str:
    """A readable Vietnamese table of a `status_metrics` result (CLI without --json)."""
    head = (
        f"Số liệu tại ngày {format_vn(date.fromisoformat(result['as_of']))} "
        f"(nhóm theo: {result['by']})"
    )
    cols = [
        ("Giao", "assigned"),
        ("HT đúng hạn", "completed_on_time"),
        ("HT quá hạn", "completed_late"),
        ("Chưa HT trong hạn", "open_within_deadline"),
        ("Chưa HT quá hạn", "open_overdue"),
        ("KTH đã HT", "no_deadline_completed"),
        ("KTH chưa HT", "no_deadline_open"),
        ("Tỷ lệ HT đúng hạn*", "on_time_rate_due"),
    ]
    rows = [*result["rows"], result["total"]]
    width = max([len("Nhóm")] + [len(str(r["name"])) for r in rows])
    lines = [head, f"{'Nhóm':<{width}}  " + "  ".join(c for c, _ in cols)]
    for r in rows:
        cells = []
        for label, key in cols:
            value = r[key]
            text = format_rate(value) if key in RATE_FIELDS else format_count(value)
            cells.append(f"{text:>{len(label)}}")
        lines.append(f"{r['name']:<{width}}  " + "  ".join(cells))
    lines.append(
        "* " + RATE_LABELS["on_time_rate_due"] + ": " + RATE_DENOMINATORS["on_time_rate_due"]
    )
    lines.append("HT: hoàn thành; KTH: không có thời hạn.")
    return "\n".join(lines)
