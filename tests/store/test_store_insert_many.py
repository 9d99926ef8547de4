"""insert_evaluations maps each row of a multi-row insert to its id by its key (not by the
order RETURNING hands rows back), and a row already stored, or a twin earlier in the batch,
to the stored id, with one audit line per new row, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Engine

from mccredit.store import write_session
from mccredit.store.repositories import insert_evaluations
from tests.store.test_store_writer import row


def test_a_batch_mixing_new_stored_and_twin_rows_maps_each_to_its_id(db: Engine) -> None:
    with write_session(db) as s:
        a, b = insert_evaluations(s, [row(1), row(2)])
        s.commit()
    with write_session(db) as s:
        got = insert_evaluations(s, [row(3), row(1), row(4), row(2), row(3), row(5)])
        s.commit()
        stored = dict(s.execute(sa.text("SELECT input_sha256, id FROM evaluation")).tuples().all())
        lines = s.execute(
            sa.text("SELECT target FROM audit_log WHERE action = 'evaluation.create'")
        ).all()
    three, one, four, two, twin, five = got
    assert (one, two) == (a, b) and twin == three
    assert [stored[f"{i:064x}"] for i in (3, 1, 4, 2, 3, 5)] == got
    assert len(set(got)) == 5
    assert sorted(int(t) for (t,) in lines) == sorted({a, b, three, four, five})
