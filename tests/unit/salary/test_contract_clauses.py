"""Contract clauses in the salary rule language (issue 10, point 6): the worked examples of the
example district in tests/fixtures/contract-clauses, and the clauses' load-time checks."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import mccredit
from mccredit.rules._models import LaneCredit
from mccredit.testing import collect_case_files, run_case_file

ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "contract-clauses"


@cache
def _rules() -> mccredit.RuleSet:
    return mccredit.load_rules(ROOT)


def _results() -> list[Any]:
    out = []
    for f in collect_case_files(ROOT / "jurisdictions"):
        out.extend(run_case_file(f, _rules()))
    return out


@pytest.mark.parametrize("result", _results(), ids=lambda r: r.name[:60])
def test_contract_clause_case(result: Any) -> None:
    assert result.passed, "\n".join(result.failures)


def test_every_clause_has_a_case() -> None:
    names = " ".join(r.name for r in _results())
    for clause in (
        "hours of non-college work",
        "Annual cap",
        "expire",
        "Prior approval",
        "Lateral step",
        "step advance",
    ):
        assert clause in names


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"per": "credential", "hours_per_credit": 10}, ["hours_per_credit pools a measure"]),
        ({"per": "contact_hours", "year_start": "08-01"}, ["year_start goes with max_per_year"]),
        ({"per": "contact_hours", "hours_per_credit": 0}, ["greater than 0"]),
        ({"per": "contact_hours", "expires_after_years": 0}, ["greater than 0"]),
    ],
)
def test_a_malformed_clause_is_refused(spec: dict[str, Any], words: list[str]) -> None:
    with pytest.raises(ValidationError) as info:
        LaneCredit.model_validate({"when": {"kind": "workshop"}, "amount": 1, **spec})
    assert all(w in str(info.value) for w in words), str(info.value)


def test_troy_counts_a_course_only_with_prior_approval() -> None:
    base = {
        "id": "T",
        "jurisdiction": "us-il/troy-30c",
        "salary": {"lane": "BA", "step": 3},
    }
    cred = {
        "id": "g",
        "kind": "graduate_course",
        "semester_credits": 3,
        "earned": "2024-05-01",
        "submitted": "2024-05-10",
    }
    without = mccredit.evaluate({**base, "credentials": [cred]}, as_of="2024-09-15")
    assert without["totals"].get("salary_credit") is None
    assert [w["code"] for w in without["warnings"]].count("prior_approval_missing") == 1
    approved = {**cred, "approved": "2024-01-15"}
    got = mccredit.evaluate({**base, "credentials": [approved]}, as_of="2024-09-15")
    assert got["totals"]["salary_credit"] == "3.00"
    assert not [w for w in got["warnings"] if w["code"] == "prior_approval_missing"]
