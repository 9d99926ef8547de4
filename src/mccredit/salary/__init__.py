"""Salary placement: schedules, lane moves, base increases, effective dates and pay."""

from ._salary import SalaryPlan, compile_salary, evaluate_salary, pay_dates, split_amount

__all__ = ["SalaryPlan", "compile_salary", "evaluate_salary", "pay_dates", "split_amount"]
