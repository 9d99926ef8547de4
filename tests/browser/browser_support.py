"""What tests/browser/conftest.py hands to browser tests: `BrowserPage` and `chromium_path`
(importable by tests as `from browser_support import BrowserPage`)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["LOCAL_SCHEMES", "BrowserPage", "chromium_path"]

#: URL schemes that never leave the machine.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def chromium_path() -> str | None:
    """The Chromium to drive: $MCCREDIT_CHROMIUM, else `chromium` on PATH, else Debian's."""
    env = os.environ.get("MCCREDIT_CHROMIUM")
    if env:
        return env
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@dataclass
class BrowserPage:
    """A page in its own offline context, with what it asked of the network and its errors."""

    page: Page
    external_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: Path | str) -> Page:
        """Load a local file (or a URL) and wait until it has loaded."""
        url = (
            Path(path).resolve().as_uri() if not str(path).startswith(LOCAL_SCHEMES) else str(path)
        )
        self.page.goto(url, wait_until="load")
        return self.page

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """A PNG of the page; returns `path` (non-empty, or Playwright raised)."""
        self.page.screenshot(path=str(path), full_page=full_page)
        return path
