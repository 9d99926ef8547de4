"""The durable_rules adapter: the same event rules, run as durable_rules rulesets.

DESIGN.md §2 puts durable_rules on the event path only, behind this one module. For each
(jurisdiction, ruleset sha256, declared events) one ruleset is generated from the YAML's
`events:` settings: a rule per declared kind whose conditions carry the declared parameters
(`days_before_end`, `min_remaining`, `before_deadline_days`). durable_rules cannot unregister a
ruleset, so they are cached by that key (bounded by jurisdiction versions, not by educators).

An evaluation is flattened into messages (`facts`): one per stack completion, renewal,
advancement tier, lane move, credited credential and rule used, with the date arithmetic done
against the injected `now` (days left, days overdue) because durable_rules compares values,
not dates. They are posted under a session id of their own, the actions collect the raised
events for that session, and the session state is deleted afterwards (durable_rules caps open
sessions per ruleset). Keys already raised are then dropped exactly as in the plain path.

durable_rules is optional (`pip install 'mccredit[events]'`; it does not install on Python
3.13+): `available()` says whether it imported; `mccredit.events.derive` (the plain path) is
the reference, and a property test checks both raise the same events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from mccredit.events._plain import (
    Event,
    lane_detail,
    lane_moves,
    remaining,
    renewal_period,
    renewal_subject,
    risk_detail,
    rules_used,
    stack_detail,
)
from mccredit.result import Evaluation
from mccredit.rules._models import EventSettings

__all__ = ["DurableEvents", "available", "facts"]

try:  # optional: the engine runs without it
    from durable import engine as _engine
    from durable import lang as _lang
except ImportError:  # pragma: no cover - exercised where durable_rules cannot install
    _lang = None
    _engine = None


def available() -> bool:
    """Whether durable_rules imported (the `events` extra on Python < 3.13)."""
    return _lang is not None


def _json(detail: Mapping[str, Any]) -> str:
    return json.dumps(dict(detail), sort_keys=True, default=str)


def facts(
    doc: Evaluation | Mapping[str, Any],
    *,
    now: dt.date,
    review_by: Mapping[str, dt.date] | None = None,
    revoked: Iterable[str] = (),
) -> Iterator[dict[str, Any]]:
    """The messages one evaluation (or its JSON document) posts, in the plain path's order."""
    ev = Evaluation.read(doc)
    for e in ev.ledger:
        if e.kind == "stack":
            yield {
                "t": "stack",
                "subject": e.credential,
                "period": e.date.isoformat(),
                "detail": _json(stack_detail(e)),
            }
    for r in ev.renewal:
        yield {
            "t": "renewal",
            "subject": renewal_subject(r),
            "period": renewal_period(r),
            "complete": r.complete,
            "days_left": (r.cycle.end - now).days,
            "remaining": float(remaining(r)),
            "rule": r.rule,
            "done_detail": _json({"rule": r.rule}),
            "risk_detail": _json(risk_detail(r)),
        }
    for a in ev.advancement:
        yield {
            "t": "advancement",
            "subject": a.tier,
            "period": ev.as_of.isoformat(),
            "eligible": a.eligible,
            "detail": _json({"rule": a.rule}),
        }
    for ch in lane_moves(ev):
        yield {
            "t": "lane",
            "subject": str(ch.to_lane),
            "period": str(ch.effective_date),
            "days": (ch.effective_date - now).days,
            "detail": _json(lane_detail(ch)),
        }
    gone = set(revoked)
    for cid in sorted({e.credential for e in ev.ledger}):
        yield {
            "t": "credited",
            "subject": cid,
            "period": "",
            "revoked": cid in gone,
            "detail": _json({"credential": cid}),
        }
    if review_by:
        for rid in rules_used(ev):
            due = review_by.get(rid)
            if due is not None:
                yield {
                    "t": "rule_used",
                    "subject": rid,
                    "period": str(due),
                    "overdue_days": (now - due).days,
                    "detail": _json({"review_by": str(due)}),
                }


_RULESETS: dict[str, frozenset[str]] = {}  # ruleset name → the fact types it matches
_RAISED: dict[str, list[Event]] = {}  # session id → events its actions raised
_CONTEXT: dict[str, tuple[str, str]] = {}  # session id → (educator, jurisdiction)
_LOCK = threading.Lock()
_SIDS = itertools.count(1)


