"""The store: SQLModel tables, Alembic migrations and the data-access functions.

```python
from mccredit.store import make_engine, upgrade, write_session
engine = make_engine()            # $MCCREDIT_DATABASE_URL or a SQLite file in the data dir
upgrade(engine)                   # apply pending migrations
```
"""

# Names load on first use (see mccredit._lazy).
from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

if TYPE_CHECKING:
    from ._config import (
        ENV_URL,
        database_url,
        default_url,
        display_url,
        make_engine,
        read_session,
        write_session,
    )
    from ._demo import save_demo_results
    from ._migrate import MigrationState, SchemaError, downgrade, migration_state, upgrade
    from .repositories import ConflictError, StoreError

_WHERE = {
    "ENV_URL": "_config",
    "database_url": "_config",
    "default_url": "_config",
    "display_url": "_config",
    "make_engine": "_config",
    "read_session": "_config",
    "write_session": "_config",
    "save_demo_results": "_demo",
    "MigrationState": "_migrate",
    "SchemaError": "_migrate",
    "downgrade": "_migrate",
    "migration_state": "_migrate",
    "upgrade": "_migrate",
    "ConflictError": "repositories",
    "StoreError": "repositories",
}


__getattr__ = lazy_getattr(__name__, _WHERE)


__all__ = [
    "ENV_URL",
    "ConflictError",
    "MigrationState",
    "SchemaError",
    "StoreError",
    "database_url",
    "default_url",
    "display_url",
    "downgrade",
    "make_engine",
    "migration_state",
    "read_session",
    "save_demo_results",
    "upgrade",
    "write_session",
]
