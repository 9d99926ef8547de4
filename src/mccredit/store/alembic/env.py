"""Alembic environment for the mccredit store: the target metadata is `SQLModel.metadata`.

Run through `mccredit db upgrade|downgrade|current` (or `mccredit.store.migrate`), which
hands over an open connection in `config.attributes["connection"]`; plain `alembic` with
`sqlalchemy.url` set works as well. SQLite uses batch mode, so ALTERs become table copies.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool
from sqlmodel import SQLModel

from mccredit.store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from mccredit.store._config import database_url

config = context.config
target_metadata = SQLModel.metadata


def _configure(**kw: object) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, **kw)  # type: ignore[arg-type]


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or database_url()
    _configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or database_url()
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
