"""Salary placement and change (see `_salary` for the steps); `price_placements` prices a
whole roster's placements in one join (`_grid`)."""

from ..rules._paydates import pay_dates, school_year_of
from ._calendar import Calendar, split_amount
from ._grid import price_placements, schedule_cells
from ._placement import SalaryPlan, compile_salary
from ._salary import evaluate_salary

__all__ = [
    "Calendar",
    "SalaryPlan",
    "compile_salary",
    "evaluate_salary",
    "pay_dates",
    "price_placements",
    "schedule_cells",
    "school_year_of",
    "split_amount",
]
