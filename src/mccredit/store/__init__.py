"""The store: SQLModel tables, Alembic migrations and the data-access functions.

```python
from mccredit.store import make_engine, upgrade, write_session
engine = make_engine()            # $MCCREDIT_DATABASE_URL or a SQLite file in the data dir
upgrade(engine)                   # apply pending migrations
```
"""

from ._config import (
    ENV_URL,
    database_url,
    default_url,
    display_url,
    make_engine,
    read_session,
    write_session,
)
from ._demo import prepare_demo_database, save_demo_results
from ._ingest import CredentialOutcome, FileOutcome, ingest_badges
from ._migrate import MigrationState, SchemaError, downgrade, migration_state, upgrade
from .repositories import ConflictError, StoreError

__all__ = [
    "ENV_URL",
    "ConflictError",
    "CredentialOutcome",
    "FileOutcome",
    "MigrationState",
    "SchemaError",
    "StoreError",
    "database_url",
    "default_url",
    "display_url",
    "downgrade",
    "ingest_badges",
    "make_engine",
    "migration_state",
    "read_session",
    "prepare_demo_database",
    "save_demo_results",
    "upgrade",
    "write_session",
]
