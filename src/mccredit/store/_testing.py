"""Test support: a throw-away PostgreSQL schema per use (for this package's tests and others').

`MCCREDIT_TEST_POSTGRES_URL` overrides the server (default: postgres@127.0.0.1:5432, database
`test`; the older name `MCCREDIT_TEST_POSTGRES` is still read). With `CI=true` an unreachable
server is an error; elsewhere callers may skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, pool

from ..errors import PostgresUnavailable

__all__ = ["POSTGRES_URL", "PostgresUnavailable", "postgres_schema_url", "require_postgres"]

POSTGRES_URL = (
    os.environ.get("MCCREDIT_TEST_POSTGRES_URL")
    or os.environ.get("MCCREDIT_TEST_POSTGRES")
    or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def require_postgres() -> bool:
    """Whether an unreachable PostgreSQL must fail the run (CI) rather than skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@contextmanager
def postgres_schema_url(base: str = POSTGRES_URL) -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema; the schema is dropped afterwards."""
    schema = "mcc_t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, poolclass=pool.NullPool, connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except Exception as e:
        admin.dispose()
        raise PostgresUnavailable(f"PostgreSQL at {base} is unreachable: {e}") from e
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()
