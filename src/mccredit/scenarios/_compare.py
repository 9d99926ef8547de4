"""Scenarios set against each other: a proposal against the baseline (per year, cumulative,
in-year and annualised, built-in vs new money), provision by provision (stacking), against
another proposal, and the figures the law asks for (the multiyear form, Wisconsin's base wages
against CPI), labelled as aids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import InputError
from ..rules._loader import Jurisdiction
from ._columns import YearColumns
from ._figures import CENT, ZERO, money
from ._proposal import Proposal, apply_proposal, parse_proposal
from .assumptions import Assumptions


def _share(p: Proposal, year: int, a: Assumptions) -> Decimal:
    """The share of school year `year` (from `school_year_start`) with `p` in force."""
    mm, dd = (int(x) for x in a.school_year_start.split("-"))
    start, end = dt.date(year, mm, dd), dt.date(year + 1, mm, dd)
    on = max(p.effective, start)
    if on >= end:
        return ZERO
    return Decimal((end - on).days) / Decimal((end - start).days)


def _diff(a: dict[str, Any], b: dict[str, Any], key: str) -> Decimal:
    return Decimal(a[key]) - Decimal(b[key])


def vs_baseline(
    p: Proposal,
    years: list[dict[str, Any]],
    base_years: list[dict[str, Any]],
    a: Assumptions,
) -> list[dict[str, Any]]:
    """Per year: the difference to the baseline (annualised, and in-year: the share of the
    school year the proposal is in force), cumulative, and built-in vs new money: the
    year-over-year increase under the proposal = the baseline's own increase (built in: steps,
    lanes, schedule growth, turnover under the rules as they are) + the growth of the
    proposal's difference (new money). The first costed year is the base year: its increase is
    the proposal's difference over the baseline that year."""
    out = []
    cum_s = cum_c = cum_in = ZERO
    prev_ds = ZERO
    for k, (b, q) in enumerate(zip(base_years, years, strict=True)):
        ds, dc = _diff(q, b, "total_salary"), _diff(q, b, "total_compensation")
        in_year = (ds * _share(p, q["year"], a)).quantize(CENT, ROUND_HALF_UP)
        cum_s += ds
        cum_c += dc
        cum_in += in_year
        built_in = Decimal(b["increase_over_prior_year"]) if k else ZERO
        new_money = ds - prev_ds
        prior = Decimal(years[k - 1]["total_salary"]) if k else Decimal(b["total_salary"])
        out.append(
            {
                "year": q["year"],
                "salary_difference": money(ds),
                "compensation_difference": money(dc),
                "cumulative_salary_difference": money(cum_s),
                "cumulative_compensation_difference": money(cum_c),
                "cost_of_1pct_difference": money(_diff(q, b, "cost_of_1pct")),
                "cost_of_lane_movement_difference": money(_diff(q, b, "cost_of_lane_movement")),
                "in_force_share": str(_share(p, q["year"], a).quantize(Decimal("0.0001"))),
                "in_year_difference": money(in_year),
                "cumulative_in_year_difference": money(cum_in),
                "built_in": money(built_in),
                "new_money": money(new_money),
                "increase_over_prior_year": money(built_in + new_money),
                "increase_pct": str(
                    ((built_in + new_money) / prior * 100).quantize(Decimal("0.01"))
                )
                if prior
                else "0.00",
            }
        )
        prev_ds = ds
    return out


def provisions(p: Proposal) -> list[tuple[str, dict[str, Any]]]:
    """A proposal's provisions in stacking order, each (label, the overlay fields it adds):
    its salary scales (together: one provision), then each added rule, each `set`, each
    `remove`. Applying the first k together is the proposal's first k provisions."""
    out: list[tuple[str, dict[str, Any]]] = []
    if p.schedules:
        titles = ", ".join(str(s.get("title", s.get("schedule", "?"))) for s in p.schedules)
        out.append((f"scales: {titles}", {"schedules": list(p.schedules)}))
    for section, items in p.add.items():
        for item in items:
            out.append((f"add {section}: {item.get('id', '?')}", {"add": {section: [item]}}))
    for op in p.set:
        out.append(
            (
                f"set {op.rule} {op.path} = {op.value}",
                {"set": [op.model_dump(mode="json")]},
            )
        )
    for rid in p.remove:
        out.append((f"remove {rid}", {"remove": [rid]}))
    return out


def _first(p: Proposal, parts: list[tuple[str, dict[str, Any]]], k: int) -> Proposal:
    raw: dict[str, Any] = {
        "proposal": f"{p.name} (provisions 1-{k})",
        "jurisdiction": p.jurisdiction,
        "effective": p.effective.isoformat(),
        "schedules": [],
        "add": {},
        "set": [],
        "remove": [],
    }
    for _, piece in parts[:k]:
        raw["schedules"] += piece.get("schedules", [])
        raw["set"] += piece.get("set", [])
        raw["remove"] += piece.get("remove", [])
        for section, items in piece.get("add", {}).items():
            raw["add"].setdefault(section, []).extend(items)
    return parse_proposal(raw)


Run = Callable[[Jurisdiction], tuple[list[YearColumns], list[dict[str, Any]]]]


