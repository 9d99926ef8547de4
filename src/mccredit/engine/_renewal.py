"""Step 7, renewal (`renew`): per license, the requirement in force (the most specific), its
cycle, the cycle caps, category allocation, alternatives and the status; and the words of
`no_requirement`'s reason, which the batch path assembles per row too."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from operator import itemgetter
from typing import Any

from ..io.educator import Educator, License
from ..ledger import LedgerEntry, allocate, cite
from ..result import (
    Allocation,
    CategoryProgress,
    Cycle,
    CycleCap,
    Renewal,
    Warning,
    WarningCode,
    requirements_clause,
)
from ..rules._models import CapRule, RequirementRule
from ._caps import _cap_matches
from ._conditions import _alternatives, alternative_results
from ._facts import ZERO, _educator_getter, _license_getter, _warn
from ._plan import Plan


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
    if req.window == "none":
        in_window = [e for e in ledger if e.amount > 0]
    else:
        in_window = [e for e in ledger if e.amount > 0 and start <= e.date <= end]
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
    for e in in_window if caps else ():
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
        CycleCap.build(
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
            (f"{i}", amount, e.categories)
            for i, e in enumerate(in_window)
            if e.unit == cu and (amount := counted[id(e)]) > 0
        ]
        scale = plan.rounders[cu].places if cu in plan.rounders else Decimal("0.01")
        scale = min(scale, Decimal("0.01"))
        got: dict[str, Decimal] = defaultdict(Decimal)
        # (category, credential, rule, amount shown) of each part, sorted (stably, on the
        # first three) before the parts are built; amounts shown as `plan.shown` shows them
        places = plan.places.get(cu)
        rows: list[tuple[str, str, str, Decimal]] = []
        for key, cat, amt in allocate(items, req.categories, req.open_categories, scale):
            got[cat] += amt
            e = in_window[int(key)]  # the key is the entry's index in the window
            parts.append((e, cat, amt))
            rows.append(
                (cat, e.credential, e.rule, amt.quantize(places) if places is not None else amt)
            )
        rows.sort(key=itemgetter(0, 1, 2))
        allocation = [
            Allocation.whole(
                {"credential": credential, "rule": rule, "category": cat, "amount": figure}
            )
            for cat, credential, rule, figure in rows
        ]
        for cat, need in req.categories.items():
            amount = got[cat]
            left = max(ZERO, need - amount)
            categories[cat] = CategoryProgress.whole(
                {"required": need, "earned": amount, "remaining": left}
                if places is None
                else {
                    "required": need.quantize(places),
                    "earned": amount.quantize(places),
                    "remaining": left.quantize(places),
                }
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
    return Renewal.build(
        license=lic.type,
        license_id=lic.id,
        cycle=Cycle.build(start=start, end=end),
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
        alternatives=alternative_results(alternatives),
    )


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
