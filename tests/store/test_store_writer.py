"""`EvaluationWriter`: queued evaluation rows committed in batches, each request answered with
its own row's id only after the commit; a bad row fails alone; closing drains the queue."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from mccredit.store import write_session
from mccredit.store._config import try_write_session
from mccredit.store._writer import EvaluationWriter, WriterClosed
from mccredit.store.tables import AuditEntry, EvaluationRecord


def row(i: int, **change: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "educator_id": f"W-{i}",
        "jurisdiction": "us-tn",
        "as_of": dt.date(2026, 6, 30),
        "input_json": "{}",
        "input_sha256": f"{i:064x}",
        "ruleset_id": "us-tn",
        "ruleset_sha256": "0" * 64,
        "proposal_name": None,
        "proposal_sha256": "",
        "proposal_json": None,
        "result_json": f'{{"n":{i}}}',
        "result_sha256": f"{i:064x}",
        "created": dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
        "created_by": "key:test",
        "request_id": f"req-{i}",
    }
    return {**values, **change}


class Gate:
    """Holds the writer before its next commit until `open()`, so rows pile up in one batch."""

    def __init__(self, writer: EvaluationWriter, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Event()
        self._open = threading.Event()
        real = writer._commit

        def gated(rows: list[dict[str, Any]]) -> list[int]:
            self.entered.set()
            assert self._open.wait(30)
            return real(rows)

        monkeypatch.setattr(writer, "_commit", gated)

    def open(self) -> None:
        self._open.set()


@pytest.fixture
def writer(db: Engine) -> Iterator[EvaluationWriter]:
    w = EvaluationWriter(db)
    yield w
    w.close()


def stored(db: Engine) -> tuple[dict[str, int], list[tuple[str, str]]]:
    with db.connect() as c:
        ids = dict(
            c.execute(sa.select(EvaluationRecord.educator_id, EvaluationRecord.id)).tuples().all()
        )
        lines = (
            c.execute(sa.select(AuditEntry.action, AuditEntry.target).order_by(AuditEntry.id))
            .tuples()
            .all()
        )
    return {k: int(v) for k, v in ids.items()}, [(a, t or "") for a, t in lines]


def test_rows_queued_meanwhile_commit_in_one_batch_each_with_its_id(
    db: Engine, writer: EvaluationWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(writer, monkeypatch)
    first = writer.submit(row(0))
    assert gate.entered.wait(30)  # the writer holds row 0 and waits at the gate
    rest = [writer.submit(row(i)) for i in range(1, 9)]
    assert not any(f.done() for f in [first, *rest])  # nothing answered before its commit
    gate.open()
    ids = [f.result(30) for f in [first, *rest]]
    assert (writer.batches, writer.rows) == (2, 9)  # row 0 alone, then the 8 queued meanwhile
    by_educator, lines = stored(db)
    assert by_educator == {f"W-{i}": ids[i] for i in range(9)}
    assert lines == [("evaluation.create", str(i)) for i in ids]  # one audit line each


def test_a_bad_row_fails_only_its_own_request(
    db: Engine, writer: EvaluationWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(writer, monkeypatch)
    blocker = writer.submit(row(0))
    assert gate.entered.wait(30)
    futures = [writer.submit(row(1)), writer.submit(row(2, input_json=None)), writer.submit(row(3))]
    gate.open()
    assert blocker.result(30)
    good = [futures[0].result(30), futures[2].result(30)]
    with pytest.raises(sa.exc.IntegrityError):  # NOT NULL: what storing it alone raises
        futures[1].result(30)
    by_educator, lines = stored(db)
    assert sorted(by_educator) == ["W-0", "W-1", "W-3"]  # the batch's rollback left nothing
    assert [t for _, t in lines] == [str(by_educator["W-0"]), *map(str, good)]


def test_identical_rows_in_one_batch_are_stored_once(
    db: Engine, writer: EvaluationWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(writer, monkeypatch)
    writer.submit(row(0))
    assert gate.entered.wait(30)
    futures = [writer.submit(row(5, request_id=f"again-{k}")) for k in range(4)]
    gate.open()
    assert len({f.result(30) for f in futures}) == 1
    by_educator, lines = stored(db)
    assert sorted(by_educator) == ["W-0", "W-5"] and len(lines) == 2


def test_close_commits_everything_queued_then_refuses(
    db: Engine, writer: EvaluationWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(writer, monkeypatch)
    futures: list[Future[int]] = [writer.submit(row(0))]
    assert gate.entered.wait(30)
    futures += [writer.submit(row(i)) for i in range(1, 20)]
    closing = threading.Thread(target=writer.close)
    closing.start()
    with pytest.raises(WriterClosed):
        writer.submit(row(99))
    gate.open()
    closing.join(30)
    assert not closing.is_alive()
    assert all(f.done() for f in futures)  # close returned only when the queue was drained
    by_educator, lines = stored(db)
    assert by_educator == {f"W-{i}": f.result() for i, f in enumerate(futures)}
    assert len(lines) == 20
    writer.open()  # started again: accepts rows
    assert writer.submit(row(20)).result(30) > max(by_educator.values())


def test_the_thread_ends_when_idle_and_starts_again(db: Engine) -> None:
    w = EvaluationWriter(db, idle_seconds=0.01)
    try:
        first = w.submit(row(1)).result(30)
        thread = w._thread
        if thread is not None:
            thread.join(30)
        assert w._thread is None
        assert w.submit(row(2)).result(30) == first + 1
    finally:
        w.close()


# ── `store`, from an event loop: committed by the loop itself on SQLite, else by the thread ──


def test_store_commits_rows_of_one_loop_turn_in_one_batch(db: Engine) -> None:
    w = EvaluationWriter(db)
    assert w.inline == (db.dialect.name == "sqlite")

    async def go() -> list[int]:
        return list(await asyncio.gather(*(w.store(row(i)) for i in range(10))))

    try:
        ids = asyncio.run(go())
    finally:
        w.close()
    by_educator, lines = stored(db)
    assert by_educator == {f"W-{i}": ids[i] for i in range(10)}
    assert lines == [("evaluation.create", str(i)) for i in ids]
    if w.inline:  # queued in the same turn of the loop: one transaction
        assert (w.batches, w.rows) == (1, 10)


def test_store_fails_a_bad_row_alone_and_answers_twins_with_one_id(db: Engine) -> None:
    w = EvaluationWriter(db)

    async def go() -> list[int | BaseException]:
        rows = [row(1), row(2, input_json=None), row(3), row(3, request_id="twin")]
        return list(await asyncio.gather(*(w.store(r) for r in rows), return_exceptions=True))

    try:
        one, bad, three, twin = asyncio.run(go())
    finally:
        w.close()
    assert isinstance(bad, sa.exc.IntegrityError)  # what storing it alone raises
    assert isinstance(one, int) and three == twin
    by_educator, lines = stored(db)
    assert by_educator == {"W-1": one, "W-3": three}
    assert [t for _, t in lines] == [str(one), str(three)]  # none for the bad row or the twin


@pytest.fixture
def sqlite_db(db: Engine) -> Engine:
    if db.dialect.name != "sqlite":
        pytest.skip("the write lock the event loop must not wait for is SQLite's")
    return db


def test_store_does_not_block_the_loop_while_another_writer_holds_the_lock(
    sqlite_db: Engine,
) -> None:
    w = EvaluationWriter(sqlite_db, handoff_seconds=60)
    other = write_session(sqlite_db)  # another writer of this process, in the middle of it

    async def go() -> tuple[int, list[int]]:
        stores = [asyncio.ensure_future(w.store(row(i))) for i in range(3)]
        ticks = 0
        for _ in range(50):  # the loop keeps turning; nothing is answered before the commit
            await asyncio.sleep(0.002)
            ticks += 1
            assert not any(s.done() for s in stores)
        assert w.queued() == 3
        other.__exit__(None, None, None)  # the lock is free again
        return ticks, list(await asyncio.gather(*stores))

    other.__enter__()
    try:
        ticks, ids = asyncio.run(go())
    finally:
        w.close()
    assert ticks == 50 and (w.batches, w.rows) == (1, 3)
    assert stored(sqlite_db)[0] == {f"W-{i}": ids[i] for i in range(3)}


def test_store_hands_rows_to_the_thread_when_the_lock_stays_taken(
    sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = EvaluationWriter(sqlite_db, handoff_seconds=0.01)
    by_thread: list[list[dict[str, Any]]] = []
    real = w._commit

    def spy(rows: list[dict[str, Any]]) -> list[int]:
        by_thread.append(rows)
        return real(rows)

    monkeypatch.setattr(w, "_commit", spy)
    holder = write_session(sqlite_db)
    holder.__enter__()
    threading.Timer(0.3, holder.__exit__, (None, None, None)).start()  # a long write

    async def go() -> int:
        return await w.store(row(7))

    try:
        eid = asyncio.run(go())
    finally:
        w.close()
    assert [[r["educator_id"] for r in rows] for rows in by_thread] == [["W-7"]]  # the thread's
    assert stored(sqlite_db)[0] == {"W-7": eid}


def test_close_waits_for_the_rows_the_loop_holds_then_store_refuses(sqlite_db: Engine) -> None:
    w = EvaluationWriter(sqlite_db, handoff_seconds=60)
    other = write_session(sqlite_db)
    other.__enter__()
    closing = threading.Thread(target=w.close)

    async def go() -> tuple[list[int], bool]:
        stores = [asyncio.ensure_future(w.store(row(i))) for i in range(4)]
        await asyncio.sleep(0.01)
        closing.start()
        await asyncio.sleep(0.05)
        alive = closing.is_alive()  # waits: the rows are not committed yet
        with pytest.raises(WriterClosed):
            await w.store(row(99))
        other.__exit__(None, None, None)
        return list(await asyncio.gather(*stores)), alive

    ids, alive_meanwhile = asyncio.run(go())
    closing.join(30)
    assert alive_meanwhile and not closing.is_alive()
    assert stored(sqlite_db)[0] == {f"W-{i}": ids[i] for i in range(4)}


def test_open_after_a_loop_closed_with_rows_queued_stores_again(sqlite_db: Engine) -> None:
    """Review 2026-12-04: `open()` kept the rows and the flush a closed event loop left
    behind (the application stopped between `store` and its commit), so on the next loop
    `store` saw a flush already scheduled and its row was never committed: it waited
    forever. Now the stale rows are dropped (nobody awaits them) and the next loop stores."""
    w = EvaluationWriter(sqlite_db)
    assert w.inline
    old = asyncio.new_event_loop()
    old.call_soon(old.stop)  # this turn only: the flush `store` schedules never runs
    stale = old.create_task(w.store(row(1)))
    old.run_forever()
    assert w.queued() == 1 and not stale.done()
    stale._log_destroy_pending = False  # it is, on purpose: its loop closes under it
    old.close()
    w.close()
    w.open()

    async def go() -> int:
        return await asyncio.wait_for(w.store(row(2)), 30)

    try:
        eid = asyncio.run(go())
    finally:
        w.close()
    assert stored(sqlite_db)[0] == {"W-2": eid}
    assert w.queued() == 0


def test_try_write_session_gives_up_at_once_on_sqlites_own_lock(sqlite_db: Engine) -> None:
    import sqlite3

    assert sqlite_db.url.database
    raw = sqlite3.connect(sqlite_db.url.database, isolation_level=None)  # no flock: a stranger
    raw.execute("BEGIN IMMEDIATE")
    try:
        with try_write_session(sqlite_db) as session:
            assert session is None  # "database is locked" without the 30 s busy timeout
    finally:
        raw.execute("ROLLBACK")
        raw.close()
    with try_write_session(sqlite_db) as session:
        assert session is not None
        timeout = session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert timeout == 30_000  # the connection's busy timeout is back for everyone else


def test_the_loop_commits_only_where_sqlite_is_in_wal_mode(tmp_path: Path) -> None:
    """A commit outside WAL mode waits for readers (up to the busy timeout) and would stop the
    event loop: there the thread commits. WAL (the file databases `make_engine` opens): the
    loop commits; an in-memory database (no WAL): the thread."""
    from mccredit.store import make_engine

    wal = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    memory = make_engine("sqlite://")
    try:
        assert EvaluationWriter(wal).inline
        assert not EvaluationWriter(memory).inline
        assert EvaluationWriter(memory, inline=True).inline  # tests may still ask for it
        assert EvaluationWriter(wal).checkpointer is not None  # and WAL checkpoints: WAL only
        assert EvaluationWriter(memory, inline=True).checkpointer is None
    finally:
        wal.dispose()
        memory.dispose()


# WAL checkpoints (SQLite): the checkpointer copies the WAL back without the write lock, the
# commit after it finishes holding the lock, so the next writer starts the WAL anew.


def _file_engine(path: Path) -> Engine:
    from mccredit.store import make_engine, upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def _rounds(w: EvaluationWriter, wal: Path, rounds: int, checkpoint: bool) -> list[int]:
    """Per round: 40 rows; another writer's row committed during a checkpoint (it began
    before the checkpoint ended, so it cannot start the WAL anew); 8 more rows. The WAL's
    size after each round. Without `checkpoint` only SQLite's own (off here) would move it."""
    from mccredit.store.repositories import insert_evaluations

    sizes = []

    async def go() -> None:
        for r in range(rounds):
            ids = await asyncio.gather(*(w.store(row(r * 49 + i)) for i in range(40)))
            with write_session(w.engine) as other:  # BEGIN IMMEDIATE: its snapshot is taken
                if checkpoint:
                    w.checkpoint()
                ids += insert_evaluations(other, [row(r * 49 + 40)])
                other.commit()
            ids += await asyncio.gather(*(w.store(row(r * 49 + i)) for i in range(41, 49)))
            assert len(set(ids)) == 49
            sizes.append(wal.stat().st_size)

    asyncio.run(go())
    return sizes


