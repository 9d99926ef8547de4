"""The columnar projection (`_columns`) equals the person-by-person reference (`projection`):
every figure of the costing document, on generated rosters of four districts (hours-measured
lanes, micro-credential lanes with prior approval and categories, per-credential base
increases), with attrition, accrual of hours and micro-credentials, FTE weights and lane moves
filed mid-year (the in-year share, `_inyear`)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

import mccredit
from mccredit.scenarios import load_proposal
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.costing import cost_scenarios
from mccredit.scenarios.roster import load_costing_roster

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "benchmarks"))
from roster import generate  # noqa: E402

CASES = [
    ("us-va/pwcs", ["pwcs-ba12.yaml", "pwcs-ma45.yaml"]),
    ("us-il/troy-30c", ["troy30c-mc15.yaml"]),
    ("us-wi/muskego-norway", ["muskego-norway-ade24.yaml"]),
    ("us-wi/kettle-moraine", ["kettle-moraine-base750.yaml"]),
]


@pytest.mark.parametrize(("jid", "proposals"), CASES)
def test_columns_equal_person_by_person(tmp_path: Path, jid: str, proposals: list[str]) -> None:
    out = tmp_path / "roster"
    generate(educators=400, seed=5, jurisdiction=jid, out=out, credentials=12.0, bad_rate=0)
    eds, _, _ = load_costing_roster([out])
    # every seventh educator part-time, at one of three FTEs
    weights = {e.id: Decimal(("0.5", "0.8", "0.75")[k % 3]) for k, e in enumerate(eds[::7])}
    a = parse_assumptions(
        {
            "assumptions": "equivalence (example values)",
            "from_year": 2025,
            "years": 4,
            "scale_growth": "0.021",
            "accrual": {"per_lane": {"BA": "3.5", "MA": 2}, "default": "0.5"},
            "micro_credentials": {
                "per_lane": {"BA": 8, "MA": 3},
                "default": 1,
                "issuer": "nea" if jid != "us-wi/muskego-norway" else "digital-promise",
                "categories": {"foundational": "0.5", "elective": "0.5"},
            },
            "attrition": {"rate": "0.12", "replace_step": 1, "seed": 3},
            # lane moves filed mid-year: PWCS and Troy half year, the others per their rules
            "lane_filing": "12-01",
            "benefits": {"retirement_rate": "0.1", "fixed_per_fte": 5000},
        }
    )
    rules = mccredit.default_rules()
    props = [load_proposal(REPO / "proposals" / p) for p in proposals]
    j = rules.get(jid)
    columns = cost_scenarios(j, eds, props, a, weights=weights, path="columns")
    person = cost_scenarios(j, eds, props, a, weights=weights, path="person")
    assert columns == person
    # and the projection is not idle: people move lanes or gain base increases
    every = [columns["baseline"], *columns["proposals"]]
    moves = sum(y["lane_moves"] for s in every for y in s["years"])
    based = sum(Decimal(s["years"][-1]["base_increases"]) for s in every)
    assert moves > 0 or based > 0
