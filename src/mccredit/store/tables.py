"""The store's tables (SQLModel over SQLAlchemy 2); Alembic migrations follow them.

```
educator ─┬─< credential            key (id, jurisdiction): ids are namespaced by jurisdiction
          ├─< credential            unique (educator, credential_id): intake is idempotent
          ├─< evaluation            input, ruleset and proposal hashes + the exact result JSON
          └─< payroll_change ─┬─< payroll_transition   proposed → approved → exported | rejected
                              └── payroll_export       the CSV, kept byte for byte
api_key                          sha256 of the key only, role, jurisdiction scope, revoked_at
audit_log                        append-only (database triggers refuse UPDATE and DELETE)
outbox ─┬─< webhook_delivery ─── webhook   notifications, unique (kind, educator,
        │                                   subject, period); one delivery per (webhook, event)
event_state                      per educator: what `mccredit events run` last derived from
event_run                        one row per `events run`: its date, batches, counts, finish
```

Documents (educator input, credential, result) are stored as canonical JSON text, so what was
stored is exactly what is re-read; timestamps are UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

__all__ = [
    "ApiKey",
    "AuditEntry",
    "BadgeDocument",
    "CredentialRecord",
    "EducatorRecord",
    "EvaluationRecord",
    "EventRun",
    "EventState",
    "OutboxEvent",
    "PayrollChange",
    "PayrollExport",
    "PayrollTransition",
    "UTCDateTime",
    "Webhook",
    "WebhookDelivery",
    "utcnow",
]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone: we restore it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, _dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, _dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _when(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kw)


def _text(**kw: Any) -> Any:
    return Field(sa_type=sa.Text, **kw)


def _educator_key(table: str) -> sa.ForeignKeyConstraint:
    """The reference to an educator: (educator_id, jurisdiction), ids being namespaced by
    jurisdiction."""
    return sa.ForeignKeyConstraint(
        ["educator_id", "jurisdiction"],
        ["educator.id", "educator.jurisdiction"],
        name=f"fk_{table}_educator",
    )


class EducatorRecord(SQLModel, table=True):
    """One educator: the input document without credentials (they live in `credential`).

    Ids are namespaced by jurisdiction (issue 14): the key is (id, jurisdiction), so the same
    id in two jurisdictions is two educators, and storing one never depends on, or reveals,
    whether the other exists."""

    __tablename__ = "educator"

    id: str = Field(primary_key=True, max_length=200)
    jurisdiction: str = Field(primary_key=True, index=True, max_length=200)
    document: str = _text()
    sha256: str = Field(max_length=64)
    created: dt.datetime = _when()
    updated: dt.datetime = _when()


class CredentialRecord(SQLModel, table=True):
    """One earned credential of one educator; its (issuer, id) identity never changes."""

    __tablename__ = "credential"
    __table_args__ = (
        sa.UniqueConstraint(
            "educator_id", "jurisdiction", "credential_id", name="uq_credential_educator_id"
        ),
        _educator_key("credential"),
    )

    pk: int | None = Field(default=None, primary_key=True)
    educator_id: str = Field(index=True, max_length=200)
    jurisdiction: str = Field(max_length=200)
    credential_id: str = Field(max_length=200)
    issuer: str | None = Field(default=None, max_length=200)
    document: str = _text()
    sha256: str = Field(max_length=64)
    created: dt.datetime = _when()
    created_by: str = Field(max_length=100)
    # the badge file it came from (`badge_document.sha256`), when it came from one (issue 12)
    badge_sha256: str | None = Field(default=None, max_length=64)


class BadgeDocument(SQLModel, table=True):
    """A badge file exactly as received (issue 12): its bytes, once per educator and content,
    append-only. The credentials it gave point at it by `sha256`."""

    __tablename__ = "badge_document"
    __table_args__ = (
        sa.UniqueConstraint(
            "educator_id", "jurisdiction", "sha256", name="uq_badge_document_educator_sha256"
        ),
        _educator_key("badge_document"),
    )

    pk: int | None = Field(default=None, primary_key=True)
    educator_id: str = Field(index=True, max_length=200)
    jurisdiction: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    source: str = Field(max_length=500)
    container: str = Field(max_length=10)
    content: bytes = Field(sa_type=sa.LargeBinary)
    created: dt.datetime = _when()
    created_by: str = Field(max_length=100)


class EvaluationRecord(SQLModel, table=True):
    """One stored evaluation: everything needed to re-run it and check the bytes."""

    __tablename__ = "evaluation"
    __table_args__ = (
        sa.UniqueConstraint(
            "educator_id",
            "as_of",
            "input_sha256",
            "ruleset_sha256",
            "proposal_sha256",
            name="uq_evaluation_inputs",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    educator_id: str = Field(index=True, max_length=200)
    jurisdiction: str = Field(index=True, max_length=200)
    as_of: dt.date
    input_json: str = _text()
    input_sha256: str = Field(max_length=64)
    ruleset_id: str = Field(max_length=200)
    ruleset_sha256: str = Field(max_length=64)
    proposal_name: str | None = Field(default=None, max_length=200)
    proposal_sha256: str = Field(default="", max_length=64)
    proposal_json: str | None = Field(default=None, sa_type=sa.Text)
    result_json: str = _text()
    result_sha256: str = Field(max_length=64)
    created: dt.datetime = _when()
    created_by: str = Field(max_length=100)
    request_id: str | None = Field(default=None, max_length=100)


class PayrollExport(SQLModel, table=True):
    """One payroll export: the CSV exactly as delivered."""

    __tablename__ = "payroll_export"

    id: str = Field(primary_key=True, max_length=40)
    created: dt.datetime = _when()
    created_by: str = Field(max_length=100)
    count: int
    csv: str = _text()
    sha256: str = Field(max_length=64)


class PayrollChange(SQLModel, table=True):
    """A proposed lane change for one educator; its figures are never edited.

    `status` mirrors the newest `payroll_transition` row and moves only forward, by a
    compare-and-set update in the same transaction as that row.
    """

    __tablename__ = "payroll_change"
    __table_args__ = (
        sa.UniqueConstraint(
            "educator_id",
            "jurisdiction",
            "new_lane",
            "effective_date",
            name="uq_payroll_change_lane_date",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    educator_id: str = Field(index=True, max_length=200)
    jurisdiction: str = Field(index=True, max_length=200)
    evaluation_id: int = Field(foreign_key="evaluation.id")
    lane: str | None = Field(default=None, max_length=100)
    step: str | None = Field(default=None, max_length=20)
    annual: str | None = Field(default=None, max_length=40)
    new_lane: str = Field(max_length=100)
    new_step: str | None = Field(default=None, max_length=20)
    new_annual: str | None = Field(default=None, max_length=40)
    annual_delta: str | None = Field(default=None, max_length=40)
    effective_date: dt.date
    this_year_delta: str | None = Field(default=None, max_length=40)
    retro: str | None = Field(default=None, max_length=40)
    status: str = Field(default="proposed", index=True, max_length=20)
    export_id: str | None = Field(default=None, foreign_key="payroll_export.id", max_length=40)
    created: dt.datetime = _when()
    created_by: str = Field(max_length=100)


class PayrollTransition(SQLModel, table=True):
    """Who moved a payroll change from one status to the next, and when (append-only)."""

    __tablename__ = "payroll_transition"

    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="payroll_change.id", index=True)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    by: str = Field(max_length=100)
    at: dt.datetime = _when()
    note: str | None = Field(default=None, sa_type=sa.Text)
    request_id: str | None = Field(default=None, max_length=100)


class ApiKey(SQLModel, table=True):
    """An API key: only the SHA-256 of the secret is kept."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    key_id: str = Field(unique=True, max_length=16)
    key_hash: str = Field(unique=True, max_length=64)
    role: str = Field(max_length=20)
    scope: str = Field(max_length=2000)
    name: str | None = Field(default=None, max_length=200)
    created: dt.datetime = _when()
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(s for s in self.scope.split() if s)


