"""Writing events to the outbox exactly once: insert, skipping keys already present.

Each newly written event is queued, in the same transaction, for every webhook whose scope
covers its jurisdiction (and whose kinds include it): an event and its deliveries appear
together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from mccredit.events._plain import Event
from mccredit.store import write_session
from mccredit.store.repositories import in_scope
from mccredit.store.tables import ApiKey, OutboxEvent, Webhook, WebhookDelivery, utcnow

__all__ = ["active_webhooks", "outbox_keys", "write_events", "write_events_in"]

# the outbox's unique key: an event per educator, and educator ids are namespaced by
# jurisdiction (store migration 0008)
_KEYS = ["kind", "educator_id", "jurisdiction", "subject", "period"]


def _table(model: object) -> sa.Table:
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


def _insert(conn: Connection, table: sa.Table, keys: list[str]) -> sa.Insert:
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
    if name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)
    raise NotImplementedError(name)  # pragma: no cover - only SQLite and PostgreSQL


def active_webhooks(conn: Connection) -> list[Webhook]:
    """Webhooks not disabled, oldest first; one that follows a key takes the key's scope now
    (and is left out while the key is revoked)."""
    t, k = _table(Webhook), _table(ApiKey)
    rows = conn.execute(
        sa.select(t, k.c.scope.label("key_scope"), k.c.revoked_at.label("key_revoked"))
        .select_from(t.outerjoin(k, k.c.key_id == t.c.key_id))
        .where(t.c.disabled_at.is_(None))
        .order_by(t.c.id)
    )
    out = []
    for r in rows:
        m = dict(r._mapping)
        key_scope, revoked = m.pop("key_scope"), m.pop("key_revoked")
        if m["key_id"] is not None:
            if key_scope is None or revoked is not None:
                continue
            m["scope"] = key_scope
        out.append(Webhook(**m))
    return out


def _wants(hook: Webhook, event: Event) -> bool:
    kinds = hook.kinds.split()
    return in_scope(event.jurisdiction, hook.scopes) and (not kinds or event.kind in kinds)


def write_events_in(
    conn: Connection,
    events: Iterable[Event],
    *,
    webhooks: Sequence[Webhook] = (),
    now: Callable[[], dt.datetime] = utcnow,
) -> list[tuple[int, Event]]:
    """Insert `events` on `conn` (the caller's transaction); a key already in the outbox is
    skipped (never doubled, never an error). Returns (outbox id, event) for each row actually
    written, and queues each for the `webhooks` that want it (due at once). `now` stamps
    the rows (the run's clock)."""
    table = _table(OutboxEvent)
    stmt = _insert(conn, table, _KEYS).returning(
        table.c.id,
        table.c.kind,
        table.c.educator_id,
        table.c.subject,
        table.c.period,
        table.c.jurisdiction,
    )
    deliveries = _insert(conn, _table(WebhookDelivery), ["webhook_id", "outbox_id"])
    pending: dict[tuple[tuple[str, str, str, str], str], Event] = {}
    for e in events:
        pending.setdefault((e.key, e.jurisdiction), e)
    if not pending:
        return []
    at = now()
    rows = [
        {
            "kind": e.kind,
            "educator_id": e.educator,
            "subject": e.subject,
            "period": e.period,
            "jurisdiction": e.jurisdiction,
            "detail": json.dumps(dict(e.detail), sort_keys=True, default=str),
            "created": at,
        }
        for e in pending.values()
    ]
    # one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING: the keys it returns are the
    # rows actually written (a key already in the outbox returns nothing)
    got = {((r[1], r[2], r[3], r[4]), r[5]): int(r[0]) for r in conn.execute(stmt, rows)}
    written = [(got[k], e) for k, e in pending.items() if k in got]
    queued = [
        {
            "webhook_id": hook.id,
            "outbox_id": outbox_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt": at,
        }
        for outbox_id, e in written
        for hook in webhooks
        if _wants(hook, e)
    ]
    if queued:
        conn.execute(deliveries, queued)
    return written


def write_events(engine: Engine, events: Iterable[Event]) -> int:
    """Insert `events` in one transaction (queued for the active webhooks); returns the
    number of rows actually written."""
    with write_session(engine) as session:
        conn = session.connection()
        n = len(write_events_in(conn, events, webhooks=active_webhooks(conn)))
        session.commit()
        return n


def outbox_keys(
    engine: Engine | Connection,
    educators: Sequence[str] | None = None,
    jurisdiction: str | None = None,
) -> set[tuple[str, str, str, str]]:
    """Every key already written (for `derive(previous=...)`), or only those of `educators`
    (of `jurisdiction`, when given: educator ids are namespaced by jurisdiction)."""
    by = outbox_keys_by_jurisdiction(engine, educators)
    if jurisdiction is not None:
        return by.get(jurisdiction, set())
    return {k for keys in by.values() for k in keys}


def outbox_keys_by_jurisdiction(
    engine: Engine | Connection, educators: Sequence[str] | None = None
) -> dict[str, set[tuple[str, str, str, str]]]:
    """`outbox_keys` per jurisdiction: what `derive(previous=...)` takes for the educators
    of one jurisdiction."""
    t = _table(OutboxEvent)
    q = sa.select(t.c.kind, t.c.educator_id, t.c.subject, t.c.period, t.c.jurisdiction)
    if educators is not None:
        q = q.where(t.c.educator_id.in_(list(educators)))

    def read(conn: Connection) -> dict[str, set[tuple[str, str, str, str]]]:
        out: dict[str, set[tuple[str, str, str, str]]] = {}
        for r in conn.execute(q):
            out.setdefault(r[4], set()).add((r[0], r[1], r[2], r[3]))
        return out

    if isinstance(engine, Connection):
        return read(engine)
    with engine.connect() as conn:
        return read(conn)