def test_checkpoints_keep_the_wal_bounded_under_continuous_writes(tmp_path: Path) -> None:
    """No automatic checkpoints at all (`autocheckpoint_pages=0`): the WAL grew without bound
    (76 MB after 2,400 API rows); with the writer's checkpoints it stays the size of a round,
    because the writer's commit after each checkpoint copies what was committed during it
    (else the WAL never starts anew while writes go on: a writer starts it anew only if
    everything before it was copied back)."""
    sizes = {}
    for name, checkpoint in (("checkpointed", True), ("control", False)):
        engine = _file_engine(tmp_path / f"{name}.db")
        w = EvaluationWriter(
            engine, checkpoint_seconds=None, autocheckpoint_pages=0, restart_pages=0
        )
        try:
            sizes[name] = _rounds(w, tmp_path / f"{name}.db-wal", 12, checkpoint)
            by_educator, lines = stored(engine)
        finally:
            w.close()
            engine.dispose()
        assert len(by_educator) == 12 * 49  # every row once, each with its audit line
        assert sorted(int(t) for _, t in lines) == sorted(by_educator.values())
        if checkpoint:
            assert w.checkpointer is not None
            finished = w.checkpointer.finished
    bounded, control = sizes["checkpointed"], sizes["control"]
    assert bounded[-1] <= 2 * bounded[1], bounded  # no longer than two rounds, ever
    assert control[-1] > 4 * bounded[-1], (control, bounded)  # without: it keeps growing
    assert finished == 12  # each round's by the writer's next commit


