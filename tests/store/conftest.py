"""Storage fixtures: every test that takes `url`/`engine` runs on SQLite and PostgreSQL.

PostgreSQL gets a fresh schema per test (dropped afterwards). Unreachable PostgreSQL skips
locally and fails with CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mccredit.store import make_engine, upgrade
from mccredit.store._testing import PostgresUnavailable, postgres_schema_url, require_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    try:
        ctx = postgres_schema_url()
        u = ctx.__enter__()
    except PostgresUnavailable as e:
        if require_postgres():
            pytest.fail(str(e))
        pytest.skip(str(e))
    try:
        yield u
    finally:
        ctx.__exit__(None, None, None)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    e = make_engine(url)
    yield e
    e.dispose()


@pytest.fixture
def db(engine: Engine) -> Engine:
    """A migrated database."""
    upgrade(engine)
    return engine
