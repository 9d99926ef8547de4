"""The server's least-privilege PostgreSQL role (issue 14): `mccredit db grant ROLE` leaves it
able to do everything the API does and unable to rewrite history or the schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from educator_support import pwcs
from fastapi.testclient import TestClient
from pg_support import postgres_url_or_skip
from typer.testing import CliRunner

from mccredit.api import create_app
from mccredit.cli import app as cli
from mccredit.store import make_engine, upgrade, write_session
from mccredit.store.repositories import create_api_key

PWCS = pwcs("P-1")


@pytest.fixture
def owner_url_and_role() -> Iterator[tuple[str, str]]:
    with postgres_url_or_skip() as url:
        role = "mcc_srv_" + uuid.uuid4().hex[:10]
        owner = make_engine(url)
        upgrade(owner)
        with owner.begin() as c:
            c.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
        try:
            yield url, role
        finally:
            with owner.begin() as c:
                c.exec_driver_sql(f"DROP OWNED BY {role}")
                c.exec_driver_sql(f"DROP ROLE {role}")
            owner.dispose()


def as_role(url: str, role: str) -> sa.Engine:
    """Connections that act as `role` (SET ROLE at connect: trust auth, no password)."""
    e = make_engine(url)

    @sa.event.listens_for(e, "connect")
    def _set_role(dbapi_conn: object, _rec: object) -> None:
        cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
        cur.execute(f"SET ROLE {role}")
        cur.close()

    return e


def test_db_grant_gives_the_server_what_it_needs_and_nothing_more(
    owner_url_and_role: tuple[str, str],
) -> None:
    url, role = owner_url_and_role
    printed = CliRunner().invoke(cli, ["db", "grant", role, "--url", url, "--print"])
    assert printed.exit_code == 0, printed.output
    assert "GRANT SELECT, INSERT ON" in printed.stdout and "TRUNCATE" not in printed.stdout
    r = CliRunner().invoke(cli, ["db", "grant", role, "--url", url])
    assert r.exit_code == 0, r.output

    served = as_role(url, role)
    with write_session(served) as s:
        token = create_api_key(session=s, role="admin", scopes=["*"], name="srv")[1]
        s.commit()
    h = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(engine=served), raise_server_exceptions=False) as c:
        assert c.put("/v1/educators/P-1", json=PWCS, headers=h).status_code == 201
        ev = c.get("/v1/educators/P-1/evaluation?as_of=2024-12-01", headers=h)
        assert ev.status_code == 200, ev.text
        change = ev.json()["payroll_change"]
        assert c.post(f"/v1/payroll/changes/{change['id']}/approve", headers=h).status_code == 200
        assert c.post("/v1/payroll/exports", json={}, headers=h).status_code == 201
        assert c.get("/v1/audit", headers=h).json()["count"] > 0

    for stmt in (
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM payroll_transition",
        "UPDATE payroll_export SET csv = ''",
        "TRUNCATE audit_log",
        "TRUNCATE educator CASCADE",
        "ALTER TABLE audit_log DISABLE TRIGGER USER",
        "CREATE TABLE sneaky (x int)",
        "DROP TABLE outbox",
    ):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied|must be owner"):
            with served.begin() as conn:
                conn.exec_driver_sql(stmt)
    served.dispose()


def test_db_grant_refuses_a_bad_role_name_and_sqlite(tmp_path: object) -> None:
    r = CliRunner().invoke(cli, ["db", "grant", "x; DROP TABLE educator", "--url", "sqlite://"])
    assert r.exit_code == 2 and "role" in r.stderr
    r = CliRunner().invoke(cli, ["db", "grant", "srv", "--url", "sqlite://"])
    assert r.exit_code == 2 and "PostgreSQL" in r.stderr
