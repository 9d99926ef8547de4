"""`EvaluationWriter`: queued evaluation rows committed in batches, each request answered with
its own row's id only after the commit; a bad row fails alone; closing drains the queue."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

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
