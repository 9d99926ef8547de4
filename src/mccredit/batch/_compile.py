"""Compile a `Plan` into columnar (polars) operations.

What compiles:
* `when` matchers over credential, educator and license fields → boolean expressions: each
  operator's polars half, written beside its Python predicate in the one table
  (`rules/_fields.py`), over the roster column the table names for the field;
* award amounts → `measure × rate`, `max_per_credential`, then the unit's `Rounder`
  (increment and mode), all in integer arithmetic: measures are scaled by 10^4, rates by the
  least common denominator of the rule's values, and rounding is integer division with the
  declared mode, so every amount equals the `Decimal` engine's;
* evaluation tables, requirement and advancement amounts, cap limits → scaled integers.

What does not (the runner evaluates those educators one by one with `evaluate_plan`):
category allocations only a solver's choice decides (`_categories`), stacks that may
complete, caps that bind (salary: see `_salary`). `ColumnarPlan.reason` says when nothing at
all can be vectorised for a plan (e.g. a rate below zero, an amount finer than its unit's
increment).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache, reduce
from typing import Any

import polars as pl

from ..engine._plan import CompiledAward, Plan
from ..evaluation import EvaluationPlan
from ..rules._fields import FIELDS, OPERATORS, ColumnRef
from ..rules._matchers import Matcher
from ._columns import SCALE

__all__ = ["AwardOp", "ColumnarPlan", "Unsupported", "compile_columnar", "matcher_expr"]


class Unsupported(Exception):
    """A part of a plan the columnar path does not compile."""


def matcher_expr(m: Matcher, context: str) -> pl.Expr:
    """A boolean polars expression with the semantics of `Matcher.test`: each operator's
    polars half from the one table (`rules._fields.OPERATORS`), over the roster column the
    table names for the field (`Unsupported` where it names none)."""
    op = m.op
    if op == "true":
        return pl.lit(True)
    if op in ("all", "any"):
        kids = [matcher_expr(c, context) for c in m.children]
        return reduce(lambda a, b: a & b, kids) if op == "all" else reduce(lambda a, b: a | b, kids)
    if op == "not":
        return ~matcher_expr(m.children[0], context)
    spec = FIELDS[context].get(m.field or "")
    if op != "field" or spec is None or spec.column is None:
        raise Unsupported(f"matcher {op} on {m.field!r}")
    column = ColumnRef(pl.col(spec.column), spec.type, SCALE)
    return OPERATORS[m.cmp or "eq"].expr(column, m.value)


def matcher_fields(m: Matcher) -> set[str]:
    """The fields a matcher reads."""
    out = {m.field} if m.field is not None else set()
    for c in m.children:
        out |= matcher_fields(c)
    return out


def _digits(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


@dataclass(frozen=True)
class Rounding:
    """A unit's Rounder as integers: amount (scaled 10^scale) = round(raw / inc) × step."""

    scale: int
    inc: Fraction
    mode: str
    step: int  # inc × 10^scale

    @classmethod
    def of(cls, plan: Plan, unit: str) -> Rounding:
        r = plan.rounders.get(unit)
        if r is None:
            raise Unsupported(f"unit {unit!r} has no definition")
        mode = {
            "ROUND_HALF_UP": "half_up",
            "ROUND_DOWN": "down",
            "ROUND_UP": "up",
            "ROUND_HALF_EVEN": "half_even",
        }[r.mode]
        scale = _digits(r.places) if r.places < 1 else 0
        inc = Fraction(r.inc)
        step = inc * 10**scale
        if step.denominator != 1:
            raise Unsupported(f"unit {unit!r}: increment finer than its places")
        return cls(scale=scale, inc=inc, mode=mode, step=int(step))

    def exact(self, d: Decimal) -> int | None:
        f = Fraction(d) * 10**self.scale
        return int(f) if f.denominator == 1 else None


def round_div(n: pl.Expr, d: int, mode: str) -> pl.Expr:
    """round(n / d) for n >= 0, d > 0 with a Decimal rounding mode, in integers."""
    if mode == "down":
        return n // d
    if mode == "up":
        return (n + (d - 1)) // d
    if mode == "half_up":
        return (2 * n + d) // (2 * d)
    q, r = n // d, n % d
    return pl.when(2 * r > d).then(q + 1).when(2 * r == d).then(q + (q % 2)).otherwise(q)


@dataclass(frozen=True)
class AwardOp:
    """One award rule as columnar operations."""

    ca: CompiledAward
    kinds: tuple[str, ...]
    when: pl.Expr
    measure: str | None  # column; None = per credential
    rate: int  # numerator over `den`
    audited_rate: int | None
    den: int  # rates are x / den; raw = measure_scaled × rate / (SCALE × den)
    cap: int | None  # max_per_credential as raw numerator
    rounding: Rounding

    def amount(self) -> pl.Expr:
        # 64-bit integers when the largest measure the roster allows (10^12, scaled) cannot
        # overflow them through the rounding step; 128-bit otherwise
        inc = self.rounding.inc
        top = 10**12 * max(self.rate, self.audited_rate or 0) * inc.denominator * 2 + (
            SCALE * self.den * inc.numerator * 2
        )
        it = pl.Int64 if top < 2**62 else pl.Int128
        m = pl.lit(SCALE, it) if self.measure is None else pl.col(self.measure).cast(it)
        rate: pl.Expr = pl.lit(self.rate, it)
        if self.audited_rate is not None:
            rate = pl.when(pl.col("audited")).then(pl.lit(self.audited_rate, it)).otherwise(rate)
        raw = m * rate
        if self.cap is not None:
            raw = pl.min_horizontal(raw, pl.lit(self.cap, it))
        steps = round_div(
            raw * inc.denominator, SCALE * self.den * inc.numerator, self.rounding.mode
        )
        return (steps * self.rounding.step).cast(pl.Int64)


