"""Salary placement and change: schedules, lane moves, base increases, effective dates, pay.

Semantics (each written down because payroll depends on it):
- `annual` is the educator's placement (lane, step) in the schedule in force on `as_of`,
  plus any permanent base increases already in pay (credentials filed on or before the
  placement's `since` date). A lane or step the schedule lacks is an `InputError`, never a guess.
- Salary credit: each lane rule says which credentials earn how much `salary_credit`. Only
  credentials filed (`submitted`) on or before `as_of` and after the placement's `since` date
  count; a credential used by one lane move is consumed and never counts again (the ledger
  records `consumed_by`); a part left over carries to the next lane.
- Lane moves walk from the current lane, at most `max_lanes_per_year` a year; the move
  qualifies on the filing date of the credential that completed it.
- Effective date and pay follow the district's deadlines (`Deadline`). In the school year it
  takes effect, a change pays the whole annual delta (`full_year`, `next_school_year`), half of
  it (`half_year`), or the share of that year's pay dates on or after the effective date
  (`first_pay_period_after`); later years pay it in full.
  Each year's amount is split over its pay dates from the effective date: each period gets the
  amount divided by the number of periods, rounded half-up to the cent, and the LAST period
  takes the remainder, so the parts sum exactly to the whole.
  `this_year_delta` is what the change adds to the school year holding `as_of` (0 when it takes
  effect in a later year); `periods` lists that year's parts (or the first year's, when later);
  `retro` is the sum of the parts whose pay dates are on or before `as_of` (paid at the old
  rate), across years when the change took effect in an earlier one.
- The step advances by one at each school-year start crossed between `as_of` and the effective
  date (when the district's `step_advance` is `school_year` and the schedule has that step).
- When several changes happen (a lane move and base increases), `new_annual` is the rate after
  all of them, `effective_date` the date the last takes effect, and `this_year_delta` / `retro`
  their sums; `changes` lists each one.
- Unpriced (issue 10): when no schedule is in force on the day a change takes effect (or on the
  day the new rate is read), the change is listed with `unpriced: true`, its `unpriced_reason`
  and no figure (`annual_delta: null`); the document then has `unpriced: true`,
  `new_annual: null` and `annual_delta: null`: never a `"0.00"` that reads as "no raise".
  `this_year_delta` / `retro` stay known where they are (a change starting in a later school
  year adds 0.00 to this one; one starting after `as_of` owes no retro), else they are null.
- Pay dates come from the district's pay calendar (`rules._paydates`): real dates within each
  month and school year; the share paid in a first year is counted against that year's dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import Any

from ..errors import InputError, Problem
from ..io.educator import Educator
from ..ledger import LedgerEntry, allocate, cite
from ..result import Salary, Warning, WarningCode
from ..rules._loader import Jurisdiction
from ..rules._models import (
    BaseIncreaseRule,
    Deadline,
    LaneCredit,
    LaneRule,
    SalarySettings,
    ScheduleFile,
)
from ..rules._paydates import mmdd, on_or_after, pay_dates, school_year_of

__all__ = [
    "SalaryPlan",
    "compile_salary",
    "evaluate_salary",
    "pay_dates",
    "school_year_of",
    "split_amount",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


_mmdd = mmdd


def first_day(sy_start: dt.date, settings: SalarySettings) -> dt.date:
    return on_or_after(settings.first_day, sy_start)


def split_amount(total: Decimal, periods: int) -> list[Decimal]:
    """Split `total` into `periods` cent amounts: each `total / periods` rounded half-up, the
    last period taking the remainder, so the parts always sum exactly to `total`."""
    if periods <= 0:
        return []
    total = _money(total)
    each = _money(total / periods)
    parts = [each] * (periods - 1)
    parts.append(total - each * (periods - 1))
    return parts


@dataclass(frozen=True)
class SalaryPlan:
    jurisdiction: Jurisdiction
    as_of: dt.date
    settings: SalarySettings | None
    schedules: tuple[ScheduleFile, ...]
    lanes: tuple[LaneRule, ...]
    base_increases: tuple[tuple[BaseIncreaseRule, Decimal], ...]
    lane_rates: dict[tuple[str, int], Decimal]

    def schedule_on(self, day: dt.date, name: str) -> ScheduleFile | None:
        found = [
            (s.effective.start or dt.date.min, i, s)
            for i, s in enumerate(self.schedules)
            if s.schedule == name and s.effective.contains(day)
        ]
        # the latest start wins; on a tie the one added later (a proposal's scale)
        return max(found, key=lambda f: (f[0], f[1]))[2] if found else None


def compile_salary(j: Jurisdiction, as_of: dt.date) -> SalaryPlan | None:
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
    )


@dataclass
class _Credit:
    facts: Any
    filed: dt.date
    amount: Decimal
    categories: tuple[str, ...]
    rule: LaneRule
    spec: LaneCredit
    basis: str
    #: the last day the credit stays in the bank (`expires_after_years`), else None
    until: dt.date | None = None
    notes: tuple[str, ...] = ()


def _warn(
    what: WarningCode,
    /,
    *,
    credential: str | None = None,
    rule: str | None = None,
    **params: object,
) -> Warning:
    """A warning: its code, what it is about, and the code's message filled with `params`."""
    return Warning.of(what, credential=credential, rule=rule, **params)