def test_a_commit_finishes_a_checkpoint_only_once_the_wal_is_long(tmp_path: Path) -> None:
    """The finishing copy ends with fsyncs on the commit path: only per `restart_pages`."""
    engine = _file_engine(tmp_path / "r.db")
    w = EvaluationWriter(engine, checkpoint_seconds=None, autocheckpoint_pages=0)
    ckpt = w.checkpointer
    assert ckpt is not None
    try:
        ckpt.restart_pages = 10**9
        _rounds(w, tmp_path / "r.db-wal", 3, True)
        assert ckpt.passes == 3 and ckpt.finished == 0
        ckpt.restart_pages = 1
        _rounds(w, tmp_path / "r.db-wal", 1, True)
        assert ckpt.finished == 1
    finally:
        w.close()
        engine.dispose()


def test_the_checkpointer_thread_checkpoints_while_rows_come_and_stops_on_close(
    tmp_path: Path,
) -> None:
    engine = _file_engine(tmp_path / "t.db")
    w = EvaluationWriter(engine, checkpoint_seconds=0.005, autocheckpoint_pages=0, restart_pages=0)
    ckpt = w.checkpointer
    assert ckpt is not None

    async def go() -> None:
        for r in range(400):  # until the thread has checkpointed and a commit finished it
            await asyncio.gather(*(w.store(row(r * 8 + i)) for i in range(8)))
            if ckpt.passes and ckpt.finished:
                return
            await asyncio.sleep(0.002)

    try:
        asyncio.run(go())
        assert ckpt.passes >= 1 and ckpt.finished >= 1
    finally:
        w.close()
    assert ckpt._thread is None and ckpt._conn is None  # its connection back in the pool
    assert len(stored(engine)[0]) == w.rows
    engine.dispose()


