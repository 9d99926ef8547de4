"""GET /v1/workforce (issue 15): union keys get aggregates only (no names, a minimum bucket of
at least 5); district keys also get the candidate coaches; CSV and HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from workforce_support import write_roster


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return write_roster(tmp_path / "roster")


def test_the_api_gives_union_keys_aggregates_only(as_: Any, roster: Path) -> None:
    for f in sorted(roster.iterdir()):
        doc = json.loads(f.read_text())
        doc["jurisdiction"] = "us-tn"
        doc["licenses"][0]["expires"] = "2027-06-30"
        assert as_["admin"].put(f"/v1/educators/{doc['id']}", json=doc).status_code == 201
    u = as_["union"].get("/v1/workforce?jurisdiction=us-tn&as_of=2026-06-30&min_bucket=1")
    assert u.status_code == 200, u.text
    uv = u.json()
    assert uv["named"] is False and uv["coaches"] == [] and uv["min_bucket"] == 5
    assert uv["educators"] == 11
    d = as_["licensure"].get("/v1/workforce?jurisdiction=us-tn&as_of=2026-06-30").json()
    assert d["named"] is True and [c["educator_id"] for c in d["coaches"]] == ["T-00"]
    html = as_["union"].get("/v1/workforce?jurisdiction=us-tn&as_of=2026-06-30&format=html")
    assert html.headers["content-type"].startswith("text/html") and "T-00" not in html.text
    c = as_["union"].get("/v1/workforce?jurisdiction=us-tn&format=csv&section=gaps")
    assert c.text.startswith("school,category")
    assert as_["payroll"].get("/v1/workforce?jurisdiction=us-tn").status_code == 404
