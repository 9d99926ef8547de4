"""Render the account behind the figures (an evaluation's `trace`, issue 10) as plain text:
what did not count toward each figure and why, every allocation part, every advancement
condition, the salary credit's fate and the rule notes. Deterministic, like `render_text`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..result._trace import Trace, TraceMissed

__all__ = ["render_trace"]


def _units(amounts: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{v} {u}" for u, v in amounts.items())


def _amount(m: TraceMissed) -> str:
    return f"{m.amount} {m.unit}" if m.amount is not None else "all of it"


def render_trace(account: Trace | Mapping[str, Any]) -> str:
    """The account as text (a `Trace`, or its JSON form)."""
    trace = account if isinstance(account, Trace) else Trace.model_validate(account)
    out: list[str] = []
    w = out.append
    w("")
    w("Account: what did not count, and why")
    for r in trace.renewal:
        cyc = r.cycle
        w(f"  renewal of the {r.license} license, cycle {cyc['start']} to {cyc['end']}:")
        ledger = _units(r.ledger_total) or "nothing"
        earned = _units(r.earned) or "nothing"
        w(f"    ledger {ledger}; counted toward renewal {earned}")
        outside = r.outside_window
        if outside.entries:
            w(f"    outside the cycle: {_units(outside.total)}")
            for o in outside.entries:
                what = f"{o.amount} {o.unit} ({o.rule})"
                w(f"      {o.credential}: {what}, {o.detail}")
        for c in r.capped:
            w(
                f"    capped by {c.cap}: {c.credential} counts {c.counted} of "
                f"{c.before} {c.unit} ({c.excluded} not counted)"
            )
        if r.allocation:
            w("    allocation, every part:")
            for a in r.allocation:
                cat = a.category or "(not placed in a category)"
                w(f"      {a.credential} → {cat}: {a.amount} (from {a.rule})")
    for adv in trace.advancement:
        verdict = "eligible" if adv.eligible else "not yet eligible"
        window = adv.window
        span = f", credit from {window['start']} to {window['end']}" if window else ""
        w(f"  advancement {adv.from_} → {adv.tier} ({adv.rule}): {verdict}{span}")
        for cond in adv.conditions:
            mark = "met" if cond.met else "NOT met"
            w(f"    {cond.condition}: required {cond.required}, found {cond.found} ({mark})")
        for alt in adv.alternatives:
            used = " (stands in for the credit)" if alt["id"] == adv.satisfied_by else ""
            w(f"    or {alt['id']}: {'met' if alt['met'] else 'not met'}{used}")
            for c in alt["conditions"]:
                mark = "met" if c["met"] else "NOT met"
                found = f"required {c['required']}, found {c['found']}"
                w(f"      {c['condition']}: {found} ({mark})")
    if trace.salary:
        w("  salary credit:")
        for s in trace.salary:
            by = f" by {s.by}" if s.by else ""
            w(f"    {s.credential}: {s.amount} {s.unit} ({s.rule}): {s.status}{by}")
    shown = False
    for cred in trace.credentials:
        if not cred.not_counted:
            continue
        if not shown:
            w("  credentials, each amount that did not count:")
            shown = True
        w(f"    {cred.credential} ({cred.kind}, earned {cred.earned}):")
        for m in cred.not_counted:
            rule = f" [{m.rule}]" if m.rule else ""
            w(f"      {m.figure}: {m.reason}, {_amount(m)}{rule}: {m.detail}")
    if not shown:
        w("  every credential counted in full")
    if trace.notes:
        w("")
        w("Rule notes (the reasoning behind the values)")
        for n in trace.notes:
            where = f" at {n.file}:{n.line}" if n.file else ""
            w(f"  {n.rule} [{n.tag}]{where}: {n.note}")
    return "\n".join(out) + "\n"
