"""Append-only tables that cannot be overwritten either (issue 14).

The UPDATE/DELETE triggers of 0001/0002 leave two ways round them: SQLite's `INSERT OR
REPLACE` (the conflicting row is deleted without firing DELETE triggers) and PostgreSQL's
`TRUNCATE` (no row triggers fire). This revision closes both for the audit log and the payroll
transitions, and makes the payroll export (the CSV exactly as delivered, with its sha256)
append-only as well.

Revision ID: 0004_no_overwrite
Revises: 0003_outbox
Create Date: 2026-12-02
"""

from __future__ import annotations

from mccredit.store._ddl import append_only, drop_append_only, drop_no_overwrite, no_overwrite

revision = "0004_no_overwrite"
down_revision = "0003_outbox"
branch_labels = None
depends_on = None

TABLES = ("audit_log", "payroll_transition", "payroll_export")


def upgrade() -> None:
    append_only("payroll_export")
    for table in TABLES:
        no_overwrite(table)


def downgrade() -> None:
    for table in TABLES:
        drop_no_overwrite(table)
    drop_append_only("payroll_export")
