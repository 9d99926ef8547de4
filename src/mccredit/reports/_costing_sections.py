"""The costing report's sections of tables: what was costed (with sha256s), the contract
term, the year-by-year tables, where the money comes from (built-in vs new), the forms the law
asks for, and per-provision stacking.
"""

from __future__ import annotations

from typing import Any

from ._costing_charts import scenarios
from ._page import esc, table


def meta(doc: dict[str, Any]) -> str:
    a = doc["assumptions"]
    items = [
        ("Jurisdiction", esc(doc["jurisdiction"])),
        (
            "Ruleset",
            f"{esc(doc['ruleset']['id'])} <span class=sha>{esc(doc['ruleset']['sha256'])}</span>",
        ),
        ("Assumptions", f"{esc(a['name'])} <span class=sha>{esc(a['sha256'])}</span>"),
        ("Educators", f"{doc['educators']:,}"),
        ("Years", esc(", ".join(str(y) for y in doc["years"]))),
    ]
    for label, name, s in scenarios(doc)[1:]:
        items.append(
            (
                label,
                f"{esc(name)} <span class=sha>{esc(s['proposal']['sha256'])}</span>",
            )
        )
    return "<dl class=meta>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def term(doc: dict[str, Any]) -> str:
    if not doc["proposals"]:
        return "<p>No proposal was costed: the figures below are the baseline only.</p>"
    rows = []
    for k, p in enumerate(doc["proposals"], 1):
        ct, first = p["contract_term"], p["vs_baseline"][0]
        rows.append(
            [
                f"P{k}",
                p["proposal"]["name"],
                first["salary_difference"],
                ct["salary_difference"],
                ct["compensation_difference"],
                p["years"][0]["cost_of_1pct"],
            ]
        )
    return table(
        [
            "",
            "proposal",
            f"Δ salary {doc['years'][0]}",
            "Δ salary, term",
            "Δ compensation, term",
            f"cost of 1% {doc['years'][0]}",
        ],
        rows,
        text_cols=2,
    )


def years_tables(doc: dict[str, Any]) -> str:
    totals, units = [], []
    for label, _, s in scenarios(doc):
        vs = s.get("vs_baseline") or [None] * len(s["years"])
        for y, v in zip(s["years"], vs, strict=True):
            totals.append(
                [
                    label,
                    str(y["year"]),
                    y["total_salary"],
                    y["total_compensation"],
                    v["salary_difference"] if v else None,
                    v["compensation_difference"] if v else None,
                ]
            )
            units.append(
                [
                    label,
                    str(y["year"]),
                    y["fte"],
                    y["cost_of_1pct"],
                    y["cost_of_a_step"],
                    y["cost_of_lane_movement"],
                    y["breakage"],
                ]
            )
    return table(
        ["scenario", "year", "total salary", "total compensation", "Δ salary", "Δ compensation"],
        totals,
        text_cols=2,
        caption="Totals and the difference to the baseline",
    ) + table(
        [
            "scenario",
            "year",
            "FTE",
            "cost of 1%",
            "cost of a step",
            "lane movement",
            "breakage",
        ],
        units,
        text_cols=2,
        caption="What moves the cost",
    )


def money_sources(doc: dict[str, Any]) -> str:
    """Where the baseline's increase comes from; built-in vs new money; in-year cost."""
    base = [
        [
            str(y["year"]),
            y["increase_over_prior_year"],
            y["from_schedule"],
            y["from_steps"],
            y["from_lanes"],
            y["from_turnover"],
        ]
        for y in doc["baseline"]["years"][1:]
    ]
    out = []
    if base:
        out.append(
            table(
                ["year", "increase", "schedule", "steps", "lanes", "turnover"],
                base,
                caption="Where the baseline's increase over the year before comes from "
                "(built in: the rules as they are)",
            )
        )
    rows = []
    for k, p in enumerate(doc["proposals"], 1):
        for v in p["vs_baseline"]:
            rows.append(
                [
                    f"P{k}",
                    str(v["year"]),
                    v["built_in"],
                    v["new_money"],
                    v["increase_over_prior_year"],
                    f"{v['increase_pct']}%",
                    v["salary_difference"],
                    v["in_year_difference"],
                ]
            )
    if rows:
        out.append(
            table(
                [
                    "",
                    "year",
                    "built in",
                    "new money",
                    "increase",
                    "increase %",
                    "Δ annualised",
                    "Δ in-year",
                ],
                rows,
                text_cols=2,
                caption="Salary increase over the year before = built in + new money (the "
                f"first year, {doc['years'][0]}, is the base); Δ in-year counts only the "
                "share of the school year a proposal is in force",
            )
        )
    return "".join(out)