class DurableEvents:
    """Event derivation on durable_rules. Instances share the process's rulesets (durable_rules
    has one global host and cannot unregister a ruleset); posts are serialized, so it is
    thread-safe."""

    def __init__(self) -> None:
        if _lang is None:
            raise RuntimeError(
                "durable_rules is not installed (pip install 'mccredit[events]', Python < 3.13); "
                "use mccredit.events.derive, the plain path"
            )
        # durable_rules keeps one global host: rulesets, sessions and the lock are per process
        self._rulesets = _RULESETS
        self._raised = _RAISED
        self._context = _CONTEXT
        self._lock = _LOCK
        self._sids = _SIDS

    @property
    def rulesets(self) -> int:
        """How many rulesets this process has generated (all instances)."""
        return len(self._rulesets)

    def ruleset_name(self, jurisdiction: str, sha256: str, settings: EventSettings) -> str:
        digest = hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:12]
        return f"mccredit:{jurisdiction}:{sha256[:16]}:{digest}"

    def _ensure(self, name: str, settings: EventSettings) -> frozenset[str]:
        if name in self._rulesets:
            return self._rulesets[name]
        assert _lang is not None
        lang, m = _lang, _lang.m
        raised = self._raised
        context = self._context

        def action(kind: str, detail_field: str = "detail") -> Any:
            def run(c: Any) -> None:
                sid = str(c.m.sid)
                educator, jurisdiction = context[sid]
                detail = json.loads(getattr(c.m, detail_field))
                raised[sid].append(
                    Event(kind, educator, str(c.m.subject), str(c.m.period), jurisdiction, detail)
                )

            run.__name__ = kind  # durable_rules names each rule after its function
            return run

        types: set[str] = set()
        with lang.ruleset(name):
            if settings.stack_completed is not None:
                lang.when_all(lang.pri(1), m.t == "stack")(action("stack_completed"))
                types.add("stack")
            if settings.renewal_complete is not None:
                lang.when_all(lang.pri(1), (m.t == "renewal") & (m.complete == True))(  # noqa: E712
                    action("renewal_complete", "done_detail")
                )
                types.add("renewal")
            risk = settings.renewal_at_risk
            if risk is not None:
                lang.when_all(
                    lang.pri(1),
                    (m.t == "renewal")
                    & (m.complete == False)  # noqa: E712 (a durable_rules expression)
                    & (m.days_left >= 0)
                    & (m.days_left <= risk.days_before_end)
                    & (m.remaining >= float(Decimal(risk.min_remaining))),
                )(action("renewal_at_risk", "risk_detail"))
                types.add("renewal")
            if settings.advancement_eligible is not None:
                lang.when_all(lang.pri(1), (m.t == "advancement") & (m.eligible == True))(  # noqa: E712
                    action("advancement_eligible")
                )
                types.add("advancement")
            lane = settings.lane_eligible
            if lane is not None:
                lang.when_all(lang.pri(1), (m.t == "lane") & (m.days <= lane.before_deadline_days))(
                    action("lane_eligible")
                )
                types.add("lane")
            if settings.credential_revoked is not None:
                lang.when_all(lang.pri(1), (m.t == "credited") & (m.revoked == True))(  # noqa: E712
                    action("credential_revoked")
                )
                types.add("credited")
            if settings.rule_stale is not None:
                lang.when_all(lang.pri(1), (m.t == "rule_used") & (m.overdue_days > 0))(
                    action("rule_stale")
                )
                types.add("rule_used")
            # Every message is consumed: by its kind's rule when it matches, else by this one
            # (a lower priority). An unmatched message would stay in the session's state, and
            # deleting the state of a session whose last message went unhandled corrupts
            # durable_rules 2.0.28's heap (seen as a segfault).

            def unmatched(_c: Any) -> None:
                pass

            lang.when_all(lang.pri(100), m.t != "")(unmatched)
        self._rulesets[name] = frozenset(types)
        return self._rulesets[name]

    def derive(
        self,
        doc: Evaluation | Mapping[str, Any],
        settings: EventSettings,
        *,
        ruleset_sha256: str,
        now: dt.date,
        previous: Iterable[tuple[str, str, str, str]] = (),
        review_by: Mapping[str, dt.date] | None = None,
        revoked: Iterable[str] = (),
    ) -> list[Event]:
        """What `mccredit.events.derive` returns, computed by durable_rules."""
        assert _lang is not None and _engine is not None
        doc = Evaluation.read(doc)
        educator, jurisdiction = doc.educator, doc.jurisdiction
        name = self.ruleset_name(jurisdiction, ruleset_sha256, settings)
        with self._lock:
            types = self._ensure(name, settings)
            if not types:
                return []
            opened = False
            sid = f"{educator}#{next(self._sids)}"
            self._raised[sid] = []
            self._context[sid] = (educator, jurisdiction)
            try:
                for fact in facts(doc, now=now, review_by=review_by, revoked=revoked):
                    if fact["t"] not in types:
                        continue
                    _lang.post(name, {**fact, "sid": sid})
                    opened = True
                raised = self._raised[sid]
            finally:
                self._raised.pop(sid, None)
                self._context.pop(sid, None)
                if opened:  # a session with no message has no state (deleting it is an error)
                    _lang.delete_state(name, sid)
        seen = set(previous)
        out = []
        for ev in raised:
            if ev.key not in seen:
                seen.add(ev.key)
                out.append(ev)
        return out
