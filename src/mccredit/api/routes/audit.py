"""The append-only audit log (admin keys only)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query

from ...store.repositories import list_audit
from ..deps import KeyDep, SessionDep
from ..models import AuditEntriesPublic, AuditEntryPublic
from ._shared import FORBIDDEN, Limit, Offset

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditEntriesPublic, responses=FORBIDDEN)
def list_audit_entries(
    key: KeyDep,
    session: SessionDep,
    action: Annotated[str | None, Query(max_length=60)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> AuditEntriesPublic:
    """Who did what, when, in which request; newest first. An admin key scoped to some
    jurisdictions sees only their rows; only `*` sees rows without a jurisdiction."""
    key.require("admin")
    rows, count = list_audit(
        session=session, limit=limit, offset=offset, action=action, scopes=key.scopes
    )
    return AuditEntriesPublic(
        data=[
            AuditEntryPublic(
                id=r.id or 0,
                at=r.at,
                actor=r.actor,
                action=r.action,
                target=r.target,
                jurisdiction=r.jurisdiction,
                request_id=r.request_id,
                detail=json.loads(r.detail) if r.detail else None,
            )
            for r in rows
        ],
        count=count,
    )
