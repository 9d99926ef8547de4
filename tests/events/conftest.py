"""Event fixtures: a migrated store on SQLite and PostgreSQL, and a small rules tree whose
jurisdiction raises stack, renewal and lane events."""

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
        yield f"sqlite:///{tmp_path / 'events.db'}"
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
def db(url: str) -> Iterator[Engine]:
    e = make_engine(url)
    upgrade(e)
    yield e
    e.dispose()
