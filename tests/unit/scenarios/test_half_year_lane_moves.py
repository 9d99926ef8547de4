"""A lane move earned in a projected year pays the in-year share the district's rules give
(issue 11 point 2): the projection takes the move's effective date and pay mode from the
salary package's calendar (`salary.Calendar.effective`/`parts`), as the engine's salary
result pays a mid-year change.

Worked example, Aurora (EXAMPLE VALUES grid and pay calendar): one educator, BA step 1, steps
frozen, 15 semester hours a year from 2026 (225 advancement hours: one lane a year), filed on
Nov 15 each year (`lane_filing: "11-15"`). The rule: filed by Apr 30, effective the first pay
date after filing. Pay dates: the 1st of each month, Aug 1 – Jun 1 (11). Filed 2026-11-15 →
effective 2026-12-01, 7 of the 11 pay dates (Dec–Jun) carry the raise.
- 2025: BA step 1 = 50,000.00.
- 2026: the move BA 50,000 → BA+15 52,000 pays 2,000 × 7/11 = 1,272.727… → 1,272.73; the year
  costs 51,272.73, the cost of lane movement is 1,272.73.
- 2027: BA+15 52,000 in full (the rest of the 2026 move: 727.27) and the move BA+15 → BA+30
  54,000 again at 7/11: 52,000 + 1,272.73 = 53,272.73.
Without `lane_filing` every move pays the whole year (52,000.00, 54,000.00), as before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import mccredit
from mccredit.io.educator import Educator
from mccredit.salary import compile_salary
from mccredit.scenarios._inyear import in_year, move_shares
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.costing import cost_scenarios


def _assumptions(filing: str | None) -> Any:
    a: dict[str, Any] = {
        "assumptions": "half-year lane move (example values)",
        "from_year": 2025,
        "years": 3,
        "steps": "frozen",
        "scale_growth": 0,
        "accrual": {"per_lane": {"BA": 15}, "default": 0},
        "benefits": {"fica_rate": 0, "medicare_rate": 0},
    }
    if filing is not None:
        a["lane_filing"] = filing
    return parse_assumptions(a)


def _educator() -> Educator:
    return Educator.model_validate(
        {
            "id": "A1",
            "jurisdiction": "us-co/aurora",
            "salary": {"lane": "BA", "step": 1, "since": "2024-07-01"},
            "credentials": [],
        }
    )


@pytest.mark.parametrize("path", ["columns", "person"])
def test_aurora_mid_year_move_costs_the_in_year_share(path: str) -> None:
    j = mccredit.default_rules().get("us-co/aurora")
    doc = cost_scenarios(j, [_educator()], [], _assumptions("11-15"), path=path)  # type: ignore[arg-type]
    years = doc["baseline"]["years"]
    assert [y["total_salary"] for y in years] == ["50000.00", "51272.73", "53272.73"]
    assert [y["cost_of_lane_movement"] for y in years] == ["0.00", "1272.73", "1272.73"]
    assert [y["lane_moves"] for y in years] == [0, 1, 1]


def test_without_a_filing_day_the_move_pays_the_whole_year() -> None:
    j = mccredit.default_rules().get("us-co/aurora")
    doc = cost_scenarios(j, [_educator()], [], _assumptions(None))
    years = doc["baseline"]["years"]
    assert [y["total_salary"] for y in years] == ["50000.00", "52000.00", "54000.00"]
    assert [y["cost_of_lane_movement"] for y in years] == ["0.00", "2000.00", "2000.00"]


def test_shares_follow_the_rules_deadlines() -> None:
    rules = mccredit.default_rules()
    day = dt.date(2026, 10, 1)
    aurora = compile_salary(rules.get("us-co/aurora"), day)
    # filed Nov 15: the first pay date after it (Dec 1) onward, 7 of 11
    assert move_shares(aurora, day, "11-15")["BA+15"] == (14, 22)
    # filed after Apr 30: next school year, nothing this year
    assert move_shares(aurora, day, "05-15")["BA+15"] == (0, 1)
    assert in_year(Decimal("2000.00"), (14, 22)) == Decimal("1272.73")
    # the engine's own salary result for the same rule: jurisdictions/us-co/aurora/cases/
    # salary.yaml (run by tests/test_cases.py) files on Oct 20, 2025 and pays this_year_delta
    # 1,454.55 (2,000 × 8 of 11); the projection's share for that filing day gives the same
    fall = dt.date(2025, 10, 1)
    share = move_shares(compile_salary(rules.get("us-co/aurora"), fall), fall, "10-20")
    assert in_year(Decimal("2000.00"), share["BA+15"]) == Decimal("1454.55")
    # PWCS: by Aug 10 the whole year, by Jan 10 half of it, later the next year
    pwcs_day = dt.date(2024, 10, 1)
    pwcs = compile_salary(rules.get("us-va/pwcs"), pwcs_day)
    assert move_shares(pwcs, pwcs_day, "08-01")["BA+15"] == (48, 48)
    assert move_shares(pwcs, pwcs_day, "12-15")["BA+15"] == (24, 48)
    assert move_shares(pwcs, pwcs_day, "02-01")["BA+15"] == (0, 1)
