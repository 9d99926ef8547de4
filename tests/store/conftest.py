"""Storage fixtures: every test that takes `url`/`engine` runs on SQLite and PostgreSQL.

PostgreSQL gets a fresh schema per test (dropped afterwards). Unreachable PostgreSQL skips
locally and fails with CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_support import postgres_url_or_skip
from sqlalchemy import Engine

from mccredit.store import make_engine, upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with postgres_url_or_skip() as u:
        yield u


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
