"""Educators, credentials, evaluations, API keys and the append-only audit log.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mccredit.store._ddl import append_only, drop_append_only

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "educator",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("jurisdiction", sa.String(200), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("updated", WHEN, nullable=False),
    )
    op.create_index("ix_educator_jurisdiction", "educator", ["jurisdiction"])
    op.create_table(
        "credential",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("educator_id", sa.String(200), sa.ForeignKey("educator.id"), nullable=False),
        sa.Column("credential_id", sa.String(200), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("educator_id", "credential_id", name="uq_credential_educator_id"),
    )
    op.create_index("ix_credential_educator_id", "credential", ["educator_id"])
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("educator_id", sa.String(200), nullable=False),
        sa.Column("jurisdiction", sa.String(200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("input_json", sa.Text(), nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("ruleset_id", sa.String(200), nullable=False),
        sa.Column("ruleset_sha256", sa.String(64), nullable=False),
        sa.Column("proposal_name", sa.String(200), nullable=True),
        sa.Column("proposal_sha256", sa.String(64), nullable=False),
        sa.Column("proposal_json", sa.Text(), nullable=True),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("result_sha256", sa.String(64), nullable=False),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("request_id", sa.String(100), nullable=True),
        sa.UniqueConstraint(
            "educator_id", "as_of", "input_sha256", "ruleset_sha256", "proposal_sha256",
            name="uq_evaluation_inputs",
        ),
    )
    op.create_index("ix_evaluation_educator_id", "evaluation", ["educator_id"])
    op.create_index("ix_evaluation_jurisdiction", "evaluation", ["jurisdiction"])
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_id", sa.String(16), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(2000), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(300), nullable=True),
        sa.Column("jurisdiction", sa.String(200), nullable=True),
        sa.Column("request_id", sa.String(100), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    append_only("audit_log")


def downgrade() -> None:
    drop_append_only("audit_log")
    op.drop_table("audit_log")
    op.drop_table("api_key")
    op.drop_table("evaluation")
    op.drop_table("credential")
    op.drop_table("educator")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS mccredit_append_only()")