class AuditEntry(SQLModel, table=True):
    """One line of the append-only audit log: who did what, when, in which request."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _when(index=True)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=60, index=True)
    target: str | None = Field(default=None, max_length=300)
    jurisdiction: str | None = Field(default=None, max_length=200)
    request_id: str | None = Field(default=None, max_length=100)
    detail: str | None = Field(default=None, sa_type=sa.Text)


class OutboxEvent(SQLModel, table=True):
    """One notification raised by the event layer (issue 13). Unique on (kind, educator_id,
    subject, period): the same event re-derived is written once."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.UniqueConstraint(
            "kind",
            "educator_id",
            "jurisdiction",
            "subject",
            "period",
            name="uq_outbox_kind_educator_subject",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True, max_length=40)
    educator_id: str = Field(index=True, max_length=200)
    subject: str = Field(max_length=300)
    period: str = Field(max_length=100)
    jurisdiction: str = Field(index=True, max_length=200)
    detail: str = _text()
    created: dt.datetime = _when(index=True)
    acknowledged_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=100)


class EventState(SQLModel, table=True):
    """What `mccredit events run` last derived events from, per educator: the profile's sha256,
    the newest credential row, the ruleset sha256 and the date. A run re-derives exactly the
    educators for which one of these changed (credential intake, a profile edit, a rule
    version, the passing of a day); it writes this row in the same transaction as the events,
    so a run killed anywhere resumes with nothing lost or doubled."""

    __tablename__ = "event_state"

    educator_id: str = Field(primary_key=True, max_length=200)
    jurisdiction: str = Field(primary_key=True, max_length=200)
    profile_sha256: str = Field(max_length=64)
    credential_pk: int = 0
    ruleset_sha256: str = Field(max_length=64)
    checked_on: dt.date
    run_id: int | None = Field(default=None, foreign_key="event_run.id")


