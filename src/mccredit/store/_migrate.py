"""Schema migrations (Alembic), run from inside the installed package.

The migration scripts ship in `mccredit/store/alembic/`, so an installed copy migrates its own
database with `mccredit db upgrade` and no `alembic.ini`. On PostgreSQL an advisory lock
serializes two processes that migrate at once; on SQLite the write lock does the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ..errors import SchemaError

__all__ = [
    "MigrationState",
    "SchemaError",
    "alembic_config",
    "downgrade",
    "migration_state",
    "upgrade",
]

SCRIPTS = Path(__file__).parent / "alembic"
_LOCK_ID = 0x6D63_6372  # "mccr"


@dataclass(frozen=True)
class MigrationState:
    current: str | None
    head: str
    known: bool

    @property
    def pending(self) -> bool:
        return self.current != self.head


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def migration_state(engine: Engine) -> MigrationState:
    """Where the database stands against the scripts this package ships."""
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    known = current is None or _is_known(script, current)
    return MigrationState(current=current, head=head_revision(), known=known)


def _is_known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises several kinds for unknown ids
        return False


def _run(engine: Engine, fn: str, revision: str) -> None:
    cfg = alembic_config()
    if engine.dialect.name == "sqlite":
        _run_sqlite(engine, cfg, fn, revision)
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_ID})")
        cfg.attributes["connection"] = conn
        getattr(command, fn)(cfg, revision)


def _run_sqlite(engine: Engine, cfg: Any, fn: str, revision: str) -> None:
    """SQLite rebuilds a table to change its key (batch mode: copy, drop, rename); with foreign
    keys enforced, dropping a table that rows of another reference fails (0008 on a populated
    database). As SQLite's ALTER TABLE documentation prescribes: foreign keys off outside the
    transaction, migrate, `PRAGMA foreign_key_check` before commit (a violation rolls it all
    back), foreign keys on again."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                getattr(command, fn)(cfg, revision)
                bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise SchemaError(
                        f"migrating to {revision!r} would leave {len(bad)} row(s) whose "
                        f"foreign key points nowhere (first: table {bad[0][0]!r}, row "
                        f"{bad[0][1]}); nothing was changed"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> MigrationState:
    """Apply pending migrations up to `revision`; refuse a database newer than this code."""
    state = migration_state(engine)
    if not state.known:
        raise SchemaError(
            f"the database is at schema revision {state.current!r}, which this version of "
            f"mccredit does not know (newest known: {state.head!r}); upgrade mccredit"
        )
    _run(engine, "upgrade", revision)
    return migration_state(engine)


def downgrade(engine: Engine, revision: str = "-1") -> MigrationState:
    """Step the schema back to `revision` (default: one step)."""
    _run(engine, "downgrade", revision)
    return migration_state(engine)
