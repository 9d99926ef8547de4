"""Educators, credential intake, stored evaluations: each role, and scope leaks tried."""

from __future__ import annotations

import threading

from api_support import TN, As, pwcs
from sqlalchemy import Engine
from sqlmodel import Session, select

import mccredit
from mccredit.store.tables import AuditEntry, CredentialRecord

CRED = {"id": "b2", "kind": "micro_credential", "issuer": "nea", "earned": "2024-02-01"}


def test_put_creates_then_replaces(as_: As) -> None:
    r = as_["licensure"].put("/v1/educators/E-1", json=TN, headers={"X-Request-ID": "put-1"})
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/v1/educators/E-1"
    body = r.json()
    assert body["jurisdiction"] == "us-tn" and body["credentials"] == 1
    assert mccredit.to_educator(body["document"]) == mccredit.to_educator(TN)
    r = as_["licensure"].put("/v1/educators/E-1", json={**TN, "experience_years": 4})
    assert r.status_code == 200 and r.json()["document"]["experience_years"] == "4"
    got = as_["licensure"].get("/v1/educators/E-1").json()
    assert got["document"]["experience_years"] == "4"
    listed = as_["licensure"].get("/v1/educators").json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == "E-1"


def test_put_path_and_body_ids_must_agree(as_: As) -> None:
    r = as_["licensure"].put("/v1/educators/E-9", json=TN)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/id"


def test_scope_leaks_answer_404_never_403(as_: As) -> None:
    assert as_["licensure"].put("/v1/educators/E-1", json=TN).status_code == 201
    probe = as_["licensure_va"]
    assert probe.get("/v1/educators/E-1").status_code == 404
    assert probe.get("/v1/educators/NOPE").status_code == 404
    assert probe.post("/v1/educators/E-1/credentials", json=CRED).status_code == 404
    assert probe.get("/v1/educators/E-1/evaluation").status_code == 404
    assert probe.get("/v1/educators/E-1/evaluations").status_code == 404
    assert probe.get("/v1/educators").json()["count"] == 0
    # writing the same id as a va educator must not take over the tn one: ids are namespaced
    # by jurisdiction (issue 14), so it is the va educator E-1, created as any free id would
    # be (a 404 here told the probe that E-1 existed elsewhere)
    r = probe.put("/v1/educators/E-1", json={**TN, "jurisdiction": "us-va/pwcs"})
    assert r.status_code == 201 and r.json()["jurisdiction"] == "us-va/pwcs"
    # a body in a jurisdiction outside the key's scope
    assert probe.put("/v1/educators/E-2", json={**TN, "id": "E-2"}).status_code == 404
    # 404 bodies for absent and for hidden look alike
    a = probe.get("/v1/educators/E-1?jurisdiction=us-tn").json()
    b = probe.get("/v1/educators/NOPE").json()
    assert a["title"] == b["title"] and a["type"] == b["type"]
    # the owner still sees it unchanged
    assert as_["licensure"].get("/v1/educators/E-1").json()["jurisdiction"] == "us-tn"


def test_union_sees_no_personal_records(as_: As) -> None:
    as_["licensure"].put("/v1/educators/E-1", json=TN)
    for method, url in (
        ("get", "/v1/educators"),
        ("get", "/v1/educators/E-1"),
        ("get", "/v1/educators/E-1/evaluation"),
        ("get", "/v1/evaluations/1"),
        ("get", "/v1/payroll/changes"),
        ("get", "/v1/audit"),
    ):
        r = getattr(as_["union"], method)(url)
        assert r.status_code == 403, url
    assert as_["union"].put("/v1/educators/E-1", json=TN).status_code == 403


def test_credential_intake_is_idempotent(as_: As) -> None:
    as_["licensure"].put("/v1/educators/E-1", json=TN)
    r = as_["licensure"].post("/v1/educators/E-1/credentials", json=CRED)
    assert r.status_code == 201 and r.json()["credential_id"] == "b2"
    r2 = as_["licensure"].post("/v1/educators/E-1/credentials", json=CRED)
    assert r2.status_code == 200 and r2.json() == r.json()
    r3 = as_["licensure"].post("/v1/educators/E-1/credentials", json={**CRED, "contact_hours": 9})
    assert r3.status_code == 409
    assert r3.headers["content-type"] == "application/problem+json"
    assert r3.json()["errors"][0]["pointer"] == "/contact_hours"
    r4 = as_["licensure"].post("/v1/educators/E-1/credentials", json={**CRED, "issuer": "ctq"})
    assert r4.status_code == 409
    r5 = as_["licensure"].post("/v1/educators/E-1/credentials", json={"id": "x"})
    assert r5.status_code == 422
    assert as_["licensure"].get("/v1/educators/E-1").json()["credentials"] == 2