def test_a_stop_between_a_commits_check_and_its_lock_leaves_no_stale_thread(
    tmp_path: Path,
) -> None:
    """`committed` looks for the checkpointer thread without the lock, then starts one under
    it. A `stop` (the writer closing) that ran whole in between used to leave a thread that
    started after it, saw the stop and ended, but stayed recorded: once the writer was opened
    again, no commit ever started the checkpointer (the WAL grew to the automatic bound)."""
    engine = _file_engine(tmp_path / "s.db")
    w = EvaluationWriter(engine, checkpoint_seconds=0.005)
    ckpt = w.checkpointer
    assert ckpt is not None

    class StopFirst:  # the lock, with a whole `stop` run just before its first acquire
        def __init__(self, lock: Any) -> None:
            self.lock, self.armed = lock, True

        def __enter__(self) -> None:
            if self.armed:
                self.armed = False
                ckpt.stop()
            self.lock.acquire()

        def __exit__(self, *exc: object) -> None:
            self.lock.release()

    ckpt._lock = StopFirst(ckpt._lock)  # type: ignore[assignment]
    try:
        ckpt.committed()
        assert ckpt._thread is None  # none started after the stop
        ckpt.start_again()  # the writer opened again
        ckpt.committed()
        started = ckpt._thread
        assert started is not None and started.is_alive()
    finally:
        w.close()
        engine.dispose()
    assert ckpt._thread is None and not started.is_alive()


