"""The briefing's charts as PNG (vl-convert) and the size they are printed at in Word."""

from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from core.accountability import Accountability
from core.briefing.blocks import unit_groups
from core.briefing.parallel import FollowUp
from core.briefing.request import BriefingData, cumulative_window
from core.dates import format_vn
from core.periods import Period
from core.rows import StatusResult, TrendRow

# Charts in the text area of A4 portrait with the Decree 30 margins (165 × 257 mm): at most
# 160 mm wide and 115 mm high (two fit on a page), the PNG's own ratio kept.
CHART_MAX_WIDTH_MM = 160.0
CHART_MAX_HEIGHT_MM = 115.0
RANKING_ROWS = 15  # the ranking chart shows the worst units of the first group


CHARTS = ("status", "ranking", "trend")


def chart_status(units: StatusResult, year: Period | None = None) -> Any:
    """Status breakdown of the cumulative window (the unit table's total)."""
    from core import charts

    title = "Nhiệm vụ theo tình trạng" + (
        f" (giao {format_vn(year.start)} – {format_vn(year.end)})" if year else ""
    )
    return charts.print_status_bars(units["total"], title)


def ranking_chart_rows(
    units: StatusResult, kinds: Mapping[str, str], short_names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The worst RANKING_ROWS ranked units of the first group, worst first, with short names."""
    groups = unit_groups(units["rows"], kinds, worst_first=True)
    ranked = [r for r in groups[0]["ranked"] if r["ranked"]] if groups else []
    return [
        {**r, "short_name": short_names.get(str(r["key"]), r["name"])}
        for r in ranked[:RANKING_ROWS]
    ]


def chart_ranking(
    units: StatusResult, kinds: Mapping[str, str], short_names: Mapping[str, str]
) -> Any:
    """On-time rate of the worst ranked units of the first group (provincial bodies)."""
    from core import charts

    rows = ranking_chart_rows(units, kinds, short_names)
    return charts.print_ranking(
        rows, f"Tỷ lệ hoàn thành đúng hạn (2): {len(rows)} đơn vị thấp nhất"
    )


def chart_trend(trend: Sequence[TrendRow], as_of: date | None = None) -> Any:
    """On-time rate of the tasks due in each of the last periods; one still running at the
    cut-off is drawn open."""
    from core import charts

    points = [{**p, "partial": as_of is not None and p["end"] > as_of} for p in trend]
    return charts.print_trend(
        points, f"Tỷ lệ hoàn thành đúng hạn (2) của nhiệm vụ đến hạn, {len(points)} kỳ gần nhất"
    )


def chart_jobs(
    kinds: Mapping[str, str], acc: Accountability, period: Period, as_of: date
) -> dict[str, FollowUp]:
    """The charts as follow-ups of the queries they draw (for `_run_parallel`)."""
    year = cumulative_window(period, as_of)
    short = acc.short_names
    return {
        "chart_status": (("units", "warm_up"), lambda r: png(chart_status(r["units"], year))),
        "chart_ranking": (
            ("units", "warm_up"),
            lambda r: png(chart_ranking(r["units"], kinds, short)),
        ),
        "chart_trend": (("trend", "warm_up"), lambda r: png(chart_trend(r["trend"], as_of))),
    }


def briefing_charts(data: BriefingData) -> dict[str, bytes]:
    """The three charts as PNG: status breakdown, ranking (first unit group), trend."""
    if all(k in data.charts for k in CHARTS):
        return dict(data.charts)
    return {
        "status": png(chart_status(data.units, data.year)),
        "ranking": png(chart_ranking(data.units, data.unit_kinds, data.short_names)),
        "trend": png(chart_trend(data.trend, data.as_of)),
    }


_FONTS_REGISTERED: list[bool] = []


def register_chart_fonts() -> None:
    """Make the chart font's directory known to vl-convert (once; system fonts are also read)."""
    if _FONTS_REGISTERED:
        return
    import vl_convert as vlc

    from core.charts import FONT_DIRS

    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)
    _FONTS_REGISTERED.append(True)


def render_png(spec: str, scale: int = 3) -> bytes:
    """A Vega-Lite spec (JSON) as PNG, in this process (vl-convert)."""
    import vl_convert as vlc

    register_chart_fonts()
    return bytes(vlc.vegalite_to_png(spec, scale=scale))


