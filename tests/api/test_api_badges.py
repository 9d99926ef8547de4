"""POST /v1/educators/{id}/badges through HTTP, on SQLite and PostgreSQL (issue 12)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from api_support import TN, As
from badge_support import bake_svg, dp_badge, dp_registry, sign
from fastapi import FastAPI
from sqlalchemy import Engine

import mccredit
from mccredit.api import create_app
from mccredit.store import write_session
from mccredit.store.tables import BadgeDocument, CredentialRecord

ONE = Path(__file__).resolve().parents[1] / "fixtures" / "credentials" / "1edtech"
URL = "/v1/educators/E-1/badges?as_of=2026-06-30"
BADGE = dp_badge(7, "DP-LIT-201", "Close reading", "2025-01-10")
BODY = json.dumps(BADGE).encode()


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    """The API with the TEST Digital Promise key in its trust registry."""
    rules = dataclasses.replace(mccredit.default_rules(), registry=dp_registry())
    return create_app(engine=engine, rules=rules)


@pytest.fixture
def stored(as_: As) -> None:
    assert as_["licensure"].put("/v1/educators/E-1", json=TN).status_code == 201


def test_a_signed_badge_is_taken_in_and_credited(as_: As, stored: None, engine: Engine) -> None:
    r = as_["licensure"].post(URL, content=BODY, headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "accepted"
    (cred,) = body["credentials"]
    assert cred["verification"]["status"] == "verified"
    assert cred["credited"] == [
        {"unit": "pdp", "amount": "6.00", "rule": "tn.pdp.micro_credential"}
    ]
    # the stored educator's evaluation shows the line with its verification
    ev = as_["licensure"].get("/v1/educators/E-1/evaluation?as_of=2026-06-30").json()
    (line,) = [e for e in ev["result"]["ledger"] if e["credential"] == BADGE["id"]]
    assert line["verification"]["status"] == "verified"
    # a replay: 200, nothing new stored
    again = as_["licensure"].post(URL, content=BODY, headers={"Content-Type": "application/json"})
    assert again.status_code == 200 and again.json()["status"] == "replay"
    with write_session(engine) as s:
        assert s.query(CredentialRecord).filter_by(credential_id=BADGE["id"]).count() == 1
        (doc,) = s.query(BadgeDocument).all()
        assert doc.content == BODY  # byte for byte


def test_a_baked_svg_badge(as_: As, stored: None) -> None:
    svg = bake_svg(json.dumps(dp_badge(8, "DP-LIT-202", "Vocabulary", "2025-02-10")))
    r = as_["licensure"].post(
        URL + "&filename=b.svg", content=svg, headers={"Content-Type": "image/svg+xml"}
    )
    assert r.status_code == 201, r.text
    assert r.json()["file"] == "b.svg"


def test_rejections_are_422_with_every_reason(as_: As, stored: None, engine: Engine) -> None:
    tampered = sign(BADGE)
    tampered["credentialSubject"]["achievement"]["humanCode"] = "DP-LIT-202"
    r = as_["licensure"].post(URL, json=tampered)
    assert r.status_code == 422
    problem = r.json()
    assert problem["title"] == "Badge rejected"
    assert [e["type"] for e in problem["errors"]] == ["invalid_signature", "not_credited_here"]
    assert problem["errors"][0]["pointer"] == "/proof"
    expired = (ONE / "ob30" / "simple-err-expired.json").read_bytes()
    r = as_["licensure"].post(URL, content=expired)
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "type": "expired",
        "msg": r.json()["errors"][0]["msg"],
        "pointer": "/validUntil",
    }
    r = as_["licensure"].post(URL, content=b"{not json")
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "badge.unreadable"
    with write_session(engine) as s:
        assert s.query(BadgeDocument).count() == 0  # nothing half-stored


def test_roles_and_scope(as_: As, stored: None) -> None:
    headers = {"Content-Type": "application/json"}
    assert as_["union"].post(URL, content=BODY, headers=headers).status_code == 403
    assert as_["licensure_va"].post(URL, content=BODY, headers=headers).status_code == 404
    assert (
        as_["licensure"]
        .post("/v1/educators/NOBODY/badges", content=BODY, headers=headers)
        .status_code
        == 404
    )
