"""Real pay dates: the dates a district's pay calendar (`PayCalendar`) gives a school year.

A pure function of the settings and the school year's start, shared by the salary step (which
splits a change over the dates) and the rule loader (which refuses a calendar whose dates would
leave the school year). A day past a month's end (the 30th in February) is that month's last
day, never a day of the next month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from ..errors import Problem, RuleError

if TYPE_CHECKING:
    from ._models import PayCalendar, SalarySettings

__all__ = [
    "calendar_problem",
    "mmdd",
    "next_school_year",
    "on_or_after",
    "pay_dates",
    "school_year_label",
    "school_year_of",
]


def mmdd(text: str, year: int) -> dt.date:
    """`MM-DD` in `year` (02-29 in a common year is 02-28)."""
    month, day = (int(p) for p in text.split("-"))
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def school_year_of(day: dt.date, settings: SalarySettings) -> dt.date:
    """The start (fiscal) date of the school year holding `day`."""
    start = mmdd(settings.school_year_start, day.year)
    return start if day >= start else mmdd(settings.school_year_start, day.year - 1)


def next_school_year(sy: dt.date, settings: SalarySettings) -> dt.date:
    return mmdd(settings.school_year_start, sy.year + 1)


def on_or_after(text: str, start: dt.date) -> dt.date:
    """The first `MM-DD` on or after `start`."""
    d = mmdd(text, start.year)
    return d if d >= start else mmdd(text, start.year + 1)


def school_year_label(sy: dt.date) -> str:
    """`2024-25` for the school year starting in 2024."""
    return f"{sy.year}-{(sy.year + 1) % 100:02d}"


def _day(year: int, month: int, day: int | str) -> dt.date:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, last if day == "last" else min(int(day), last))


def _effective_calendar(s: SalarySettings) -> tuple[str, PayCalendar | None, str, int | None]:
    """(kind, calendar or None for the older spelling, first MM-DD, periods)."""
    first = s.first_pay_date or s.first_day
    cal = s.pay_calendar
    if cal is not None:
        return cal.kind, cal, cal.first or first, cal.periods
    kind = {24: "semi_monthly", 12: "monthly"}.get(s.pay_periods, "spaced")
    return kind, None, first, s.pay_periods


def pay_dates(sy: dt.date, s: SalarySettings, *, where: str = "") -> list[dt.date]:
    """The pay dates of the school year starting `sy`, in order."""
    kind, cal, first_text, periods = _effective_calendar(s)
    end = next_school_year(sy, s)
    if kind == "dates":
        assert cal is not None and cal.dates is not None
        label = school_year_label(sy)
        if label not in cal.dates:
            raise RuleError(
                [
                    Problem(
                        type="salary.no_pay_dates",
                        message=f"{where or 'the'} pay calendar lists no pay dates for school "
                        f"year {label}; add them under pay_calendar.dates (nothing is guessed)",
                        loc=("salary", "pay_calendar", "dates"),
                        expected="a list of pay dates for " + label,
                        got=", ".join(sorted(cal.dates)) or "none",
                    )
                ]
            )
        return list(cal.dates[label])
    if kind == "biweekly":
        assert cal is not None and cal.anchor is not None
        k = -((cal.anchor - sy).days // 14)  # ceil((sy - anchor) / 14)
        out = []
        d = cal.anchor + dt.timedelta(days=14 * k)
        while d < end:
            out.append(d)
            d += dt.timedelta(days=14)
        return out
    start = on_or_after(first_text, sy)
    if kind == "spaced":
        n = periods or 1
        return [start + dt.timedelta(days=(364 // n) * k) for k in range(n)]
    if cal is not None and cal.days is not None:
        days: list[int | str] = list(cal.days)
    elif kind == "semi_monthly":
        # the older spelling: on the first pay date's day and 15 days later, within the month;
        # an explicit calendar defaults to the 15th and the last day
        days = [15, "last"] if cal is not None else [start.day, start.day + 15]
    else:
        days = [start.day]
    out = []
    y, m = start.year, start.month
    while True:
        for day in days:
            d = _day(y, m, day)
            if d < start:
                continue
            if periods is None and d >= end:
                return out
            out.append(d)
            if periods is not None and len(out) == periods:
                return out
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def calendar_problem(s: SalarySettings) -> str | None:
    """Why the calendar's dates would not lie in their school year, or None when they do."""
    kind, cal, _first, _periods = _effective_calendar(s)
    if kind == "dates":
        assert cal is not None and cal.dates is not None
        for label, listed in cal.dates.items():
            sy = mmdd(s.school_year_start, int(label[:4]))
            end = next_school_year(sy, s)
            bad = [d for d in listed if not sy <= d < end]
            if bad:
                return (
                    f"pay date {bad[0]} is not in school year {label} "
                    f"({sy} to {end - dt.timedelta(days=1)})"
                )
        return None
    for year in (2023, 2024):  # a common and a leap February: the shape repeats
        sy = mmdd(s.school_year_start, year)
        end = next_school_year(sy, s)
        dates = pay_dates(sy, s)
        if not dates:
            return f"the pay calendar gives school year {school_year_label(sy)} no pay dates"
        late = [d for d in dates if d >= end]
        if late:
            return (
                f"the pay calendar runs past its school year: in {school_year_label(sy)} "
                f"({sy} to {end - dt.timedelta(days=1)}) it pays on {late[0]}"
                f"{f' and {len(late) - 1} more date(s)' if len(late) > 1 else ''}; "
                "pay fewer periods, start earlier, or list the dates (pay_calendar)"
            )
        if len(set(dates)) != len(dates):
            return f"the pay calendar pays twice on one day in {school_year_label(sy)}"
    return None
