"""Salary placement and change (see `_salary` for the steps)."""

from ..rules._paydates import pay_dates, school_year_of
from ._calendar import Calendar, split_amount
from ._placement import SalaryPlan, compile_salary
from ._salary import evaluate_salary

__all__ = [
    "Calendar",
    "SalaryPlan",
    "compile_salary",
    "evaluate_salary",
    "pay_dates",
    "school_year_of",
    "split_amount",
]
