"""Salary placement (filled in by the salary work)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..rules._loader import Jurisdiction

__all__ = ["SalaryPlan", "compile_salary", "evaluate_salary"]


@dataclass(frozen=True)
class SalaryPlan:
    jurisdiction: Jurisdiction
    as_of: dt.date


def compile_salary(j: Jurisdiction, as_of: dt.date) -> SalaryPlan | None:
    if not (j.schedules or j.lanes or j.base_increases):
        return None
    return SalaryPlan(jurisdiction=j, as_of=as_of)


def evaluate_salary(plan: Any, ed: Any, credited: Any) -> tuple[Any, list[Any], list[Any]]:
    return None, [], []
