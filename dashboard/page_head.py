"""What the dashboard adds to the head of the page Streamlit serves to a new tab: where the
server is, and the elements' code loaded while the page is idle.

*Where the server is.* Streamlit's page does not know whether `/don-vi` is a page of the app or
the path the app is served under, so it first asks `/don-vi/_stcore/health`, gets a 404, waits
and only then asks `/_stcore/health` (Streamlit 1.67, `getPossibleBaseUris` in its frontend):
110–125 ms of every new tab or reload of a deep link (measured in Chromium at 1M tasks,
docs/performance.md). Its documented `window.__streamlit.BACKEND_BASE_URL` names the server
instead; a small script sets it to the address with the page's own name taken off, so the app
keeps working behind a proxy that serves it under a prefix (`/cddh/don-vi` → `/cddh/`).

*The elements' code.* Streamlit loads the code of each kind of element (a table: 486 kB with
what it imports) only when one is first drawn, so the first page of a session with a table
waited for it at its click. A second script loads that code, one file at a time, once the page
has been idle a while; listing it as `modulepreload` links instead made every new tab slower.

*Links that stay in the session.* A list of links drawn as one element
(`navigation.link_list`) is plain anchors; followed as such, each would load the page anew and
open a new session (1.2 s instead of 0.3 s). A third script takes a plain click on one of them
(not a Ctrl, Shift or middle click, which open a new tab as any link does), puts its address in
the browser's history and tells Streamlit the history moved: Streamlit then runs that page in
the same session, as for its own page links and the Back button (`onHistoryChange` in its
frontend), and Back returns to the list. Before an anchor is followed any other way, the
script also sets its address under the server's, as the page head knows it.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import streamlit

# Streamlit's page carries its root element; the login page (dashboard/login_routes.py) not.
_MARKER = b'<div id="root">'


def base_script(pages: Iterable[str]) -> bytes:
    """The script that sets `window.__streamlit.BACKEND_BASE_URL` from the page's address,
    given the pages' names (url paths)."""
    return (
        "<script>window.__streamlit=Object.assign({},window.__streamlit,"
        f"{{BACKEND_BASE_URL:({server_address(pages)})(location)}});</script>"
    ).encode()


def server_address(pages: Iterable[str]) -> str:
    """A JavaScript function of a location: the server's address (the location's origin and
    path, without a trailing page name)."""
    names = json.dumps(sorted(set(pages)))
    return (
        "function(loc){"
        f"var pages={names};"
        'var p=loc.pathname.replace(/\\/+$/,"");'
        'var last=p.slice(p.lastIndexOf("/")+1);'
        "if(pages.indexOf(last)>=0){p=p.slice(0,p.length-last.length);}"
        "return loc.origin+p;}"
    )


# Streamlit's built frontend, and the code of the elements the dashboard draws, in the order
# they are loaded while the page is idle (tables first: the heaviest, 486 kB).
STATIC = Path(streamlit.__file__).parent / "static"
ELEMENTS = (
    "DataFrame",
    "ArrowVegaLiteChart",
    "loadVegaEmbed",
    "embed",
    "PageLink",
    "Selectbox",
    "Multiselect",
    "DateInput",
    "Checkbox",
    "Radio",
    "ButtonGroup",
    "Button",
    "DownloadButton",
    "TextInput",
    "TextArea",
    "NumberInput",
    "Pagination",
    "Table",
    "FileUploader",
    "Html",
)


def element_files(static: Path = STATIC, elements: Iterable[str] = ELEMENTS) -> list[str]:
    """The file of each element's code in Streamlit's build (`<name>.<hash>.js`), in the
    order of `elements`; one a later Streamlit no longer has is left out."""
    files = sorted(p.name for p in (static / "static" / "js").glob("*.js"))
    return [
        f
        for name in elements
        for f in files
        if f.startswith(name + ".") and f.count(".") == name.count(".") + 2
    ]


