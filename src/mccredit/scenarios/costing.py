"""Contract costing: baseline against proposals, per year and cumulative (FACTS.md §8).

`cost_scenarios` projects the workforce once per scenario (`projection.project`: the same
people, exits and replacements in each) and returns, per scenario and year: FTE, total
salary, the benefits roll-up and total compensation (`Assumptions.benefits`), the cost of 1%
of the schedule (1% of that year's salary total), the cost of a step (what one more step would
add for everyone below the top, on that year's scale), the cost of lane movement (the lane
differential of that year's movers), the scattergram (FTE, cost and average per lane × step),
and breakage: the same year's salary total projected without attrition (nobody leaves, nobody
is replaced) and the difference, `breakage` (what turnover saves; 0 without attrition). Each
proposal is compared with the baseline per year and cumulatively (salary and compensation),
with its contract-term total, and the distribution of gains per person (bands, by lane).
`write_outputs` writes the JSON document and CSV tables; every output names the ruleset, each
proposal and the assumptions by sha256.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..io.educator import Educator
from ..rules._loader import Jurisdiction, RuleSet
from ._proposal import Proposal, apply_proposal, load_proposal, parse_proposal
from .assumptions import Assumptions
from .projection import ProjectionCache, YearProjection, project

__all__ = [
    "GAIN_BANDS",
    "cost_scenarios",
    "csv_tables",
    "provisions",
    "run_costing",
    "write_outputs",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)
#: Bands of a person's yearly gain (proposal − baseline salary), lower bound inclusive.
GAIN_BANDS: tuple[tuple[str, Decimal | None, Decimal | None], ...] = (
    ("loss", None, ZERO),
    ("none", ZERO, ZERO),
    ("0-1000", ZERO, Decimal(1000)),
    ("1000-2500", Decimal(1000), Decimal(2500)),
    ("2500-5000", Decimal(2500), Decimal(5000)),
    ("5000+", Decimal(5000), None),
)


def _m(x: Decimal) -> str:
    return str(x.quantize(CENT, ROUND_HALF_UP))


def _band(g: Decimal) -> str:
    if g < 0:
        return "loss"
    if g == 0:
        return "none"
    if g < 1000:
        return "0-1000"
    if g < 2500:
        return "1000-2500"
    if g < 5000:
        return "2500-5000"
    return "5000+"


def _sources(yp: YearProjection, prev: YearProjection | None) -> dict[str, str | None]:
    """Where this year's salary change over last year comes from (None in the first year,
    the base year): the schedule, steps, lanes (stayers) and turnover (hires − leavers)."""
    if prev is None:
        return dict.fromkeys(
            (
                "increase_over_prior_year",
                "from_schedule",
                "from_steps",
                "from_lanes",
                "from_turnover",
            )
        )
    here = {p.key for p in yp.people}
    stay = [p for p in yp.people if p.stayed]
    hires = sum((p.salary for p in yp.people if not p.stayed), ZERO)
    leavers = sum((p.salary for p in prev.people if p.key not in here), ZERO)
    total = sum((p.salary for p in yp.people), ZERO) - sum((p.salary for p in prev.people), ZERO)
    return {
        "increase_over_prior_year": _m(total),
        "from_schedule": _m(sum((p.from_schedule for p in stay), ZERO)),
        "from_steps": _m(sum((p.from_step for p in stay), ZERO)),
        "from_lanes": _m(sum((p.from_lane for p in stay), ZERO)),
        "from_turnover": _m(hires - leavers),
    }


def _year_figures(
    yp: YearProjection, a: Assumptions, prev: YearProjection | None = None
) -> dict[str, Any]:
    fte = sum((p.fte for p in yp.people), ZERO)
    salary = sum((p.salary for p in yp.people), ZERO)
    roll = sum((a.benefits.rolled_up(p.salary) for p in yp.people), ZERO)
    fixed = a.benefits.fixed_per_fte * fte
    return {
        "year": yp.year,
        "as_of": yp.as_of.isoformat(),
        "scale": yp.scale.title,
        "fte": str(fte),
        "total_salary": _m(salary),
        "rolled_up_benefits": _m(roll),
        "fixed_benefits": _m(fixed),
        "total_compensation": _m(salary + roll + fixed),
        "average_salary": _m(salary / fte) if fte else "0.00",
        "cost_of_1pct": _m(salary / 100),
        "cost_of_a_step": _m(sum((p.step_cost for p in yp.people), ZERO)),
        "lane_moves": sum(1 for p in yp.people if p.lane_from is not None),
        "cost_of_lane_movement": _m(sum((p.lane_move_cost for p in yp.people), ZERO)),
        "new_hires": sum(1 for p in yp.people if p.hired == yp.year),
        **_sources(yp, prev),
    }


def _scattergram(yp: YearProjection) -> list[dict[str, Any]]:
    cells: dict[tuple[str, int], list[Decimal]] = {}
    for p in yp.people:
        c = cells.setdefault((p.lane, p.step), [ZERO, ZERO])
        c[0] += p.fte
        c[1] += p.salary
    order = {lane: i for i, lane in enumerate(yp.scale.lanes)}
    return [
        {
            "year": yp.year,
            "lane": lane,
            "step": step,
            "fte": str(v[0]),
            "cost": _m(v[1]),
            "average": _m(v[1] / v[0]) if v[0] else "0.00",
        }
        for (lane, step), v in sorted(
            cells.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])
        )
    ]


def _gains(base: YearProjection, prop: YearProjection) -> dict[str, Any]:
    before = {p.key: p for p in base.people}
    counts = {name: 0 for name, _, _ in GAIN_BANDS}
    sums = {name: ZERO for name, _, _ in GAIN_BANDS}
    lanes: dict[str, list[Any]] = {}
    for p in prop.people:
        b = before.get(p.key)
        if b is None:
            continue
        g = p.salary - b.salary  # salaries are FTE-weighted already
        counts[_band(g)] += 1
        sums[_band(g)] += g
        lane = lanes.setdefault(b.lane, [0, ZERO, 0, 0])
        lane[0] += 1
        lane[1] += g
        lane[2] += 1 if g > 0 else 0
        lane[3] += 1 if g < 0 else 0
    return {
        "bands": [
            {"year": prop.year, "band": n, "people": counts[n], "total_gain": _m(sums[n])}
            for n in counts
        ],
        "by_lane": [
            {
                "year": prop.year,
                "lane": lane,
                "people": v[0],
                "winners": v[2],
                "losers": v[3],
                "total_gain": _m(v[1]),
                "mean_gain": _m(v[1] / v[0]) if v[0] else "0.00",
            }
            for lane, v in sorted(
                lanes.items(),
                key=lambda kv: (list(prop.scale.lanes) + [kv[0]]).index(kv[0]),
            )
        ],
    }


#: Step bands for the distribution of gains (a stand-in for years of service: the roster
#: layout carries no service dates, and a step is a year of credited service on most scales).
STEP_BANDS = ((0, 5), (6, 10), (11, 15), (16, 20), (21, 99))
LARGEST = 10


def _more_gains(base: YearProjection, prop: YearProjection) -> dict[str, Any]:
    """Deciles of the yearly gain, gains by step band, and the largest gains (by person)."""
    before = {p.key: p for p in base.people}
    rows = [(p.salary - before[p.key].salary, p) for p in prop.people if p.key in before]
    gains = sorted(g for g, _ in rows)
    deciles = []
    for k in range(1, 10):
        if gains:
            deciles.append({"year": prop.year, "decile": k * 10, "gain": _m(_quantile(gains, k))})
    bands = []
    for lo, hi in STEP_BANDS:
        inside = [g for g, p in rows if lo <= before[p.key].step <= hi]
        if not inside:
            continue
        total = sum(inside, ZERO)
        bands.append(
            {
                "year": prop.year,
                "steps": f"{lo}-{hi}" if hi < 99 else f"{lo}+",
                "people": len(inside),
                "winners": sum(1 for g in inside if g > 0),
                "losers": sum(1 for g in inside if g < 0),
                "total_gain": _m(total),
                "mean_gain": _m(total / len(inside)),
            }
        )
    top = sorted((r for r in rows if r[0] != 0), key=lambda r: (-abs(r[0]), r[1].key))[:LARGEST]
    largest = [
        {
            "year": prop.year,
            "educator": p.educator,
            "lane": before[p.key].lane,
            "step": before[p.key].step,
            "proposal_lane": p.lane,
            "gain": _m(g),
        }
        for g, p in top
    ]
    return {"deciles": deciles, "by_step_band": bands, "largest": largest}


def _quantile(xs: list[Decimal], k: int) -> Decimal:
    """The k-th decile (nearest rank) of sorted `xs`."""
    i = max(0, -(-len(xs) * k // 10) - 1)
    return xs[i]


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


def _vs_baseline(
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
                "salary_difference": _m(ds),
                "compensation_difference": _m(dc),
                "cumulative_salary_difference": _m(cum_s),
                "cumulative_compensation_difference": _m(cum_c),
                "cost_of_1pct_difference": _m(_diff(q, b, "cost_of_1pct")),
                "cost_of_lane_movement_difference": _m(_diff(q, b, "cost_of_lane_movement")),
                "in_force_share": str(_share(p, q["year"], a).quantize(Decimal("0.0001"))),
                "in_year_difference": _m(in_year),
                "cumulative_in_year_difference": _m(cum_in),
                "built_in": _m(built_in),
                "new_money": _m(new_money),
                "increase_over_prior_year": _m(built_in + new_money),
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


Run = Callable[[Jurisdiction], tuple[list[YearProjection], list[dict[str, Any]]]]


def _stacking(
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
                    "salary_difference": _m(_diff(b, a, "total_salary")),
                    "compensation_difference": _m(_diff(b, a, "total_compensation")),
                }
            )
        prev = cur
    return {"provisions": [name for name, _ in parts], "parts": rows, "unavailable": None}


AID = "an aid to preparing the form, not a certification of cost"


def _forms(jid: str, doc: dict[str, Any], a: Assumptions) -> dict[str, Any]:
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


def _compare(
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
                "salary_difference": _m(ds),
                "compensation_difference": _m(dc),
                "cumulative_salary_difference": _m(cum_s),
                "cumulative_compensation_difference": _m(cum_c),
            }
        )
    return {
        "proposal": q.summary(),
        "against": p.summary(),
        "years": rows,
        "contract_term": {"salary_difference": _m(cum_s), "compensation_difference": _m(cum_c)},
    }


def cost_scenarios(
    j: Jurisdiction,
    educators: Sequence[Educator],
    proposals: Iterable[Proposal | dict[str, Any]],
    assumptions: Assumptions,
    *,
    weights: Mapping[str, Decimal] | None = None,
) -> dict[str, Any]:
    """Cost every proposal against the baseline of `j` for `educators` (see module doc);
    `weights` (by educator id) are FTE × contract days ÷ the scale's days (default 1)."""
    eds = [e for e in educators if e.jurisdiction == j.id]
    if not any(e.salary is not None for e in eds):
        raise InputError(
            [
                Problem(
                    type="scenario.no_roster",
                    message=f"no educator of {j.id} with a salary placement to cost",
                    loc=("roster",),
                )
            ]
        )
    still = assumptions.model_copy(
        update={"attrition": assumptions.attrition.model_copy(update={"rate": Decimal(0)})}
    )
    w = dict(weights or {})
    shared, shared_still = ProjectionCache(), ProjectionCache()

    def run(jur: Jurisdiction) -> tuple[list[YearProjection], list[dict[str, Any]]]:
        proj = project(jur, eds, assumptions, weights=w, cache=shared)
        years = [
            _year_figures(y, assumptions, proj[i - 1] if i else None) for i, y in enumerate(proj)
        ]
        kept = (
            proj
            if assumptions.attrition.rate == 0
            else project(jur, eds, still, weights=w, cache=shared_still)
        )
        for y, k in zip(years, kept, strict=True):
            without = sum((p.salary for p in k.people), ZERO)
            y["total_salary_without_breakage"] = _m(without)
            y["breakage"] = _m(without - Decimal(y["total_salary"]))
        return proj, years

    base, base_years = run(j)
    doc: dict[str, Any] = {
        "jurisdiction": j.id,
        "ruleset": {"id": f"{j.id}@{j.version}", "sha256": j.sha256},
        "assumptions": {
            "name": assumptions.name,
            "sha256": assumptions.sha256,
            "values": assumptions.model_dump(mode="json", by_alias=True),
        },
        "educators": len(eds),
        "skipped_other_jurisdictions": len(educators) - len(eds),
        "years": assumptions.year_list,
        "baseline": {
            "years": base_years,
            "scattergram": _scattergram(base[0]) + _scattergram(base[-1])
            if len(base) > 1
            else _scattergram(base[0]),
        },
        "proposals": [],
        "comparisons": [],
    }
    costed: list[tuple[Proposal, list[dict[str, Any]]]] = []
    for raw in proposals:
        p = parse_proposal(raw)
        proj, years = run(apply_proposal(j, p))
        vs = _vs_baseline(p, years, base_years, assumptions)
        gains = [_gains(b, q) | _more_gains(b, q) for b, q in zip(base, proj, strict=True)]
        costed.append((p, years))
        doc["proposals"].append(
            {
                "proposal": p.summary(),
                "years": years,
                "vs_baseline": vs,
                "contract_term": {
                    "total_salary": _m(sum((Decimal(y["total_salary"]) for y in years), ZERO)),
                    "total_compensation": _m(
                        sum((Decimal(y["total_compensation"]) for y in years), ZERO)
                    ),
                    "salary_difference": vs[-1]["cumulative_salary_difference"],
                    "compensation_difference": vs[-1]["cumulative_compensation_difference"],
                    "in_year_salary_difference": vs[-1]["cumulative_in_year_difference"],
                },
                "scattergram": _scattergram(proj[0]) + _scattergram(proj[-1])
                if len(proj) > 1
                else _scattergram(proj[0]),
                "gains": {
                    k: [r for g in gains for r in g[k]]
                    for k in ("bands", "by_lane", "deciles", "by_step_band")
                },
                "largest_gains": [r for g in gains for r in g["largest"]],
                "stacking": _stacking(j, p, years, base_years, run),
            }
        )
    for i, (p, py) in enumerate(costed):
        for q, qy in costed[i + 1 :]:
            doc["comparisons"].append(_compare(p, py, q, qy))
    doc["forms"] = _forms(j.id, doc, assumptions)
    return doc


