"""Render an evaluation document as plain text: each figure, its rule title, source and
file:line. The text is deterministic, so it serves as a golden file in tests."""

from __future__ import annotations

from typing import Any

__all__ = ["annual_change", "render_text"]


def annual_change(item: dict[str, Any]) -> str:
    """A salary document's (or one change's) annual figure as text: `+1500.00 a year`, or
    `unpriced (why)` when no scale prices it: never `+None` or a `0.00` that reads as no raise."""
    if item.get("unpriced") or item.get("annual_delta") is None:
        why = item.get("unpriced_reason")
        return f"unpriced ({why})" if why else "unpriced"
    delta = str(item["annual_delta"])
    return f"{delta if delta.startswith('-') else '+' + delta} a year"


def _money_or_unknown(v: Any, sign: str = "") -> str:
    return "unknown (unpriced)" if v is None else f"{sign}{v}"


def _where(item: dict[str, Any]) -> str:
    if item.get("file"):
        return f"{item['file']}:{item.get('line') or 1}"
    return "-"


def _units(d: dict[str, str]) -> str:
    return ", ".join(f"{v} {k}" for k, v in d.items()) or "nothing"


def _alternatives(item: dict[str, Any], used_by: str) -> list[str]:
    """The alternatives of a renewal or advancement in force (rule `alternatives`): each with
    met / not met and its conditions' required and found; the one used is marked."""
    out: list[str] = []
    for alt in item.get("alternatives") or []:
        used = item.get("satisfied_by") == alt["id"]
        verdict = f"met: {used_by}" if used else ("met" if alt["met"] else "not met")
        out.append(f"  alternative {alt['id']}: {alt['title']}: {verdict}")
        if alt.get("source"):
            out.append(f"    source: {alt['source']}")
        for c in alt.get("conditions") or []:
            out.append(
                f"    {c['condition']}: required {c['required']}, found {c['found']}"
                f"{'' if c['met'] else ' (' + c['message'] + ')'}"
            )
    return out


def render_text(doc: dict[str, Any]) -> str:
    out: list[str] = []
    w = out.append
    w(f"Educator {doc['educator']} in {doc['jurisdiction']} as of {doc['as_of']}")
    w(f"Ruleset {doc['ruleset']['id']} sha256 {doc['ruleset']['sha256'][:16]}…")
    if doc.get("proposal"):
        p = doc["proposal"]
        w(f"Proposal {p.get('name')} sha256 {str(p.get('sha256', ''))[:16]}…")
    w("")
    w("Totals (the sum of the ledger below)")
    for unit, amount in doc["totals"].items():
        w(f"  {unit}: {amount}")
    if not doc["totals"]:
        w("  nothing credited")
    w("")
    w("Ledger: why each amount")
    for e in doc["ledger"]:
        w(f"  {e['date']}  {e['credential']}: +{e['amount']} {e['unit']}  ({e['basis']})")
        w(f"      rule {e['rule']}: {e['title']}")
        w(f"      source: {e['source']}")
        w(f"      at {_where(e)}")
        if e.get("before_caps") is not None:
            w(f"      before caps: {e['before_caps']}")
        for note in e.get("notes", []):
            w(f"      note: {note}")
        if e.get("consumed_by"):
            w(f"      consumed by: {e['consumed_by']}")
    if not doc["ledger"]:
        w("  (empty)")
    for r in doc["renewal"]:
        w("")
        w(
            f"Renewal of the {r['license']} license, "
            f"cycle {r['cycle']['start']} to {r['cycle']['end']}:"
            f" {r['status']}{' (complete)' if r['complete'] else ''}"
        )
        w(f"  rule {r['rule']}: {r['title']}")
        w(f"  source: {r['source']}")
        w(f"  at {_where(r)}")
        w(
            f"  required {_units(r['required'])}; earned {_units(r['earned'])}; "
            f"remaining {_units(r['remaining'])}"
        )
        for cat, c in r["categories"].items():
            short = " SHORT" if float(c["remaining"]) > 0 else ""
            w(
                f"  category {cat}: required {c['required']}, earned {c['earned']}, "
                f"remaining {c['remaining']}{short}"
            )
        for a in r.get("allocation", []):
            w(f"    {a['credential']} → {a['category']}: {a['amount']} (from {a['rule']})")
        for c in r.get("capped", []):
            w(
                f"  capped by {c['cap']} ({c['title']}): limit {c['limit']} {c['unit']}, "
                f"{c['excluded']} not counted; at {_where(c)}"
            )
        for line in _alternatives(r, "the renewal is complete by it"):
            w(line)
    for a in doc["advancement"]:
        w("")
        verdict = "eligible" if a["eligible"] else "not yet eligible"
        w(f"Advancement {a['from']} → {a['tier']}: {verdict}")
        w(f"  rule {a['rule']}: {a['title']}")
        w(f"  source: {a['source']}")
        w(f"  at {_where(a)}")
        for u in a["unmet"]:
            w(
                f"  unmet {u['condition']}: {u['message']} "
                f"(required {u['required']}, found {u['found']})"
            )
        for line in _alternatives(a, "in place of the credit"):
            w(line)
    s = doc.get("salary")
    if s:
        w("")
        w(f"Salary ({s.get('schedule_title') or s.get('schedule', '')})")
        w(f"  now: lane {s['lane']} step {s['step']}: {s['annual']} a year")
        if s.get("new_lane") is not None:
            if s.get("unpriced"):
                w(
                    f"  new: lane {s['new_lane']} step {s['new_step']} from "
                    f"{s['effective_date']}: {annual_change(s)}"
                )
            else:
                w(
                    f"  new: lane {s['new_lane']} step {s['new_step']}: {s['new_annual']} a year "
                    f"(+{s['annual_delta']}) from {s['effective_date']}"
                )
            w(
                f"  this school year: {_money_or_unknown(s.get('this_year_delta'), '+')}; "
                f"retroactive owed: {_money_or_unknown(s.get('retro'))}"
            )
        for step in s.get("trace", []):
            w(f"  {step['what']}: {step['detail']}")
            if step.get("rule"):
                w(f"      rule {step['rule']}: {step.get('title', '')}")
                w(f"      source: {step.get('source', '')}")
                w(f"      at {_where(step)}")
    if doc["warnings"]:
        w("")
        w("Warnings")
        for x in doc["warnings"]:
            who = f" [{x['credential']}]" if x.get("credential") else ""
            w(f"  {x['code']}{who}: {x['message']}")
    return "\n".join(out) + "\n"
