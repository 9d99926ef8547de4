"""Render the account behind the figures (an evaluation's `trace`, issue 10) as plain text:
what did not count toward each figure and why, every allocation part, every advancement
condition, the salary credit's fate and the rule notes. Deterministic, like `render_text`."""

from __future__ import annotations

from typing import Any

from ..result._trace import Trace

__all__ = ["render_trace"]


def _amount(x: dict[str, Any]) -> str:
    return f"{x['amount']} {x['unit']}" if x.get("amount") is not None else "all of it"


def render_trace(account: Trace | dict[str, Any]) -> str:
    """The account as text (a `Trace`, or its JSON form)."""
    trace = account.to_dict() if isinstance(account, Trace) else account
    out: list[str] = []
    w = out.append
    w("")
    w("Account: what did not count, and why")
    for r in trace["renewal"]:
        cyc = r["cycle"]
        w(f"  renewal of the {r['license']} license, cycle {cyc['start']} to {cyc['end']}:")
        ledger = ", ".join(f"{v} {u}" for u, v in r["ledger_total"].items()) or "nothing"
        earned = ", ".join(f"{v} {u}" for u, v in r["earned"].items()) or "nothing"
        w(f"    ledger {ledger}; counted toward renewal {earned}")
        outside = r["outside_window"]
        if outside["entries"]:
            total = ", ".join(f"{v} {u}" for u, v in outside["total"].items())
            w(f"    outside the cycle: {total}")
            for o in outside["entries"]:
                what = f"{o['amount']} {o['unit']} ({o['rule']})"
                w(f"      {o['credential']}: {what}, {o['detail']}")
        for c in r["capped"]:
            w(
                f"    capped by {c['cap']}: {c['credential']} counts {c['counted']} of "
                f"{c['before']} {c['unit']} ({c['excluded']} not counted)"
            )
        if r["allocation"]:
            w("    allocation, every part:")
            for a in r["allocation"]:
                cat = a["category"] or "(not placed in a category)"
                w(f"      {a['credential']} → {cat}: {a['amount']} (from {a['rule']})")
    for a in trace["advancement"]:
        verdict = "eligible" if a["eligible"] else "not yet eligible"
        window = a["window"]
        span = f", credit from {window['start']} to {window['end']}" if window else ""
        w(f"  advancement {a['from']} → {a['tier']} ({a['rule']}): {verdict}{span}")
        for c in a["conditions"]:
            mark = "met" if c["met"] else "NOT met"
            w(f"    {c['condition']}: required {c['required']}, found {c['found']} ({mark})")
        for alt in a.get("alternatives", []):
            used = " (stands in for the credit)" if alt["id"] == a.get("satisfied_by") else ""
            w(f"    or {alt['id']}: {'met' if alt['met'] else 'not met'}{used}")
            for c in alt["conditions"]:
                mark = "met" if c["met"] else "NOT met"
                found = f"required {c['required']}, found {c['found']}"
                w(f"      {c['condition']}: {found} ({mark})")
    if trace["salary"]:
        w("  salary credit:")
        for s in trace["salary"]:
            by = f" by {s['by']}" if s.get("by") else ""
            w(f"    {s['credential']}: {s['amount']} {s['unit']} ({s['rule']}): {s['status']}{by}")
    shown = False
    for c in trace["credentials"]:
        if not c["not_counted"]:
            continue
        if not shown:
            w("  credentials, each amount that did not count:")
            shown = True
        w(f"    {c['credential']} ({c['kind']}, earned {c['earned']}):")
        for m in c["not_counted"]:
            rule = f" [{m['rule']}]" if m.get("rule") else ""
            w(f"      {m['figure']}: {m['reason']}, {_amount(m)}{rule}: {m['detail']}")
    if not shown:
        w("  every credential counted in full")
    if trace["notes"]:
        w("")
        w("Rule notes (the reasoning behind the values)")
        for n in trace["notes"]:
            where = f" at {n['file']}:{n['line']}" if n.get("file") else ""
            w(f"  {n['rule']} [{n['tag']}]{where}: {n['note']}")
    return "\n".join(out) + "\n"
