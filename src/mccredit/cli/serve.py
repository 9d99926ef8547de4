"""`mccredit serve`: run the HTTP API with uvicorn."""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile
from typing import Annotated, Any

import typer

from ._common import UrlOpt, console

__all__ = ["register", "serve"]

err = console(stderr=True, markup=True)

COUNTERS_ENV = "MCCREDIT_SERVE_COUNTERS"
"""The workers' shared connection counts (`mccredit.api._server.COUNTERS_ENV`: the CLI does
not import the API package)."""


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
    loop, counters = "auto", None
    if workers > 1:  # connections spread evenly over the workers (api._server.balanced_loop)
        loop = "mccredit.api._server:balanced_loop"
        if not os.environ.get(COUNTERS_ENV):
            shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
            fd, counters = tempfile.mkstemp(prefix="mccredit-serve-", suffix=".counters", dir=shm)
            os.close(fd)
            os.environ[COUNTERS_ENV] = counters
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
        )
    finally:
        if counters is not None:
            os.environ.pop(COUNTERS_ENV, None)
            with contextlib.suppress(OSError):
                os.unlink(counters)


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
