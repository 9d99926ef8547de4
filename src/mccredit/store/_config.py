"""Where the store lives and how to connect to it.

`MCCREDIT_DATABASE_URL` picks the database (any SQLAlchemy URL, e.g.
`postgresql+psycopg://user@host/db`); without it the store is a SQLite file in the user's data
directory (`platformdirs.user_data_dir("mccredit")/mccredit.db`), created on first use.

PostgreSQL connections give up after `CONNECT_TIMEOUT_SECONDS` and run every statement under
a `statement_timeout` (`STATEMENT_TIMEOUT_MS`), so an unreachable or stuck server is an error
within seconds, never a hang. SQLite is opened in WAL mode with foreign keys on and a 30 s
busy timeout. Transactions that write begin with `BEGIN IMMEDIATE` (see `write_session`), so
two writers queue for the lock instead of failing half-way when a read lock cannot be
upgraded; read-only sessions begin a plain deferred transaction and never wait for writers.
Writers of one process queue on a lock of the engine; writers of different processes (API
workers, the command line) on an advisory `flock` of `<database>-writer.lock`, taken before
`BEGIN IMMEDIATE`: a waiter wakes as soon as the lock is free, where SQLite's busy handler
would sleep with back-off (1, 2, 5, 10 … 100 ms: the p99 of stored evaluations, issue 14.2).
`try_write_session` is the same session only if both locks and SQLite's are free now (else
None at once): for a caller that must not block, such as the API's event loop.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlmodel import Session

try:
    import fcntl as _flock
except ImportError:  # pragma: no cover - not POSIX: SQLite's busy handler alone
    _flock = None  # type: ignore[assignment]

__all__ = [
    "ENV_URL",
    "database_url",
    "default_url",
    "display_url",
    "make_engine",
    "read_session",
    "try_write_session",
    "write_session",
]

ENV_URL = "MCCREDIT_DATABASE_URL"
CONNECT_TIMEOUT_SECONDS = 5
"""How long connecting to a server database may take before it counts as unreachable."""
POOL_TIMEOUT_SECONDS = 10
"""How long a request may wait for a pooled connection."""
POOL_SIZE_ENV = "MCCREDIT_DB_POOL_SIZE"
POOL_SIZE = 16
"""Server-database connections kept open per process, unless `$MCCREDIT_DB_POOL_SIZE` says
otherwise: sized to the concurrency of one API worker (uvicorn's thread pool runs the
synchronous routes), so that a burst of concurrent writers does not open and close overflow
connections per request (issue 14 measured 7.9% of busy time there with SQLAlchemy's default
of 5). There is no `pool_pre_ping` (11.7% of busy time: a round trip before every checkout):
a connection the server dropped fails its request with a 503 and SQLAlchemy then discards
the whole pool, and `POOL_RECYCLE_SECONDS` retires connections before idle timeouts do."""
POOL_RECYCLE_SECONDS = 1800
STATEMENT_TIMEOUT_ENV = "MCCREDIT_DB_STATEMENT_TIMEOUT_MS"
STATEMENT_TIMEOUT_MS = 15_000
"""PostgreSQL `statement_timeout` (ms) unless `$MCCREDIT_DB_STATEMENT_TIMEOUT_MS` says otherwise."""
_write_locks: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_lock_files: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_WRITE = "mccredit_write"
_NOWAIT = "mccredit_nowait"
_BUSY_TIMEOUT_MS = 30_000


def _pool_size() -> int:
    raw = os.environ.get(POOL_SIZE_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else POOL_SIZE


def _statement_timeout_ms() -> int:
    raw = os.environ.get(STATEMENT_TIMEOUT_ENV, "").strip()
    return int(raw) if raw.isdigit() else STATEMENT_TIMEOUT_MS


def default_url() -> str:
    """The default SQLite file URL in the user's data directory (the folder is created)."""
    folder = Path(platformdirs.user_data_dir("mccredit", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'mccredit.db'}"


def database_url(url: str | None = None) -> str:
    """`url` if given, else `$MCCREDIT_DATABASE_URL`, else the default SQLite file."""
    if url:
        return _normalize(url)
    env = os.environ.get(ENV_URL, "").strip()
    return _normalize(env) if env else default_url()


def _normalize(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3, the driver mccredit installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def display_url(url: str) -> str:
    """The URL with any password hidden; for SQLite files, the file's path."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        return str(Path(u.database).resolve())
    return u.render_as_string(hide_password=True)


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `database_url(url)`, tuned per dialect (see the module docstring)."""
    full = database_url(url)
    u = make_url(full)
    if u.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", False)
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT_SECONDS)
        kwargs.setdefault("pool_size", _pool_size())
        kwargs.setdefault("max_overflow", 4)
        kwargs.setdefault("pool_recycle", POOL_RECYCLE_SECONDS)
        if u.get_backend_name() == "postgresql":
            connect_args = dict(kwargs.pop("connect_args", {}))
            connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
            # joined to any `options` the URL carries (e.g. a search_path), never replacing it
            timeout = f"-c statement_timeout={_statement_timeout_ms()}"
            given = connect_args.get("options") or u.query.get("options")
            given = " ".join(given) if isinstance(given, tuple) else given
            if "statement_timeout" not in (given or ""):
                connect_args["options"] = f"{given} {timeout}" if given else timeout
            kwargs["connect_args"] = connect_args
        return create_engine(full, **kwargs)
    if u.database and u.database != ":memory:":
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", 30)
    engine = create_engine(full, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        if u.database and u.database != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    _write_locks[engine] = (
        threading.Lock()
    )  # not RLock: FastAPI may exit a dependency in another thread
    if u.database and u.database != ":memory:" and _flock is not None:
        _lock_files[engine] = f"{u.database}-writer.lock"

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if not options.get(_WRITE, False):
            conn.exec_driver_sql("BEGIN")
        elif options.get(_NOWAIT, False):  # "database is locked" at once, not after 30 s
            conn.exec_driver_sql("PRAGMA busy_timeout=0")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes SQLite's write lock up front (no-op elsewhere).

    Nothing is committed for you: call `session.commit()`; leaving the block rolls back.
    On SQLite, writers of one process also queue on a lock: do not nest write sessions.
    """
    lock = _write_locks.get(engine) if engine.dialect.name == "sqlite" else None
    if lock is None:
        with Session(engine, expire_on_commit=False) as session:
            session.connection(execution_options={_WRITE: True})
            yield session
        return
    # SQLite admits one writer; writers of this process queue here, in order, instead of in
    # SQLite's busy handler, which sleeps with back-off (tens of ms) while it waits.
    with lock, ExitStack() as stack:
        path = _lock_files.get(engine)
        if path is not None:
            stack.enter_context(_process_lock(path))
        session = stack.enter_context(Session(engine, expire_on_commit=False))
        session.connection(execution_options={_WRITE: True})
        yield session


@contextmanager
def try_write_session(engine: Engine) -> Iterator[Session | None]:
    """`write_session` if no other writer holds the write lock now, else None at once.

    On SQLite: None when a writer of this process holds the engine's lock, one of another
    process the `flock`, or anything else SQLite's own lock (`BEGIN IMMEDIATE` is tried with
    no busy timeout); the caller tries again later. Elsewhere always a session."""
    lock = _write_locks.get(engine) if engine.dialect.name == "sqlite" else None
    if lock is None:
        with write_session(engine) as session:
            yield session
        return
    if not lock.acquire(blocking=False):
        yield None
        return
    try:
        with ExitStack() as stack:
            path = _lock_files.get(engine)
            if path is not None and not stack.enter_context(_process_lock(path, wait=False)):
                yield None
                return
            session = stack.enter_context(Session(engine, expire_on_commit=False))
            try:
                session.connection(execution_options={_WRITE: True, _NOWAIT: True})
            except sa_exc.OperationalError as e:
                if "locked" not in str(e.orig) and "busy" not in str(e.orig):
                    raise
                got: Session | None = None
            else:
                got = session
            yield got
    finally:
        lock.release()


@contextmanager
def _process_lock(path: str, *, wait: bool = True) -> Iterator[bool]:
    """An exclusive advisory lock on `path` across processes (skipped where it cannot be
    taken, e.g. a read-only folder: SQLite's own lock still guards the data). Yields False
    only when `wait` is false and another process holds it."""
    assert _flock is not None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield True
        return
    try:
        try:
            _flock.flock(fd, _flock.LOCK_EX if wait else _flock.LOCK_EX | _flock.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
