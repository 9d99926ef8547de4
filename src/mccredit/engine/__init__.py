"""The evaluator: compile a jurisdiction into a plan, evaluate educators against it."""

from ._evaluate import build_ledger, evaluate_plan
from ._ledger import LedgerEntry
from ._plan import Plan, compile_plan, plan_for

__all__ = ["LedgerEntry", "Plan", "build_ledger", "compile_plan", "evaluate_plan", "plan_for"]
