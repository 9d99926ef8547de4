"""API fixtures: an app over a fresh SQLite file, one key per role and scope, a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import As
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pg_support import postgres_url_or_skip
from sqlalchemy import Engine

from mccredit.api import create_app
from mccredit.store import make_engine, upgrade, write_session
from mccredit.store.repositories import create_api_key

# (role, scopes) per fixture name; `*_va` keys are the deliberate scope-leak probes.
KEYS = {
    "admin": ("admin", ["*"]),
    "licensure": ("licensure", ["us-tn"]),
    "licensure_va": ("licensure", ["us-va"]),
    "payroll": ("payroll", ["us-va/pwcs"]),
    "payroll_other": ("payroll", ["us-va/other"]),
    "union": ("union", ["us-tn", "us-va"]),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database: a SQLite file, or a fresh PostgreSQL schema (skipped locally
    when PostgreSQL is unreachable, a failure with CI=true)."""
    if request.param == "sqlite":
        e = make_engine(f"sqlite:///{tmp_path / 'api.db'}")
        upgrade(e)
        yield e
        e.dispose()
        return
    with postgres_url_or_skip() as url:
        e = make_engine(url)
        upgrade(e)
        yield e
        e.dispose()


@pytest.fixture
def tokens(engine: Engine) -> dict[str, str]:
    out = {}
    with write_session(engine) as s:
        for name, (role, scopes) in KEYS.items():
            out[name] = create_api_key(session=s, role=role, scopes=scopes, name=name)[1]
        s.commit()
    return out


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    return create_app(engine=engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def as_(client: TestClient, tokens: dict[str, str]) -> As:
    return As(client, tokens)