def test_a_failed_checkpoint_fails_no_request_and_stores_nothing_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit finishes a checkpoint after its rows are committed: a failure there must not
    reach the batch (retried row by row, it would be stored twice)."""
    engine = _file_engine(tmp_path / "f.db")
    w = EvaluationWriter(engine, checkpoint_seconds=None, restart_pages=0)
    ckpt = w.checkpointer
    assert ckpt is not None

    async def go(start: int) -> list[int]:
        return list(await asyncio.gather(*(w.store(row(start + i)) for i in range(8))))

    try:
        first = asyncio.run(go(0))
        w.checkpoint()  # due: the next commit finishes it

        def broken() -> tuple[int, int, int]:
            raise sa.exc.OperationalError("PRAGMA wal_checkpoint", {}, Exception("disk I/O"))

        monkeypatch.setattr(ckpt, "_passive", broken)
        second = asyncio.run(go(8))
    finally:
        w.close()
    assert (w.batches, w.rows) == (2, 16)
    assert stored(engine)[0] == {f"W-{i}": eid for i, eid in enumerate(first + second)}
    assert ckpt.finished == 0
    engine.dispose()


def test_the_writers_connections_checkpoint_automatically_only_past_the_bound(
    tmp_path: Path,
) -> None:
    engine = _file_engine(tmp_path / "a.db")
    w = EvaluationWriter(engine, checkpoint_seconds=None)

    async def go() -> int:
        return await w.store(row(1))

    try:
        asyncio.run(go())
    finally:
        w.close()
    with try_write_session(engine) as session:  # the pool's one connection, the writer's
        assert session is not None
        pages = session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert pages == 8000  # SQLite's default: 1,000
    engine.dispose()


def test_only_sqlite_in_wal_mode_has_a_checkpointer(db: Engine) -> None:
    w = EvaluationWriter(db)
    try:
        assert (w.checkpointer is None) == (db.dialect.name != "sqlite")
        w.checkpoint()  # a no-op on PostgreSQL
        assert w.submit(row(1)).result(30) > 0
    finally:
        w.close()
