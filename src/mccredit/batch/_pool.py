"""The per-educator path on every core: slices of handed-back educators evaluated by worker
processes, results taken back in slice order, so the output is the serial path's byte for
byte (`tests/unit/batch/test_pool.py`).

Workers are started (`spawn`: no fork of a process running polars threads) the first time a
chunk hands back enough educators to be worth it, get the compiled plan once, and stay for
the rest of the run. Each slice travels as three small polars frames and comes back as the
plain rows of `FallbackOut`.
"""

from __future__ import annotations

import math
import os
import signal
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING

import polars as pl

from ._compile import ColumnarPlan
from ._fallback import FallbackOut, evaluate_fallback

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["MIN_PARALLEL", "FallbackPool", "default_workers"]

#: Fewer handed-back educators than this in a chunk run in the calling process: sending them
#: to the workers would cost more than it saves.
MIN_PARALLEL = 200

_PLAN: ColumnarPlan | None = None


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init(cp: ColumnarPlan) -> None:
    global _PLAN
    _PLAN = cp
    # a terminal's Ctrl-C reaches every process of the group: the batch (the main process)
    # stops and shuts the pool down; a worker would only print a KeyboardInterrupt traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(
    edu: pl.DataFrame, cred: pl.DataFrame, evals: pl.DataFrame, with_ledger: bool
) -> FallbackOut:
    assert _PLAN is not None, "worker started without a plan"
    return evaluate_fallback(_PLAN, edu, cred, evals, with_ledger=with_ledger)


Slice = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]


class FallbackPool:
    """`workers` processes for the per-educator path of one run (a context manager)."""

    def __init__(self, cp: ColumnarPlan, workers: int) -> None:
        self.cp = cp
        self.workers = max(1, workers)
        self._ex: ProcessPoolExecutor | None = None

    def slice_size(self, n: int, most: int) -> int:
        """Educators per slice for `n` handed back: at most `most`, and at least two slices
        per worker once `n` is worth sharing (so a slow slice does not leave a core idle)."""
        if self.workers == 1 or n < MIN_PARALLEL:
            return most
        return max(1, min(most, math.ceil(n / (2 * self.workers))))

    def run(self, slices: list[Slice], *, with_ledger: bool) -> Iterator[FallbackOut]:
        """Each slice's `FallbackOut`, in the order of `slices`."""
        total = sum(s[0].get_column("educator_id").n_unique() for s in slices)
        if self.workers == 1 or total < MIN_PARALLEL or len(slices) < 2:
            for edu, cred, evals in slices:
                yield evaluate_fallback(self.cp, edu, cred, evals, with_ledger=with_ledger)
            return
        ex = self._executor()
        futures = [ex.submit(_work, *s, with_ledger) for s in slices]
        try:
            for f in futures:
                yield f.result()
        finally:
            for f in futures:
                f.cancel()

    def _executor(self) -> ProcessPoolExecutor:
        """The worker processes, started at the first call."""
        if self._ex is None:
            import multiprocessing  # the process machinery loads only when workers start
            from concurrent.futures import ProcessPoolExecutor

            self._ex = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init,
                initargs=(self.cp,),
            )
        return self._ex

    def close(self) -> None:
        if self._ex is not None:
            self._ex.shutdown(wait=True, cancel_futures=True)
            self._ex = None

    def __enter__(self) -> FallbackPool:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
