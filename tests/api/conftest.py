"""API fixtures: an app over a fresh SQLite file, one key per role and scope, a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
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

TN: dict[str, Any] = {
    "id": "E-1",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [
        {"id": "m1", "kind": "micro_credential", "issuer": "nea", "earned": "2023-01-01"}
    ],
}


def pwcs(educator_id: str = "P-1", n: int = 5) -> dict[str, Any]:
    return {
        "id": educator_id,
        "jurisdiction": "us-va/pwcs",
        "salary": {"lane": "BA", "step": 4},
        "credentials": [
            {
                "id": f"g{i}",
                "kind": "graduate_course",
                "earned": f"2024-0{i % 9 + 1}-15",
                "semester_credits": 3,
            }
            for i in range(n)
        ],
    }


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(f"sqlite:///{tmp_path / 'api.db'}")
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


class As:
    """`as_["payroll"].get(...)`: a request with that key's bearer token."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def __getitem__(self, name: str) -> Any:
        client, token = self.client, self.tokens[name]

        class _Bound:
            def __getattr__(self, method: str) -> Any:
                fn = getattr(client, method)

                def call(url: str, **kw: Any) -> Any:
                    headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
                    return fn(url, headers=headers, **kw)

                return call

        return _Bound()


@pytest.fixture
def as_(client: TestClient, tokens: dict[str, str]) -> As:
    return As(client, tokens)