def _input_error(loc: tuple[str | int, ...], message: str, **kw: Any) -> InputError:
    return InputError([Problem(type="educator.salary", message=message, loc=loc, **kw)])


def _measure(facts: Any, per: str) -> Decimal | None:
    if per == "credential":
        return Decimal(1)
    if per == "contact_hours":
        v: Decimal | None = facts.contact_hours
        return v
    got: Decimal | None = getattr(facts.cred, per)
    return got


class _Calendar:
    def __init__(self, settings: SalarySettings, where: str = "") -> None:
        self.s = settings
        self.where = where

    def dates(self, sy: dt.date) -> list[dt.date]:
        return pay_dates(sy, self.s, where=self.where)

    def effective(
        self, filed: dt.date, deadlines: Sequence[Deadline]
    ) -> tuple[dt.date, str, dt.date]:
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
            nxt = school_year_of(_mmdd(self.s.school_year_start, sy.year + 1), self.s)
            return first_day(nxt, self.s), d.pay, nxt
        nxt = school_year_of(_mmdd(self.s.school_year_start, sy.year + 1), self.s)
        return first_day(nxt, self.s), "next_school_year", nxt

    def _first_pay_after(self, day: dt.date, sy: dt.date) -> dt.date:
        for p in self.dates(sy):
            if p > day:
                return p
        nxt = school_year_of(_mmdd(self.s.school_year_start, sy.year + 1), self.s)
        return self.dates(nxt)[0]

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
            every = self.dates(year)
            n = len(every)
            dates = [p for p in every if p >= effective]
            if dates:
                if year != sy or mode in ("full_year", "next_school_year"):
                    amount = _money(delta)
                elif mode == "half_year":
                    amount = _money(delta / 2)
                else:
                    amount = _money(delta * len(dates) / n)
                out.extend(
                    (year, d, a)
                    for d, a in zip(dates, split_amount(amount, len(dates)), strict=True)
                )
            year = _mmdd(self.s.school_year_start, year.year + 1)
        return out


def _sched_problem(sched: ScheduleFile, lane: str, step: int, loc_lane: bool) -> InputError:
    where = f"{sched.origin.path}" if sched.origin else sched.title
    if loc_lane:
        return _input_error(
            ("salary", "lane"),
            f"lane {lane!r} is not in schedule {sched.schedule!r} ({where})",
            expected=", ".join(sched.lanes),
            got=repr(lane),
        )
    steps = sorted(sched.steps)
    return _input_error(
        ("salary", "step"),
        f"step {step} is not in schedule {sched.schedule!r} ({where}); nothing is guessed",
        expected=f"one of {steps[0]}..{steps[-1]}" if steps else "a step the schedule has",
        got=str(step),
    )


