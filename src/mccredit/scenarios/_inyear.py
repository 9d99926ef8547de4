"""The in-year share of a lane move: when a move earned in a projected year takes effect and
how much of that school year's pay it changes, by the salary package's calendar.

A move's credit is taken as filed on the assumptions' `lane_filing` day (MM-DD) of the school
year holding the year's pricing day. `salary.Calendar.effective` applies the lane rule's
deadlines (else the district's): the effective date and the pay mode (`full_year`,
`half_year`, `first_pay_period_after`, `next_school_year`), and `Calendar.parts` gives what the
change pays in that school year, exactly as the engine's salary result pays a mid-year change
(`this_year_delta`). The share is that amount over the annual delta, an exact fraction
(num, den); a move effective in a later school year pays nothing in this one. Without
`lane_filing` (or without salary settings) every move pays the whole year. An assumed
degree's move is paid by `rule_share`: the same reckoning for its own rule and filing day
(`assumptions.Degrees.filed`); a degree of the roster's history by `filed_share`, for the day
it was filed.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from ..rules._models import LaneRule
from ..rules._paydates import on_or_after
from ..salary import SalaryPlan, school_year_of
from ..salary._lanes import not_before

__all__ = ["FULL", "filed_share", "in_year", "move_shares", "rule_share"]

FULL = (1, 1)


def move_shares(
    plan: SalaryPlan | None, day: dt.date, filing: str | None
) -> dict[str, tuple[int, int]]:
    """The share (num, den) of the school year holding `day` a move INTO each lane pays, by
    its lane rule (the first rule in force naming that lane); lanes not listed pay in full."""
    if filing is None or plan is None or plan.settings is None or plan.calendar is None:
        return {}
    out: dict[str, tuple[int, int]] = {}
    for rule in plan.lanes:
        if rule.to not in out:
            out[rule.to] = rule_share(plan, day, filing, rule)
    return out


def rule_share(
    plan: SalaryPlan | None, day: dt.date, filing: str, rule: LaneRule
) -> tuple[int, int]:
    """The share (num, den) of the school year holding `day` a move by `rule` pays when its
    credential is filed on `filing` (MM-DD) of that school year (FULL without a calendar)."""
    if plan is None or plan.settings is None or plan.calendar is None:
        return FULL
    return filed_share(plan, day, on_or_after(filing, school_year_of(day, plan.settings)), rule)


def filed_share(
    plan: SalaryPlan | None, day: dt.date, filed: dt.date, rule: LaneRule
) -> tuple[int, int]:
    """The share (num, den) of the school year holding `day` a move by `rule` pays when its
    credential is filed on `filed` (FULL without a calendar; nothing when the rule's
    deadlines put the move in another school year)."""
    if plan is None or plan.settings is None or plan.calendar is None:
        return FULL
    cal, settings = plan.calendar, plan.settings
    sy_now = school_year_of(day, settings)
    den = 2 * len(cal.dates(sy_now))
    eff, mode, sy = cal.effective(not_before(filed, rule), rule.deadlines)
    if sy != sy_now or den == 0:
        return (0, 1) if sy != sy_now else FULL
    # a delta of 2 × pay dates pays an exact integer under every mode
    paid = sum((a for _, _, a in cal.parts(Decimal(den), mode, eff, sy, sy)), Decimal(0))
    return (int(paid), den)


def in_year(delta: Decimal, share: tuple[int, int]) -> Decimal:
    """`delta` times `share`, rounded half-up to the cent."""
    num, den = share
    if num == den:
        return delta
    return (delta * num / den).quantize(Decimal("0.01"), ROUND_HALF_UP)
