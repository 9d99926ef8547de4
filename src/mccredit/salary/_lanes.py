"""Lane moves: walk from the current lane while the salary credit qualifies for a next one.

- A credential used by one lane move is consumed and never counts again (the ledger records
  `consumed_by`); a part left over carries to the next lane.
- Moves walk from the current lane, at most `max_lanes_per_year` taking effect in a school
  year (later ones wait for the next); a move qualifies on the filing date of the credential
  that completed it, and of two moves from one lane the one completed first wins (on the same
  day, the higher lane).
- A policy pays nothing before it exists: a move filed earlier counts as filed on its start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..ledger import LedgerEntry, allocate
from ..result import Warning, WarningCode
from ..result._models import PayMode
from ..rules._models import LaneRule
from ._calendar import ZERO, first_day, next_year
from ._credit import CreditView, SalaryCredit
from ._placement import Placement

__all__ = ["LaneMove", "Lanes", "credit_entry", "not_before", "walk_lanes"]

Allocation = list[tuple[str, str, Decimal]]


@dataclass(frozen=True)
class LaneMove:
    """A lane move: the rule, from and to, the day it qualified, and when it takes effect."""

    rule: LaneRule
    from_lane: str
    to_lane: str
    filed: dt.date
    effective: dt.date
    mode: PayMode
    school_year: dt.date


@dataclass(frozen=True)
class Lanes:
    """The walk's outcome: the moves in order, the lane it ends on, its ledger entries."""

    moves: list[LaneMove]
    lane: str
    entries: list[LedgerEntry]


def not_before(day: dt.date, rule: Any) -> dt.date:
    """`day`, or the rule's start when it starts later."""
    start = rule.effective.start if rule.effective is not None else None
    return max(day, start) if start is not None else day


def qualify(
    rule: LaneRule, credits: list[SalaryCredit]
) -> tuple[list[SalaryCredit], Allocation] | None:
    """The earliest-filed prefix of credits that meets the rule, with its category allocation;
    credit that has left the bank (`until` before the day the prefix completes) is skipped."""
    for i, last in enumerate(credits):
        prefix = [c for c in credits[: i + 1] if c.until is None or c.until >= last.filed]
        if sum((c.amount for c in prefix), ZERO) < rule.requires:
            continue
        if not rule.category_minimums:
            return prefix, []
        items = [(str(j), x.amount, x.categories) for j, x in enumerate(prefix)]
        alloc = allocate(items, rule.category_minimums, [], Decimal("0.01"))
        filled: dict[str, Decimal] = {}
        for _key, cat, amt in alloc:
            filled[cat] = filled.get(cat, ZERO) + amt
        if all(filled.get(cat, ZERO) >= need for cat, need in rule.category_minimums.items()):
            return prefix, alloc
    return None


def consume(
    rule: LaneRule, taken: list[SalaryCredit], alloc: Allocation
) -> list[tuple[SalaryCredit, Decimal]]:
    """How much of each credit a move uses: what the category allocation placed, then the
    earliest-filed remainder up to `requires`; anything beyond stays available."""
    used = [ZERO] * len(taken)
    for key, _cat, amount in alloc:
        used[int(key)] += amount
    need = rule.requires - sum(used, ZERO)
    for i, c in enumerate(taken):
        if need <= 0:
            break
        take = min(c.amount - used[i], need)
        used[i] += take
        need -= take
    return [(c, u) for c, u in zip(taken, used, strict=True) if u > 0]


def credit_entry(
    c: SalaryCredit, amount: Decimal, consumed_by: str | None, note: str | None = None
) -> LedgerEntry:
    """The `salary_credit` ledger entry of `amount` of a credit."""
    rule = c.rule
    origin = rule.origin
    e = LedgerEntry(
        credential=c.facts.cred.id,
        unit="salary_credit",
        amount=amount,
        rule=rule.id,
        title=rule.title,
        source=rule.source.cite(),
        file=origin.path if origin else "",
        line=origin.line if origin else 0,
        date=c.filed,
        basis=c.basis,
        kind="salary",
        categories=c.categories,
        consumed_by=consumed_by,
    )
    e.notes.extend(c.notes)
    if note:
        e.notes.append(note)
    return e


