"""A periodic briefing built end to end, its metadata, and the GridFS archive."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.briefing.context import briefing_context
from core.briefing.figures import briefing_charts
from core.briefing.gathering import gather, key_figures_from
from core.briefing.rendering import BRIEFING_TEMPLATE, render_docx
from core.briefing.request import BriefingRequest, BriefingScope
from core.briefing.signer import Signer
from core.dates import now_utc
from core.periods import Period
from core.readmodel.figures import Figures
from core.repository import Repository


@dataclass(frozen=True)
class Briefing:
    """A generated Word file with what it is about (stored with it in the archive)."""

    content: bytes
    filename: str
    metadata: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


def _metadata(
    doc_type: str,
    content: bytes,
    period: Period | None,
    scope: BriefingScope,
    signer: Signer,
    as_of: date,
    report_date: date,
    generated_by: str,
) -> dict[str, Any]:
    return {
        "doc_type": doc_type,
        "period": period.to_dict() if period else None,
        "scope": {"kind": scope.kind, "key": scope.key, "name": scope.name},
        "signer": {"id": signer.leader_id, "name": signer.name, "authority": signer.authority},
        "as_of": as_of.isoformat(),
        "report_date": report_date.isoformat(),
        "generated_by": generated_by or "không rõ",
        "generated_at": now_utc(),
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
    }


def build_briefing(
    repo: Repository,
    request: BriefingRequest,
    generated_by: str = "",
    today: date | None = None,
    figures: Figures | None = None,
) -> Briefing:
    """Gather, build the context, render: the .docx of a periodic briefing (`figures`: who
    computes the status figures; default the pipelines)."""
    data = gather(repo, request, today=today, with_charts=True, figures=figures)
    t0 = time.perf_counter()
    pngs = briefing_charts(data)
    t1 = time.perf_counter()
    content = render_docx(BRIEFING_TEMPLATE, briefing_context(data, pngs))
    t2 = time.perf_counter()
    timings = {**data.timings, "charts": round(t1 - t0, 3), "render": round(t2 - t1, 3)}
    filename = f"bao-cao-{request.period.report.replace('..', '_')}-{data.scope.slug()}.docx"
    meta = _metadata(
        "briefing",
        content,
        request.period,
        data.scope,
        data.signer,
        data.as_of,
        data.report_date,
        generated_by,
    )
    meta["key_figures"] = key_figures_from(data.compare["current"], data.cumulative)
    return Briefing(content, filename, meta, timings)


def archive(repo: Repository, briefing: Briefing) -> str:
    """Store a generated file in GridFS with its metadata; returns the file id."""
    return repo.save_briefing(briefing.content, briefing.filename, briefing.metadata)