def evaluate_salary(
    sp: SalaryPlan, ed: Educator, eligible: list[Any]
) -> tuple[Salary | None, list[LedgerEntry], list[Warning], set[str]]:
    """Salary placement and change for one educator.

    Returns (salary result or None, salary ledger entries, warnings (each once), ids of
    credentials the salary rules matched)."""
    doc, entries, warnings, used = _evaluate_salary(sp, ed, eligible)
    # the steps below assemble the salary part as JSON-shaped data; it is typed here, once
    salary = None if doc is None else Salary.model_validate(doc)
    return salary, entries, list(dict.fromkeys(warnings)), used


def _evaluate_salary(
    sp: SalaryPlan, ed: Educator, eligible: list[Any]
) -> tuple[dict[str, Any] | None, list[LedgerEntry], list[Warning], set[str]]:
    warnings: list[Warning] = []
    used_ids: set[str] = set()
    if ed.salary is None:
        if sp.schedules:
            warnings.append(_warn(WarningCode.NO_PLACEMENT, jurisdiction=sp.jurisdiction.id))
        return None, [], warnings, used_ids
    if sp.settings is None:
        warnings.append(_warn(WarningCode.NO_SALARY_CALENDAR, jurisdiction=sp.jurisdiction.id))
        return None, [], warnings, used_ids
    as_of = sp.as_of
    place = ed.salary
    cal = _Calendar(sp.settings, sp.jurisdiction.id)
    sched_now = sp.schedule_on(as_of, place.schedule)
    if sched_now is None:
        warnings.append(
            _warn(
                WarningCode.NO_SCHEDULE,
                schedule=place.schedule,
                jurisdiction=sp.jurisdiction.id,
                day=as_of,
                outcome="salary not evaluated",
            )
        )
        return None, [], warnings, used_ids
    if place.lane not in sched_now.lanes:
        raise _sched_problem(sched_now, place.lane, place.step, True)
    base_now = sched_now.amount(place.lane, place.step)
    if base_now is None:
        raise _sched_problem(sched_now, place.lane, place.step, False)
    trace: list[dict[str, Any]] = [
        {
            "what": "placement",
            "detail": f"lane {place.lane} step {place.step} in {sched_now.title}: {base_now}"
            + (
                " (example value, not sourced)"
                if sched_now.example_values or place.step in sched_now.example_steps
                else ""
            ),
            "rule": None,
            "source": sched_now.source.cite(),
            "file": sched_now.origin.path if sched_now.origin else None,
            "line": 1,
        }
    ]
    entries: list[LedgerEntry] = []
    since = place.since
    warned_missing: set[str] = set()

    def filed_date(f: Any) -> dt.date | None:
        cred = f.cred
        if cred.submitted is not None:
            return cred.submitted  # type: ignore[no-any-return]
        if sp.settings is not None and sp.settings.missing_submitted == "not_filed":
            return None
        if cred.id not in warned_missing:
            warned_missing.add(cred.id)
            warnings.append(_warn(WarningCode.SUBMITTED_MISSING, credential=cred.id))
        return cred.earned  # type: ignore[no-any-return]

    def counts(f: Any, rule: Any, evidence_days: int | None) -> dt.date | None:
        filed = filed_date(f)
        if filed is None or filed > as_of:
            return None
        if since is not None and filed <= since:
            return None
        if evidence_days is not None and (filed - f.cred.earned).days > evidence_days:
            warnings.append(
                _warn(
                    WarningCode.EVIDENCE_LATE,
                    credential=f.cred.id,
                    rule=rule.id,
                    days=(filed - f.cred.earned).days,
                    limit=evidence_days,
                )
            )
            return None
        return filed

    # a clause that refuses or caps a credential's salary credit says so once per credential,
    # however many lane rules weigh it
    said: set[tuple[str, str | None]] = set()

    def once(w: Warning) -> None:
        key = (w.code.value, w.credential)
        if key not in said:
            said.add(key)
            warnings.append(w)

    # --- lane moves -------------------------------------------------------------------------
    consumed: dict[str, Decimal] = {}
    last_move: dict[str, str] = {}
    lane = place.lane
    moves: list[dict[str, Any]] = []
    lane_order = sched_now.lanes
    max_moves = sp.settings.max_lanes_per_year
    while True:
        options = [r for r in sp.lanes if r.from_ == lane]
        best: tuple[LaneRule, list[_Credit], dt.date, list[tuple[str, str, Decimal]]] | None = None
        for rule in options if len(moves) < len(sp.lanes) else []:
            if rule.to not in lane_order:
                warnings.append(
                    _warn(
                        WarningCode.LANE_UNKNOWN,
                        rule=rule.id,
                        lane=rule.to,
                        schedule=sched_now.title,
                    )
                )
                continue
            credits = _credits_for(rule, eligible, sp, counts, consumed, used_ids, once)
            got = _qualify(rule, credits)
            if got is None:
                continue
            taken, alloc = got
            when = max(c.filed for c in taken)
            # the move completed first comes first; on the same day, the higher lane
            if best is None or (when, -lane_order.index(rule.to)) < (
                best[2],
                -lane_order.index(best[0].to),
            ):
                best = (rule, taken, when, alloc)
        if best is None:
            # the credit still available toward the next lane, each credential once
            # (options from the current lane first, then any lane rule that counts it)
            listed: set[str] = set()
            for rule in [*options, *(r for r in sp.lanes if r not in options)]:
                for c in _credits_for(rule, eligible, sp, counts, consumed, used_ids, once):
                    cid = c.facts.cred.id
                    if cid in listed:
                        continue
                    listed.add(cid)
                    if c.until is not None and c.until < as_of:
                        spec = c.spec
                        once(
                            _warn(
                                WarningCode.SALARY_CREDIT_EXPIRED,
                                credential=cid,
                                rule=rule.id,
                                amount=c.amount,
                                until=c.until,
                                years=spec.expires_after_years,
                            )
                        )
                        continue
                    note = (
                        f"left over after {last_move[cid]}; carries to the next lane"
                        if cid in last_move
                        else "available toward a lane"
                    )
                    entries.append(_entry(c, c.amount, None, note=note))
            break
        rule, taken, when, alloc = best
        move_id = f"lane:{rule.from_}->{rule.to}"
        for c, use in _consume(rule, taken, alloc):
            consumed[c.facts.cred.id] = consumed.get(c.facts.cred.id, ZERO) + use
            last_move[c.facts.cred.id] = move_id
            entries.append(_entry(c, use, move_id))
        # a policy pays nothing before it exists: filed earlier counts as filed on its start
        eff, mode, sy = cal.effective(_not_before(when, rule), rule.deadlines)
        # at most `max_lanes_per_year` moves take effect in one school year: later ones wait
        while sum(1 for m in moves if m["sy"] == sy) >= max_moves:
            sy = school_year_of(_mmdd(sp.settings.school_year_start, sy.year + 1), sp.settings)
            eff, mode = max(first_day(sy, sp.settings), eff), "next_school_year"
            warnings.append(
                _warn(
                    WarningCode.LANE_DEFERRED,
                    rule=rule.id,
                    most=max_moves,
                    from_lane=rule.from_,
                    to_lane=rule.to,
                    effective=eff,
                )
            )
        moves.append(
            {
                "rule": rule,
                "from": lane,
                "to": rule.to,
                "filed": when,
                "effective": eff,
                "mode": mode,
                "sy": sy,
                "alloc": alloc,
            }
        )
        lane = rule.to

    # --- permanent base increases ------------------------------------------------------------
    incs: list[dict[str, Any]] = []
    already = ZERO
    for inc_rule, amount in sp.base_increases:
        count = 0
        total = ZERO
        for f in sorted(eligible, key=lambda f: (f.cred.earned, f.cred.id)):
            if not inc_rule.when.test(f.get):
                continue
            used_ids.add(f.cred.id)
            filed = filed_date(f)
            if filed is None or filed > as_of:
                continue
            if inc_rule.max_count is not None and count >= inc_rule.max_count:
                warnings.append(
                    _warn(
                        WarningCode.BASE_INCREASE_CAPPED,
                        credential=f.cred.id,
                        rule=inc_rule.id,
                        most=inc_rule.max_count,
                    )
                )
                continue
            add = amount
            if inc_rule.max_total is not None and total + add > inc_rule.max_total:
                add = max(ZERO, inc_rule.max_total - total)
            if add <= 0:
                continue
            count += 1
            total += add
            origin = inc_rule.origin
            entry = LedgerEntry(
                credential=f.cred.id,
                unit="salary_base",
                amount=_money(add),
                rule=inc_rule.id,
                title=inc_rule.title,
                source=inc_rule.source.cite(),
                file=origin.path if origin else "",
                line=origin.line if origin else 0,
                date=filed,
                basis=f"1 credential × {amount} a year",
                kind="salary",
                categories=f.categories,
            )
            if since is not None and filed <= since:
                already += _money(add)
                entry.consumed_by = "placement"
                entry.notes.append("already in the base pay of the placement")
            else:
                eff, mode, sy = cal.effective(_not_before(filed, inc_rule), inc_rule.deadlines)
                incs.append(
                    {
                        "rule": inc_rule,
                        "amount": _money(add),
                        "filed": filed,
                        "effective": eff,
                        "mode": mode,
                        "sy": sy,
                        "credential": f.cred.id,
                    }
                )
                entry.consumed_by = f"base_increase:{f.cred.id}"
            entries.append(entry)

    annual = _money(base_now + already)
    doc: dict[str, Any] = {
        "schedule": sched_now.schedule,
        "schedule_title": sched_now.title,
        "lane": place.lane,
        "step": place.step,
        "annual": str(annual),
        "new_lane": None,
        "new_step": None,
        "new_annual": None,
        "annual_delta": "0.00",
        "effective_date": None,
        "this_year_delta": "0.00",
        "retro": "0.00",
        "pay_periods": len(cal.dates(school_year_of(as_of, sp.settings))),
        "unpriced": False,
        "changes": [],
        "trace": trace,
    }
    if not moves and not incs:
        return doc, entries, warnings, used_ids

    # --- price the changes -------------------------------------------------------------------
    changes: list[dict[str, Any]] = []
    current = school_year_of(as_of, sp.settings)
    events = sorted(
        [("lane", m["effective"], m) for m in moves] + [("base", i["effective"], i) for i in incs],
        key=lambda t: (t[1], t[0]),
    )
    last_eff = max(e[1] for e in events)
    price_day = max(last_eff, as_of)  # the rate after every change, in the year it is paid
    sched_new = sp.schedule_on(price_day, place.schedule)
    base_added = ZERO
    final_lane = lane
    cur_lane = place.lane
    unpriced: list[str] = []
    gained = 0  # steps gained by lane moves whose rule says `step_on_move: advance`
    for kind, eff, ev in events:
        earlier = ev["sy"] < current  # took effect in an earlier school year
        day = as_of if earlier else eff
        sched = sp.schedule_on(day, place.schedule)
        step = _step_at(place.step, as_of, day, sp, [], place.schedule) + gained
        rule = ev["rule"]
        if kind == "lane":
            label = f"lane {ev['from']} → {ev['to']}"
            extra: dict[str, Any] = {
                "from_lane": ev["from"],
                "to_lane": ev["to"],
                "step_on_move": rule.step_on_move,
            }
        else:
            label = f"base increase for {ev['credential']}"
            extra = {"credential": ev["credential"]}
        head = {
            "kind": "lane_move" if kind == "lane" else "base_increase",
            **extra,
            **cite(rule),
            "filed": ev["filed"].isoformat(),
            "effective_date": eff.isoformat(),
            "pay": ev["mode"],
        }
        if sched is None:
            reason = f"no {place.schedule!r} schedule is in force on {day}"
            unpriced.append(reason)
            warnings.append(
                _warn(
                    WarningCode.NO_SCHEDULE,
                    rule=rule.id,
                    schedule=place.schedule,
                    jurisdiction=sp.jurisdiction.id,
                    day=day,
                    outcome=f"{label} takes effect then and is listed unpriced, with no "
                    "annual figure",
                )
            )
            if kind == "lane":
                cur_lane = ev["to"]
                gained += 1 if rule.step_on_move == "advance" else 0
            # what is known without a price: a change that starts in a later school year adds
            # nothing to this one, and one that starts after `as_of` owes no retro
            changes.append(
                {
                    **head,
                    "annual_delta": None,
                    "this_year_delta": "0.00" if ev["sy"] > current else None,
                    "retro": "0.00" if eff > as_of else None,
                    "periods": [],
                    "unpriced": True,
                    "unpriced_reason": reason,
                }
            )
            continue
        if kind == "lane":
            to_step = step
            if rule.step_on_move == "advance":
                if step + 1 in sched.steps:
                    to_step, gained = step + 1, gained + 1
                else:
                    warnings.append(
                        _warn(
                            WarningCode.TOP_STEP, target=step + 1, schedule=sched.title, step=step
                        )
                    )
            old = sched.amount(cur_lane, step)
            new = sched.amount(ev["to"], to_step)
            if old is None or new is None:
                raise _sched_problem(sched, ev["to"], to_step, ev["to"] not in sched.lanes)
            delta = new - old
            cur_lane = ev["to"]
        else:
            delta = ev["amount"]
            base_added += delta
        if earlier:
            # in force all through this school year; earlier years are not recomputed here
            parts = cal.parts(delta, "full_year", first_day(current, sp.settings), current, current)
            warnings.append(
                _warn(
                    WarningCode.RETRO_EARLIER_YEARS,
                    rule=rule.id,
                    label=label,
                    effective=eff,
                    schedule=sched.title,
                    school_year=f"{current.year}-{str(current.year + 1)[2:]}",
                )
            )
        else:
            parts = cal.parts(delta, ev["mode"], eff, ev["sy"], max(current, ev["sy"]))
        this_sy = current if current >= ev["sy"] else ev["sy"]
        shown = [(d, a) for y, d, a in parts if y == this_sy]
        this_year = _money(sum((a for y, _, a in parts if y == current), ZERO))
        retro = sum((a for _, d, a in parts if d <= as_of), ZERO)
        changes.append(
            {
                **head,
                "annual_delta": str(_money(delta)),
                "this_year_delta": str(this_year),
                "retro": str(_money(retro)),
                "periods": [{"date": d.isoformat(), "amount": str(a)} for d, a in shown],
            }
        )
        trace.append(
            {
                "what": label,
                "detail": f"filed {ev['filed']}, pay {ev['mode']} from {eff}: "
                f"+{_money(delta)} a year, +{this_year} this school year, {_money(retro)} retro",
                **cite(rule),
            }
        )
    new_step = _step_at(place.step, as_of, price_day, sp, warnings, place.schedule) + gained
    if sched_new is not None and new_step not in sched_new.steps:
        warnings.append(
            _warn(
                WarningCode.TOP_STEP,
                target=new_step,
                schedule=sched_new.title,
                step=new_step - gained,
            )
        )
        new_step -= gained
    doc.update(
        {
            "new_lane": final_lane,
            "new_step": new_step,
            "effective_date": last_eff.isoformat(),
            "this_year_delta": _sum_or_none(c["this_year_delta"] for c in changes),
            "retro": _sum_or_none(c["retro"] for c in changes),
            "changes": changes,
        }
    )
    if sched_new is None and not unpriced:
        unpriced.append(f"no {place.schedule!r} schedule is in force on {price_day}")
    if unpriced:
        # no annual figure: neither the new rate nor the delta is known (never "0.00")
        doc.update(
            {
                "new_annual": None,
                "annual_delta": None,
                "unpriced": True,
                "unpriced_reason": "; ".join(dict.fromkeys(unpriced)),
            }
        )
        return doc, entries, warnings, used_ids
    assert sched_new is not None
    new_base = sched_new.amount(final_lane, new_step)
    if new_base is None:
        raise _sched_problem(sched_new, final_lane, new_step, final_lane not in sched_new.lanes)
    new_annual = _money(new_base + already + base_added)
    doc.update({"new_annual": str(new_annual), "annual_delta": str(_money(new_annual - annual))})
    return doc, entries, warnings, used_ids