def stacking(
    j: Jurisdiction,
    p: Proposal,
    years: list[dict[str, Any]],
    base_years: list[dict[str, Any]],
    run: Run,
) -> dict[str, Any]:
    """Per-provision stacking: provision k costs (first k provisions) − (first k−1), so the
    parts add up to the proposal's total in every year. A first-k overlay that cannot be
    applied on its own (a provision that needs a later one) is reported, not guessed."""
    parts = provisions(p)
    rows: list[dict[str, Any]] = []
    prev = base_years
    for k, (label, _) in enumerate(parts, 1):
        if k == len(parts):
            cur = years
        else:
            try:
                cur = run(apply_proposal(j, _first(p, parts, k)))[1]
            except InputError as e:
                return {
                    "provisions": [name for name, _ in parts],
                    "parts": [],
                    "unavailable": f"provisions 1-{k} cannot be costed without the rest: "
                    + "; ".join(x.message for x in e.problems[:3]),
                }
        for a, b in zip(prev, cur, strict=True):
            rows.append(
                {
                    "provision": k,
                    "name": label,
                    "year": b["year"],
                    "salary_difference": money(_diff(b, a, "total_salary")),
                    "compensation_difference": money(_diff(b, a, "total_compensation")),
                }
            )
        prev = cur
    return {"provisions": [name for name, _ in parts], "parts": rows, "unavailable": None}


AID = "an aid to preparing the form, not a certification of cost"


def legal_forms(jid: str, doc: dict[str, Any], a: Assumptions) -> dict[str, Any]:
    """Where the law asks for a form (FACTS.md §8), the figures it asks for, labelled as aids.

    - `multiyear` (every jurisdiction; the shape of a California Gov. Code §3547.5
      disclosure): per proposal, the current (first costed) and each subsequent year's total
      salary and compensation under the baseline and the proposal, the difference and its
      cumulative sum.
    - `wi_base_wages` (Wisconsin districts, `us-wi/…`, 2011 Act 10, Wis. Stat. §111.70(4)(mb)):
      per scenario and year from the second on, the increase in total base wages over the
      year before, as a % of it, against the stated CPI (`cpi` in the assumptions) with
      `exceeds_cpi`. Base wages here are the schedule's own raise for the same people
      (`from_schedule`): step and lane movement and supplemental pay (such as a
      micro-credential's base increase) sit outside the base; with no CPI stated for a year
      the flag is null."""
    rows = []
    for p in doc["proposals"]:
        for y, b, v in zip(p["years"], doc["baseline"]["years"], p["vs_baseline"], strict=True):
            rows.append(
                {
                    "proposal": p["proposal"]["name"],
                    "proposal_sha256": p["proposal"]["sha256"],
                    "year": y["year"],
                    "current_year": y["year"] == doc["years"][0],
                    "baseline_salary": b["total_salary"],
                    "proposal_salary": y["total_salary"],
                    "baseline_compensation": b["total_compensation"],
                    "proposal_compensation": y["total_compensation"],
                    "compensation_difference": v["compensation_difference"],
                    "cumulative_compensation_difference": v["cumulative_compensation_difference"],
                }
            )
    forms: dict[str, Any] = {"multiyear": {"label": AID, "rows": rows}}
    if jid.startswith("us-wi/"):
        wi = []
        named = [("baseline", "", doc["baseline"])] + [
            (p["proposal"]["name"], p["proposal"]["sha256"], p) for p in doc["proposals"]
        ]
        for name, sha, s in named:
            for prev, y in zip(s["years"], s["years"][1:], strict=False):
                base = Decimal(prev["total_salary"])
                inc = Decimal(y["from_schedule"] or 0)
                pct = (inc / base * 100).quantize(Decimal("0.01")) if base else ZERO
                cpi = a.cpi.get(y["year"])
                wi.append(
                    {
                        "scenario": name,
                        "scenario_sha256": sha,
                        "year": y["year"],
                        "prior_total_salary": prev["total_salary"],
                        "base_wage_increase": y["from_schedule"],
                        "base_wage_increase_pct": str(pct),
                        "cpi_pct": str((cpi * 100).quantize(Decimal("0.01")))
                        if cpi is not None
                        else None,
                        "exceeds_cpi": (pct > cpi * 100) if cpi is not None else None,
                    }
                )
        forms["wi_base_wages"] = {"label": AID, "rows": wi}
    return forms


def compare(
    p: Proposal, py: list[dict[str, Any]], q: Proposal, qy: list[dict[str, Any]]
) -> dict[str, Any]:
    """Proposal `q` against the earlier-listed proposal `p` (q − p), year by year and over
    the term."""
    rows = []
    cum_s = cum_c = ZERO
    for a, b in zip(py, qy, strict=True):
        ds, dc = _diff(b, a, "total_salary"), _diff(b, a, "total_compensation")
        cum_s += ds
        cum_c += dc
        rows.append(
            {
                "year": a["year"],
                "salary_difference": money(ds),
                "compensation_difference": money(dc),
                "cumulative_salary_difference": money(cum_s),
                "cumulative_compensation_difference": money(cum_c),
            }
        )
    return {
        "proposal": q.summary(),
        "against": p.summary(),
        "years": rows,
        "contract_term": {
            "salary_difference": money(cum_s),
            "compensation_difference": money(cum_c),
        },
    }
