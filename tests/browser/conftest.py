"""Headless-browser fixtures: Playwright for Python driving Debian's Chromium, never a
downloaded browser build (no `playwright install`).

- `browser` (session scope): one Chromium for the whole run, launched from
  `MCCREDIT_CHROMIUM` or `chromium` on PATH (else /usr/bin/chromium); `.ci/run` installs the
  Debian `chromium` package when it is missing.
- `browser_page`: a fresh offline page (`browser_support.BrowserPage`) per test that records
  every request leaving the machine (anything but file:, data:, blob:, about:) and every
  console error or page error, and aborts the external requests: a page that needs the network
  at view time shows it in `external_requests`.

Without Playwright or Chromium the browser tests skip locally and fail with CI=true (as the
PostgreSQL tests do).

Use it from any test under tests/browser/:

    from browser_support import BrowserPage

    def test_page(browser_page: BrowserPage, tmp_path: Path) -> None:
        page = browser_page.open(tmp_path / "report.html")
        assert page.locator("svg").count() > 0
        assert browser_page.external_requests == [] and browser_page.errors == []
        browser_page.screenshot(tmp_path / "report.png")
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest
from browser_support import LOCAL_SCHEMES, BrowserPage, chromium_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Request, Route


def _unavailable(why: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{why}: the browser tests need it under CI (.ci/run installs it)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module. Not one for the session: Playwright's sync API
    keeps an asyncio event loop running in the main thread while it is open, so every later
    test calling `asyncio.run()` (the store writer's) failed with "cannot be called from a
    running event loop" in a whole-suite run (tests/store runs after tests/browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    path = chromium_path()
    if path is None:
        _unavailable("no Chromium found (apt-get install chromium)")
    with sync_playwright() as pw:
        # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        b = pw.chromium.launch(
            executable_path=path, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[BrowserPage]:
    """A fresh page (1280×900, offline); closed after the test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = ctx.new_page()
    bp = BrowserPage(page)

    def route(r: Route, req: Request) -> None:
        if req.url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            bp.external_requests.append(req.url)
            r.abort()

    ctx.route("**/*", route)
    page.on("console", lambda m: bp.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: bp.errors.append(str(e)))
    try:
        yield bp
    finally:
        ctx.close()
