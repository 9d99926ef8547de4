"""`mccredit serve`: run the HTTP API with uvicorn."""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile
from collections.abc import Callable
from typing import Annotated, Any

import typer

from ._common import UrlOpt, console

__all__ = ["register", "serve"]

err = console(stderr=True, markup=True)

COUNTERS_ENV = "MCCREDIT_SERVE_COUNTERS"
"""The workers' shared connection counts (`mccredit.api._server.COUNTERS_ENV`: the CLI does
not import the API package)."""


GRACEFUL_TIMEOUT = 20
"""Seconds a stopping server lets the requests in flight finish (uvicorn waits forever by
default: one connection a client keeps busy then keeps the server from ever stopping). A
parameter, not from a source: below the 30 s Kubernetes gives a pod between SIGTERM and
SIGKILL by default (systemd: 90 s), so the writer's drain that follows still runs."""


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    url: UrlOpt = None,
    migrate: Annotated[
        bool,
        typer.Option(
            "--migrate/--no-migrate", help="Apply pending migrations first (else refuse to start)."
        ),
    ] = True,
    log_level: Annotated[str, typer.Option("--log-level")] = "info",
    graceful_timeout: Annotated[
        int,
        typer.Option(
            "--graceful-timeout",
            min=0,
            help=(
                "On SIGTERM or Ctrl-C: seconds to let the requests in flight finish before"
                " they are cancelled; queued stored evaluations are committed either way."
            ),
        ),
    ] = GRACEFUL_TIMEOUT,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log a line per request (off by default: it costs every request CPU).",
        ),
    ] = False,
) -> None:
    """Serve the evaluation API (OpenAPI at /docs and /openapi.json)."""
    import uvicorn

    from ..store._config import ENV_URL, database_url, display_url, make_engine
    from ..store._migrate import SchemaError, migration_state, upgrade

    full = database_url(url)
    where = display_url(full)
    engine = make_engine(full)
    try:
        state = migration_state(engine)
        if not state.known:
            raise SchemaError(
                f"the database {where} is at schema revision {state.current!r}, "
                "unknown to this version of mccredit; upgrade mccredit"
            )
        if state.pending:
            if not migrate:
                raise SchemaError(
                    f"the database {where} is at schema {state.current or 'empty'}"
                    f" and needs {state.head}: run `mccredit db upgrade` or drop "
                    "--no-migrate"
                )
            upgrade(engine)
            err.print(f"migrated {where}: {state.current or 'empty'} → {state.head}", markup=False)
    except SchemaError as e:
        err.print(f"error: refusing to start: {e}", markup=False)
        raise typer.Exit(2) from None
    except Exception as e:  # unreachable database, bad URL, permissions
        cause = getattr(e, "orig", None) or e
        first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        err.print(
            f"error: refusing to start: cannot use the database {where}: {first}", markup=False
        )
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    os.environ[ENV_URL] = full
    err.print(f"database {where}; serving on http://{host}:{port} (docs at /docs)", markup=False)
    # asyncio's loop in every mode (uvicorn's "auto" takes uvloop where installed): the
    # protocol's shutdown of a connection accepted as the server stops reads asyncio's server
    loop, counters = "asyncio", None
    if workers > 1:  # connections spread evenly over the workers (api._server.balanced_loop)
        loop = "mccredit.api._server:balanced_loop"
        if not os.environ.get(COUNTERS_ENV):
            counters = _counters_file()
            if counters is not None:
                os.environ[COUNTERS_ENV] = counters[0]
    try:
        uvicorn.run(
            "mccredit.api._server:serve_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            log_config=log_config(log_level),
            access_log=access_log,
            http="mccredit.api._server:NoDelayHTTPProtocol",
            loop=loop,
            timeout_graceful_shutdown=graceful_timeout,
        )
    finally:
        if counters is not None:
            os.environ.pop(COUNTERS_ENV, None)
            counters[1]()


def _counters_file() -> tuple[str, Callable[[], None]] | None:
    """The file the workers keep their connection counts in (its path), and how to free it
    once uvicorn returns.

    On Linux an anonymous file (`memfd_create`) that the workers open through this process's
    `/proc/<pid>/fd`: it goes with the last process that has it, so a server killed outright
    (SIGKILL, the OOM killer) leaves nothing behind; a file in /dev/shm stayed there until the
    next reboot. Elsewhere a temporary file, removed when uvicorn returns. None where neither
    can be made (e.g. no writable temporary directory): the workers then run without counts
    (one accept per wake-up) rather than the server not starting."""
    fds = f"/proc/{os.getpid()}/fd"
    if hasattr(os, "memfd_create") and os.path.isdir(fds):
        try:
            fd = os.memfd_create("mccredit-serve-counters")
        except OSError:
            pass
        else:
            return f"{fds}/{fd}", lambda: os.close(fd)
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    for where in dict.fromkeys((shm, None)):
        try:
            fd, path = tempfile.mkstemp(prefix="mccredit-serve-", suffix=".counters", dir=where)
        except OSError:
            continue
        os.close(fd)

        def remove(path: str = path) -> None:
            with contextlib.suppress(OSError):
                os.unlink(path)

        return path, remove
    return None


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, plus the `mccredit` loggers (invalid requests and errors, each with
    its request id) on the same stderr handler."""
    from uvicorn.config import LOGGING_CONFIG

    cfg = copy.deepcopy(LOGGING_CONFIG)
    cfg["loggers"]["mccredit"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return cfg


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
