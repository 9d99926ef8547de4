"""The engine's steps against a compiled plan: credentials → ledger (`build_ledger`), renewal
(`renew`), advancement (`advance`), and the output document of DESIGN.md §4 (`document`).
`mccredit.evaluation` composes them with the salary step; the engine never imports salary.

Order of work, each step recorded in the ledger or the warnings:
1. gate: micro-credentials count only from accepted issuers (and, where the jurisdiction's
   catalogs list codes, only known codes), once per catalog code; nothing earned after
   `as_of` counts; everything not credited is a warning with a reason;
2. awards: each credential's matching award rules (indexed by kind), amounts rounded per unit;
3. evaluations: per-year awards by score (TN levels of overall effectiveness);
4. stacks: completion awards (all or N of M within a window), `bonus` or `instead` of parts;
5. caps of scope `credential` and `career`, in date order: entries are reduced, never dropped;
6. totals: the sum of the ledger, per unit;
7. renewal per license (cycle window, cycle caps, share caps, category allocation);
8. advancement tiers; (9. salary, in `mccredit.salary`, composed by `mccredit.evaluation`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter
from typing import Any

from ..io.educator import Credential, Educator, License
from ..ledger import LedgerEntry, allocate, cite
from ..result import (
    Advancement,
    Allocation,
    AlternativeResult,
    CategoryProgress,
    Cycle,
    CycleCap,
    Evaluation,
    ProposalApplied,
    Renewal,
    RulesetRef,
    Salary,
    Unmet,
    Warning,
    WarningCode,
    accepted_clause,
    code_refusal,
    requirements_clause,
)
from ..rules._models import Alternative, CapRule, Conditions, RequirementRule
from ._plan import CompiledAward, Plan

__all__ = [
    "LICENSE_MISS",
    "NOT_APPLICABLE",
    "REASON_JOIN",
    "REASON_SEP",
    "REQUIREMENTS_JOIN",
    "Facts",
    "advance",
    "build_ledger",
    "cycles_miss",
    "renewals_miss",
    "document",
    "educator_miss",
    "renew",
]

ZERO = Decimal(0)
# sort keys: credentials by earned date then id; the ledger by date, credential, rule, unit
_EARNED_ID = attrgetter("earned", "id")
_LEDGER_ORDER = attrgetter("date", "credential", "rule", "unit")


class Facts:
    """A credential as matchers see it: its own fields plus catalog-derived ones."""

    __slots__ = (
        "cred",
        "categories",
        "contact_hours",
        "accepted",
        "in_catalog",
        "stack",
        "verification",
    )

    def __init__(self, cred: Credential, plan: Plan) -> None:
        j = plan.jurisdiction
        self.cred = cred
        entry = j.catalog.get((cred.issuer, cred.code)) if cred.issuer and cred.code else None
        if entry is not None:
            cats = list(cred.categories)
            cats.extend(c for c in entry.categories if c not in cats)
            self.categories: tuple[str, ...] = tuple(cats)
        else:
            self.categories = tuple(cred.categories)
        hours = cred.contact_hours
        if hours is None and entry is not None:
            hours = entry.contact_hours
        self.contact_hours = hours
        self.accepted = cred.issuer is not None and cred.issuer in j.accepted_issuers
        self.in_catalog = entry is not None
        self.stack: tuple[str, ...] = plan.stacks_of(cred.code) if cred.code else ()
        v = cred.verification
        self.verification: str | None = None if v is None else v.status

    def get(self, name: str) -> Any:
        if name in _OWN_FIELDS:
            return getattr(self, name)
        return getattr(self.cred, name)


# the fields a `Facts` answers itself; every other field is the credential's
_OWN_FIELDS = frozenset(
    ("categories", "contact_hours", "accepted", "in_catalog", "stack", "verification")
)


def _educator_getter(ed: Educator) -> Callable[[str], Any]:
    return lambda name: getattr(ed, name)


def _license_getter(lic: License) -> Callable[[str], Any]:
    return lambda name: getattr(lic, name)


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


def _verification_gate(facts: Facts, plan: Plan) -> Warning | None:
    """Why a badge's verification result keeps it from credit here (issue 12), or None: the
    result must be one `accept.verification` credits (default: `verified`), and a verified
    badge's registry entry one `accept.registry` trusts (when it names any)."""
    cred, j = facts.cred, plan.jurisdiction
    v = cred.verification
    if v is None:
        return None
    refusal = j.verification_refusal(v.status, v.registry_entry)
    day = dt.datetime.combine(plan.as_of, dt.time(), dt.UTC)
    if refusal is None and v.valid_until is not None and v.valid_until <= day:
        return _warn(
            WarningCode.VERIFICATION_NOT_CREDITED,
            credential=cred.id,
            status="expired",
            reasons=f"expired: validUntil {v.valid_until.isoformat()} is not after "
            f"{plan.as_of} (checked {v.status} on {v.checked})",
            jurisdiction=j.id,
            credited=" or ".join(sorted(j.credited_verification)),
        )
    if refusal == "status":
        why = "; ".join(f"{r.code}: {r.message}" for r in v.reasons) or v.status
        return _warn(
            WarningCode.VERIFICATION_NOT_CREDITED,
            credential=cred.id,
            status=v.status,
            reasons=why,
            jurisdiction=j.id,
            credited=" or ".join(sorted(j.credited_verification)),
        )
    if refusal == "registry":
        return _warn(
            WarningCode.REGISTRY_ENTRY_NOT_TRUSTED,
            credential=cred.id,
            entry=v.registry_entry,
            jurisdiction=j.id,
            trusted=", ".join(sorted(j.trusted_registry or ())),
        )
    return None


