"""The plain evaluator path: events from an evaluation document + previously raised keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mccredit.rules import Jurisdiction
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


def settings_for(j: Jurisdiction) -> EventSettings:
    """The jurisdiction's declared events (none declared: no events)."""
    return j.file.events or EventSettings()


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
    here)."""
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
