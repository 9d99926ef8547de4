"""The costing report: one self-contained HTML file a negotiator opens or prints.

Built from the costing document (`mccredit.scenarios.costing.cost_scenarios`, the same
`scenario.json` the CSV tables come from), never from the roster: it holds aggregates only,
so a report is as safe to hand over as the document it was made from. Sections:

1. what was costed: jurisdiction and ruleset, the assumptions and every proposal, each with
   its sha256 (every figure is reproducible from them);
2. the contract term per proposal (difference to the baseline in salary and compensation);
3. cost by year (chart: total compensation per scenario and year) and the cumulative
   difference to the baseline (chart), then the year-by-year table: total salary and
   compensation, difference to the baseline, cost of 1%, cost of a step, lane movement,
   breakage;
4. who gains, per proposal (chart: educators per band of yearly gain in the term's last year;
   table: by lane);
5. the scattergram as heat maps (FTE per lane × step) now and projected to the last year,
   with FTE, cost and average per lane;
6. the assumptions it rests on.

Every chart is a `<figure class=chart>` holding an inline SVG with a title and axis labels;
nothing is fetched at view time (see `_page`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._page import esc, figure, new_figure, page, table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["costing_report", "write_costing_report"]

BASE_COLOR = "#8a93a3"
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")


def _color(k: int) -> str:
    return COLORS[k % len(COLORS)]


def _millions(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _p: f"{v / 1e6:,.1f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _scenarios(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, long name, scenario) for the baseline and each proposal (P1, P2, …)."""
    out = [("baseline", "baseline (the rules as they are)", doc["baseline"])]
    for k, p in enumerate(doc["proposals"], 1):
        out.append((f"P{k}", p["proposal"]["name"], p))
    return out


