"""The shared browser fixture itself: it renders, sees SVG, records network use and errors."""

from __future__ import annotations

from pathlib import Path

from browser_support import BrowserPage


def test_renders_a_local_page_and_takes_a_screenshot(
    browser_page: BrowserPage, tmp_path: Path
) -> None:
    f = tmp_path / "p.html"
    f.write_text(
        "<!doctype html><title>t</title><h1>Hello</h1>"
        '<svg width="40" height="20"><rect width="40" height="20" fill="red"/></svg>',
        encoding="utf-8",
    )
    page = browser_page.open(f)
    assert page.inner_text("h1") == "Hello"
    box = page.locator("svg").bounding_box()
    assert box is not None and box["width"] == 40
    png = browser_page.screenshot(tmp_path / "p.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert browser_page.external_requests == [] and browser_page.errors == []


def test_records_external_requests_and_script_errors(
    browser_page: BrowserPage, tmp_path: Path
) -> None:
    f = tmp_path / "net.html"
    f.write_text(
        '<!doctype html><script src="https://cdn.example.org/lib.js"></script>'
        "<script>undefinedFunction()</script>",
        encoding="utf-8",
    )
    browser_page.open(f)
    assert browser_page.external_requests == ["https://cdn.example.org/lib.js"]
    assert any("undefinedFunction" in e for e in browser_page.errors)
