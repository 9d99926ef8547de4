"""POST /v1/scenarios/cost (aggregates only) and Open Badges documents in request bodies."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from api_support import As, pwcs

import mccredit

PROPOSAL = {
    "proposal": "BA+15 at 12 graduate hours",
    "jurisdiction": "us-va/pwcs",
    "effective": "2024-07-01",
    "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
}


def roster(n: int) -> list[dict]:
    return [pwcs(f"P-{i}", n=4) for i in range(n)]  # 12 graduate hours each


def test_cost_gives_aggregates_only(as_: As) -> None:
    r = as_["union"].post(
        "/v1/scenarios/cost", json={"proposal": PROPOSAL, "educators": roster(5), "years": [2024]}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["educators"] == 5 and body["proposal"]["name"] == PROPOSAL["proposal"]
    year = body["years"][0]
    assert set(year) >= {"baseline", "proposal", "delta"}
    assert year["delta"]["salary_changes"] == 5
    assert "P-0" not in r.text  # no educator id anywhere in the answer


def test_union_cannot_single_out_a_few_educators(as_: As) -> None:
    small = {"proposal": PROPOSAL, "educators": roster(2), "years": [2024]}
    r = as_["union"].post("/v1/scenarios/cost", json=small)
    assert r.status_code == 422 and r.json()["type"] == "/problems/group-too-small"
    assert as_["payroll"].post("/v1/scenarios/cost", json=small).status_code == 200


def test_cost_scope_and_validation(as_: As) -> None:
    r = as_["licensure"].post(
        "/v1/scenarios/cost", json={"proposal": PROPOSAL, "educators": roster(1), "years": [2024]}
    )
    assert r.status_code == 404
    bad = [*roster(1), {"id": "X"}]
    r = as_["admin"].post(
        "/v1/scenarios/cost", json={"proposal": PROPOSAL, "educators": bad, "years": [2024]}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"].startswith("/educators/1")
    r = as_["admin"].post(
        "/v1/scenarios/cost",
        json={"proposal": {"proposal": "x"}, "educators": roster(1), "years": [2024]},
    )
    assert r.status_code == 422
    assert all(e["pointer"].startswith("/proposal") for e in r.json()["errors"])
    r = as_["admin"].post(
        "/v1/scenarios/cost", json={"proposal": PROPOSAL, "educators": [], "years": []}
    )
    assert r.status_code == 422


WIDGETS = {
    "proposal": "Widgets",
    "jurisdiction": "us-va/pwcs",
    "effective": "2024-07-01",
    "add": {
        "awards": [
            {
                "id": "pwcs.widgets",
                "title": "widget awards",
                "source": {"document": "test"},
                "when": {"kind": "workshop"},
                "unit": "widgets",
                "per": "contact_hours",
                "amount": 1,
            }
        ]
    },
}


def test_a_proposal_in_an_undeclared_unit_is_a_422_at_its_unit(as_: As) -> None:
    r = as_["admin"].post(
        "/v1/scenarios/cost", json={"proposal": WIDGETS, "educators": roster(1), "years": [2024]}
    )
    assert r.status_code == 422, r.text
    (err,) = r.json()["errors"]
    assert err["pointer"] == "/proposal/add/awards/0/unit"
    assert "widgets" in err["msg"]
    ed = pwcs("P-W", n=1)
    r = as_["admin"].post(
        "/v1/evaluate", json={"educator": ed, "as_of": "2025-01-01", "proposal": WIDGETS}
    )
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["/proposal/add/awards/0/unit"]


def badge_educator() -> dict:
    cases = Path(__file__).resolve().parents[2] / "jurisdictions/us-tn/cases/open-badge.yaml"
    for case in yaml.safe_load(cases.read_text()):
        if case["input"].get("badges"):
            return json.loads(json.dumps({"jurisdiction": "us-tn", **case["input"]}, default=str))
    raise AssertionError("no badge case")


def test_badge_documents_become_credentials(as_: As) -> None:
    ed = badge_educator()
    r = as_["licensure"].post("/v1/evaluate", json={"educator": ed, "as_of": "2026-06-30"})
    assert r.status_code == 200
    assert r.text == mccredit.to_json(mccredit.evaluate(ed, as_of="2026-06-30"))
    # the case's badge is unsigned: verified, reported, not credited (issue 12)
    assert r.json()["ledger"] == []
    assert [w["code"] for w in r.json()["warnings"]] == ["verification_not_credited"]
    put = as_["licensure"].put(f"/v1/educators/{ed['id']}", json=ed)
    assert put.status_code == 201 and put.json()["credentials"] == 1
    assert put.json()["document"]["badges"] == []
    stored = as_["licensure"].get(f"/v1/educators/{ed['id']}/evaluation?as_of=2026-06-30").json()
    assert stored["result"] == r.json()


def test_bad_badge_points_into_the_educator(as_: As) -> None:
    ed = {**badge_educator(), "badges": [{"type": ["VerifiableCredential"]}]}
    r = as_["licensure"].post("/v1/evaluate", json={"educator": ed})
    assert r.status_code == 422
    assert all(e["pointer"].startswith("/educator/badges") for e in r.json()["errors"]), r.json()