def test_same_credential_posted_from_eight_threads_is_one_row(as_: As, engine: Engine) -> None:
    as_["licensure"].put("/v1/educators/E-1", json={**TN, "credentials": []})
    barrier = threading.Barrier(8)
    codes: list[int] = []

    def post() -> None:
        barrier.wait()
        codes.append(as_["licensure"].post("/v1/educators/E-1/credentials", json=CRED).status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] * 7 + [201]
    with Session(engine) as s:
        assert len(s.exec(select(CredentialRecord)).all()) == 1


def test_stored_evaluation_is_reproducible(as_: As) -> None:
    as_["licensure"].put("/v1/educators/E-1", json=TN)
    r = as_["licensure"].get("/v1/educators/E-1/evaluation?as_of=2026-06-30")
    assert r.status_code == 200, r.text
    ev = r.json()
    assert ev["ruleset_changed"] is False and ev["payroll_change"] is None
    assert ev["ruleset"]["sha256"] == ev["current_ruleset_sha256"]
    assert ev["result"] == mccredit.evaluate(TN, as_of="2026-06-30")
    again = as_["licensure"].get("/v1/educators/E-1/evaluation?as_of=2026-06-30").json()
    assert again["id"] == ev["id"]  # identical inputs: not stored twice
    raw = as_["licensure"].get(f"/v1/evaluations/{ev['id']}/result")
    assert raw.content.decode() == mccredit.to_json(mccredit.evaluate(TN, as_of="2026-06-30"))
    replay = as_["licensure"].post(f"/v1/evaluations/{ev['id']}/replay").json()
    assert replay["identical"] is True and replay["ruleset_changed"] is False
    listed = as_["licensure"].get("/v1/educators/E-1/evaluations").json()
    assert listed["count"] == 1 and "result" not in listed["data"][0]
    assert as_["licensure"].get(f"/v1/evaluations/{ev['id']}").json()["result"] == ev["result"]


def test_stored_result_says_when_the_rules_changed(as_: As, app, engine: Engine) -> None:
    as_["licensure"].put("/v1/educators/E-1", json=TN)
    ev = as_["licensure"].get("/v1/educators/E-1/evaluation?as_of=2026-06-30").json()
    from mccredit.store.tables import EvaluationRecord

    with Session(engine) as s:
        rec = s.get(EvaluationRecord, ev["id"])
        rec.ruleset_sha256 = "0" * 64  # as if stored under older rules
        s.add(rec)
        s.commit()
    got = as_["licensure"].get(f"/v1/evaluations/{ev['id']}").json()
    assert got["ruleset_changed"] is True
    assert got["current_ruleset_sha256"] == mccredit.default_rules().get("us-tn").sha256
    assert as_["licensure"].post(f"/v1/evaluations/{ev['id']}/replay").json()["ruleset_changed"]


def test_writes_are_audited_with_request_ids(as_: As, engine: Engine) -> None:
    as_["licensure"].put("/v1/educators/E-1", json=TN, headers={"X-Request-ID": "audit-me"})
    with Session(engine) as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.request_id == "audit-me")).all()
    assert {r.action for r in rows} == {"educator.create", "credential.create"}
    r = as_["admin"].get("/v1/audit?action=educator.create")
    assert r.status_code == 200 and r.json()["data"][0]["request_id"] == "audit-me"
    assert as_["licensure"].get("/v1/audit").status_code == 403


def test_pwcs_educator_evaluation_proposes_payroll(as_: As) -> None:
    assert as_["payroll"].put("/v1/educators/P-1", json=pwcs()).status_code == 201
    ev = as_["payroll"].get("/v1/educators/P-1/evaluation?as_of=2024-12-01").json()
    change = ev["payroll_change"]
    assert (
        change["status"] == "proposed" and change["new_lane"] == ev["result"]["salary"]["new_lane"]
    )
    assert as_["licensure"].get("/v1/educators/P-1").status_code == 404  # tn key
    assert as_["licensure_va"].get("/v1/educators/P-1").status_code == 200  # us-va covers pwcs