def _gate(facts: Facts, plan: Plan) -> Warning | None:
    """Why a credential is not credited at all, or None when it may be."""
    cred, j = facts.cred, plan.jurisdiction
    refused = _verification_gate(facts, plan)
    if refused is not None:
        return refused
    if cred.kind != "micro_credential":
        return None
    if cred.issuer is None:
        return _warn(
            WarningCode.ISSUER_MISSING,
            credential=cred.id,
            jurisdiction=j.id,
            accepted=", ".join(sorted(j.accepted_issuers)),
        )
    if not facts.accepted:
        return _warn(
            WarningCode.ISSUER_NOT_ACCEPTED,
            credential=cred.id,
            issuer=cred.issuer,
            jurisdiction=j.id,
            accepted=accepted_clause(j.accepted_issuers),
        )
    if _code_unknown(facts, plan) and (j.strict_codes or cred.issuer in j.complete_code_issuers):
        return _warn(
            WarningCode.CODE_NOT_IN_CATALOG,
            credential=cred.id,
            code=cred.code,
            catalog=j.issuer_names.get(cred.issuer, cred.issuer),
            why=code_refusal(j.id, j.strict_codes),
        )
    return None


def _code_unknown(facts: Facts, plan: Plan) -> bool:
    """A micro-credential whose code its issuer's catalog (which lists codes) does not list."""
    cred = facts.cred
    if cred.kind != "micro_credential" or cred.code is None or cred.issuer is None:
        return False
    codes = plan.jurisdiction.catalog_codes_by_issuer.get(cred.issuer, frozenset())
    return bool(codes) and cred.code not in codes


UNKNOWN_CODE_BASIS = "issuer accepted; code not in catalog"


def _measure(facts: Facts, per: str) -> Decimal | None:
    if per == "contact_hours":
        return facts.contact_hours
    if per == "semester_credits":
        return facts.cred.semester_credits
    if per == "ceus":
        return facts.cred.ceus
    return Decimal(1)


def _award(
    facts: Facts, ca: CompiledAward, plan: Plan, memo: dict[Any, Any]
) -> tuple[LedgerEntry | None, Warning | None]:
    rule, cred = ca.rule, facts.cred
    measure = _measure(facts, rule.per)
    if measure is None:
        return None, _warn(
            WarningCode.MEASURE_MISSING,
            credential=cred.id,
            rule=rule.id,
            measure=rule.per.replace("_", " "),
            per=rule.per,
        )
    audited = cred.audited and ca.audited_amount is not None
    # the amount, basis and notes depend only on the rule and the measure (its exact text):
    # worked out once per plan (`memo`) and reused
    key = (id(ca), audited, str(measure))
    priced = memo.get(key)
    if priced is None:
        priced = _price(ca, measure, audited, plan)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = priced
    amount, basis, notes = priced
    if _code_unknown(facts, plan):
        basis = f"{UNKNOWN_CODE_BASIS}; {basis}"
    cats = tuple(rule.categories) if rule.categories is not None else facts.categories
    return (
        LedgerEntry(
            credential=cred.id,
            unit=rule.unit,
            amount=amount,
            rule=rule.id,
            title=ca.title,
            source=ca.cite,
            file=ca.file,
            line=ca.line,
            date=cred.earned,
            basis=basis,
            categories=cats,
            match=facts,
            notes=list(notes),
            verification=None if cred.verification is None else cred.verification.brief(),
        ),
        None,
    )


_MEMO_SIZE = 4096


