"""Permanent base increases: each qualifying credential adds its amount to the base pay, at
most `max_count` credentials and `max_total` in all. A credential filed on or before the
placement's `since` date is already in the base pay of the placement; a later one takes effect
by the rule's deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..ledger import LedgerEntry
from ..result import Warning, WarningCode
from ..result._models import PayMode
from ..rules._models import BaseIncreaseRule
from ._calendar import ZERO, money
from ._credit import CreditView
from ._lanes import not_before

__all__ = ["BaseIncrease", "Increases", "base_increases"]


@dataclass(frozen=True)
class BaseIncrease:
    """One credential's base increase, and when it takes effect."""

    rule: BaseIncreaseRule
    amount: Decimal
    credential: str
    filed: dt.date
    effective: dt.date
    mode: PayMode
    school_year: dt.date


@dataclass(frozen=True)
class Increases:
    """The increases still to take effect, the part already in the placement's pay, and the
    `salary_base` ledger entries."""

    pending: list[BaseIncrease]
    already: Decimal
    entries: list[LedgerEntry]


def base_increases(view: CreditView) -> Increases:
    sp, filing = view.sp, view.filing
    assert sp.calendar is not None
    since, as_of, cal = filing.since, sp.as_of, sp.calendar
    pending: list[BaseIncrease] = []
    entries: list[LedgerEntry] = []
    already = ZERO
    for rule, amount in sp.base_increases:
        count = 0
        total = ZERO
        for f in view.eligible:
            if not rule.when.test(f.get):
                continue
            view.used.add(f.cred.id)
            filed = filing.filed(f)
            if filed is None or filed > as_of:
                continue
            if rule.max_count is not None and count >= rule.max_count:
                filing.warnings.append(
                    Warning.of(
                        WarningCode.BASE_INCREASE_CAPPED,
                        credential=f.cred.id,
                        rule=rule.id,
                        most=rule.max_count,
                    )
                )
                continue
            add = amount
            if rule.max_total is not None and total + add > rule.max_total:
                add = max(ZERO, rule.max_total - total)
            if add <= 0:
                continue
            count += 1
            total += add
            origin = rule.origin
            entry = LedgerEntry(
                credential=f.cred.id,
                unit="salary_base",
                amount=money(add),
                rule=rule.id,
                title=rule.title,
                source=rule.source.cite(),
                file=origin.path if origin else "",
                line=origin.line if origin else 0,
                date=filed,
                basis=f"1 credential × {amount} a year",
                kind="salary",
                categories=f.categories,
            )
            if since is not None and filed <= since:
                already += money(add)
                entry.consumed_by = "placement"
                entry.notes.append("already in the base pay of the placement")
            else:
                eff, mode, sy = cal.effective(not_before(filed, rule), rule.deadlines)
                pending.append(BaseIncrease(rule, money(add), f.cred.id, filed, eff, mode, sy))
                entry.consumed_by = f"base_increase:{f.cred.id}"
            entries.append(entry)
    return Increases(pending, already, entries)