class EventRun(SQLModel, table=True):
    """One `mccredit events run`: the day it evaluated for, how far it got, what it wrote.
    `finished` stays empty for a run that was killed; the next run says it resumes it."""

    __tablename__ = "event_run"

    id: int | None = Field(default=None, primary_key=True)
    today: dt.date
    started: dt.datetime = _when()
    finished: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    batches: int = 0
    educators: int = 0
    events: int = 0
    last_educator: str | None = Field(default=None, max_length=200)


class Webhook(SQLModel, table=True):
    """A receiver of notifications: every event in `scope` (jurisdiction ids, like an API
    key's; or the scope of `key_id`) is POSTed to `url`, signed with HMAC-SHA256 of `secret`.
    The secret is kept as given (it must sign); `disabled_at` stops new deliveries."""

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=200)
    scope: str = Field(max_length=2000)
    key_id: str | None = Field(default=None, max_length=16)
    kinds: str = Field(default="", max_length=400)
    created: dt.datetime = _when()
    disabled_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(s for s in self.scope.split() if s)


class WebhookDelivery(SQLModel, table=True):
    """One event for one webhook: `pending` (with `next_attempt` after a failure),
    `delivered`, or `dead` after the policy's last failed attempt. Unique on (webhook_id,
    outbox_id): an event is queued for a webhook once."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("webhook_id", "outbox_id", name="uq_webhook_delivery_event"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    status: str = Field(default="pending", index=True, max_length=20)
    attempts: int = 0
    next_attempt: dt.datetime = _when(index=True)
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    delivered_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class ScenarioRun(SQLModel, table=True):
    """One costing run (`POST /v1/scenarios`): its inputs by sha256, its status and, once
    done, the aggregate costing document exactly as computed (`result_sha256` over its
    canonical JSON), so a figure quoted at the table can be found and re-derived later.

    `request_json` holds the proposals, the assumptions and the roster reference (a stored
    district's id, or for an uploaded roster its sha256 and size, never the people in it).
    Status moves queued → running → done | failed, never back."""

    __tablename__ = "scenario_run"

    id: str = Field(primary_key=True, max_length=32)
    status: str = Field(default="queued", index=True, max_length=20)
    jurisdiction: str = Field(index=True, max_length=200)
    roster_kind: str = Field(max_length=20)
    educators: int
    roster_sha256: str = Field(max_length=64)
    ruleset_id: str = Field(max_length=200)
    ruleset_sha256: str = Field(max_length=64)
    assumptions_sha256: str = Field(max_length=64)
    proposals_json: str = _text()
    request_json: str = _text()
    request_sha256: str = Field(max_length=64)
    result_json: str | None = Field(default=None, sa_type=sa.Text)
    result_sha256: str | None = Field(default=None, max_length=64)
    error_json: str | None = Field(default=None, sa_type=sa.Text)
    created: dt.datetime = _when()
    started: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: str = Field(max_length=100)
    request_id: str | None = Field(default=None, max_length=100)