def _csv_text(rows: list[dict[str, Any]], ids: dict[str, str]) -> str:
    rows = rows or [{}]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=[*ids, *rows[0]], lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({**ids, **{k: "" if v is None else v for k, v in r.items()}})
    return buf.getvalue()


def csv_tables(doc: dict[str, Any]) -> dict[str, str]:
    """The CSV tables of a costing document, by name (`years`, `scattergram`, and with
    proposals `vs_baseline`, `stacking`, `gains_bands`, `gains_by_lane`,
    `gains_by_step_band`, `gains_deciles`, `largest_gains` (not in the union view), with two
    or more `vs_proposals`): one row per scenario and year (and cell, band, lane, provision),
    each naming the ruleset, scenario (with its sha256) and the assumptions' sha256. A
    suppressed figure (`suppress_small_groups`) is an empty cell."""
    common = {
        "ruleset": doc["ruleset"]["id"],
        "ruleset_sha256": doc["ruleset"]["sha256"],
        "assumptions_sha256": doc["assumptions"]["sha256"],
    }
    scenarios = [("baseline", "", doc["baseline"])] + [
        (p["proposal"]["name"], p["proposal"]["sha256"], p) for p in doc["proposals"]
    ]
    tables: dict[str, list[dict[str, Any]]] = {
        "years": [],
        "scattergram": [],
        "vs_baseline": [],
        "vs_proposals": [],
        "stacking": [],
        "gains_bands": [],
        "gains_by_lane": [],
        "gains_by_step_band": [],
        "gains_deciles": [],
        "largest_gains": [],
    }
    for name, sha, s in scenarios:
        tag = {"scenario": name, "scenario_sha256": sha}
        tables["years"] += [{**tag, **y} for y in s["years"]]
        tables["scattergram"] += [{**tag, **c} for c in s["scattergram"]]
        tables["vs_baseline"] += [{**tag, **v} for v in s.get("vs_baseline", [])]
        if "stacking" in s:
            tables["stacking"] += [{**tag, **r} for r in s["stacking"]["parts"]]
        if "gains" in s:
            g = s["gains"]
            tables["gains_bands"] += [{**tag, **r} for r in g["bands"]]
            tables["gains_by_lane"] += [{**tag, **r} for r in g["by_lane"]]
            tables["gains_by_step_band"] += [{**tag, **r} for r in g.get("by_step_band", [])]
            tables["gains_deciles"] += [{**tag, **r} for r in g.get("deciles", [])]
        if "largest_gains" in s:
            tables["largest_gains"] += [{**tag, **r} for r in s["largest_gains"]]
    for c in doc.get("comparisons", []):
        tag = {
            "scenario": c["proposal"]["name"],
            "scenario_sha256": c["proposal"]["sha256"],
            "against": c["against"]["name"],
            "against_sha256": c["against"]["sha256"],
        }
        tables["vs_proposals"] += [{**tag, **r} for r in c["years"]]
    forms = doc.get("forms", {})
    if forms.get("multiyear", {}).get("rows"):
        tables["form_multiyear"] = forms["multiyear"]["rows"]
    if forms.get("wi_base_wages", {}).get("rows"):
        tables["form_wi_base_wages"] = forms["wi_base_wages"]["rows"]
    keep = {"years", "scattergram", "form_multiyear", "form_wi_base_wages"}
    if doc["proposals"]:
        keep |= {"vs_baseline", "stacking", "gains_bands", "gains_by_lane"}
        keep |= {"gains_by_step_band", "gains_deciles"}
        if any("largest_gains" in p for p in doc["proposals"]):
            keep.add("largest_gains")
    if doc.get("comparisons"):
        keep.add("vs_proposals")
    return {t: _csv_text(rows, common) for t, rows in tables.items() if t in keep and rows}


