"""Step 8, advancement (`advance`): each tier reachable from a license held, eligible or not,
with its unmet conditions."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..io.educator import Educator
from ..ledger import LedgerEntry, cite
from ..result import (
    Advancement,
    Unmet,
)
from ._conditions import _alternatives, _condition_checks, alternative_results
from ._facts import _educator_getter
from ._plan import Plan
from ._renewal import _cycle_for


def _advancement(
    plan: Plan,
    ed: Educator,
    ledger: list[LedgerEntry],
    accounts: list[dict[str, Any]] | None = None,
) -> list[Advancement]:
    """Each reachable tier, eligible or not, with its unmet conditions. With `accounts` (for
    `explain`), one account per tier lists every condition, met or not, with required / found
    (and each alternative's)."""
    out: list[Advancement] = []
    eget = _educator_getter(ed)
    for adv in plan.advancement:
        holders = [lic for lic in ed.licenses if lic.type in adv.from_]
        if not holders or not adv.when_educator.test(eget):
            continue
        lic = max(holders, key=lambda li: li.issued)
        if any(h.type == adv.tier and h.issued >= lic.issued for h in ed.licenses):
            continue  # already holds the tier this advancement leads to
        start, end = _cycle_for(lic, None, plan.as_of)
        unmet: list[dict[str, Any]] = []
        earned: dict[str, Decimal] = defaultdict(Decimal)
        for e in ledger:
            if e.amount > 0 and (adv.window == "none" or start <= e.date <= end):
                earned[e.unit] += e.amount
        credit: list[dict[str, Any]] = []
        for unit, need in adv.requires.items():
            if earned[unit] < need:
                credit.append(
                    {
                        "condition": unit,
                        "required": plan.show(unit, need),
                        "found": plan.show(unit, earned[unit]),
                        "message": f"{plan.show(unit, need - earned[unit])} more {unit} needed",
                    }
                )
        # `conditions` hold on every path; an alternative stands in for the credit
        alternatives, satisfied = _alternatives(plan, adv.alternatives, ed, lic, earned)
        satisfied_by = None if not credit else satisfied
        if satisfied_by is None:
            unmet.extend(credit)
        checks = _condition_checks(adv.conditions, ed, lic)
        for check in checks:
            if not check["met"]:
                unmet.append({k: v for k, v in check.items() if k != "met"})
        if accounts is not None:
            credit_checks = [
                {
                    "condition": unit,
                    "required": plan.show(unit, need),
                    "found": plan.show(unit, earned[unit]),
                    "met": earned[unit] >= need,
                    "message": f"{plan.show(unit, earned[unit])} {unit} earned from {start} to "
                    f"{end}",
                }
                for unit, need in adv.requires.items()
            ]
            accounts.append(
                {
                    "rule": adv,
                    "window": (start, end) if adv.window != "none" else None,
                    "conditions": credit_checks + checks,
                    "satisfied_by": satisfied_by,
                }
            )
        out.append(
            Advancement.build(
                tier=adv.tier,
                from_=lic.type,
                eligible=not unmet,
                unmet=[Unmet.build(**u) for u in unmet],
                **cite(adv),
                satisfied_by=satisfied_by,
                alternatives=alternative_results(alternatives),
            )
        )
    return out


def advance(
    plan: Plan,
    ed: Educator,
    ledger: list[LedgerEntry],
    accounts: list[dict[str, Any]] | None = None,
) -> list[Advancement]:
    """The advancement step: each tier reachable from a license held, eligible or not."""
    return _advancement(plan, ed, ledger, accounts)
