"""The figures of one projected year, and who gains between two projections of it, read
from the year's columns (`_columns.YearColumns`: money in cents, summed exactly).

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

import numpy as np

from ._columns import YearColumns
from .assumptions import Assumptions

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


def _d(cents: Any) -> Decimal:
    return Decimal(int(cents)) / 100


def _sum(x: Any) -> Decimal:
    return _d(np.sum(x, dtype=np.int64)) if len(x) else ZERO


def _sources(yc: YearColumns, prev: YearColumns | None) -> dict[str, str | None]:
    """Where this year's salary change over last year comes from (None in the first year,
    the base year): the schedule, steps, lanes and base increases (stayers) and turnover
    (hires − leavers)."""
    if prev is None:
        return dict.fromkeys(
            (
                "increase_over_prior_year",
                "from_schedule",
                "from_steps",
                "from_lanes",
                "from_base_increases",
                "from_turnover",
            )
        )
    now = set(yc.key)
    here = np.fromiter((k in now for k in prev.key), dtype=bool, count=len(prev.key))
    hires = _sum(yc.salary[~yc.stayed])
    leavers = _sum(prev.salary[~here])
    total = _sum(yc.salary) - _sum(prev.salary)
    return {
        "increase_over_prior_year": money(total),
        "from_schedule": money(_sum(yc.from_schedule)),
        "from_steps": money(_sum(yc.from_step)),
        "from_lanes": money(_sum(yc.from_lane)),
        "from_base_increases": money(_sum(yc.from_base)),
        "from_turnover": money(hires - leavers),
    }


def _rolled_up(yc: YearColumns, a: Assumptions) -> Decimal:
    """Σ `Benefits.rolled_up` over the people: FICA to the wage base, the rest on salary."""
    b = a.benefits
    s = yc.salary
    wb = b.wage_base * 100
    under = s < wb
    capped = _sum(s[under]) + b.wage_base * int(np.count_nonzero(~under))
    return b.fica_rate * capped + (b.medicare_rate + b.retirement_rate + b.other_rate) * _sum(s)


def year_figures(
    yc: YearColumns, a: Assumptions, prev: YearColumns | None = None, roster: bool = False
) -> dict[str, Any]:
    """The year's figures (module doc); with `roster` (a degree of the roster's history moves
    someone under some scenario of the costing) `degree_moves` counts every degree's lane
    move and `roster_degree_moves` those of the roster's degrees."""
    fte = yc.fte()
    salary = _sum(yc.salary)
    roll = _rolled_up(yc, a)
    fixed = a.benefits.fixed_per_fte * fte
    return {
        "year": yc.year,
        "as_of": yc.as_of.isoformat(),
        "scale": yc.scale.title,
        "fte": str(fte),
        "total_salary": money(salary),
        "rolled_up_benefits": money(roll),
        "fixed_benefits": money(fixed),
        "total_compensation": money(salary + roll + fixed),
        "average_salary": money(salary / fte) if fte else "0.00",
        "cost_of_1pct": money(salary / 100),
        "cost_of_a_step": money(_sum(yc.step_cost)),
        "lane_moves": int(np.count_nonzero(yc.lane_from >= 0)),
        "cost_of_lane_movement": money(_sum(yc.lane_move_cost)),
        "cost_of_lane_movement_micro_credentials": money(_sum(yc.lane_move_micro_cost)),
        "base_increases": money(_sum(yc.base)),
        "new_hires": int(np.count_nonzero(yc.hired == yc.year)),
        **_sources(yc, prev),
        # only where degrees are assumed or the roster's move anyone: a costing without them
        # keeps its document
        **(
            {"degree_moves": yc.degree_moves + yc.roster_degree_moves}
            if a.degrees is not None or roster
            else {}
        ),
        **({"roster_degree_moves": yc.roster_degree_moves} if roster else {}),
    }


