"""The salary rules: lane moves and the credit toward them (`LaneCredit`, contract clauses),
base increases, filing `Deadline`s, the district's payroll calendar (`SalarySettings`,
`PayCalendar`) and the salary schedules (`ScheduleFile`)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ..._types import Date
from .._paydates import calendar_problem
from ._base import CredentialMatcher, Dated, Origin, Source, Window, _Model, _Rule

__all__ = [
    "BaseIncreaseRule",
    "Deadline",
    "LaneCredit",
    "LaneRule",
    "PayCalendar",
    "SalarySettings",
    "ScheduleFile",
]


class LaneCredit(_Model):
    """How a credential earns `salary_credit` toward lanes.

    Contract clauses (issue 10), each optional:
    - `hours_per_credit: N` ("N hours of non-college work = 1 salary credit"): the measure of
      the credentials this spec matches is pooled in earned order and every full N of it earns
      `amount` credit, credited to the credential that completes the N; the rest stays banked
      toward the next credit (never a fraction of a credit).
    - `prior_approval: true`: a credential counts only when it carries an `approved` date on or
      before its `earned` date (the district approved the course before it was taken); else a
      `prior_approval_missing` warning and nothing toward salary.
    - `max_per_year: X` (an annual cap, in salary credit): at most X credit from this spec per
      year, the year starting on `year_start` (MM-DD; default the school year start), by the
      credential's earned date; the excess is not counted (`salary_credit_capped`).
    - `expires_after_years: N`: credit not used by a lane move within N years of its earned
      date leaves the bank: it cannot complete a move qualifying later, and what is left at
      `as_of` is reported (`salary_credit_expired`), not carried.
    """

    when: CredentialMatcher
    per: Literal["credential", "contact_hours", "semester_credits", "ceus"]
    amount: Dated
    categories: list[str] | None = None
    hours_per_credit: Decimal | None = Field(default=None, gt=0)
    prior_approval: bool = False
    max_per_year: Decimal | None = Field(default=None, gt=0)
    year_start: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    expires_after_years: int | None = Field(default=None, gt=0, le=50)

    @model_validator(mode="after")
    def _clauses(self) -> LaneCredit:
        if self.hours_per_credit is not None and self.per == "credential":
            raise ValueError(
                "hours_per_credit pools a measure: use per: contact_hours, semester_credits "
                "or ceus, not per: credential"
            )
        if self.year_start is not None and self.max_per_year is None:
            raise ValueError("year_start goes with max_per_year (the cap's year)")
        return self


class Deadline(_Model):
    """Documents filed on or before `submitted_by` take effect with `pay`.

    `submitted_by` (MM-DD) is the first such day on or after the school year's start
    (`school_year_start`), so with a 07-01 start "08-10" is in August and "01-10" in the
    following January. A deadline without `submitted_by` catches everything later.

    `pay`:
    - `full_year`: from the first day of the contract year (`first_day`); the whole year's raise;
    - `half_year`: from the first pay date after the deadline; half the annual change this year;
    - `first_pay_period_after`: from the first pay date after filing; the remaining periods' share;
    - `next_school_year`: from the next contract year's first day; nothing this year."""

    submitted_by: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    pay: Literal["full_year", "half_year", "next_school_year", "first_pay_period_after"]


class LaneRule(_Rule):
    """A move from lane `from` to lane `to` when enough salary credit is earned."""

    from_: str = Field(alias="from")
    to: str
    requires: Decimal = Field(gt=0)
    category_minimums: dict[str, Decimal] = Field(default_factory=dict)
    credit: list[LaneCredit]
    evidence_within_days: int | None = Field(default=None, gt=0)
    deadlines: list[Deadline] = Field(default_factory=list)
    #: `lateral` (default): the move keeps the step (a mid-year move gains no step);
    #: `advance`: the move also gains one step, where the schedule has it (issue 10)
    step_on_move: Literal["lateral", "advance"] = "lateral"


class BaseIncreaseRule(_Rule):
    """A permanent addition to the base salary for each qualifying credential."""

    when: CredentialMatcher
    amount: Dated
    max_count: int | None = Field(default=None, ge=0)
    max_total: Decimal | None = Field(default=None, ge=0)
    deadlines: list[Deadline] = Field(default_factory=list)


PayDay = Annotated[int, Field(ge=1, le=31)] | Literal["last"]


