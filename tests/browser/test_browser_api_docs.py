"""`/docs` renders in a real browser with no network beyond the server itself
(issue 14: FastAPI's page loads Swagger UI from a CDN and stays blank offline)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn

from mccredit.api import create_app
from mccredit.store import make_engine, upgrade

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Request, Route


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'docs.db'}")
    upgrade(engine)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(
        uvicorn.Config(create_app(engine=engine), host="127.0.0.1", port=port, log_level="warning")
    )
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/healthz", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        srv.should_exit = True
        t.join(timeout=10)
        engine.dispose()


def test_docs_render_without_a_cdn(browser: Browser, server: str) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    external: list[str] = []
    errors: list[str] = []

    def route(r: Route, req: Request) -> None:
        if req.url.startswith((server, "data:", "blob:", "about:")):
            r.continue_()
        else:
            external.append(req.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server + "/docs", wait_until="load", timeout=120_000)
        # generous: Swagger UI renders ~60 operations from a large schema; on a loaded CI
        # machine that has taken over 30 s. It is a wait, not a speed check.
        page.wait_for_selector(".opblock", timeout=120_000)
        assert page.locator(".opblock").count() > 5  # the operations are listed
        assert "/v1/evaluate" in page.content()
        assert external == [] and errors == []
    finally:
        ctx.close()
