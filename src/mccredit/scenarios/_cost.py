"""Cost a proposal across a workforce, baseline vs proposal, year by year.

For each year Y, every educator is evaluated twice on `Y-MM-DD` (default October 1, after the
school year's first pay dates): under the rules as they are and with the proposal applied.
Per year the result sums what a bargaining table asks about: renewals complete, educators
eligible to advance, the annual payroll after salary changes (`new_annual`, else `annual`),
the salary changes' cost in that school year (`this_year_delta`) and totals per credit unit.
Educators whose pay cannot be computed that year (no schedule in force: add the proposed
scale to the proposal's `schedules`) are counted as `unpriced`, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..evaluation import default_rules, evaluate_plan, plan_for, to_educator
from ..io.educator import Educator
from ..result import Evaluation, WarningCode
from ..rules import RuleSet
from ._proposal import Proposal, apply_proposal, parse_proposal

__all__ = ["cost_proposal"]

ZERO = Decimal(0)


def _figures(docs: Iterable[Evaluation]) -> dict[str, Any]:
    complete = eligible = changes = unpriced = 0
    payroll = this_year = ZERO
    totals: dict[str, Decimal] = {}
    for d in docs:
        complete += sum(1 for r in d.renewal if r.complete)
        eligible += sum(1 for a in d.advancement if a.eligible)
        s = d.salary
        if (s is None and any(w.code == WarningCode.NO_SCHEDULE for w in d.warnings)) or (
            s is not None and (s.unpriced or s.this_year_delta is None)
        ):
            unpriced += 1
        elif s is not None:
            assert s.this_year_delta is not None
            payroll += s.new_annual if s.new_annual is not None else s.annual
            this_year += s.this_year_delta
            changes += 1 if s.new_lane is not None or s.changes else 0
        for unit, amount in d.totals.items():
            totals[unit] = totals.get(unit, ZERO) + amount
    return {
        "renewals_complete": complete,
        "eligible_to_advance": eligible,
        "salary_changes": changes,
        "unpriced": unpriced,
        "annual_payroll": str(payroll.quantize(Decimal("0.01"))),
        "this_year_cost": str(this_year.quantize(Decimal("0.01"))),
        "totals": {u: str(a) for u, a in sorted(totals.items())},
    }


def cost_proposal(
    proposal: Proposal | dict[str, Any],
    educators: Iterable[Educator | dict[str, Any]],
    *,
    years: Iterable[int],
    month_day: str = "10-01",
    rules: RuleSet | None = None,
) -> dict[str, Any]:
    """Baseline vs proposal figures for each year, for the educators of the proposal's
    jurisdiction (or, when it names none, every educator)."""
    p = parse_proposal(proposal)
    ruleset = rules if rules is not None else default_rules()
    eds = [to_educator(e, rules=ruleset) for e in educators]
    chosen = [e for e in eds if p.jurisdiction is None or e.jurisdiction == p.jurisdiction]
    month, day = (int(x) for x in month_day.split("-"))
    rows = []
    for year in years:
        as_of = dt.date(year, month, day)
        base = [_evaluate(ruleset, e, as_of, None) for e in chosen]
        prop = [_evaluate(ruleset, e, as_of, p) for e in chosen]
        b, q = _figures(base), _figures(prop)
        rows.append(
            {
                "year": year,
                "as_of": as_of.isoformat(),
                "baseline": b,
                "proposal": q,
                "delta": {
                    "renewals_complete": q["renewals_complete"] - b["renewals_complete"],
                    "eligible_to_advance": q["eligible_to_advance"] - b["eligible_to_advance"],
                    "salary_changes": q["salary_changes"] - b["salary_changes"],
                    "annual_payroll": str(
                        Decimal(q["annual_payroll"]) - Decimal(b["annual_payroll"])
                    ),
                    "this_year_cost": str(
                        Decimal(q["this_year_cost"]) - Decimal(b["this_year_cost"])
                    ),
                },
            }
        )
    return {
        "proposal": p.summary(),
        "jurisdiction": p.jurisdiction,
        "educators": len(chosen),
        "skipped_other_jurisdictions": len(eds) - len(chosen),
        "years": rows,
    }


def _evaluate(
    ruleset: RuleSet, ed: Educator, as_of: dt.date, proposal: Proposal | None
) -> Evaluation:
    j = ruleset.get(ed.jurisdiction)
    if proposal is not None:
        j = apply_proposal(j, proposal)
    return evaluate_plan(plan_for(ruleset, j, as_of), ed)
