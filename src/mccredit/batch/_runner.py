"""Run a roster batch: read in chunks, evaluate, write every output atomically.

Outputs (for `--out results.parquet`):
* `results.parquet` (or `.csv`, `.ndjson`): one row per educator and license;
* `results.warnings.<fmt>`: warnings with the file and row of the credential they concern;
* `results.rejects.csv`: rejected rows with file, row and reason (always written);
* `--ledger-out FILE` (optional): every ledger entry;
* `--payroll-out FILE` (optional, CSV): one row per educator whose annual salary changes.

Each output is written to a temporary name beside its target and renamed into place only
after the whole roster succeeded: an interrupted run leaves the previous files (or none), never
half a file. A run killed outright (SIGKILL, power loss) cannot remove its temporary files; the
next run writing the same output removes those whose process is gone.

Ctrl-C (SIGINT, in the main thread): the first one stops the run (KeyboardInterrupt); the
cleanup it starts (wait for the chunk being written, remove every temporary file) is not
interrupted by more. Renaming the outputs into place is not interrupted either: a Ctrl-C
during it, or after it (the worker pool shutting down), comes too late, and the run completes.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any, Literal, TypeVar

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..evaluation import plan_for
from ..rules import RuleSet
from ._chunk import (
    REJECT_SCHEMA,
    ChunkOut,
    Mode,
    Stats,
    ledger_schema,
    prepare_chunk,
    process_chunk,
    results_schema,
    warning_schema,
)
from ._compile import ColumnarPlan, compile_columnar
from ._pool import FallbackPool
from ._roster import Chunk, Unsorted, hash_chunks, hash_parts, merge_chunks, open_roster
from ._vector import catalog_frames

__all__ = ["AtomicTable", "BatchSummary", "Format", "run_batch"]

Format = Literal["parquet", "csv", "ndjson"]
Engine = Literal["local", "reference", "dask"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove `.<name>.<pid>.tmp` files beside `path` left by runs whose process is gone
    (killed before they could clean up); a live process's file is left alone. Returns the
    files removed."""
    removed: list[Path] = []
    prefix = f".{path.name}."
    if not path.parent.is_dir():
        return removed
    for tmp in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        pid_text = tmp.name[len(prefix) : -len(".tmp")]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        try:
            tmp.unlink()
        except FileNotFoundError:  # another run removed it first
            continue
        removed.append(tmp)
    return removed


class AtomicTable:
    """A table written in pieces to `<name>.<pid>.tmp`, renamed to `name` on `commit()`."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: Format) -> None:
        self.path = path
        remove_stale_temps(path)
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.schema = schema
        self.fmt = fmt
        self.rows = 0
        self._pq: pq.ParquetWriter | None = None
        self._csv: pacsv.CSVWriter | None = None
        self._fh: IO[bytes] | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            self._pq = pq.ParquetWriter(self.tmp, schema, compression="zstd")
        elif fmt == "csv":
            self._csv = pacsv.CSVWriter(self.tmp, schema)
        else:
            self._fh = self.tmp.open("wb")

    def write(self, table: pa.Table) -> None:
        table = table.cast(self.schema)
        self.rows += table.num_rows
        if self._pq is not None:
            self._pq.write_table(table)
        elif self._csv is not None:
            self._csv.write_table(table)
        elif self._fh is not None and table.num_rows:
            df = pl.from_arrow(table)
            assert isinstance(df, pl.DataFrame)
            df.write_ndjson(self._fh)

    def close(self) -> None:
        """Finish the temporary file (no more writes); `commit` renames it."""
        if self._pq is not None:
            self._pq.close()
        if self._csv is not None:
            self._csv.close()
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        self._pq = self._csv = self._fh = None

    def commit(self) -> None:
        self.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Remove the temporary file. Finishing it may fail (again: a full disk fails the
        footer at the commit and in this cleanup); that does not stop the removal, nor the
        cleanup of the other tables, nor replace the run's own error."""
        try:
            self.close()
        except Exception:  # noqa: BLE001 - the file is removed: what it lacks does not matter
            self._pq = self._csv = self._fh = None
        finally:
            self.tmp.unlink(missing_ok=True)


