"""POST /v1/evaluate, /v1/evaluate/batch, /v1/explain; jurisdictions; auth; errors; limits."""

from __future__ import annotations

import json
from pathlib import Path

from api_support import TN, As, pwcs
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import mccredit
from mccredit.api import ApiSettings, create_app
from mccredit.cli import app as cli
from mccredit.store._migrate import head_revision


def test_evaluate_body_is_byte_identical_to_the_cli(as_: As, tmp_path: Path) -> None:
    path = tmp_path / "e1.json"
    path.write_text(json.dumps(TN))
    cli_out = CliRunner().invoke(cli, ["evaluate", str(path), "--json", "--as-of", "2026-06-30"])
    assert cli_out.exit_code == 0, cli_out.output
    r = as_["licensure"].post("/v1/evaluate", json={"educator": TN, "as_of": "2026-06-30"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.content == cli_out.stdout.encode()
    assert r.content.decode() == mccredit.to_json(mccredit.evaluate(TN, as_of="2026-06-30"))


def test_evaluate_with_a_proposal_names_it(as_: As) -> None:
    proposal = {
        "proposal": "No micro-credential PDPs",
        "effective": "2020-01-01",
        "remove": ["tn.pdp.micro_credential"],
    }
    r = as_["union"].post(
        "/v1/evaluate", json={"educator": TN, "as_of": "2026-06-30", "proposal": proposal}
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["proposal"]["name"] == "No micro-credential PDPs"
    assert len(doc["proposal"]["sha256"]) == 64
    assert doc["totals"].get("pdp") in (None, "0", "0.00")


def test_bad_proposal_points_into_the_proposal(as_: As) -> None:
    r = as_["union"].post(
        "/v1/evaluate",
        json={
            "educator": TN,
            "as_of": "2026-06-30",
            "proposal": {"proposal": "x", "effective": "2020-01-01", "remove": ["no.such.rule"]},
        },
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert all(e["pointer"].startswith("/proposal") for e in r.json()["errors"])


def test_authentication_is_required(client: TestClient, as_: As, tokens: dict[str, str]) -> None:
    for headers in ({}, {"Authorization": "Bearer mcc_nope_nope"}, {"Authorization": "Basic x"}):
        r = client.post("/v1/evaluate", json={"educator": TN}, headers=headers)
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.json()["type"] == "/problems/unauthenticated"


def test_validation_problems_name_each_field_by_pointer(as_: As) -> None:
    bad = {**TN, "credentials": [{"id": "x", "kind": "nope", "earned": "2023-13-01"}]}
    r = as_["licensure"].post(
        "/v1/evaluate",
        json={"educator": bad, "as_of": 20260630},
        headers={"X-Request-ID": "req-123"},
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-request-id"] == "req-123"
    body = r.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    assert body["status"] == 422 and body["request_id"] == "req-123"
    pointers = {e["pointer"] for e in body["errors"]}
    assert {"/educator/credentials/0/kind", "/educator/credentials/0/earned", "/as_of"} <= pointers
    assert "Traceback" not in r.text


def test_unknown_jurisdiction_and_invalid_json(as_: As) -> None:
    r = as_["admin"].post("/v1/evaluate", json={"educator": {**TN, "jurisdiction": "xx-none"}})
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/educator/jurisdiction"
    r = as_["admin"].post(
        "/v1/evaluate", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_scope_leak_evaluate_outside_scope_is_404(as_: As) -> None:
    r = as_["licensure"].post("/v1/evaluate", json={"educator": pwcs()})
    assert r.status_code == 404
    r = as_["licensure_va"].post("/v1/explain", json={"educator": TN})
    assert r.status_code == 404


def test_store_flag_stores_for_licensure_not_for_union(as_: As) -> None:
    r = as_["union"].post("/v1/evaluate?store=true", json={"educator": TN, "as_of": "2026-06-30"})
    assert r.status_code == 403 and r.json()["type"] == "/problems/forbidden-role"
    r = as_["licensure"].post(
        "/v1/evaluate?store=true", json={"educator": TN, "as_of": "2026-06-30"}
    )
    assert r.status_code == 200
    eid = r.headers["x-evaluation-id"]
    stored = as_["licensure"].get(f"/v1/evaluations/{eid}/result")
    assert stored.content == r.content
    assert as_["licensure_va"].get(f"/v1/evaluations/{eid}").status_code == 404


def test_batch_streams_ndjson_in_order_with_error_lines(as_: As) -> None:
    educators = [TN, {**TN, "id": "E-2", "credentials": [{"id": "x"}]}, pwcs(), {**TN, "id": "E-3"}]
    r = as_["licensure"].post(
        "/v1/evaluate/batch", json={"educators": educators, "as_of": "2026-06-30"}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert len(lines) == 4
    assert lines[0] == mccredit.evaluate(TN, as_of="2026-06-30")
    assert lines[1]["index"] == 1 and lines[1]["error"]["status"] == 422
    assert lines[1]["error"]["errors"][0]["pointer"].startswith("/educators/1/credentials/0")
    assert lines[2]["error"]["status"] == 404  # us-va/pwcs is not this key's
    assert lines[3]["educator"] == "E-3"


def test_batch_item_limit(engine, tokens: dict[str, str]) -> None:
    app = create_app(engine=engine, settings=ApiSettings(max_batch_items=2))
    with TestClient(app) as c:
        r = c.post(
            "/v1/evaluate/batch",
            json={"educators": [TN, TN, TN]},
            headers={"Authorization": f"Bearer {tokens['admin']}"},
        )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/educators"


def test_body_size_limit_is_413(engine, tokens: dict[str, str]) -> None:
    app = create_app(engine=engine, settings=ApiSettings(max_body_bytes=2000))
    big = {
        **TN,
        "credentials": [
            {"id": f"c{i}", "kind": "workshop", "earned": "2023-01-01", "contact_hours": 1}
            for i in range(100)
        ],
    }
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {tokens['admin']}"}
        r = c.post("/v1/evaluate", json={"educator": big}, headers=h)
        assert r.status_code == 413 and r.json()["type"] == "/problems/body-too-large"

        def chunks():  # no Content-Length: counted while read
            data = json.dumps({"educator": big}).encode()
            for i in range(0, len(data), 500):
                yield data[i : i + 500]

        r = c.post(
            "/v1/evaluate", content=chunks(), headers={**h, "Content-Type": "application/json"}
        )
        assert r.status_code == 413


def test_explain_is_the_cli_text(as_: As) -> None:
    r = as_["union"].post("/v1/explain", json={"educator": TN, "as_of": "2026-06-30"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.text == mccredit.explain(TN, as_of="2026-06-30")


def test_jurisdictions(as_: As) -> None:
    r = as_["union"].get("/v1/jurisdictions")
    assert r.status_code == 200
    ids = [j["id"] for j in r.json()["data"]]
    assert "us-tn" in ids and "us-va/pwcs" in ids
    r = as_["payroll"].get("/v1/jurisdictions/us-va/pwcs")
    assert r.status_code == 200
    body = r.json()
    assert body["sha256"] == mccredit.default_rules().get("us-va/pwcs").sha256
    assert body["rules"] and body["sources"] is not None
    assert as_["payroll"].get("/v1/jurisdictions/xx-none").status_code == 404


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": None,
        "schema_revision": None,
        "jurisdictions": None,
    }
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["schema_revision"] == head_revision()


def test_readyz_is_503_before_migrations(tmp_path: Path) -> None:
    app = create_app(url=f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(app) as c:
        r = c.get("/readyz")
    assert r.status_code == 503 and "mccredit db upgrade" in r.json()["detail"]


def test_unknown_route_and_method_are_problems(as_: As, client: TestClient) -> None:
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    r = as_["admin"].get("/v1/evaluate")
    assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"


def test_openapi_lists_every_route_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for p in (
        "/v1/evaluate",
        "/v1/evaluate/batch",
        "/v1/jurisdictions",
        "/v1/jurisdictions/{jurisdiction_id}",
        "/v1/explain",
        "/v1/educators/{educator_id}",
        "/v1/educators/{educator_id}/credentials",
        "/v1/educators/{educator_id}/evaluation",
        "/v1/payroll/changes",
        "/v1/payroll/changes/{change_id}/approve",
        "/v1/payroll/exports",
        "/healthz",
        "/readyz",
    ):
        assert p in paths, p
    schemas = spec["components"]["schemas"]
    assert schemas["EvaluateRequest"]["examples"]
    ops = {op["operationId"] for item in paths.values() for op in item.values()}
    assert "evaluate-evaluate" in ops


def test_revoked_key_stops_working(engine, tokens: dict[str, str]) -> None:
    from mccredit.store import write_session
    from mccredit.store.repositories import revoke_api_key

    app = create_app(engine=engine, settings=ApiSettings(key_cache_seconds=0))
    h = {"Authorization": f"Bearer {tokens['union']}"}
    with TestClient(app) as c:
        assert c.get("/v1/jurisdictions", headers=h).status_code == 200
        with write_session(engine) as s:
            revoke_api_key(session=s, key_id=tokens["union"].split("_")[1])
            s.commit()
        assert c.get("/v1/jurisdictions", headers=h).status_code == 401


def test_validation_failures_are_logged_with_the_request_id(as_: As, caplog) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="mccredit.api")
    r = as_["licensure"].post(
        "/v1/evaluate", json={"educator": {"id": "x"}}, headers={"X-Request-ID": "log-me-1"}
    )
    assert r.status_code == 422
    assert any(
        "log-me-1" in rec.getMessage() and "/educator/jurisdiction" in rec.getMessage()
        for rec in caplog.records
    )


def test_settings_from_environment(monkeypatch) -> None:
    monkeypatch.setenv("MCCREDIT_API_MAX_BATCH_ITEMS", "7")
    monkeypatch.setenv("MCCREDIT_API_KEY_CACHE_SECONDS", "0.5")
    s = ApiSettings.from_env()
    assert s.max_batch_items == 7 and s.key_cache_seconds == 0.5
    assert s.max_body_bytes == ApiSettings().max_body_bytes
