"""Badge files as received, and the credential's link to its file (issue 12).

Revision ID: 0007_badge_documents
Revises: 0006_scenario_runs
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mccredit.store._ddl import append_only, drop_append_only, drop_no_overwrite, no_overwrite

revision = "0007_badge_documents"
down_revision = "0006_scenario_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "badge_document",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("educator_id", sa.String(200), sa.ForeignKey("educator.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("container", sa.String(10), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("educator_id", "sha256", name="uq_badge_document_educator_sha256"),
    )
    op.create_index("ix_badge_document_educator_id", "badge_document", ["educator_id"])
    append_only("badge_document")
    no_overwrite("badge_document", key="pk")
    with op.batch_alter_table("credential") as batch:
        batch.add_column(sa.Column("badge_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credential") as batch:
        batch.drop_column("badge_sha256")
    drop_no_overwrite("badge_document")
    drop_append_only("badge_document")
    op.drop_table("badge_document")
