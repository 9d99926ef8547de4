"""Costing runs: POST /v1/scenarios jobs and their stored results (issue 11).

Revision ID: 0006_scenario_runs
Revises: 0005_events
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_scenario_runs"
down_revision = "0005_events"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scenario_run",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("jurisdiction", sa.String(200), nullable=False),
        sa.Column("roster_kind", sa.String(20), nullable=False),
        sa.Column("educators", sa.Integer(), nullable=False),
        sa.Column("roster_sha256", sa.String(64), nullable=False),
        sa.Column("ruleset_id", sa.String(200), nullable=False),
        sa.Column("ruleset_sha256", sa.String(64), nullable=False),
        sa.Column("assumptions_sha256", sa.String(64), nullable=False),
        sa.Column("proposals_json", sa.Text(), nullable=False),
        sa.Column("request_json", sa.Text(), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=True),
        sa.Column("result_sha256", sa.String(64), nullable=True),
        sa.Column("error_json", sa.Text(), nullable=True),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("started", WHEN, nullable=True),
        sa.Column("finished", WHEN, nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("request_id", sa.String(100), nullable=True),
    )
    op.create_index("ix_scenario_run_status", "scenario_run", ["status"])
    op.create_index("ix_scenario_run_jurisdiction", "scenario_run", ["jurisdiction"])


def downgrade() -> None:
    op.drop_table("scenario_run")
