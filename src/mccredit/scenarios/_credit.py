"""What a credential is worth to a scenario's lane rules and base increases, asked of the
engine and the salary package themselves (one source of rule semantics).

The projection carries credentials as classes (`CreditClass`: kind, issuer, code, categories,
whether approved on or before it was earned, and the days from earning to filing, as a
representative of the evidence windows the rules name): every credential of a class is worth
the same to a rule, so each class is valued once per rule, not once per person. A class is
valued by evaluating one prototype educator holding one credential of the class through the
engine's credential gate (`engine.build_ledger`: accepted issuers, catalog codes) and the
salary package (`salary.evaluate_salary`) on a salary plan holding that rule alone: the salary
credit (`salary_credit` ledger entries) or base increase (`salary_base`) it earns there is the
class's value. Prior approval, the credit spec's rate and unit, issuer and catalog gates and
evidence windows are therefore the rules' own; pooled hours (`hours_per_credit`), the annual
cap (`max_per_year`) and expiry act per credential, so the projection (which adds each year's
accrual as one amount) values a graduate semester hour as one hour alone would be.

Graduate courses count by semester hours (`semester_credits`), micro-credentials by count;
other kinds (workshops) are not projected. Degrees, assumed (`assumptions.Degrees`) or the
roster's own (`degree_class`), are classes of their own, valued the same way but apart from
the pool: `Valuer.moved_alone` lists the lane rules one such credential completes on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from ..engine import build_ledger
from ..evaluation._pipeline import EvaluationPlan, compile_evaluation_plan
from ..io.educator import Credential, Educator
from ..rules._loader import Jurisdiction
from ..rules._models import BaseIncreaseRule, LaneRule, ScheduleFile, Window
from ..salary import evaluate_salary

__all__ = [
    "PROJECTED_KINDS",
    "CreditClass",
    "LaneCredit",
    "Valuer",
    "class_of",
    "degree_class",
    "late_cuts",
]

ZERO = Decimal(0)
#: the credential kinds the projection carries, and the measure of each
PROJECTED_KINDS = ("graduate_course", "micro_credential")


class CreditClass(NamedTuple):
    """A credential class (see the module doc). A named tuple, not a frozen dataclass: the
    projection hashes and compares classes millions of times per costing (dict keys of every
    valuation and of each year's accrual), and a dataclass's `__hash__`/`__eq__` run in Python
    (a fifth of a costing's time, issue 11's aim); a tuple's run in C."""

    kind: str
    issuer: str | None
    code: str | None
    categories: tuple[str, ...]
    approved: bool
    late: int

    @property
    def is_micro(self) -> bool:
        return self.kind == "micro_credential"


def late_cuts(jurisdictions: list[Jurisdiction]) -> tuple[int, ...]:
    """The evidence windows (`evidence_within_days`) the lane rules of every scenario name."""
    return tuple(
        sorted(
            {r.evidence_within_days for j in jurisdictions for r in j.lanes} - {None}  # type: ignore[arg-type]
        )
    )


def _late(days: int, cuts: tuple[int, ...]) -> int:
    """A representative of `days` that every evidence window in `cuts` treats alike: 0 up
    to the first window, each window for the days above the one before, the last + 1 beyond."""
    if not cuts or days <= cuts[0]:
        return 0
    for c in cuts[1:]:
        if days <= c:
            return c
    return cuts[-1] + 1


def class_of(
    c: Credential, cuts: tuple[int, ...], kinds: tuple[str, ...] = PROJECTED_KINDS
) -> tuple[CreditClass, Decimal] | None:
    """(the credential's class, its units: semester hours or 1), or None where the
    projection does not carry it (a kind not of `kinds`)."""
    if c.kind not in kinds:
        return None
    if c.kind == "graduate_course":
        if c.semester_credits is None:
            return None
        units = c.semester_credits
    else:
        units = Decimal(1)
    filed = c.submitted or c.earned
    approved = c.approved is not None and c.approved <= c.earned
    cls = CreditClass(
        c.kind,
        c.issuer,
        c.code,
        tuple(c.categories),
        approved,
        _late((filed - c.earned).days, cuts),
    )
    return cls, units


def degree_class(c: Credential, cuts: tuple[int, ...]) -> CreditClass:
    """The class of a degree of the roster's history (kind `degree`): moved by lane rules one
    such credential completes alone, apart from the pool (`projection`)."""
    got = class_of(c, cuts, ("degree",))
    assert got is not None
    return got[0]


@dataclass(frozen=True)
class LaneCredit:
    """The lane rule that moves people from a lane (the first, by `requires` then id, that
    credits any projected class) and each class's credit per unit under it, with the
    category the credit counts toward (one of the rule's `category_minimums`, else "")."""

    rule: LaneRule
    values: dict[CreditClass, tuple[Decimal, str]]


def _batches(classes: list[CreditClass]) -> list[list[CreditClass]]:
    """Classes in groups one prototype educator can hold side by side: no two
    micro-credentials of one issuer and code (the engine credits only the first)."""
    out: list[list[CreditClass]] = []
    seen: list[set[tuple[str | None, str]]] = []
    for c in classes:
        k = (c.issuer, c.code) if c.is_micro and c.code is not None else None
        for b, keys in zip(out, seen, strict=True):
            if k is None or k not in keys:
                b.append(c)
                if k is not None:
                    keys.add(k)
                break
        else:
            out.append([c])
            seen.append({k} if k is not None else set())
    return out


def _apart(rule: LaneRule) -> bool:
    """Whether credentials weigh on each other under `rule` (pooled hours, a cap a year,
    expiry): then each class is valued on a prototype of its own."""
    return any(
        c.hours_per_credit is not None
        or c.max_per_year is not None
        or c.expires_after_years is not None
        for c in rule.credit
    )


def _kinds(rule: LaneRule) -> frozenset[str] | None:
    """The credential kinds any credit spec of `rule` can match (None: any kind)."""
    out: set[str] = set()
    for c in rule.credit:
        if c.when.kinds is None:
            return None
        out.update(c.when.kinds)
    return frozenset(out)


@dataclass
class Valuer:
    """Values credit classes under one scenario's rules (`j`), day by day; `shared` (one per
    costing) keeps each (rule, class) value across scenarios and years. Classes are valued
    side by side on one prototype educator (`_batches`), under a copy of the rule that no
    credit can complete (so nothing is consumed) or, for a base increase, without its caps
    (the projection applies `max_count` and `max_total` to each person's count)."""

    j: Jurisdiction
    shared: dict[tuple[str, CreditClass], tuple[Decimal, tuple[str, ...]]]
    classes: tuple[CreditClass, ...]
    _plans: dict[dt.date, EvaluationPlan] = field(default_factory=dict)
    _scheds: dict[dt.date, tuple[ScheduleFile, ...]] = field(default_factory=dict)
    _lanes: dict[tuple[dt.date, str], LaneCredit | None] = field(default_factory=dict)
    _alone: dict[tuple[dt.date, str], tuple[tuple[LaneRule, frozenset[CreditClass]], ...]] = field(
        default_factory=dict
    )

    def plan(self, day: dt.date) -> EvaluationPlan:
        p = self._plans.get(day)
        if p is None:
            p = self._plans[day] = compile_evaluation_plan(self.j, day)
        return p

    def _open_schedules(self, day: dt.date) -> tuple[ScheduleFile, ...]:
        """Each schedule name's latest scale starting on or before `day`, open-ended, so a
        prototype is placed on a scale in out-years too (credit does not depend on pay)."""
        got = self._scheds.get(day)
        if got is not None:
            return got
        latest: dict[str, tuple[dt.date, int, ScheduleFile]] = {}
        for i, s in enumerate(self.j.schedules):
            start = s.effective.start
            if start is None or start > day:
                continue
            if s.schedule not in latest or (start, i) >= latest[s.schedule][:2]:
                latest[s.schedule] = (start, i, s)
        got = self._scheds[day] = tuple(
            s.model_copy(update={"effective": Window.model_validate({"from": start})})
            for start, _, s in latest.values()
        )
        return got

    def _prototype(
        self, day: dt.date, classes: list[CreditClass], lane: str, scheds: tuple[ScheduleFile, ...]
    ) -> Educator | None:
        sched = next((s for s in scheds if lane in s.lanes), None) or (
            scheds[0] if scheds else None
        )
        if sched is None or not sched.steps:
            return None
        submitted = day - dt.timedelta(days=1)
        creds = []
        first = submitted
        for k, cls in enumerate(classes):
            earned = submitted - dt.timedelta(days=cls.late)
            first = min(first, earned)
            cred: dict[str, object] = {
                "id": f"prototype-{k}",
                "kind": cls.kind,
                "issuer": cls.issuer,
                "code": cls.code,
                "categories": list(cls.categories),
                "earned": earned.isoformat(),
                "submitted": submitted.isoformat(),
            }
            if cls.approved:
                cred["approved"] = earned.isoformat()
            if cls.kind == "graduate_course":
                cred["semester_credits"] = "1"
            creds.append(cred)
        return Educator.model_validate(
            {
                "id": "prototype",
                "jurisdiction": self.j.id,
                "salary": {
                    "lane": lane if lane in sched.lanes else sched.lanes[0],
                    "step": min(sched.steps),
                    "schedule": sched.schedule,
                    "since": (first - dt.timedelta(days=1)).isoformat(),
                },
                "credentials": creds,
            }
        )

    def _values(
        self,
        day: dt.date,
        classes: list[CreditClass],
        lane: str,
        lanes: tuple[LaneRule, ...],
        bases: tuple[tuple[BaseIncreaseRule, Decimal], ...],
        unit: str,
    ) -> list[tuple[Decimal, tuple[str, ...]]]:
        """Each class's value: the `unit` entries the salary evaluation gives its credential."""
        plan = self.plan(day)
        scheds = self._open_schedules(day)
        ed = self._prototype(day, classes, lane, scheds) if plan.salary is not None else None
        if ed is None or plan.salary is None:
            return [(ZERO, ())] * len(classes)
        _, _, credited, _ = build_ledger(plan, ed)
        sp = replace(plan.salary, lanes=lanes, base_increases=bases, schedules=scheds)
        _, entries, _, _ = evaluate_salary(sp, ed, credited)
        out = []
        for k in range(len(classes)):
            got = [e for e in entries if e.unit == unit and e.credential == f"prototype-{k}"]
            out.append((sum((e.amount for e in got), ZERO), got[0].categories if got else ()))
        return out

    def _value_all(
        self,
        sig: str,
        day: dt.date,
        lane: str,
        lanes: tuple[LaneRule, ...],
        bases: tuple[tuple[BaseIncreaseRule, Decimal], ...],
        unit: str,
        apart: bool,
        kinds: frozenset[str] | None,
    ) -> None:
        """Value every class not yet valued under `sig`; a class of a kind no matcher of the
        rule names (`kinds`, None: any) is worth nothing without asking, as the salary
        package itself skips it."""
        todo = []
        for c in self.classes:
            if (sig, c) in self.shared:
                continue
            if kinds is not None and c.kind not in kinds:
                self.shared[(sig, c)] = (ZERO, ())
            else:
                todo.append(c)
        for batch in [[c] for c in todo] if apart else _batches(todo):
            for c, v in zip(batch, self._values(day, batch, lane, lanes, bases, unit), strict=True):
                self.shared[(sig, c)] = v

    def lane_credit(self, day: dt.date, lane: str) -> LaneCredit | None:
        """The lane rule moving people from `lane` on `day` and its value of each class."""
        key = (day, lane)
        if key in self._lanes:
            return self._lanes[key]
        plan = self.plan(day)
        found: LaneCredit | None = None
        if plan.salary is not None:
            for rule in sorted(
                (r for r in plan.salary.lanes if r.from_ == lane), key=lambda r: (r.requires, r.id)
            ):
                sig = self._value_under(plan, day, lane, rule)
                values: dict[CreditClass, tuple[Decimal, str]] = {}
                for cls in self.classes:
                    amount, cats = self.shared[(sig, cls)]
                    if amount > 0:
                        cat = next((c for c in cats if c in rule.category_minimums), "")
                        values[cls] = (amount, cat)
                if values:
                    found = LaneCredit(rule, values)
                    break
        self._lanes[key] = found
        return found

    def _value_under(self, plan: EvaluationPlan, day: dt.date, lane: str, rule: LaneRule) -> str:
        """Value every class under lane rule `rule` (from `lane`); returns the rule's key."""
        assert plan.salary is not None
        rates = tuple(
            str(plan.salary.lane_rates.get((rule.id, k))) for k in range(len(rule.credit))
        )
        sig = f"{rule.model_dump_json(by_alias=True)}|{rates}"
        # a copy no credit completes: every credential's credit is listed, none used
        never = rule.model_copy(update={"requires": Decimal(10) ** 12})
        self._value_all(sig, day, lane, (never,), (), "salary_credit", _apart(rule), _kinds(rule))
        return sig

    def moved_alone(self, day: dt.date, lane: str) -> tuple[LaneRule, ...]:
        """The lane rules from `lane` on `day` that one credential of a class of this valuer
        completes on its own (its credit under the rule reaches `requires`; a rule with category
        minimums asks for more than one credential), in rule order."""
        return tuple(r for r, _ in self.alone(day, lane))

    def alone(self, day: dt.date, lane: str) -> tuple[tuple[LaneRule, frozenset[CreditClass]], ...]:
        """Each lane rule of `moved_alone` with the classes one credential of which completes
        it alone."""
        key = (day, lane)
        got = self._alone.get(key)
        if got is not None:
            return got
        plan = self.plan(day)
        out: list[tuple[LaneRule, frozenset[CreditClass]]] = []
        for rule in plan.salary.lanes if plan.salary is not None else ():
            if rule.from_ != lane or rule.category_minimums:
                continue
            sig = self._value_under(plan, day, lane, rule)
            hit = frozenset(c for c in self.classes if self.shared[(sig, c)][0] >= rule.requires)
            if hit:
                out.append((rule, hit))
        got = self._alone[key] = tuple(out)
        return got

    def base_increases(
        self, day: dt.date
    ) -> list[tuple[BaseIncreaseRule, Decimal, frozenset[CreditClass]]]:
        """The base increase rules in force on `day`: (rule, amount a credential, the classes
        it counts)."""
        plan = self.plan(day)
        if plan.salary is None:
            return []
        out = []
        for rule, amount in plan.salary.base_increases:
            sig = f"base|{rule.model_dump_json(by_alias=True)}|{amount}"
            uncapped = rule.model_copy(update={"max_count": None, "max_total": None})
            sched = next(iter(self._open_schedules(day)), None)
            lane = sched.lanes[0] if sched else ""
            kinds = rule.when.kinds
            self._value_all(
                sig,
                day,
                lane,
                (),
                ((uncapped, amount),),
                "salary_base",
                False,
                None if kinds is None else frozenset(kinds),
            )
            hit = frozenset(c for c in self.classes if self.shared[(sig, c)][0] > 0)
            out.append((rule, amount, hit))
        return out
