"""Pricing: each lane move and base increase priced on the schedule in force when it takes
effect, and the educator's new rate.

- The step advances by one at each school-year start crossed between `as_of` and the effective
  date (when the district's `step_advance` is `school_year` and the schedule has that step).
- `this_year_delta` is what a change adds to the school year holding `as_of` (0 when it takes
  effect in a later year); `periods` lists that year's parts (or the first year's, when later);
  `retro` is the sum of the parts whose pay dates are on or before `as_of` (paid at the old
  rate), across years when the change took effect in an earlier one.
- When several changes happen (a lane move and base increases), `new_annual` is the rate after
  all of them, `effective_date` the date the last takes effect, and `this_year_delta` / `retro`
  their sums; `changes` lists each one.
- Unpriced (issue 10): when no schedule is in force on the day a change takes effect (or on the
  day the new rate is read), the change is listed with `unpriced: true`, its `unpriced_reason`
  and no figure (`annual_delta: null`); the result then has `unpriced: true`,
  `new_annual: null` and `annual_delta: null`: never a `"0.00"` that reads as "no raise".
  `this_year_delta` / `retro` stay known where they are (a change starting in a later school
  year adds 0.00 to this one; one starting after `as_of` owes no retro), else they are null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..ledger import cite
from ..result import PayPeriod, Salary, SalaryChange, SalaryStep, Warning, WarningCode
from ..rules._paydates import mmdd, school_year_of
from ._calendar import ZERO, first_day, money
from ._increases import BaseIncrease, Increases
from ._lanes import LaneMove, Lanes
from ._placement import Placement, SalaryPlan, schedule_problem

__all__ = ["change_parts", "change_totals", "price", "step_at"]

_NOTHING = money(ZERO)


def step_at(
    step: int,
    as_of: dt.date,
    when: dt.date,
    sp: SalaryPlan,
    warnings: list[Warning],
    schedule: str,
) -> int:
    """The step on `when`: `step` plus one for each school-year start crossed after `as_of`
    (where the district advances steps and the schedule then has the step)."""
    assert sp.settings is not None
    if sp.settings.step_advance != "school_year" or when <= as_of:
        return step
    crossed = 0
    sy = school_year_of(as_of, sp.settings)
    while True:
        sy = mmdd(sp.settings.school_year_start, sy.year + 1)
        if sy > when:
            break
        crossed += 1
    if crossed == 0:
        return step
    sched = sp.schedule_on(when, schedule)
    target = step + crossed
    if sched is None:
        return target  # no schedule then: the caller reports the change as unpriced
    if target not in sched.steps:
        warnings.append(
            Warning.of(WarningCode.TOP_STEP, target=target, schedule=sched.title, step=step)
        )
        return step
    return target


def change_parts(
    sp: SalaryPlan, delta: Decimal, mode: str, effective: dt.date, school_year: dt.date
) -> list[tuple[dt.date, dt.date, Decimal]]:
    """(school year, pay date, amount) of a change of `delta` a year taking effect on
    `effective` in the school year starting `school_year`, through the school year holding
    `as_of`. A change that took effect in an earlier school year is in force all through this
    one (earlier years are not recomputed here)."""
    assert sp.settings is not None and sp.calendar is not None
    current = school_year_of(sp.as_of, sp.settings)
    if school_year < current:
        return sp.calendar.parts(
            delta, "full_year", first_day(current, sp.settings), current, current
        )
    return sp.calendar.parts(delta, mode, effective, school_year, max(current, school_year))


def change_totals(
    parts: list[tuple[dt.date, dt.date, Decimal]], current: dt.date, as_of: dt.date
) -> tuple[Decimal, Decimal]:
    """(what the parts add to the school year starting `current`, the retro owed on `as_of`:
    the parts paid on or before it)."""
    this_year = money(sum((a for y, _, a in parts if y == current), ZERO))
    retro = money(sum((a for _, d, a in parts if d <= as_of), ZERO))
    return this_year, retro


def _sum_or_none(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of money amounts, or None when any is unknown (None)."""
    total = ZERO
    for v in values:
        if v is None:
            return None
        total += v
    return money(total)


