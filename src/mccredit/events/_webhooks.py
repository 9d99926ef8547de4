"""Webhooks: register, list, disable; and the deliveries queued for them.

A webhook covers a scope of jurisdictions (a district: `us-va/pwcs`, a state and its
districts: `us-va`) or follows an API key (`key_id`: the key's scope, for as long as the key
is not revoked; union keys get aggregate counts only, so they cannot have one). `kinds`
narrows it to some event kinds. The signing secret is generated unless given, shown once,
and kept as is (it must sign every delivery).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mccredit.errors import StoreError
from mccredit.events._plain import KINDS
from mccredit.store.repositories import audit
from mccredit.store.tables import ApiKey, Webhook, WebhookDelivery, utcnow

__all__ = [
    "create_webhook",
    "delivery_counts",
    "disable_webhook",
    "list_deliveries",
    "list_webhooks",
]


def create_webhook(
    *,
    session: Session,
    url: str,
    scopes: Sequence[str] = (),
    key_id: str | None = None,
    kinds: Sequence[str] = (),
    secret: str | None = None,
    actor: str = "cli",
) -> tuple[Webhook, str]:
    """A new webhook: (row, its signing secret)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"webhook URL {url!r} is not an http:// or https:// URL with a host")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise StoreError(f"unknown event kind(s) {unknown}; known: {', '.join(KINDS)}")
    clean = [s.strip().strip("/") for s in scopes if s.strip().strip("/")]
    if key_id is not None:
        if clean:
            raise StoreError("give a key or a scope, not both (a key's webhook follows its scope)")
        key = session.exec(select(ApiKey).where(ApiKey.key_id == key_id)).first()
        if key is None or key.revoked_at is not None:
            raise StoreError(f"no active API key {key_id!r}")
        if key.role == "union":
            raise StoreError("a union key sees aggregate counts only; it cannot have a webhook")
    elif not clean:
        raise StoreError("a webhook needs a jurisdiction scope (or a key to follow)")
    if secret is not None and len(secret) < 16:
        raise StoreError("a signing secret needs at least 16 characters")
    secret = secret or secrets.token_urlsafe(32)
    hook = Webhook(
        url=url, secret=secret, scope=" ".join(clean), key_id=key_id, kinds=" ".join(kinds)
    )
    session.add(hook)
    session.flush()
    audit(
        session=session,
        actor=actor,
        action="webhook.create",
        target=str(hook.id),
        detail={"url": url, "scope": clean, "key": key_id, "kinds": list(kinds)},
    )
    return hook, secret


def list_webhooks(*, session: Session) -> list[Webhook]:
    return list(session.exec(select(Webhook).order_by(col(Webhook.id))).all())


def disable_webhook(*, session: Session, webhook_id: int, actor: str = "cli") -> Webhook | None:
    """Stop delivering to a webhook (pending deliveries stay, unsent)."""
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.disabled_at is not None:
        return hook
    hook.disabled_at = utcnow()
    session.add(hook)
    audit(session=session, actor=actor, action="webhook.disable", target=str(webhook_id))
    return hook


def list_deliveries(
    *, session: Session, status: str | None = None, webhook_id: int | None = None, limit: int = 100
) -> list[WebhookDelivery]:
    q = select(WebhookDelivery)
    if status is not None:
        q = q.where(WebhookDelivery.status == status)
    if webhook_id is not None:
        q = q.where(WebhookDelivery.webhook_id == webhook_id)
    return list(session.exec(q.order_by(col(WebhookDelivery.id)).limit(limit)).all())


def delivery_counts(*, session: Session) -> dict[tuple[int, str], int]:
    """(webhook id, status) → deliveries."""
    d = col(WebhookDelivery.webhook_id), col(WebhookDelivery.status)
    rows = session.exec(select(*d, sa.func.count()).group_by(*d)).all()
    return {(int(w), str(s)): int(n) for w, s, n in rows}