def forms(doc: dict[str, Any]) -> str:
    forms = doc.get("forms") or {}
    out = []
    multi = forms.get("multiyear", {}).get("rows") or []
    names = {p["proposal"]["sha256"]: f"P{k}" for k, p in enumerate(doc["proposals"], 1)}
    if multi:
        out.append(
            table(
                [
                    "",
                    "year",
                    "baseline compensation",
                    "proposal compensation",
                    "Δ",
                    "cumulative Δ",
                ],
                [
                    [
                        names.get(r["proposal_sha256"], r["proposal"]),
                        f"{r['year']}{' (current)' if r['current_year'] else ''}",
                        r["baseline_compensation"],
                        r["proposal_compensation"],
                        r["compensation_difference"],
                        r["cumulative_compensation_difference"],
                    ]
                    for r in multi
                ],
                text_cols=2,
                caption="Multiyear cost, current and subsequent years (the shape of a "
                "California Gov. Code §3547.5 disclosure): " + forms["multiyear"]["label"],
            )
        )
    wi = forms.get("wi_base_wages", {}).get("rows") or []
    if wi:
        out.append(
            table(
                ["scenario", "year", "base wage increase", "%", "CPI %", "over CPI"],
                [
                    [
                        names.get(r["scenario_sha256"], r["scenario"]),
                        str(r["year"]),
                        r["base_wage_increase"],
                        f"{r['base_wage_increase_pct']}%",
                        f"{r['cpi_pct']}%" if r["cpi_pct"] is not None else "not stated",
                        {True: "YES", False: "no", None: "–"}[r["exceeds_cpi"]],
                    ]
                    for r in wi
                ],
                text_cols=2,
                caption="Wisconsin (2011 Act 10): the increase in total base wages against the "
                "stated CPI; steps, lanes and supplemental pay sit outside the base: "
                + forms["wi_base_wages"]["label"],
            )
        )
    if not out:
        return ""
    return "<section id=forms><h2>Forms the law asks for</h2>" + "".join(out) + "</section>"


def stacks(doc: dict[str, Any]) -> str:
    out = []
    for k, p in enumerate(doc["proposals"], 1):
        st = p.get("stacking") or {}
        if len(st.get("provisions", [])) < 2:
            continue
        if st.get("unavailable"):
            out.append(f"<p class=note>P{k}: {esc(st['unavailable'])}</p>")
            continue
        out.append(
            table(
                ["", "provision", "year", "Δ salary", "Δ compensation"],
                [
                    [
                        f"P{k}.{r['provision']}",
                        r["name"],
                        str(r["year"]),
                        r["salary_difference"],
                        r["compensation_difference"],
                    ]
                    for r in st["parts"]
                ],
                text_cols=3,
                caption=f"P{k} provision by provision, each on top of the ones before: "
                "the parts add up to the proposal's difference",
            )
        )
    if doc.get("comparisons"):
        names = {p["proposal"]["sha256"]: f"P{k}" for k, p in enumerate(doc["proposals"], 1)}
        out.append(
            table(
                ["", "against", "year", "Δ salary", "Δ compensation", "cumulative Δ salary"],
                [
                    [
                        names[c["proposal"]["sha256"]],
                        names[c["against"]["sha256"]],
                        str(r["year"]),
                        r["salary_difference"],
                        r["compensation_difference"],
                        r["cumulative_salary_difference"],
                    ]
                    for c in doc["comparisons"]
                    for r in c["years"]
                ],
                text_cols=3,
                caption="Proposals against each other",
            )
        )
    if not out:
        return ""
    return (
        "<section id=stacking><h2>Provisions and proposals compared</h2>"
        + "".join(out)
        + "</section>"
    )
