"""DDL helpers the migrations share: append-only tables enforced by the database."""

from __future__ import annotations

from alembic import op

__all__ = ["append_only", "drop_append_only", "drop_no_overwrite", "no_overwrite"]


def append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on `table` in the database itself (PostgreSQL and SQLite)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION mccredit_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mccredit_append_only()"
        )
    elif dialect == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END"
            )


def drop_append_only(table: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    elif dialect == "sqlite":
        for what in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{what}")


def no_overwrite(table: str, key: str = "id") -> None:
    """Close the two ways around the UPDATE/DELETE triggers: SQLite's `INSERT OR REPLACE` /
    `REPLACE` (which deletes the old row without firing DELETE triggers unless recursive
    triggers are on) and PostgreSQL's `TRUNCATE` (which fires no row triggers)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mccredit_append_only()"
        )
    elif dialect == "sqlite":
        # fires before conflict resolution, so a REPLACE of an existing row aborts
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
            f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END"
        )


def drop_no_overwrite(table: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    elif dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
