"""The bundled district proposals (troy30c-mc15, muskego-norway-ade24, kettle-moraine-base750)
apply cleanly and cost what their clause says, through the full engine educator by educator
(`cost_proposal`, the `mccredit scenario PROPOSAL EDUCATORS --from-year` path)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import mccredit
from mccredit.scenarios import apply_proposal, cost_proposal, load_proposal

REPO = Path(__file__).resolve().parents[3]


def _mcs(
    n: int, *, issuer: str = "nea", start: dt.date = dt.date(2024, 9, 2), **kw: Any
) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        earned = start + dt.timedelta(days=7 * i)
        c = {
            "id": f"mc-{i:02d}",
            "kind": "micro_credential",
            "issuer": issuer,
            "earned": earned.isoformat(),
            "submitted": (earned + dt.timedelta(days=3)).isoformat(),
            "contact_hours": 15,
        }
        if issuer == "nea":  # Troy: any NEA course (strict_codes off), approved beforehand
            c["code"] = f"NEA-EX-{i:02d}"
            c["approved"] = (earned - dt.timedelta(days=20)).isoformat()
        c.update(kw)
        out.append(c)
    return out


@pytest.mark.parametrize(
    "name", ["troy30c-mc15.yaml", "muskego-norway-ade24.yaml", "kettle-moraine-base750.yaml"]
)
def test_bundled_district_proposals_apply_and_name_their_example_values(name: str) -> None:
    p = load_proposal(REPO / "proposals" / name)
    rules = mccredit.default_rules()
    assert p.jurisdiction is not None
    j = apply_proposal(rules.get(p.jurisdiction), p)
    assert j.proposal is not None and j.proposal["sha256"] == p.sha256
    assert "example" in p.name and p.description and "EXAMPLE VALUES" in p.description


def test_troy_a_micro_credential_worth_one_and_a_half_credits() -> None:
    # 24 approved NEA courses: 24 credits today (BA), 36 under the proposal (BA → MA)
    ed = {
        "id": "T-1",
        "jurisdiction": "us-il/troy-30c",
        "salary": {"lane": "BA", "step": 3, "since": "2024-07-01"},
        "credentials": _mcs(24),
    }
    doc = cost_proposal(load_proposal(REPO / "proposals/troy30c-mc15.yaml"), [ed], years=[2025])
    [y] = doc["years"]
    assert y["baseline"]["unpriced"] == y["proposal"]["unpriced"] == 0
    assert y["delta"]["salary_changes"] == 1
    # MA − BA on the (example) 2025-26 grid: 4,000 a year
    assert Decimal(y["delta"]["annual_payroll"]) == 4000


def test_kettle_moraine_a_larger_base_increase() -> None:
    ed = {
        "id": "K-1",
        "jurisdiction": "us-wi/kettle-moraine",
        "salary": {"lane": "BA", "step": 4, "since": "2024-07-01"},
        "credentials": [
            {**c, "code": code}
            for c, code in zip(
                _mcs(3, issuer="digital-promise", start=dt.date(2025, 3, 3)),
                ["DP-DL-101", "DP-DIG-110", "DP-LIT-201"],
                strict=True,
            )
        ],
    }
    doc = cost_proposal(
        load_proposal(REPO / "proposals/kettle-moraine-base750.yaml"), [ed], years=[2025]
    )
    [y] = doc["years"]
    assert y["baseline"]["unpriced"] == y["proposal"]["unpriced"] == 0
    # three micro-credentials at 750 instead of 500
    assert Decimal(y["delta"]["annual_payroll"]) == 3 * 250


def test_muskego_norway_advanced_degree_equivalency_at_24() -> None:
    creds = _mcs(12, issuer="digital-promise", categories=["foundational"])
    creds += [
        {**c, "id": f"e-{k}", "categories": ["elective"]}
        for k, c in enumerate(_mcs(12, issuer="digital-promise", start=dt.date(2025, 1, 6)))
    ]
    ed = {
        "id": "M-1",
        "jurisdiction": "us-wi/muskego-norway",
        "salary": {"lane": "BA", "step": 2, "since": "2024-07-01"},
        "credentials": creds,
    }
    doc = cost_proposal(
        load_proposal(REPO / "proposals/muskego-norway-ade24.yaml"), [ed], years=[2025]
    )
    [y] = doc["years"]
    assert y["baseline"]["unpriced"] == y["proposal"]["unpriced"] == 0
    assert y["delta"]["salary_changes"] == 1 and Decimal(y["delta"]["annual_payroll"]) > 0
