"""The plain evaluator path: events from an evaluation document + previously raised keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mccredit.rules import Jurisdiction, RuleSet
from mccredit.rules._models import EventSettings

KINDS: tuple[str, ...] = (
    "stack_completed",
    "renewal_at_risk",
    "renewal_complete",
    "advancement_eligible",
    "lane_eligible",
    "credential_revoked",
    "rule_stale",
)


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


def _remaining(r: Mapping[str, Any]) -> Decimal:
    return sum((Decimal(str(v)) for v in (r.get("remaining") or {}).values()), Decimal(0))


def derive(
    doc: Mapping[str, Any],
    settings: EventSettings,
    *,
    now: dt.date,
    previous: Iterable[tuple[str, str, str, str]] = (),
    review_by: Mapping[str, dt.date] | None = None,
    revoked: Iterable[str] = (),
) -> list[Event]:
    """New events for one evaluation document, in a stable order, minus keys already raised.

    `review_by` maps rule id to its review date (for `rule_stale`); `revoked` lists credential ids
    whose status list now says revoked (for `credential_revoked`; a hook: no status data is read
    here).

    `lane_eligible` is raised for each lane move in the salary result once the move's effective
    date (its first pay date at the new lane: the date payroll must meet) is at most
    `before_deadline_days` away, or already past (a retro move); subject the new lane, period
    the effective date."""
    seen = set(previous)
    ed = str(doc["educator"])
    jur = str(doc["jurisdiction"])
    out: list[Event] = []

    def add(kind: str, subject: str, period: str, **detail: Any) -> None:
        ev = Event(kind, ed, subject, period, jur, detail)
        if ev.key not in seen:
            seen.add(ev.key)
            out.append(ev)

    ledger: list[Mapping[str, Any]] = list(doc.get("ledger") or [])
    if settings.stack_completed is not None:
        for e in ledger:
            if e.get("kind") == "stack":
                add(
                    "stack_completed",
                    str(e["credential"]),
                    str(e.get("date") or ""),
                    rule=e.get("rule"),
                    amount=e.get("amount"),
                    unit=e.get("unit"),
                )
    for r in doc.get("renewal") or []:
        cycle = r.get("cycle") or {}
        period = f"{cycle.get('start')}/{cycle.get('end')}"
        subject = str(r.get("license_id") or r.get("license"))
        if settings.renewal_complete is not None and r.get("complete"):
            add("renewal_complete", subject, period, rule=r.get("rule"))
        risk = settings.renewal_at_risk
        if risk is not None and not r.get("complete") and cycle.get("end"):
            end = dt.date.fromisoformat(str(cycle["end"]))
            left = _remaining(r)
            if 0 <= (end - now).days <= risk.days_before_end and left >= risk.min_remaining:
                add(
                    "renewal_at_risk",
                    subject,
                    period,
                    cycle_end=str(end),
                    remaining=r.get("remaining"),
                    rule=r.get("rule"),
                )
    if settings.advancement_eligible is not None:
        for a in doc.get("advancement") or []:
            if a.get("eligible"):
                add(
                    "advancement_eligible",
                    str(a.get("tier")),
                    str(doc.get("as_of")),
                    rule=a.get("rule"),
                )
    lane = settings.lane_eligible
    if lane is not None:
        salary: Mapping[str, Any] = doc.get("salary") or {}
        for ch in salary.get("changes") or []:
            if ch.get("kind") != "lane_move" or not ch.get("effective_date"):
                continue
            eff = dt.date.fromisoformat(str(ch["effective_date"]))
            # the payroll deadline is the move's first pay date at the new lane
            if (eff - now).days <= lane.before_deadline_days:
                add(
                    "lane_eligible",
                    str(ch.get("to_lane")),
                    str(eff),
                    from_lane=ch.get("from_lane"),
                    to_lane=ch.get("to_lane"),
                    effective_date=str(eff),
                    filed=ch.get("filed"),
                    pay=ch.get("pay"),
                    annual_delta=ch.get("annual_delta"),
                    this_year_delta=ch.get("this_year_delta"),
                    retro=ch.get("retro"),
                    rule=ch.get("rule"),
                )
    if settings.credential_revoked is not None:
        credited = {str(e["credential"]) for e in ledger}
        for cid in sorted(set(revoked) & credited):
            add("credential_revoked", cid, "", credential=cid)
    if settings.rule_stale is not None and review_by:
        used = sorted(
            {str(e["rule"]) for e in ledger if e.get("rule")}
            | {str(r["rule"]) for r in doc.get("renewal") or [] if r.get("rule")}
        )
        for rid in used:
            due = review_by.get(rid)
            if due is not None and due < now:
                add("rule_stale", rid, str(due), review_by=str(due))
    return out
