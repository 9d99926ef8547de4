"""Salary placement and change for one educator: placement, salary credit, lane moves, base
increases, pricing.

The steps, each in its own module (their docstrings give the semantics payroll depends on):
1. `_placement`: the schedule in force on `as_of` and the educator's lane, step and pay;
2. `_credit`: the salary credit each credential offers each lane rule (filed dates, evidence,
   prior approval, pooled hours, annual caps), computed once per evaluation;
3. `_lanes`: the lane moves that credit earns, what they consume, and what is left over;
4. `_increases`: permanent base increases;
5. `_pricing`: each change priced on the schedule in force when it takes effect, over the
   district's pay calendar (`_calendar`), and the new rate.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..io.educator import Educator
from ..ledger import LedgerEntry
from ..result import Salary, Warning
from ._credit import CredentialFacts, CreditView, Filing
from ._increases import base_increases
from ._lanes import walk_lanes
from ._placement import Placement, SalaryPlan, place
from ._pricing import price

__all__ = ["evaluate_salary"]


def evaluate_salary(
    sp: SalaryPlan, ed: Educator, eligible: Iterable[CredentialFacts]
) -> tuple[Salary | None, list[LedgerEntry], list[Warning], set[str]]:
    """Salary placement and change for one educator.

    Returns (salary result or None, salary ledger entries, warnings (each once), ids of
    credentials the salary rules matched)."""
    used: set[str] = set()
    placement = place(sp, ed)
    if not isinstance(placement, Placement):
        return None, [], [] if placement is None else [placement], used
    assert ed.salary is not None
    filing = Filing(sp, placement.since)
    view = CreditView(sp, eligible, filing, used)
    lanes = walk_lanes(view, placement)
    incs = base_increases(view)
    salary = price(sp, placement, ed.salary.schedule, lanes, incs, filing.warnings)
    return salary, lanes.entries + incs.entries, list(dict.fromkeys(filing.warnings)), used
