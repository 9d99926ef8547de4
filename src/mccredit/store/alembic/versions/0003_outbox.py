"""The notifications outbox (issue 13).

Revision ID: 0003_outbox
Revises: 0002_payroll
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_outbox"
down_revision = "0002_payroll"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("educator_id", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("period", sa.String(100), nullable=False),
        sa.Column("jurisdiction", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("acknowledged_at", WHEN, nullable=True),
        sa.UniqueConstraint(
            "kind", "educator_id", "subject", "period", name="uq_outbox_kind_educator_subject"
        ),
    )
    op.create_index("ix_outbox_kind", "outbox", ["kind"])
    op.create_index("ix_outbox_educator_id", "outbox", ["educator_id"])
    op.create_index("ix_outbox_jurisdiction", "outbox", ["jurisdiction"])
    op.create_index("ix_outbox_created", "outbox", ["created"])


def downgrade() -> None:
    op.drop_table("outbox")