def write_outputs(doc: dict[str, Any], out: Path) -> list[Path]:
    """`scenario.json` plus the CSV tables (`csv_tables`). Returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "scenario.json"]
    (out / "scenario.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    for t, text in csv_tables(doc).items():
        path = out / f"{t}.csv"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def run_costing(
    roster: Sequence[Path],
    proposals: Sequence[Path],
    assumptions: Path,
    out: Path,
    *,
    rules: RuleSet,
) -> dict[str, Any]:
    """Load the roster (batch roster folders, educator files or folders of them), proposals
    and assumptions; cost; write the outputs into `out`. Every bad input is one `InputError`
    naming each file:line:col."""
    from .assumptions import load_assumptions
    from .roster import load_costing_roster

    problems: list[Problem] = []
    a: Assumptions | None = None
    props: list[Proposal] = []
    eds: list[Educator] = []
    weights: dict[str, Decimal] = {}
    try:
        a = load_assumptions(assumptions)
    except InputError as e:
        problems.extend(e.problems)
    for f in proposals:
        try:
            props.append(load_proposal(f))
        except InputError as e:
            problems.extend(e.problems)
    try:
        eds, fte, days = load_costing_roster(roster, known_issuers=rules.issuer_aliases())
    except InputError as e:
        problems.extend(e.problems)
    if problems or a is None:
        raise InputError(problems)
    if days and a.contract_days is None:
        raise InputError(
            [
                Problem(
                    type="scenario.contract_days",
                    message=f"{assumptions}: the roster gives contract_days for {len(days)} "
                    "educator(s): state the days the scale pays for (contract_days) in the "
                    "assumptions",
                    path=str(assumptions),
                    loc=("assumptions", "contract_days"),
                )
            ]
        )
    for eid in set(fte) | set(days):
        weights[eid] = fte.get(eid, Decimal(1)) * (
            Decimal(days[eid]) / Decimal(a.contract_days or 1) if eid in days else Decimal(1)
        )
    wanted = {p.jurisdiction for p in props if p.jurisdiction} or {e.jurisdiction for e in eds}
    if len(wanted) != 1:
        raise InputError(
            [
                Problem(
                    type="scenario.jurisdiction",
                    message="cost one jurisdiction at a time: the proposals and roster name "
                    f"{sorted(wanted) or 'none'}",
                    loc=("proposal", "jurisdiction"),
                )
            ]
        )
    j = rules.get(wanted.pop())
    doc = cost_scenarios(j, eds, props, a, weights=weights)
    doc["files"] = [str(p.name) for p in write_outputs(doc, out)]
    return doc
