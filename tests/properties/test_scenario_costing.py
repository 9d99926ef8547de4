"""Costing property: raising the whole schedule never lowers anyone's pay, in any year.

The raise is on the scale the baseline is priced on (a proposal's scale below the baseline's
grown scale is a cut, not a raise). A raise of 0 (the baseline's own grown scale) is included:
growth compounds from each year's rounded cells, so it costs exactly nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import mccredit
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.projection import priced_scale, project

from .strategies import PROPERTY

LANES = ["BA", "BA+15", "MA", "MA+30", "DOC"]


def _raised(r: Decimal, growth: Decimal) -> dict[str, Any]:
    """The baseline's priced 2025-26 scale (2024-25 grown by `growth`) raised by `r`."""
    s = priced_scale(
        mccredit.default_rules().get("us-va/pwcs"), dt.date(2025, 10, 1), "teachers", growth
    )
    steps = sorted({k for _, k in s.cells})
    return {
        "schedule": "teachers",
        "title": "raised (example values)",
        "source": {"document": "property test", "tag": "I"},
        "effective": {"from": "2025-07-01", "until": "2026-06-30"},
        "lanes": list(s.lanes),
        "steps": {k: [s.cells[(lane, k)] * (1 + r) for lane in s.lanes] for k in steps},
        "example_values": True,
    }


people = st.lists(
    st.tuples(st.sampled_from(LANES), st.integers(1, 14), st.integers(0, 40)),
    min_size=1,
    max_size=12,
)


@PROPERTY
@given(
    roster=people,
    raise_by=st.decimals(min_value=0, max_value=Decimal("0.2"), places=3),
    growth=st.decimals(min_value=Decimal("-0.02"), max_value=Decimal("0.06"), places=3),
    attrition=st.decimals(min_value=0, max_value=Decimal("0.5"), places=2),
    accrual=st.integers(0, 12),
    seed=st.integers(0, 10**6),
)
def test_raising_the_schedule_never_lowers_pay(
    roster: list[tuple[str, int, int]],
    raise_by: Decimal,
    growth: Decimal,
    attrition: Decimal,
    accrual: int,
    seed: int,
) -> None:
    rules = mccredit.default_rules()
    j = rules.get("us-va/pwcs")
    eds = [
        mccredit.to_educator(
            {
                "id": f"P{i}",
                "jurisdiction": "us-va/pwcs",
                "salary": {"lane": lane, "step": step},
                "credentials": [
                    {
                        "id": "g",
                        "kind": "graduate_course",
                        "earned": "2024-05-01",
                        "semester_credits": hours,
                    }
                ]
                if hours
                else [],
            },
            rules=rules,
        )
        for i, (lane, step, hours) in enumerate(roster)
    ]
    a = parse_assumptions(
        {
            "assumptions": "property",
            "from_year": 2025,
            "years": 4,
            "scale_growth": growth,
            "accrual": {"default": accrual},
            "attrition": {"rate": attrition, "seed": seed},
        }
    )
    p = {"proposal": "raise", "effective": "2025-07-01", "schedules": [_raised(raise_by, growth)]}
    base = project(j, eds, a)
    prop = project(mccredit.scenarios.apply_proposal(j, p), eds, a)
    for b, q in zip(base, prop, strict=True):
        pay = {x.key: x.salary for x in b.people}
        assert [x.key for x in q.people] == list(pay)
        for x in q.people:
            assert x.salary >= pay[x.key], (b.year, x)
