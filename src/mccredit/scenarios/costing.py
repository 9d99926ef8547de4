"""Contract costing: baseline against proposals, per year and cumulative (FACTS.md §8).

`cost_scenarios` projects the workforce once per scenario (`projection.project`: the same
people, exits and replacements in each) and returns, per scenario and year, the year's
figures (`_figures.year_figures`: FTE, total salary, the benefits roll-up and total
compensation, the cost of 1%, of a step and of lane movement, where the change comes from),
the scattergram (FTE, cost and average per lane × step), and breakage: the same year's salary
total projected without attrition (nobody leaves, nobody is replaced) and the difference,
`breakage` (what turnover saves; 0 without attrition). Each proposal is compared with the
baseline per year and cumulatively, with its contract-term total, the distribution of gains
per person and its per-provision stacking (`_compare`); proposals are compared with each
other, and the forms the law asks for are filled as aids (`_compare.legal_forms`).
`write_outputs` (`_tables`) writes the JSON document and CSV tables; every output names the
ruleset, each proposal and the assumptions by sha256.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from .._gc import paused_gc
from .._yaml import Located, ProblemException, load_file, locate
from ..errors import InputError, Problem
from ..io.educator import Educator
from ..rules._loader import Jurisdiction, RuleSet
from ._columns import NotColumnar, YearColumns, columns_of
from ._compare import compare, legal_forms, provisions, stacking, vs_baseline
from ._credit import late_cuts
from ._figures import GAIN_BANDS, ZERO, band_gains, money, scattergram, spread_gains, year_figures
from ._proposal import Proposal, apply_proposal, load_proposal, parse_proposal
from ._tables import csv_tables, write_outputs
from ._vector import project_columns
from .assumptions import Assumptions
from .projection import ProjectionCache, project, roster_degrees_move

__all__ = [
    "GAIN_BANDS",
    "check_degree_lanes",
    "cost_scenarios",
    "csv_tables",
    "provisions",
    "roster_weights",
    "run_costing",
    "write_outputs",
]


@paused_gc()  # millions of small objects alive until the end (see mccredit._gc)
def cost_scenarios(
    j: Jurisdiction,
    educators: Sequence[Educator],
    proposals: Iterable[Proposal | dict[str, Any]],
    assumptions: Assumptions,
    *,
    weights: Mapping[str, Decimal] | None = None,
    path: Literal["columns", "person"] = "columns",
    located: Located | None = None,
) -> dict[str, Any]:
    """Cost every proposal against the baseline of `j` for `educators` (see module doc);
    `weights` (by educator id) are FTE × contract days ÷ the scale's days (default: from each
    educator's placement, `roster_weights`).
    `path` picks the projection: over columns (`_columns`, the default; it hands a costing it
    cannot carry exactly to the other) or person by person (`projection.project`, the
    reference); both give the same document. `located`: the assumptions file as read, to
    point at a lane of `degrees` no scale has."""
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
    w = dict(weights) if weights is not None else roster_weights(eds, assumptions)
    shared = ProjectionCache()
    # the roster's degrees depend on the people alone: read once for both projections
    shared_still = ProjectionCache(degrees=shared.degrees)
    parsed = [parse_proposal(raw) for raw in proposals]
    applied = [apply_proposal(j, p) for p in parsed]
    cuts = late_cuts([j, *applied])
    check_degree_lanes([j, *applied], assumptions, located)
    # whether a degree of the roster's history moves anyone: the years then count them
    roster = any(roster_degrees_move(s, eds, assumptions, shared, cuts) for s in [j, *applied])

    def years_of(jur: Jurisdiction, a: Assumptions, cache: ProjectionCache) -> list[YearColumns]:
        if path == "columns":
            try:
                return project_columns(jur, eds, a, weights=w, cache=cache, cuts=cuts)
            except NotColumnar:
                pass
        return [columns_of(y) for y in project(jur, eds, a, weights=w, cache=cache, cuts=cuts)]

    def run(jur: Jurisdiction) -> tuple[list[YearColumns], list[dict[str, Any]]]:
        proj = years_of(jur, assumptions, shared)
        years = [
            year_figures(y, assumptions, proj[i - 1] if i else None, roster)
            for i, y in enumerate(proj)
        ]
        kept = proj if assumptions.attrition.rate == 0 else years_of(jur, still, shared_still)
        for y, k in zip(years, kept, strict=True):
            without = Decimal(int(k.salary.sum())) / 100
            y["total_salary_without_breakage"] = money(without)
            y["breakage"] = money(without - Decimal(y["total_salary"]))
        return proj, years

    base, base_years = run(j)
    doc: dict[str, Any] = {
        "jurisdiction": j.id,
        "ruleset": {"id": f"{j.id}@{j.version}", "sha256": j.sha256},
        "assumptions": {
            "name": assumptions.name,
            "sha256": assumptions.sha256,
            "values": _values(assumptions),
        },
        "educators": len(eds),
        "skipped_other_jurisdictions": len(educators) - len(eds),
        "years": assumptions.year_list,
        "baseline": {
            "years": base_years,
            "scattergram": scattergram(base[0]) + scattergram(base[-1])
            if len(base) > 1
            else scattergram(base[0]),
        },
        "proposals": [],
        "comparisons": [],
    }
    costed: list[tuple[Proposal, list[dict[str, Any]]]] = []
    for p, jp in zip(parsed, applied, strict=True):
        proj, years = run(jp)
        vs = vs_baseline(p, years, base_years, assumptions)
        gains = [
            band_gains(b, q) | spread_gains(b, q, assumptions, roster)
            for b, q in zip(base, proj, strict=True)
        ]
        costed.append((p, years))
        doc["proposals"].append(
            {
                "proposal": p.summary(),
                "years": years,
                "vs_baseline": vs,
                "contract_term": {
                    "total_salary": money(sum((Decimal(y["total_salary"]) for y in years), ZERO)),
                    "total_compensation": money(
                        sum((Decimal(y["total_compensation"]) for y in years), ZERO)
                    ),
                    "salary_difference": vs[-1]["cumulative_salary_difference"],
                    "compensation_difference": vs[-1]["cumulative_compensation_difference"],
                    "in_year_salary_difference": vs[-1]["cumulative_in_year_difference"],
                },
                "scattergram": scattergram(proj[0]) + scattergram(proj[-1])
                if len(proj) > 1
                else scattergram(proj[0]),
                "gains": {
                    k: [r for g in gains for r in g[k]]
                    for k in ("bands", "by_lane", "deciles", "by_step_band")
                },
                "largest_gains": [r for g in gains for r in g["largest"]],
                "stacking": stacking(j, p, years, base_years, run),
            }
        )
    for i, (p, py) in enumerate(costed):
        for q, qy in costed[i + 1 :]:
            doc["comparisons"].append(compare(p, py, q, qy))
    doc["forms"] = legal_forms(j.id, doc, assumptions)
    return doc


def _values(a: Assumptions) -> dict[str, Any]:
    """The assumptions as the document states them (`degrees` only where assumed, so a
    costing without it is the document it was before the field existed)."""
    out = a.model_dump(mode="json", by_alias=True)
    if out.get("degrees") is None:
        out.pop("degrees", None)
    return out


def check_degree_lanes(
    scenarios: Sequence[Jurisdiction], a: Assumptions, located: Located | None
) -> None:
    """Every lane of `degrees.per_lane` is a lane of a scale of the baseline or a proposal."""
    if a.degrees is None:
        return
    lanes = {ln for jur in scenarios for s in jur.schedules for ln in s.lanes}
    problems = []
    for lane in a.degrees.per_lane:
        if lane in lanes:
            continue
        loc = ("degrees", "per_lane", lane)
        line, col = locate(located, loc)
        problems.append(
            Problem(
                type="assumptions.unknown_lane",
                message=f"degrees.per_lane: {lane!r} is not a lane of any scale of "
                f"{scenarios[0].id} (its lanes: {', '.join(sorted(lanes)) or 'none'})",
                path=located.path if located else None,
                line=line,
                col=col,
                loc=loc,
                got=repr(lane),
            )
        )
    if problems:
        raise InputError(problems)


def roster_weights(
    eds: Sequence[Educator],
    a: Assumptions,
    fte: Mapping[str, Decimal] | None = None,
    days: Mapping[str, int] | None = None,
    *,
    where: str = "assumptions",
) -> dict[str, Decimal]:
    """Each educator's pay weight: FTE × contract days ÷ the assumptions' `contract_days`,
    from the batch roster's columns (`fte`, `days`, by id) or else the salary placement's
    `fte` and `contract_days` (an uploaded or stored roster); only where not 1. Days without
    the assumptions' `contract_days` are an `InputError`."""
    fte, days = dict(fte or {}), dict(days or {})
    for e in eds:
        if e.salary is None:
            continue
        if e.salary.fte is not None and e.id not in fte:
            fte[e.id] = e.salary.fte
        if e.salary.contract_days is not None and e.id not in days:
            days[e.id] = e.salary.contract_days
    if days and a.contract_days is None:
        raise InputError(
            [
                Problem(
                    type="scenario.contract_days",
                    message=f"{where}: the roster gives contract_days for {len(days)} "
                    "educator(s): state the days the scale pays for (contract_days) in the "
                    "assumptions",
                    path=where if where != "assumptions" else None,
                    loc=("assumptions", "contract_days"),
                )
            ]
        )
    out: dict[str, Decimal] = {}
    for eid in set(fte) | set(days):
        out[eid] = fte.get(eid, Decimal(1)) * (
            Decimal(days[eid]) / Decimal(a.contract_days or 1) if eid in days else Decimal(1)
        )
    return out


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
    from .assumptions import parse_assumptions
    from .roster import load_costing_roster

    problems: list[Problem] = []
    a: Assumptions | None = None
    props: list[Proposal] = []
    eds: list[Educator] = []
    located: Located | None = None
    try:
        located = load_file(Path(assumptions))
        a = parse_assumptions(located.data, located=located)
    except ProblemException as e:
        problems.append(e.problem)
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
    weights = roster_weights(eds, a, fte, days, where=str(assumptions))
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
    doc = cost_scenarios(j, eds, props, a, weights=weights, located=located)
    doc["files"] = [str(p.name) for p in write_outputs(doc, out)]
    return doc
