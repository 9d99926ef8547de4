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
3. **Credit and lane moves**: credentials the projection carries (graduate courses by
   semester hours, micro-credentials by count; `_credit`) are grouped in classes and each
   class is valued by the scenario's own rules through the engine's gate and the salary
   package (`_credit.Valuer`: the rule's rate and unit, `prior_approval`, evidence windows,
   issuers and catalog codes). From the second year on each person accrues the assumed
   graduate hours (`accrual`, by starting lane, with or without prior approval) and
   micro-credentials (`micro_credentials`, split over categories); the roster's history joins
   in the year whose pricing day it was filed by (the engine counts only credit filed on or
   before its `as_of`; where the year's salary settings say `missing_submitted: not_filed`,
   only credit with a `submitted` date: the rest waits for a year that counts it), lane
   credit only when filed after the placement's `since`. Credit
   goes into the person's pool under the rule moving people from their lane that day (the
   first by `requires`, then id, that credits any class), by category where the rule has
   `category_minimums`; a move needs `requires` in all and each minimum, consumes the
   minimums from their categories and the rest in pool order (uncategorised first, graduate
   hours before micro-credentials), carries the remainder to the next lane, and at most
   `max_lanes_per_year` lanes a year (the district's salary settings). The part of a move's
   cost micro-credentials paid is its cost × their share of the credit it used.
   **Degrees** (only with the assumptions' `degrees`): from the second year on, each person
   starting the year on a lane of `degrees.per_lane` earns the degree with that probability
   (drawn from `sha256(seed, year, "degree:" + person)`, apart from attrition's draw), once,
   as a credential of kind `degree` with the stated code filed on `degrees.filed` of that
   school year. It moves the person by a lane rule from their lane that one such credential
   completes alone (`_credit.Valuer.moved_alone`: the engine's own valuation; of several, the
   higher lane, as the salary package picks between moves completed on one day), and pays the
   share of that year the rule's deadlines give for its filing day (`_inyear.rule_share`).
   It takes one of the year's `max_lanes_per_year`: before the credit's move when filed
   before `lane_filing`, else after it; a degree finding no slot (or no rule from the lane)
   is held and tried first the next year, paying that year in full (the engine defers such a
   move to the next school year). A year's pay is the old cell plus each move's in-year share
   of its step up.
   **Degrees of the roster's history** (credentials of kind `degree`, `Known`): one filed on
   or before the placement's `since` is in the placement already; one filed after it moves
   the person by the rule from their lane one such degree completes alone (its class's own
   valuer, as an assumed degree) in the school year that rule's deadlines (else the
   district's) make it effective for the day it was filed (`Calendar.effective`, as the
   engine's `walk_lanes`), paying that year the share the engine's salary result pays
   (`_inyear.filed_share`). In the first costed year, the moves of earlier school years come
   first, pay the whole year and take none of its slots (at most `max_lanes_per_year` to an
   earlier school year, a later one deferred a year, into this one taking a slot). Otherwise
   a degree takes a slot of the year it lands in: before the credit's move when filed in an
   earlier school year or before the day the year's credit completes that move (the
   roster's by its filing dates, the assumed accrual on `lane_filing`; the same day, when
   the degree's lane is higher: the engine's order), else after it; a move of a later school year
   waits for it, one finding no slot or no rule is tried the next year (then the whole year).
   An educator holding the assumed degree's code is never drawn to earn it (`_State.degreed`).
   Where such a degree can move anyone the columnar path hands the roster on.
4. **Pricing** on the year's scale at `effective` (MM-DD) in the year: the scale in force that
   day under the scenario's rules (a proposal's own scale wins, as in evaluation); where none
   is in force, the latest earlier scale grown by `scale_growth` per year since it took effect
   (each year's cells rounded half-up to the cent), so out-years are never blank. A proposal
   carrying its own scale for a year is therefore costed against the baseline's priced scale.
   Growth compounds year by year, each year's cells rounded to the cent as a published scale
   is, so a proposal carrying exactly the baseline's grown scale for a year costs 0 in every
   later year too.
   Base increases (`base_increases` rules) add, per rule, each counted credential filed by
   that day (all of them: those before `since` are in the placement's pay already) × its
   amount, at most `max_count` credentials and `max_total`, rounded to the cent.
5. **FTE weighting**: a person's salary is the cell × their weight (`weights`, by educator
   id: FTE × contract days ÷ the scale's days, from the roster; 1 when not given), rounded to
   the cent; a replacement takes the leaver's weight.
6. **Where the change comes from** (from the second year on), for each person who stayed:
   `from_schedule` (last year's cell repriced on this year's scale), `from_step` (the step
   gained, in last year's lane), `from_base` (the change in base increases) and `from_lane`
   (the rest: the lane move), weighted as the salary is; they add up exactly to the person's
   salary change (`from_lane` takes the cents of rounding). New hires' pay and leavers'
   last pay are the turnover.
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
from ..rules._models import BaseIncreaseRule, LaneRule
from ..rules._paydates import on_or_after
from ..salary import SalaryPlan, compile_salary, school_year_of
from ..salary._calendar import next_year
from ..salary._lanes import not_before
from ._credit import CreditClass, LaneCredit, Valuer, class_of, degree_class, late_cuts
from ._inyear import FULL, filed_share, in_year, move_shares, rule_share
from ._scales import PricedScale, _empty, priced_scale
from .assumptions import Assumptions

__all__ = [
    "Known",
    "PersonYear",
    "PricedScale",
    "ProjectionCache",
    "YearProjection",
    "priced_scale",
    "project",
    "roster_degrees_move",
]

CENT = Decimal("0.01")
Q4 = Decimal("0.0001")
ZERO = Decimal(0)


@dataclass
class _State:
    key: str
    educator: str
    lane: str
    step: int
    hours: Decimal  # graduate semester hours accrued a year
    schedule: str = "teachers"
    hired: int | None = None
    weight: Decimal = Decimal(1)
    micro: list[tuple[str, Decimal]] = field(default_factory=list)  # (category, a year)
    pool: dict[tuple[str, bool], Decimal] = field(default_factory=dict)
    held: dict[CreditClass, Decimal] = field(default_factory=dict)
    last_cell: Decimal | None = None  # last year's cell (unweighted)
    last_base: Decimal = ZERO  # last year's base increases (unweighted)
    last_salary: Decimal | None = None  # last year's salary (weighted)
    last_full: Decimal | None = None  # last year's salary annualised (a mid-year move in full)
    #: history not yet filed: (filed, class, units, after the placement's `since`)
    filed: list[Filed] = field(default_factory=list)
    degree: int | None = None  # the year an assumed degree was earned, while not yet used
    degreed: bool = False  # earned (or holds from the roster) the assumed degree's code
    #: the roster's degrees the placement does not reflect, not yet moved by (filing order)
    known: list[Known] = field(default_factory=list)


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
    from_schedule: Decimal = ZERO  # this year's change for a stayer, in four parts
    from_step: Decimal = ZERO
    from_lane: Decimal = ZERO
    stayed: bool = False  # here last year too (the parts above apply)
    base: Decimal = ZERO  # base increases in this year's pay (unweighted)
    from_base: Decimal = ZERO
    lane_move_micro_cost: Decimal = ZERO  # the part of lane_move_cost micro-credentials paid
    degree_from: str | None = None  # the lane an assumed degree moved from this year, if any
    roster_degree_from: str | None = None  # the lane a degree of the roster moved from


@dataclass
class YearProjection:
    year: int
    as_of: dt.date
    scale: PricedScale
    people: list[PersonYear] = field(default_factory=list)


def _draw(seed: int, year: int, key: str) -> float:
    h = hashlib.sha256(f"{seed}:{year}:{key}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


#: one credential the projection carries: (filed, class, units, filed after the placement's
#: `since`, `submitted` given)
Filed = tuple[dt.date, CreditClass, Decimal, bool, bool]
History = tuple[list[Filed], Decimal]


@dataclass(frozen=True)
class Known:
    """A degree of the roster's history filed after the placement's `since` (the placement
    reflects those filed by then): the day it was filed (`submitted`, else `earned`, as the
    engine's `salary._credit.Filing` reads it), its class, and whether `submitted` was given
    (a district with `missing_submitted: not_filed` counts only those)."""

    filed: dt.date
    cls: CreditClass
    submitted: bool


#: (the degrees the placement does not reflect, in filing order; every degree code held)
Degreed = tuple[tuple[Known, ...], frozenset[str | None]]


def degrees_of(ed: Educator, cuts: tuple[int, ...]) -> Degreed:
    """The degrees of `ed`'s history (kind `degree`): those filed after the placement's
    `since`, and the codes of all of them (one held is never drawn again by `degrees`)."""
    since = ed.salary.since if ed.salary else None
    out: list[Known] = []
    codes: set[str | None] = set()
    for c in ed.credentials:
        if c.kind != "degree":
            continue
        codes.add(c.code)
        filed = c.submitted or c.earned
        if since is None or filed > since:
            out.append(Known(filed, degree_class(c, cuts), c.submitted is not None))
    out.sort(key=lambda k: (k.filed, _class_order(k.cls)))
    return tuple(out), frozenset(codes)


@dataclass
class ProjectionCache:
    """What every scenario of one costing shares, computed once: each person's draw per year
    (who leaves), each educator's history (credit by filing date, own accrual rate) and the
    value of each credit class under each rule (`_credit.Valuer.shared`). All depend on the
    people, the assumptions and the rules' text only, never on which scenario asks."""

    draws: dict[tuple[int, int, str], float] = field(default_factory=dict)
    history: dict[str, History] = field(default_factory=dict)
    values: dict[tuple[str, CreditClass], tuple[Decimal, tuple[str, ...]]] = field(
        default_factory=dict
    )
    shared: dict[str, object] = field(default_factory=dict)  # the columnar path's
    degrees: dict[str, Degreed] = field(default_factory=dict)  # the roster's (`degrees_of`)

    def degreed(self, ed: Educator, cuts: tuple[int, ...]) -> Degreed:
        got = self.degrees.get(ed.id)
        if got is None:
            got = self.degrees[ed.id] = degrees_of(ed, cuts)
        return got

    def draw(self, seed: int, year: int, key: str) -> float:
        k = (seed, year, key)
        v = self.draws.get(k)
        if v is None:
            v = self.draws[k] = _draw(seed, year, key)
        return v


def _units(x: Decimal) -> Decimal:
    return x.quantize(Q4, ROUND_HALF_UP)


def history_of(ed: Educator, a: Assumptions, cuts: tuple[int, ...]) -> History:
    """(the credentials the projection carries, by filing date: (filed, class, units, filed
    after the placement's `since`, whether `submitted` was given: a district with
    `missing_submitted: not_filed` counts only those, `counted`); the educator's own yearly
    rate of graduate hours) from the roster's history. Units are kept to 4 decimal places."""
    since = ed.salary.since if ed.salary else None
    filed_credit: list[Filed] = []
    recent = ZERO
    first = dt.date(a.from_year - a.accrual.history_years, 1, 1)
    for c in ed.credentials:
        got = class_of(c, cuts)
        if got is None:
            continue
        cls, units = got
        filed = c.submitted or c.earned
        after = since is None or filed > since
        filed_credit.append((filed, cls, _units(units), after, c.submitted is not None))
        if c.kind == "graduate_course" and c.earned >= first:
            recent += units
    filed_credit.sort(key=lambda f: (f[0], _class_order(f[1]), f[2], f[3], f[4]))
    return filed_credit, _units(recent / a.accrual.history_years)


def accrual_classes(a: Assumptions) -> tuple[CreditClass, dict[str, CreditClass]]:
    """The classes of the assumed yearly accrual: graduate hours, and micro-credentials by
    category ("" = none)."""
    hours = CreditClass("graduate_course", None, None, (), a.accrual.approved, 0)
    mc = a.micro_credentials
    micro: dict[str, CreditClass] = {}
    if mc is not None:
        for cat in [*mc.categories, ""]:
            micro[cat] = CreditClass(
                "micro_credential", mc.issuer, mc.code, (cat,) if cat else (), mc.approved, 0
            )
    return hours, micro


def _start(
    educators: Sequence[Educator],
    a: Assumptions,
    weights: Mapping[str, Decimal],
    cache: ProjectionCache,
    cuts: tuple[int, ...],
    movable: frozenset[CreditClass] = frozenset(),
) -> list[_State]:
    out = []
    for ed in educators:
        if ed.salary is None:
            continue
        got = cache.history.get(ed.id)
        if got is None:
            got = cache.history[ed.id] = history_of(ed, a, cuts)
        filed, own = got[0][:], got[1]
        lane = ed.salary.lane
        rate = own if a.accrual.source == "history" else a.accrual.rate(lane)
        st = _State(ed.id, ed.id, lane, ed.salary.step, rate, ed.salary.schedule)
        st.micro = a.micro_credentials.split(lane) if a.micro_credentials else []
        st.filed = filed
        st.weight = weights.get(ed.id, Decimal(1))
        known, codes = cache.degreed(ed, cuts)
        st.known = [k for k in known if k.cls in movable] if movable else []
        # an educator holding the assumed degree's code is never drawn to earn it again
        st.degreed = a.degrees is not None and a.degrees.code in codes
        out.append(st)
    return out


def _w(x: Decimal, weight: Decimal) -> Decimal:
    return x if weight == 1 else (x * weight).quantize(CENT, ROUND_HALF_UP)


def pool_keys(categories: Sequence[str]) -> list[tuple[str, bool]]:
    """The pool's parts in the order a move consumes them: by category ("" first), within
    one graduate hours before micro-credentials."""
    return sorted({(c, m) for c in ("", *categories) for m in (False, True)})


@dataclass
class _Year:
    """One scenario's rules on one pricing day, as the projection asks them."""

    valuer: Valuer
    day: dt.date
    classes: tuple[CreditClass, ...]
    limit: int
    bases: list[tuple[BaseIncreaseRule, Decimal, frozenset[CreditClass]]]

    def lane(self, lane: str) -> LaneCredit | None:
        return self.valuer.lane_credit(self.day, lane)


def _add(y: _Year, st: _State, cls: CreditClass, units: Decimal, pooled: bool) -> None:
    """`units` of `cls` filed: held (base increases count every one), and where `pooled`
    valued into the pool under the rule moving people from the person's lane."""
    if not units:
        return
    st.held[cls] = st.held.get(cls, ZERO) + units
    lc = y.lane(st.lane) if pooled else None
    if lc is None or cls not in lc.values:
        return
    v, cat = lc.values[cls]
    k = (cat, cls.is_micro)
    st.pool[k] = st.pool.get(k, ZERO) + units * v


def _draw_pool(st: _State, keys: Sequence[tuple[str, bool]], amount: Decimal) -> Decimal:
    """Take `amount` from the pool parts `keys` in order; returns the micro-credential part."""
    micro = ZERO
    for k in keys:
        if amount <= 0:
            break
        x = min(st.pool.get(k, ZERO), amount)
        if x > 0:
            st.pool[k] -= x
            amount -= x
            micro += x if k[1] else ZERO
    return micro


def _ready(y: _Year, st: _State, lanes: Sequence[str]) -> LaneRule | None:
    """The rule moving `st` from its lane that its pool completes (`requires` in all and each
    category minimum), else None."""
    lc = y.lane(st.lane)
    if lc is None or lc.rule.to not in lanes:
        return None
    r = lc.rule
    if sum(st.pool.values(), ZERO) < r.requires:
        return None
    by_cat: dict[str, Decimal] = {}
    for (cat, _m), x in st.pool.items():
        by_cat[cat] = by_cat.get(cat, ZERO) + x
    if any(by_cat.get(c, ZERO) < need for c, need in r.category_minimums.items()):
        return None
    return r


def _lane_moves(
    y: _Year, st: _State, lanes: Sequence[str], limit: int
) -> tuple[str | None, Decimal, Decimal, int]:
    """Move `st` up to `limit` lanes; (the lane moved from, credit consumed, of it from
    micro-credentials, the moves made)."""
    moved_from = None
    used = micro = ZERO
    n = 0
    for _ in range(limit):
        r = _ready(y, st, lanes)
        if r is None:
            break
        keys = sorted(st.pool)
        for cat, need in sorted(r.category_minimums.items()):
            micro += _draw_pool(st, [k for k in keys if k[0] == cat], need)
        micro += _draw_pool(st, keys, r.requires - sum(r.category_minimums.values(), ZERO))
        used += r.requires
        moved_from = moved_from or st.lane
        st.lane = r.to
        n += 1
    return moved_from, used, micro, n


def counted(plan: SalaryPlan | None, submitted: bool) -> bool:
    """Whether a credential counts as filed under `plan`: with `submitted` given always, else
    (its `earned` date standing in) unless the district says `missing_submitted: not_filed`
    (the engine's `salary._credit.Filing.filed`)."""
    settings = plan.settings if plan is not None else None
    return submitted or settings is None or settings.missing_submitted != "not_filed"


def _degree_rule(dv: Valuer, day: dt.date, lane: str, lanes: Sequence[str]) -> LaneRule | None:
    """The lane rule a degree moves `lane` by on `day`: of the rules one degree (of `dv`'s
    class) completes alone, the one to the higher lane of the scale (then by id)."""
    rules = [r for r in dv.moved_alone(day, lane) if r.to in lanes]
    if not rules:
        return None
    return min(rules, key=lambda r: (-list(lanes).index(r.to), r.id))


#: a degree's lane move in a year: (from lane, to lane, in-year share, a degree of the roster)
Seg = tuple[str, str, tuple[int, int], bool]


class _Degrees:
    """The degree moves of one scenario, year by year: the assumed degree (`degrees`, drawn
    per person) and the roster's own (`_State.known`), each class valued on a valuer of its
    own (the same plans and values as the pool's, which never sees a degree)."""

    def __init__(self, j: Jurisdiction, valuer: Valuer, cache: ProjectionCache, a: Assumptions):
        deg = a.degrees
        self.deg = deg if deg is not None and any(deg.per_lane.values()) else None
        self.assumed = (
            CreditClass("degree", deg.issuer, deg.code, (), deg.approved, 0)
            if deg is not None
            else None
        )
        self._j, self._valuer, self._cache = j, valuer, cache
        self._by_class: dict[CreditClass, Valuer] = {}
        self._lane_filing = a.lane_filing
        self.plan: SalaryPlan | None = None
        self.day = dt.date.min
        self.sy: dt.date | None = None  # the school year holding the year's pricing day
        self.sy_end = dt.date.max  # the next one's start
        self.credit_day: dt.date | None = None  # the year's lane credit is filed
        self.early = False  # the assumed degree is filed before the year's lane credit

    def valuer(self, cls: CreditClass) -> Valuer:
        v = self._by_class.get(cls)
        if v is None:
            base = self._valuer
            v = self._by_class[cls] = Valuer(
                self._j, self._cache.values, (cls,), base._plans, base._scheds
            )
        return v

    def year(self, plan: SalaryPlan | None, day: dt.date) -> None:
        self.plan, self.day = plan, day
        settings = plan.settings if plan is not None else None
        self.sy = school_year_of(day, settings) if settings is not None else None
        self.sy_end = next_year(self.sy, settings) if self.sy and settings else dt.date.max
        filing = self._lane_filing
        self.credit_day = on_or_after(filing, self.sy) if filing and self.sy else None
        # a degree filed before the year's lane credit moves first (the engine's order)
        self.early = (
            self.deg is not None
            and self.sy is not None
            and self.credit_day is not None
            and on_or_after(self.deg.filed, self.sy) < self.credit_day
        )

    def draw(self, st: _State, year: int, lane: str, cache: ProjectionCache) -> None:
        """Whether `st`, starting `year` on `lane`, earns the assumed degree this year."""
        deg = self.deg
        if deg is None or st.degreed:
            return
        rate = deg.rate(lane)
        if rate and cache.draw(deg.seed, year, f"degree:{st.key}") < rate:
            st.degree, st.degreed = year, True

    def before(
        self,
        st: _State,
        t: int,
        year: int,
        lanes: Sequence[str],
        limit: int,
        done: dt.date | None = None,
        credit_to: str | None = None,
    ) -> tuple[list[Seg], int]:
        """The moves ahead of the year's credit, and how many of them are of earlier school
        years: in the first year, the roster's degrees whose moves took effect before it (no
        slot of this one); then each degree held from an earlier year or filed before the
        year's lane credit, one slot each. A roster degree is filed before the credit when
        it is filed before `done`, the day the credit completed the move from the lane (to
        `credit_to`; the same day, when its move is to a higher lane: the engine's order,
        `walk_lanes`), or when no credit completes one (`done` None)."""
        segs: list[Seg] = []
        if st.known and t == 0:
            self._earlier(st, lanes, limit, segs)
        pre = len(segs)
        if st.degree is not None and (self.early or st.degree < year):
            seg = self._assumed(st, lanes, year)
            if seg is not None:
                segs.append(seg)
        if st.known:
            first = self.sy or dt.date.min
            for k in self._candidates(st):
                if len(segs) - pre >= limit:
                    break
                if k.filed < first or done is None or k.filed < done:
                    self._known(st, k, lanes, segs)
                elif k.filed == done and credit_to is not None:
                    rule = _degree_rule(self.valuer(k.cls), self.day, st.lane, lanes)
                    if rule is not None and lanes.index(rule.to) > lanes.index(credit_to):
                        self._known(st, k, lanes, segs)
        return segs, pre

    def after(self, st: _State, year: int, lanes: Sequence[str], slots: int) -> list[Seg]:
        """The moves after the year's credit, while `slots` of the year's are left: the
        assumed degree not yet moved, then the roster's filed this school year."""
        segs: list[Seg] = []
        if slots > 0 and st.degree is not None:
            seg = self._assumed(st, lanes, year)
            if seg is not None:
                segs.append(seg)
        for k in self._candidates(st) if st.known else ():
            if len(segs) >= slots:
                break
            self._known(st, k, lanes, segs)
        return segs

    def _candidates(self, st: _State) -> list[Known]:
        """The roster's degrees filed by the end of this school year (that count)."""
        return [k for k in st.known if k.filed < self.sy_end and counted(self.plan, k.submitted)]

    def _assumed(self, st: _State, lanes: Sequence[str], year: int) -> Seg | None:
        """Move `st` by its assumed degree where a rule from its lane takes it: paying its
        filing day's share by the rule's deadlines, the whole year for one held from an
        earlier year; None where no rule takes it."""
        assert st.degree is not None and self.deg is not None and self.assumed is not None
        rule = _degree_rule(self.valuer(self.assumed), self.day, st.lane, lanes)
        if rule is None:
            return None
        share = FULL if st.degree < year else rule_share(self.plan, self.day, self.deg.filed, rule)
        seg = (st.lane, rule.to, share, False)
        st.lane, st.degree = rule.to, None
        return seg

    def _landing(self, k: Known, rule: LaneRule) -> dt.date | None:
        """The school year `k`'s move by `rule` takes effect in, by the rule's deadlines (else
        the district's) for the day it was filed (None without a calendar)."""
        plan = self.plan
        if plan is None or plan.calendar is None or self.sy is None:
            return None
        return plan.calendar.effective(not_before(k.filed, rule), rule.deadlines)[2]

    def _known(self, st: _State, k: Known, lanes: Sequence[str], segs: list[Seg]) -> None:
        """Move `st` by the roster's degree `k` this year where a rule from its lane takes it
        and the rule's deadlines put the move in this school year or an earlier one (held
        until now: the whole year); a move of a later school year waits for it."""
        rule = _degree_rule(self.valuer(k.cls), self.day, st.lane, lanes)
        if rule is None:
            return
        sy = self._landing(k, rule)
        if sy is not None and self.sy is not None and sy > self.sy:
            return
        share = FULL if sy != self.sy else filed_share(self.plan, self.day, k.filed, rule)
        segs.append((st.lane, rule.to, share, True))
        st.lane = rule.to
        st.known.remove(k)

    def _earlier(self, st: _State, lanes: Sequence[str], limit: int, segs: list[Seg]) -> None:
        """The roster's degrees whose moves took effect before the first costed school year
        (`salary._lanes.walk_lanes`: in completion order, at most `limit` a school year,
        later ones deferred a year; one deferred into this year takes a slot of it): each
        pays this whole year and takes none of its slots."""
        plan = self.plan
        if plan is None or plan.settings is None or plan.calendar is None or self.sy is None:
            return
        settings, used = plan.settings, dict[dt.date, int]()
        moved = True
        while moved:
            moved = False
            for k in self._candidates(st):
                rule = _degree_rule(self.valuer(k.cls), self.day, st.lane, lanes)
                if rule is None:
                    continue
                sy = self._landing(k, rule) or self.sy
                while sy < self.sy and used.get(sy, 0) >= limit:
                    sy = next_year(sy, settings)
                if sy >= self.sy:
                    continue
                used[sy] = used.get(sy, 0) + 1
                segs.append((st.lane, rule.to, FULL, True))
                st.lane = rule.to
                st.known.remove(k)
                moved = True
                break


def base_amount(
    held: Mapping[CreditClass, Decimal],
    bases: Sequence[tuple[BaseIncreaseRule, Decimal, frozenset[CreditClass]]],
) -> Decimal:
    """The base increases in pay for credentials `held` (units by class, filed by the day):
    per rule, each counting credential × its amount, at most `max_count` of them and
    `max_total` in all; rounded half-up to the cent once."""
    total = ZERO
    for rule, amount, hit in bases:
        n = sum((x for c, x in held.items() if c in hit), ZERO)
        if rule.max_count is not None:
            n = min(n, Decimal(rule.max_count))
        add = n * amount
        if rule.max_total is not None:
            add = min(add, rule.max_total)
        total += add
    return total.quantize(CENT, ROUND_HALF_UP)


def micro_part(cost: Decimal, micro: Decimal, used: Decimal) -> Decimal:
    """The part of a lane move's cost micro-credentials paid: its share of the credit used."""
    if not micro or not used:
        return ZERO
    return (cost * micro / used).quantize(CENT, ROUND_HALF_UP)


def no_cell(educator: str, lane: str, step: int, sc: PricedScale, year: int) -> InputError:
    return InputError(
        [
            Problem(
                type="scenario.no_cell",
                message=f"{educator}: lane {lane} step {step} is not on {sc.title} ({year})",
                loc=("roster", educator, "salary"),
            )
        ]
    )


def project(
    j: Jurisdiction,
    educators: Sequence[Educator],
    a: Assumptions,
    *,
    weights: Mapping[str, Decimal] | None = None,
    cache: ProjectionCache | None = None,
    cuts: tuple[int, ...] | None = None,
) -> list[YearProjection]:
    """Project and price `educators` of `j` over the assumptions' years (see module doc),
    person by person: the reference the columnar path (`_columns.project_columns`) equals.
    Pass one `cache` to every scenario of a costing (same educators and assumptions), and the
    evidence windows of every scenario (`_credit.late_cuts`)."""
    cache = cache if cache is not None else ProjectionCache()
    cuts = late_cuts([j]) if cuts is None else cuts
    movable = movable_degrees(j, educators, a, cache, cuts)
    states = _start(educators, a, weights or {}, cache, cuts, movable)
    hours_cls, micro_cls = accrual_classes(a)
    classes = known_classes(cache, a)
    valuer = Valuer(j, cache.values, classes)
    degrees = _Degrees(j, valuer, cache, a)
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
                        a.accrual.rate(lane),
                        st.schedule,
                        year,
                    )
                    new.micro = a.micro_credentials.split(lane) if a.micro_credentials else []
                    new.weight = st.weight
                    nxt.append(new)
            states = nxt
        plan = compile_salary(j, day)
        limit = (plan.settings.max_lanes_per_year if plan and plan.settings else 1) or 1
        unfiled = not counted(plan, False)
        y = _Year(valuer, day, classes, limit, valuer.base_increases(day))
        shares = move_shares(plan, day, a.lane_filing)
        degrees.year(plan, day)
        yp = YearProjection(year, day, scale("teachers") if states else _empty())
        for st in states:
            sc = scale(st.schedule)
            new_hire = st.hired == year
            prev_lane, prev_step = st.lane, st.step
            on = degrees.credit_day or dt.date.min  # the assumed accrual is filed then
            adds: list[Filed] = []
            if t > 0 and not new_hire:
                if a.steps == "automatic" and sc.amount(st.lane, st.step + 1) is not None:
                    st.step += 1
                adds.append((on, hours_cls, st.hours, True, True))
                adds += [(on, micro_cls[cat], n, True, True) for cat, n in st.micro]
            if unfiled and st.filed:  # what lacks `submitted` waits for a year that counts it
                due = [f for f in st.filed if f[0] <= day and f[4]]
                if due:
                    st.filed = [f for f in st.filed if not (f[0] <= day and f[4])]
                    adds += due
            else:
                while st.filed and st.filed[0][0] <= day:
                    adds.append(st.filed.pop(0))
            # with roster degrees, in filing order: the day the credit completes the move from
            # the lane (`done`); a roster degree filed before it moves first (`_Degrees.before`)
            done = dt.date.min if st.known and _ready(y, st, sc.lanes) else None
            for filed, cls, units, after, _ in sorted(adds, key=_day) if st.known else adds:
                _add(y, st, cls, units, after)
                if done is None and st.known and _ready(y, st, sc.lanes):
                    done = filed
            before = st.lane
            if degrees.deg is not None and t > 0 and not new_hire and not st.degreed:
                degrees.draw(st, year, prev_lane, cache)
            # the degrees' moves this year (`_Degrees`), around the credit's
            segs: list[Seg] = []
            left = y.limit
            if st.degree is not None or st.known:
                ready = _ready(y, st, sc.lanes)
                segs, earlier = degrees.before(
                    st, t, year, sc.lanes, y.limit, done, ready.to if ready else None
                )
                left -= len(segs) - earlier  # the moves of earlier school years take none
            credit_from = st.lane
            moved, used, micro, made = _lane_moves(y, st, sc.lanes, left)
            credit_seg = (credit_from, st.lane)
            if (st.degree is not None or st.known) and made < left:  # a slot is left
                segs += degrees.after(st, year, sc.lanes, left - made)
            cell = sc.amount(st.lane, st.step)
            if cell is None:
                raise no_cell(st.educator, st.lane, st.step, sc, year)
            base = base_amount(st.held, y.bases)
            up = sc.amount(st.lane, st.step + 1)
            old = sc.amount(before, st.step) if moved or segs else None
            # a move pays the in-year share of its raise (`_inyear`), the whole of it later
            if not segs:
                paid = cell if old is None else old + in_year(cell - old, shares.get(st.lane, FULL))
                credit_paid = paid
            else:
                assert old is not None
                credit_paid = old
                if moved:
                    credit_paid += in_year(
                        _cell(sc, st, credit_seg[1], year) - _cell(sc, st, credit_seg[0], year),
                        shares.get(credit_seg[1], FULL),
                    )
                paid = credit_paid
                for d_from, d_to, d_share, _known in segs:
                    paid += in_year(
                        _cell(sc, st, d_to, year) - _cell(sc, st, d_from, year), d_share
                    )
            w = st.weight
            salary = _w(paid + base, w)
            stayed = t > 0 and not new_hire and st.last_cell is not None
            parts = (ZERO, ZERO, ZERO, ZERO)
            if (
                stayed
                and st.last_cell is not None
                and st.last_salary is not None
                and st.last_full is not None
            ):
                repriced = sc.amount(prev_lane, prev_step)
                repriced = repriced if repriced is not None else st.last_cell
                stepped = sc.amount(prev_lane, st.step)
                stepped = stepped if stepped is not None else repriced
                # against last year's annualised pay: the rest of a mid-year move is lane
                from_schedule = _w(repriced + st.last_base, w) - st.last_full
                from_step = _w(stepped + st.last_base, w) - _w(repriced + st.last_base, w)
                from_base = _w(stepped + base, w) - _w(stepped + st.last_base, w)
                parts = (
                    from_schedule,
                    from_step,
                    salary - st.last_salary - from_schedule - from_step - from_base,
                    from_base,
                )
            st.last_cell, st.last_base, st.last_salary = cell, base, salary
            st.last_full = _w(cell + base, w)
            move_cost = _w(paid - old, w) if old is not None else ZERO
            credit_cost = _w(credit_paid - old, w) if old is not None else ZERO
            yp.people.append(
                PersonYear(
                    st.key,
                    st.educator,
                    st.lane,
                    st.step,
                    w,
                    salary,
                    _w(up - cell, w) if up is not None else ZERO,
                    before if moved or segs else None,
                    move_cost,
                    st.hired,
                    parts[0],
                    parts[1],
                    parts[2],
                    stayed=stayed,
                    base=base,
                    from_base=parts[3],
                    lane_move_micro_cost=micro_part(credit_cost, micro, used),
                    degree_from=_first(segs, False) if segs else None,
                    roster_degree_from=_first(segs, True) if segs else None,
                )
            )
        out.append(yp)
    return out


def _day(add: Filed) -> dt.date:
    return add[0]


def _first(segs: Sequence[Seg], roster: bool) -> str | None:
    """The lane the year's first move by an assumed degree (a roster degree) was from."""
    return next((sg[0] for sg in segs if sg[3] is roster), None)


def _cell(sc: PricedScale, st: _State, lane: str, year: int) -> Decimal:
    got = sc.amount(lane, st.step)
    if got is None:
        raise no_cell(st.educator, lane, st.step, sc, year)
    return got


def roster_degrees_move(
    j: Jurisdiction,
    educators: Sequence[Educator],
    a: Assumptions,
    cache: ProjectionCache,
    cuts: tuple[int, ...],
) -> bool:
    """Whether a degree of the roster's history that a placement does not reflect (`Known`)
    is one a lane rule of `j` moves someone by alone (`movable_degrees`)."""
    return bool(movable_degrees(j, educators, a, cache, cuts))


def movable_degrees(
    j: Jurisdiction,
    educators: Sequence[Educator],
    a: Assumptions,
    cache: ProjectionCache,
    cuts: tuple[int, ...],
) -> frozenset[CreditClass]:
    """The classes of the roster's degrees the placements do not reflect (`Known`) that a lane
    rule of `j` moves someone by alone, from some lane on some costed year's pricing day
    (valued by the engine on one valuer of every such class, batched); the others never move
    anyone, so the projection does not carry them."""
    classes = cache.shared.get("roster-degrees")  # the people are the costing's: once
    if not isinstance(classes, tuple):
        found = {k.cls for ed in educators if ed.salary for k in cache.degreed(ed, cuts)[0]}
        classes = cache.shared["roster-degrees"] = tuple(sorted(found, key=_class_order))
    if not classes:
        return frozenset()
    v = Valuer(j, cache.values, classes)
    mm, dd = (int(x) for x in a.effective.split("-"))
    froms = sorted({r.from_ for r in j.lanes})
    out: set[CreditClass] = set()
    for y in a.year_list:
        for lane in froms:
            for _, hit in v.alone(dt.date(y, mm, dd), lane):
                out |= hit
    return frozenset(out)


def known_classes(cache: ProjectionCache, a: Assumptions) -> tuple[CreditClass, ...]:
    """Every credit class of the costing: the roster's history (already read into `cache`)
    and the assumed accrual, in one order."""
    hours, micro = accrual_classes(a)
    seen = {hours, *micro.values()}
    for filed, _ in cache.history.values():
        seen.update(f[1] for f in filed)
    return tuple(sorted(seen, key=_class_order))


def _class_order(c: CreditClass) -> tuple[object, ...]:
    return (c.kind, c.issuer or "", c.code or "", c.categories, c.approved, c.late)
