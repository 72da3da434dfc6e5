"""What a Chairman sees without touching a filter: the backlog as of D, the latest ended period,
worst units first, and no text cut off at a laptop's or a projector's size, in both modes; on a
phone, the sidebar closed and the backlog first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core import metrics
from core.periods import default_rule, latest_ended
from core.repository import Repository
from dashboard import cards
from tests.browser.helpers import wait_done
from tests.dashboard.demo_db import AS_OF

pytestmark = pytest.mark.browser

DAY = f"ngay={AS_OF.isoformat()}"

# Text elements whose content is wider than their box and clipped (ellipsis or hidden
# overflow): what a reader would see cut. Streamlit's screen-reader skip link is excluded.
TRUNCATED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-testid="stAppViewContainer"] *')) {
    if (el.getAttribute('data-testid') === 'stSkipToContent') continue;
    if (!el.offsetParent) continue;
    const text = (el.innerText || '').trim();
    if (!text || el.children.length > 3) continue;
    const cs = getComputedStyle(el);
    const clipped = cs.textOverflow === 'ellipsis' || cs.overflowX === 'hidden'
      || cs.overflowX === 'clip';
    if (clipped && el.scrollWidth > el.clientWidth + 1) {
      out.push(text.slice(0, 80) + ' [' + el.scrollWidth + '>' + el.clientWidth + ']');
    }
  }
  return out;
}"""

# Cards whose value, change or label runs past the card's border (the value never wraps).
CARD_OVERFLOW_JS = """() => {
  const out = [];
  for (const card of document.querySelectorAll('.cddh-card')) {
    const edge = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > edge.right + 0.5 || el.scrollWidth > el.clientWidth + 1) {
        out.push((el.innerText || '').trim().slice(0, 40) + ' [' + el.className + ']');
      }
    }
  }
  return out;
}"""


def metric_value(page: Any, label: str) -> str:
    """The value of the first metric card whose label is `label`."""
    card = page.locator(".cddh-card").filter(has=page.locator(".cddh-card-label", has_text=label))
    return str(card.first.locator(".cddh-card-value").inner_text()).strip()


def test_overview_leads_with_the_backlog_and_the_latest_ended_period(
    page: Any, app_url: str, browser_repo: Repository, artifacts_dir: Path
) -> None:
    expected = metrics.status_metrics(browser_repo, metrics.MetricsQuery(as_of=AS_OF, by="none"))
    overdue = expected["total"]["open_overdue"]
    assert overdue > 0
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/?{DAY}")
    wait_done(page)
    # Above the fold, on the projector: the province's open overdue total as of D.
    headline = page.locator(".cddh-card").first
    assert headline.is_visible()
    assert headline.bounding_box()["y"] < 1080
    assert "quá hạn" in headline.locator(".cddh-card-label").inner_text()
    assert metric_value(page, "Chưa hoàn thành, quá hạn") == metrics.format_count(overdue)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert f"Tồn đọng tại ngày {AS_OF:%d/%m/%Y}" in text
    ended = latest_ended("month", AS_OF, default_rule())
    assert f"Kết quả kỳ: {ended.label}" in text
    assert "Nhiệm vụ quá hạn lâu nhất" in text
    page.screenshot(path=str(artifacts_dir / "overview-1920.png"))