@dataclass
class ColumnarPlan:
    plan: EvaluationPlan
    units: tuple[str, ...]
    rounding: dict[str, Rounding]
    awards: list[AwardOp] = field(default_factory=list)
    evaluation: list[tuple[CompiledAward, dict[int, int]]] = field(default_factory=list)
    requirements: list[dict[str, Any]] = field(default_factory=list)
    advancement: list[dict[str, Any]] = field(default_factory=list)
    caps: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    credential_fields: frozenset[str] = frozenset()

    @property
    def scale(self) -> dict[str, int]:
        return {u: self.rounding[u].scale if u in self.rounding else 4 for u in self.units}


def _units(plan: EvaluationPlan) -> tuple[str, ...]:
    j = plan.jurisdiction
    units = set(j.units)
    for req in plan.requirements:
        units.update(req.requires)
    for adv in plan.advancement:
        units.update(adv.requires)
    for a in j.awards:
        units.add(a.unit)
    if plan.salary is not None:
        units.add("salary_credit")
    return tuple(sorted(units))


def _award_op(plan: Plan, ca: CompiledAward, kinds: tuple[str, ...]) -> AwardOp:
    rule = ca.rule
    rounding = Rounding.of(plan, rule.unit)
    rate = ca.amount
    if rate is None:
        raise Unsupported(f"{rule.id}: no amount")
    vals = [Fraction(rate)]
    if ca.audited_amount is not None:
        vals.append(Fraction(ca.audited_amount))
    if any(v < 0 for v in vals):
        raise Unsupported(f"{rule.id}: a negative amount")
    den = math.lcm(*(v.denominator for v in vals))
    cap = None
    if rule.max_per_credential is not None:
        mf = Fraction(rule.max_per_credential) * SCALE * den
        den *= mf.denominator
        cap = int(Fraction(rule.max_per_credential) * SCALE * den)
    # the measure's roster column, as the field table names it (contact_hours: hours)
    measure = None if rule.per == "credential" else FIELDS["credential"][rule.per].column
    return AwardOp(
        ca=ca,
        kinds=kinds,
        when=matcher_expr(rule.when, "credential"),
        measure=measure,
        rate=int(Fraction(rate) * den),
        audited_rate=None if ca.audited_amount is None else int(Fraction(ca.audited_amount) * den),
        den=den,
        cap=cap,
        rounding=rounding,
    )


def _specific(req: Any) -> int:
    """How specific a requirement is: its educator and license conditions and its cycles."""
    size = getattr(req.when_educator, "size", None)
    if size is None:  # an engine without specificity: the last written wins
        return 0
    n: int = req.when_educator.size() + req.when_license.size()
    return n + (req.cycles is not None) + (getattr(req, "renewals", None) is not None)


def _alternative_specs(cp: ColumnarPlan, plan: Plan, rule: Any) -> list[dict[str, Any]] | None:
    """A rule's alternatives in force, as scaled integers the columnar path can test
    (`_renewal.alternatives_met`); None when one of them cannot be (an evaluation score
    condition, an amount finer than its unit): the engine then decides."""
    out: list[dict[str, Any]] = []
    for alt in getattr(rule, "alternatives", ()):
        if not alt.in_force(plan.as_of):
            continue
        c = alt.conditions
        if c.evaluation_min_score is not None:
            return None
        need: dict[str, int] = {}
        for u, a in alt.requires.items():
            v = cp.rounding[u].exact(a) if u in cp.rounding else None
            if v is None:
                return None
            need[u] = v
        out.append(
            {
                "need": need,
                "experience": None
                if c.experience_years is None
                else math.ceil(Fraction(c.experience_years) * SCALE),
                "cycle_experience": None
                if c.cycle_experience_years is None
                else math.ceil(Fraction(c.cycle_experience_years) * SCALE),
                "recommendation": c.recommendation,
            }
        )
    return out


def _minimums(cp: ColumnarPlan, plan: Plan, req: Any) -> dict[str, int] | None:
    """A requirement's category minimums as scaled integers, when the columnar path can
    decide them (see `_categories`); None leaves the allocation to the engine."""
    if not req.categories:
        return None
    cu = req.cat_unit
    if cu not in cp.rounding or cu not in plan.rounders:
        return None
    # the engine's flow counts in steps of min(places, 0.01): a minimum must be exact in both
    places = plan.rounders[cu].places
    step = min(places, Decimal("0.01"))
    out: dict[str, int] = {}
    for cat, need in req.categories.items():
        v = cp.rounding[cu].exact(need)
        if v is None or v < 0 or (need / step) != int(need / step):
            return None
        out[cat] = v
    return out