def _price(
    ca: CompiledAward, measure: Decimal, audited: bool, plan: Plan
) -> tuple[Decimal, str, tuple[str, ...]]:
    """An award's amount (capped per credential, rounded per unit), basis and notes."""
    rule = ca.rule
    rate = ca.audited_amount if audited else ca.amount
    label = "audited " if audited else ""
    assert rate is not None
    raw = measure * rate
    basis = (
        f"1 credential × {rate}"
        if rule.per == "credential"
        else f"{measure} {label}{rule.per.replace('_', ' ')} × {rate}"
    )
    notes: list[str] = []
    if rule.max_per_credential is not None and raw > rule.max_per_credential:
        notes.append(f"limited to {rule.max_per_credential} per credential by {rule.id}")
        raw = rule.max_per_credential
    rounder = plan.rounders[rule.unit]
    amount = rounder(raw)
    if amount != raw:
        notes.append(f"rounded from {raw} to the {rounder.inc} increment")
    return amount, basis, tuple(notes)


def _stacks(plan: Plan, credited: list[Facts], ledger: list[LedgerEntry]) -> list[LedgerEntry]:
    out: list[LedgerEntry] = []
    for cs in plan.stacks:
        rule = cs.rule
        hits = sorted(
            (
                f
                for f in credited
                if f.cred.code in cs.members and (cs.issuer is None or f.cred.issuer == cs.issuer)
            ),
            key=lambda f: (f.cred.earned, f.cred.id),
        )
        # one credential per member code: the earliest earned
        by_code: dict[str, Facts] = {}
        for f in hits:
            assert f.cred.code is not None
            by_code.setdefault(f.cred.code, f)
        chosen = sorted(by_code.values(), key=lambda f: (f.cred.earned, f.cred.id))
        done: list[Facts] | None = None
        for i in range(len(chosen) - cs.need + 1):
            window = chosen[i : i + cs.need]
            span = (window[-1].cred.earned - window[0].cred.earned).days
            if rule.within_days is None or span <= rule.within_days:
                done = window
                break
        if done is None:
            continue
        used = {f.cred.id for f in done}
        origin = rule.origin
        entry = LedgerEntry(
            credential=cs.key,
            unit=rule.unit,
            amount=plan.rounders[rule.unit](cs.amount),
            rule=rule.id,
            title=rule.title,
            source=rule.source.cite(),
            file=origin.path if origin else "",
            line=origin.line if origin else 0,
            date=done[-1].cred.earned,
            basis=f"stack completed: {len(done)} of {len(cs.members)} members "
            f"({', '.join(sorted(used))})",
            kind="stack",
        )
        if rule.mode == "instead":
            for e in ledger:
                if e.credential in used and e.unit == rule.unit and e.amount > 0:
                    e.notes.append(f"replaced by stack completion {cs.key} ({rule.id})")
                    e.original = e.original if e.original is not None else e.amount
                    e.amount = ZERO
        out.append(entry)
    return out


def _cap_matches(cap: CapRule, e: LedgerEntry) -> bool:
    if e.unit != cap.unit:
        return False
    if cap.rules is not None and e.rule not in cap.rules:
        return False
    if cap.category is not None and cap.category not in e.categories:
        return False
    if e.match is None:
        return cap.when.op == "true"
    facts: Facts = e.match
    return cap.when.check(facts.get)


def _apply_caps(plan: Plan, ledger: list[LedgerEntry]) -> None:
    """Credential and career caps, all at once, entry by entry in ledger (date) order: each
    entry keeps the least room any matching cap has left, so the result does not depend on
    the order the caps are written in. The binding cap is named in the entry's notes."""
    caps = [c for c in plan.caps if c.scope in ("credential", "career")]
    if not caps:
        return
    used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for e in ledger:
        rooms: list[tuple[Decimal, CapRule, tuple[str, str]]] = []
        for cap in caps:
            if not _cap_matches(cap, e) or (cap.since is not None and e.date < cap.since):
                continue
            assert cap.max is not None
            key = (cap.id, e.credential if cap.scope == "credential" else "*")
            rooms.append((max(ZERO, cap.max - used[key]), cap, key))
        if not rooms:
            continue
        room, binding, _ = min(rooms, key=lambda r: r[0])
        if e.amount > room:
            e.original = e.original if e.original is not None else e.amount
            e.notes.append(
                f"capped by {binding.id}: at most {binding.max} {binding.unit} per {binding.scope}"
            )
            e.amount = room
        for _, _, key in rooms:
            used[key] += e.amount