def price(
    sp: SalaryPlan,
    placement: Placement,
    schedule: str,
    lanes: Lanes,
    incs: Increases,
    warnings: list[Warning],
) -> Salary:
    """The salary result: the placement's pay and every change priced (or listed unpriced)."""
    assert sp.settings is not None and sp.calendar is not None
    settings, cal, as_of = sp.settings, sp.calendar, sp.as_of
    sched_now = placement.schedule
    current = school_year_of(as_of, settings)
    annual = money(placement.base + incs.already)
    trace = [placement.trace]
    fields: dict[str, Any] = {
        "schedule": sched_now.schedule,
        "schedule_title": sched_now.title,
        "lane": placement.lane,
        "step": placement.step,
        "annual": annual,
        "pay_periods": len(cal.dates(current)),
    }
    if not lanes.moves and not incs.pending:
        return Salary(
            **fields,
            new_lane=None,
            new_step=None,
            new_annual=None,
            annual_delta=_NOTHING,
            effective_date=None,
            this_year_delta=_NOTHING,
            retro=_NOTHING,
            unpriced=False,
            changes=[],
            trace=trace,
        )
    events: list[tuple[str, dt.date, LaneMove | BaseIncrease]] = sorted(
        [("lane", m.effective, m) for m in lanes.moves]
        + [("base", i.effective, i) for i in incs.pending],
        key=lambda t: (t[1], t[0]),
    )
    last_eff = max(e[1] for e in events)
    price_day = max(last_eff, as_of)  # the rate after every change, in the year it is paid
    sched_new = sp.schedule_on(price_day, schedule)
    base_added = ZERO
    cur_lane = placement.lane
    unpriced: list[str] = []
    changes: list[SalaryChange] = []
    gained = 0  # steps gained by lane moves whose rule says `step_on_move: advance`
    for _kind, eff, ev in events:
        earlier = ev.school_year < current  # took effect in an earlier school year
        day = as_of if earlier else eff
        sched = sp.schedule_on(day, schedule)
        step = step_at(placement.step, as_of, day, sp, [], schedule) + gained
        rule = ev.rule
        head = cite(rule)
        if isinstance(ev, LaneMove):
            label = f"lane {ev.from_lane} → {ev.to_lane}"
            kind = {
                "kind": "lane_move",
                "from_lane": ev.from_lane,
                "to_lane": ev.to_lane,
                "step_on_move": ev.rule.step_on_move,
            }
        else:
            label = f"base increase for {ev.credential}"
            kind = {"kind": "base_increase", "credential": ev.credential}
        head.update(kind, filed=ev.filed, effective_date=eff, pay=ev.mode)
        if sched is None:
            reason = f"no {schedule!r} schedule is in force on {day}"
            unpriced.append(reason)
            warnings.append(
                Warning.of(
                    WarningCode.NO_SCHEDULE,
                    rule=rule.id,
                    schedule=schedule,
                    jurisdiction=sp.jurisdiction.id,
                    day=day,
                    outcome=f"{label} takes effect then and is listed unpriced, with no "
                    "annual figure",
                )
            )
            if isinstance(ev, LaneMove):
                cur_lane = ev.to_lane
                gained += 1 if ev.rule.step_on_move == "advance" else 0
            # what is known without a price: a change that starts in a later school year adds
            # nothing to this one, and one that starts after `as_of` owes no retro
            changes.append(
                SalaryChange(
                    **head,
                    annual_delta=None,
                    this_year_delta=_NOTHING if ev.school_year > current else None,
                    retro=_NOTHING if eff > as_of else None,
                    periods=[],
                    unpriced=True,
                    unpriced_reason=reason,
                )
            )
            continue
        if isinstance(ev, LaneMove):
            to_step = step
            if ev.rule.step_on_move == "advance":
                if step + 1 in sched.steps:
                    to_step, gained = step + 1, gained + 1
                else:
                    warnings.append(
                        Warning.of(
                            WarningCode.TOP_STEP, target=step + 1, schedule=sched.title, step=step
                        )
                    )
            old = sched.amount(cur_lane, step)
            new = sched.amount(ev.to_lane, to_step)
            if old is None or new is None:
                raise schedule_problem(sched, ev.to_lane, to_step, ev.to_lane not in sched.lanes)
            delta = new - old
            cur_lane = ev.to_lane
        else:
            delta = ev.amount
            base_added += delta
        parts = change_parts(sp, delta, ev.mode, eff, ev.school_year)
        this_year, retro = change_totals(parts, current, as_of)
        if earlier:
            warnings.append(
                Warning.of(
                    WarningCode.RETRO_EARLIER_YEARS,
                    rule=rule.id,
                    label=label,
                    effective=eff,
                    schedule=sched.title,
                    school_year=f"{current.year}-{str(current.year + 1)[2:]}",
                )
            )
        this_sy = current if current >= ev.school_year else ev.school_year
        changes.append(
            SalaryChange(
                **head,
                annual_delta=money(delta),
                this_year_delta=this_year,
                retro=retro,
                periods=[PayPeriod(date=d, amount=a) for y, d, a in parts if y == this_sy],
            )
        )
        trace.append(
            SalaryStep(
                what=label,
                detail=f"filed {ev.filed}, pay {ev.mode} from {eff}: "
                f"+{money(delta)} a year, +{this_year} this school year, {retro} retro",
                **cite(rule),
            )
        )
    new_step = step_at(placement.step, as_of, price_day, sp, warnings, schedule) + gained
    if sched_new is not None and new_step not in sched_new.steps:
        warnings.append(
            Warning.of(
                WarningCode.TOP_STEP,
                target=new_step,
                schedule=sched_new.title,
                step=new_step - gained,
            )
        )
        new_step -= gained
    if sched_new is None and not unpriced:
        unpriced.append(f"no {schedule!r} schedule is in force on {price_day}")
    changed: dict[str, Any] = {
        "new_lane": lanes.lane,
        "new_step": new_step,
        "effective_date": last_eff,
        "this_year_delta": _sum_or_none(c.this_year_delta for c in changes),
        "retro": _sum_or_none(c.retro for c in changes),
        "changes": changes,
        "trace": trace,
    }
    if unpriced:
        # no annual figure: neither the new rate nor the delta is known (never "0.00")
        return Salary(
            **fields,
            **changed,
            new_annual=None,
            annual_delta=None,
            unpriced=True,
            unpriced_reason="; ".join(dict.fromkeys(unpriced)),
        )
    assert sched_new is not None
    new_base = sched_new.amount(lanes.lane, new_step)
    if new_base is None:
        raise schedule_problem(sched_new, lanes.lane, new_step, lanes.lane not in sched_new.lanes)
    new_annual = money(new_base + incs.already + base_added)
    return Salary(
        **fields,
        **changed,
        new_annual=new_annual,
        annual_delta=money(new_annual - annual),
        unpriced=False,
    )
