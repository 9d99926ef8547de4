"""Educator ids namespaced by jurisdiction (issue 14): the same id in two jurisdictions is two
educators.

Before, `educator.id` was global, so `PUT /v1/educators/{id}` by a key of one jurisdiction
answered 201 for a free id and 404 for an id another jurisdiction held: it revealed whether an
educator existed outside the key's scope. Now an educator is keyed by (id, jurisdiction), and
every table that names an educator names it by both: `credential` and `badge_document` gain a
`jurisdiction` column (filled from their educator) and a composite foreign key, and the unique
keys of `credential`, `badge_document`, `payroll_change` and `outbox`, and the key of
`event_state`, take the jurisdiction in. Existing rows are kept as they are (every id was
unique, so every row keeps naming the same educator). `badge_document` is append-only: its
triggers come off for the fill and go back on after, within this one transaction.

Downgrading refuses while an id is held by more than one jurisdiction (the old schema cannot
hold both).

Revision ID: 0008_educator_jurisdiction
Revises: 0007_badge_documents
Create Date: 2026-12-02
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import op

from mccredit.store._ddl import append_only, drop_append_only, drop_no_overwrite, no_overwrite

revision = "0008_educator_jurisdiction"
down_revision = "0007_badge_documents"
branch_labels = None
depends_on = None

CHILDREN = ("credential", "badge_document")
J = sa.String(200)
# SQLite's foreign keys of 0001/0007 have no name: batch mode names them by this convention
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s"}
UNIQUES = {
    "credential": ("uq_credential_educator_id", ["credential_id"]),
    "badge_document": ("uq_badge_document_educator_sha256", ["sha256"]),
    "payroll_change": ("uq_payroll_change_lane_date", ["new_lane", "effective_date"]),
    "outbox": ("uq_outbox_kind_educator_subject", ["subject", "period"]),
}


def _pg() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _old_fk(table: str) -> str:
    return f"{table}_educator_id_fkey" if _pg() else f"fk_{table}_educator_id"


def _unique_columns(table: str, namespaced: bool) -> list[str]:
    head = ["kind", "educator_id"] if table == "outbox" else ["educator_id"]
    return head + (["jurisdiction"] if namespaced else []) + UNIQUES[table][1]


def _primary_key(table: str, columns: list[str]) -> None:
    # SQLite's table copy warns that the reflected columns' primary_key flags differ from the
    # new key: that difference is the point of the copy
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Table .* specifies columns", sa.exc.SAWarning)
        with op.batch_alter_table(table, naming_convention=NAMING) as b:
            if _pg():
                b.drop_constraint(f"{table}_pkey", type_="primary")
            b.create_primary_key(f"{table}_pkey", columns)


def upgrade() -> None:
    drop_no_overwrite("badge_document")
    drop_append_only("badge_document")
    for table in (*CHILDREN, "event_state"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("jurisdiction", J, nullable=True))
        op.execute(
            f"UPDATE {table} SET jurisdiction = (SELECT e.jurisdiction FROM educator e "
            f"WHERE e.id = {table}.educator_id)"
        )
    op.execute("DELETE FROM event_state WHERE jurisdiction IS NULL")  # a cursor of no one
    for table in CHILDREN:
        with op.batch_alter_table(table, naming_convention=NAMING) as b:
            b.drop_constraint(_old_fk(table), type_="foreignkey")
    _primary_key("educator", ["id", "jurisdiction"])
    for table in (*CHILDREN, "payroll_change", "outbox"):
        name = UNIQUES[table][0]
        with op.batch_alter_table(table, naming_convention=NAMING) as b:
            if table in CHILDREN:
                b.alter_column("jurisdiction", existing_type=J, nullable=False)
            b.drop_constraint(name, type_="unique")
            b.create_unique_constraint(name, _unique_columns(table, True))
            if table in CHILDREN:
                b.create_foreign_key(
                    f"fk_{table}_educator",
                    "educator",
                    ["educator_id", "jurisdiction"],
                    ["id", "jurisdiction"],
                )
    with op.batch_alter_table("event_state") as b:
        b.alter_column("jurisdiction", existing_type=J, nullable=False)
    _primary_key("event_state", ["educator_id", "jurisdiction"])
    append_only("badge_document")
    no_overwrite("badge_document", key="pk")


def downgrade() -> None:
    shared = op.get_bind().execute(
        sa.text("SELECT id FROM educator GROUP BY id HAVING COUNT(*) > 1 ORDER BY id LIMIT 1")
    ).scalar()
    if shared is not None:
        raise RuntimeError(
            f"educator id {shared!r} is held by more than one jurisdiction; the schema before "
            "0008 keys educators by id alone and cannot hold both"
        )
    drop_no_overwrite("badge_document")
    drop_append_only("badge_document")
    _primary_key("event_state", ["educator_id"])
    for table in (*CHILDREN, "payroll_change", "outbox"):
        name = UNIQUES[table][0]
        with op.batch_alter_table(table, naming_convention=NAMING) as b:
            if table in CHILDREN:
                b.drop_constraint(f"fk_{table}_educator", type_="foreignkey")
            b.drop_constraint(name, type_="unique")
            b.create_unique_constraint(name, _unique_columns(table, False))
    _primary_key("educator", ["id"])
    for table in CHILDREN:
        with op.batch_alter_table(table, naming_convention=NAMING) as b:
            b.drop_column("jurisdiction")
            b.create_foreign_key(_old_fk(table), "educator", ["educator_id"], ["id"])
    with op.batch_alter_table("event_state") as b:
        b.drop_column("jurisdiction")
    append_only("badge_document")
    no_overwrite("badge_document", key="pk")