def _cycle_for(
    lic: License, req: RequirementRule | None, as_of: dt.date
) -> tuple[dt.date, dt.date]:
    if lic.expires is not None:
        return lic.issued, lic.expires
    years = req.cycle_years if req is not None else 5
    start = lic.issued
    while True:
        year = start.year + years
        if year > dt.MAXYEAR:  # the calendar's edge: the cycle runs to its end
            return start, dt.date.max
        day = 28 if (start.month, start.day) == (2, 29) else start.day
        end = start.replace(year=year, day=day) - dt.timedelta(days=1)
        if as_of <= end:
            return start, end
        start = end + dt.timedelta(days=1)


def _pick_requirement(plan: Plan, ed: Educator, lic: License) -> RequirementRule | None:
    """The renewal requirement for a license: of those that match, the most specific (the
    most conditions on the educator, the license, the cycle's issue date (`cycles`) and its
    renewal date (`renewals`: the cycle's end, the license's expiry)); between equally specific
    ones, the later written (a district's rules come after its state's)."""
    eget, lget = _educator_getter(ed), _license_getter(lic)
    found: list[tuple[int, int, RequirementRule]] = []
    for index, req in enumerate(plan.requirements):
        if lic.type not in req.license:
            continue
        if req.cycles is not None and not req.cycles.contains(lic.issued):
            continue
        if req.renewals is not None and not req.renewals.contains(
            _cycle_for(lic, req, plan.as_of)[1]
        ):
            continue
        if req.when_educator.test(eget) and req.when_license.test(lget):
            specific = req.when_educator.size() + req.when_license.size()
            specific += (req.cycles is not None) + (req.renewals is not None)
            found.append((specific, index, req))
    return max(found, key=lambda f: (f[0], f[1]))[2] if found else None


def _no_requirement_reason(plan: Plan, ed: Educator, lic: License) -> str:
    """Why no renewal requirement applies (NO_REQUIREMENT's `{reason}`): no requirement names
    the type, or, for each that does, which condition failed."""
    same_type = [r for r in plan.requirements if lic.type in r.license]
    if not same_type:
        return requirements_clause(t for r in plan.requirements for t in r.license)
    reasons = []
    for r in same_type:
        why = []
        if r.cycles is not None and not r.cycles.contains(lic.issued):
            why.append(cycles_miss(r))
        if r.renewals is not None and not r.renewals.contains(_cycle_for(lic, r, plan.as_of)[1]):
            why.append(renewals_miss(r))
        if not r.when_educator.test(_educator_getter(ed)):
            why.append(educator_miss(r))
        if not r.when_license.test(_license_getter(lic)):
            why.append(LICENSE_MISS)
        reasons.append(f"{r.id}{REASON_SEP}{REASON_JOIN.join(why) or NOT_APPLICABLE}")
    return REQUIREMENTS_JOIN.join(reasons)


# the words of `_no_requirement_reason`, which the batch path assembles per row too
LICENSE_MISS = "license conditions do not match"
NOT_APPLICABLE = "does not apply"
REASON_SEP = ": "
REASON_JOIN = "; "
REQUIREMENTS_JOIN = " | "


def cycles_miss(r: RequirementRule) -> str:
    """A requirement's cycles do not include the license's issue date."""
    assert r.cycles is not None
    return f"applies to licenses issued {r.cycles.start or '…'} to {r.cycles.until or '…'}"


def renewals_miss(r: RequirementRule) -> str:
    """A requirement's renewals do not include the cycle's end (the license's expiry)."""
    assert r.renewals is not None
    return (
        f"applies to licenses renewing (cycle ending) {r.renewals.start or '…'} to "
        f"{r.renewals.until or '…'}"
    )


def educator_miss(r: RequirementRule) -> str:
    """A requirement's educator conditions do not match."""
    fields = sorted(
        f for f in ("role", "grade_band", "experience_years") if r.when_educator.mentions(f)
    )
    return f"needs educator {', '.join(fields) or 'conditions'} to match"


