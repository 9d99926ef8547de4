"""Notifications (issue 13): what `mccredit events run` raised, scoped like every route.

Licensure, payroll and admin keys read the notifications of their jurisdictions and
acknowledge them; a union key sees aggregate counts only (by kind and jurisdiction).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...events._inbox import (
    NotificationFilter,
    ack_notification,
    count_notifications,
    get_notification,
    list_notifications,
)
from ...events._plain import EventKind as Kind
from ...store.tables import OutboxEvent
from ..deps import KeyDep, RequestIdDep, SessionDep, WriteSessionDep
from ..models import NotificationCount, NotificationPublic, NotificationsPublic
from ..problems import ApiProblem
from ._shared import (
    FORBIDDEN,
    NOT_FOUND,
    ListingDep,
    RowId,
    not_found,
)

router = APIRouter(prefix="/notifications", tags=["notifications"])

READERS = ("licensure", "payroll", "admin")

_EXAMPLE: dict[str, Any] = {
    "id": 12,
    "kind": "lane_eligible",
    "educator": "PW-0001",
    "subject": "BA+15",
    "period": "2025-01-15",
    "jurisdiction": "us-va/pwcs",
    "detail": {
        "from_lane": "BA",
        "to_lane": "BA+15",
        "effective_date": "2025-01-15",
        "annual_delta": "1500.00",
        "payroll_change": 3,
        "rule": "pwcs.lane.ba15",
    },
    "created": "2024-12-20T06:00:00Z",
    "acknowledged_at": None,
    "acknowledged_by": None,
}


def _one(example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": example}}}}


def public(row: OutboxEvent) -> NotificationPublic:
    return NotificationPublic(
        id=row.id or 0,
        kind=row.kind,
        educator=row.educator_id,
        subject=row.subject,
        period=row.period,
        jurisdiction=row.jurisdiction,
        detail=json.loads(row.detail),
        created=row.created,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
    )


@router.get(
    "",
    response_model=NotificationsPublic,
    responses={
        **_one(
            {
                "data": [_EXAMPLE],
                "count": 1,
                "aggregates": [{"kind": "lane_eligible", "jurisdiction": "us-va/pwcs", "count": 1}],
                "aggregate_only": False,
            }
        ),
        **FORBIDDEN,
    },
)
def list_all(
    key: KeyDep,
    session: SessionDep,
    page: ListingDep,
    kind: Kind | None = None,
    since: Annotated[
        dt.datetime | None,
        Query(description="Only notifications created after this instant (ISO 8601)."),
    ] = None,
    acknowledged: Annotated[
        bool | None, Query(description="true: acknowledged only; false: not yet.")
    ] = None,
) -> NotificationsPublic:
    """Notifications of this key's jurisdictions, oldest first (poll with `since`). A union
    key gets only the counts by kind and jurisdiction."""
    key.require(*READERS, "union")
    if key.role == "union" and page.educator_id is not None:
        raise ApiProblem(
            403,
            "a union key sees aggregate counts only; it may not filter by educator",
            kind="forbidden-role",
        )
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    where = NotificationFilter(
        key.scopes,
        kind=kind,
        since=since,
        acknowledged=acknowledged,
        jurisdiction=page.jurisdiction,
        educator_id=page.educator_id,
    )
    counts = [
        NotificationCount(kind=k, jurisdiction=j, count=n)
        for k, j, n in count_notifications(session=session, where=where)
    ]
    if key.role == "union":
        return NotificationsPublic(
            data=[], count=sum(c.count for c in counts), aggregates=counts, aggregate_only=True
        )
    rows, total = list_notifications(
        session=session, where=where, limit=page.limit, offset=page.offset
    )
    return NotificationsPublic(data=[public(r) for r in rows], count=total, aggregates=counts)


@router.get(
    "/{notification_id}",
    response_model=NotificationPublic,
    responses={**_one(_EXAMPLE), **NOT_FOUND, **FORBIDDEN},
)
def read_one(notification_id: RowId, key: KeyDep, session: SessionDep) -> NotificationPublic:
    """One notification."""
    key.require(*READERS)
    row = get_notification(session=session, notification_id=notification_id, scopes=key.scopes)
    if row is None:
        raise not_found("notification", notification_id)
    return public(row)


@router.post(
    "/{notification_id}/ack",
    response_model=NotificationPublic,
    responses={
        **_one(
            {**_EXAMPLE, "acknowledged_at": "2024-12-21T09:30:00Z", "acknowledged_by": "key:k1"}
        ),
        **NOT_FOUND,
        **FORBIDDEN,
    },
)
def ack(
    notification_id: RowId, key: KeyDep, session: WriteSessionDep, request_id: RequestIdDep
) -> NotificationPublic:
    """Acknowledge a notification for everyone in scope; acknowledging again changes
    nothing (the first acknowledgment, its time and key, stand)."""
    key.require(*READERS)
    row = ack_notification(
        session=session,
        notification_id=notification_id,
        scopes=key.scopes,
        actor=key.actor,
        request_id=request_id,
    )
    if row is None:
        raise not_found("notification", notification_id)
    session.commit()
    return public(row)
