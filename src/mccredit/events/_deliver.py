"""Webhook delivery: signed POSTs, retries with exponential backoff, a dead-letter state.

Each queued delivery (one event for one webhook) is POSTed as the notification's JSON with

```
Content-Type: application/json
X-Mccredit-Event: stack_completed            the kind
X-Mccredit-Event-Id: 42                      the outbox id: the same on every retry
X-Mccredit-Delivery: 7                       the delivery id
X-Mccredit-Timestamp: 1796284800             unix seconds when this attempt was signed
X-Mccredit-Signature: sha256=<hex>           HMAC-SHA256(secret, f"{timestamp}.".encode() + body)
```

A 2xx answer marks it `delivered`. Anything else (another status, a refused connection, a
timeout) counts as a failed attempt: the next one is due after `base_delay · factor^(n-1)`
(at most `max_delay`), and after `max_attempts` failures the delivery is `dead` (kept, with
its last status and error, for `mccredit events deliveries`). Nothing here sleeps or reads the
clock: `now` and `send` are injected, so a retry is due at the next run after its time.

The outcome of an attempt is written after the receiver answers; a process killed in between
sends that event again on the next run, with the same `X-Mccredit-Event-Id` (receivers
de-duplicate on it; `verify_signature` checks the rest).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mccredit.store import write_session
from mccredit.store.tables import OutboxEvent, Webhook, WebhookDelivery, utcnow

__all__ = [
    "DEFAULT_POLICY",
    "DeliveryPolicy",
    "DeliveryReport",
    "Sender",
    "deliver_due",
    "http_sender",
    "notification_body",
    "sign",
    "verify_signature",
]

SIGNATURE = "X-Mccredit-Signature"
TIMESTAMP = "X-Mccredit-Timestamp"


class Sender(Protocol):
    """POST `body` to `url` with `headers`; return the HTTP status (raise on no answer)."""

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> int: ...


def http_sender(timeout: float = 10.0) -> Sender:
    """The real sender: httpx, no redirects followed, `timeout` seconds per attempt."""
    import httpx

    def send(url: str, body: bytes, headers: Mapping[str, str]) -> int:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            return client.post(url, content=body, headers=dict(headers)).status_code

    return send


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retries: at most `max_attempts` attempts, the n-th retry `base_delay · factor^(n-1)`
    seconds after the failure, capped at `max_delay`."""

    max_attempts: int = 6
    base_delay: float = 60.0
    factor: float = 2.0
    max_delay: float = 6 * 3600.0

    def delay(self, attempts: int) -> dt.timedelta:
        """The wait after the `attempts`-th failed attempt."""
        seconds = self.base_delay * self.factor ** max(attempts - 1, 0)
        return dt.timedelta(seconds=min(seconds, self.max_delay))


DEFAULT_POLICY = DeliveryPolicy()


@dataclass(frozen=True)
class DeliveryReport:
    attempted: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Mccredit-Signature` value for `body` signed at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: dt.datetime | None = None,
    tolerance: dt.timedelta = dt.timedelta(minutes=5),
) -> bool:
    """What a receiver checks: the signature matches, and (given `now`) the timestamp is
    within `tolerance` of it (a replayed old request fails)."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        ts = int(lower.get(TIMESTAMP.lower(), ""))
    except ValueError:
        return False
    expected = sign(secret, ts, body)
    if not hmac.compare_digest(expected, lower.get(SIGNATURE.lower(), "")):
        return False
    if now is not None and abs(now.timestamp() - ts) > tolerance.total_seconds():
        return False
    return True


def notification_body(row: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON of one outbox row, as the API lists it and a webhook receives it."""
    created = row["created"]
    ack = row.get("acknowledged_at")
    return {
        "id": row["id"],
        "kind": row["kind"],
        "educator": row["educator_id"],
        "subject": row["subject"],
        "period": row["period"],
        "jurisdiction": row["jurisdiction"],
        "detail": json.loads(row["detail"]),
        "created": created.isoformat() if isinstance(created, dt.datetime) else created,
        "acknowledged_at": ack.isoformat() if isinstance(ack, dt.datetime) else ack,
    }


def _t(model: object) -> sa.Table:
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


def deliver_due(
    engine: Engine,
    *,
    send: Sender,
    now: Callable[[], dt.datetime] = utcnow,
    policy: DeliveryPolicy | None = None,
    batch_size: int = 100,
) -> DeliveryReport:
    """Attempt every pending delivery due at `now()` once, oldest first, in batches; each
    outcome is committed before the next attempt."""
    policy = policy or DEFAULT_POLICY
    d, o, w = _t(WebhookDelivery), _t(OutboxEvent), _t(Webhook)
    attempted = delivered = failed = dead = 0
    after = 0
    started = now()
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    d.c.id.label("delivery_id"),
                    d.c.attempts,
                    w.c.url,
                    w.c.secret,
                    *o.c,
                )
                .join(o, o.c.id == d.c.outbox_id)
                .join(w, w.c.id == d.c.webhook_id)
                .where(
                    d.c.status == "pending",
                    d.c.next_attempt <= started,
                    d.c.id > after,
                    w.c.disabled_at.is_(None),
                )
                .order_by(d.c.id)
                .limit(batch_size)
            ).all()
        if not rows:
            break
        for r in rows:
            m = r._mapping
            after = int(m["delivery_id"])
            body = json.dumps(notification_body(dict(m)), sort_keys=True).encode()
            at = now()
            ts = int(at.timestamp())
            headers = {
                "Content-Type": "application/json",
                "X-Mccredit-Event": str(m["kind"]),
                "X-Mccredit-Event-Id": str(m["id"]),
                "X-Mccredit-Delivery": str(after),
                TIMESTAMP: str(ts),
                SIGNATURE: sign(str(m["secret"]), ts, body),
            }
            status: int | None = None
            error: str | None = None
            try:
                status = send(str(m["url"]), body, headers)
            except Exception as e:  # any failure to get an answer is a failed attempt
                error = f"{type(e).__name__}: {e}"[:2000]
            attempted += 1
            attempts = int(m["attempts"]) + 1
            values: dict[str, Any] = {"attempts": attempts, "last_status": status}
            if status is not None and 200 <= status < 300:
                values.update(status="delivered", delivered_at=at, last_error=None)
                delivered += 1
            else:
                values["last_error"] = error or f"HTTP {status}"
                if attempts >= policy.max_attempts:
                    values["status"] = "dead"
                    dead += 1
                else:
                    values["next_attempt"] = at + policy.delay(attempts)
                    failed += 1
            with write_session(engine) as session:
                session.connection().execute(
                    d.update().where(d.c.id == after, d.c.status == "pending").values(**values)
                )
                session.commit()
    return DeliveryReport(attempted, delivered, failed, dead)
