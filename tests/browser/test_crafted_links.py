"""Crafted links in Chromium on every page: a note, never an exception element or a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.helpers import title, wait_done
from tests.browser.test_browser import PAGES

pytestmark = pytest.mark.browser

HUGE = "x" * 60_000


def q(**params: str) -> str:
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


LINKS = {
    # dates out of range, reversed ranges, unknown codes, operator-looking and control values
    "dates": q(
        ngay="0001-01-01",
        ky="custom",
        tu="9999-12-31",
        den="0001-01-01",
        han_tu="9999-12-31",
        han_den="0001-01-01",
        pct='{"$ne": null}',
        loaidv="$where",
        quytac="\x00",
        solieu="\u202e",
        donvi="$gt",
        lanhdao="\x00\u200b",
        dv="$in",
        nguoiky="\u2066x",
        loaivb="$regex",
        sapxep="\x07",
        trang="9" * 25,
        trangthai="$nin",
        xephang="\ufeff",
    ),  # fmt: skip
    # huge strings (a 60,000-character link): searches, ids
    "huge": q(
        ngay="9999-12-31",
        kybc="0001-01",
        tim=HUGE[:20_000],
        timvb=HUGE[:20_000],
        vanban=HUGE[:10_000],
        donvi=HUGE[:10_000],
    ),  # fmt: skip
}
BODY_TRACES = ("Traceback", 'File "', "Error:", "/work/", "site-packages")


@pytest.mark.parametrize("path", list(PAGES))
def test_crafted_links_on_every_page(
    page: Any, app_url: str, artifacts_dir: Path, path: str
) -> None:
    for name, query in LINKS.items():
        page.goto(f"{app_url}/{path}?{query}")
        wait_done(page)
        assert page.locator('[data-testid="stException"]').count() == 0, (path, name)
        body = str(page.locator("body").inner_text())
        for trace in BODY_TRACES:
            assert trace not in body, (path, name, trace)
        assert title(page), (path, name)
        notes = page.locator('[data-testid="stAlert"]').all_inner_texts()
        assert any("đường liên kết" in n.lower() for n in notes), (path, name, notes)
        if name == "huge" and path in ("nhiem-vu", "van-ban"):
            assert any("dài quá 200 ký tự" in n for n in notes), (path, notes)
        if path == "nhiem-vu":
            page.screenshot(path=str(artifacts_dir / f"crafted-{path}-{name}.png"))


@pytest.mark.parametrize("path", ["tong-quan", "khong-co-trang-nay", "nhiem-vu/thua"])
def test_an_address_that_is_no_page_opens_the_overview_in_vietnamese(
    page: Any, app_url: str, path: str
) -> None:
    # The overview's own name (it is served at «/») and unknown addresses: the overview with
    # the link's filters, never Streamlit's English «Page not found» box.
    page.goto(f"{app_url}/{path}?ngay=2026-11-20")
    wait_done(page)
    assert page.url.startswith(f"{app_url}/?ngay=2026-11-20")
    assert title(page) == "Tổng quan"
    body = str(page.locator("body").inner_text())
    assert "Page not found" not in body and "does not seem to exist" not in body
    assert page.locator('[role="dialog"]').count() == 0