# vl-convert holds Python's global lock while it draws (about 0.1–0.3 s a chart): drawn in this
# process, the charts stop every other thread of the briefing (its queries, the page), and each
# other. They are drawn by worker processes instead (`chart_child.py`, one per core, at most
# two), started on first use and kept warm (each pays vl-convert's start-up once), so charts
# are drawn side by side and beside the queries. Where a worker cannot run or fails, the chart
# is drawn here: the PNG is the same.
WORKER_TIMEOUT_S = 120.0
WORKERS = max(1, min(2, os.cpu_count() or 1))


class ChartWorker:
    """The chart worker process: one request at a time, restarted when it has died."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process (it warms vl-convert up before its first chart)."""
        with self._lock:
            self._started()

    def _started(self) -> subprocess.Popen[bytes]:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            from core.charts import FONT_DIRS

            script = Path(__file__).with_name("chart_child.py")
            proc = subprocess.Popen(
                [sys.executable, str(script), *FONT_DIRS],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            self._proc = proc
        return proc

    def _read(self, proc: subprocess.Popen[bytes], n: int) -> bytes:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()  # read unbuffered: poll sees every byte not yet read
        poller = select.poll()  # not select(): a server's descriptors may pass FD_SETSIZE
        poller.register(fd, select.POLLIN)
        data = b""
        while len(data) < n:
            ready = poller.poll(WORKER_TIMEOUT_S * 1000)
            chunk = os.read(fd, n - len(data)) if ready else b""
            if not chunk:
                raise OSError("chart worker: no answer")
            data += chunk
        return data

    def render(self, spec: str, scale: int) -> bytes:
        """The PNG of a spec, drawn by the worker; OSError when it could not draw it."""
        with self._lock:
            proc = self._started()
            assert proc.stdin is not None
            try:
                body = json.dumps({"spec": spec, "scale": scale}).encode()
                proc.stdin.write(len(body).to_bytes(4, "big") + body)
                proc.stdin.flush()
                head = self._read(proc, 5)
                payload = self._read(proc, int.from_bytes(head[1:], "big"))
            except (OSError, ValueError) as exc:
                self.close()
                raise OSError(f"chart worker: {exc}") from None
            if head[0] != 0:
                raise OSError(f"chart worker: {payload.decode(errors='replace')}")
            return payload

    def close(self) -> None:
        """Stop the worker (it also ends by itself when this process ends)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


class ChartWorkers:
    """The chart workers: a chart goes to an idle one (the one used last first)."""

    def __init__(self, n: int) -> None:
        self.all = [ChartWorker() for _ in range(n)]
        self._idle: queue.LifoQueue[ChartWorker] = queue.LifoQueue()
        for worker in reversed(self.all):
            self._idle.put(worker)

    def start(self) -> None:
        """Start every worker (without waiting for them)."""
        for worker in self.all:
            try:
                worker.start()
            except OSError:
                pass  # its charts are drawn here

    def render(self, spec: str, scale: int) -> bytes:
        """The PNG of a spec; OSError when the worker could not draw it."""
        worker = self._idle.get()
        try:
            return worker.render(spec, scale)
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.all:
            worker.close()


_WORKERS = ChartWorkers(WORKERS)
_WARM_SPEC = '{"mark": "point", "data": {"values": [{}]}}'


def draw(spec: str, scale: int = 3) -> bytes:
    """A Vega-Lite spec (JSON) as PNG: by a chart worker, or here when it cannot."""
    try:
        return _WORKERS.render(spec, scale)
    except OSError:
        return render_png(spec, scale)


def png(chart: Any) -> bytes:
    """An Altair chart as PNG (vl-convert, scale 3: about 300 dpi at 160 mm)."""
    return draw(chart.to_json(validate=False), 3)  # the same JSON, without the schema check


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, from its IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def chart_extent_mm(data: bytes) -> tuple[float, float]:
    """The size a chart is printed at: as wide as the text area allows (CHART_MAX_WIDTH_MM),
    lowered to CHART_MAX_HEIGHT_MM if needed, the PNG's ratio always kept."""
    w, h = png_size(data)
    width = min(CHART_MAX_WIDTH_MM, CHART_MAX_HEIGHT_MM * w / h)
    return width, width * h / w


def warm_up_charts() -> None:
    """Start the chart workers (each draws a trivial chart first, so the charts skip
    vl-convert's start-up); returns at once."""
    _WORKERS.start()
