"""The event run's state, webhooks and their deliveries (issue 13).

Revision ID: 0005_events
Revises: 0004_no_overwrite
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_events"
down_revision = "0004_no_overwrite"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("acknowledged_by", sa.String(100), nullable=True))
    op.create_table(
        "event_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("today", sa.Date(), nullable=False),
        sa.Column("started", WHEN, nullable=False),
        sa.Column("finished", WHEN, nullable=True),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.Column("educators", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("last_educator", sa.String(200), nullable=True),
    )
    op.create_table(
        "event_state",
        sa.Column("educator_id", sa.String(200), primary_key=True),
        sa.Column("profile_sha256", sa.String(64), nullable=False),
        sa.Column("credential_pk", sa.Integer(), nullable=False),
        sa.Column("ruleset_sha256", sa.String(64), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("event_run.id"), nullable=True),
    )
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(2000), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=True),
        sa.Column("kinds", sa.String(400), nullable=False),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("disabled_at", WHEN, nullable=True),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("webhook_id", sa.Integer(), sa.ForeignKey("webhook.id"), nullable=False),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt", WHEN, nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", WHEN, nullable=True),
        sa.UniqueConstraint("webhook_id", "outbox_id", name="uq_webhook_delivery_event"),
    )
    op.create_index("ix_webhook_delivery_webhook_id", "webhook_delivery", ["webhook_id"])
    op.create_index("ix_webhook_delivery_outbox_id", "webhook_delivery", ["outbox_id"])
    op.create_index("ix_webhook_delivery_status", "webhook_delivery", ["status"])
    op.create_index("ix_webhook_delivery_next_attempt", "webhook_delivery", ["next_attempt"])


def downgrade() -> None:
    op.drop_table("webhook_delivery")
    op.drop_table("webhook")
    op.drop_table("event_state")
    op.drop_table("event_run")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("acknowledged_by")