def _cost_by_year(doc: dict[str, Any]) -> str:
    title = "Total compensation cost by year"
    fig = new_figure(3.2)
    ax = fig.add_subplot()
    sc = _scenarios(doc)
    years = [y["year"] for y in doc["baseline"]["years"]]
    width = 0.8 / len(sc)
    for k, (label, _, s) in enumerate(sc):
        xs = [i + (k - (len(sc) - 1) / 2) * width for i in range(len(years))]
        vals = [float(y["total_compensation"]) for y in s["years"]]
        ax.bar(xs, vals, width, label=label, color=BASE_COLOR if k == 0 else _color(k - 1))
    lo = min(float(y["total_compensation"]) for _, _, s in sc for y in s["years"])
    hi = max(float(y["total_compensation"]) for _, _, s in sc for y in s["years"])
    pad = (hi - lo) * 0.25 or hi * 0.02 or 1
    ax.set_ylim(max(0.0, lo - pad), hi + pad)  # differences of ~1% must stay visible
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_title(title)
    ax.set_xlabel("School year (the year it starts)")
    ax.set_ylabel("Total compensation ($ millions)")
    _millions(ax)
    ax.legend(fontsize=8, ncols=min(len(sc), 4), loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    return figure(
        fig,
        fig_id="chart-cost-by-year",
        title=title,
        caption="Salary plus the benefits roll-up and fixed per-FTE benefits; the y axis "
        "does not start at 0, so differences between scenarios can be seen.",
    )


def _cumulative(doc: dict[str, Any]) -> str:
    title = "Cumulative cost above the baseline"
    fig = new_figure(3.0)
    ax = fig.add_subplot()
    years = [y["year"] for y in doc["baseline"]["years"]]
    for k, p in enumerate(doc["proposals"]):
        vals = [float(v["cumulative_compensation_difference"]) for v in p["vs_baseline"]]
        ax.plot(years, vals, marker="o", color=_color(k), label=f"P{k + 1} compensation")
        sal = [float(v["cumulative_salary_difference"]) for v in p["vs_baseline"]]
        ax.plot(years, sal, ls="--", color=_color(k), alpha=0.7, label=f"P{k + 1} salary")
    ax.axhline(0, color="#333", lw=0.8)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_title(title)
    ax.set_xlabel("School year (the year it starts)")
    ax.set_ylabel("Cumulative difference ($ millions)")
    _millions(ax)
    ax.legend(fontsize=8, ncols=2, loc="upper left")
    ax.grid(alpha=0.3)
    return figure(
        fig,
        fig_id="chart-cumulative",
        title=title,
        caption="Each proposal's difference to the baseline added up year by year: solid "
        "total compensation, dashed salary.",
    )


def _count(n: int | None, hidden: str) -> str:
    return hidden if n is None else f"{n:,}"


def _hidden(doc: dict[str, Any]) -> str:
    """How a suppressed figure reads: `<5` when groups under 5 people are suppressed."""
    sup = doc.get("suppression")
    return f"<{sup['minimum']}" if sup else "–"


def _gains_chart(k: int, p: dict[str, Any], year: int, hidden: str) -> str:
    title = f"P{k}: who gains in {year}"
    rows = [g for g in p["gains"]["bands"] if g["year"] == year]
    fig = new_figure(2.6)
    ax = fig.add_subplot()
    names = [g["band"] for g in rows]
    people = [g["people"] or 0 for g in rows]
    bars = ax.bar(range(len(names)), people, color=_color(k - 1))
    ax.bar_label(
        bars,
        labels=[_count(g["people"], hidden) for g in rows],
        fontsize=7,
        padding=2,
    )
    ax.set_xticks(range(len(names)), [_band_label(n) for n in names])
    ax.set_ylim(0, max(people + [1]) * 1.18)
    ax.set_title(title)
    ax.set_xlabel("Yearly gain per educator against the baseline ($)")
    ax.set_ylabel("Educators")
    ax.grid(axis="y", alpha=0.3)
    return figure(
        fig,
        fig_id=f"chart-gains-p{k}",
        title=title,
        caption=f"{p['proposal']['name']}: each educator in the roster in {year}, by what the "
        "proposal adds to their pay that year.",
    )


def _band_label(band: str) -> str:
    return {"loss": "loses", "none": "nothing", "5000+": "5,000+"}.get(
        band,
        band.replace("-", "–")
        .replace("1000", "1,000")
        .replace("2500", "2,500")
        .replace("5000", "5,000"),
    )


def _heatmap(
    cells: Sequence[dict[str, Any]], lanes: Sequence[str], title: str, fid: str, hidden: str
) -> str:
    from matplotlib.patches import Rectangle

    steps = sorted({int(c["step"]) for c in cells})
    grid = [[0.0 for _ in lanes] for _ in steps]
    cost = [[0.0 for _ in lanes] for _ in steps]
    masked: set[tuple[int, int]] = set()
    for c in cells:
        i, j = steps.index(int(c["step"])), lanes.index(c["lane"])
        if c["fte"] is None:
            masked.add((i, j))
            continue
        grid[i][j] += float(c["fte"])
        cost[i][j] += float(c["cost"])
    fig = new_figure(min(1.4 + 0.28 * len(steps), 9.0), 6.4)
    ax = fig.add_subplot()
    im = ax.imshow(grid, aspect="auto", cmap="Blues", vmin=0)
    top = max((v for r in grid for v in r), default=0.0) or 1.0
    for i, j in sorted(masked):
        ax.add_patch(
            Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="#eeeeee", hatch="//", edgecolor="#bbb")
        )
        ax.text(j, i, hidden, ha="center", va="center", fontsize=6, color="#5b6474")
    for i, r in enumerate(grid):
        for j, v in enumerate(r):
            if v:
                ax.text(
                    j,
                    i,
                    f"{v:g}\n${cost[i][j] / 1e6:,.2f}M",
                    ha="center",
                    va="center",
                    fontsize=6,
                    linespacing=1.0,
                    color="white" if v > top * 0.6 else "#1d2330",
                )
    ax.set_xticks(range(len(lanes)), list(lanes))
    ax.set_yticks(range(len(steps)), [str(s) for s in steps])
    ax.set_title(title)
    ax.set_xlabel("Lane")
    ax.set_ylabel("Step")
    fig.colorbar(im, ax=ax, label="FTE", shrink=0.8)
    return figure(
        fig,
        fig_id=fid,
        title=title,
        caption="Each cell: FTE, and its salary cost in $ millions; the exact cost and "
        "average per cell are in scattergram.csv."
        + (f" Hatched cells ({hidden}) are suppressed: too few people to show." if masked else ""),
    )


