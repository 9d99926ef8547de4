"""Compile a jurisdiction for an `as_of` date into a plan.

Dated values are resolved once, rules not in force are dropped, award matchers are indexed by
credential kind so evaluation does no searching. `mccredit.evaluation.plan_for` adds the
salary plan and caches both per (ruleset sha256, jurisdiction, proposal, as_of).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..io.educator import CREDENTIAL_KINDS
from ..ledger import Rounder
from ..rules._loader import Jurisdiction
from ..rules._matchers import Matcher
from ..rules._models import (
    AdvancementRule,
    AwardRule,
    CapRule,
    RequirementRule,
    StackRule,
)

__all__ = ["CompiledAward", "CompiledStack", "Plan", "compile_plan"]


@dataclass(frozen=True)
class CompiledAward:
    rule: AwardRule
    amount: Decimal | None
    audited_amount: Decimal | None
    title: str
    cite: str
    file: str
    line: int
    # what of `rule.when` is left to check for a credential found under its kind in
    # `Plan.by_kind` (None: the kind decides it, no matcher runs)
    residual: Matcher | None = None


def _decides_kind(m: Matcher) -> bool:
    """A `kind` eq/in condition: the ones `values_for("kind")` builds the index from."""
    return m.op == "field" and m.field == "kind" and m.cmp in ("eq", "in")


def residual(when: Matcher) -> Matcher | None:
    """`when` less the kind conditions the index decides: the award is listed under
    `when.values_for("kind")` only, and every `kind` eq/in condition of the matcher itself or
    of its top-level conjunction holds for each of those kinds. None when nothing is left."""
    if when.values_for("kind") is None:
        return when
    if _decides_kind(when):
        return None
    if when.op != "all":
        return when
    rest = tuple(c for c in when.children if not _decides_kind(c))
    if not rest:
        return None
    if len(rest) == len(when.children):
        return when
    return rest[0] if len(rest) == 1 else Matcher(op="all", children=rest)


@dataclass(frozen=True)
class CompiledStack:
    rule: StackRule
    members: frozenset[str]
    issuer: str | None
    need: int
    amount: Decimal
    key: str


# what a plan keeps in its __dict__ beside its fields: derived, rebuilt on use
_CACHES = ("_memos", "_places", "_stacks_by_code")


@dataclass(frozen=True)
class Plan:
    jurisdiction: Jurisdiction
    as_of: dt.date
    sha256: str
    by_kind: dict[str, tuple[CompiledAward, ...]]
    evaluation_awards: tuple[CompiledAward, ...]
    stacks: tuple[CompiledStack, ...]
    caps: tuple[CapRule, ...]
    requirements: tuple[RequirementRule, ...]
    advancement: tuple[AdvancementRule, ...]
    rounders: dict[str, Rounder]
    stale: tuple[tuple[str, dt.date], ...]

    def stacks_of(self, code: str) -> tuple[str, ...]:
        """The ids of the catalog stacks that list `code` as a member, in catalog order."""
        by_code: dict[str, tuple[str, ...]] | None = self.__dict__.get("_stacks_by_code")
        if by_code is None:
            found: dict[str, list[str]] = {}
            for s in self.jurisdiction.catalog_stacks.values():
                for member in dict.fromkeys(s.members):
                    found.setdefault(member, []).append(s.id)
            by_code = {c: tuple(ids) for c, ids in found.items()}
            object.__setattr__(self, "_stacks_by_code", by_code)
        return by_code.get(code, ())

    @property
    def places(self) -> dict[str, Decimal]:
        """Unit → the places its amounts are shown to (`Rounder.places`)."""
        places: dict[str, Decimal] | None = self.__dict__.get("_places")
        if places is None:
            places = {u: r.places for u, r in self.rounders.items()}
            object.__setattr__(self, "_places", places)
        return places

    def shown(self, unit: str, amount: Decimal) -> Decimal:
        """An amount as results show it: quantized to its unit's places (as `Rounder.show`)."""
        p = self.places.get(unit)
        return amount.quantize(p) if p is not None else amount

    def show(self, unit: str, amount: Decimal) -> str:
        """`shown` as text: the amount's JSON form."""
        return str(self.shown(unit, amount))

    def __getstate__(self) -> dict[str, Any]:
        # caches are rebuilt on use, never pickled (the award memo is keyed by object ids)
        return {k: v for k, v in self.__dict__.items() if k not in _CACHES}

    def memo(self, name: str) -> dict[Any, Any]:
        """A cache kept on the plan (derived values only, never part of its identity)."""
        memos: dict[str, dict[Any, Any]] = self.__dict__.setdefault("_memos", {})
        found = memos.get(name)
        if found is None:
            found = memos.setdefault(name, {})
        return found


def _compile_award(rule: AwardRule, as_of: dt.date) -> CompiledAward | None:
    amount = rule.amount.at(as_of) if rule.amount is not None else None
    if rule.per != "evaluation" and amount is None:
        return None  # the dated series has not started or has ended on as_of
    audited = rule.audited_amount.at(as_of) if rule.audited_amount is not None else None
    origin = rule.origin
    return CompiledAward(
        rule=rule,
        amount=amount,
        audited_amount=audited,
        title=rule.title,
        cite=rule.source.cite(),
        file=origin.path if origin else "",
        line=origin.line if origin else 0,
        residual=residual(rule.when),
    )


def compile_plan(j: Jurisdiction, as_of: dt.date) -> Plan:
    by_kind: dict[str, list[CompiledAward]] = {k: [] for k in CREDENTIAL_KINDS}
    evaluation: list[CompiledAward] = []
    for rule in j.awards:
        if not rule.in_force(as_of):
            continue
        compiled = _compile_award(rule, as_of)
        if compiled is None:
            continue
        if rule.per == "evaluation":
            evaluation.append(compiled)
            continue
        kinds = rule.when.values_for("kind")
        for kind in CREDENTIAL_KINDS if kinds is None else sorted(kinds):
            by_kind.setdefault(kind, []).append(compiled)
    stacks: list[CompiledStack] = []
    for s in j.stacks:
        if not s.in_force(as_of):
            continue
        amount = s.amount.at(as_of)
        if amount is None:
            continue
        if s.stack is not None:
            cs = j.catalog_stacks[s.stack]
            members = frozenset(cs.members)
            issuer: str | None = s.issuer or cs.issuer
        else:
            members, issuer = frozenset(s.members or ()), s.issuer
        need = len(members) if s.require == "all" else min(s.require, len(members))
        stacks.append(
            CompiledStack(
                rule=s,
                members=members,
                issuer=issuer,
                need=need,
                amount=amount,
                key=f"stack:{s.stack or s.id}",
            )
        )
    stale = tuple(
        (r.id, r.review_by)
        for r in j.all_rules()
        if r.review_by is not None and r.review_by < as_of and r.in_force(as_of)
    )
    return Plan(
        jurisdiction=j,
        as_of=as_of,
        sha256=j.sha256,
        by_kind={k: tuple(v) for k, v in by_kind.items()},
        evaluation_awards=tuple(evaluation),
        stacks=tuple(stacks),
        # a cycle cap applies by the renewal (cycle end) date, so all are kept; the renewal
        # checks each against its cycle's end
        caps=tuple(c for c in j.caps if c.scope == "cycle" or c.in_force(as_of)),
        requirements=tuple(r for r in j.requirements if r.in_force(as_of)),
        advancement=tuple(r for r in j.advancement if r.in_force(as_of)),
        rounders={u: Rounder(d) for u, d in j.units.items()},
        stale=stale,
    )
