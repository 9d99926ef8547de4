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
from mccredit.store.tables import EvaluationRecord, PayrollChange


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


def test_an_out_of_scope_key_cannot_store_an_evaluation_under_a_stored_educators_id(
    as_: As, engine: Engine
) -> None:
    assert as_["payroll"].put("/v1/educators/P-1", json=pwcs()).status_code == 201
    squatter = {**TN, "id": "P-1"}
    r = as_["licensure"].post("/v1/evaluate?store=true", json={"educator": squatter})
    assert r.status_code == 404, r.text
    # the refusal reads like any jurisdiction outside the scope
    other = as_["licensure"].post("/v1/evaluate?store=true", json={"educator": pwcs("Q-1")})
    assert r.json()["type"] == other.json()["type"] == "/problems/not-found"
    with Session(engine) as s:
        assert s.exec(select(EvaluationRecord)).all() == []
    # an unheld id, and the owner's own, still store
    ok = as_["licensure"].post("/v1/evaluate?store=true", json={"educator": {**TN, "id": "E-7"}})
    assert ok.status_code == 200 and ok.headers["x-evaluation-id"]


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
