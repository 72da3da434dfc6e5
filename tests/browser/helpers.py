"""Waiting for Streamlit in a real browser: connected, script finished, nothing stale."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Error as PlaywrightError

RUNNING = '[data-testid="stStatusWidget"]'
STALE = '[data-stale="true"]'
# Running, something stale, no title yet, a skeleton, or a visible chart whose marks Vega has
# not drawn yet (it draws after the elements are placed: 150-200 ms after the run on the
# overview at 1M): checked in one call to the page (four locator counts were four round trips,
# each a query the page's thread runs while it draws).
_BUSY = f"""() => Boolean(
    document.querySelector('{RUNNING}') || document.querySelector('{STALE}')
    || !document.querySelector('h1')
    || document.querySelector('[data-testid="stSkeleton"]')
    || [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].some(
        c => c.checkVisibility() && !c.querySelector('.marks')))"""


def wait_done(page: Any, timeout: float = 90.0, quiet: float = 0.5) -> float:
    """Block until the app has finished running and drawn a title; returns when it finished.

    Finished means: a page title is shown, no "Running…" status widget, no stale element, and
    it stays so for `quiet` seconds (a rerun can follow a run). Returns the monotonic time at
    which the quiet spell began, i.e. when drawing ended.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        try:
            busy = bool(page.evaluate(_BUSY))
        except PlaywrightError:  # the page is navigating: its new document is not drawn yet
            busy = True
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= quiet:
            return quiet_since
        time.sleep(0.03)
    raise TimeoutError("the app did not finish running in time")


def title(page: Any) -> str:
    """The page's h1 text."""
    return str(page.locator("h1").first.inner_text()).strip()


def open_choices(page: Any, label: str, option: str) -> Any:
    """Open the select box labelled `label` and type `option`; returns the action that picks
    the (first) matching option."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator("input").click()
    page.keyboard.type(option)
    page.locator('[role="option"]').filter(has_text=option).first.wait_for()
    return lambda: page.keyboard.press("Enter")


def choose(page: Any, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label`."""
    open_choices(page, label, option)()
