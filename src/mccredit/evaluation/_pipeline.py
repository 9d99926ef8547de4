"""Compose the steps: `plan_for` compiles (and caches) the engine plan with the salary plan
beside it; `evaluate_plan` runs credits → renewal → advancement → salary and assembles the
evaluation document (DESIGN.md §4)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, fields
from threading import Lock
from typing import Any

from ..engine import Plan, advance, build_ledger, compile_plan, document, renew
from ..io.educator import Educator
from ..result import Evaluation
from ..rules import Jurisdiction, RuleSet
from ..salary import SalaryPlan, compile_salary, evaluate_salary

__all__ = ["EvaluationPlan", "evaluate_plan", "explain_plan", "plan_for"]


@dataclass(frozen=True)
class EvaluationPlan(Plan):
    """The engine's plan with the jurisdiction's salary plan (None where it pays no
    salary schedule)."""

    salary: SalaryPlan | None = None


_LOCK = Lock()
_MAX_PLANS = 256


def compile_evaluation_plan(j: Jurisdiction, as_of: dt.date) -> EvaluationPlan:
    """The engine plan and the salary plan of `j` on `as_of` (not cached)."""
    plan = compile_plan(j, as_of)
    own = {f.name: getattr(plan, f.name) for f in fields(Plan)}
    return EvaluationPlan(**own, salary=compile_salary(j, as_of))


def plan_for(ruleset: RuleSet, jurisdiction: str | Jurisdiction, as_of: dt.date) -> EvaluationPlan:
    """The cached plan for (ruleset sha256, jurisdiction, proposal sha256, as_of)."""
    j = ruleset.get(jurisdiction) if isinstance(jurisdiction, str) else jurisdiction
    cache: OrderedDict[tuple[str, str, str, dt.date], EvaluationPlan] = ruleset.__dict__.setdefault(
        "_plans", OrderedDict()
    )
    key = (j.sha256, j.id, j.proposal["sha256"] if j.proposal else "", as_of)
    with _LOCK:
        plan = cache.get(key)
        if plan is not None:
            cache.move_to_end(key)
            return plan
    plan = compile_evaluation_plan(j, as_of)
    with _LOCK:
        cache[key] = plan
        while len(cache) > _MAX_PLANS:
            cache.popitem(last=False)
    return plan


def evaluate_plan(plan: EvaluationPlan, ed: Educator) -> Evaluation:
    """The evaluation (DESIGN.md §4) of one educator: typed; `to_dict()` is its JSON."""
    return _run(plan, ed, None)


def explain_plan(plan: EvaluationPlan, ed: Educator) -> Evaluation:
    """The evaluation document with the account behind every figure under `trace` (what
    `mccredit explain --json` prints; see `evaluation._trace`). The other keys are exactly
    `evaluate_plan`'s."""
    from ._trace import build_trace  # the account's builder loads on first explain

    account: dict[str, Any] = {}
    ev = _run(plan, ed, account)
    trace = build_trace(
        plan,
        ed,
        ev.to_dict(),
        account["ledger"],
        account["renewal"],
        account["advancement"],
        account["claimed"],
    )
    return ev.model_copy(update={"trace": trace})


def _run(plan: EvaluationPlan, ed: Educator, account: dict[str, Any] | None) -> Evaluation:
    ledger, warnings, credited, unmatched = build_ledger(plan, ed)
    renewal_accounts: list[dict[str, Any]] | None = None if account is None else []
    advancement_accounts: list[dict[str, Any]] | None = None if account is None else []
    renewal = renew(plan, ed, ledger, warnings, renewal_accounts)
    advancement = advance(plan, ed, ledger, advancement_accounts)
    salary = None
    claimed: set[str] = set()
    rules_used: set[str] = set()
    if plan.salary is not None:
        salary, salary_entries, salary_warnings, claimed = evaluate_salary(
            plan.salary, ed, credited
        )
        ledger = ledger + salary_entries
        warnings.extend(salary_warnings)
        if salary is not None:
            rules_used = {c.rule for c in salary.changes}
    if account is not None:
        account.update(
            ledger=ledger,
            renewal=renewal_accounts,
            advancement=advancement_accounts,
            claimed=claimed,
        )
    return document(
        plan,
        ed,
        ledger=ledger,
        warnings=warnings,
        unmatched=unmatched,
        renewal=renewal,
        advancement=advancement,
        salary=salary,
        claimed=claimed,
        rules_used=rules_used,
    )
