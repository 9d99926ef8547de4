"""The columnar path and the per-educator reference engine agree, row for row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

import mccredit
from mccredit.testing import collect_case_files

from .conftest import REPO, assert_same, both, chunk_of, compiled
from .strategies import roster

JURISDICTIONS = mccredit.default_rules().ids


@pytest.mark.parametrize("jid", JURISDICTIONS)
def test_generated_rosters_agree(rules: mccredit.RuleSet, jid: str) -> None:
    cp = compiled(rules, jid)
    j = rules.get(jid)

    @settings(
        max_examples=12,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(roster(j))
    def check(data: Any) -> None:
        edu, cred, evals = data
        v, r = both(cp, chunk_of(edu, cred, evals))
        assert_same(v, r)

    check()


def _case_rows(
    inp: dict[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]] | None:
    known = {
        "id",
        "jurisdiction",
        "licenses",
        "credentials",
        "evaluations",
        "experience_years",
        "role",
        "grade_band",
        "recommendations",
        "salary",
        "name",
    }
    if set(inp) - known:
        return None  # e.g. Open Badges documents: not a roster column
    eid = str(inp["id"])
    sal = inp.get("salary") or {}
    base = {
        "educator_id": eid,
        "jurisdiction": inp.get("jurisdiction"),
        "role": inp.get("role"),
        "grade_band": inp.get("grade_band"),
        "experience_years": inp.get("experience_years"),
        "recommendations": ";".join(inp.get("recommendations") or []) or None,
        "salary_lane": sal.get("lane"),
        "salary_step": sal.get("step"),
        "salary_since": sal.get("since"),
        "salary_schedule": sal.get("schedule"),
    }
    if set(sal) - {"lane", "step", "since", "schedule"}:
        return None
    edu = [
        {
            **base,
            "license_type": li.get("type"),
            "license_tier": li.get("tier"),
            "license_id": li.get("id"),
            "license_issued": li.get("issued"),
            "license_expires": li.get("expires"),
            "license_experience_years": li.get("experience_years"),
        }
        for li in inp.get("licenses", [])
    ] or [base]
    cred = []
    for c in inp.get("credentials", []):
        if set(c) - {
            "id",
            "kind",
            "issuer",
            "code",
            "title",
            "earned",
            "submitted",
            "approved",
            "categories",
            "contact_hours",
            "semester_credits",
            "ceus",
            "audited",
        }:
            return None
        cred.append(
            {
                "educator_id": eid,
                "credential_id": c.get("id"),
                "kind": c.get("kind"),
                "issuer": c.get("issuer"),
                "code": c.get("code"),
                "earned": c.get("earned"),
                "submitted": c.get("submitted"),
                "approved": c.get("approved"),
                "categories": ";".join(c.get("categories") or []),
                "contact_hours": c.get("contact_hours"),
                "semester_credits": c.get("semester_credits"),
                "ceus": c.get("ceus"),
                "audited": str(bool(c.get("audited", False))).lower(),
            }
        )
    evals = [{"educator_id": eid, **e} for e in inp.get("evaluations", [])]
    return edu, cred, evals


def _cases() -> list[Any]:
    out = []
    for f in collect_case_files(REPO / "jurisdictions"):
        data = yaml.safe_load(f.read_text())
        folder = f.parent.parent.relative_to(REPO / "jurisdictions").as_posix()
        for i, case in enumerate(data or []):
            if not isinstance(case, dict) or "expect" not in case:
                continue
            out.append(pytest.param(case, case.get("jurisdiction") or folder, id=f"{folder}:{i}"))
    return out


@pytest.mark.parametrize(("case", "jid"), _cases())
def test_bundled_cases_agree(rules: mccredit.RuleSet, case: dict[str, Any], jid: str) -> None:
    if jid not in rules.ids:
        pytest.skip(f"{jid} is not bundled")
    rows = _case_rows(dict(case["input"]))
    if rows is None:
        pytest.skip("input is not expressible as roster rows (e.g. Open Badges documents)")
    as_of = case.get("as_of") or dt.date.today()
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    cp = compiled(rules, jid, as_of)
    v, r = both(cp, chunk_of(*rows))
    assert_same(v, r)
    assert v.rejects.num_rows == 0, v.rejects.to_pylist()
    # and the batch figures are the engine's own
    inp = dict(case["input"])
    inp.setdefault("jurisdiction", jid)
    doc = mccredit.evaluate(inp, jurisdiction=jid, as_of=as_of, rules=rules)
    row = v.results.to_pylist()[0]
    for unit, amount in doc["totals"].items():
        if f"total_{unit}" in row:
            assert str(row[f"total_{unit}"]) == amount
    sal = doc.get("salary")
    if isinstance(sal, dict):
        for col, key in (
            ("salary_lane", "lane"),
            ("new_lane", "new_lane"),
            ("new_step", "new_step"),
            ("new_annual", "new_annual"),
            ("annual_delta", "annual_delta"),
            ("retro", "retro"),
        ):
            if sal.get(key) is not None and not isinstance(sal.get(key), (dict, list)):
                assert str(row[col]) == str(sal[key]) or (
                    Decimal(str(row[col])) == Decimal(str(sal[key]))
                ), (col, row[col], sal[key])
    for ren in doc["renewal"]:
        match = [
            x
            for x in v.results.to_pylist()
            if x["requirement"] == ren["rule"] and x["license_type"] == ren["license"]
        ]
        assert match and match[0]["status"] == ren["status"]