def idle_loader(files: Iterable[str], after_ms: int = 1500) -> bytes:
    """A script that loads the elements' code, one file at a time, when the page is idle (from
    `after_ms` after it loaded), so that no later click waits for it. The files are named
    beside Streamlit's own script, as its code names them, so that each is loaded once."""
    names = json.dumps(list(files))
    return (
        "<script>addEventListener('load',function(){"
        f"var files={names};"
        "var idle=window.requestIdleCallback||function(f){return setTimeout(f,50);};"
        "function next(){var f=files.shift();if(!f){return;}"
        "var main=document.querySelector('script[type=module][src*=\"/index.\"]');"
        "if(!main){return;}"
        "idle(function(){import(new URL(f,main.src).href)"
        ".catch(function(){}).then(function(){setTimeout(next,20);});},{timeout:10000});}"
        f"setTimeout(next,{after_ms});}});</script>"
    ).encode()


def link_script() -> bytes:
    """The script that keeps a plain click on a `navigation.link_list` anchor (one with
    `data-cddh-page`) in the session: the page's address under the server's
    (`BACKEND_BASE_URL`), with the anchor's query, pushed to the history, then a `popstate`;
    and the lists' style.

    Before any other way of following the anchor (pressed, focused for the keyboard, or its
    menu opened: a Ctrl, Shift or middle click, «Mở liên kết trong thẻ mới»), the script sets
    its `href` to that same address: the page writes it relative to the page (`nhiem-vu?…`),
    which a tab at a proxy's prefix without its trailing slash (`/cddh`) would resolve
    against the host's root."""
    return (
        b"<script>(function(){"
        b"function anchor(e){return e.target&&e.target.closest?"
        b"e.target.closest('a[data-cddh-page]'):null;}"
        b"function address(a){"
        b"var base=(window.__streamlit&&window.__streamlit.BACKEND_BASE_URL)||location.origin;"
        b"if(base.slice(-1)!=='/'){base+='/';}"
        b"var to=new URL(a.getAttribute('data-cddh-page')+a.search,base);"
        b"return to.origin===location.origin?to:null;}"
        b"function settle(e){var a=anchor(e);var to=a&&address(a);"
        b"if(to&&a.href!==to.href){a.href=to.href;}}"
        b"['pointerdown','focusin','contextmenu'].forEach(function(t){"
        b"document.addEventListener(t,settle,true);});"
        b"document.addEventListener('click',function(e){"
        b"if(e.defaultPrevented||e.button!==0||e.ctrlKey||e.metaKey||e.shiftKey||e.altKey){return;}"
        b"var a=anchor(e);var to=a&&address(a);"
        b"if(!to){return;}"
        b"e.preventDefault();"
        b"history.pushState({},'',to.href);"
        b"dispatchEvent(new PopStateEvent('popstate',{state:{}}));"
        b"},true);})();</script>"
        # Links, not underlined until pointed at or focused: a list of forty underlined lines
        # reads as a wall of text on a projector.
        b"<style>ul.cddh-links a{text-decoration:none}"
        b"ul.cddh-links a:hover,ul.cddh-links a:focus-visible{text-decoration:underline}</style>"
    )


def with_base(page: bytes, script: bytes) -> bytes:
    """Streamlit's page with the script first in its head; any other page unchanged."""
    if _MARKER not in page or b"<head>" not in page:
        return page
    return page.replace(b"<head>", b"<head>" + script, 1)


class PageHead:
    """ASGI middleware: adds `base_script(pages)`, the `idle_loader` of the elements' code and
    the `link_script` to the HTML page Streamlit serves (gzipped or not); every other response
    passes through untouched."""

    def __init__(self, app: Any, pages: Iterable[str]) -> None:
        self.app = app
        self.script = base_script(pages) + idle_loader(element_files()) + link_script()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def relay(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if headers.get(b"content-type", b"").startswith(b"text/html"):
                    held["start"] = message  # sent once the whole page is read
                    return
            elif message["type"] == "http.response.body" and "start" in held:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                await _send_page(send, held["start"], b"".join(chunks), self.script)
                return
            await send(message)

        await self.app(scope, receive, relay)


async def _send_page(send: Any, start: Any, body: bytes, script: bytes) -> None:
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    zipped = dict(headers).get(b"content-encoding") == b"gzip"
    page = gzip.decompress(body) if zipped and body else body
    page = with_base(page, script)
    body = gzip.compress(page) if zipped and body else page
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
