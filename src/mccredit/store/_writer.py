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
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc

from ._config import write_session
from .repositories import insert_evaluations

__all__ = ["EvaluationWriter", "WriterClosed"]

log = logging.getLogger("mccredit.store")

_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
"""Failures of the database, not of a row: the same for every row of the batch."""

_Item = tuple[dict[str, Any], "Future[int]"]
_STOP: Any = object()
_ASYNC_SIGNALS = {
    getattr(signal, name)
    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGCHLD", "SIGUSR1", "SIGUSR2")
    if hasattr(signal, name)
}


class WriterClosed(RuntimeError):
    """Raised by `submit` after `close`: the server is shutting down."""


class EvaluationWriter:
    """Queue evaluation rows; a single thread commits them in batches (see the module doc)."""

    def __init__(self, engine: Engine, *, max_batch: int = 64, idle_seconds: float = 2.0) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.batches = 0  # committed batches, for tests and benchmarks
        self.rows = 0

    def submit(self, values: dict[str, Any]) -> Future[int]:
        """Queue one row from `evaluation_values`; the future gets its evaluation id once the
        row is committed, or the exception that storing it raised."""
        fut: Future[int] = Future()
        with self._lock:
            if self._closed:
                raise WriterClosed("the server is shutting down")
            self._queue.put((values, fut))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="mccredit-evaluation-writer", daemon=True
                )
                self._thread.start()
        return fut

    def open(self) -> None:
        """Accept rows again (an application started anew after a shutdown)."""
        with self._lock:
            self._closed = False

    def close(self, timeout: float | None = 60.0) -> None:
        """Accept no more rows; return when every queued row is committed (or failed)."""
        with self._lock:
            self._closed = True
            thread = self._thread
            self._queue.put(_STOP)  # wakes an idle thread at once
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        # asynchronous signals go to the main thread (whose Python handlers run there anyway):
        # a SIGTERM interrupting this thread inside psycopg's pipelined executemany left the
        # batch waiting forever for a reply to a query it had not finished sending
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, _ASYNC_SIGNALS)
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
            if len(items) == 1 or isinstance(e, _UNAVAILABLE):
                for _, fut in items:  # its own failure, or the database's: the same for all
                    fut.set_exception(e)
                return
            log.info("a batch of %d evaluations failed (%s); storing each alone", len(items), e)
            for item in items:
                self._write_alone(item)
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
            ids = insert_evaluations(session, rows)
            session.commit()
        self.batches += 1
        self.rows += len(rows)
        return ids
