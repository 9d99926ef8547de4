"""The write-behind pipeline of `run_batch`: Ctrl-C at any point leaves the previous outputs
(or none) and no temporary file, progress counts written rows only, a writer error surfaces
once, and the reading thread stops when the run does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest

import mccredit
from mccredit.batch import _runner
from mccredit.batch._chunk import ChunkOut, Stats

from .test_roster_io import _roster, _run

OUTPUTS = ["results.parquet", "results.rejects.csv", "results.warnings.parquet"]

# The child runs `mccredit batch` (3 one-educator chunks) with the results table's write of
# the last chunk held until the main thread is in the batch's final wait. The writer thread
# then sends SIGINT to the main thread (as a terminal's Ctrl-C does) and, for ctrl_c=2, a
# second one once the run has begun its cleanup, before it finishes that write. It records
# in MARKS any table aborted while a write was still running.
CHILD = textwrap.dedent(
    """
    import signal, sys, threading
    from pathlib import Path
    from mccredit.batch import _runner
    from mccredit.cli import main

    marks, ctrl_c = Path(sys.argv[1]), int(sys.argv[2])
    main_id = threading.main_thread().ident
    final_wait, cleanup = threading.Event(), threading.Event()
    state = {"results": 0, "writing": False}
    real_write, real_abort = _runner.AtomicTable.write, _runner.AtomicTable.abort
    real_close = _runner._WriteBehind.close
    real_cancel = getattr(_runner._WriteBehind, "cancel", None)

    def close(self):
        final_wait.set()
        return real_close(self)

    def cancel(self):
        cleanup.set()
        return real_cancel(self)

    def abort(self):
        if state["writing"]:
            with marks.open("a") as f:
                f.write(f"aborted {self.path.name} during a write\\n")
        cleanup.set()
        return real_abort(self)

    def handled(n):
        count = getattr(signal.getsignal(signal.SIGINT), "count", None)
        return count is None or count >= n

    def write(self, table):
        if self.path.name == "results.parquet":
            state["results"] += 1
            if state["results"] == 3:
                state["writing"] = True
                assert final_wait.wait(60)
                signal.pthread_kill(main_id, signal.SIGINT)
                assert cleanup.wait(60)
                if ctrl_c == 2:
                    signal.pthread_kill(main_id, signal.SIGINT)
                    while not handled(2):
                        cleanup.wait(0.001)
        real_write(self, table)
        if state["results"] == 3 and self.path.name == "results.rejects.csv":
            state["writing"] = False

    _runner.AtomicTable.write, _runner.AtomicTable.abort = write, abort
    _runner._WriteBehind.close = close
    if real_cancel is not None:
        _runner._WriteBehind.cancel = cancel
    sys.argv = ["mccredit", "batch", *sys.argv[3:]]
    main()
    """
)


@pytest.mark.parametrize("ctrl_c", [1, 2])
def test_ctrl_c_in_the_final_wait_aborts_cleanly(
    rules: mccredit.RuleSet, tmp_path: Path, ctrl_c: int
) -> None:
    """Review 2026-12-04: a Ctrl-C while the run waited for the writer thread aborted the
    outputs under the write still running, and a second one could stop that cleanup halfway
    (temporary files left, no message). Now: the write finishes, every temporary file goes,
    the previous outputs stay byte for byte, one line, exit code 130."""
    roster = _roster(tmp_path, "parquet")
    out = tmp_path / "out" / "results.parquet"
    _run(rules, roster, out)
    before = {n: (out.parent / n).read_bytes() for n in OUTPUTS}
    marks = tmp_path / "marks.txt"
    args = [str(roster), "-j", "us-tn", "--as-of", "2026-06-30", "--out", str(out)]
    args += ["--chunk-size", "1", "--workers", "1", "-q"]
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(marks), str(ctrl_c), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert not marks.exists(), marks.read_text()
    assert child.returncode == 130, child.stderr
    assert child.stderr.splitlines() == [
        "interrupted: no output was written (previous files are kept)"
    ]
    assert child.stdout == ""
    assert sorted(p.name for p in out.parent.iterdir()) == OUTPUTS  # no temporary file
    assert {n: (out.parent / n).read_bytes() for n in OUTPUTS} == before


def test_ctrl_c_during_a_retry_s_cleanup_stops_the_run(
    rules: mccredit.RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unsorted roster is read again by hash partitions after the first attempt's outputs
    are aborted. A Ctrl-C during that abort (held: the cleanup must finish) stops the run
    before the second attempt instead of being lost."""
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for f in _roster(tmp_path, "parquet").iterdir():
        df = pl.read_parquet(f).sort("educator_id", descending=True, maintain_order=True)
        df.write_parquet(shuffled / f.name)
    real_abort, real_chunk = _runner.AtomicTable.abort, _runner.process_chunk
    seen = {"aborts": 0, "chunks": 0}

    def abort(self: _runner.AtomicTable) -> None:
        seen["aborts"] += 1
        if seen["aborts"] == 1:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C, in the main thread's cleanup
        real_abort(self)

    def process_chunk(*a: Any, **kw: Any) -> ChunkOut:
        seen["chunks"] += 1
        return real_chunk(*a, **kw)

    monkeypatch.setattr(_runner.AtomicTable, "abort", abort)
    monkeypatch.setattr(_runner, "process_chunk", process_chunk)
    out = tmp_path / "out" / "r.parquet"
    with pytest.raises(KeyboardInterrupt):
        _run(rules, shuffled, out, chunk_educators=1)
    assert seen["aborts"] == 3  # every table of the first attempt, none of a second
    assert seen["chunks"] <= 2  # the unsorted roster is found at its second chunk
    assert list(out.parent.iterdir()) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_progress_counts_only_written_rows(
    rules: mccredit.RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review 2026-12-04: progress counted a chunk's rows as soon as it was handed to the
    writer thread, before its outputs were written. Here each chunk's write waits until the
    next chunk is evaluated, and every report is checked against the rows written by then."""
    roster = _roster(tmp_path, "parquet")
    evaluated = [threading.Event() for _ in range(5)]
    calls = {"n": 0}
    written: set[str] = set()
    real_chunk, real_write = _runner.process_chunk, _runner.AtomicTable.write

    def process_chunk(*a: Any, **kw: Any) -> ChunkOut:
        co = real_chunk(*a, **kw)
        calls["n"] += 1
        evaluated[calls["n"]].set()
        return co

    def write(self: _runner.AtomicTable, table: pa.Table) -> None:
        if self.path.name == "r.parquet":
            ids = set(table.column("educator_id").to_pylist())
            if len(written) < 2:  # chunks 1 and 2 wait for the next one's evaluation
                assert evaluated[len(written) + 2].wait(60)
            real_write(self, table)
            written.update(ids)
            return
        real_write(self, table)

    monkeypatch.setattr(_runner, "process_chunk", process_chunk)
    monkeypatch.setattr(_runner.AtomicTable, "write", write)
    reports: list[tuple[int, int]] = []

    def progress(done: int, total: int | None) -> None:
        assert total == 3
        reports.append((done, len(written)))

    _run(rules, roster, tmp_path / "r.parquet", chunk_educators=1, progress=progress)
    assert calls["n"] == 3
    assert reports and reports[-1] == (3, 3)
    assert all(done <= rows for done, rows in reports), reports
    assert [d for d, _ in reports] == sorted({d for d, _ in reports})  # rising, no repeat


def _chunk(rows: int) -> ChunkOut:
    empty = pa.table({"a": pa.array([], pa.int64())})
    return ChunkOut(empty, empty, None, empty, Stats(educator_rows=rows), None)  # type: ignore[arg-type]


def test_a_writer_error_surfaces_once() -> None:
    """Review 2026-12-04: the writer's exception was raised at the next `put` and again by
    `close()` (the run's `finally`), so it surfaced twice."""
    failed = threading.Event()

    def write(co: ChunkOut) -> None:
        failed.set()
        raise OSError(28, "No space left on device")

    w = _runner._WriteBehind(write)
    w.put(_chunk(1))
    assert failed.wait(60)
    with pytest.raises(OSError, match="No space"):
        for _ in range(3):  # the error is recorded once the write returns: a put raises it
            w.put(_chunk(1))
    w.close()  # already raised: not again
    assert w.written == 0
    with pytest.raises(RuntimeError, match="put after close"):
        w.put(_chunk(1))


def test_a_writer_error_on_the_last_chunk_fails_the_run(
    rules: mccredit.RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last chunk's write fails after every chunk was handed: the run raises that error
    (at its final wait), no output is committed and no temporary file is left."""
    roster = _roster(tmp_path, "parquet")
    out = tmp_path / "out" / "results.parquet"
    _run(rules, roster, out)
    before = {n: (out.parent / n).read_bytes() for n in OUTPUTS}
    real_write = _runner.AtomicTable.write
    seen = {"n": 0}

    def write(self: _runner.AtomicTable, table: pa.Table) -> None:
        if self.path.name == "results.warnings.parquet":
            seen["n"] += 1
            if seen["n"] == 3:
                raise OSError(28, "No space left on device")
        real_write(self, table)

    monkeypatch.setattr(_runner.AtomicTable, "write", write)
    with pytest.raises(OSError, match="No space") as e:
        _run(rules, roster, out, chunk_educators=1)
    assert seen["n"] == 3
    assert e.value.__context__ is None  # raised once, not over a copy of itself
    assert sorted(p.name for p in out.parent.iterdir()) == OUTPUTS
    assert {n: (out.parent / n).read_bytes() for n in OUTPUTS} == before


def test_an_interrupt_is_not_replaced_by_a_writer_error(
    rules: mccredit.RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review 2026-12-04: a Ctrl-C during evaluation became the writer's earlier error
    (raised by `close()` in the run's `finally`), so the command reported a write error
    instead of the interruption. The interruption is what the run raises."""
    roster = _roster(tmp_path, "parquet")
    failed = threading.Event()
    real_chunk = _runner.process_chunk
    calls = {"n": 0}

    def write(self: _runner.AtomicTable, table: pa.Table) -> None:
        failed.set()
        raise OSError(28, "No space left on device")

    def process_chunk(*a: Any, **kw: Any) -> ChunkOut:
        calls["n"] += 1
        if calls["n"] == 2:
            assert failed.wait(60)
            raise KeyboardInterrupt
        return real_chunk(*a, **kw)

    monkeypatch.setattr(_runner, "process_chunk", process_chunk)
    monkeypatch.setattr(_runner.AtomicTable, "write", write)
    with pytest.raises(KeyboardInterrupt):
        _run(rules, roster, tmp_path / "r.parquet", chunk_educators=1)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("ends_with", ["the end", "an error"])
def test_closing_prefetch_early_stops_its_thread(ends_with: str) -> None:
    """Review 2026-12-04: when the consumer stopped with an item still waiting, the reading
    thread blocked forever handing over its end marker (or its error), and closing waited
    5 s for it in vain. It now stops at once."""
    read_all = threading.Event()
    readers: list[threading.Thread] = []

    def items() -> Any:
        readers.append(threading.current_thread())  # the reading thread, whatever else runs
        yield 1
        yield 2  # waits in the queue: the consumer never takes it
        read_all.set()
        if ends_with == "an error":
            raise ValueError("unreadable row group")

    it = _runner.prefetch(items())
    assert next(it) == 1
    assert read_all.wait(60)
    (reader,) = readers
    assert reader is not threading.main_thread()
    it.close()  # type: ignore[attr-defined]
    assert not reader.is_alive()


def test_os_error_writing_an_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """An output that cannot be written (here: its folder is a file) is one line on stderr
    and exit code 2, not a traceback."""
    roster = _roster(tmp_path, "parquet")
    (tmp_path / "blocked").write_text("a file, not a folder")
    out = tmp_path / "blocked" / "r.parquet"
    child = subprocess.run(
        [sys.executable, "-c", "from mccredit.cli import main; main()", "batch", str(roster)]
        + ["-j", "us-tn"]
        + ["--as-of", "2026-06-30", "--out", str(out), "-q", "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert child.returncode == 2, child.stderr
    (line,) = child.stderr.splitlines()
    assert line.startswith("error: ") and "blocked" in line


@pytest.mark.parametrize("fails", ["at the commit", "after a write error"])
def test_a_table_that_cannot_be_closed_leaves_no_temporary_file(
    rules: mccredit.RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    """Review 2026-12-04 (second): a disk that is full fails the results table's close (its
    footer) at the commit, and again in the cleanup that aborts it; after a failed write,
    the abort's close fails alike. That failing abort stopped the cleanup at the first table:
    the temporary files of the others were left, and the run raised the abort's error instead
    of the first one. Every table is now removed and the first error is raised."""
    roster = _roster(tmp_path, "parquet")
    real_write, real_close = _runner.AtomicTable.write, _runner.AtomicTable.close

    def write(self: _runner.AtomicTable, table: pa.Table) -> None:
        if fails == "after a write error" and self.path.name == "r.parquet":
            raise OSError(28, "No space left on device (write)")
        real_write(self, table)

    def close(self: _runner.AtomicTable) -> None:
        if self.path.name == "r.parquet":
            raise OSError(28, "No space left on device (close)")
        real_close(self)

    monkeypatch.setattr(_runner.AtomicTable, "write", write)
    monkeypatch.setattr(_runner.AtomicTable, "close", close)
    out = tmp_path / "out" / "r.parquet"
    first = "close" if fails == "at the commit" else "write"
    with pytest.raises(OSError, match=rf"\({first}\)"):
        _run(rules, roster, out, chunk_educators=1)
    assert list(out.parent.iterdir()) == []


def test_ctrl_c_after_the_commit_is_too_late(
    rules: mccredit.RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review 2026-12-04 (second): a Ctrl-C after the outputs were renamed into place (here
    while the worker pool shuts down) raised KeyboardInterrupt, and the CLI then said `no
    output was written (previous files are kept)` of outputs it had just replaced. The run
    is complete once committed: it returns its summary."""
    roster = _roster(tmp_path, "parquet")
    real_close = _runner.FallbackPool.close

    def close(self: _runner.FallbackPool) -> None:
        signal.raise_signal(signal.SIGINT)  # Ctrl-C, in the main thread, after the commit
        real_close(self)

    monkeypatch.setattr(_runner.FallbackPool, "close", close)
    out = tmp_path / "out" / "r.parquet"
    try:
        summary = _run(rules, roster, out)
    except KeyboardInterrupt:  # not to pytest: it would end the session
        pytest.fail("a Ctrl-C after the commit interrupted the run")
    assert summary.stats.educators == 3
    assert pl.read_parquet(out).height == 3
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
