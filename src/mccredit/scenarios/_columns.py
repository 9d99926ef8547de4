"""The projection over columns: `projection.project`'s algorithm on numpy arrays, one array
per field over the whole roster, so a year of 10^5 educators is a few dozen array operations.

The same steps in the same order (see `projection`'s module doc), with exact integers where
the person-by-person path uses `Decimal`: money in cents, units (graduate hours,
micro-credentials) to 4 decimal places (× 10^4), pool credit × 10^8 (units × credit per unit
to 4 places). Who leaves and who replaces them depends on the people and the assumptions only,
so it is drawn once per costing (`population`) and every scenario walks the same population.
A weight other than 1 rounds each distinct (cents, weight) pair as the reference rounds each
person. Where a figure is not exact in those units (a credit value or an amount with more
places), `_vector.project_columns` raises `NotColumnar` and the caller takes the
person-by-person path; `columns_of` turns that path's result into the same columns, so both
feed one set of figures (`_figures`). This module holds the columns and what they share; the
projection's steps are in `_vector`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from .assumptions import Assumptions
from .projection import (
    CENT,
    PricedScale,
    ProjectionCache,
    YearProjection,
)

__all__ = ["NotColumnar", "YearColumns", "columns_of", "population"]

U = 10**4  # units
P = 10**8  # pool credit
I64 = np.int64


class NotColumnar(Exception):
    """A figure the columns cannot carry exactly: take the person-by-person path."""


@dataclass
class YearColumns:
    """One projected year, a column per field (money in cents; `lane`, `lane_from` are codes
    into `lanes`, -1 for none; `hired` -1 for none; `widx` indexes `weights`)."""

    year: int
    as_of: dt.date
    scale: PricedScale
    lanes: tuple[str, ...]
    key: list[str]
    educator: list[str]
    lane: np.ndarray[Any, Any]
    step: np.ndarray[Any, Any]
    weights: tuple[Decimal, ...]
    widx: np.ndarray[Any, Any]
    salary: np.ndarray[Any, Any]
    base: np.ndarray[Any, Any]
    step_cost: np.ndarray[Any, Any]
    lane_from: np.ndarray[Any, Any]
    lane_move_cost: np.ndarray[Any, Any]
    lane_move_micro_cost: np.ndarray[Any, Any]
    hired: np.ndarray[Any, Any]
    stayed: np.ndarray[Any, Any]
    from_schedule: np.ndarray[Any, Any]
    from_step: np.ndarray[Any, Any]
    from_lane: np.ndarray[Any, Any]
    from_base: np.ndarray[Any, Any]
    degree_moves: int = 0  # lane moves an assumed degree made (`projection`: person path only)
    roster_degree_moves: int = 0  # lane moves a degree of the roster's history made (the same)
    #: whether a degree of the roster's history moved each person this year (None: nobody)
    roster_degree: np.ndarray[Any, Any] | None = None

    @property
    def size(self) -> int:
        return len(self.key)

    def fte(self) -> Decimal:
        counts = np.bincount(self.widx, minlength=len(self.weights))
        return sum((w * int(n) for w, n in zip(self.weights, counts, strict=True)), Decimal(0))


def _cents(x: Decimal) -> int:
    return int(x * 100)


def columns_of(yp: YearProjection) -> YearColumns:
    """The columns of a person-by-person year."""
    ppl = yp.people
    lanes = tuple(dict.fromkeys([*yp.scale.lanes, *(p.lane for p in ppl)]))
    lanes = tuple(dict.fromkeys([*lanes, *(p.lane_from for p in ppl if p.lane_from)]))
    code = {x: i for i, x in enumerate(lanes)}
    weights = tuple(dict.fromkeys(p.fte for p in ppl)) or (Decimal(1),)
    wcode = {w: i for i, w in enumerate(weights)}

    roster = np.array([p.roster_degree_from is not None for p in ppl], dtype=bool)

    def money(attr: str) -> np.ndarray[Any, Any]:
        return np.array([_cents(getattr(p, attr)) for p in ppl], dtype=I64)

    return YearColumns(
        yp.year,
        yp.as_of,
        yp.scale,
        lanes,
        [p.key for p in ppl],
        [p.educator for p in ppl],
        np.array([code[p.lane] for p in ppl], dtype=I64),
        np.array([p.step for p in ppl], dtype=I64),
        weights,
        np.array([wcode[p.fte] for p in ppl], dtype=I64),
        money("salary"),
        money("base"),
        money("step_cost"),
        np.array([code[p.lane_from] if p.lane_from else -1 for p in ppl], dtype=I64),
        money("lane_move_cost"),
        money("lane_move_micro_cost"),
        np.array([p.hired if p.hired is not None else -1 for p in ppl], dtype=I64),
        np.array([p.stayed for p in ppl], dtype=bool),
        money("from_schedule"),
        money("from_step"),
        money("from_lane"),
        money("from_base"),
        sum(1 for p in ppl if p.degree_from is not None),
        int(roster.sum()),
        roster if roster.any() else None,
    )


@dataclass
class _Pop:
    """The population of one costed year: who is there (`key`, `educator`, `hired`, `orig`:
    the roster row or -1 for a replacement) and where they were last year (`keep`: indices
    into last year's arrays)."""

    keep: np.ndarray[Any, Any] | None
    key: list[str]
    educator: list[str]
    hired: np.ndarray[Any, Any]
    orig: np.ndarray[Any, Any]


def population(ids: list[str], a: Assumptions, cache: ProjectionCache) -> list[_Pop]:
    """Who is there each year: exits drawn from the assumptions' seed, each leaver replaced
    (when `replace`) in their place; shared by every scenario of a costing."""
    at = a.attrition
    ck = f"pop|{at.seed}|{at.rate}|{at.replace}|{a.year_list}|{len(ids)}"
    got = cache.shared.get(ck)
    if isinstance(got, list):
        return got
    n = len(ids)
    pop = [_Pop(None, list(ids), list(ids), np.full(n, -1, I64), np.arange(n, dtype=I64))]
    for year in a.year_list[1:]:
        last = pop[-1]
        if at.rate == 0:
            pop.append(
                _Pop(np.arange(len(last.key)), last.key, last.educator, last.hired, last.orig)
            )
            continue
        stay = np.array([cache.draw(at.seed, year, k) >= at.rate for k in last.key], dtype=bool)
        if at.replace:
            keep = np.arange(len(last.key))
            key, educator = list(last.key), list(last.educator)
            for i in np.flatnonzero(~stay):
                key[i] = f"{last.key[i]}>{year}"
                educator[i] = f"new:{last.key[i]}>{year}"
            hired = np.where(stay, last.hired, year)
            orig = np.where(stay, last.orig, -1)
        else:
            keep = np.flatnonzero(stay)
            key = [last.key[i] for i in keep]
            educator = [last.educator[i] for i in keep]
            hired, orig = last.hired[keep], last.orig[keep]
        pop.append(_Pop(keep, key, educator, hired, orig))
    cache.shared[ck] = pop
    return pop


def _exact(x: Decimal, scale: int, what: str) -> int:
    v = x * scale
    if v != v.to_integral_value():
        raise NotColumnar(f"{what} {x} is not whole in 1/{scale}")
    return int(v)


def _weighted(
    x: np.ndarray[Any, Any], widx: np.ndarray[Any, Any], weights: Sequence[Decimal]
) -> np.ndarray[Any, Any]:
    """Cents × each person's weight, rounded half-up to the cent as `projection._w` does."""
    out = x.copy()
    for k, w in enumerate(weights):
        if w == 1:
            continue
        m = widx == k
        if not m.any():
            continue
        uniq, inv = np.unique(x[m], return_inverse=True)
        conv = [int((Decimal(int(v)) / 100 * w).quantize(CENT, ROUND_HALF_UP) * 100) for v in uniq]
        out[m] = np.array(conv, dtype=I64)[inv]
    return out


class _Grid:
    """Each schedule's priced cells on one day as a table (lane code × step), -1 where none."""

    def __init__(self, scales: dict[str, PricedScale], code: dict[str, int], n: int) -> None:
        self.scales = scales
        self.table: dict[str, np.ndarray[Any, Any]] = {}
        for name, sc in scales.items():
            t = np.full((n, 64), -1, dtype=I64)
            for (lane, step), v in sc.cells.items():
                if lane in code and 0 <= step < 63:
                    t[code[lane], step] = _cents(v)
            self.table[name] = t

    def at(
        self,
        sched: np.ndarray[Any, Any],
        names: list[str],
        lane: np.ndarray[Any, Any],
        step: np.ndarray[Any, Any],
    ) -> np.ndarray[Any, Any]:
        out = np.full(len(lane), -1, dtype=I64)
        ok = (lane >= 0) & (step >= 0) & (step < 63)
        for s, name in enumerate(names):
            m = ok & (sched == s)
            if m.any():
                out[m] = self.table[name][lane[m], step[m]]
        return out