def _condition_checks(
    cond: Conditions, ed: Educator | None, lic: License | None
) -> list[dict[str, Any]]:
    """Each non-credit condition with what it requires, what was found and whether it holds
    (`message` says what is missing)."""
    out: list[dict[str, Any]] = []
    if cond.experience_years is not None:
        have = ed.experience_years if ed is not None else None
        out.append(
            {
                "condition": "experience_years",
                "required": str(cond.experience_years),
                "found": None if have is None else str(have),
                "met": have is not None and have >= cond.experience_years,
                "message": f"at least {cond.experience_years} years of experience",
            }
        )
    if cond.cycle_experience_years is not None:
        got = lic.experience_years if lic is not None else None
        out.append(
            {
                "condition": "cycle_experience_years",
                "required": str(cond.cycle_experience_years),
                "found": None if got is None else str(got),
                "met": got is not None and got >= cond.cycle_experience_years,
                "message": f"at least {cond.cycle_experience_years} years of qualifying "
                "experience within the license's validity period",
            }
        )
    if cond.recommendation is not None:
        recs = list(ed.recommendations) if ed is not None else []
        out.append(
            {
                "condition": "recommendation",
                "required": cond.recommendation,
                "found": ", ".join(recs) or None,
                "met": cond.recommendation in recs,
                "message": f"the recommendation of {cond.recommendation.replace('_', ' ')}",
            }
        )
    if cond.evaluation_min_score is not None:
        evs = ed.evaluations if ed is not None else []
        recent = sorted(evs, key=lambda ev: ev.year, reverse=True)[: cond.evaluation_years]
        ok = len(recent) == cond.evaluation_years and all(
            ev.score >= cond.evaluation_min_score for ev in recent
        )
        out.append(
            {
                "condition": "evaluations",
                "required": f"last {cond.evaluation_years} scores >= {cond.evaluation_min_score}",
                "found": ", ".join(f"{ev.year}: {ev.score}" for ev in recent) or None,
                "met": ok,
                "message": f"the last {cond.evaluation_years} evaluation(s) must "
                f"score at least {cond.evaluation_min_score}",
            }
        )
    return out


def _alternatives(
    plan: Plan,
    alts: list[Alternative],
    ed: Educator | None,
    lic: License | None,
    earned: dict[str, Decimal],
) -> tuple[list[dict[str, Any]], str | None]:
    """The alternatives in force on as_of, each with its checks and whether it is met, and the
    id of the first met one (None: none is)."""
    out: list[dict[str, Any]] = []
    first: str | None = None
    for alt in alts:
        if not alt.in_force(plan.as_of):
            continue
        checks: list[dict[str, Any]] = [
            {
                "condition": unit,
                "required": plan.show(unit, need),
                "found": plan.show(unit, earned.get(unit, ZERO)),
                "met": earned.get(unit, ZERO) >= need,
                "message": f"{plan.show(unit, max(ZERO, need - earned.get(unit, ZERO)))} more "
                f"{unit} needed",
            }
            for unit, need in alt.requires.items()
        ]
        checks.extend(_condition_checks(alt.conditions, ed, lic))
        met = all(c["met"] for c in checks)
        if met and first is None:
            first = alt.id
        out.append(
            {
                "id": alt.id,
                "title": alt.title,
                "source": alt.source.cite() if alt.source is not None else None,
                "effective": None
                if alt.effective is None
                else {
                    "from": None
                    if alt.effective.start is None
                    else alt.effective.start.isoformat(),
                    "until": None
                    if alt.effective.until is None
                    else alt.effective.until.isoformat(),
                },
                "met": met,
                "conditions": checks,
            }
        )
    return out, first


