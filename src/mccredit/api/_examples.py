"""Response examples for the OpenAPI page, made from real output of the bundled rules.

Every success response that has no example gets one: the engine's own document for the
evaluation routes (a Tennessee teacher one PDP short of renewal), the real jurisdiction list
and description, and, for the stored-data routes, an empty page of the listed shape.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from .. import _api
from ..store.repositories import EXPORT_COLUMNS

__all__ = ["EXAMPLE_EDUCATOR", "add_examples"]

EXAMPLE_EDUCATOR: dict[str, Any] = {
    "id": "TN-0001",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [
        {
            "id": "mc-1",
            "kind": "micro_credential",
            "issuer": "digital-promise",
            "code": "DP-LIT-201",
            "earned": "2022-03-01",
        },
        {"id": "sh-1", "kind": "graduate_course", "earned": "2023-12-15", "semester_credits": 1},
        {"id": "ws-1", "kind": "workshop", "earned": "2024-06-01", "contact_hours": 19},
    ],
}
AS_OF = "2026-06-30"
PWCS_EDUCATOR: dict[str, Any] = {
    "id": "PW-0001",
    "jurisdiction": "us-va/pwcs",
    "salary": {"lane": "BA", "step": 4},
    "credentials": [
        {
            "id": "g-1",
            "kind": "graduate_course",
            "earned": "2024-05-10",
            "submitted": "2024-12-15",
            "semester_credits": 6,
        },
        {
            "id": "g-2",
            "kind": "graduate_course",
            "earned": "2024-08-10",
            "submitted": "2024-12-15",
            "semester_credits": 6,
        },
        {
            "id": "g-3",
            "kind": "graduate_course",
            "earned": "2024-12-10",
            "submitted": "2024-12-15",
            "semester_credits": 3,
        },
    ],
}


def _scenario_example() -> dict[str, Any]:
    from ..scenarios import cost_proposal

    proposal = {
        "proposal": "A micro-credential earns 8 PDPs from 2027-07-01",
        "jurisdiction": "us-tn",
        "effective": "2027-07-01",
        "set": [{"rule": "tn.pdp.micro_credential", "path": "amount", "value": 8}],
    }
    people = [{**EXAMPLE_EDUCATOR, "id": f"TN-{i:04d}"} for i in range(1, 6)]
    return cost_proposal(proposal, people, years=[2027], month_day="08-01")


def _costing_examples() -> dict[tuple[str, str], tuple[str, Any]]:
    """A costing run over five PWCS teachers (BA step 4, 15 graduate hours), one proposal."""
    from ..reports._page import page
    from ..scenarios.assumptions import parse_assumptions
    from ..scenarios.costing import cost_scenarios, csv_tables

    rules = _api.default_rules()
    j = rules.get("us-va/pwcs")
    people = [
        _api.to_educator({**PWCS_EDUCATOR, "id": f"PW-{i:04d}"}, rules=rules) for i in range(5)
    ]
    proposal = {
        "proposal": "BA+15 at 12 graduate hours",
        "jurisdiction": "us-va/pwcs",
        "effective": "2025-07-01",
        "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
    }
    a = parse_assumptions(
        {"assumptions": "PWCS example", "from_year": 2025, "years": 2, "scale_growth": "0.02"}
    )
    doc = cost_scenarios(j, people, [proposal], a)
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    run_id = "3f9c1e0a5b7d4c2e8a6f0b1d2c3e4f5a"
    base = f"/v1/scenarios/{run_id}"
    run = {
        "id": run_id,
        "status": "done",
        "jurisdiction": "us-va/pwcs",
        "roster": "uploaded",
        "educators": 5,
        "roster_sha256": hashlib.sha256(b"roster").hexdigest(),
        "ruleset": doc["ruleset"],
        "assumptions_sha256": a.sha256,
        "proposals": [
            {"name": p["proposal"]["name"], "sha256": p["proposal"]["sha256"]}
            for p in doc["proposals"]
        ],
        "request_sha256": hashlib.sha256(b"request").hexdigest(),
        "result_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "view": "full",
        "created": "2025-03-01T09:30:00Z",
        "started": "2025-03-01T09:30:01Z",
        "finished": "2025-03-01T09:30:02Z",
        "created_by": "key:123dfd09",
        "error": None,
        "links": {
            "status": base,
            "result": f"{base}/result",
            "report": f"{base}/report",
            "tables": {
                t: f"{base}/tables/{t}"
                for t in ("years", "scattergram", "vs_baseline", "gains_bands", "gains_by_lane")
            },
        },
    }
    queued = {**run, "status": "queued", "started": None, "finished": None, "result_sha256": None}
    html = page(
        "Contract costing: us-va/pwcs",
        "<header><h1>Contract costing: us-va/pwcs</h1>…</header>…",
    )
    js = "application/json"
    return {
        ("post", "/v1/scenarios"): (js, queued),
        ("get", "/v1/scenarios/{run_id}"): (js, run),
        ("get", "/v1/scenarios/{run_id}/result"): (js, doc),
        ("get", "/v1/scenarios/{run_id}/report"): ("text/html", html),
        ("get", "/v1/scenarios/{run_id}/tables/{table}"): ("text/csv", csv_tables(doc)["years"]),
    }


def _examples() -> dict[tuple[str, str], tuple[str, Any]]:
    rules = _api.default_rules()
    doc = _api.evaluate(EXAMPLE_EDUCATOR, as_of=AS_OF, rules=rules)
    text = _api.explain(EXAMPLE_EDUCATOR, as_of=AS_OF, rules=rules)
    tn = rules.get("us-tn").describe()
    listing = {
        "data": [
            {k: rules.get(j).describe()[k] for k in ("id", "name", "version", "extends", "sha256")}
            for j in rules.ids
        ],
        "count": len(rules.ids),
    }
    health = {
        "status": "ok",
        "database": "sqlite",
        "schema_revision": "0004_no_overwrite",
        "jurisdictions": len(rules.ids),
    }
    empty: dict[str, Any] = {"data": [], "count": 0}
    js = "application/json"
    # stored-record shapes, with figures from a real PWCS evaluation (FACTS §5.6)
    pwcs_in = copy.deepcopy(PWCS_EDUCATOR)
    pwcs = _api.evaluate(pwcs_in, as_of="2025-03-01", rules=rules)
    sal = pwcs["salary"]
    when = "2025-03-01T09:30:00Z"
    result_sha = hashlib.sha256(_api.to_json(pwcs).encode()).hexdigest()
    input_sha = hashlib.sha256(json.dumps(pwcs_in, sort_keys=True).encode()).hexdigest()
    change = {
        "id": 1,
        "educator_id": "PW-0001",
        "jurisdiction": "us-va/pwcs",
        "evaluation_id": 1,
        "lane": sal["lane"],
        "step": str(sal["step"]),
        "annual": sal["annual"],
        "new_lane": sal["new_lane"],
        "new_step": str(sal["new_step"]),
        "new_annual": sal["new_annual"],
        "annual_delta": sal["annual_delta"],
        "effective_date": sal["effective_date"],
        "this_year_delta": sal["this_year_delta"],
        "retro": sal["retro"],
        "status": "approved",
        "export_id": None,
        "created": when,
        "created_by": "key 123dfd09 (payroll)",
        "transitions": [
            {
                "from_status": None,
                "to_status": "proposed",
                "by": "key 123dfd09 (payroll)",
                "at": when,
                "note": None,
                "request_id": "445659c0e677443db5f37ddfae1f8275",
            },
            {
                "from_status": "proposed",
                "to_status": "approved",
                "by": "key 9a8b7c6d (payroll)",
                "at": "2025-03-02T14:00:00Z",
                "note": "documents checked",
                "request_id": "1f0e2d3c4b5a69788796a5b4c3d2e1f0",
            },
        ],
    }
    stored = {
        "id": 1,
        "educator": "PW-0001",
        "jurisdiction": "us-va/pwcs",
        "as_of": "2025-03-01",
        "created": when,
        "created_by": "key 123dfd09 (payroll)",
        "input_sha256": input_sha,
        "ruleset": pwcs["ruleset"],
        "proposal": None,
        "result_sha256": result_sha,
        "current_ruleset_sha256": pwcs["ruleset"]["sha256"],
        "ruleset_changed": False,
        "payroll_change": change,
        "result": pwcs,
    }
    educator = {
        "id": "PW-0001",
        "jurisdiction": "us-va/pwcs",
        "sha256": input_sha,
        "created": when,
        "updated": when,
        "credentials": len(pwcs_in["credentials"]),
        "document": {k: v for k, v in pwcs_in.items() if k != "credentials"},
    }
    credential = {
        "educator_id": "PW-0001",
        "credential_id": "g-1",
        "issuer": None,
        "sha256": hashlib.sha256(
            json.dumps(pwcs_in["credentials"][0], sort_keys=True).encode()
        ).hexdigest(),
        "created": when,
        "created_by": "key 123dfd09 (payroll)",
        "document": pwcs_in["credentials"][0],
    }
    replay = {
        "evaluation_id": 1,
        "identical": True,
        "ruleset_changed": False,
        "stored_ruleset_sha256": pwcs["ruleset"]["sha256"],
        "current_ruleset_sha256": pwcs["ruleset"]["sha256"],
        "stored_result_sha256": result_sha,
        "replay_result_sha256": result_sha,
    }
    return {
        ("get", "/v1/educators/{educator_id}"): (js, educator),
        ("put", "/v1/educators/{educator_id}"): (js, educator),
        ("post", "/v1/educators/{educator_id}/credentials"): (js, credential),
        ("get", "/v1/educators/{educator_id}/evaluation"): (js, stored),
        ("get", "/v1/educators/{educator_id}/evaluations"): (js, {"data": [stored], "count": 1}),
        ("get", "/v1/evaluations/{evaluation_id}"): (js, stored),
        ("get", "/v1/evaluations/{evaluation_id}/result"): (js, pwcs),
        ("post", "/v1/evaluations/{evaluation_id}/replay"): (js, replay),
        ("get", "/v1/payroll/changes/{change_id}"): (js, change),
        ("post", "/v1/payroll/changes/{change_id}/approve"): (js, change),
        ("post", "/v1/payroll/changes/{change_id}/reject"): (js, {**change, "status": "rejected"}),
        ("get", "/v1/payroll/exports/{export_id}"): ("text/csv", ",".join(EXPORT_COLUMNS) + "\n"),
        ("post", "/v1/scenarios/cost"): (js, _scenario_example()),
        ("post", "/v1/evaluate"): (js, doc),
        ("post", "/v1/evaluate/batch"): ("application/x-ndjson", json.dumps(doc) + "\n"),
        ("post", "/v1/explain"): ("text/plain", text),
        ("get", "/v1/jurisdictions"): (js, listing),
        ("get", "/v1/jurisdictions/{jurisdiction_id}"): (js, tn),
        ("get", "/healthz"): (js, {"status": "ok"}),
        ("get", "/readyz"): (js, health),
        ("get", "/v1/educators"): (js, empty),
        ("get", "/v1/payroll/changes"): (js, empty),
        ("get", "/v1/payroll/exports"): (js, empty),
        ("get", "/v1/audit"): (js, empty),
        ("post", "/v1/payroll/exports"): ("text/csv", ",".join(EXPORT_COLUMNS) + "\n"),
        **_costing_examples(),
    }


def add_examples(spec: dict[str, Any]) -> dict[str, Any]:
    """Attach an example to each listed success response that has none."""
    paths = spec.get("paths", {})
    for (method, path), (mime, example) in _examples().items():
        op = paths.get(path, {}).get(method)
        if op is None:
            continue
        for code in ("200", "201", "202"):
            resp = op.get("responses", {}).get(code)
            if resp is None:
                continue
            content = resp.setdefault("content", {})
            media = content.setdefault(mime, {})
            if "example" not in media and "examples" not in media:
                media["example"] = copy.deepcopy(example)
    return spec