def walk_lanes(view: CreditView, placement: Placement) -> Lanes:
    """The lane moves the credit earns from the placement's lane, and the credit left over
    (listed toward the next lane, or reported expired)."""
    sp, filing = view.sp, view.filing
    assert sp.settings is not None and sp.calendar is not None
    settings, cal, warnings = sp.settings, sp.calendar, filing.warnings
    sched = placement.schedule
    entries: list[LedgerEntry] = []
    consumed: dict[str, Decimal] = {}
    last_move: dict[str, str] = {}
    lane = placement.lane
    moves: list[LaneMove] = []
    lane_order = sched.lanes
    max_moves = settings.max_lanes_per_year
    while True:
        options = [r for r in sp.lanes if r.from_ == lane]
        best: tuple[LaneRule, list[SalaryCredit], dt.date, Allocation] | None = None
        for rule in options if len(moves) < len(sp.lanes) else []:
            if rule.to not in lane_order:
                warnings.append(
                    Warning.of(
                        WarningCode.LANE_UNKNOWN, rule=rule.id, lane=rule.to, schedule=sched.title
                    )
                )
                continue
            got = qualify(rule, view.available(rule, consumed))
            if got is None:
                continue
            taken, alloc = got
            when = max(c.filed for c in taken)
            # the move completed first comes first; on the same day, the higher lane
            if best is None or (when, -lane_order.index(rule.to)) < (
                best[2],
                -lane_order.index(best[0].to),
            ):
                best = (rule, taken, when, alloc)
        if best is None:
            entries.extend(_left_over(view, options, consumed, last_move))
            break
        rule, taken, when, alloc = best
        if moves and moves[-1].filed > when:
            # a move from the lane the previous move reached qualifies once that one has: a
            # doctorate filed before the master's that moves BA to MA takes MA to DOC only
            # from the master's filing, never before the move it starts from
            when = moves[-1].filed
        move_id = f"lane:{rule.from_}->{rule.to}"
        for c, use in consume(rule, taken, alloc):
            consumed[c.facts.cred.id] = consumed.get(c.facts.cred.id, ZERO) + use
            last_move[c.facts.cred.id] = move_id
            entries.append(credit_entry(c, use, move_id))
        # a policy pays nothing before it exists: filed earlier counts as filed on its start
        eff, mode, sy = cal.effective(not_before(when, rule), rule.deadlines)
        # at most `max_lanes_per_year` moves take effect in one school year: later ones wait
        while sum(1 for m in moves if m.school_year == sy) >= max_moves:
            sy = next_year(sy, settings)
            eff, mode = max(first_day(sy, settings), eff), "next_school_year"
            warnings.append(
                Warning.of(
                    WarningCode.LANE_DEFERRED,
                    rule=rule.id,
                    most=max_moves,
                    from_lane=rule.from_,
                    to_lane=rule.to,
                    effective=eff,
                )
            )
        moves.append(LaneMove(rule, lane, rule.to, when, eff, mode, sy))
        lane = rule.to
    return Lanes(moves, lane, entries)


def _left_over(
    view: CreditView,
    options: list[LaneRule],
    consumed: dict[str, Decimal],
    last_move: dict[str, str],
) -> list[LedgerEntry]:
    """The credit still available toward the next lane, each credential once (options from
    the current lane first, then any lane rule that counts it); credit past its bank date is
    reported expired instead."""
    out: list[LedgerEntry] = []
    listed: set[str] = set()
    as_of = view.sp.as_of
    for rule in [*options, *(r for r in view.sp.lanes if r not in options)]:
        for c in view.available(rule, consumed):
            cid = c.facts.cred.id
            if cid in listed:
                continue
            listed.add(cid)
            if c.until is not None and c.until < as_of:
                view.filing.once(
                    Warning.of(
                        WarningCode.SALARY_CREDIT_EXPIRED,
                        credential=cid,
                        rule=rule.id,
                        amount=c.amount,
                        until=c.until,
                        years=c.spec.expires_after_years,
                    )
                )
                continue
            note = (
                f"left over after {last_move[cid]}; carries to the next lane"
                if cid in last_move
                else "available toward a lane"
            )
            out.append(credit_entry(c, c.amount, None, note=note))
    return out
