"""Payroll changes, their append-only transitions, and exports.

Revision ID: 0002_payroll
Revises: 0001_initial
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mccredit.store._ddl import append_only, drop_append_only

revision = "0002_payroll"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payroll_export",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("csv", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    op.create_table(
        "payroll_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("educator_id", sa.String(200), nullable=False),
        sa.Column("jurisdiction", sa.String(200), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), sa.ForeignKey("evaluation.id"), nullable=False),
        sa.Column("lane", sa.String(100), nullable=True),
        sa.Column("step", sa.String(20), nullable=True),
        sa.Column("annual", sa.String(40), nullable=True),
        sa.Column("new_lane", sa.String(100), nullable=False),
        sa.Column("new_step", sa.String(20), nullable=True),
        sa.Column("new_annual", sa.String(40), nullable=True),
        sa.Column("annual_delta", sa.String(40), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("this_year_delta", sa.String(40), nullable=True),
        sa.Column("retro", sa.String(40), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column(
            "export_id", sa.String(40), sa.ForeignKey("payroll_export.id"), nullable=True
        ),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.UniqueConstraint(
            "educator_id", "new_lane", "effective_date", name="uq_payroll_change_lane_date"
        ),
    )
    op.create_index("ix_payroll_change_educator_id", "payroll_change", ["educator_id"])
    op.create_index("ix_payroll_change_jurisdiction", "payroll_change", ["jurisdiction"])
    op.create_index("ix_payroll_change_status", "payroll_change", ["status"])
    op.create_table(
        "payroll_transition",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "change_id", sa.Integer(), sa.ForeignKey("payroll_change.id"), nullable=False
        ),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(100), nullable=True),
    )
    op.create_index("ix_payroll_transition_change_id", "payroll_transition", ["change_id"])
    append_only("payroll_transition")


def downgrade() -> None:
    drop_append_only("payroll_transition")
    op.drop_table("payroll_transition")
    op.drop_table("payroll_change")
    op.drop_table("payroll_export")
