"""Steps 2–6, credits → ledger (`build_ledger`): the gate, awards per credential (indexed by
kind, priced once per plan), evaluation awards, stack completions, then the caps of scope
`credential`/`career` (`_caps`); totals are summed by `document`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..io.educator import Educator
from ..ledger import LedgerEntry
from ..result import (
    Warning,
    WarningCode,
)
from ._caps import _apply_caps
from ._facts import _EARNED_ID, _LEDGER_ORDER, ZERO, Facts, _warn
from ._gate import UNKNOWN_CODE_BASIS, _gate
from ._plan import CompiledAward, Plan


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
    unknown = facts.unknown_code
    # the entry's fields but the credential's own (amount, basis, notes, the rule's cite)
    # depend only on the rule, the measure (its exact text) and whether the code is unknown:
    # rendered once per plan (`memo`) and reused
    key = (id(ca), audited, unknown, str(measure))
    rendered = memo.get(key)
    if rendered is None:
        rendered = _render(ca, measure, audited, unknown, plan)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = rendered
    unit, amount, rule_id, title, source, file, line, basis, notes = rendered
    cats = tuple(rule.categories) if rule.categories is not None else facts.categories
    v = cred.verification
    # positionally, in LedgerEntry's field order (keywords cost a third of the award)
    return (
        LedgerEntry(
            cred.id,
            unit,
            amount,
            rule_id,
            title,
            source,
            file,
            line,
            cred.earned,
            basis,
            "award",
            cats,
            facts,
            list(notes),
            None,
            None,
            None if v is None else v.brief(),
        ),
        None,
    )


# what `_render` gives: LedgerEntry's unit, amount, rule, title, source, file, line and
# basis, then the notes
Rendered = tuple[str, Decimal, str, str, str, str, int, str, tuple[str, ...]]


def _render(
    ca: CompiledAward, measure: Decimal, audited: bool, unknown: bool, plan: Plan
) -> Rendered:
    """An award's ledger fields for this measure and its notes."""
    amount, basis, notes = _price(ca, measure, audited, plan)
    if unknown:
        basis = f"{UNKNOWN_CODE_BASIS}; {basis}"
    rule = ca.rule
    return (rule.unit, amount, rule.id, ca.title, ca.cite, ca.file, ca.line, basis, notes)


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


def _evaluation_awards(plan: Plan, ed: Educator) -> list[LedgerEntry]:
    """The `per: evaluation` awards of the educator's evaluations (school years ended by
    as_of), each (award, year, score)'s fields rendered once per plan."""
    memo = plan.memo("evaluation_award")
    out: list[LedgerEntry] = []
    for ca in plan.evaluation_awards:
        table = ca.rule.table or {}
        for ev in sorted(ed.evaluations, key=lambda v: v.year):
            key = (id(ca), ev.year, ev.score)
            found = memo.get(key)
            if found is None:
                amount = table.get(ev.score)
                ends = dt.date(ev.year, 6, 30)
                found = (
                    None
                    if amount is None or ends > plan.as_of
                    else (
                        plan.rounders[ca.rule.unit](amount),
                        ends,
                        f"school year {ev.year - 1}-{str(ev.year)[2:]} score {ev.score} → {amount}",
                    )
                )
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                memo[key] = found
            if found is None:
                continue
            rounded, ends, basis = found
            out.append(
                LedgerEntry(
                    f"evaluation:{ev.year}",
                    ca.rule.unit,
                    rounded,
                    ca.rule.id,
                    ca.title,
                    ca.cite,
                    ca.file,
                    ca.line,
                    ends,
                    basis,
                    "evaluation",
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
    catalog = plan.memo("facts")
    for cred in sorted(ed.credentials, key=_EARNED_ID):
        facts = Facts(cred, plan, catalog)
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
            left = ca.residual  # the kind index decided the rest of `when`
            if left is not None and not left.check(get):
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
    if plan.evaluation_awards and ed.evaluations:
        ledger.extend(_evaluation_awards(plan, ed))
    ledger.extend(_stacks(plan, credited, ledger))
    ledger.sort(key=_LEDGER_ORDER)
    _apply_caps(plan, ledger)
    return ledger, warnings, credited, unmatched
