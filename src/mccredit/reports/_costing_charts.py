"""The costing report's charts (inline SVG drawn by matplotlib, see `_page`): cost by year,
the cumulative difference to the baseline, who gains (per band) and the scattergram as a heat
map; each a `<figure class=chart>` with a title and axis labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._page import figure, new_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

BASE_COLOR = "#8a93a3"


COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")


def _color(k: int) -> str:
    return COLORS[k % len(COLORS)]


def _millions(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _p: f"{v / 1e6:,.1f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def scenarios(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, long name, scenario) for the baseline and each proposal (P1, P2, …)."""
    out = [("baseline", "baseline (the rules as they are)", doc["baseline"])]
    for k, p in enumerate(doc["proposals"], 1):
        out.append((f"P{k}", p["proposal"]["name"], p))
    return out


def cost_by_year(doc: dict[str, Any]) -> str:
    title = "Total compensation cost by year"
    fig = new_figure(3.2)
    ax = fig.add_subplot()
    sc = scenarios(doc)
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


def cumulative(doc: dict[str, Any]) -> str:
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


def count(n: int | None, hidden: str) -> str:
    return hidden if n is None else f"{n:,}"


def hidden_note(doc: dict[str, Any]) -> str:
    """How a suppressed figure reads: `<5` when groups under 5 people are suppressed."""
    sup = doc.get("suppression")
    return f"<{sup['minimum']}" if sup else "–"


def gains_chart(k: int, p: dict[str, Any], year: int, hidden: str) -> str:
    title = f"P{k}: who gains in {year}"
    rows = [g for g in p["gains"]["bands"] if g["year"] == year]
    fig = new_figure(2.6)
    ax = fig.add_subplot()
    names = [g["band"] for g in rows]
    people = [g["people"] or 0 for g in rows]
    bars = ax.bar(range(len(names)), people, color=_color(k - 1))
    ax.bar_label(
        bars,
        labels=[count(g["people"], hidden) for g in rows],
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


def heatmap(
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


def lane_order(cells: Sequence[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for c in cells:
        if c["lane"] not in seen:
            seen.append(c["lane"])
    return seen


def lane_totals(cells: Sequence[dict[str, Any]], lanes: Sequence[str]) -> list[list[Any]]:
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
