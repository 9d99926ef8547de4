"""Every core for a batch: whole chunks evaluated by worker processes (reading and writing
stay in the main process), or, for a roster of one chunk, slices of its handed-back
educators; results are taken back in order, so the output is the serial path's byte for
byte (`tests/unit/batch/test_pool.py`).

Workers are started (`spawn`: no fork of a process running polars threads) the first time a
chunk hands back enough educators to be worth it, get the compiled plan once, and stay for
the rest of the run. Each slice travels as three small polars frames and comes back as the
plain rows of `FallbackOut`.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

import polars as pl

from ._chunk import ChunkOut, Mode, process_chunk
from ._compile import ColumnarPlan
from ._facts import catalog_frames
from ._fallback import FallbackOut, evaluate_fallback
from ._roster import Chunk

__all__ = ["MIN_PARALLEL", "WorkerPool", "default_workers"]

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


_FRAMES: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame] | None = None


def _init(cp: ColumnarPlan) -> None:
    global _PLAN, _FRAMES
    _PLAN = cp
    _FRAMES = None


def _chunk_work(chunk: Chunk, files: dict[str, str], mode: Mode, with_ledger: bool) -> ChunkOut:
    global _FRAMES
    assert _PLAN is not None, "worker started without a plan"
    if _FRAMES is None:
        _FRAMES = catalog_frames(_PLAN)
    return process_chunk(
        _PLAN, chunk, files=files, mode=mode, with_ledger=with_ledger, frames=_FRAMES
    )


def _work(
    edu: pl.DataFrame, cred: pl.DataFrame, evals: pl.DataFrame, with_ledger: bool
) -> FallbackOut:
    assert _PLAN is not None, "worker started without a plan"
    return evaluate_fallback(_PLAN, edu, cred, evals, with_ledger=with_ledger)


Slice = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]


class WorkerPool:
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
        if self._ex is None:
            self._ex = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init,
                initargs=(self.cp,),
            )
        return self._ex

    def chunks(
        self,
        chunks: Iterator[Chunk],
        local: Callable[[Chunk], ChunkOut],
        *,
        files: dict[str, str],
        mode: Mode,
        with_ledger: bool,
    ) -> Iterator[ChunkOut]:
        """`process_chunk` of every chunk, in order. A roster of one chunk is done here
        (`local`, with this pool for its per-educator path); from a second chunk on, whole
        chunks go to the workers, at most `workers + 1` at a time (memory stays a few chunks),
        and their outputs come back in the order the chunks were read."""
        first = next(chunks, None)
        if first is None:
            return
        second = next(chunks, None)
        if self.workers == 1 or second is None:
            yield local(first)
            if second is not None:
                yield local(second)
                for ch in chunks:
                    yield local(ch)
            return
        ex = self._executor()
        pending: deque[Future[ChunkOut]] = deque()
        try:
            for ch in itertools.chain([first, second], chunks):
                pending.append(ex.submit(_chunk_work, ch, files, mode, with_ledger))
                if len(pending) > self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()

    def close(self) -> None:
        if self._ex is not None:
            self._ex.shutdown(wait=True, cancel_futures=True)
            self._ex = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