def _renewal(
    plan: Plan,
    lic: License,
    req: RequirementRule,
    ledger: list[LedgerEntry],
    ed: Educator | None = None,
    account: dict[str, Any] | None = None,
) -> Renewal:
    """One license's renewal. With `account` (for `explain`), it is filled with how each
    ledger entry fared: outside the window, counted, cut by a cycle cap (and which), and every
    part of the category allocation."""
    start, end = _cycle_for(lic, req, plan.as_of)
    show = plan.shown
    in_window = [
        e for e in ledger if e.amount > 0 and (req.window == "none" or start <= e.date <= end)
    ]
    counted: dict[int, Decimal] = {id(e): e.amount for e in in_window}
    caps = [
        c
        for c in plan.caps
        if c.scope == "cycle"
        and (c.unit in req.requires or c.unit == req.cat_unit)
        and c.in_force(end)  # caps in force when this renewal falls due
    ]
    limits: dict[str, Decimal] = {}
    for cap in caps:
        limit = (
            cap.max
            if cap.max is not None
            else (cap.share or ZERO) * req.requires.get(cap.unit, ZERO)
        )
        limits[cap.id] = plan.rounders[cap.unit](limit) if cap.unit in plan.rounders else limit
    # all cycle caps at once, entry by entry in date order (independent of the caps' order)
    spent: dict[str, Decimal] = defaultdict(Decimal)
    excluded: dict[str, Decimal] = defaultdict(Decimal)
    bound: dict[int, CapRule] = {}
    for e in in_window:
        hits = [c for c in caps if _cap_matches(c, e)]
        if not hits:
            continue
        room, binding = min(
            ((max(ZERO, limits[c.id] - spent[c.id]), c) for c in hits), key=lambda r: r[0]
        )
        take = min(counted[id(e)], room)
        if take < counted[id(e)]:
            bound[id(e)] = binding
        excluded[binding.id] += counted[id(e)] - take
        counted[id(e)] = take
        for c in hits:
            spent[c.id] += take
    capped = [
        CycleCap(
            **cite(cap, "cap"),
            unit=cap.unit,
            limit=show(cap.unit, limits[cap.id]),
            excluded=show(cap.unit, excluded[cap.id]),
        )
        for cap in caps
        if excluded[cap.id] > 0
    ]
    earned: dict[str, Decimal] = defaultdict(Decimal)
    for e in in_window:
        earned[e.unit] += counted[id(e)]
    required = dict(req.requires)
    remaining = {u: max(ZERO, a - earned[u]) for u, a in required.items()}
    categories: dict[str, CategoryProgress] = {}
    allocation: list[Allocation] = []
    parts: list[tuple[LedgerEntry, str, Decimal]] = []
    if req.categories:
        cu = req.cat_unit
        items = [
            (f"{i}", counted[id(e)], e.categories)
            for i, e in enumerate(in_window)
            if e.unit == cu and counted[id(e)] > 0
        ]
        index = {f"{i}": e for i, e in enumerate(in_window)}
        scale = plan.rounders[cu].places if cu in plan.rounders else Decimal("0.01")
        scale = min(scale, Decimal("0.01"))
        got: dict[str, Decimal] = defaultdict(Decimal)
        for key, cat, amt in allocate(items, req.categories, req.open_categories, scale):
            got[cat] += amt
            e = index[key]
            parts.append((e, cat, amt))
            allocation.append(
                Allocation(credential=e.credential, rule=e.rule, category=cat, amount=show(cu, amt))
            )
        allocation.sort(key=lambda a: (a.category, a.credential, a.rule))
        for cat, need in req.categories.items():
            categories[cat] = CategoryProgress(
                required=show(cu, need),
                earned=show(cu, got[cat]),
                remaining=show(cu, max(ZERO, need - got[cat])),
            )
    complete = all(v == 0 for v in remaining.values()) and all(
        c.remaining == 0 for c in categories.values()
    )
    # another way to renew (e.g. qualifying experience) completes it when the credit does not
    alternatives, satisfied = _alternatives(plan, req.alternatives, ed, lic, earned)
    satisfied_by = None if complete else satisfied
    complete = complete or satisfied is not None
    if complete:
        status = "complete"
    elif plan.as_of < start:
        status = "not_started"
    elif plan.as_of > end:
        status = "expired"
    elif (end - plan.as_of).days <= req.at_risk_days:
        status = "at_risk"
    else:
        status = "on_track"
    short = [c for c, v in categories.items() if v.remaining > 0]
    if account is not None:
        units = set(required) | ({req.cat_unit} if req.categories else set())
        account.update(
            {
                "requirement": req,
                "cycle": (start, end),
                "entries": [
                    (e, id(e) in counted, counted.get(id(e), ZERO), bound.get(id(e)))
                    for e in ledger
                    if e.amount > 0 and e.unit in units
                ],
                "parts": parts,
                "category_unit": req.cat_unit if req.categories else None,
            }
        )
    return Renewal(
        license=lic.type,
        license_id=lic.id,
        cycle=Cycle(start=start, end=end),
        required={u: show(u, a) for u, a in required.items()},
        earned={u: show(u, earned[u]) for u in required},
        remaining={u: show(u, a) for u, a in remaining.items()},
        categories=categories,
        complete=complete,
        status=status,
        short_categories=short,
        **cite(req),
        capped=capped,
        allocation=allocation,
        satisfied_by=satisfied_by,
        alternatives=[AlternativeResult.model_validate(a) for a in alternatives],
    )