class _Interrupts:
    """SIGINT during one batch. The first Ctrl-C raises KeyboardInterrupt (as Python's own
    handler does); later ones only count, so the cleanup the first one started finishes. One
    while `held()` (a cleanup or the commit) waits for `check()` (the next attempt of the
    run); after a commit the run is complete (`completed`): that one and any later only
    count, the run returns its summary."""

    def __init__(self) -> None:
        self.count = 0
        self.raised = False
        self.completed = False
        self._held = 0
        self._missed = False

    def __call__(self, _signum: int, _frame: FrameType | None) -> None:
        self.count += 1
        if self.raised or self.completed:
            return
        if self._held:
            self._missed = True
            return
        self.raised = True
        raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1

    def check(self) -> None:
        """Raise the Ctrl-C that came while held, if any."""
        if self._missed and not self.raised:
            self.raised = True
            raise KeyboardInterrupt


@contextmanager
def _interrupts() -> Iterator[_Interrupts | None]:
    """Install `_Interrupts` for the block where SIGINT raises KeyboardInterrupt in this
    thread (the main thread, Python's default handler); elsewhere (another thread, SIGINT
    ignored or handled by the application) change nothing and give None."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield None
        return
    handler = _Interrupts()
    signal.signal(signal.SIGINT, handler)
    try:
        yield handler
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


class _Outputs:
    """The run's tables: every one committed when the block succeeds, else every one aborted
    (after the writer thread, if any, has stopped: no table is closed under a write)."""

    def __init__(self, interrupts: _Interrupts | None = None) -> None:
        self.tables: list[AtomicTable] = []
        self.writer: _WriteBehind | None = None
        self._interrupts = interrupts

    def add(self, path: Path, schema: pa.Schema, fmt: Format) -> AtomicTable:
        t = AtomicTable(path, schema, fmt)
        self.tables.append(t)
        return t

    def __enter__(self) -> _Outputs:
        return self

    def _commit(self) -> None:
        """Close every table (the part that can fail: footers, flushes), then rename each;
        a failure removes the temporary files not yet renamed."""
        done = 0
        try:
            for t in self.tables:
                t.close()
            for t in self.tables:
                t.commit()
                done += 1
        except BaseException:
            for t in self.tables[done:]:
                t.abort()
            raise

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        hold: AbstractContextManager[None] = (
            nullcontext() if self._interrupts is None else self._interrupts.held()
        )
        with hold:
            if et is None:
                self._commit()
                if self._interrupts is not None:  # the outputs are in place: nothing to stop
                    self._interrupts.completed = True
                return
            try:
                if self.writer is not None:
                    self.writer.cancel()
            finally:
                for t in self.tables:
                    t.abort()


@dataclass
class BatchSummary:
    jurisdiction: str
    as_of: dt.date
    engine: str
    stats: Stats
    seconds: float
    outputs: dict[str, str] = field(default_factory=dict)
    stale_rules: list[tuple[str, str]] = field(default_factory=list)
    plan_note: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.stats.rejected else 0

    def lines(self) -> list[str]:
        s = self.stats
        rate = s.educators / self.seconds if self.seconds else 0.0
        out = [
            f"{self.jurisdiction} as of {self.as_of} ({self.engine}): {s.educators} educators, "
            f"{s.licenses} licenses, {s.credentials} credentials in {self.seconds:.2f} s "
            f"({rate:,.0f} educators/s)",
            f"renewal: {s.complete} licenses complete, {s.at_risk} at risk",
            f"advancement: {s.eligible} educators eligible",
            f"salary: {s.salary_changes} changes, cost this year {s.cost_this_year / 100:,.2f}",
            f"warnings: {s.warnings}; rejected rows: {s.rejected}",
        ]
        if s.fallback:
            why = ", ".join(f"{k}: {v}" for k, v in sorted(s.fallback_reasons.items()))
            out.append(f"per-educator path: {s.fallback} educators ({why})")
        for rid, when in self.stale_rules:
            out.append(f"rule {rid} was due for review by {when}: it may be stale")
        for name, p in self.outputs.items():
            out.append(f"{name}: {p}")
        return out


def _fmt_of(path: Path, fmt: Format | None) -> Format:
    if fmt is not None:
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "ndjson", "parquet"):
        return suffix  # type: ignore[return-value]
    if suffix == "jsonl":
        return "ndjson"
    return "parquet"


def _side(out: Path, what: str, fmt: Format) -> Path:
    ext = {"parquet": ".parquet", "csv": ".csv", "ndjson": ".ndjson"}[fmt]
    return out.with_name(f"{out.stem}.{what}{ext}")


PAYROLL_SCHEMA = pa.schema(
    [
        ("educator_id", pa.string()),
        ("salary_lane", pa.string()),
        ("salary_step", pa.int64()),
        ("salary_annual", pa.decimal128(18, 2)),
        ("new_lane", pa.string()),
        ("new_step", pa.int64()),
        ("new_annual", pa.decimal128(18, 2)),
        ("annual_delta", pa.decimal128(18, 2)),
        ("effective_date", pa.date32()),
        ("this_year_delta", pa.decimal128(18, 2)),
        ("retro", pa.decimal128(18, 2)),
    ]
)


def payroll_rows(results: pa.Table) -> pa.Table:
    """One row per educator whose annual salary changes."""
    df = pl.from_arrow(results)
    assert isinstance(df, pl.DataFrame)
    df = df.filter(pl.col("annual_delta").is_not_null() & (pl.col("annual_delta") != 0))
    df = df.unique("educator_id", keep="first", maintain_order=True)
    return df.select(PAYROLL_SCHEMA.names).to_arrow().cast(PAYROLL_SCHEMA)


ChunkSource = Callable[[], Iterator[ChunkOut]]
T = TypeVar("T")
_DONE = object()


def prefetch(items: Iterator[T]) -> Iterator[T]:
    """Read (and prepare) the next chunk in a thread while this one is evaluated (pyarrow
    and polars release the GIL); at most one chunk waits. Exceptions reach the caller. Closing
    the iterator early stops the thread at its next chunk (its end, or its error, waits for
    no consumer)."""
    q: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(x: Any) -> bool:
        """Hand `x` to the consumer; False once it has stopped listening."""
        while not stop.is_set():
            try:
                q.put(x, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for it in items:
                if not offer(it):
                    return
            offer(_DONE)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            offer(e)

    t = threading.Thread(target=work, name="mccredit-batch-read", daemon=True)
    t.start()
    try:
        while True:
            got = q.get()
            if got is _DONE:
                return
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop.set()
        t.join(timeout=5)


class _WriteBehind:
    """Write each chunk's tables in a thread while the next chunk is evaluated (pyarrow's
    writers release the GIL), in the order handed; at most one chunk waits.

    One use: `put` chunks, then `close()` (wait for the last write; raise the writer's
    exception, once) or `cancel()` (drop the waiting chunk, wait for the one being written,
    raise nothing). An exception in the writer also reaches the caller at its next `put`;
    the chunks after it are not written. `written` counts the educator rows of the chunks
    whose tables are written.

    The queue is a `queue.SimpleQueue` (its put and get are one C call each) with a lock as
    the one waiting place, not a `queue.Queue(maxsize=1)`: a Ctrl-C landing in a `Queue`'s
    put, just as its `with` took the queue's lock, left that lock held (CPython's `with`
    cannot release what `__enter__` took if the KeyboardInterrupt comes in between), and
    `cancel()` then waited for it forever (a CI run hung 300 s in the final-wait Ctrl-C test,
    the Ctrl-C sent as `close()` began its put). A lock's acquire either takes it or raises.
    Nor does the run wait for the thread with `Thread.join()`: a KeyboardInterrupt inside it
    marks the thread as stopped while it still runs (CPython 3.11's `_wait_for_tstate_lock`
    releases the running thread's lock on any exception), so the cleanup's second wait
    returned at once and the outputs were aborted under the write still running. `_wait`
    sleeps until the thread says it ended: a Ctrl-C during a sleep leaves nothing held."""

    def __init__(self, write: Callable[[ChunkOut], None]) -> None:
        self._write = write
        self._q: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._slot = threading.Lock()  # held while a chunk waits in the queue
        self._error: BaseException | None = None
        self._raised = False
        self._cancelled = threading.Event()
        self._closed = False
        self._ended = False
        self.written = 0
        self._t = threading.Thread(target=self._work, name="mccredit-batch-write", daemon=True)
        self._t.start()

    def _work(self) -> None:
        try:
            while True:
                co = self._q.get()
                if co is _DONE:
                    return
                self._slot.release()  # taken: the next chunk may wait
                if self._error is not None or self._cancelled.is_set():
                    continue
                try:
                    self._write(co)
                except BaseException as e:  # noqa: BLE001 - handed to the caller
                    self._error = e
                else:
                    self.written += co.stats.educator_rows
        finally:
            self._ended = True

    def _wait(self) -> None:
        """Until the writer thread has ended (see the class doc: not `Thread.join`)."""
        while not self._ended:
            time.sleep(0.002)

    def _raise(self) -> None:
        if self._error is not None and not self._raised:
            self._raised = True
            raise self._error

    def put(self, co: ChunkOut) -> None:
        if self._closed:
            raise RuntimeError("put after close: a _WriteBehind writes one run")
        self._raise()
        self._slot.acquire()  # at most one chunk waits
        self._q.put(co)

    def close(self) -> None:
        """Wait for every write handed so far; raise the writer's exception, if any (once)."""
        if not self._closed:
            self._closed = True
            self._q.put(_DONE)
        self._wait()
        self._raise()

    def cancel(self) -> None:
        """Write nothing more: drop the chunk waiting, wait for the one being written (also
        after a `close()` that was interrupted)."""
        self._cancelled.set()
        self._closed = True
        while True:  # drop what waits (the writer may take it first: it skips it)
            try:
                if self._q.get_nowait() is not _DONE:
                    self._slot.release()
            except queue.Empty:
                break
        self._q.put(_DONE)
        self._wait()


def run_batch(
    roster: Path | str,
    *,
    rules: RuleSet,
    jurisdiction: str,
    as_of: dt.date,
    out: Path | str,
    fmt: Format | None = None,
    payroll_out: Path | str | None = None,
    ledger_out: Path | str | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    chunk_educators: int = 10_000,
    partitions: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> BatchSummary:
    """Evaluate every educator of `roster`; write the outputs atomically; return a summary.

    `workers`: processes for the per-educator path of the local and reference engines
    (default 1: this process alone; `mccredit batch` passes every core). Results are the
    same. Workers start with `spawn`, which imports the calling script again in each
    worker: a script passing `workers > 1` keeps its work under `if __name__ == "__main__":`.

    Raises `RosterError` (exit code 2) when the roster or one of its files cannot be read.
    """
    t0 = time.perf_counter()
    r = open_roster(roster)
    plan = plan_for(rules, jurisdiction, as_of)
    cp = compile_columnar(plan)
    out_p = Path(out)
    ofmt = _fmt_of(out_p, fmt)
    files = {k: r.display(k) for k in r.files}
    with_ledger = ledger_out is not None
    stats = Stats()
    summary = BatchSummary(
        jurisdiction=jurisdiction,
        as_of=as_of,
        engine=engine,
        stats=stats,
        seconds=0.0,
        stale_rules=[(rid, d.isoformat()) for rid, d in plan.stale],
        plan_note=cp.reason,
    )
    total = r.rows("educators")
    mode: Mode = "reference" if engine == "reference" else "vector"
    pool = FallbackPool(cp, 1 if engine == "dask" else workers or 1)
    if engine == "dask":
        from ._dask import dask_chunks

        def source() -> Iterator[ChunkOut]:
            return dask_chunks(
                r,
                cp,
                files=files,
                with_ledger=with_ledger,
                scheduler=scheduler,
                partitions=partitions,
                work=out_p.parent / f".{out_p.name}.parts",
            )

        sources = [source]
    else:
        frames = catalog_frames(cp)

        def local(chunks: Callable[[], Iterator[Chunk]]) -> Callable[[], Iterator[ChunkOut]]:
            def gen() -> Iterator[ChunkOut]:
                # read and prepare in the reading thread, evaluate here: both cores busy
                for ch in prefetch(prepare_chunk(c) for c in chunks()):
                    yield process_chunk(
                        cp,
                        ch,
                        files=files,
                        mode=mode,
                        with_ledger=with_ledger,
                        frames=frames,
                        pool=pool,
                    )

            return gen

        sources = [
            local(lambda: merge_chunks(r, chunk_educators, max(chunk_educators, 65_536))),
            local(lambda: hash_chunks(r, partitions or hash_parts(r, chunk_educators * 20))),
        ]
    with _interrupts() as interrupts, pool:
        for attempt, source in enumerate(sources):
            stats = Stats()
            try:
                _write_all(
                    source,
                    cp,
                    out_p,
                    ofmt,
                    payroll_out,
                    ledger_out,
                    stats,
                    summary,
                    progress,
                    total,
                    interrupts,
                )
            except Unsorted:
                if attempt + 1 == len(sources):
                    raise
                continue
            break
    summary.stats = stats
    summary.seconds = time.perf_counter() - t0
    return summary


def _write_all(
    source: ChunkSource,
    cp: ColumnarPlan,
    out_p: Path,
    ofmt: Format,
    payroll_out: Path | str | None,
    ledger_out: Path | str | None,
    stats: Stats,
    summary: BatchSummary,
    progress: Callable[[int, int | None], None] | None,
    total: int | None,
    interrupts: _Interrupts | None,
) -> None:
    if interrupts is not None:
        interrupts.check()  # a Ctrl-C during the previous attempt's cleanup
    with _Outputs(interrupts) as outs:
        res_t = outs.add(out_p, results_schema(cp), ofmt)
        warn_t = outs.add(_side(out_p, "warnings", ofmt), warning_schema(), ofmt)
        rej_t = outs.add(_side(out_p, "rejects", "csv"), REJECT_SCHEMA, "csv")
        led_t = None
        if ledger_out is not None:
            lp = Path(ledger_out)
            led_t = outs.add(lp, ledger_schema(), _fmt_of(lp, None))
        pay_t = None
        if payroll_out is not None:
            pp = Path(payroll_out)
            pay_t = outs.add(
                pp,
                PAYROLL_SCHEMA,
                _fmt_of(pp, "csv" if pp.suffix.lower() not in (".parquet", ".ndjson") else None),
            )

        def write(co: ChunkOut) -> None:
            res_t.write(co.results)
            warn_t.write(co.warnings)
            rej_t.write(co.rejects)
            if led_t is not None and co.ledger is not None:
                led_t.write(co.ledger)
            if pay_t is not None:
                pay_t.write(payroll_rows(co.results))

        # progress counts the rows of written chunks only (one or two chunks behind evaluation)
        reported = 0
        writer = outs.writer = _WriteBehind(write)
        chunks = source()
        try:
            for co in chunks:
                writer.put(co)
                stats.add(co.stats)
                if progress is not None and writer.written > reported:
                    reported = writer.written
                    progress(reported, total)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:  # stop the reading thread (or the Dask cluster) now
                close()
        writer.close()  # every write done, or its error raised (then outs aborts)
        if progress is not None and writer.written > reported:
            progress(writer.written, total)
        summary.outputs = {
            "results": str(res_t.path),
            "warnings": str(warn_t.path),
            "rejects": str(rej_t.path),
        }
        if led_t is not None:
            summary.outputs["ledger"] = str(led_t.path)
        if pay_t is not None:
            summary.outputs["payroll"] = str(pay_t.path)
