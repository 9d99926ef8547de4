"""`mccredit serve`: migrates an empty database and answers; refuses with a clear message."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from mccredit.cli import app as cli
from mccredit.store._migrate import head_revision


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_refuses_pending_migrations_with_no_migrate(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli, ["serve", "--no-migrate", "--url", f"sqlite:///{tmp_path / 'x.db'}"]
    )
    assert r.exit_code == 2
    assert "refusing to start" in r.stderr and "mccredit db upgrade" in r.stderr


def test_serve_refuses_an_unreachable_database() -> None:
    r = CliRunner().invoke(
        cli, ["serve", "--url", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"]
    )
    assert r.exit_code == 2 and "cannot use the database" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr  # one line, no traceback


def test_serve_migrates_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MCCREDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from mccredit.cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        ready = None
        for _ in range(200):
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        assert ready is not None, proc.stderr.read().decode() if proc.stderr else ""
        assert ready.status_code == 200 and ready.json()["schema_revision"] == head_revision()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def test_every_connection_gets_tcp_nodelay(monkeypatch) -> None:
    """Multi-worker uvicorn hands over sockets asyncio will not set TCP_NODELAY on."""
    from mccredit.api import _server

    seen: list[object] = []
    monkeypatch.setattr(_server._Base, "connection_made", lambda self, t: seen.append(t))
    with socket.create_server(("127.0.0.1", 0)) as srv:
        with socket.create_connection(srv.getsockname()):
            conn, _ = srv.accept()
            with conn:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)

                class Transport:
                    def get_extra_info(self, name: str) -> object:
                        return conn if name == "socket" else None

                proto = _server.NoDelayHTTPProtocol.__new__(_server.NoDelayHTTPProtocol)
                proto.connection_made(Transport())
                assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    assert len(seen) == 1


def test_docs_pages_name_no_cdn(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from mccredit.api import create_app
    from mccredit.store import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    upgrade(engine)
    with TestClient(create_app(engine=engine)) as c:
        html = c.get("/docs").text
        assert "cdn" not in html.lower() and "https://" not in html, html
        assert c.get("/redoc").status_code == 404  # ReDoc needs cdn.redoc.ly: not offered
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
            r = c.get(f"/docs/assets/{asset}")
            assert r.status_code == 200 and len(r.content) > 10_000
    engine.dispose()


def test_worker_counters_share_one_file_and_skip_dead_workers(tmp_path: Path) -> None:
    from mccredit.api._server import WorkerCounters, read_counters

    path = str(tmp_path / "c")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    a = WorkerCounters(path)  # the first sizes the file
    b = WorkerCounters(path)
    assert (a.slot, b.slot) == (0, 1)
    a.opened()
    a.opened()
    b.opened()
    a.request()
    assert a.ahead() and not b.ahead()
    b.opened()
    assert not a.ahead() and not b.ahead()  # equal: both accept
    assert read_counters(path) == [
        {"pid": os.getpid(), "open": 2, "connections": 2, "requests": 1},
        {"pid": os.getpid(), "open": 2, "connections": 2, "requests": 0},
    ]
    b.release()  # an exited worker's slot is free again, and not counted
    a.closed()
    assert not a.ahead()
    c = WorkerCounters(path)
    assert c.slot == 1
    c.release()
    from mccredit.api import _server

    struct_ = _server._SLOT
    a._map[struct_.size : 2 * struct_.size] = struct_.pack(dead.pid, 0, 5, 5)  # killed, idle
    assert not a.ahead()  # a dead worker's count does not hold the live ones back
    assert WorkerCounters(path).slot == 1  # and its slot is taken over
    a.release()


def test_two_workers_share_connections_opened_at_once(tmp_path: Path) -> None:
    """asyncio's accept loop takes every pending connection per wake-up: 8 keep-alive
    connections opened at once mostly went to one worker (issue 14.2)."""
    import asyncio

    from mccredit.api._server import read_counters
    from mccredit.cli.serve import COUNTERS_ENV

    port = free_port()
    counters = str(tmp_path / "workers.counters")
    env = {
        **os.environ,
        "MCCREDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        COUNTERS_ENV: counters,
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from mccredit.cli import main; main()", "serve"]
        + ["--port", str(port), "--workers", "2", "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    async def burst() -> list[int]:
        conns = await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", port) for _ in range(8))
        )
        try:
            for _ in range(100):  # until both workers have counted all eight
                split = sorted(c["open"] for c in read_counters(counters))
                if sum(split) == 8:
                    break
                await asyncio.sleep(0.05)
            return split
        finally:
            for _, writer in conns:
                writer.close()

    try:
        for _ in range(300):  # both workers listening (each has its slot then)
            if os.path.exists(counters) and len(read_counters(counters)) == 2:
                break
            assert proc.poll() is None
            time.sleep(0.1)
        assert len(read_counters(counters)) == 2
        split = asyncio.run(burst())
        assert sum(split) == 8 and split[0] >= 3, split  # before: 0 and 8 (or 1 and 7)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert os.path.exists(counters)  # a file it did not create is left alone
