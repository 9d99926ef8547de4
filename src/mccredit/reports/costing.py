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
nothing is fetched at view time (see `_page`). The charts are drawn in `_costing_charts`, the
sections of tables (1-3 and the forms, stacking) in `_costing_sections`, the rest here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._costing_charts import (
    cost_by_year,
    count,
    cumulative,
    gains_chart,
    heatmap,
    hidden_note,
    lane_order,
    lane_totals,
)
from ._costing_sections import forms, meta, money_sources, stacks, term, years_tables
from ._page import esc, page, table

__all__ = ["costing_report", "write_costing_report"]


def _group_table(rows: list[dict[str, Any]], label: str, hidden: str, caption: str) -> str:
    """Gains by group (lane or step band): head counts and gains, suppressed ones as `hidden`."""

    def money_or(v: str | None) -> str:
        return v if v is not None else hidden

    return table(
        [f"{label} (baseline)", "educators", "gain", "lose", "total gain", "mean gain"],
        [
            [
                r[label],
                count(r["people"], hidden),
                count(r["winners"], hidden),
                count(r["losers"], hidden),
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
    hidden = hidden_note(doc)
    out = ["<section id=gains><h2>Who gains</h2>"]
    for k, p in enumerate(doc["proposals"], 1):
        out.append(f"<h3>P{k} {esc(p['proposal']['name'])}</h3>")
        out.append(gains_chart(k, p, year, hidden))
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
    hidden = hidden_note(doc)
    out = ["<section id=scattergram><h2>Scattergram</h2>"]
    maps = [("baseline", doc["baseline"], first)]
    if last != first:
        maps.append(("baseline", doc["baseline"], last))
    maps += [(f"P{k}", p, last) for k, p in enumerate(doc["proposals"], 1)]
    for label, s, year in maps:
        cells = [c for c in s["scattergram"] if c["year"] == year]
        if not cells:
            continue
        lanes = lane_order(cells)
        when = "now" if year == first else "projected"
        out.append(
            heatmap(
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
                lane_totals(cells, lanes),
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
        meta(doc),
        (
            "<p class=note><span class=badge>aggregates only</span> "
            f"{esc(doc['suppression']['rule'])}.</p>"
            if doc.get("suppression")
            else ""
        ),
        "</header>",
        "<section id=term><h2>The contract term</h2>",
        term(doc),
        "</section>",
        "<section id=cost><h2>Cost by year</h2>",
        cost_by_year(doc),
        cumulative(doc) if doc["proposals"] else "",
        years_tables(doc),
        money_sources(doc),
        "<p class=note>Cost of 1%: 1% of the year's salary total. Cost of a step: what one "
        "more step would add for everyone below the top of the year's scale. Lane movement: "
        "the lane differential of the year's movers. Breakage: what turnover saves against "
        "the same people staying.</p>",
        "</section>",
        stacks(doc),
        _gains(doc),
        _scattergrams(doc),
        forms(doc),
        _assumptions(doc),
    ]
    return page(title, "".join(body))


def write_costing_report(doc: dict[str, Any], path: Path) -> Path:
    """Write the report to `path` (via a temporary name, then renamed); returns `path`."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(costing_report(doc), encoding="utf-8")
    tmp.replace(path)
    return path
