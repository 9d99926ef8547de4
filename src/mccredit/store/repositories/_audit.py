"""The audit log: one line appended per change, in the change's transaction; read back newest
first within the reader's scopes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..tables import AuditEntry, utcnow
from ._common import canonical_json, scope_filter

__all__ = ["append_audit", "audit", "audit_values", "list_audit"]

_INSERT = sa.insert(AuditEntry.__table__)  # type: ignore[attr-defined]


def audit(
    *,
    session: Session,
    actor: str,
    action: str,
    target: str | None = None,
    jurisdiction: str | None = None,
    request_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit line (in the caller's transaction: it commits with the change).

    A plain Core INSERT on the table, run at once: no ORM bulk-insert path and no ORM
    bookkeeping for a row nothing reads back (issue 14: a third of storing's CPU went there).
    """
    append_audit(
        session,
        [audit_values(actor, action, target, jurisdiction, request_id, detail)],
    )


def audit_values(
    actor: str,
    action: str,
    target: str | None = None,
    jurisdiction: str | None = None,
    request_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One audit line's column values (for `append_audit`)."""
    return {
        "at": utcnow(),
        "actor": actor,
        "action": action,
        "target": target,
        "jurisdiction": jurisdiction,
        "request_id": request_id,
        "detail": canonical_json(detail) if detail is not None else None,
    }


def append_audit(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append audit lines in the caller's transaction: one executemany for many rows."""
    if rows:
        session.connection().execute(_INSERT, list(rows))


def list_audit(
    *,
    session: Session,
    limit: int = 100,
    offset: int = 0,
    action: str | None = None,
    scopes: Sequence[str] = ("*",),
) -> tuple[list[AuditEntry], int]:
    """Audit rows newest first; only rows of jurisdictions in `scopes` (rows without a
    jurisdiction, such as key events, only for `*`)."""
    where = scope_filter(AuditEntry.jurisdiction, scopes)
    q = select(AuditEntry).where(where)
    cq = select(sa.func.count()).select_from(AuditEntry).where(where)
    if action is not None:
        q = q.where(AuditEntry.action == action)
        cq = cq.where(AuditEntry.action == action)
    rows = session.exec(q.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)).all()
    return list(rows), int(session.exec(cq).one())
