"""The payroll calendar: money to the cent, effective dates from the district's deadlines, and
a change split over the real pay dates of each school year it is paid in.

- Effective date and pay follow the district's deadlines (`Deadline`). In the school year it
  takes effect, a change pays the whole annual delta (`full_year`, `next_school_year`), half of
  it (`half_year`), or the share of that year's pay dates on or after the effective date
  (`first_pay_period_after`); later years pay it in full.
- Each year's amount is split over its pay dates from the effective date: each period gets the
  amount divided by the number of periods, rounded half-up to the cent, and the LAST period
  takes the remainder, so the parts sum exactly to the whole (`split_amount`).
- Pay dates come from the district's pay calendar (`rules._paydates`): real dates within each
  month and school year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from ..result._models import PayMode
from ..rules._models import Deadline, SalarySettings
from ..rules._paydates import mmdd, on_or_after, pay_dates, school_year_of

__all__ = [
    "CENT",
    "ZERO",
    "Calendar",
    "first_day",
    "money",
    "next_year",
    "plus_years",
    "split_amount",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)


def money(x: Decimal) -> Decimal:
    """`x` rounded half-up to the cent."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def split_amount(total: Decimal, periods: int) -> list[Decimal]:
    """Split `total` into `periods` cent amounts: each `total / periods` rounded half-up, the
    last period taking the remainder, so the parts always sum exactly to `total`."""
    if periods <= 0:
        return []
    total = money(total)
    each = money(total / periods)
    parts = [each] * (periods - 1)
    parts.append(total - each * (periods - 1))
    return parts


def first_day(sy_start: dt.date, settings: SalarySettings) -> dt.date:
    """The first contract day of the school year starting `sy_start`."""
    return on_or_after(settings.first_day, sy_start)


def next_year(sy: dt.date, settings: SalarySettings) -> dt.date:
    """The start of the school year after the one starting `sy`."""
    return school_year_of(mmdd(settings.school_year_start, sy.year + 1), settings)


def plus_years(day: dt.date, years: int) -> dt.date:
    """`day` `years` later (Feb 29 in a common year is Feb 28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # Feb 29 in a common year
        return day.replace(year=day.year + years, day=28)


class Calendar:
    """A district's pay dates and deadlines (`SalarySettings`); `where` names the district in
    errors."""

    def __init__(self, settings: SalarySettings, where: str = "") -> None:
        self.s = settings
        self.where = where
        self._cache: dict[dt.date, tuple[dt.date, ...]] = {}

    def _dates(self, sy: dt.date) -> tuple[dt.date, ...]:
        got = self._cache.get(sy)
        if got is None:
            got = self._cache[sy] = tuple(pay_dates(sy, self.s, where=self.where))
        return got

    def dates(self, sy: dt.date) -> list[dt.date]:
        """The pay dates of the school year starting `sy`."""
        return list(self._dates(sy))

    def effective(
        self, filed: dt.date, deadlines: Sequence[Deadline]
    ) -> tuple[dt.date, PayMode, dt.date]:
        """(effective date, pay mode, start of the school year whose pay changes)."""
        sy = school_year_of(filed, self.s)
        for d in deadlines or self.s.deadlines:
            if d.submitted_by is not None and filed > on_or_after(d.submitted_by, sy):
                continue
            if d.pay == "full_year":
                return max(first_day(sy, self.s), filed), d.pay, sy
            if d.pay == "half_year":
                cut = on_or_after(d.submitted_by, sy) if d.submitted_by else filed
                return self._first_pay_after(cut, sy), d.pay, sy
            if d.pay == "first_pay_period_after":
                return self._first_pay_after(filed, sy), d.pay, sy
            nxt = next_year(sy, self.s)
            return first_day(nxt, self.s), d.pay, nxt
        nxt = next_year(sy, self.s)
        return first_day(nxt, self.s), "next_school_year", nxt

    def _first_pay_after(self, day: dt.date, sy: dt.date) -> dt.date:
        for p in self._dates(sy):
            if p > day:
                return p
        return self._dates(next_year(sy, self.s))[0]

    def parts(
        self, delta: Decimal, mode: str, effective: dt.date, sy: dt.date, through: dt.date
    ) -> list[tuple[dt.date, dt.date, Decimal]]:
        """(school year, pay date, amount) from `effective` through the school year starting
        `through`. In its first school year the change pays the whole `delta` (`full_year`,
        `next_school_year`: from the contract year's first day), half of it (`half_year`), or
        the share of the year's pay dates on and after the effective date
        (`first_pay_period_after`); every later year pays `delta` in full. Each year's amount
        is split with `split_amount`."""
        out: list[tuple[dt.date, dt.date, Decimal]] = []
        year = sy
        while year <= through:
            every = self._dates(year)
            n = len(every)
            dates = [p for p in every if p >= effective]
            if dates:
                if year != sy or mode in ("full_year", "next_school_year"):
                    amount = money(delta)
                elif mode == "half_year":
                    amount = money(delta / 2)
                else:
                    amount = money(delta * len(dates) / n)
                out.extend(
                    (year, d, a)
                    for d, a in zip(dates, split_amount(amount, len(dates)), strict=True)
                )
            year = mmdd(self.s.school_year_start, year.year + 1)
        return out