def _advancement(
    plan: Plan,
    ed: Educator,
    ledger: list[LedgerEntry],
    accounts: list[dict[str, Any]] | None = None,
) -> list[Advancement]:
    """Each reachable tier, eligible or not, with its unmet conditions. With `accounts` (for
    `explain`), one account per tier lists every condition, met or not, with required / found
    (and each alternative's)."""
    out: list[Advancement] = []
    eget = _educator_getter(ed)
    for adv in plan.advancement:
        holders = [lic for lic in ed.licenses if lic.type in adv.from_]
        if not holders or not adv.when_educator.test(eget):
            continue
        lic = max(holders, key=lambda li: li.issued)
        if any(h.type == adv.tier and h.issued >= lic.issued for h in ed.licenses):
            continue  # already holds the tier this advancement leads to
        start, end = _cycle_for(lic, None, plan.as_of)
        unmet: list[dict[str, Any]] = []
        earned: dict[str, Decimal] = defaultdict(Decimal)
        for e in ledger:
            if e.amount > 0 and (adv.window == "none" or start <= e.date <= end):
                earned[e.unit] += e.amount
        credit: list[dict[str, Any]] = []
        for unit, need in adv.requires.items():
            if earned[unit] < need:
                credit.append(
                    {
                        "condition": unit,
                        "required": plan.show(unit, need),
                        "found": plan.show(unit, earned[unit]),
                        "message": f"{plan.show(unit, need - earned[unit])} more {unit} needed",
                    }
                )
        # `conditions` hold on every path; an alternative stands in for the credit
        alternatives, satisfied = _alternatives(plan, adv.alternatives, ed, lic, earned)
        satisfied_by = None if not credit else satisfied
        if satisfied_by is None:
            unmet.extend(credit)
        checks = _condition_checks(adv.conditions, ed, lic)
        for check in checks:
            if not check["met"]:
                unmet.append({k: v for k, v in check.items() if k != "met"})
        if accounts is not None:
            credit_checks = [
                {
                    "condition": unit,
                    "required": plan.show(unit, need),
                    "found": plan.show(unit, earned[unit]),
                    "met": earned[unit] >= need,
                    "message": f"{plan.show(unit, earned[unit])} {unit} earned from {start} to "
                    f"{end}",
                }
                for unit, need in adv.requires.items()
            ]
            accounts.append(
                {
                    "rule": adv,
                    "window": (start, end) if adv.window != "none" else None,
                    "conditions": credit_checks + checks,
                    "satisfied_by": satisfied_by,
                }
            )
        out.append(
            Advancement(
                tier=adv.tier,
                from_=lic.type,
                eligible=not unmet,
                unmet=[Unmet(**u) for u in unmet],
                **cite(adv),
                satisfied_by=satisfied_by,
                alternatives=[AlternativeResult.model_validate(a) for a in alternatives],
            )
        )
    return out


def build_ledger(
    plan: Plan, ed: Educator
) -> tuple[list[LedgerEntry], list[Warning], list[Facts], list[Facts]]:
    """The award ledger (sorted by date, credential, rule), warnings, the credentials that
    passed the issuer gate, and those no award rule matched."""
    warnings: list[Warning] = []
    ledger: list[LedgerEntry] = []
    credited: list[Facts] = []
    unmatched: list[Facts] = []
    first_of: dict[tuple[str | None, str], str] = {}
    memo = plan.memo("award")
    for cred in sorted(ed.credentials, key=_EARNED_ID):
        facts = Facts(cred, plan)
        why = _gate(facts, plan)
        if why is None and cred.earned > plan.as_of:
            why = _warn(
                WarningCode.EARNED_AFTER_AS_OF,
                credential=cred.id,
                subject=f"credential '{cred.id}' was earned",
                day=cred.earned,
                as_of=plan.as_of,
            )
        if why is None and cred.kind == "micro_credential" and cred.code is not None:
            key = (cred.issuer, cred.code)
            if key in first_of:
                why = _warn(
                    WarningCode.DUPLICATE_CREDENTIAL,
                    credential=cred.id,
                    code=cred.code,
                    issuer=cred.issuer,
                    first=first_of[key],
                )
            else:
                first_of[key] = cred.id
        if why is not None:
            warnings.append(why)
            continue
        v = cred.verification
        if v is not None and v.status != "verified":
            warnings.append(
                _warn(
                    WarningCode.UNVERIFIED_CREDITED,
                    credential=cred.id,
                    status=v.status,
                    reason=v.reason,
                    jurisdiction=plan.jurisdiction.id,
                )
            )
        matched = False
        credited.append(facts)
        get = facts.get
        for ca in plan.by_kind.get(cred.kind, ()):
            if not ca.rule.when.check(get):
                continue
            matched = True
            entry, warning = _award(facts, ca, plan, memo)
            if warning is not None:
                warnings.append(warning)
            if entry is not None:
                ledger.append(entry)
        if not matched:
            unmatched.append(facts)
    future = [ev for ev in ed.evaluations if dt.date(ev.year, 6, 30) > plan.as_of]
    for ev in sorted(future, key=lambda v: v.year):
        warnings.append(
            _warn(
                WarningCode.EARNED_AFTER_AS_OF,
                credential=f"evaluation:{ev.year}",
                subject=f"the evaluation for school year {ev.year - 1}-{str(ev.year)[2:]} ends",
                day=f"{ev.year}-06-30",
                as_of=plan.as_of,
            )
        )
    for ca in plan.evaluation_awards:
        table = ca.rule.table or {}
        for ev in sorted(ed.evaluations, key=lambda v: v.year):
            amount = table.get(ev.score)
            if amount is None or dt.date(ev.year, 6, 30) > plan.as_of:
                continue
            ledger.append(
                LedgerEntry(
                    credential=f"evaluation:{ev.year}",
                    unit=ca.rule.unit,
                    amount=plan.rounders[ca.rule.unit](amount),
                    rule=ca.rule.id,
                    title=ca.title,
                    source=ca.cite,
                    file=ca.file,
                    line=ca.line,
                    date=dt.date(ev.year, 6, 30),
                    basis=f"school year {ev.year - 1}-{str(ev.year)[2:]} "
                    f"score {ev.score} → {amount}",
                    kind="evaluation",
                )
            )
    ledger.extend(_stacks(plan, credited, ledger))
    ledger.sort(key=_LEDGER_ORDER)
    _apply_caps(plan, ledger)
    return ledger, warnings, credited, unmatched


