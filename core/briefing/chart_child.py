"""The chart worker's own program: Vega-Lite specs in, PNG out (vl-convert), over its pipes.

Run by path (`python core/briefing/chart_child.py FONT_DIR...`), not as part of the package: it
imports nothing of the project, so starting it never runs a caller's script again (as
multiprocessing's spawn would) nor loads the project's modules. Frames on stdin: 4 bytes
big-endian length, then JSON `{"spec": str, "scale": int}`; on stdout: one status byte (0 ok,
1 failed), 4 bytes length, then the PNG or the error's text. Ends at the end of stdin.

It runs at a lower priority (`NICENESS` above its parent's): its start-up (vl-convert's, about
0.3 s of a core) and its charts take what the server and a browser on the same machine leave
of the cores, so opening Báo cáo, which starts the workers, or one user's briefing yields to
the pages being drawn on a small server. A briefing on an idle machine takes as long as before
(docs/performance.md, seventh round).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import BinaryIO

NICENESS = 10
WARM_SPEC = '{"mark": "point", "data": {"values": [{}]}}'


def _read_exactly(stream: BinaryIO, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main(font_dirs: list[str]) -> None:
    """Serve render requests until stdin ends."""
    if hasattr(os, "nice"):  # POSIX
        os.nice(NICENESS)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the frames
    import vl_convert as vlc

    for folder in font_dirs:
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)
    vlc.vegalite_to_png(WARM_SPEC, scale=1)  # vl-convert's start-up, before the first chart
    source = sys.stdin.buffer
    while True:
        head = _read_exactly(source, 4)
        if head is None:
            return
        body = _read_exactly(source, int.from_bytes(head, "big"))
        if body is None:
            return
        try:
            request = json.loads(body)
            status, payload = 0, bytes(vlc.vegalite_to_png(request["spec"], scale=request["scale"]))
        except Exception as exc:  # reported to the caller, which draws the chart itself
            status, payload = 1, f"{type(exc).__name__}: {exc}".encode()
        out.write(bytes([status]) + len(payload).to_bytes(4, "big") + payload)
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
