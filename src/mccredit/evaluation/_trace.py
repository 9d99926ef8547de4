"""The account behind every figure (issue 10): what `mccredit explain` prints and what
`mccredit explain --json` gives under `trace`.

The typed form is `mccredit.result._trace.Trace` (what `build_trace` returns). Built from
the same run as the evaluation document (the engine's ledger entries and the
accounts its renewal and advancement steps fill), never recomputed, so the account and the
figures cannot disagree. It lists:

- `credentials`: every credential of the input (then every award standing for none: a
  completed stack, an evaluation year), with each amount that counted toward a figure
  and each that did not, with a stable `reason` and the detail:
  `outside_window` (credited on a date outside the renewal's cycle), `capped` (a cap cut it, by
  how much), `not_accepted` (issuer or catalog refused it), `not_verified`, `duplicate`,
  `no_rule`, `measure_missing`, `late_evidence`, `not_approved` (prior approval missing),
  `expired` (left a salary credit bank), `consumed_by_lane_move` (salary credit a move already
  used), `banked` (salary credit not yet used by a move), `already_in_placement`,
  `future_dated` (earned or filed after `as_of`);
- `renewal`: per license, the ledger total against what counted: the entries outside the window
  (with their total), the entries a cycle cap cut, and every part of the category allocation
  (the part not placed in a category has `category: null`);
- `advancement`: every condition of each tier, met or not, with required / found (and each
  alternative path's, with the one that stands in for the credit: `satisfied_by`);
- `salary`: each salary ledger line and what became of it;
- `notes`: the source notes of every rule behind a figure (where the reasoning behind inferred
  values lives).

Keys and reason codes are a contract like `--json`: added to, never renamed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..engine._plan import Plan
from ..io.educator import Educator
from ..ledger import LedgerEntry
from ..result._trace import Trace

__all__ = ["REASONS", "build_trace"]

ZERO = Decimal(0)

#: warning code → the trace's reason for not counting a credential
REASONS: dict[str, str] = {
    "issuer_missing": "not_accepted",
    "issuer_not_accepted": "not_accepted",
    "code_not_in_catalog": "not_accepted",
    "duplicate_credential": "duplicate",
    "earned_after_as_of": "future_dated",
    "measure_missing": "measure_missing",
    "no_rule": "no_rule",
    "evidence_late": "late_evidence",
    "prior_approval_missing": "not_approved",
    "salary_credit_capped": "capped",
    "salary_credit_expired": "expired",
    "base_increase_capped": "capped",
    "verification_not_credited": "not_verified",
    "registry_entry_not_trusted": "not_verified",
}


def _reason(code: str) -> str | None:
    return REASONS.get(code)


def _rules_by_id(plan: Plan) -> dict[str, Any]:
    j = plan.jurisdiction
    out: dict[str, Any] = {}
    for group in (
        j.awards,
        j.caps,
        j.stacks,
        j.requirements,
        j.advancement,
        j.lanes,
        j.base_increases,
    ):
        for r in group:
            out[r.id] = r
    return out


def _where(rule: Any) -> dict[str, Any]:
    origin = getattr(rule, "origin", None)
    return {"file": origin.path if origin else None, "line": origin.line if origin else None}


def _renewal_figure(r: dict[str, Any]) -> str:
    return f"renewal of {r['license']} ({r['cycle']['start']} to {r['cycle']['end']})"


def build_trace(
    plan: Plan,
    ed: Educator,
    doc: dict[str, Any],
    ledger: list[LedgerEntry],
    renewal_accounts: list[dict[str, Any]],
    advancement_accounts: list[dict[str, Any]],
    salary_claimed: set[str],
) -> Trace:
    """The account of one run (see the module docstring), as the typed `Trace`."""
    show = plan.show
    as_of = plan.as_of
    counted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    missed: dict[str, list[dict[str, Any]]] = defaultdict(list)

    # --- renewal: the window, cycle caps and the allocation, entry by entry -----------------
    renewals: list[dict[str, Any]] = []
    for r, acc in zip(doc["renewal"], renewal_accounts, strict=True):
        figure = _renewal_figure(r)
        start, end = acc["cycle"]
        outside: list[dict[str, Any]] = []
        outside_total: dict[str, Decimal] = defaultdict(Decimal)
        ledger_total: dict[str, Decimal] = defaultdict(Decimal)
        cut: list[dict[str, Any]] = []
        allocated: dict[int, Decimal] = defaultdict(Decimal)
        for e, _cat, amt in acc["parts"]:
            allocated[id(e)] += amt
        parts = [
            {
                "credential": e.credential,
                "rule": e.rule,
                "category": cat,
                "amount": show(e.unit, amt),
            }
            for e, cat, amt in acc["parts"]
        ]
        for e, in_window, amount, cap in acc["entries"]:
            ledger_total[e.unit] += e.amount
            line = {"credential": e.credential, "rule": e.rule, "unit": e.unit, "date": e.date}
            if not in_window:
                side = "before the cycle starts" if e.date < start else "after the cycle ends"
                detail = f"credited on {e.date}, {side} ({start} to {end})"
                outside.append({**line, "amount": show(e.unit, e.amount), "detail": detail})
                outside_total[e.unit] += e.amount
                missed[e.credential].append(
                    {
                        "figure": figure,
                        "reason": "outside_window",
                        "unit": e.unit,
                        "amount": show(e.unit, e.amount),
                        "rule": e.rule,
                        "detail": detail,
                    }
                )
                continue
            if cap is not None:
                over = e.amount - amount
                cut.append(
                    {
                        **line,
                        "cap": cap.id,
                        "before": show(e.unit, e.amount),
                        "counted": show(e.unit, amount),
                        "excluded": show(e.unit, over),
                    }
                )
                missed[e.credential].append(
                    {
                        "figure": figure,
                        "reason": "capped",
                        "unit": e.unit,
                        "amount": show(e.unit, over),
                        "rule": cap.id,
                        "detail": f"{cap.id} ({cap.title}) counts {show(e.unit, amount)} of "
                        f"{show(e.unit, e.amount)}: {show(e.unit, over)} over the cap",
                    }
                )
            if amount > 0:
                counted[e.credential].append(
                    {
                        "figure": figure,
                        "unit": e.unit,
                        "amount": show(e.unit, amount),
                        "rule": e.rule,
                    }
                )
            rest = amount - allocated.get(id(e), ZERO)
            if acc["category_unit"] == e.unit and rest > 0:
                parts.append(
                    {
                        "credential": e.credential,
                        "rule": e.rule,
                        "category": None,
                        "amount": show(e.unit, rest),
                    }
                )
        parts.sort(key=lambda p: (p["category"] is None, p["category"] or "", p["credential"]))
        renewals.append(
            {
                "license": r["license"],
                "cycle": r["cycle"],
                "rule": r["rule"],
                "ledger_total": {u: show(u, a) for u, a in sorted(ledger_total.items())},
                "earned": r["earned"],
                "outside_window": {
                    "total": {u: show(u, a) for u, a in sorted(outside_total.items())},
                    "entries": [{**o, "date": o["date"].isoformat()} for o in outside],
                },
                "capped": [{**c, "date": c["date"].isoformat()} for c in cut],
                "allocation": parts,
            }
        )

    # --- credential and career caps (the ledger's own) ---------------------------------------
    for e in ledger:
        if e.original is not None and e.original > e.amount and e.kind != "salary":
            missed[e.credential].append(
                {
                    "figure": "totals",
                    "reason": "capped",
                    "unit": e.unit,
                    "amount": show(e.unit, e.original - e.amount),
                    "rule": e.rule,
                    "detail": "; ".join(n for n in e.notes if n.startswith("capped"))
                    or f"capped from {show(e.unit, e.original)}",
                }
            )

    # --- salary: each salary ledger line and what became of it -------------------------------
    salary_lines: list[dict[str, Any]] = []
    with_salary_line: set[str] = set()
    for e in ledger:
        if e.kind != "salary":
            continue
        with_salary_line.add(e.credential)
        consumed = e.consumed_by
        if consumed is not None and consumed.startswith("lane:"):
            status = "consumed_by_lane_move"
        elif consumed == "placement":
            status = "already_in_placement"
        elif consumed is not None:
            status = "raises_base"
        else:
            status = "banked"
        salary_lines.append(
            {
                "credential": e.credential,
                "rule": e.rule,
                "unit": e.unit,
                "amount": show(e.unit, e.amount) if e.unit in plan.rounders else str(e.amount),
                "status": status,
                "by": consumed,
                "notes": list(e.notes),
            }
        )
        entry = {
            "figure": "salary",
            "unit": e.unit,
            "amount": salary_lines[-1]["amount"],
            "rule": e.rule,
        }
        if status in ("consumed_by_lane_move", "raises_base"):
            counted[e.credential].append({**entry, "by": consumed})
        else:
            detail = (
                "already in the base pay of the placement"
                if status == "already_in_placement"
                else "; ".join(e.notes) or "not used by a lane move yet"
            )
            missed[e.credential].append({**entry, "reason": status, "detail": detail})

    # --- warnings: what the gate, the award step and the salary clauses refused ---------------
    for w in doc["warnings"]:
        cid = w.get("credential")
        reason = _reason(str(w["code"]))
        if cid is None or reason is None:
            continue
        missed[cid].append(
            {
                "figure": "salary" if w["code"] in _SALARY_CODES else "totals",
                "reason": reason,
                "unit": None,
                "amount": None,
                "rule": w.get("rule"),
                "detail": w["message"],
            }
        )

    # --- credentials the salary rules matched but that left no line and no warning ------------
    since = ed.salary.since if ed.salary is not None else None
    for cred in ed.credentials:
        if cred.id not in salary_claimed or cred.id in with_salary_line:
            continue
        if any(m["figure"] == "salary" for m in missed[cred.id]):
            continue
        filed = cred.submitted or cred.earned
        if filed > as_of:
            reason, detail = "future_dated", f"filed {filed}, after {as_of}: not yet counted"
        elif since is not None and filed <= since:
            reason = "already_in_placement"
            detail = f"filed {filed}, on or before the placement's date ({since})"
        else:
            # e.g. hours pooled toward a whole credit (`hours_per_credit`) not yet reached
            reason = "banked"
            detail = "matched a salary rule but earned no whole salary credit yet"
        missed[cred.id].append(
            {
                "figure": "salary",
                "reason": reason,
                "unit": None,
                "amount": None,
                "rule": None,
                "detail": detail,
            }
        )

    credentials = []
    for cred in ed.credentials:
        credentials.append(
            {
                "credential": cred.id,
                "kind": cred.kind,
                "earned": cred.earned.isoformat(),
                "counted": counted.get(cred.id, []),
                "not_counted": missed.get(cred.id, []),
            }
        )
    # awards that stand for no single input credential (a completed stack, an evaluation year)
    known = {c.id for c in ed.credentials}
    for e in ledger:
        if e.credential in known:
            continue
        known.add(e.credential)
        credentials.append(
            {
                "credential": e.credential,
                "kind": e.kind,
                "earned": e.date.isoformat(),
                "counted": counted.get(e.credential, []),
                "not_counted": missed.get(e.credential, []),
            }
        )

    advancement = []
    for a, acc in zip(doc["advancement"], advancement_accounts, strict=True):
        window = acc["window"]
        advancement.append(
            {
                "tier": a["tier"],
                "from": a["from"],
                "eligible": a["eligible"],
                "rule": a["rule"],
                "window": None
                if window is None
                else {"start": window[0].isoformat(), "end": window[1].isoformat()},
                "conditions": acc["conditions"],
                "satisfied_by": a.get("satisfied_by"),
                "alternatives": a.get("alternatives", []),
            }
        )

    return Trace.model_validate(
        {
            "credentials": credentials,
            "renewal": renewals,
            "advancement": advancement,
            "salary": salary_lines,
            "notes": _notes(plan, doc, ledger),
        }
    )


_SALARY_CODES = {
    "evidence_late",
    "prior_approval_missing",
    "salary_credit_capped",
    "salary_credit_expired",
    "base_increase_capped",
}


def _notes(plan: Plan, doc: dict[str, Any], ledger: list[LedgerEntry]) -> list[dict[str, Any]]:
    """The source notes of every rule behind a figure, in the order they are first cited."""
    ids: list[str] = [e.rule for e in ledger]
    for r in doc["renewal"]:
        ids.append(r["rule"])
        ids.extend(c["cap"] for c in r.get("capped", []))
    ids.extend(a["rule"] for a in doc["advancement"])
    salary = doc.get("salary") or {}
    ids.extend(c["rule"] for c in salary.get("changes", []))
    ids.extend(w["rule"] for w in doc["warnings"] if w.get("rule"))
    rules = _rules_by_id(plan)
    out = []
    for rid in dict.fromkeys(ids):
        rule = rules.get(rid)
        note = getattr(getattr(rule, "source", None), "note", None)
        if rule is None or not note:
            continue
        out.append(
            {
                "rule": rid,
                "title": rule.title,
                "tag": rule.source.tag,
                "note": " ".join(str(note).split()),
                **_where(rule),
            }
        )
    return out
