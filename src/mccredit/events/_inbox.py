"""Reading and acknowledging notifications (the outbox as its readers see it).

Keyword-only, session first, no commits (the caller owns the transaction), and scoped like the
store's other readers: a row outside `scopes` is None, never an error, so callers answer 404.
An acknowledgment belongs to the notification, not to one key: whoever in scope acknowledges
it first (their key id is kept, and the audit log has the act) acknowledges it for everyone;
acknowledging again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mccredit.store.repositories import audit, scope_filter, scoped_get
from mccredit.store.tables import OutboxEvent, utcnow

__all__ = [
    "NotificationFilter",
    "ack_notification",
    "count_notifications",
    "get_notification",
    "list_notifications",
]


@dataclass(frozen=True)
class NotificationFilter:
    """Which notifications a reader asks for: those in `scopes`, narrowed by each filter
    given (None: not filtered)."""

    scopes: Sequence[str]
    kind: str | None = None
    since: dt.datetime | None = None
    acknowledged: bool | None = None
    jurisdiction: str | None = None
    educator_id: str | None = None

    def conditions(self) -> list[Any]:
        conds: list[Any] = [scope_filter(OutboxEvent.jurisdiction, self.scopes)]
        if self.kind is not None:
            conds.append(col(OutboxEvent.kind) == self.kind)
        if self.since is not None:
            conds.append(col(OutboxEvent.created) > self.since)
        if self.acknowledged is not None:
            ack = col(OutboxEvent.acknowledged_at)
            conds.append(ack.is_not(None) if self.acknowledged else ack.is_(None))
        if self.jurisdiction is not None:
            conds.append(scope_filter(OutboxEvent.jurisdiction, [self.jurisdiction]))
        if self.educator_id is not None:
            conds.append(col(OutboxEvent.educator_id) == self.educator_id)
        return conds


def list_notifications(
    *, session: Session, where: NotificationFilter, limit: int = 100, offset: int = 0
) -> tuple[list[OutboxEvent], int]:
    """Notifications matching `where`, oldest first, and how many match."""
    conds = where.conditions()
    rows = session.exec(
        select(OutboxEvent).where(*conds).order_by(col(OutboxEvent.id)).offset(offset).limit(limit)
    ).all()
    total = session.exec(select(sa.func.count()).select_from(OutboxEvent).where(*conds)).one()
    return list(rows), int(total)


def count_notifications(
    *, session: Session, where: NotificationFilter
) -> list[tuple[str, str, int]]:
    """(kind, jurisdiction, count) for the notifications matching `where`: the only view a
    union key gets (no educator, subject or detail)."""
    k, j = col(OutboxEvent.kind), col(OutboxEvent.jurisdiction)
    rows = session.exec(
        select(k, j, sa.func.count()).where(*where.conditions()).group_by(k, j).order_by(k, j)
    ).all()
    return [(str(a), str(b), int(n)) for a, b, n in rows]


def get_notification(
    *, session: Session, notification_id: int, scopes: Sequence[str]
) -> OutboxEvent | None:
    return scoped_get(session, OutboxEvent, notification_id, scopes)


def ack_notification(
    *,
    session: Session,
    notification_id: int,
    scopes: Sequence[str],
    actor: str,
    request_id: str | None = None,
    now: dt.datetime | None = None,
) -> OutboxEvent | None:
    """Acknowledge a notification (once: a second acknowledgment keeps the first)."""
    row = get_notification(session=session, notification_id=notification_id, scopes=scopes)
    if row is None or row.acknowledged_at is not None:
        return row
    at = now or utcnow()
    t = OutboxEvent.__table__  # type: ignore[attr-defined]
    session.connection().execute(
        t.update()
        .where(t.c.id == notification_id, t.c.acknowledged_at.is_(None))
        .values(acknowledged_at=at, acknowledged_by=actor)
    )
    audit(
        session=session,
        actor=actor,
        action="notification.ack",
        target=str(notification_id),
        jurisdiction=row.jurisdiction,
        request_id=request_id,
        detail={"kind": row.kind, "educator": row.educator_id},
    )
    session.refresh(row)
    return row
