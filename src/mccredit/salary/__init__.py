"""Salary placement and change (see `_salary` for the steps); `price_placements` prices a
whole roster's placements in one join (`_grid`).

`price_placements` and `schedule_cells` work on polars frames, so they are imported on first use
(PEP 562): the command line and the engine never load polars (tests/test_cli_startup.py)."""

from typing import TYPE_CHECKING, Any

from ..rules._paydates import pay_dates, school_year_of
from ._calendar import Calendar, split_amount
from ._placement import SalaryPlan, compile_salary
from ._salary import evaluate_salary

if TYPE_CHECKING:
    from ._grid import price_placements, schedule_cells

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


def __getattr__(name: str) -> Any:
    if name in ("price_placements", "schedule_cells"):
        from . import _grid

        return getattr(_grid, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
