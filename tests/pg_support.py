"""A fresh PostgreSQL schema for one test, or skip (a failure with CI=true): the one copy of
that rule for the store, API and event tests; and the `url`/`engine`/`db` fixtures that run a
test on SQLite and on PostgreSQL (a conftest imports them to use them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mccredit.store import make_engine, upgrade
from mccredit.store._testing import PostgresUnavailable, postgres_schema_url, require_postgres

__all__ = ["db", "engine", "postgres_url_or_skip", "url"]


@contextmanager
def postgres_url_or_skip() -> Iterator[str]:
    """A URL on a throw-away schema; an unreachable server skips locally and fails in CI."""
    try:
        ctx = postgres_schema_url()
        url = ctx.__enter__()
    except PostgresUnavailable as exc:
        if require_postgres():
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        ctx.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database a test runs on: a SQLite file, then a fresh PostgreSQL schema."""
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
