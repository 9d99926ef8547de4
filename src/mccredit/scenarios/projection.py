"""One projection of a workforce over the costed years, priced under one set of rules.

Baseline and every proposal share the same people: who leaves and who replaces them is drawn
once from the assumptions' seed (per person and year, independent of the rules), so the
differences between scenarios come only from the rules and scales. Each year:

1. **Exits and replacements** (from the second year on): each person leaves with the flat
   attrition rate, drawn from `sha256(seed, year, person)`; a leaver is replaced (when
   `replace`) by a new hire at `replace_lane` (default: the scale's first lane) and
   `replace_step`.
2. **Steps** advance by one (from the second year on) when `steps: automatic` and the year's
   scale has the next step; `frozen` keeps them.
3. **Lane moves**: each person's pool of salary credit grows by the accrual assumption (from
   the second year on; the first year's pool is the roster's history, below) and the lane rules
   in force that day under the scenario's rules (`mccredit.salary.compile_salary`) move them:
   a rule from the current lane whose credit is counted in hours (`semester_credits`,
   `contact_hours`, `ceus`) moves the person when the pool reaches its `requires`; the move
   consumes `requires` and the rest carries to the next lane, at most `max_lanes_per_year`
   lanes a year (the district's salary settings). Degree lanes (`per: credential`) are not
   projected: nobody is assumed to earn a degree.
   The roster's history: `semester_credits` of the educator's `graduate_course` credentials
   filed (`submitted`, else `earned`) after the placement's `since` date (all of them when it
   has none) join the pool in the year whose pricing day they were filed by, as the engine
   counts only credit filed on or before its `as_of` (a roster can hold credentials filed
   after the first costed day).
4. **Pricing** on the year's scale at `effective` (MM-DD) in the year: the scale in force that
   day under the scenario's rules (a proposal's own scale wins, as in evaluation); where none
   is in force, the latest earlier scale grown by `scale_growth` per year since it took effect
   (each year's cells rounded half-up to the cent), so out-years are never blank. A proposal
   carrying its own scale for a year is therefore costed against the baseline's priced scale.
   Growth compounds year by year, each year's cells rounded to the cent as a published scale
   is, so a proposal carrying exactly the baseline's grown scale for a year costs 0 in every
   later year too.
5. **FTE weighting**: a person's salary is the cell × their weight (`weights`, by educator
   id: FTE × contract days ÷ the scale's days, from the roster; 1 when not given), rounded to
   the cent; a replacement takes the leaver's weight.
6. **Where the change comes from** (from the second year on), for each person who stayed:
   `from_schedule` (last year's cell repriced on this year's scale), `from_step` (the step
   gained, in last year's lane) and `from_lane` (the rest: the lane move), weighted as the
   salary is; they add up exactly to the person's salary change (`from_lane` takes the
   cents of rounding). New hires' pay and leavers' last pay are the turnover.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..errors import InputError, Problem
from ..io.educator import Educator
from ..rules._loader import Jurisdiction
from ..rules._models import LaneRule, ScheduleFile
from ..salary import compile_salary
from .assumptions import Assumptions

__all__ = [
    "PersonYear",
    "PricedScale",
    "ProjectionCache",
    "YearProjection",
    "priced_scale",
    "project",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)
_HOURS = {"semester_credits", "contact_hours", "ceus"}


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


@dataclass
class _State:
    key: str
    educator: str
    lane: str
    step: int
    pool: Decimal
    rate: Decimal
    schedule: str = "teachers"
    hired: int | None = None
    weight: Decimal = Decimal(1)
    last_pay: Decimal | None = None  # last year's cell (unweighted)
    last_salary: Decimal | None = None  # last year's salary (weighted)
    filed: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # history not yet pooled


@dataclass(frozen=True)
class PersonYear:
    key: str
    educator: str
    lane: str
    step: int
    fte: Decimal
    salary: Decimal
    step_cost: Decimal  # what one more step would add on this year's scale (0 at the top)
    lane_from: str | None  # the lane moved from this year, if any
    lane_move_cost: Decimal
    hired: int | None
    from_schedule: Decimal = ZERO  # this year's change for a stayer, in three parts
    from_step: Decimal = ZERO
    from_lane: Decimal = ZERO
    stayed: bool = False  # here last year too (the parts above apply)


@dataclass
class YearProjection:
    year: int
    as_of: dt.date
    scale: PricedScale
    people: list[PersonYear] = field(default_factory=list)


def _draw(seed: int, year: int, key: str) -> float:
    h = hashlib.sha256(f"{seed}:{year}:{key}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


@dataclass
class ProjectionCache:
    """What every scenario of one costing shares, computed once: each person's draw per year
    (who leaves) and each educator's history (credit by filing date, own accrual rate).
    Both depend on the people and the assumptions only, never on the rules."""

    draws: dict[tuple[int, int, str], float] = field(default_factory=dict)
    history: dict[str, tuple[list[tuple[dt.date, Decimal]], Decimal]] = field(default_factory=dict)

    def draw(self, seed: int, year: int, key: str) -> float:
        k = (seed, year, key)
        v = self.draws.get(k)
        if v is None:
            v = self.draws[k] = _draw(seed, year, key)
        return v


def _history(ed: Educator, a: Assumptions) -> tuple[list[tuple[dt.date, Decimal]], Decimal]:
    """(the credit that joins the pool, by filing date; the educator's own yearly rate) from
    the roster's history."""
    since = ed.salary.since if ed.salary else None
    filed_credit: list[tuple[dt.date, Decimal]] = []
    recent = ZERO
    first = dt.date(a.from_year - a.accrual.history_years, 1, 1)
    for c in ed.credentials:
        if c.kind != "graduate_course" or c.semester_credits is None:
            continue
        filed = c.submitted or c.earned
        if since is None or filed > since:
            filed_credit.append((filed, c.semester_credits))
        if c.earned >= first:
            recent += c.semester_credits
    return sorted(filed_credit), recent / a.accrual.history_years


def _start(
    educators: Sequence[Educator],
    a: Assumptions,
    weights: Mapping[str, Decimal],
    cache: ProjectionCache,
) -> list[_State]:
    out = []
    for ed in educators:
        if ed.salary is None:
            continue
        got = cache.history.get(ed.id)
        if got is None:
            got = cache.history[ed.id] = _history(ed, a)
        filed, own = got[0][:], got[1]
        lane = ed.salary.lane
        rate = own if a.accrual.source == "history" else a.accrual.rate(lane)
        st = _State(ed.id, ed.id, lane, ed.salary.step, ZERO, rate, ed.salary.schedule)
        st.filed = filed
        st.weight = weights.get(ed.id, Decimal(1))
        out.append(st)
    return out


def _w(x: Decimal, weight: Decimal) -> Decimal:
    return x if weight == 1 else (x * weight).quantize(CENT, ROUND_HALF_UP)


def _hour_lanes(j: Jurisdiction, day: dt.date) -> tuple[dict[str, list[LaneRule]], int]:
    """The lane rules in force on `day` that count hours, by `from` lane (cheapest first),
    and the most lanes a year."""
    plan = compile_salary(j, day)
    if plan is None:
        return {}, 1
    by_from: dict[str, list[LaneRule]] = {}
    for r in sorted(plan.lanes, key=lambda r: (r.requires, r.id)):
        if any(c.per in _HOURS for c in r.credit):
            by_from.setdefault(r.from_, []).append(r)
    return by_from, (plan.settings.max_lanes_per_year if plan.settings else 1) or 1


def _lane_moves(lanes: tuple[dict[str, list[LaneRule]], int], st: _State) -> str | None:
    by_from, limit = lanes
    moved_from = None
    for _ in range(limit):
        hit = next((r for r in by_from.get(st.lane, ()) if st.pool >= r.requires), None)
        if hit is None:
            break
        moved_from = moved_from or st.lane
        st.pool -= hit.requires
        st.lane = hit.to
    return moved_from


def project(
    j: Jurisdiction,
    educators: Sequence[Educator],
    a: Assumptions,
    *,
    weights: Mapping[str, Decimal] | None = None,
    cache: ProjectionCache | None = None,
) -> list[YearProjection]:
    """Project and price `educators` of `j` over the assumptions' years (see module doc).
    Pass one `cache` to every scenario of a costing (same educators and assumptions)."""
    cache = cache if cache is not None else ProjectionCache()
    states = _start(educators, a, weights or {}, cache)
    mm, dd = (int(x) for x in a.effective.split("-"))
    out: list[YearProjection] = []
    for t, year in enumerate(a.year_list):
        day = dt.date(year, mm, dd)
        scales: dict[str, PricedScale] = {}

        def scale(
            name: str, cache: dict[str, PricedScale] = scales, day: dt.date = day
        ) -> PricedScale:
            if name not in cache:
                cache[name] = priced_scale(j, day, name, a.scale_growth)
            return cache[name]

        if t > 0 and a.attrition.rate > 0:
            nxt: list[_State] = []
            for st in states:
                if cache.draw(a.attrition.seed, year, st.key) >= a.attrition.rate:
                    nxt.append(st)
                elif a.attrition.replace:
                    sc = scale(st.schedule)
                    lane = a.attrition.replace_lane or sc.lanes[0]
                    new = _State(
                        f"{st.key}>{year}",
                        f"new:{st.key}>{year}",
                        lane,
                        a.attrition.replace_step,
                        ZERO,
                        a.accrual.rate(lane),
                        st.schedule,
                        year,
                    )
                    new.weight = st.weight
                    nxt.append(new)
            states = nxt
        lanes = _hour_lanes(j, day)
        yp = YearProjection(year, day, scale("teachers") if states else _empty())
        for st in states:
            sc = scale(st.schedule)
            new_hire = st.hired == year
            prev_lane, prev_step = st.lane, st.step
            if t > 0 and not new_hire:
                if a.steps == "automatic" and sc.amount(st.lane, st.step + 1) is not None:
                    st.step += 1
                st.pool += st.rate
            while st.filed and st.filed[0][0] <= day:
                st.pool += st.filed.pop(0)[1]
            before = st.lane
            moved = _lane_moves(lanes, st)
            pay = sc.amount(st.lane, st.step)
            if pay is None:
                raise InputError(
                    [
                        Problem(
                            type="scenario.no_cell",
                            message=f"{st.educator}: lane {st.lane} step {st.step} is not on "
                            f"{sc.title} ({year})",
                            loc=("roster", st.educator, "salary"),
                        )
                    ]
                )
            up = sc.amount(st.lane, st.step + 1)
            old = sc.amount(before, st.step) if moved else None
            w = st.weight
            salary = _w(pay, w)
            stayed = t > 0 and not new_hire and st.last_pay is not None
            parts = (ZERO, ZERO, ZERO)
            if stayed and st.last_pay is not None and st.last_salary is not None:
                repriced = sc.amount(prev_lane, prev_step)
                repriced = repriced if repriced is not None else st.last_pay
                stepped = sc.amount(prev_lane, st.step)
                stepped = stepped if stepped is not None else repriced
                from_schedule = _w(repriced, w) - st.last_salary
                from_step = _w(stepped, w) - _w(repriced, w)
                parts = (
                    from_schedule,
                    from_step,
                    salary - st.last_salary - from_schedule - from_step,
                )
            st.last_pay, st.last_salary = pay, salary
            yp.people.append(
                PersonYear(
                    st.key,
                    st.educator,
                    st.lane,
                    st.step,
                    w,
                    salary,
                    _w(up - pay, w) if up is not None else ZERO,
                    moved,
                    _w(pay - old, w) if old is not None else ZERO,
                    st.hired,
                    *parts,
                    stayed=stayed,
                )
            )
        out.append(yp)
    return out


def _empty() -> PricedScale:
    return PricedScale("none", (), {(" ", 0): ZERO}, "none", 0)
