"""Background jobs of the API: one worker thread per app, started on first use.

`POST /v1/scenarios` answers 202 at once and hands the costing to `Jobs.submit`; the job's
state lives in the database (`scenario_run`), so any process serving the same database can
answer the status URL. One worker runs jobs in submission order (costing is CPU-bound: a
second thread would only share the same core's time). On shutdown (the app's lifespan ends)
the running job finishes and those still queued are marked failed ("interrupted": submit them
again); a process killed outright leaves its running job `running`, with its `started` time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["Jobs"]

log = logging.getLogger("mccredit.api")


class Jobs:
    """A single-worker queue; `on_cancel(job_id)` is called for each job never started."""

    def __init__(self, on_cancel: Callable[[str], None]) -> None:
        self._on_cancel = on_cancel
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def submit(self, job_id: str, work: Callable[[], None]) -> None:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="mccredit-job")
            fut = self._pool.submit(self._guard, job_id, work)
            self._pending[job_id] = fut
            fut.add_done_callback(lambda _f: self._pending.pop(job_id, None))

    @staticmethod
    def _guard(job_id: str, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:  # the job records its own failure; this only logs a broken one
            log.exception("background job %s failed", job_id)

    def shutdown(self) -> None:
        """Finish the running job, cancel the queued ones (reported to `on_cancel`)."""
        with self._lock:
            pool, self._pool = self._pool, None
            pending = dict(self._pending)
        if pool is None:
            return
        cancelled = [job for job, fut in pending.items() if fut.cancel()]
        pool.shutdown(wait=True)
        for job in cancelled:
            try:
                self._on_cancel(job)
            except Exception:
                log.exception("could not mark job %s interrupted", job)
