"""A least-privilege PostgreSQL role for the API server (issue 14).

The schema's owner (who runs `mccredit db upgrade`) can do anything, including switching
triggers off. The server needs far less, so it should connect as a role that owns nothing:

* every table: SELECT and INSERT;
* tables whose rows change (educator, credential, evaluation, payroll_change, api_key,
  outbox and the others not listed below): also UPDATE and DELETE;
* append-only tables (`APPEND_ONLY`): SELECT and INSERT only, so UPDATE, DELETE and TRUNCATE
  are refused by permissions before the triggers are even reached;
* the sequences behind integer ids: USAGE and SELECT;
* no TRUNCATE anywhere, no CREATE, no ownership: it cannot alter or drop the schema.

`grant_statements` is the SQL (printed by `mccredit db grant --print` for a DBA to review and
run); `grant_server_role` runs it. The role itself (and its password, if it logs in with one)
is created by the DBA: creating roles needs CREATEROLE, which mccredit must not ask for.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy import Engine

__all__ = ["APPEND_ONLY", "grant_server_role", "grant_statements"]

#: Tables whose rows are never changed or removed once written.
APPEND_ONLY = ("audit_log", "payroll_transition", "payroll_export")

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _check_role(role: str) -> str:
    if not _ROLE.match(role):
        raise ValueError(
            f"role {role!r}: use lower-case letters, digits and _ (up to 63), starting with a "
            "letter or _"
        )
    return role


def grant_statements(engine: Engine, role: str) -> list[str]:
    """The GRANT/REVOKE statements that give `role` exactly the server's privileges on the
    current schema's mccredit tables (PostgreSQL only)."""
    _check_role(role)
    if engine.dialect.name != "postgresql":
        raise ValueError("roles and grants are PostgreSQL's; SQLite has no users")
    with engine.connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
        tables = sorted(
            t for t in sa.inspect(conn).get_table_names(schema=schema) if t != "alembic_version"
        )
        sequences = sorted(
            conn.execute(
                sa.text(
                    "SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = :s"
                ),
                {"s": schema},
            ).scalars()
        )
    q = f'"{schema}"'
    out = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {q} FROM {role}",
        f"GRANT USAGE ON SCHEMA {q} TO {role}",
        f"GRANT SELECT ON {q}.alembic_version TO {role}",
    ]
    for t in tables:
        rights = "SELECT, INSERT" if t in APPEND_ONLY else "SELECT, INSERT, UPDATE, DELETE"
        out.append(f"GRANT {rights} ON {q}.{t} TO {role}")
    for s in sequences:
        out.append(f"GRANT USAGE, SELECT ON SEQUENCE {q}.{s} TO {role}")
    return out


def grant_server_role(engine: Engine, role: str) -> list[str]:
    """Run `grant_statements` in one transaction; returns what was run."""
    stmts = grant_statements(engine, role)
    with engine.begin() as conn:
        for stmt in stmts:
            conn.exec_driver_sql(stmt)
    return stmts
