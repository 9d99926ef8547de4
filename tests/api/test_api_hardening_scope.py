"""Scope and role holes found by the issue-14 fault runs, each closed: the audit log by the
admin key's scope, stored evaluations only under in-scope educators, payroll proposals only
from roles that may create them."""

from __future__ import annotations

from api_support import TN, As, pwcs
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from mccredit.store import write_session
from mccredit.store.repositories import create_api_key
from mccredit.store.tables import EducatorRecord, EvaluationRecord, PayrollChange


def scoped_admin(client: TestClient, engine: Engine, scope: str) -> As:
    with write_session(engine) as s:
        token = create_api_key(session=s, role="admin", scopes=[scope], name=f"admin-{scope}")[1]
        s.commit()
    return As(client, {"a": token})


def test_a_scoped_admin_reads_only_its_jurisdictions_audit_rows(
    as_: As, client: TestClient, engine: Engine
) -> None:
    assert as_["licensure"].put("/v1/educators/E-1", json=TN).status_code == 201
    assert as_["payroll"].put("/v1/educators/P-1", json=pwcs()).status_code == 201
    everything = as_["admin"].get("/v1/audit?limit=1000").json()
    assert {"us-tn", "us-va/pwcs", None} <= {e["jurisdiction"] for e in everything["data"]}
    tn = scoped_admin(client, engine, "us-tn")["a"].get("/v1/audit?limit=1000").json()
    assert tn["count"] == len(tn["data"]) > 0
    assert {e["jurisdiction"] for e in tn["data"]} == {"us-tn"}
    assert all(e["target"] != "P-1" for e in tn["data"])  # no PWCS educator, no key events
    va = scoped_admin(client, engine, "us-va")["a"].get("/v1/audit?limit=1000").json()
    assert {e["jurisdiction"] for e in va["data"]} == {"us-va/pwcs"}


def test_put_of_an_id_held_in_another_scope_answers_as_for_a_free_id(
    as_: As, engine: Engine
) -> None:
    """Issue 14: `PUT /v1/educators/{id}` answered 201 for a free id and 404 for an id held
    in another jurisdiction, so any key could probe for educators outside its scope. Ids are
    namespaced by jurisdiction now: both are 201, and the other jurisdiction's educator is
    untouched."""
    assert as_["payroll"].put("/v1/educators/P-1", json=pwcs()).status_code == 201
    before = as_["payroll"].get("/v1/educators/P-1").json()
    held = as_["licensure"].put("/v1/educators/P-1", json={**TN, "id": "P-1"})
    free = as_["licensure"].put("/v1/educators/Z-9", json={**TN, "id": "Z-9"})
    assert held.status_code == free.status_code == 201, held.text
    assert set(held.json()) == set(free.json())
    assert held.json()["jurisdiction"] == "us-tn" and held.json()["credentials"] == 1
    assert held.headers["location"] == "/v1/educators/P-1"
    # a replay is a replace for both, and the PWCS educator is as it was
    assert as_["licensure"].put("/v1/educators/P-1", json={**TN, "id": "P-1"}).status_code == 200
    assert as_["payroll"].get("/v1/educators/P-1").json() == before
    assert as_["licensure"].get("/v1/educators/P-1").json()["jurisdiction"] == "us-tn"
    # a key that sees both names one; without it, a 409 naming those it sees
    both = as_["admin"].get("/v1/educators/P-1")
    assert both.status_code == 409 and "us-tn, us-va/pwcs" in both.json()["detail"]
    one = as_["admin"].get("/v1/educators/P-1?jurisdiction=us-va/pwcs")
    assert one.status_code == 200 and one.json()["sha256"] == before["sha256"]
    with write_session(engine) as s:
        rows = s.exec(select(EducatorRecord).where(EducatorRecord.id == "P-1")).all()
        assert sorted(r.jurisdiction for r in rows) == ["us-tn", "us-va/pwcs"]


def test_an_evaluation_stored_under_a_held_id_stays_in_its_own_jurisdiction(
    as_: As, engine: Engine
) -> None:
    """Issue 14: a `us-tn` key could store an evaluation under a PWCS educator's id. With ids
    namespaced by jurisdiction, it is the `us-tn` educator P-1's evaluation: stored (as for
    any id, so nothing tells the key P-1 is held elsewhere) and never among the PWCS
    educator's."""
    assert as_["payroll"].put("/v1/educators/P-1", json=pwcs()).status_code == 201
    squatter = {**TN, "id": "P-1"}
    r = as_["licensure"].post("/v1/evaluate?store=true", json={"educator": squatter})
    free = as_["licensure"].post("/v1/evaluate?store=true", json={"educator": {**TN, "id": "E-7"}})
    assert r.status_code == free.status_code == 200 and r.headers["x-evaluation-id"], r.text
    with Session(engine) as s:
        (row,) = s.exec(select(EvaluationRecord).where(EvaluationRecord.educator_id == "P-1"))
        assert row.jurisdiction == "us-tn"
    theirs = as_["admin"].get("/v1/educators/P-1/evaluations?jurisdiction=us-va/pwcs").json()
    assert theirs["count"] == 0 and theirs["data"] == []
    # a body outside the key's scope is still refused like any jurisdiction outside it
    other = as_["licensure"].post("/v1/evaluate?store=true", json={"educator": pwcs("Q-1")})
    assert other.status_code == 404 and other.json()["type"] == "/problems/not-found"


def test_a_licensure_key_evaluating_a_stored_educator_proposes_no_payroll_change(
    as_: As, engine: Engine
) -> None:
    assert as_["admin"].put("/v1/educators/P-1", json=pwcs()).status_code == 201
    lic = as_["licensure_va"].get("/v1/educators/P-1/evaluation?as_of=2024-12-01")
    assert lic.status_code == 200, lic.text
    assert lic.json()["result"]["salary"]["new_lane"]  # a lane move that payroll would act on
    assert lic.json()["payroll_change"] is None
    with Session(engine) as s:
        assert s.exec(select(PayrollChange)).all() == []
    pay = as_["payroll"].get("/v1/educators/P-1/evaluation?as_of=2024-12-01").json()
    assert pay["payroll_change"] is not None
