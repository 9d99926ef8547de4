"""Ledger entries and exact decimal arithmetic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from ..result import LedgerKind, LedgerLine
from ..rules._models import UnitDef

__all__ = ["LedgerEntry", "Rounder", "cite", "fmt", "money"]

_MODES = {
    "half_up": ROUND_HALF_UP,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
    "half_even": ROUND_HALF_EVEN,
}
CENT = Decimal("0.01")


class Rounder:
    """Round to a unit's declared increment (e.g. 0.5 PDP, 0.1 CEU) with its declared mode."""

    __slots__ = ("inc", "mode", "places")

    def __init__(self, unit: UnitDef) -> None:
        self.inc = unit.round
        self.mode = _MODES[unit.rounding]
        exp = self.inc.normalize().as_tuple().exponent
        self.places = Decimal(1).scaleb(exp if isinstance(exp, int) and exp < 0 else 0)

    def __call__(self, amount: Decimal) -> Decimal:
        steps = (amount / self.inc).quantize(Decimal(1), rounding=self.mode)
        return (steps * self.inc).quantize(self.places)

    def show(self, amount: Decimal) -> str:
        return str(amount.quantize(self.places))


def cite(rule: Any, key: str = "rule") -> dict[str, Any]:
    """The rule behind a figure: its id (under `key`), title, source and file:line."""
    origin = rule.origin
    return {
        key: rule.id,
        "title": rule.title,
        "source": rule.source.cite(),
        "file": origin.path if origin else None,
        "line": origin.line if origin else None,
    }


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(amount: Decimal) -> str:
    return str(amount)


@dataclass(slots=True)
class LedgerEntry:
    """One award of an amount of a unit, from one credential (or stack or evaluation).
    The award step builds it positionally (`engine._credits._award`): keep the field order."""

    credential: str
    unit: str
    amount: Decimal
    rule: str
    title: str
    source: str
    file: str
    line: int
    date: dt.date
    basis: str
    kind: LedgerKind = "award"
    categories: tuple[str, ...] = ()
    match: Any = None
    notes: list[str] = field(default_factory=list)
    consumed_by: str | None = None
    original: Decimal | None = None
    # what verifying the credential's badge found (issue 12); None for a declared credential
    verification: dict[str, Any] | None = None

    def as_line(self, places: Mapping[str, Decimal]) -> LedgerLine:
        """The entry as the evaluation document shows it: amounts quantized to their unit's
        places (`places`: unit → `Rounder.places`, as `Plan.shown`; a unit without is shown as
        it is). Built with every field given (`LedgerLine.whole`): per line, building it
        through keyword arguments cost as much as the award itself (issue 14)."""
        p = places.get(self.unit)
        amount, original = self.amount, self.original
        if p is not None:
            amount = amount.quantize(p)
            if original is not None:
                original = original.quantize(p)
        v = self.verification
        return LedgerLine.whole(
            {
                "credential": self.credential,
                "unit": self.unit,
                "amount": amount,
                "rule": self.rule,
                "title": self.title,
                "source": self.source,
                "file": self.file,
                "line": self.line,
                "date": self.date,
                "basis": self.basis,
                "categories": list(self.categories),
                "kind": self.kind,
                "before_caps": original,
                "notes": list(self.notes),
                "consumed_by": self.consumed_by,
                "verification": None if v is None else dict(v),
            }
        )
