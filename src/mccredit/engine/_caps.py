"""Step 5, caps: which ledger entries a cap covers (`_cap_matches`, also used by the renewal's
cycle caps) and the credential/career caps applied in date order (`_apply_caps`)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..ledger import LedgerEntry
from ..rules._models import CapRule
from ._facts import ZERO, Facts
from ._plan import Plan


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
