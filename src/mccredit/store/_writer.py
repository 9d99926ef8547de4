"""Group commit for stored evaluations: one writer thread per engine, one transaction per batch.

`POST /v1/evaluate?store=true` used to open a session, take the write lock, insert and commit
once per request: on SQLite the writers of a process queued on the lock and those of other
processes in SQLite's busy handler (sleeping with back-off, tens of ms); on PostgreSQL every
request paid its own commit (a WAL flush). Here each request prepares its row
(`evaluation_values`: pure computation) and hands it to `EvaluationWriter.submit`; the writer
thread takes everything queued (up to `max_batch` rows), stores it with `insert_evaluations` in
one transaction and commits, then resolves each request's future with its evaluation id. So:

- a request is answered only after the transaction holding its row committed (a 200 with a
  `Location` still means the row and its audit line are durable);
- if a batch fails, it is rolled back (nothing half-written) and each of its rows is retried
  alone in its own transaction, so a bad row fails only its own request, with the exception
  storing it alone raises (the API turns it into the same problem document as ever). A
  database that is unreachable fails the whole batch at once (every row would fail alike);
- `close()` stops accepting rows and drains the queue before it returns (the API's shutdown
  calls it after uvicorn has answered the requests in flight).

The thread starts on the first row and ends after `idle_seconds` without any.

On SQLite the API does not hand rows to the thread at all (`store`, from the event loop): a
SQLite commit in WAL mode is CPU work (no fsync), so the loop does it itself, without waking
a thread and waiting for it to get the GIL back after each statement (5 ms switch interval
while the loop is busy) and to wake the loop in turn. `store` queues the row and schedules one
flush for the loop's next turn, so the rows of every request that reached it meanwhile
commit in one transaction. The flush never blocks: it takes the write lock only if it is free
(`try_write_session`), else tries again 1 ms later (more rows join meanwhile); after
`handoff_seconds` of a lock held elsewhere (a long write by another process) the rows go to
the thread, which waits for the lock as before. The same rules hold: answered after the
commit, a failed batch retried row by row, `close()` drains.

WAL checkpoints (SQLite in WAL mode): SQLite's automatic checkpoint copies the WAL back into
the database inside the commit that crosses 1,000 pages, and every request in flight waited
for it (one commit in ~130 rows took 10-16 ms: the p99 of stored evaluations, issue 14.2).
Here a checkpointer thread (`_Checkpointer`) copies the WAL every `checkpoint_seconds` while
rows are being committed, without the write lock (a PASSIVE checkpoint: writers go on
meanwhile, and the thread waits on I/O without the GIL). That alone never lets the WAL start
anew under continuous writes (a writer starts it from its beginning only if everything before
it was copied back, and some commit always lands during the copy), so once the WAL is
`restart_pages` long (4,000: 16 MB) the commit after a checkpoint (the loop's or the
thread's, holding the write lock, so no other writer appends meanwhile) copies the pages
committed since, and the next writer starts the WAL anew. That copy ends with two fsyncs
(about 8 ms on a database file that grows), so it runs about once per 16 MB of writes where
SQLite's own ran per 4 MB, each time inside a commit. Where a writer connection's automatic
checkpoint would run, it runs only past `autocheckpoint_pages` (8,000): a bound for when the
thread cannot keep up. A checkpoint moves committed pages only: a failed one leaves the WAL
longer, never a row lost or half-written, and never fails a request.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlmodel import Session

from ._config import try_write_session, write_session
from .repositories import insert_evaluations

__all__ = ["EvaluationWriter", "WriterClosed"]

log = logging.getLogger("mccredit.store")

_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
"""Failures of the database, not of a row: the same for every row of the batch."""

_Item = tuple[dict[str, Any], "Future[int]"]
_Pending = tuple[dict[str, Any], "asyncio.Future[int]"]
_STOP: Any = object()
_ASYNC_SIGNALS = {
    getattr(signal, name)
    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGCHLD", "SIGUSR1", "SIGUSR2")
    if hasattr(signal, name)
}


CHECKPOINT_SECONDS = 0.1
"""How often the checkpointer copies the WAL back while rows are being committed."""
RESTART_PAGES = 4000
"""WAL length (pages) past which a commit finishes the checkpointer's checkpoint (see the
module doc)."""
AUTOCHECKPOINT_PAGES = 8000
"""`PRAGMA wal_autocheckpoint` of the writer's connections: past this, the commit checkpoints
(SQLite's default is 1,000 pages; the checkpointer keeps the WAL shorter)."""
_AUTOCHECKPOINT_SET = "mccredit_wal_autocheckpoint"


def _commits_without_waiting(engine: Engine) -> bool:
    """Whether a commit never waits for another connection, so the event loop may run it: a
    SQLite database in WAL mode (readers never block a WAL commit, and the write lock is taken
    without waiting, `try_write_session`). Where WAL cannot be set (`PRAGMA journal_mode=WAL`
    silently keeps `delete` on some file systems; an in-memory database), a commit waits for
    readers up to the busy timeout (30 s), which would stop every request: the thread commits
    there, as on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return False
    try:
        with engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    except sa_exc.SQLAlchemyError:
        return False  # the thread path reports the database's failure per row
    return str(mode).lower() == "wal"


class WriterClosed(RuntimeError):
    """Raised by `submit` after `close`: the server is shutting down."""


class EvaluationWriter:
    """Queue evaluation rows; a single thread commits them in batches (see the module doc)."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_batch: int = 64,
        idle_seconds: float = 2.0,
        inline: bool | None = None,
        handoff_seconds: float = 0.05,
        checkpoint_seconds: float | None = CHECKPOINT_SECONDS,
        autocheckpoint_pages: int = AUTOCHECKPOINT_PAGES,
        restart_pages: int = RESTART_PAGES,
    ) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        wal = _commits_without_waiting(engine)
        self.inline = wal if inline is None else inline
        """Whether `store` commits on the event loop (SQLite in WAL mode) or through the
        thread."""
        self.checkpointer = (
            _Checkpointer(engine, checkpoint_seconds, idle_seconds, restart_pages) if wal else None
        )
        """Copies the WAL back off the commit path (SQLite in WAL mode; see the module doc);
        `checkpoint_seconds` None: only when `checkpoint()` is called (tests)."""
        self.autocheckpoint_pages = autocheckpoint_pages
        self.handoff_seconds = handoff_seconds
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._pending: list[_Pending] = []  # rows `store` queued on the loop
        self._flush: asyncio.Handle | None = None
        self._flushing = False
        self._busy_since: float | None = None
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self.batches = 0  # committed batches, for tests and benchmarks
        self.rows = 0

    def queued(self) -> int:
        """Rows waiting for their commit (not those of the batch being committed)."""
        return len(self._pending) + self._queue.qsize()

    async def store(self, values: dict[str, Any]) -> int:
        """Store one row from `evaluation_values` and return its evaluation id once committed
        (or raise what storing it raised); called on the event loop (see the module doc)."""
        if not self.inline:
            return await asyncio.wrap_future(self.submit(values))
        if self._closed:
            raise WriterClosed("the server is shutting down")
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[int] = loop.create_future()
        self._pending.append((values, fut))
        if self._flush is None:
            self._event_loop = loop
            self._flush = loop.call_soon(self._flush_pending)
        return await fut

    def _flush_pending(self) -> None:
        """Commit what `store` queued, on the loop, if the write lock is free now."""
        self._flushing = True
        try:
            self._flush_batch()
        finally:
            self._flushing = False

    def _flush_batch(self) -> None:
        self._flush = None
        batch = [(v, f) for v, f in self._pending[: self.max_batch] if not f.done()]
        del self._pending[: self.max_batch]
        if batch:
            try:
                ids = self._commit_now([v for v, _ in batch])
            except Exception as e:
                self._failed(batch, e)
            else:
                if ids is None:  # another writer holds the lock: again soon, or the thread
                    self._busy(batch)
                else:
                    self._busy_since = None
                    for (_, fut), eid in zip(batch, ids, strict=True):
                        if not fut.done():
                            fut.set_result(eid)
        if self._pending and self._flush is None and self._event_loop is not None:
            self._flush = self._event_loop.call_soon(self._flush_pending)

    def _busy(self, batch: list[_Pending]) -> None:
        now = time.monotonic()
        if self._busy_since is None:
            self._busy_since = now
        if now - self._busy_since < self.handoff_seconds and self._event_loop is not None:
            self._pending[:0] = batch
            self._flush = self._event_loop.call_later(0.001, self._flush_pending)
            return
        self._busy_since = None  # a long write elsewhere: the thread waits for the lock
        for values, fut in batch + self._pending:
            self._hand_to_thread(values, fut)
        self._pending.clear()

    def _failed(self, batch: list[_Pending], exc: Exception) -> None:
        _settle_failed(batch, exc, self._alone_now)

    def _alone_now(self, item: _Pending) -> None:
        """One row of a failed batch, alone, on the loop (to the thread if the lock is taken)."""
        values, fut = item
        try:
            ids = self._commit_now([values])
        except Exception as e:
            if not fut.done():
                fut.set_exception(e)
            return
        if ids is None:
            self._hand_to_thread(values, fut)
        elif not fut.done():
            fut.set_result(ids[0])

    def _hand_to_thread(self, values: dict[str, Any], fut: asyncio.Future[int]) -> None:
        loop = fut.get_loop()

        def copy(done: Future[int]) -> None:
            if fut.done():
                return
            exc = done.exception()
            if exc is not None:
                fut.set_exception(exc)
            else:
                fut.set_result(done.result())

        self._enqueue(values).add_done_callback(lambda done: loop.call_soon_threadsafe(copy, done))

    def _commit_now(self, rows: list[dict[str, Any]]) -> list[int] | None:
        """`_commit` if the write lock is free now, else None."""
        with try_write_session(self.engine) as session:
            if session is None:
                return None
            ids = self._insert(session, rows)
        return ids

    def _insert(self, session: Session, rows: list[dict[str, Any]]) -> list[int]:
        """Insert and commit `rows` in the write session; then, still holding the write lock,
        finish a checkpoint the checkpointer started (see the module doc)."""
        ckpt = self.checkpointer
        if ckpt is not None:
            conn = session.connection()
            if conn.info.get(_AUTOCHECKPOINT_SET) != self.autocheckpoint_pages:
                conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(self.autocheckpoint_pages)}")
                conn.info[_AUTOCHECKPOINT_SET] = self.autocheckpoint_pages
        ids = insert_evaluations(session, rows)
        session.commit()
        self.batches += 1
        self.rows += len(rows)
        if ckpt is not None:
            ckpt.committed()
        return ids

    def checkpoint(self) -> None:
        """Copy the WAL back without the write lock now, as the checkpointer does every
        `checkpoint_seconds` (the next commit finishes it); a no-op off SQLite's WAL."""
        if self.checkpointer is not None:
            self.checkpointer.checkpoint()

    def submit(self, values: dict[str, Any]) -> Future[int]:
        """Queue one row from `evaluation_values` for the thread; the future gets its
        evaluation id once the row is committed, or the exception that storing it raised."""
        if self._closed:
            raise WriterClosed("the server is shutting down")
        return self._enqueue(values)

    def _enqueue(self, values: dict[str, Any]) -> Future[int]:
        fut: Future[int] = Future()
        with self._lock:
            self._queue.put((values, fut))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="mccredit-evaluation-writer", daemon=True
                )
                self._thread.start()
        return fut

    def open(self) -> None:
        """Accept rows again (an application started anew after a shutdown). What `store`
        queued on an event loop that has closed since is dropped, with the flush scheduled
        there: nobody awaits those rows (their requests were never answered), and a stale
        flush would keep the next loop's rows from ever being committed."""
        with self._lock:
            self._closed = False
            loop = self._event_loop
            if loop is not None and loop.is_closed():
                if self._pending:
                    log.warning(
                        "dropping %d evaluations queued on a closed event loop",
                        len(self._pending),
                    )
                self._pending.clear()
                self._flush = None
                self._flushing = False
                self._busy_since = None
                self._event_loop = None
        if self.checkpointer is not None:
            self.checkpointer.start_again()

    def close(self, timeout: float | None = 60.0) -> None:
        """Accept no more rows; return when every queued row is committed (or failed).

        Call it from another thread than the event loop's (the API's shutdown runs it in the
        thread pool): rows `store` queued are committed by the loop, which must keep running."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._closed = True
        while self._pending or self._flush is not None or self._flushing:  # the loop's first
            loop = self._event_loop
            if loop is None or loop.is_closed():
                break
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(0.001)
        with self._lock:
            thread = self._thread
            if thread is not None:  # no thread: no marker left behind (queued() counts it)
                self._queue.put(_STOP)  # wakes an idle thread at once
        if thread is not None:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if self.checkpointer is not None:
            self.checkpointer.stop()

    def _run(self) -> None:
        _block_async_signals()
        try:
            self._loop()
        except BaseException:  # pragma: no cover - a bug: no row may wait forever
            log.exception("the evaluation writer stopped")
            with self._lock:
                self._thread = None
            self._fail_queued(WriterClosed("the evaluation writer stopped; retry"))
            raise

    def _fail_queued(self, exc: Exception) -> None:
        while True:
            try:
                _, fut = self._queue.get_nowait()
            except queue.Empty:
                return
            if fut is not None and fut.set_running_or_notify_cancel():
                fut.set_exception(exc)

    def _loop(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self.idle_seconds)
            except queue.Empty:
                first = None
            batch = [] if first is None or first is _STOP else [first]
            while batch and len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not _STOP:
                    batch.append(item)
            if batch:
                self._write(batch)
            with self._lock:  # no submit slips in between this check and the exit
                if (first is None or self._closed) and self._queue.empty():
                    self._thread = None
                    return

    def _write(self, batch: Sequence[_Item]) -> None:
        items = [(v, f) for v, f in batch if f.set_running_or_notify_cancel()]
        try:
            ids = self._commit([v for v, _ in items])
        except Exception as e:
            _settle_failed(items, e, self._write_alone)
            return
        for (_, fut), eid in zip(items, ids, strict=True):
            fut.set_result(eid)

    def _write_alone(self, item: _Item) -> None:
        values, fut = item
        try:
            (eid,) = self._commit([values])
        except Exception as e:
            fut.set_exception(e)
        else:
            fut.set_result(eid)

    def _commit(self, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        with write_session(self.engine) as session:
            return self._insert(session, rows)


class _Settable(Protocol):
    def done(self) -> bool: ...
    def set_exception(self, exception: BaseException, /) -> None: ...


_F = TypeVar("_F", bound=_Settable)


def _settle_failed(
    batch: Sequence[tuple[dict[str, Any], _F]],
    exc: Exception,
    alone: Callable[[tuple[dict[str, Any], _F]], None],
) -> None:
    """A batch whose transaction failed (rolled back, nothing of it stored), on either path:
    one row's own failure, or the database's (unreachable: the same for every row), fails
    every row with it; else each row is stored `alone`, in its own transaction, so a bad row
    fails only its own request."""
    if len(batch) == 1 or isinstance(exc, _UNAVAILABLE):
        for _, fut in batch:
            if not fut.done():
                fut.set_exception(exc)
        return
    log.info("a batch of %d evaluations failed (%s); storing each alone", len(batch), exc)
    for item in batch:
        alone(item)


def _block_async_signals() -> None:
    """Asynchronous signals go to the main thread (whose Python handlers run there anyway): a
    SIGTERM interrupting the writer thread inside psycopg's pipelined executemany left the
    batch waiting forever for a reply to a query it had not finished sending."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, _ASYNC_SIGNALS)