def renew(
    plan: Plan,
    ed: Educator,
    ledger: list[LedgerEntry],
    warnings: list[Warning],
    accounts: list[dict[str, Any]] | None = None,
) -> list[Renewal]:
    """The renewal step: one status per license with a requirement in force (a license with
    neither a requirement nor an advancement path adds a `no_requirement` warning). With
    `accounts`, one account per renewal (see `_renewal`)."""
    renewal: list[Renewal] = []
    for lic in sorted(ed.licenses, key=lambda li: (li.issued, li.type)):
        req = _pick_requirement(plan, ed, lic)
        if req is None:
            if not any(lic.type in a.from_ for a in plan.advancement):
                warnings.append(
                    _warn(
                        WarningCode.NO_REQUIREMENT,
                        jurisdiction=plan.jurisdiction.id,
                        as_of=plan.as_of,
                        license=lic.type,
                        reason=_no_requirement_reason(plan, ed, lic),
                    )
                )
            continue
        acc: dict[str, Any] | None = None
        if accounts is not None:
            acc = {}
            accounts.append(acc)
        renewal.append(_renewal(plan, lic, req, ledger, ed, acc))
    return renewal


def advance(
    plan: Plan,
    ed: Educator,
    ledger: list[LedgerEntry],
    accounts: list[dict[str, Any]] | None = None,
) -> list[Advancement]:
    """The advancement step: each tier reachable from a license held, eligible or not."""
    return _advancement(plan, ed, ledger, accounts)


def document(
    plan: Plan,
    ed: Educator,
    *,
    ledger: list[LedgerEntry],
    warnings: list[Warning],
    unmatched: list[Facts],
    renewal: list[Renewal],
    advancement: list[Advancement],
    salary: Salary | None = None,
    claimed: set[str] | frozenset[str] = frozenset(),
    rules_used: set[str] | frozenset[str] = frozenset(),
) -> Evaluation:
    """The evaluation document (DESIGN.md §4) from the steps' results: `claimed` are the ids
    of credentials a later step (salary) matched, so they get no `no_rule` warning;
    `rules_used` are the rules that step applied (for the review-due warnings)."""
    for facts in unmatched:
        if facts.cred.id in claimed:
            continue
        warnings.append(
            _warn(
                WarningCode.NO_RULE,
                credential=facts.cred.id,
                jurisdiction=plan.jurisdiction.id,
                as_of=plan.as_of,
                kind=facts.cred.kind.replace("_", " "),
            )
        )
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for e in ledger:
        totals[e.unit] += e.amount
    used = {e.rule for e in ledger} | {r.rule for r in renewal} | {a.rule for a in advancement}
    # every cap on a unit in play (a capped entry's unit is always in totals)
    units_in_play = set(totals) | {u for r in renewal for u in r.required}
    used |= {c.id for c in plan.caps if c.unit in units_in_play}
    used |= rules_used
    for rule_id, review_by in plan.stale:
        if rule_id not in used:
            continue
        warnings.append(_warn(WarningCode.RULE_REVIEW_DUE, rule=rule_id, review_by=review_by))
    j = plan.jurisdiction
    return Evaluation(
        educator=ed.id,
        jurisdiction=j.id,
        as_of=plan.as_of,
        ruleset=RulesetRef(id=f"{j.id}@{j.version}", sha256=plan.sha256),
        proposal=None if j.proposal is None else ProposalApplied.model_validate(j.proposal),
        totals={u: plan.shown(u, totals[u]) for u in sorted(totals)},
        renewal=renewal,
        advancement=advancement,
        salary=salary,
        ledger=[e.as_line(plan.shown) for e in ledger],
        warnings=warnings,
    )
