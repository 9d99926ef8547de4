"""The figures of one projected year, and who gains between two projections of it.

`year_figures`: FTE, total salary, the benefits roll-up and total compensation
(`Assumptions.benefits`), the cost of 1% of the schedule (1% of that year's salary total), the
cost of a step (what one more step would add for everyone below the top, on that year's
scale), the cost of lane movement (the lane differential of that year's movers) and where the
change over the year before comes from (schedule, steps, lanes, turnover). `scattergram`:
FTE, cost and average per lane × step. `band_gains` / `spread_gains`: the distribution of
each person's yearly gain (proposal − baseline salary): bands, by lane, deciles, by step band
and the largest gains.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .assumptions import Assumptions
from .projection import YearProjection

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


def money(x: Decimal) -> str:
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
        "increase_over_prior_year": money(total),
        "from_schedule": money(sum((p.from_schedule for p in stay), ZERO)),
        "from_steps": money(sum((p.from_step for p in stay), ZERO)),
        "from_lanes": money(sum((p.from_lane for p in stay), ZERO)),
        "from_turnover": money(hires - leavers),
    }


def year_figures(
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
        "total_salary": money(salary),
        "rolled_up_benefits": money(roll),
        "fixed_benefits": money(fixed),
        "total_compensation": money(salary + roll + fixed),
        "average_salary": money(salary / fte) if fte else "0.00",
        "cost_of_1pct": money(salary / 100),
        "cost_of_a_step": money(sum((p.step_cost for p in yp.people), ZERO)),
        "lane_moves": sum(1 for p in yp.people if p.lane_from is not None),
        "cost_of_lane_movement": money(sum((p.lane_move_cost for p in yp.people), ZERO)),
        "new_hires": sum(1 for p in yp.people if p.hired == yp.year),
        **_sources(yp, prev),
    }


def scattergram(yp: YearProjection) -> list[dict[str, Any]]:
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
            "cost": money(v[1]),
            "average": money(v[1] / v[0]) if v[0] else "0.00",
        }
        for (lane, step), v in sorted(
            cells.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])
        )
    ]


def band_gains(base: YearProjection, prop: YearProjection) -> dict[str, Any]:
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
            {"year": prop.year, "band": n, "people": counts[n], "total_gain": money(sums[n])}
            for n in counts
        ],
        "by_lane": [
            {
                "year": prop.year,
                "lane": lane,
                "people": v[0],
                "winners": v[2],
                "losers": v[3],
                "total_gain": money(v[1]),
                "mean_gain": money(v[1] / v[0]) if v[0] else "0.00",
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


def spread_gains(base: YearProjection, prop: YearProjection) -> dict[str, Any]:
    """Deciles of the yearly gain, gains by step band, and the largest gains (by person)."""
    before = {p.key: p for p in base.people}
    rows = [(p.salary - before[p.key].salary, p) for p in prop.people if p.key in before]
    gains = sorted(g for g, _ in rows)
    deciles = []
    for k in range(1, 10):
        if gains:
            deciles.append(
                {"year": prop.year, "decile": k * 10, "gain": money(_quantile(gains, k))}
            )
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
                "total_gain": money(total),
                "mean_gain": money(total / len(inside)),
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
            "gain": money(g),
        }
        for g, p in top
    ]
    return {"deciles": deciles, "by_step_band": bands, "largest": largest}


def _quantile(xs: list[Decimal], k: int) -> Decimal:
    """The k-th decile (nearest rank) of sorted `xs`."""
    i = max(0, -(-len(xs) * k // 10) - 1)
    return xs[i]