def _sum_or_none(values: Any) -> str | None:
    """The sum of money strings, or None when any is unknown (None)."""
    total = ZERO
    for v in values:
        if v is None:
            return None
        total += Decimal(v)
    return str(_money(total))


def _step_at(
    step: int,
    as_of: dt.date,
    when: dt.date,
    sp: SalaryPlan,
    warnings: list[Warning],
    schedule: str,
) -> int:
    assert sp.settings is not None
    if sp.settings.step_advance != "school_year" or when <= as_of:
        return step
    crossed = 0
    sy = school_year_of(as_of, sp.settings)
    while True:
        sy = _mmdd(sp.settings.school_year_start, sy.year + 1)
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
        warnings.append(_warn(WarningCode.TOP_STEP, target=target, schedule=sched.title, step=step))
        return step
    return target


# credentials in the order lane credit considers them: earned date, then id
_EARNED_ID = attrgetter("cred.earned", "cred.id")


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # Feb 29 in a common year
        return day.replace(year=day.year + years, day=28)


def _credits_for(
    rule: LaneRule,
    eligible: list[Any],
    sp: SalaryPlan,
    counts: Any,
    consumed: dict[str, Decimal],
    used_ids: set[str],
    warn: Any = None,
) -> list[_Credit]:
    """The salary credit each credential still offers `rule`, in filing order.

    A credential is credited by the first credit spec that matches it, with the spec's clauses
    applied in this order: filed and evidence (`counts`), prior approval, pooled hours
    (`hours_per_credit`), the annual cap (`max_per_year`), then what earlier moves consumed.
    The pool and the cap run over every counting credential in (earned, id) order, consumed or
    not, so each call gives each credential the same credit."""
    out: list[_Credit] = []
    # a spec's matcher never matches a credential of a kind it does not name: skip the call
    specs = [
        (k, spec, spec.when.kinds, spec.when.check, sp.lane_rates.get((rule.id, k)))
        for k, spec in enumerate(rule.credit)
    ]
    pools: dict[int, Decimal] = {}
    capped: dict[tuple[int, dt.date], Decimal] = {}
    for f in sorted(eligible, key=_EARNED_ID):
        get, kind = f.get, f.cred.kind
        for k, spec, kinds, check, rate in specs:
            if (kinds is not None and kind not in kinds) or not check(get):
                continue
            used_ids.add(f.cred.id)
            measure = _measure(f, spec.per)
            if rate is None or measure is None:
                continue
            filed = counts(f, rule, rule.evidence_within_days)
            if filed is None:
                break
            cid = f.cred.id
            if spec.prior_approval and (f.cred.approved is None or f.cred.approved > f.cred.earned):
                if warn is not None:
                    found = (
                        "no `approved` date"
                        if f.cred.approved is None
                        else f"an approval dated {f.cred.approved}, after it was earned "
                        f"({f.cred.earned})"
                    )
                    warn(
                        _warn(
                            WarningCode.PRIOR_APPROVAL_MISSING,
                            credential=cid,
                            rule=rule.id,
                            found=found,
                        )
                    )
                break
            notes: list[str] = []
            unit = spec.per.replace("_", " ")
            if spec.hours_per_credit is not None:
                n = spec.hours_per_credit
                before = pools.get(k, ZERO)
                pools[k] = before + measure
                blocks = int((before + measure) // n) - int(before // n)
                full = blocks * rate
                banked = (before + measure) % n
                basis = (
                    f"{measure} {unit} pooled ({before % n} banked before): every {n} = "
                    f"{rate} credit, {blocks} full; {banked} banked toward the next"
                )
            else:
                full = measure * rate
                basis = (
                    f"1 credential × {rate}"
                    if spec.per == "credential"
                    else f"{measure} {unit} × {rate}"
                )
            if spec.max_per_year is not None and full > 0:
                assert sp.settings is not None
                year = _cap_year(f.cred.earned, spec.year_start or sp.settings.school_year_start)
                room = max(ZERO, spec.max_per_year - capped.get((k, year), ZERO))
                if full > room:
                    note = (
                        f"capped: {room} of {full} counted (at most {spec.max_per_year} a year "
                        f"from {year}; {full - room} over the cap)"
                    )
                    notes.append(note)
                    if warn is not None:
                        warn(
                            _warn(
                                WarningCode.SALARY_CREDIT_CAPPED,
                                credential=cid,
                                rule=rule.id,
                                most=spec.max_per_year,
                                year=year,
                                over=full - room,
                                full=full,
                            )
                        )
                    full = room
                capped[(k, year)] = capped.get((k, year), ZERO) + full
            amount = full - consumed.get(cid, ZERO)
            if amount > 0:
                cats = tuple(spec.categories) if spec.categories is not None else f.categories
                until = (
                    _plus_years(f.cred.earned, spec.expires_after_years)
                    if spec.expires_after_years is not None
                    else None
                )
                out.append(_Credit(f, filed, amount, cats, rule, spec, basis, until, tuple(notes)))
            break
    out.sort(key=lambda c: (c.filed, c.facts.cred.earned, c.facts.cred.id))
    return out


def _cap_year(day: dt.date, start: str) -> dt.date:
    """The start of the cap year (from `start`, MM-DD) holding `day`."""
    first = _mmdd(start, day.year)
    return first if day >= first else _mmdd(start, day.year - 1)


def _qualify(
    rule: LaneRule, credits: list[_Credit]
) -> tuple[list[_Credit], list[tuple[str, str, Decimal]]] | None:
    """The earliest-filed prefix of credits that meets the rule, with its category allocation;
    credit that has left the bank (`until` before the day the prefix completes) is skipped."""
    for i, last in enumerate(credits):
        prefix = [c for c in credits[: i + 1] if c.until is None or c.until >= last.filed]
        if sum((c.amount for c in prefix), ZERO) < rule.requires:
            continue
        if not rule.category_minimums:
            return prefix, []
        items = [(str(j), x.amount, x.categories) for j, x in enumerate(prefix)]
        alloc = allocate(items, rule.category_minimums, [], Decimal("0.01"))
        filled: dict[str, Decimal] = {}
        for _key, cat, amt in alloc:
            filled[cat] = filled.get(cat, ZERO) + amt
        if all(filled.get(cat, ZERO) >= need for cat, need in rule.category_minimums.items()):
            return prefix, alloc
    return None


def _not_before(day: dt.date, rule: Any) -> dt.date:
    start = rule.effective.start if rule.effective is not None else None
    return max(day, start) if start is not None else day


def _consume(
    rule: LaneRule, taken: list[_Credit], alloc: list[tuple[str, str, Decimal]]
) -> list[tuple[_Credit, Decimal]]:
    """How much of each credit a move uses: what the category allocation placed, then the
    earliest-filed remainder up to `requires`; anything beyond stays available."""
    used = [ZERO] * len(taken)
    for key, _cat, amount in alloc:
        used[int(key)] += amount
    need = rule.requires - sum(used, ZERO)
    for i, c in enumerate(taken):
        if need <= 0:
            break
        take = min(c.amount - used[i], need)
        used[i] += take
        need -= take
    return [(c, u) for c, u in zip(taken, used, strict=True) if u > 0]


def _entry(
    c: _Credit, amount: Decimal, consumed_by: str | None, note: str | None = None
) -> LedgerEntry:
    rule = c.rule
    origin = rule.origin
    e = LedgerEntry(
        credential=c.facts.cred.id,
        unit="salary_credit",
        amount=amount,
        rule=rule.id,
        title=rule.title,
        source=rule.source.cite(),
        file=origin.path if origin else "",
        line=origin.line if origin else 0,
        date=c.filed,
        basis=c.basis,
        kind="salary",
        categories=c.categories,
        consumed_by=consumed_by,
    )
    e.notes.extend(c.notes)
    if note:
        e.notes.append(note)
    return e