def _groups(codes: Any) -> list[tuple[int, Any]]:
    """(code, the rows holding it) per distinct code, in order of first appearance."""
    if not len(codes):
        return []
    uniq, first, inv = np.unique(codes, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rows = np.argsort(inv, kind="stable")
    bounds = np.cumsum(np.bincount(inv, minlength=len(uniq)))
    starts = bounds - np.bincount(inv, minlength=len(uniq))
    return [(int(uniq[g]), rows[starts[g] : bounds[g]]) for g in order]


def _fte(yc: YearColumns, rows: Any) -> Decimal:
    counts = np.bincount(yc.widx[rows], minlength=len(yc.weights))
    return sum((w * int(n) for w, n in zip(yc.weights, counts, strict=True)), ZERO)


def scattergram(yc: YearColumns) -> list[dict[str, Any]]:
    order = {lane: i for i, lane in enumerate(yc.scale.lanes)}
    cells = []
    for cell, rows in _groups(yc.lane * 1000 + yc.step):
        lane, step = yc.lanes[cell // 1000], cell % 1000
        fte, cost = _fte(yc, rows), _sum(yc.salary[rows])
        cells.append(((order.get(lane, 99), step), lane, step, fte, cost))
    cells.sort(key=lambda c: c[0])
    return [
        {
            "year": yc.year,
            "lane": lane,
            "step": step,
            "fte": str(fte),
            "cost": money(cost),
            "average": money(cost / fte) if fte else "0.00",
        }
        for _, lane, step, fte, cost in cells
    ]


def _gain(base: YearColumns, prop: YearColumns) -> Any:
    """Each person's yearly gain in cents (the two projections hold the same people)."""
    if base.key != prop.key:
        raise ValueError("the projections of one costing hold the same people")
    return prop.salary - base.salary  # salaries are FTE-weighted already


def band_gains(base: YearColumns, prop: YearColumns) -> dict[str, Any]:
    g = _gain(base, prop)
    masks = {
        "loss": g < 0,
        "none": g == 0,
        "0-1000": (g > 0) & (g < 100_000),
        "1000-2500": (g >= 100_000) & (g < 250_000),
        "2500-5000": (g >= 250_000) & (g < 500_000),
        "5000+": g >= 500_000,
    }
    order = list(prop.scale.lanes)
    lanes = []
    for code, rows in _groups(base.lane):
        name = base.lanes[code]
        x = g[rows]
        lanes.append(
            (
                order.index(name) if name in order else len(order),
                {
                    "year": prop.year,
                    "lane": name,
                    "people": len(rows),
                    "winners": int(np.count_nonzero(x > 0)),
                    "losers": int(np.count_nonzero(x < 0)),
                    "total_gain": money(_sum(x)),
                    "mean_gain": money(_sum(x) / len(rows)),
                },
            )
        )
    lanes.sort(key=lambda r: r[0])
    return {
        "bands": [
            {
                "year": prop.year,
                "band": n,
                "people": int(np.count_nonzero(m)),
                "total_gain": money(_sum(g[m])),
            }
            for n, m in masks.items()
        ],
        "by_lane": [r for _, r in lanes],
    }


#: Step bands for the distribution of gains (a stand-in for years of service: the roster
#: layout carries no service dates, and a step is a year of credited service on most scales;
#: the assumptions' `service_bands` name the years of service each band stands for).
STEP_BANDS = ((0, 5), (6, 10), (11, 15), (16, 20), (21, 99))


LARGEST = 10


def spread_gains(
    base: YearColumns, prop: YearColumns, a: Assumptions | None = None, roster: bool = False
) -> dict[str, Any]:
    """Deciles of the yearly gain, gains by step band, and the largest gains (by person;
    with `roster`, whether a degree of the roster's history moved them that year in the
    baseline or the proposal)."""
    g = _gain(base, prop)
    gains = np.sort(g)
    deciles = []
    for k in range(1, 10):
        if len(gains):
            deciles.append(
                {"year": prop.year, "decile": k * 10, "gain": money(_d(_quantile(gains, k)))}
            )
    bands = []
    service = a.service_bands if a is not None else None
    for lo, hi, years in (
        [(b.steps[0], b.steps[1], b.service_years) for b in service]
        if service
        else [(lo, hi, None) for lo, hi in STEP_BANDS]
    ):
        inside = g[(base.step >= lo) & (base.step <= hi)]
        if not len(inside):
            continue
        total = _sum(inside)
        bands.append(
            {
                "year": prop.year,
                "steps": f"{lo}-{hi}" if hi < 99 else f"{lo}+",
                "service_years": years,
                "people": len(inside),
                "winners": int(np.count_nonzero(inside > 0)),
                "losers": int(np.count_nonzero(inside < 0)),
                "total_gain": money(total),
                "mean_gain": money(total / len(inside)),
            }
        )
    nz = np.flatnonzero(g != 0)
    if len(nz) > LARGEST:
        cut = np.sort(np.abs(g[nz]))[-LARGEST]
        nz = nz[np.abs(g[nz]) >= cut]
    top = sorted(nz.tolist(), key=lambda i: (-abs(int(g[i])), prop.key[i]))[:LARGEST]
    largest = [
        {
            "year": prop.year,
            "educator": prop.educator[i],
            "lane": base.lanes[base.lane[i]],
            "step": int(base.step[i]),
            "proposal_lane": prop.lanes[prop.lane[i]],
            "gain": money(_d(g[i])),
            **({"roster_degree_move": _moved(base, i) or _moved(prop, i)} if roster else {}),
        }
        for i in top
    ]
    return {"deciles": deciles, "by_step_band": bands, "largest": largest}


def _moved(yc: YearColumns, i: int) -> bool:
    """Whether a degree of the roster's history moved person `i` in the year."""
    return yc.roster_degree is not None and bool(yc.roster_degree[i])


def _quantile(xs: Any, k: int) -> Any:
    """The k-th decile (nearest rank) of sorted `xs`."""
    i = max(0, -(-len(xs) * k // 10) - 1)
    return xs[i]