@pytest.mark.parametrize("meeting", [False, True], ids=["normal", "meeting"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["laptop", "projector"])
@pytest.mark.parametrize(
    "path", ["", "don-vi", "don-vi?donvi=SNNMT", "nhiem-vu?trangthai=open_overdue"]
)
def test_no_text_is_cut(
    page: Any,
    app_url: str,
    artifacts_dir: Path,
    path: str,
    size: tuple[int, int],
    meeting: bool,
) -> None:
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    sep = "&" if "?" in path else "?"
    page.goto(f"{app_url}/{path}{sep}{DAY}" + ("&hop=1" if meeting else ""))
    wait_done(page)
    cut = page.evaluate(TRUNCATED_JS)
    name = (path.split("?")[0] or "tong-quan") + f"-{width}-{'hop' if meeting else 'thuong'}"
    page.screenshot(path=str(artifacts_dir / f"cut-{name}.png"))
    assert cut == [], cut
    assert page.evaluate(CARD_OVERFLOW_JS) == []
    # In meeting mode the navigation is at the top; what does not fit it is behind a button
    # whose English «N more» is drawn as «Trang khác» instead.
    overflow = page.locator('[data-testid="stTopNavSection"]')
    for i in range(overflow.count()):
        shown = (
            overflow.nth(i)
            .locator("p")
            .evaluate("p => [getComputedStyle(p).fontSize, getComputedStyle(p, '::after').content]")
        )
        assert shown == ["0px", '"Trang khác"'], shown


@pytest.mark.parametrize("meeting", [False, True], ids=["normal", "meeting"])
@pytest.mark.parametrize("width", [390, 1366, 1920])
def test_a_province_sized_value_fits_its_card(
    page: Any, app_url: str, width: int, meeting: bool
) -> None:
    """Values far larger than the demo's (a national roll-up's millions) shrink to fit their
    cards, in the page's own font and styles, on a phone, a laptop and a projector."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{app_url}/?{DAY}" + ("&hop=1" if meeting else ""))
    wait_done(page)
    values = ["12.345.678", "1.234.567", "100,0%", "—", "987.654", "+1.234.567"]
    row = cards.row_html(
        [cards.Card(f"Thẻ {i}", v, delta="-1.234.567") for i, v in enumerate(values)]
    )
    page.evaluate(
        """html => { const box = document.createElement('div'); box.id = 'probe-cards';
        box.innerHTML = html;
        document.querySelector('[data-testid="stMainBlockContainer"]').prepend(box); }""",
        row,
    )
    probe = page.locator("#probe-cards .cddh-card-value")
    assert probe.count() == len(values)
    assert page.evaluate(CARD_OVERFLOW_JS) == []
    sizes = [
        float(probe.nth(i).evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        for i in range(len(values))
    ]
    assert min(sizes) >= 16, sizes  # shrunk, still a headline figure
    assert sizes[3] == max(sizes)  # a short value keeps the full size


@pytest.mark.parametrize("path", ["", "don-vi?donvi=SYT"], ids=["overview", "unit"])
def test_on_a_phone_the_sidebar_is_closed_and_the_backlog_comes_first(
    page: Any, app_url: str, artifacts_dir: Path, path: str
) -> None:
    """390 px wide: the sidebar starts closed, the open overdue count is on the first screen,
    nothing is wider than the screen or cut, and the lists of late tasks wrap inside it."""
    page.set_viewport_size({"width": 390, "height": 844})
    sep = "&" if "?" in path else "?"
    page.goto(f"{app_url}/{path}{sep}{DAY}")
    wait_done(page)
    sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
    assert sidebar is not None and sidebar["x"] + sidebar["width"] <= 0, sidebar
    headline = page.locator(".cddh-card").first
    box = headline.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    assert headline.locator(".cddh-card-label").inner_text().strip() == ("Chưa hoàn thành, quá hạn")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # (the closed sidebar's entries have no width: only the page itself is looked at)
    assert page.evaluate(TRUNCATED_JS.replace("stAppViewContainer", "stMain")) == []
    assert page.evaluate(CARD_OVERFLOW_JS) == []
    links = page.locator("ul.cddh-links a")
    assert links.count() > 0
    for i in range(links.count()):
        edge = links.nth(i).bounding_box()
        assert edge is not None and edge["x"] + edge["width"] <= 390, (i, edge)
    name = path.split("?")[0] or "tong-quan"
    page.screenshot(path=str(artifacts_dir / f"phone-{name}.png"), full_page=True)
    # The headline's «?» explains it on a tap (no hover on a phone), inside the screen.
    tip = headline.locator(".cddh-card-tip")
    assert not tip.is_visible()
    headline.locator(".cddh-card-help").click()
    assert tip.is_visible() and "quá thời hạn" in tip.inner_text()
    edge = tip.bounding_box()
    assert edge is not None and edge["x"] >= 0 and edge["x"] + edge["width"] <= 390, edge