class PayCalendar(_Model):
    """The real pay dates of a school year (issue 10).

    - `semi_monthly`: twice a month on `days` (default `[15, last]`), from `first` (MM-DD, the
      school year's first pay date; default `first_pay_date`, else `first_day`), `periods`
      dates (default: every one up to the school year's end);
    - `monthly`: once a month on `days[0]` (default the day of `first`), likewise;
    - `biweekly`: every 14 days from `anchor` (any one real pay date, before or after): the
      dates that fall in the school year (26 or 27);
    - `dates`: the listed dates, per school year (`"2024-25": [2024-07-15, …]`).
    A day past a month's end (30 in February) is that month's last day: never the next month.
    Every date lies in its school year; a calendar that would run past it is a load error."""

    kind: Literal["semi_monthly", "monthly", "biweekly", "dates"]
    days: list[PayDay] | None = None
    first: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    periods: int | None = Field(default=None, gt=0, le=53)
    anchor: Date | None = None
    dates: dict[str, list[Date]] | None = None

    @model_validator(mode="after")
    def _shape(self) -> PayCalendar:
        need = {"biweekly": "anchor", "dates": "dates"}.get(self.kind)
        if need is not None and getattr(self, need) is None:
            raise ValueError(f"a {self.kind} pay calendar needs `{need}`")
        if self.kind == "semi_monthly" and self.days is not None and len(self.days) != 2:
            raise ValueError("a semi_monthly pay calendar has two `days` (e.g. [15, last])")
        if self.kind == "monthly" and self.days is not None and len(self.days) != 1:
            raise ValueError("a monthly pay calendar has one of `days` (e.g. [20] or [last])")
        order = [32 if d == "last" else d for d in self.days or []]
        if order != sorted(set(order)):
            raise ValueError("pay `days` are listed in order within the month, each once")
        for year, listed in (self.dates or {}).items():
            if not _SCHOOL_YEAR.match(year) or int(year[5:]) != (int(year[:4]) + 1) % 100:
                raise ValueError(f"school year {year!r}: write it as YYYY-YY, e.g. 2024-25")
            if listed != sorted(set(listed)):
                raise ValueError(f"the pay dates of {year} repeat or are out of order")
        return self


_SCHOOL_YEAR = re.compile(r"^\d{4}-\d{2}$")


class SalarySettings(_Model):
    """A district's payroll calendar and lane-move policy.

    The school year starts on `school_year_start` (MM-DD, the fiscal year); pay for the
    contract year starts on `first_day`; its pay dates are `pay_calendar` (see `PayCalendar`).
    Without one, the older spelling still reads: `pay_periods` dates from `first_pay_date`
    (24: twice a month on that day and 15 days later, each within its month; 12: monthly on
    that day, within the month; otherwise every 364/N days). Deadlines say when filed documents
    take effect (see `Deadline`). Every pay date lies in its school year: a calendar that would
    run into the next one is a load error (pay summer dates inside the year, or start earlier).
    """

    title: str = "Salary calendar"
    source: Source
    school_year_start: str = Field(default="07-01", pattern=r"^\d{2}-\d{2}$")
    first_day: str = Field(default="07-01", pattern=r"^\d{2}-\d{2}$")
    pay_periods: int = Field(default=24, gt=0, le=53)
    first_pay_date: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    pay_calendar: PayCalendar | None = None
    step_advance: Literal["school_year", "none"] = "school_year"
    max_lanes_per_year: int = Field(default=1, ge=1)
    deadlines: list[Deadline] = Field(default_factory=lambda: [Deadline(pay="next_school_year")])
    missing_submitted: Literal["earned", "not_filed"] = "earned"

    @model_validator(mode="after")
    def _dates_in_school_year(self) -> SalarySettings:
        problem = calendar_problem(self)
        if problem is not None:
            raise ValueError(problem)
        return self


class ScheduleFile(_Model):
    """A salary schedule for one school year: annual amounts by step, one per lane in order."""

    schedule: str = "teachers"
    title: str
    source: Source
    effective: Window
    lanes: list[str]
    steps: dict[int, list[Decimal]]
    example_values: bool = False
    example_steps: list[int] = Field(default_factory=list)
    origin: Origin | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _grid(self) -> ScheduleFile:
        if self.effective.start is None:
            raise ValueError("a schedule needs effective.from")
        if len(set(self.lanes)) != len(self.lanes):
            raise ValueError("lanes repeat")
        return self

    @field_validator("steps")
    @classmethod
    def _cells(
        cls, steps: dict[int, list[Decimal]], info: ValidationInfo
    ) -> dict[int, list[Decimal]]:
        lanes: list[str] = info.data.get("lanes") or []
        bad = [s for s, row in steps.items() if len(row) != len(lanes)]
        if bad:
            raise ValueError(
                f"steps {bad} have a missing or extra cell: each step needs one amount per lane "
                f"({len(lanes)}: {', '.join(lanes)})"
            )
        for s, row in steps.items():
            if any(a < 0 for a in row):
                raise ValueError(f"step {s} has a negative amount")
            for left, right, a, b in zip(lanes, lanes[1:], row, row[1:], strict=False):
                if b < a:
                    raise ValueError(
                        f"lanes out of order: at step {s} lane {right!r} pays {b}, less than "
                        f"{left!r} ({a}); list lanes from lowest to highest pay"
                    )
        return steps

    def amount(self, lane: str, step: int) -> Decimal | None:
        row = self.steps.get(step)
        if row is None or lane not in self.lanes:
            return None
        return row[self.lanes.index(lane)].quantize(Decimal("0.01"))
