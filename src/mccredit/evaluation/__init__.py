"""The evaluation pipeline: credits → renewal → advancement → salary, composed from the
engine's steps and the salary step (which never import each other)."""

from ._pipeline import EvaluationPlan, evaluate_plan, plan_for

__all__ = ["EvaluationPlan", "evaluate_plan", "plan_for"]
