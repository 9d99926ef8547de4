"""The evaluation document (DESIGN.md §4) from the steps' results: `no_rule` warnings for
credentials no step claimed, totals, review-due warnings and the typed `Evaluation`."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..io.educator import Educator
from ..ledger import LedgerEntry
from ..result import (
    Advancement,
    Evaluation,
    ProposalApplied,
    Renewal,
    RulesetRef,
    Salary,
    Warning,
    WarningCode,
)
from ._facts import Facts, _warn
from ._plan import Plan


def document(
    plan: Plan,
    ed: Educator,
    *,
    ledger: list[LedgerEntry],
    warnings: list[Warning],
    unmatched: list[Facts],
    renewal: list[Renewal],
    advancement: list[Advancement],
    salary: Salary | None = None,
    claimed: set[str] | frozenset[str] = frozenset(),
    rules_used: set[str] | frozenset[str] = frozenset(),
) -> Evaluation:
    """The evaluation document (DESIGN.md §4) from the steps' results: `claimed` are the ids
    of credentials a later step (salary) matched, so they get no `no_rule` warning;
    `rules_used` are the rules that step applied (for the review-due warnings)."""
    for facts in unmatched:
        if facts.cred.id in claimed:
            continue
        warnings.append(
            _warn(
                WarningCode.NO_RULE,
                credential=facts.cred.id,
                jurisdiction=plan.jurisdiction.id,
                as_of=plan.as_of,
                kind=facts.cred.kind.replace("_", " "),
            )
        )
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for e in ledger:
        totals[e.unit] += e.amount
    if plan.stale:
        _review_due(plan, ledger, renewal, advancement, set(totals), rules_used, warnings)
    j = plan.jurisdiction
    places = plan.places
    return Evaluation.build(
        educator=ed.id,
        jurisdiction=j.id,
        as_of=plan.as_of,
        ruleset=RulesetRef.build(id=f"{j.id}@{j.version}", sha256=plan.sha256),
        proposal=None if j.proposal is None else ProposalApplied.model_validate(j.proposal),
        totals={u: plan.shown(u, totals[u]) for u in sorted(totals)},
        renewal=renewal,
        advancement=advancement,
        salary=salary,
        ledger=[e.as_line(places) for e in ledger],
        warnings=warnings,
    )


def _review_due(
    plan: Plan,
    ledger: list[LedgerEntry],
    renewal: list[Renewal],
    advancement: list[Advancement],
    units: set[str],
    rules_used: set[str] | frozenset[str],
    warnings: list[Warning],
) -> None:
    """A `rule_review_due` warning for each stale rule the evaluation used (`units`: those
    of the totals)."""
    used = {e.rule for e in ledger} | {r.rule for r in renewal} | {a.rule for a in advancement}
    # every cap on a unit in play (a capped entry's unit is always in totals)
    units_in_play = units | {u for r in renewal for u in r.required}
    used |= {c.id for c in plan.caps if c.unit in units_in_play}
    used |= rules_used
    for rule_id, review_by in plan.stale:
        if rule_id not in used:
            continue
        warnings.append(_warn(WarningCode.RULE_REVIEW_DUE, rule=rule_id, review_by=review_by))
