"""Proposals: what-if overlays applied per request, and costing year by year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import mccredit
from mccredit.scenarios import cost_proposal

TN_ED: dict[str, Any] = {
    "id": "TN-P",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [
        {"id": f"mc-{i}", "kind": "micro_credential", "issuer": "nea", "earned": f"2023-0{i}-01"}
        for i in range(1, 6)
    ],
}
MC8 = {
    "proposal": "MC = 8 PDPs",
    "jurisdiction": "us-tn",
    "effective": "2026-07-01",
    "set": [{"rule": "tn.pdp.micro_credential", "path": "amount", "value": 8}],
}


def test_set_applies_from_its_effective_date_only() -> None:
    before = mccredit.evaluate(TN_ED, as_of="2026-06-30", proposal=MC8)
    after = mccredit.evaluate(TN_ED, as_of="2026-07-01", proposal=MC8)
    assert before["totals"] == {"pdp": "30.00"}
    assert after["totals"] == {"pdp": "40.00"}
    assert after["proposal"]["name"] == "MC = 8 PDPs"
    assert len(after["proposal"]["sha256"]) == 64
    assert after["ruleset"] == mccredit.evaluate(TN_ED, as_of="2026-07-01")["ruleset"]


def test_baseline_is_untouched_by_a_proposal() -> None:
    mccredit.evaluate(TN_ED, as_of="2026-07-01", proposal=MC8)
    assert mccredit.evaluate(TN_ED, as_of="2026-07-01")["totals"] == {"pdp": "30.00"}


def test_remove_and_add() -> None:
    p = {
        "proposal": "replace MC award",
        "effective": "2026-07-01",
        "remove": ["tn.pdp.micro_credential"],
        "add": {
            "awards": [
                {
                    "id": "tn.pdp.micro_credential_v2",
                    "title": "MC by hours",
                    "source": {"ref": "pdp-faq"},
                    "when": {"kind": "micro_credential", "accepted": True},
                    "unit": "pdp",
                    "per": "contact_hours",
                    "amount": 1,
                }
            ]
        },
    }
    doc = mccredit.evaluate(TN_ED, as_of="2027-01-01", proposal=p)
    # NEA catalog entries carry no code here, so no hours: every MC warns about the measure
    assert doc["totals"] == {}
    assert {w["code"] for w in doc["warnings"]} == {"measure_missing"}


def test_bad_proposal_names_each_problem() -> None:
    p = {
        "proposal": "bad",
        "effective": "2026-07-01",
        "set": [
            {"rule": "nope", "path": "amount", "value": 1},
            {"rule": "tn.pdp.micro_credential", "path": "amount", "value": "lots"},
        ],
    }
    with pytest.raises(mccredit.InputError) as info:
        mccredit.evaluate(TN_ED, as_of="2027-01-01", proposal=p)
    locs = [p.loc[:3] for p in info.value.problems]
    assert ("proposal", "set", 0) in locs
    assert ("proposal", "set", 1) in locs


def test_proposal_for_another_jurisdiction_is_refused() -> None:
    with pytest.raises(mccredit.InputError, match="us-tn"):
        mccredit.evaluate({**TN_ED, "jurisdiction": "us-tx"}, as_of="2027-01-01", proposal=MC8)


def _pwcs(i: int, hours: int) -> dict[str, Any]:
    return {
        "id": f"PW-{i}",
        "jurisdiction": "us-va/pwcs",
        "salary": {"lane": "BA", "step": 4},
        "credentials": [
            {
                "id": "g",
                "kind": "graduate_course",
                "earned": "2027-08-20",
                "submitted": "2027-09-01",
                "semester_credits": hours,
            }
        ],
    }


def test_cost_proposal_year_by_year_with_a_proposed_scale() -> None:
    # 2027-28: the first school year no bundled PWCS scale covers
    scale_2027 = {
        "schedule": "teachers",
        "title": "Proposed 2027-28 scale (example values)",
        "source": {"document": "proposal", "tag": "I"},
        "effective": {"from": "2027-07-01", "until": "2028-06-30"},
        "lanes": ["BA", "BA+15", "MA", "MA+30", "DOC"],
        "steps": {4: [64000, 65500, 70000, 72000, 73500], 5: [66000, 67500, 72000, 74000, 75500]},
        "example_values": True,
    }
    proposal = {
        "proposal": "BA+15 at 12 hours",
        "jurisdiction": "us-va/pwcs",
        "effective": "2027-07-01",
        "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
        "schedules": [scale_2027],
    }
    people = [_pwcs(1, 12), _pwcs(2, 15), _pwcs(3, 6), TN_ED]
    doc = cost_proposal(proposal, people, years=[2027], month_day="10-01")
    [row] = doc["years"]
    assert doc["educators"] == 3 and doc["skipped_other_jurisdictions"] == 1
    # Only the proposal has a 2027-28 scale: the baseline cannot price any of them.
    assert row["baseline"]["unpriced"] == 3
    assert row["proposal"]["unpriced"] == 0
    # Filed 2027-09-01 (after Aug 10, before Jan 10): half the 1,500 raise this year, for the
    # 12-hour and the 15-hour teacher.
    assert row["proposal"]["salary_changes"] == 2
    assert Decimal(row["proposal"]["this_year_cost"]) == Decimal("1500.00")
    assert Decimal(row["proposal"]["annual_payroll"]) == Decimal(64000 + 65500 * 2)


def test_an_added_award_that_collides_is_refused() -> None:
    p = {
        "proposal": "double count",
        "effective": "2026-07-01",
        "add": {
            "awards": [
                {
                    "id": "tn.pdp.micro_credential_bonus",
                    "title": "MC bonus",
                    "source": {"ref": "pdp-faq"},
                    "when": {"kind": "micro_credential"},
                    "unit": "pdp",
                    "per": "credential",
                    "amount": 8,
                }
            ]
        },
    }
    with pytest.raises(mccredit.InputError, match="no precedence"):
        mccredit.evaluate(TN_ED, as_of="2027-01-01", proposal=p)
    # with `overrides`, the added rule replaces its target from the proposal's date
    p["add"]["awards"][0]["overrides"] = "tn.pdp.micro_credential"  # type: ignore[index]
    doc = mccredit.evaluate(TN_ED, as_of="2027-01-01", proposal=p)
    assert doc["totals"] == {"pdp": "40.00"}