def compile_columnar(plan: EvaluationPlan) -> ColumnarPlan:
    """Compile what can be vectorised; `reason` is set when nothing can."""
    units = _units(plan)
    cp = ColumnarPlan(plan=plan, units=units, rounding={})
    try:
        for u in units:
            if u in plan.rounders:
                cp.rounding[u] = Rounding.of(plan, u)
        order: list[CompiledAward] = []
        kinds: dict[int, list[str]] = {}
        for kind, cas in plan.by_kind.items():
            for ca in cas:
                if id(ca) not in kinds:
                    kinds[id(ca)] = []
                    order.append(ca)
                kinds[id(ca)].append(kind)
        rule_pos = {r.id: i for i, r in enumerate(plan.jurisdiction.awards)}
        order.sort(key=lambda ca: rule_pos.get(ca.rule.id, 0))
        cp.awards = [_award_op(plan, ca, tuple(kinds[id(ca)])) for ca in order]
        for ca in plan.evaluation_awards:
            rnd = Rounding.of(plan, ca.rule.unit)
            table: dict[int, int] = {}
            for score, amount in (ca.rule.table or {}).items():
                v = rnd.exact(plan.rounders[ca.rule.unit](amount))
                if v is None or v < 0:
                    raise Unsupported(f"{ca.rule.id}: amount {amount}")
                table[int(score)] = v
            cp.evaluation.append((ca, table))
        for i, req in enumerate(plan.requirements):
            need: dict[str, int] = {}
            for u, a in req.requires.items():
                v = cp.rounding[u].exact(a) if u in cp.rounding else None
                if v is None:
                    raise Unsupported(f"{req.id}: {u} {a} is finer than the unit")
                need[u] = v
            cp.requirements.append(
                {
                    "index": i,
                    "rule": req,
                    "need": need,
                    "educator": matcher_expr(req.when_educator, "educator"),
                    "license": matcher_expr(req.when_license, "license"),
                    "categories": bool(req.categories),
                    "minimums": _minimums(cp, plan, req),
                    "specific": _specific(req),
                    # other ways to renew, tested in columns (None: the engine decides
                    # where the credit falls short)
                    "alternatives": _alternative_specs(cp, plan, req),
                }
            )
        for i, adv in enumerate(plan.advancement):
            need = {}
            for u, a in adv.requires.items():
                v = cp.rounding[u].exact(a) if u in cp.rounding else None
                if v is None:
                    raise Unsupported(f"{adv.id}: {u} {a} is finer than the unit")
                need[u] = v
            cond = adv.conditions
            exp = cond.experience_years
            cexp = getattr(cond, "cycle_experience_years", None)
            cp.advancement.append(
                {
                    "index": i,
                    "rule": adv,
                    "need": need,
                    "educator": matcher_expr(adv.when_educator, "educator"),
                    "experience": None if exp is None else math.ceil(Fraction(exp) * SCALE),
                    "cycle_experience": None if cexp is None else math.ceil(Fraction(cexp) * SCALE),
                    "recommendation": getattr(cond, "recommendation", None),
                    # other ways than the credit (None: the engine decides where it falls short)
                    "alternatives": _alternative_specs(cp, plan, adv),
                }
            )
        for cap in plan.caps:
            if cap.unit not in cp.rounding:
                raise Unsupported(f"{cap.id}: unit {cap.unit!r} has no definition")
            cp.caps.append({"rule": cap, "when": matcher_expr(cap.when, "credential")})
        fields: set[str] = set()
        for op in cp.awards:
            fields |= matcher_fields(op.ca.rule.when)
        for cap in plan.caps:
            fields |= matcher_fields(cap.when)
            if cap.category is not None:
                fields.add("categories")
        if any(r["minimums"] for r in cp.requirements):
            fields.add("categories")
        if plan.salary is not None:  # salary rules run in columns too (`_salary`)
            for lane in plan.salary.lanes:
                for spec in lane.credit:
                    fields |= matcher_fields(spec.when)
            for inc, _amount in plan.salary.base_increases:
                fields |= matcher_fields(inc.when)
        cp.credential_fields = frozenset(fields)
    except Unsupported as e:
        cp.reason = str(e)
    return cp


@lru_cache(maxsize=1 << 16)
def cycle_for(
    issued: dt.date, expires: dt.date | None, years: int, as_of: dt.date
) -> tuple[dt.date, dt.date]:
    """The renewal cycle containing `as_of`: the engine's own `_cycle_for`, called once per
    distinct (issued, years) of a run (chunks repeat the same issue dates)."""
    from types import SimpleNamespace

    from ..engine._evaluate import _cycle_for

    lic = SimpleNamespace(issued=issued, expires=expires)
    req = SimpleNamespace(cycle_years=years)
    return _cycle_for(lic, req, as_of)  # type: ignore[arg-type]
