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
import io
import json
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..io.educator import Educator
from ..rules._loader import Jurisdiction, RuleSet
from ._proposal import Proposal, apply_proposal, load_proposal, parse_proposal
from .assumptions import Assumptions
from .projection import YearProjection, project

__all__ = ["GAIN_BANDS", "cost_scenarios", "csv_tables", "run_costing", "write_outputs"]

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


def _year_figures(yp: YearProjection, a: Assumptions) -> dict[str, Any]:
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
        g = (p.salary - b.salary) * p.fte
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


def _diff(a: dict[str, Any], b: dict[str, Any], key: str) -> Decimal:
    return Decimal(a[key]) - Decimal(b[key])


def cost_scenarios(
    j: Jurisdiction,
    educators: Sequence[Educator],
    proposals: Iterable[Proposal | dict[str, Any]],
    assumptions: Assumptions,
) -> dict[str, Any]:
    """Cost every proposal against the baseline of `j` for `educators` (see module doc)."""
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

    def run(jur: Jurisdiction) -> tuple[list[YearProjection], list[dict[str, Any]]]:
        proj = project(jur, eds, assumptions)
        years = [_year_figures(y, assumptions) for y in proj]
        kept = proj if assumptions.attrition.rate == 0 else project(jur, eds, still)
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
    }
    for raw in proposals:
        p = parse_proposal(raw)
        proj, years = run(apply_proposal(j, p))
        cum_s = cum_c = ZERO
        vs = []
        for b, q in zip(base_years, years, strict=True):
            ds, dc = _diff(q, b, "total_salary"), _diff(q, b, "total_compensation")
            cum_s += ds
            cum_c += dc
            vs.append(
                {
                    "year": q["year"],
                    "salary_difference": _m(ds),
                    "compensation_difference": _m(dc),
                    "cumulative_salary_difference": _m(cum_s),
                    "cumulative_compensation_difference": _m(cum_c),
                    "cost_of_1pct_difference": _m(_diff(q, b, "cost_of_1pct")),
                    "cost_of_lane_movement_difference": _m(_diff(q, b, "cost_of_lane_movement")),
                }
            )
        gains = [_gains(b, q) for b, q in zip(base, proj, strict=True)]
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
                    "salary_difference": _m(cum_s),
                    "compensation_difference": _m(cum_c),
                },
                "scattergram": _scattergram(proj[0]) + _scattergram(proj[-1])
                if len(proj) > 1
                else _scattergram(proj[0]),
                "gains": {
                    "bands": [r for g in gains for r in g["bands"]],
                    "by_lane": [r for g in gains for r in g["by_lane"]],
                },
            }
        )
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
    proposals `vs_baseline`, `gains_bands`, `gains_by_lane`): one row per scenario and year
    (and cell, band or lane), each naming the ruleset, scenario (with its sha256) and the
    assumptions' sha256. A suppressed figure (`suppress_small_groups`) is an empty cell."""
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
        "gains_bands": [],
        "gains_by_lane": [],
    }
    for name, sha, s in scenarios:
        tag = {"scenario": name, "scenario_sha256": sha}
        tables["years"] += [{**tag, **y} for y in s["years"]]
        tables["scattergram"] += [{**tag, **c} for c in s["scattergram"]]
        tables["vs_baseline"] += [{**tag, **v} for v in s.get("vs_baseline", [])]
        if "gains" in s:
            tables["gains_bands"] += [{**tag, **g} for g in s["gains"]["bands"]]
            tables["gains_by_lane"] += [{**tag, **g} for g in s["gains"]["by_lane"]]
    return {
        t: _csv_text(rows, common)
        for t, rows in tables.items()
        if t in ("years", "scattergram") or doc["proposals"]
    }


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
    from .roster import load_roster

    problems: list[Problem] = []
    a: Assumptions | None = None
    props: list[Proposal] = []
    eds: list[Educator] = []
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
        eds = load_roster(roster, known_issuers=rules.issuer_aliases())
    except InputError as e:
        problems.extend(e.problems)
    if problems or a is None:
        raise InputError(problems)
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
    doc = cost_scenarios(j, eds, props, a)
    doc["files"] = [str(p.name) for p in write_outputs(doc, out)]
    return doc
