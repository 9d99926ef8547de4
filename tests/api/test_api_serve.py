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


def test_the_declared_uvicorn_accepts_the_workers_loop_factory() -> None:
    """`serve --workers N` hands uvicorn `loop="mccredit.api._server:balanced_loop"`, an import
    string of a loop factory: uvicorn reads one from 0.36 on; 0.30-0.35 looked `loop` up in
    their table of loop setups (KeyError in every worker, the server never started)."""
    import tomllib

    import uvicorn
    from packaging.requirements import Requirement

    root = Path(__file__).resolve().parents[2]
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    (spec,) = [r.specifier for r in map(Requirement, deps) if r.name == "uvicorn"]
    assert not spec.contains("0.35.0"), spec
    assert spec.contains(uvicorn.__version__)


def test_a_killed_server_leaves_no_counters_file(tmp_path: Path) -> None:
    """A server killed outright (SIGKILL, the OOM killer) runs no clean-up: its workers' file
    of counts stayed in /dev/shm until the next reboot (two per run of this suite)."""
    code = """if True:
        import os, signal, uvicorn
        from mccredit.api._server import COUNTERS_ENV, WorkerCounters

        def run(*args, **kwargs):
            path = os.environ[COUNTERS_ENV]
            WorkerCounters(path).opened()  # what a worker does with it
            print(path, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

        uvicorn.run = run
        from mccredit.cli import main
        main()
    """
    from mccredit.cli.serve import COUNTERS_ENV

    env = {k: v for k, v in os.environ.items() if k != COUNTERS_ENV}
    env["MCCREDIT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'k.db'}"
    r = subprocess.run(
        [sys.executable, "-c", code, "serve", "--workers", "2", "--log-level", "warning"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == -9, r.stderr
    path = r.stdout.strip()
    assert path, r.stderr
    left = os.path.exists(path)
    if left:
        os.unlink(path)
    assert not left, path


def test_a_worker_that_stops_listening_leaves_the_counts_at_once(tmp_path: Path) -> None:
    """A worker shutting down (a restart on SIGHUP, its replacement already serving) closes
    its listening socket first, then its connections, then drains the writer: all that while
    alive, with fewer open connections than the others and accepting none, it held every
    other worker's accepts back (10 ms each, at most 100 a second)."""
    import asyncio

    from mccredit.api._server import BalancedEventLoop, WorkerCounters, read_counters

    path = str(tmp_path / "c")
    other = WorkerCounters(path)  # a worker still serving, with one connection open
    other.opened()
    loop = BalancedEventLoop(path)
    try:

        async def go() -> None:
            server = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
            assert len(read_counters(path)) == 2 and other.ahead()  # listening, idle
            server.close()
            await server.wait_closed()
            assert not other.ahead(), read_counters(path)

        loop.run_until_complete(go())
    finally:
        loop.close()
        other.release()


def test_a_connection_made_after_its_server_stopped_serving_is_closed() -> None:
    """asyncio makes an accepted connection (`connection_made`) a turn or two after the
    accept; uvicorn's shutdown stops listening and shuts down the connections it knows in one
    turn, then waits for all of them to close. One accepted before and made after was never
    asked to close: a client that keeps it busy kept a stopping worker serving forever (the
    two-worker SIGTERM test hung in 5 of 29 runs). Here the server closes in the turn between
    the two, as in that race: the connection is closed at once, with nothing answered."""
    import asyncio

    from uvicorn.config import Config
    from uvicorn.server import ServerState

    from mccredit.api._server import NoDelayHTTPProtocol

    answered: list[object] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        answered.append(scope)

    config = Config(app=app, lifespan="off", log_level="warning")
    config.load()
    state = ServerState()

    async def go() -> bytes:
        loop = asyncio.get_running_loop()
        servers: list[asyncio.Server] = []

        def factory() -> asyncio.Protocol:
            # accepted; asyncio now makes the transport and schedules `connection_made`:
            # the shutdown's turn comes first
            loop.call_soon(servers[0].close)
            return NoDelayHTTPProtocol(config=config, server_state=state, app_state={}, _loop=loop)

        servers.append(await loop.create_server(factory, "127.0.0.1", 0))
        port = servers[0].sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
            return await asyncio.wait_for(reader.read(), 5)  # before: served, kept open
        finally:
            writer.close()

    assert asyncio.run(go()) == b""
    assert not state.connections and not answered


def test_serve_bounds_the_graceful_shutdown(tmp_path: Path, monkeypatch) -> None:
    """uvicorn waits for the requests in flight without a limit unless told one."""
    import uvicorn

    from mccredit.cli.serve import GRACEFUL_TIMEOUT
    from mccredit.store._config import ENV_URL

    monkeypatch.delenv(ENV_URL, raising=False)  # `serve` sets it for uvicorn's workers
    seen: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.append(kw))
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["serve", "--url", url]).exit_code == 0
    assert runner.invoke(cli, ["serve", "--url", url, "--graceful-timeout", "3"]).exit_code == 0
    bad = runner.invoke(cli, ["serve", "--url", url, "--graceful-timeout", "-1"])
    assert bad.exit_code == 2 and "--graceful-timeout" in bad.output
    assert [kw["timeout_graceful_shutdown"] for kw in seen] == [GRACEFUL_TIMEOUT, 3]
    # asyncio's loop, never uvloop ("auto" where installed): the protocol's shutdown of a
    # connection made after its server stopped reads asyncio's transport
    assert {kw["loop"] for kw in seen} == {"asyncio"}