def _lane_order(cells: Sequence[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for c in cells:
        if c["lane"] not in seen:
            seen.append(c["lane"])
    return seen


def _lane_totals(cells: Sequence[dict[str, Any]], lanes: Sequence[str]) -> list[list[Any]]:
    """FTE, cost and average per lane over the cells shown (suppressed cells left out)."""
    rows = []
    shown = [c for c in cells if c["fte"] is not None]
    for lane in lanes:
        fte = sum((Decimal(c["fte"]) for c in shown if c["lane"] == lane), Decimal(0))
        cost = sum((Decimal(c["cost"]) for c in shown if c["lane"] == lane), Decimal(0))
        rows.append([lane, fte, cost.quantize(Decimal("0.01")), _avg(cost, fte)])
    return rows


def _avg(cost: Decimal, fte: Decimal) -> Decimal:
    return (cost / fte).quantize(Decimal("0.01")) if fte else Decimal("0.00")


def _meta(doc: dict[str, Any]) -> str:
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
    for label, name, s in _scenarios(doc)[1:]:
        items.append(
            (
                label,
                f"{esc(name)} <span class=sha>{esc(s['proposal']['sha256'])}</span>",
            )
        )
    return "<dl class=meta>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def _term(doc: dict[str, Any]) -> str:
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


def _years_tables(doc: dict[str, Any]) -> str:
    totals, units = [], []
    for label, _, s in _scenarios(doc):
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


def _money_sources(doc: dict[str, Any]) -> str:
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


def _forms(doc: dict[str, Any]) -> str:
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


def _stacks(doc: dict[str, Any]) -> str:
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


def _group_table(rows: list[dict[str, Any]], label: str, hidden: str, caption: str) -> str:
    """Gains by group (lane or step band): head counts and gains, suppressed ones as `hidden`."""

    def money_or(v: str | None) -> str:
        return v if v is not None else hidden

    return table(
        [f"{label} (baseline)", "educators", "gain", "lose", "total gain", "mean gain"],
        [
            [
                r[label],
                _count(r["people"], hidden),
                _count(r["winners"], hidden),
                _count(r["losers"], hidden),
                money_or(r["total_gain"]),
                money_or(r["mean_gain"]),
            ]
            for r in rows
        ],
        caption=caption,
    )


def _gains(doc: dict[str, Any]) -> str:
    if not doc["proposals"]:
        return ""
    year = doc["years"][-1]
    hidden = _hidden(doc)
    out = ["<section id=gains><h2>Who gains</h2>"]
    for k, p in enumerate(doc["proposals"], 1):
        out.append(f"<h3>P{k} {esc(p['proposal']['name'])}</h3>")
        out.append(_gains_chart(k, p, year, hidden))
        for key, label, caption in (
            ("by_lane", "lane", "by each educator's lane under the baseline"),
            ("by_step_band", "steps", "by step band (a stand-in for years of service)"),
        ):
            rows = [r for r in p["gains"].get(key, []) if r["year"] == year]
            if rows:
                out.append(_group_table(rows, label, hidden, f"{year}, {caption}"))
        dec = [d for d in p["gains"].get("deciles", []) if d["year"] == year]
        if dec:
            out.append(
                table(
                    ["", *[f"{d['decile']}%" for d in dec]],
                    [["gain", *[d["gain"] for d in dec]]],
                    caption=f"{year}: deciles of the yearly gain per educator",
                )
            )
    out.append("</section>")
    return "".join(out)


def _scattergrams(doc: dict[str, Any]) -> str:
    first, last = doc["years"][0], doc["years"][-1]
    hidden = _hidden(doc)
    out = ["<section id=scattergram><h2>Scattergram</h2>"]
    maps = [("baseline", doc["baseline"], first)]
    if last != first:
        maps.append(("baseline", doc["baseline"], last))
    maps += [(f"P{k}", p, last) for k, p in enumerate(doc["proposals"], 1)]
    for label, s, year in maps:
        cells = [c for c in s["scattergram"] if c["year"] == year]
        if not cells:
            continue
        lanes = _lane_order(cells)
        when = "now" if year == first else "projected"
        out.append(
            _heatmap(
                cells,
                lanes,
                f"Scattergram {year} ({label}, {when}): FTE and cost per lane and step",
                f"chart-scattergram-{label.lower()}-{year}",
                hidden,
            )
        )
        out.append(
            table(
                ["lane", "FTE", "cost", "average"],
                _lane_totals(cells, lanes),
                caption=f"{label} {year}: by lane"
                + (" (suppressed cells left out)" if any(c["fte"] is None for c in cells) else ""),
            )
        )
    out.append("</section>")
    return "".join(out)


def _flat(prefix: str, v: Any) -> list[list[str]]:
    if isinstance(v, dict):
        return [r for k, x in v.items() for r in _flat(f"{prefix}.{k}" if prefix else k, x)]
    return [[prefix, "–" if v is None else str(v)]]


def _assumptions(doc: dict[str, Any]) -> str:
    values = doc["assumptions"].get("values")
    if not values:
        return ""
    rows = [r for r in _flat("", values) if r[0] not in ("assumptions", "description")]
    return (
        "<section id=assumptions><h2>Assumptions</h2>"
        + f"<p>{esc(values.get('description') or '')}</p>"
        + table(["assumption", "value"], rows, text_cols=2)
        + "</section>"
    )


def costing_report(doc: dict[str, Any]) -> str:
    """The HTML report of a costing document (see module doc)."""
    title = f"Contract costing: {doc['jurisdiction']}"
    body = [
        f"<header><h1>{esc(title)}</h1>",
        "<p class=note>Baseline (the rules as they are) against each proposal, year by year, "
        "over one projection of the same workforce: the differences come only from the rules. "
        "Every figure is reproducible from the ruleset, assumptions and proposals named here "
        "by sha256. An aid to bargaining, not a certification of cost.</p>",
        _meta(doc),
        (
            "<p class=note><span class=badge>aggregates only</span> "
            f"{esc(doc['suppression']['rule'])}.</p>"
            if doc.get("suppression")
            else ""
        ),
        "</header>",
        "<section id=term><h2>The contract term</h2>",
        _term(doc),
        "</section>",
        "<section id=cost><h2>Cost by year</h2>",
        _cost_by_year(doc),
        _cumulative(doc) if doc["proposals"] else "",
        _years_tables(doc),
        _money_sources(doc),
        "<p class=note>Cost of 1%: 1% of the year's salary total. Cost of a step: what one "
        "more step would add for everyone below the top of the year's scale. Lane movement: "
        "the lane differential of the year's movers. Breakage: what turnover saves against "
        "the same people staying.</p>",
        "</section>",
        _stacks(doc),
        _gains(doc),
        _scattergrams(doc),
        _forms(doc),
        _assumptions(doc),
    ]
    return page(title, "".join(body))


def write_costing_report(doc: dict[str, Any], path: Path) -> Path:
    """Write the report to `path` (via a temporary name, then renamed); returns `path`."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(costing_report(doc), encoding="utf-8")
    tmp.replace(path)
    return path
