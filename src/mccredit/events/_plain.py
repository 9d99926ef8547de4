"""The plain evaluator path: events from an evaluation + previously raised keys; and the
readings of an evaluation both paths share (`_durable` posts the same subjects and details)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, get_args

from mccredit.result import Evaluation, LedgerLine, Renewal, SalaryChange
from mccredit.rules import Jurisdiction, RuleSet
from mccredit.rules._models import EventSettings

#: the kinds of event a jurisdiction may declare (`events:`), in derivation order
EventKind = Literal[
    "stack_completed",
    "renewal_at_risk",
    "renewal_complete",
    "advancement_eligible",
    "lane_eligible",
    "credential_revoked",
    "rule_stale",
]
KINDS: tuple[str, ...] = get_args(EventKind)


@dataclass(frozen=True)
class Event:
    """One notification. `key` (kind, educator, subject, period) is unique: the same event
    re-derived is the same key and is written once."""

    kind: str
    educator: str
    subject: str
    period: str
    jurisdiction: str
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.educator, self.subject, self.period)


def settings_for(j: Jurisdiction, rules: RuleSet | None = None) -> EventSettings:
    """The jurisdiction's declared events (none declared: no events).

    With `rules`, a district inherits its state's events kind by kind: a kind the district
    declares is its own (parameters and all), a kind it does not declare is the nearest
    ancestor's. Without `rules` only the jurisdiction's own file is read."""
    own = j.file.events or EventSettings()
    if rules is None or not j.parent or j.parent not in rules.jurisdictions:
        return own
    inherited = settings_for(rules.get(j.parent), rules)
    return EventSettings(
        **{k: getattr(own, k) or getattr(inherited, k) for k in EventSettings.model_fields}
    )


def review_dates(j: Jurisdiction) -> dict[str, dt.date]:
    """Rule id → `review_by` for every rule of `j` that has one (for `rule_stale`)."""
    out: dict[str, dt.date] = {}
    for group in (j.awards, j.caps, j.stacks, j.requirements, j.advancement, j.lanes):
        for r in group:
            if r.review_by is not None:
                out[r.id] = r.review_by
    return out


def remaining(r: Renewal) -> Decimal:
    """What a renewal still needs, summed over its units."""
    return sum(r.remaining.values(), Decimal(0))


def renewal_subject(r: Renewal) -> str:
    return r.license_id or r.license


def renewal_period(r: Renewal) -> str:
    return f"{r.cycle.start}/{r.cycle.end}"


def _text(v: Decimal | dt.date | None) -> str | None:
    """A figure as an event's detail keeps it: the JSON document's text (None stays None)."""
    return None if v is None else str(v)


def stack_detail(line: LedgerLine) -> dict[str, Any]:
    return {"rule": line.rule, "amount": _text(line.amount), "unit": line.unit}


def risk_detail(r: Renewal) -> dict[str, Any]:
    return {
        "cycle_end": _text(r.cycle.end),
        "remaining": {u: _text(a) for u, a in r.remaining.items()},
        "rule": r.rule,
    }


def lane_moves(ev: Evaluation) -> list[SalaryChange]:
    """The salary result's lane moves (a base increase raises no `lane_eligible`)."""
    return [] if ev.salary is None else [c for c in ev.salary.changes if c.kind == "lane_move"]


def lane_detail(ch: SalaryChange) -> dict[str, Any]:
    return {
        "from_lane": ch.from_lane,
        "to_lane": ch.to_lane,
        "effective_date": _text(ch.effective_date),
        "filed": _text(ch.filed),
        "pay": ch.pay,
        "annual_delta": _text(ch.annual_delta),
        "this_year_delta": _text(ch.this_year_delta),
        "retro": _text(ch.retro),
        "rule": ch.rule,
    }


def rules_used(ev: Evaluation) -> list[str]:
    """The rules behind the ledger and the renewals, sorted (for `rule_stale`)."""
    return sorted({e.rule for e in ev.ledger if e.rule} | {r.rule for r in ev.renewal if r.rule})


def derive(
    doc: Evaluation | Mapping[str, Any],
    settings: EventSettings,
    *,
    now: dt.date,
    previous: Iterable[tuple[str, str, str, str]] = (),
    review_by: Mapping[str, dt.date] | None = None,
    revoked: Iterable[str] = (),
) -> list[Event]:
    """New events for one evaluation (the `Evaluation`, or its JSON document), in a stable
    order, minus keys already raised.

    `review_by` maps rule id to its review date (for `rule_stale`); `revoked` lists credential ids
    whose status list now says revoked (for `credential_revoked`; a hook: no status data is read
    here).

    `lane_eligible` is raised for each lane move in the salary result once the move's effective
    date (its first pay date at the new lane: the date payroll must meet) is at most
    `before_deadline_days` away, or already past (a retro move); subject the new lane, period
    the effective date."""
    ev = Evaluation.read(doc)
    seen = set(previous)
    out: list[Event] = []

    def add(kind: str, subject: str, period: str, **detail: Any) -> None:
        event = Event(kind, ev.educator, subject, period, ev.jurisdiction, detail)
        if event.key not in seen:
            seen.add(event.key)
            out.append(event)

    if settings.stack_completed is not None:
        for e in ev.ledger:
            if e.kind == "stack":
                add("stack_completed", e.credential, e.date.isoformat(), **stack_detail(e))
    for r in ev.renewal:
        subject, period = renewal_subject(r), renewal_period(r)
        if settings.renewal_complete is not None and r.complete:
            add("renewal_complete", subject, period, rule=r.rule)
        risk = settings.renewal_at_risk
        if risk is not None and not r.complete:
            days_left = (r.cycle.end - now).days
            if 0 <= days_left <= risk.days_before_end and remaining(r) >= risk.min_remaining:
                add("renewal_at_risk", subject, period, **risk_detail(r))
    if settings.advancement_eligible is not None:
        for a in ev.advancement:
            if a.eligible:
                add("advancement_eligible", a.tier, ev.as_of.isoformat(), rule=a.rule)
    lane = settings.lane_eligible
    if lane is not None:
        for ch in lane_moves(ev):
            # the payroll deadline is the move's first pay date at the new lane
            if (ch.effective_date - now).days <= lane.before_deadline_days:
                add("lane_eligible", str(ch.to_lane), str(ch.effective_date), **lane_detail(ch))
    if settings.credential_revoked is not None:
        credited = {e.credential for e in ev.ledger}
        for cid in sorted(set(revoked) & credited):
            add("credential_revoked", cid, "", credential=cid)
    if settings.rule_stale is not None and review_by:
        for rid in rules_used(ev):
            due = review_by.get(rid)
            if due is not None and due < now:
                add("rule_stale", rid, str(due), review_by=str(due))
    return out
