"""The evaluation pipeline: credits → renewal → advancement → salary, composed from the
engine's steps and the salary step (which never import each other), and what its callers
need around it (the bundled rules, educator input, dates, deterministic JSON)."""

from ._inputs import as_of_date, default_rules, load_rules, to_educator, to_json
from ._pipeline import EvaluationPlan, evaluate_plan, explain_plan, plan_for

__all__ = [
    "EvaluationPlan",
    "as_of_date",
    "default_rules",
    "evaluate_plan",
    "explain_plan",
    "load_rules",
    "plan_for",
    "to_educator",
    "to_json",
]
