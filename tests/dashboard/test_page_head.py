"""The page Streamlit serves carries the script naming the server, the idle loader of the
elements' code and the script keeping the lists' links in the session (dashboard/page_head.py);
every other response passes through byte for byte. The scripts are checked at work in Chromium
by tests/browser/test_browser.py."""

from __future__ import annotations

import asyncio
import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import streamlit

from dashboard.page_head import (
    ELEMENTS,
    PageHead,
    base_script,
    element_files,
    idle_loader,
    link_script,
)

INDEX = (Path(streamlit.__file__).parent / "static" / "index.html").read_bytes()
PAGES = ["don-vi", "nhiem-vu"]


def _app(body: bytes, content_type: bytes, gzipped: bool = False, parts: int = 1) -> Any:
    """An ASGI app answering every request with `body` (in `parts` messages)."""
    payload = gzip.compress(body) if gzipped else body

    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(payload))]
        if gzipped:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        step = max(1, -(-len(payload) // parts))
        pieces = [payload[i : i + step] for i in range(0, len(payload), step)] or [b""]
        for i, piece in enumerate(pieces):
            await send(
                {"type": "http.response.body", "body": piece, "more_body": i < len(pieces) - 1}
            )

    return app


def _call(app: Any, method: str = "GET") -> tuple[dict[bytes, bytes], bytes]:
    sent: list[Any] = []

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/don-vi", "headers": []}
    # A loop of its own, in a thread: the browser tests' Playwright keeps one running in this
    # thread for the whole session.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, PageHead(app, pages=PAGES)(scope, receive, send)).result()
    assert sent[0]["type"] == "http.response.start"
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert not sent[-1].get("more_body")
    return dict(sent[0]["headers"]), body


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("parts", [1, 3])
def test_streamlit_page_gets_the_script_first_in_its_head(gzipped: bool, parts: int) -> None:
    headers, body = _call(_app(INDEX, b"text/html; charset=utf-8", gzipped, parts))
    assert int(headers[b"content-length"]) == len(body)
    assert (headers.get(b"content-encoding") == b"gzip") is gzipped
    page = gzip.decompress(body) if gzipped else body
    script = base_script(PAGES) + idle_loader(element_files()) + link_script()
    assert page == INDEX.replace(b"<head>", b"<head>" + script, 1)
    # before Streamlit's own module scripts, which read window.__streamlit when they load
    assert page.index(script) < page.index(b'type="module"')


@pytest.mark.parametrize(
    ("body", "content_type", "method"),
    [
        (b'{"ok": true}', b"application/json", "GET"),
        (b"<!doctype html><html><head></head><body>login</body></html>", b"text/html", "GET"),
        (INDEX, b"text/html", "POST"),
    ],
)
def test_other_responses_pass_unchanged(body: bytes, content_type: bytes, method: str) -> None:
    headers, got = _call(_app(body, content_type, parts=2), method)
    assert got == body
    assert int(headers[b"content-length"]) == len(body)


def test_every_element_named_has_its_code_in_streamlit_s_build() -> None:
    # A Streamlit that renames an element's file would otherwise drop it from the loader
    # silently; its first use would again wait for it at a click.
    files = element_files()
    assert len(files) == len(ELEMENTS)
    assert [f.split(".")[0] for f in files] == list(ELEMENTS)
    assert files[0].startswith("DataFrame.")  # the heaviest, loaded first
