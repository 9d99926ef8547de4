"""GET /v1/licensure/worklist (issue 15): the stored educators' work list for licensure keys,
JSON or CSV, within the key's scope."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from api_support import As

REPO = Path(__file__).resolve().parents[2]


def test_worklist_over_stored_educators(as_: As) -> None:
    ed = json.loads((REPO / "examples/tn-renewal.json").read_text(encoding="utf-8"))
    assert as_["licensure"].put(f"/v1/educators/{ed['id']}", json=ed).status_code == 201
    r = as_["licensure"].get("/v1/licensure/worklist?jurisdiction=us-tn&as_of=2026-12-01")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["worklist"]["id"] == "tn-pdp-entries" and doc["educators"] == 1
    assert sum(float(e["credit"]) for e in doc["entries"]) == 59.0
    assert [h["credential_id"] for h in doc["held"]] == ["junk-1"]
    assert [a["status"] for a in doc["at_risk"]] == ["at_risk"]
    c = as_["licensure"].get(
        "/v1/licensure/worklist?jurisdiction=us-tn&as_of=2026-12-01&format=csv"
    )
    assert c.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(c.text)))
    assert len(rows) == len(doc["entries"]) and rows[0]["Type of Activity"] == "Micro-credential"
    held = as_["licensure"].get(
        "/v1/licensure/worklist?jurisdiction=us-tn&as_of=2026-12-01&format=csv&section=held"
    )
    assert held.text.startswith("educator_id,credential_id,")


def test_worklist_roles_scope_and_bad_names(as_: As) -> None:
    assert as_["payroll"].get("/v1/licensure/worklist?jurisdiction=us-va/pwcs").status_code == 403
    assert as_["licensure"].get("/v1/licensure/worklist?jurisdiction=us-va").status_code == 404
    assert as_["licensure_va"].get("/v1/licensure/worklist?jurisdiction=us-tn").status_code == 404
    bad = as_["licensure"].get("/v1/licensure/worklist?jurisdiction=us-tn&worklist=nope")
    assert bad.status_code == 422 and "tn-pdp-entries" in bad.json()["detail"]
    assert as_["admin"].get("/v1/licensure/worklist?jurisdiction=us-zz").status_code == 404
