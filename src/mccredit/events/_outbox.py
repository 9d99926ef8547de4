"""Writing events to the outbox exactly once: insert, skipping keys already present."""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from mccredit.events._plain import Event
from mccredit.store.tables import OutboxEvent, utcnow


def write_events(engine: Engine, events: Iterable[Event]) -> int:
    """Insert `events` in one transaction; a key already in the outbox is skipped (never
    doubled, never an error). Returns the number of rows actually written."""
    rows = [
        {
            "kind": e.kind,
            "educator_id": e.educator,
            "subject": e.subject,
            "period": e.period,
            "jurisdiction": e.jurisdiction,
            "detail": json.dumps(dict(e.detail), sort_keys=True, default=str),
            "created": utcnow(),
        }
        for e in events
    ]
    if not rows:
        return 0
    table = OutboxEvent.__table__  # type: ignore[attr-defined]
    keys = ["kind", "educator_id", "subject", "period"]
    name = engine.dialect.name
    stmt: sa.Insert
    if name == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
    elif name == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported stores
        raise NotImplementedError(name)
    stmt = stmt.returning(table.c.id)
    written = 0
    with engine.begin() as conn:
        for row in rows:
            written += len(conn.execute(stmt, row).fetchall())
    return written


def outbox_keys(engine: Engine) -> set[tuple[str, str, str, str]]:
    """Every key already written (for `derive(previous=...)`)."""
    t = OutboxEvent.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.kind, t.c.educator_id, t.c.subject, t.c.period))
        return {(r[0], r[1], r[2], r[3]) for r in rows}
