"""Salary credit: what each credential offers each lane rule, computed once per evaluation.

Only credentials filed (`submitted`) on or before `as_of` and after the placement's `since`
date count (`Filing.counts`). A credential is credited by the first credit spec of a rule that
matches it, with the spec's clauses applied in this order: filed and evidence, prior approval,
pooled hours (`hours_per_credit`), the annual cap (`max_per_year`). The pool and the cap run
over every counting credential in (earned, id) order, so a credential's credit toward a rule
does not depend on what earlier lane moves consumed: `CreditView` computes it once per rule
and each lane move subtracts what earlier moves took (`CreditView.available`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from operator import attrgetter
from typing import Any, Protocol

from ..io.educator import Credential
from ..result import Warning, WarningCode
from ..rules._models import LaneCredit, LaneRule
from ..rules._paydates import mmdd
from ._calendar import ZERO, plus_years
from ._placement import SalaryPlan

__all__ = ["CreditView", "CredentialFacts", "Filing", "SalaryCredit", "cap_year", "measure"]


class CredentialFacts(Protocol):
    """A credential as the matchers see it (the engine's `Facts`)."""

    @property
    def cred(self) -> Credential: ...

    @property
    def categories(self) -> tuple[str, ...]: ...

    @property
    def contact_hours(self) -> Decimal | None: ...

    def get(self, name: str) -> Any: ...


@dataclass(frozen=True)
class SalaryCredit:
    """The credit one credential offers one lane rule (after what earlier moves consumed)."""

    facts: CredentialFacts
    filed: dt.date
    amount: Decimal
    categories: tuple[str, ...]
    rule: LaneRule
    spec: LaneCredit
    basis: str
    #: the last day the credit stays in the bank (`expires_after_years`), else None
    until: dt.date | None = None
    notes: tuple[str, ...] = ()


def measure(facts: CredentialFacts, per: str) -> Decimal | None:
    """The measure a spec multiplies by its rate (`per`)."""
    if per == "credential":
        return Decimal(1)
    if per == "contact_hours":
        return facts.contact_hours
    got: Decimal | None = getattr(facts.cred, per)
    return got


def cap_year(day: dt.date, start: str) -> dt.date:
    """The start of the cap year (from `start`, MM-DD) holding `day`."""
    first = mmdd(start, day.year)
    return first if day >= first else mmdd(start, day.year - 1)


@dataclass
class Filing:
    """One evaluation's view of when credentials were filed, and its warnings: each
    `submitted_missing` once per credential, and a clause that refuses or caps a credential's
    credit (`once`) once per credential however many lane rules weigh it."""

    sp: SalaryPlan
    since: dt.date | None
    warnings: list[Warning] = field(default_factory=list)
    _missing: set[str] = field(default_factory=set)
    _said: set[tuple[str, str | None]] = field(default_factory=set)

    def filed(self, f: CredentialFacts) -> dt.date | None:
        """The filing date (`submitted`; without one, `earned` with a warning, or None where
        the district treats it as not filed)."""
        cred = f.cred
        if cred.submitted is not None:
            return cred.submitted
        if self.sp.settings is not None and self.sp.settings.missing_submitted == "not_filed":
            return None
        if cred.id not in self._missing:
            self._missing.add(cred.id)
            self.warnings.append(Warning.of(WarningCode.SUBMITTED_MISSING, credential=cred.id))
        return cred.earned

    def counts(self, f: CredentialFacts, rule: LaneRule) -> dt.date | None:
        """The filing date when the credential counts toward `rule` on `as_of`, else None."""
        filed = self.filed(f)
        if filed is None or filed > self.sp.as_of:
            return None
        if self.since is not None and filed <= self.since:
            return None
        days = rule.evidence_within_days
        late = (filed - f.cred.earned).days
        if days is not None and late > days:
            self.warnings.append(
                Warning.of(
                    WarningCode.EVIDENCE_LATE,
                    credential=f.cred.id,
                    rule=rule.id,
                    days=late,
                    limit=days,
                )
            )
            return None
        return filed

    def once(self, w: Warning) -> None:
        key = (w.code.value, w.credential)
        if key not in self._said:
            self._said.add(key)
            self.warnings.append(w)


# credentials in the order lane credit considers them: earned date, then id
_EARNED_ID = attrgetter("cred.earned", "cred.id")


def _order(c: SalaryCredit) -> tuple[dt.date, dt.date, str]:
    return (c.filed, c.facts.cred.earned, c.facts.cred.id)


class CreditView:
    """The salary credit of one evaluation's eligible credentials, per lane rule, each rule's
    computed on first use and kept (the pool and the cap make it independent of consumption).

    `used` collects the ids of credentials a salary rule matched."""

    def __init__(
        self, sp: SalaryPlan, eligible: Iterable[CredentialFacts], filing: Filing, used: set[str]
    ) -> None:
        self.sp = sp
        self.eligible = sorted(eligible, key=_EARNED_ID)
        self.filing = filing
        self.used = used
        self._offers: dict[str, list[SalaryCredit]] = {}

    def available(self, rule: LaneRule, consumed: dict[str, Decimal]) -> list[SalaryCredit]:
        """The credit each credential still offers `rule`, in filing order (filed, earned,
        id): its full credit less what earlier moves consumed, where anything is left."""
        offers = self._offers.get(rule.id)
        if offers is None:
            offers = self._offers[rule.id] = _offers(rule, self)
        if not consumed:
            return offers
        out: list[SalaryCredit] = []
        for c in offers:
            took = consumed.get(c.facts.cred.id)
            if took is None:
                out.append(c)
            elif c.amount - took > 0:
                out.append(replace(c, amount=c.amount - took))
        return out


def _offers(rule: LaneRule, view: CreditView) -> list[SalaryCredit]:
    sp, filing, warn = view.sp, view.filing, view.filing.once
    out: list[SalaryCredit] = []
    # a spec's matcher never matches a credential of a kind it does not name: skip the call
    specs = [
        (k, spec, spec.when.kinds, spec.when.check, sp.lane_rates.get((rule.id, k)))
        for k, spec in enumerate(rule.credit)
    ]
    pools: dict[int, Decimal] = {}
    capped: dict[tuple[int, dt.date], Decimal] = {}
    for f in view.eligible:
        get, kind = f.get, f.cred.kind
        for k, spec, kinds, check, rate in specs:
            if (kinds is not None and kind not in kinds) or not check(get):
                continue
            view.used.add(f.cred.id)
            m = measure(f, spec.per)
            if rate is None or m is None:
                continue
            filed = filing.counts(f, rule)
            if filed is None:
                break
            got = _credit(rule, k, spec, f, rate, m, sp, pools, capped, warn)
            if got is not None:
                full, basis, notes = got
                if full > 0:
                    cats = tuple(spec.categories) if spec.categories is not None else f.categories
                    until = (
                        plus_years(f.cred.earned, spec.expires_after_years)
                        if spec.expires_after_years is not None
                        else None
                    )
                    out.append(SalaryCredit(f, filed, full, cats, rule, spec, basis, until, notes))
            break
    out.sort(key=_order)
    return out


def _credit(
    rule: LaneRule,
    k: int,
    spec: LaneCredit,
    f: CredentialFacts,
    rate: Decimal,
    m: Decimal,
    sp: SalaryPlan,
    pools: dict[int, Decimal],
    capped: dict[tuple[int, dt.date], Decimal],
    warn: Callable[[Warning], None],
) -> tuple[Decimal, str, tuple[str, ...]] | None:
    """(full credit, basis, notes) of a counting credential under `spec`, or None where prior
    approval refuses it; `pools` and `capped` carry the pool and the cap across credentials."""
    cred = f.cred
    if spec.prior_approval and (cred.approved is None or cred.approved > cred.earned):
        found = (
            "no `approved` date"
            if cred.approved is None
            else f"an approval dated {cred.approved}, after it was earned ({cred.earned})"
        )
        warn(
            Warning.of(
                WarningCode.PRIOR_APPROVAL_MISSING, credential=cred.id, rule=rule.id, found=found
            )
        )
        return None
    notes: list[str] = []
    unit = spec.per.replace("_", " ")
    if spec.hours_per_credit is not None:
        n = spec.hours_per_credit
        before = pools.get(k, ZERO)
        pools[k] = before + m
        blocks = int((before + m) // n) - int(before // n)
        full = blocks * rate
        banked = (before + m) % n
        basis = (
            f"{m} {unit} pooled ({before % n} banked before): every {n} = "
            f"{rate} credit, {blocks} full; {banked} banked toward the next"
        )
    else:
        full = m * rate
        basis = f"1 credential × {rate}" if spec.per == "credential" else f"{m} {unit} × {rate}"
    if spec.max_per_year is not None and full > 0:
        assert sp.settings is not None
        year = cap_year(cred.earned, spec.year_start or sp.settings.school_year_start)
        room = max(ZERO, spec.max_per_year - capped.get((k, year), ZERO))
        if full > room:
            notes.append(
                f"capped: {room} of {full} counted (at most {spec.max_per_year} a year "
                f"from {year}; {full - room} over the cap)"
            )
            warn(
                Warning.of(
                    WarningCode.SALARY_CREDIT_CAPPED,
                    credential=cred.id,
                    rule=rule.id,
                    most=spec.max_per_year,
                    year=year,
                    over=full - room,
                    full=full,
                )
            )
            full = room
        capped[(k, year)] = capped.get((k, year), ZERO) + full
    return full, basis, tuple(notes)