class _Checkpointer:
    """The WAL checkpoints of one writer's engine (SQLite in WAL mode; see the module doc).

    `checkpoint` (the thread, every `interval` while commits happen) runs PASSIVE checkpoints
    without the write lock and, once the WAL is `restart_pages` long, marks one due; `finish`
    (the committer, holding the write lock, right after its commit) runs one more, which
    copies only what was committed since, so that the next writer starts the WAL anew.
    Both use one connection of their own, taken from the engine's pool while the thread runs
    (a commit never waits for the pool for it)."""

    def __init__(
        self, engine: Engine, interval: float | None, idle_seconds: float, restart_pages: int
    ) -> None:
        self.engine = engine
        self.restart_pages = restart_pages
        self.interval = interval
        self.idle_seconds = idle_seconds
        self.passes = 0  # checkpoints without the lock, then finished ones: for tests
        self.finished = 0
        self._due = False
        self._commits = 0
        self._conn: Any = None
        self._use = threading.Lock()  # one checkpoint at a time on `_conn`
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def committed(self) -> None:
        """After a commit, holding the write lock: finish a due checkpoint; start the thread.
        Never raises (the rows are committed: a retry would store them twice)."""
        self._commits += 1
        if self._due:
            self.finish()
        if self._thread is None and self.interval is not None and not self._stop.is_set():
            with self._lock:  # `stop` sets `_stop`, then looks for the thread under the lock
                if self._thread is None and not self._stop.is_set():
                    thread = threading.Thread(
                        target=self._run, name="mccredit-wal-checkpointer", daemon=True
                    )
                    try:
                        thread.start()
                    except RuntimeError as e:  # pragma: no cover - no threads left
                        log.warning("cannot start the WAL checkpointer: %s", e)
                    else:
                        self._thread = thread

    def _passive(self) -> tuple[int, int, int]:
        if self._conn is None:
            self._conn = self.engine.raw_connection()
        cur = self._conn.cursor()
        try:
            busy, log_frames, copied = cur.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            cur.close()
        return int(busy), int(log_frames), int(copied)

    def checkpoint(self) -> None:
        """The bulk of a checkpoint, without the write lock (writers go on meanwhile): twice,
        the second copying what was committed during the first, so what is left for
        `finish` (on the commit path) is only what was committed during that short one."""
        try:
            with self._use:
                self._passive()
                _, log_frames, _ = self._passive()
        except Exception as e:  # the WAL stays longer until the next one: log, go on
            log.warning("WAL checkpoint failed: %s", e)
            return
        self.passes += 1
        self._due = log_frames >= self.restart_pages

    def finish(self) -> None:
        """The pages committed since `checkpoint`, holding the write lock: the next writer
        starts the WAL anew. Never raises (the rows are committed already)."""
        if not self._use.acquire(blocking=False):
            return  # the thread's checkpoint is running: after the next commit
        try:
            if self._conn is None:  # released meanwhile (idle, closed): nothing due
                return
            busy, _, _ = self._passive()
        except Exception as e:
            log.warning("WAL checkpoint failed: %s", e)
            busy = 1
        finally:
            self._use.release()
        if not busy:  # busy: another process's checkpoint runs; after the next commit
            self._due = False
            self.finished += 1

    def _run(self) -> None:
        _block_async_signals()
        assert self.interval is not None
        seen, idle_since = -1, time.monotonic()
        try:
            while not self._stop.wait(self.interval):
                if self._commits != seen:  # (the last pass came after the last commit, so
                    seen, idle_since = self._commits, time.monotonic()  # idle: none due)
                    self.checkpoint()
                    continue
                with self._lock:  # no commit slips in between this check and the exit
                    if time.monotonic() - idle_since > self.idle_seconds:
                        self._release()
                        self._thread = None
                        return
            with self._lock:  # stopped: `stop` releases the connection
                if self._thread is threading.current_thread():
                    self._thread = None
        except BaseException:  # pragma: no cover - a bug: the commits' own bound holds
            log.exception("the WAL checkpointer stopped")
            with self._lock:
                self._release()
                self._thread = None
            raise

    def _release(self) -> None:
        with self._use:
            conn, self._conn = self._conn, None
            self._due = False
        if conn is not None:
            try:
                conn.close()  # back to the pool
            except Exception:  # pragma: no cover - a connection already gone
                pass

    def stop(self) -> None:
        """End the thread (the writer closes); `committed` starts none until `open` again."""
        self._stop.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(30)
        with self._lock:
            self._thread = None
        self._release()

    def start_again(self) -> None:
        self._stop.clear()
