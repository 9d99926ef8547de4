"""Salary placement: schedules, lane moves, base increases, effective dates and pay."""

from ._salary import SalaryPlan, compile_salary, evaluate_salary

__all__ = ["SalaryPlan", "compile_salary", "evaluate_salary"]
