"""The scale a costed year is priced on: the one in force that day under the scenario's rules
(`salary.compile_salary`: a proposal's own scale wins), else the latest earlier one grown by
the assumed growth a year, each year's cells rounded half-up to the cent as a published scale
is (see `projection`'s module doc, step 4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..errors import InputError, Problem
from ..rules._loader import Jurisdiction
from ..rules._models import ScheduleFile
from ..salary import compile_salary

__all__ = ["PricedScale", "priced_scale"]

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True)
class PricedScale:
    """The scale a year is priced on: `grown_years` > 0 when grown from `base`."""

    title: str
    lanes: tuple[str, ...]
    cells: dict[tuple[str, int], Decimal]
    base_title: str
    grown_years: int

    def amount(self, lane: str, step: int) -> Decimal | None:
        return self.cells.get((lane, step))

    @property
    def top_step(self) -> int:
        return max(s for _, s in self.cells)


def _years_between(start: dt.date, day: dt.date) -> int:
    return day.year - start.year - (1 if (day.month, day.day) < (start.month, start.day) else 0)


def priced_scale(j: Jurisdiction, day: dt.date, name: str, growth: Decimal) -> PricedScale:
    """The `name` scale of `j` on `day`: the one in force, else the latest earlier one grown."""
    plan = compile_salary(j, day)
    sched: ScheduleFile | None = plan.schedule_on(day, name) if plan else None
    n = 0
    if sched is None:
        earlier = [
            (s.effective.start, i, s)
            for i, s in enumerate(j.schedules)
            if s.schedule == name and s.effective.start is not None and s.effective.start <= day
        ]
        if not earlier:
            raise InputError(
                [
                    Problem(
                        type="scenario.no_scale",
                        message=f"{j.id} has no {name!r} salary scale on or before {day}",
                        loc=("assumptions", "from_year"),
                    )
                ]
            )
        start, _, sched = max(earlier, key=lambda e: (e[0], e[1]))
        n = _years_between(start, day)
    cells = {
        (lane, step): row[k].quantize(CENT, ROUND_HALF_UP)
        for step, row in sched.steps.items()
        for k, lane in enumerate(sched.lanes)
    }
    for _ in range(n):  # year by year, each year's scale rounded like a published one
        cells = {c: (v * (1 + growth)).quantize(CENT, ROUND_HALF_UP) for c, v in cells.items()}
    title = sched.title if n == 0 else f"{sched.title} grown {growth:%} a year × {n}"
    return PricedScale(title, tuple(sched.lanes), cells, sched.title, n)


def _empty() -> PricedScale:
    return PricedScale("none", (), {(" ", 0): ZERO}, "none", 0)
