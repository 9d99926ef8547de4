"""Placement: the salary plan of a jurisdiction on a date, and where an educator stands on the
schedule in force on `as_of`.

`annual` is the educator's placement (lane, step) in the schedule in force on `as_of`, plus any
permanent base increases already in pay (credentials filed on or before the placement's `since`
date). A lane or step the schedule lacks is an `InputError`, never a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import InputError, Problem
from ..io.educator import Educator
from ..result import SalaryStep, Warning, WarningCode
from ..rules._loader import Jurisdiction
from ..rules._models import BaseIncreaseRule, LaneRule, SalarySettings, ScheduleFile
from ._calendar import Calendar

__all__ = ["Placement", "SalaryPlan", "compile_salary", "place", "schedule_problem"]


@dataclass(frozen=True)
class SalaryPlan:
    """A jurisdiction's salary rules in force on `as_of`: its calendar, schedules, the lane
    rules and base increases in force with their rates on that day."""

    jurisdiction: Jurisdiction
    as_of: dt.date
    settings: SalarySettings | None
    schedules: tuple[ScheduleFile, ...]
    lanes: tuple[LaneRule, ...]
    base_increases: tuple[tuple[BaseIncreaseRule, Decimal], ...]
    lane_rates: dict[tuple[str, int], Decimal]
    #: the pay calendar (None without salary settings); it keeps the pay dates it has read
    calendar: Calendar | None = field(default=None, compare=False)

    def schedule_on(self, day: dt.date, name: str) -> ScheduleFile | None:
        """The `name` schedule in force on `day`: the latest start wins; on a tie the one
        added later (a proposal's scale)."""
        best: tuple[dt.date, int] | None = None
        found: ScheduleFile | None = None
        for i, s in enumerate(self.schedules):
            if s.schedule == name and s.effective.contains(day):
                key = (s.effective.start or dt.date.min, i)
                if best is None or key > best:
                    best, found = key, s
        return found


def compile_salary(j: Jurisdiction, as_of: dt.date) -> SalaryPlan | None:
    """The salary plan of `j` on `as_of`, or None where it has no salary rules."""
    if not (j.schedules or j.lanes or j.base_increases):
        return None
    rates: dict[tuple[str, int], Decimal] = {}
    lanes = tuple(r for r in j.lanes if r.in_force(as_of))
    for rule in lanes:
        for k, credit in enumerate(rule.credit):
            rate = credit.amount.at(as_of)
            if rate is not None:
                rates[(rule.id, k)] = rate
    incs = []
    for b in j.base_increases:
        amount = b.amount.at(as_of)
        if b.in_force(as_of) and amount is not None:
            incs.append((b, amount))
    return SalaryPlan(
        jurisdiction=j,
        as_of=as_of,
        settings=j.salary,
        schedules=tuple(j.schedules),
        lanes=lanes,
        base_increases=tuple(incs),
        lane_rates=rates,
        calendar=None if j.salary is None else Calendar(j.salary, j.id),
    )


def input_error(loc: tuple[str | int, ...], message: str, *, expected: str, got: str) -> InputError:
    """An `educator.salary` input error at `loc`."""
    return InputError(
        [Problem(type="educator.salary", message=message, loc=loc, expected=expected, got=got)]
    )


def schedule_problem(sched: ScheduleFile, lane: str, step: int, loc_lane: bool) -> InputError:
    """The error for a lane (`loc_lane`) or step that `sched` lacks."""
    where = f"{sched.origin.path}" if sched.origin else sched.title
    if loc_lane:
        return input_error(
            ("salary", "lane"),
            f"lane {lane!r} is not in schedule {sched.schedule!r} ({where})",
            expected=", ".join(sched.lanes),
            got=repr(lane),
        )
    steps = sorted(sched.steps)
    return input_error(
        ("salary", "step"),
        f"step {step} is not in schedule {sched.schedule!r} ({where}); nothing is guessed",
        expected=f"one of {steps[0]}..{steps[-1]}" if steps else "a step the schedule has",
        got=str(step),
    )


@dataclass(frozen=True)
class Placement:
    """Where the educator stands on `as_of`: the schedule in force, the lane and step, the
    schedule's amount there, and the trace line that says so."""

    schedule: ScheduleFile
    lane: str
    step: int
    since: dt.date | None
    base: Decimal
    trace: SalaryStep


def place(sp: SalaryPlan, ed: Educator) -> Placement | Warning | None:
    """The educator's placement; a warning where salary cannot be evaluated (no placement
    where the district pays from a schedule, no calendar, no schedule in force), None where
    there is nothing to say. A lane or step the schedule lacks raises `InputError`."""
    j = sp.jurisdiction
    if ed.salary is None:
        return Warning.of(WarningCode.NO_PLACEMENT, jurisdiction=j.id) if sp.schedules else None
    if sp.settings is None:
        return Warning.of(WarningCode.NO_SALARY_CALENDAR, jurisdiction=j.id)
    p = ed.salary
    sched = sp.schedule_on(sp.as_of, p.schedule)
    if sched is None:
        return Warning.of(
            WarningCode.NO_SCHEDULE,
            schedule=p.schedule,
            jurisdiction=j.id,
            day=sp.as_of,
            outcome="salary not evaluated",
        )
    if p.lane not in sched.lanes:
        raise schedule_problem(sched, p.lane, p.step, True)
    base = sched.amount(p.lane, p.step)
    if base is None:
        raise schedule_problem(sched, p.lane, p.step, False)
    example = sched.example_values or p.step in sched.example_steps
    trace = SalaryStep(
        what="placement",
        detail=f"lane {p.lane} step {p.step} in {sched.title}: {base}"
        + (" (example value, not sourced)" if example else ""),
        rule=None,
        source=sched.source.cite(),
        file=sched.origin.path if sched.origin else None,
        line=1,
    )
    return Placement(sched, p.lane, p.step, p.since, base, trace)
