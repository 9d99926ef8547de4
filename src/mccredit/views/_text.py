"""Render an evaluation document as plain text: each figure, its rule title, source and
file:line. The text is deterministic, so it serves as a golden file in tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..result import Advancement, Evaluation, Renewal, Salary, SalaryChange

__all__ = ["annual_change", "render_text"]


def annual_change(item: Salary | SalaryChange | Mapping[str, Any]) -> str:
    """A salary result's (or one change's) annual figure as text: `+1500.00 a year`, or
    `unpriced (why)` when no scale prices it: never `+None` or a `0.00` that reads as no raise.
    A mapping is read as the JSON document shows the same part."""
    if isinstance(item, Mapping):
        unpriced, delta, why = (
            bool(item.get("unpriced")),
            item.get("annual_delta"),
            item.get("unpriced_reason"),
        )
    else:
        unpriced, delta, why = item.unpriced, item.annual_delta, item.unpriced_reason
    if unpriced or delta is None:
        return f"unpriced ({why})" if why else "unpriced"
    text = str(delta)
    return f"{text if text.startswith('-') else '+' + text} a year"


def _money_or_unknown(v: object, sign: str = "") -> str:
    return "unknown (unpriced)" if v is None else f"{sign}{v}"


def _where(file: str | None, line: int | None) -> str:
    return f"{file}:{line or 1}" if file else "-"


def _units(d: Mapping[str, object]) -> str:
    return ", ".join(f"{v} {k}" for k, v in d.items()) or "nothing"


def _alternatives(item: Renewal | Advancement, used_by: str) -> list[str]:
    """The alternatives of a renewal or advancement in force (rule `alternatives`): each with
    met / not met and its conditions' required and found; the one used is marked."""
    out: list[str] = []
    for alt in item.alternatives:
        used = item.satisfied_by == alt.id
        verdict = f"met: {used_by}" if used else ("met" if alt.met else "not met")
        out.append(f"  alternative {alt.id}: {alt.title}: {verdict}")
        if alt.source:
            out.append(f"    source: {alt.source}")
        for c in alt.conditions:
            out.append(
                f"    {c.condition}: required {c.required}, found {c.found}"
                f"{'' if c.met else ' (' + c.message + ')'}"
            )
    return out


def render_text(doc: Evaluation | Mapping[str, Any]) -> str:
    """The readable account of an evaluation (or of its JSON document, e.g. a stored one)."""
    ev = doc if isinstance(doc, Evaluation) else Evaluation.model_validate(doc)
    out: list[str] = []
    w = out.append
    w(f"Educator {ev.educator} in {ev.jurisdiction} as of {ev.as_of}")
    w(f"Ruleset {ev.ruleset.id} sha256 {ev.ruleset.sha256[:16]}…")
    if ev.proposal is not None:
        p = ev.proposal
        w(f"Proposal {p.name} sha256 {p.sha256[:16]}…")
    w("")
    w("Totals (the sum of the ledger below)")
    for unit, amount in ev.totals.items():
        w(f"  {unit}: {amount}")
    if not ev.totals:
        w("  nothing credited")
    w("")
    w("Ledger: why each amount")
    for e in ev.ledger:
        w(f"  {e.date}  {e.credential}: +{e.amount} {e.unit}  ({e.basis})")
        w(f"      rule {e.rule}: {e.title}")
        w(f"      source: {e.source}")
        w(f"      at {_where(e.file, e.line)}")
        if e.before_caps is not None:
            w(f"      before caps: {e.before_caps}")
        for note in e.notes:
            w(f"      note: {note}")
        if e.consumed_by:
            w(f"      consumed by: {e.consumed_by}")
    if not ev.ledger:
        w("  (empty)")
    for r in ev.renewal:
        w("")
        w(
            f"Renewal of the {r.license} license, "
            f"cycle {r.cycle.start} to {r.cycle.end}:"
            f" {r.status}{' (complete)' if r.complete else ''}"
        )
        w(f"  rule {r.rule}: {r.title}")
        w(f"  source: {r.source}")
        w(f"  at {_where(r.file, r.line)}")
        w(
            f"  required {_units(r.required)}; earned {_units(r.earned)}; "
            f"remaining {_units(r.remaining)}"
        )
        for cat, c in r.categories.items():
            short = " SHORT" if c.remaining > 0 else ""
            w(
                f"  category {cat}: required {c.required}, earned {c.earned}, "
                f"remaining {c.remaining}{short}"
            )
        for a in r.allocation:
            w(f"    {a.credential} → {a.category}: {a.amount} (from {a.rule})")
        for cap in r.capped:
            w(
                f"  capped by {cap.cap} ({cap.title}): limit {cap.limit} {cap.unit}, "
                f"{cap.excluded} not counted; at {_where(cap.file, cap.line)}"
            )
        for line in _alternatives(r, "the renewal is complete by it"):
            w(line)
    for adv in ev.advancement:
        w("")
        verdict = "eligible" if adv.eligible else "not yet eligible"
        w(f"Advancement {adv.from_} → {adv.tier}: {verdict}")
        w(f"  rule {adv.rule}: {adv.title}")
        w(f"  source: {adv.source}")
        w(f"  at {_where(adv.file, adv.line)}")
        for u in adv.unmet:
            w(f"  unmet {u.condition}: {u.message} (required {u.required}, found {u.found})")
        for line in _alternatives(adv, "in place of the credit"):
            w(line)
    s = ev.salary
    if s is not None:
        w("")
        w(f"Salary ({s.schedule_title or s.schedule})")
        w(f"  now: lane {s.lane} step {s.step}: {s.annual} a year")
        if s.new_lane is not None:
            if s.unpriced:
                w(
                    f"  new: lane {s.new_lane} step {s.new_step} from "
                    f"{s.effective_date}: {annual_change(s)}"
                )
            else:
                w(
                    f"  new: lane {s.new_lane} step {s.new_step}: {s.new_annual} a year "
                    f"(+{s.annual_delta}) from {s.effective_date}"
                )
            w(
                f"  this school year: {_money_or_unknown(s.this_year_delta, '+')}; "
                f"retroactive owed: {_money_or_unknown(s.retro)}"
            )
        for step in s.trace:
            w(f"  {step.what}: {step.detail}")
            if step.rule:
                w(f"      rule {step.rule}: {step.title or ''}")
                w(f"      source: {step.source}")
                w(f"      at {_where(step.file, step.line)}")
    if ev.warnings:
        w("")
        w("Warnings")
        for x in ev.warnings:
            who = f" [{x.credential}]" if x.credential else ""
            w(f"  {x.code.value}{who}: {x.message}")
    return "\n".join(out) + "\n"
