"""Event fixtures: a migrated store on SQLite and PostgreSQL (`url` is the database, `db` its
migrated engine)."""

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
        yield f"sqlite:///{tmp_path / 'events.db'}"
        return
    with postgres_url_or_skip() as u:
        yield u


@pytest.fixture
def db(url: str) -> Iterator[Engine]:
    e = make_engine(url)
    upgrade(e)
    yield e
    e.dispose()
