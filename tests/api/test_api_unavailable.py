"""A database that refuses connections (issue 14): every route answers a 503 problem document
(never a 500 or a hang), `/healthz` still answers 200 without touching it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from api_support import TN
from fastapi.testclient import TestClient
from pg_support import postgres_url_or_skip

from mccredit.api import create_app
from mccredit.api.deps import ApiSettings, Principal
from mccredit.store import make_engine

REFUSED = "postgresql+psycopg://postgres@127.0.0.1:1/none"
ROUTES = [
    ("get", "/v1/educators", None),
    ("get", "/v1/educators/E-1", None),
    ("put", "/v1/educators/E-1", TN),
    ("get", "/v1/educators/E-1/evaluation", None),
    ("get", "/v1/evaluations/1", None),
    ("get", "/v1/payroll/changes", None),
    ("get", "/v1/audit", None),
    ("post", "/v1/evaluate?store=true", {"educator": TN}),
]


@pytest.fixture
def client() -> TestClient:
    # The cached key must outlive the test however slow the machine: a cache entry that expires
    # mid-test sends the request to the (refused) database through another path.
    settings = replace(ApiSettings.from_env(), key_cache_seconds=3600.0)
    app = create_app(engine=make_engine(REFUSED), settings=settings)
    app.state.key_cache.put("cached", Principal(key_id="k", role="admin", scopes=("*",)))
    return TestClient(app, raise_server_exceptions=False)


def test_healthz_answers_without_the_database(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    r = client.get("/readyz")
    assert r.status_code == 503 and r.headers["content-type"].startswith("application/problem")


@pytest.mark.parametrize("token", ["cached", "mcc_unknown"])  # past authentication, and in it
@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_every_route_answers_503_when_the_database_refuses(
    client: TestClient, method: str, url: str, body: object, token: str
) -> None:
    r = client.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    doc = r.json()
    assert doc["type"] == "/problems/database-unavailable" and doc["status"] == 503
    assert r.headers["retry-after"] == "5"


def test_postgres_connections_have_timeouts_and_keep_url_options() -> None:
    with postgres_url_or_skip() as url:
        e = make_engine(url)
        with e.connect() as c:
            assert c.exec_driver_sql("SHOW statement_timeout").scalar() == "15s"
            assert c.exec_driver_sql("SHOW search_path").scalar() == url.rsplit("%3D", 1)[1]
        assert e.pool.timeout() == 10  # type: ignore[attr-defined]
        e.dispose()


def test_the_pool_is_sized_for_a_worker_and_skips_pre_ping(monkeypatch: pytest.MonkeyPatch) -> None:
    e = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert e.pool.size() == 16  # type: ignore[attr-defined]
    assert e.pool._pre_ping is False  # type: ignore[attr-defined]
    e.dispose()
    monkeypatch.setenv("MCCREDIT_DB_POOL_SIZE", "3")
    e = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert e.pool.size() == 3  # type: ignore[attr-defined]
    e.dispose()


def test_a_connection_the_server_dropped_fails_one_request_then_the_pool_recovers() -> None:
    """Without pre-ping, a dropped connection costs the request that meets it (a 503 through
    the API); SQLAlchemy then discards the pool and the next request reconnects."""
    import sqlalchemy as sa

    with postgres_url_or_skip() as url:
        e = make_engine(url)
        with e.connect() as c:
            pid = c.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        admin = make_engine(url)
        with admin.connect() as c:
            c.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        admin.dispose()
        with pytest.raises(sa.exc.DBAPIError) as err, e.connect() as c:
            c.exec_driver_sql("SELECT 1")
        assert err.value.connection_invalidated
        with e.connect() as c:
            assert c.exec_driver_sql("SELECT 1").scalar() == 1
        e.dispose()
