"""The columnar projection itself: `projection.project`'s steps over the roster's columns
(see `_columns` for the columns, the exact integer units and the shared population)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from ..io.educator import Educator
from ..rules._loader import Jurisdiction
from ..salary import SalaryPlan, compile_salary
from ._columns import (
    I64,
    NotColumnar,
    P,
    U,
    YearColumns,
    _cents,
    _exact,
    _Grid,
    _weighted,
    population,
)
from ._credit import CreditClass, Valuer
from ._inyear import FULL, move_shares
from ._scales import PricedScale, _empty, priced_scale
from .assumptions import Assumptions
from .projection import (
    ProjectionCache,
    accrual_classes,
    counted,
    history_of,
    known_classes,
    micro_part,
    no_cell,
    pool_keys,
    roster_degrees_move,
)

__all__ = ["project_columns"]


@dataclass
class _Ctx:
    """What one scenario's columnar projection looks up: classes, pool parts and lanes by
    code, and the valuer of its rules."""

    valuer: Valuer
    classes: tuple[CreditClass, ...]
    cidx: dict[CreditClass, int]
    keys: list[tuple[str, bool]]
    kidx: dict[tuple[str, bool], int]
    micro_cols: np.ndarray[Any, Any]
    lanes: list[str]
    code: dict[str, int]
    names: list[str]
    #: each set of classes a base increase counts, by its column of `held`
    hitsets: dict[frozenset[CreditClass], int] = field(default_factory=dict)


def _pool(
    ctx: _Ctx,
    day: dt.date,
    lane: np.ndarray[Any, Any],
    pool: np.ndarray[Any, Any],
    rows: np.ndarray[Any, Any],
    cl: np.ndarray[Any, Any],
    units: np.ndarray[Any, Any],
    pooled: np.ndarray[Any, Any],
) -> None:
    """Value the credit filed this year into the pool, under the rule moving people from
    each one's lane (`projection._add`)."""
    nl, nc = len(ctx.lanes), len(ctx.classes)
    value = np.zeros((nl, nc), dtype=I64)
    target = np.full((nl, nc), -1, dtype=I64)
    for ln in np.unique(lane).tolist():
        lc = ctx.valuer.lane_credit(day, ctx.lanes[ln])
        if lc is None:
            continue
        for c, (v, cat) in lc.values.items():
            value[ln, ctx.cidx[c]] = _exact(v, U, "credit value")
            target[ln, ctx.cidx[c]] = ctx.kidx[(cat, c.is_micro)]
    pl = lane[rows]
    tg = target[pl, cl]
    m = pooled & (tg >= 0)
    _add_at(pool, rows[m], tg[m], units[m] * value[pl[m], cl[m]])


def _moves(
    ctx: _Ctx,
    day: dt.date,
    lane: np.ndarray[Any, Any],
    sched: np.ndarray[Any, Any],
    pool: np.ndarray[Any, Any],
    scales: dict[str, PricedScale],
    limit: int,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Lane moves, at most `limit` each (`projection._lane_moves`): (the lane moved from or
    -1, credit used, of it from micro-credentials); `lane` and `pool` are updated."""
    size = len(lane)
    moved_from = np.full(size, -1, I64)
    used = np.zeros(size, I64)
    used_micro = np.zeros(size, I64)
    for _ in range(limit):
        lane0 = lane.copy()
        for ln in np.unique(lane0).tolist():
            lc = ctx.valuer.lane_credit(day, ctx.lanes[ln])
            if lc is None:
                continue
            rule = lc.rule
            req = _exact(rule.requires, P, "requires")
            mins = [
                (cat, _exact(need, P, "category minimum"))
                for cat, need in sorted(rule.category_minimums.items())
            ]
            for s, name in enumerate(ctx.names):
                if rule.to not in scales[name].lanes:
                    continue
                mask = (lane0 == ln) & (sched == s)
                if not mask.any():
                    continue
                mask &= pool.sum(axis=1) >= req
                for cat, need4 in mins:
                    cols = [ctx.kidx[k] for k in ctx.keys if k[0] == cat]
                    have = pool[:, cols].sum(axis=1) if cols else np.zeros(size, I64)
                    mask &= have >= need4
                rows = np.flatnonzero(mask)
                if not len(rows):
                    continue
                for cat, need4 in mins:
                    cols = [ctx.kidx[k] for k in ctx.keys if k[0] == cat]
                    used_micro[rows] += _take(pool, rows, cols, need4, ctx.micro_cols)
                rest = req - sum(x for _, x in mins)
                every = list(range(len(ctx.keys)))
                used_micro[rows] += _take(pool, rows, every, rest, ctx.micro_cols)
                used[rows] += req
                moved_from[rows] = np.where(moved_from[rows] < 0, ln, moved_from[rows])
                lane[rows] = ctx.code[rule.to]
    return moved_from, used, used_micro


def _base(ctx: _Ctx, day: dt.date, held: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Base increases in pay, in cents (`projection.base_amount`)."""
    size = held.shape[0]
    bases = ctx.valuer.base_increases(day)
    if not bases:
        return np.zeros(size, I64)
    total = np.zeros(size, I64)
    for rule, amount, hit in bases:
        cnt = held[:, ctx.hitsets[hit]]
        if rule.max_count is not None:
            cnt = np.minimum(cnt, rule.max_count * U)
        add = cnt * _exact(amount, 100, "base increase")
        if rule.max_total is not None:
            add = np.minimum(add, _exact(rule.max_total, 100, "max_total") * U)
        total += add
    out: np.ndarray[Any, Any] = (total + U // 2) // U
    return out


def _days(a: Assumptions) -> list[dt.date]:
    """The pricing day of each costed year."""
    mm, dd = (int(x) for x in a.effective.split("-"))
    return [dt.date(y, mm, dd) for y in a.year_list]


def project_columns(
    j: Jurisdiction,
    educators: Sequence[Educator],
    a: Assumptions,
    *,
    weights: Mapping[str, Decimal] | None = None,
    cache: ProjectionCache | None = None,
    cuts: tuple[int, ...] = (),
) -> list[YearColumns]:
    """`projection.project` over columns (see module doc); raises `NotColumnar` where the
    columns cannot carry a figure exactly."""
    if a.degrees is not None and any(a.degrees.per_lane.values()):
        # a degree's move is drawn per person and paid by its own rule's share: not carried
        raise NotColumnar("assumed degrees")
    cache = cache if cache is not None else ProjectionCache()
    eds = [e for e in educators if e.salary is not None]
    if roster_degrees_move(j, eds, a, cache, cuts):
        # so are the roster's degrees a lane rule moves by
        raise NotColumnar("degrees in the roster's history")
    weights = weights or {}
    hist = []
    for ed in eds:
        got = cache.history.get(ed.id)
        if got is None:
            got = cache.history[ed.id] = history_of(ed, a, cuts)
        hist.append(got)
    if any(not f[4] for h in hist for f in h[0]) and not all(
        counted(compile_salary(j, day), False) for day in _days(a)
    ):  # a credential lacking `submitted` waits, per person, for a year that counts it
        raise NotColumnar("credit without a submitted date, in a year it counts as not filed")
    hours_cls, micro_cls = accrual_classes(a)
    classes = known_classes(cache, a)
    cidx = {c: i for i, c in enumerate(classes)}
    mc = a.micro_credentials
    cats = sorted(mc.categories) if mc else []
    keys = pool_keys(sorted({*cats, *(c for r in j.lanes for c in r.category_minimums)}))
    kidx = {k: i for i, k in enumerate(keys)}
    micro_cols = np.array([k[1] for k in keys], dtype=bool)
    valuer = Valuer(j, cache.values, classes)
    lanes = list(dict.fromkeys(ln for s in j.schedules for ln in s.lanes))
    for ed in eds:
        assert ed.salary is not None
        if ed.salary.lane not in lanes:
            lanes.append(ed.salary.lane)
    for r in j.lanes:
        for ln in (r.from_, r.to):
            if ln not in lanes:
                lanes.append(ln)
    if a.attrition.replace_lane and a.attrition.replace_lane not in lanes:
        lanes.append(a.attrition.replace_lane)
    code = {x: i for i, x in enumerate(lanes)}
    names = list(dict.fromkeys(["teachers", *(e.salary.schedule for e in eds if e.salary)]))
    scode = {x: i for i, x in enumerate(names)}
    mcodes = [cidx[micro_cls[c]] for c in [*cats, ""]] if mc else []
    ctx = _Ctx(valuer, classes, cidx, keys, kidx, micro_cols, lanes, code, names)

    def micro_rates(lane: str) -> list[int]:
        if mc is None:
            return []
        split = dict(mc.split(lane))
        return [_exact(split.get(c, Decimal(0)), U, "micro-credentials") for c in [*cats, ""]]

    n = len(eds)
    pops = population([e.id for e in eds], a, cache)
    wlist = list(dict.fromkeys([Decimal(1), *(weights.get(e.id, Decimal(1)) for e in eds)]))
    wcode = {w: i for i, w in enumerate(wlist)}
    widx = np.array([wcode[weights.get(e.id, Decimal(1))] for e in eds], dtype=I64)
    lane = np.array([code[e.salary.lane] for e in eds if e.salary], dtype=I64)
    step = np.array([e.salary.step for e in eds if e.salary], dtype=I64)
    sched = np.array([scode[e.salary.schedule] for e in eds if e.salary], dtype=I64)
    hours = np.array(
        [
            _exact(
                h[1] if a.accrual.source == "history" else a.accrual.rate(e.salary.lane),
                U,
                "accrual",
            )
            for e, h in zip(eds, hist, strict=True)
            if e.salary
        ],
        dtype=I64,
    )
    micro = np.array([micro_rates(e.salary.lane) for e in eds if e.salary], dtype=I64).reshape(
        n, len(mcodes)
    )
    pool = np.zeros((n, len(keys)), dtype=I64)
    # base increases count credentials by the set of classes a rule counts: one column each
    days = _days(a)
    for day in days:
        for _, _, hit in valuer.base_increases(day):
            if hit not in ctx.hitsets:
                ctx.hitsets[hit] = len(ctx.hitsets)
    member = np.zeros((len(ctx.hitsets), len(classes)), dtype=np.bool_)
    for hit, h in ctx.hitsets.items():
        member[h, [cidx[c] for c in hit]] = True
    held = np.zeros((n, len(ctx.hitsets)), dtype=I64)
    last_cell = np.full(n, -1, dtype=I64)
    last_base = np.zeros(n, dtype=I64)
    last_salary = np.zeros(n, dtype=I64)
    last_full = np.zeros(n, dtype=I64)  # last year's salary annualised (`projection`)
    # the roster's history as events: (roster row, year index it is filed by, class, units)
    ords = np.array([d.toordinal() for d in days])
    ev = [
        (i, f.toordinal(), cidx[c], _exact(u, U, "units"), after)
        for i, (filed, _) in enumerate(hist)
        for f, c, u, after, _ in filed
    ]
    ev_row = np.array([e[0] for e in ev], dtype=I64)
    ev_year = np.searchsorted(ords, np.array([e[1] for e in ev], dtype=I64), side="left")
    ev_cls = np.array([e[2] for e in ev], dtype=I64)
    ev_units = np.array([e[3] for e in ev], dtype=I64)
    ev_after = np.array([e[4] for e in ev], dtype=bool)
    out: list[YearColumns] = []
    for t, (year, day) in enumerate(zip(a.year_list, days, strict=True)):
        pop = pops[t]
        scales: dict[str, PricedScale] = {}
        for name in names:
            scales[name] = (
                priced_scale(j, day, name, a.scale_growth)
                if name == "teachers" or (sched == scode[name]).any()
                else _empty()
            )
        if pop.keep is not None:
            k = pop.keep
            lane, step, sched, widx = lane[k], step[k], sched[k], widx[k]
            hours, micro, pool, held = hours[k], micro[k], pool[k], held[k]
            last_cell, last_base, last_salary = last_cell[k], last_base[k], last_salary[k]
            last_full = last_full[k]
            new = np.flatnonzero(pop.hired == year)
            for i in new:
                sc = scales[names[sched[i]]]
                rl = a.attrition.replace_lane or sc.lanes[0]
                lane[i], step[i] = code[rl], a.attrition.replace_step
                hours[i] = _exact(a.accrual.rate(rl), U, "accrual")
                micro[i] = micro_rates(rl)
                pool[i], held[i] = 0, 0
                last_cell[i], last_base[i], last_salary[i], last_full[i] = -1, 0, 0, 0
        size = len(pop.key)
        if size == 0:
            out.append(_empty_year(year, day, tuple(lanes), tuple(wlist)))
            continue
        grid = _Grid(scales, code, len(lanes))
        sal_plan = compile_salary(j, day)
        limit = (sal_plan.settings.max_lanes_per_year if sal_plan and sal_plan.settings else 1) or 1
        prev_lane, prev_step = lane.copy(), step.copy()
        adv = (pop.hired != year) & (t > 0)
        if a.steps == "automatic":
            up1 = grid.at(sched, names, lane, step + 1) >= 0
            step = np.where(adv & up1, step + 1, step)
        # credit filed this year: (row, class, units, pooled)
        rows_l: list[np.ndarray[Any, Any]] = []
        cls_l: list[np.ndarray[Any, Any]] = []
        units_l: list[np.ndarray[Any, Any]] = []
        pooled_l: list[np.ndarray[Any, Any]] = []
        if t > 0:
            grow = np.flatnonzero(adv)
            rows_l.append(grow)
            cls_l.append(np.full(len(grow), cidx[hours_cls], I64))
            units_l.append(hours[grow])
            pooled_l.append(np.ones(len(grow), dtype=np.bool_))
            for mi, mcode in enumerate(mcodes):
                rows_l.append(grow)
                cls_l.append(np.full(len(grow), mcode, I64))
                units_l.append(micro[grow, mi])
                pooled_l.append(np.ones(len(grow), dtype=np.bool_))
        pos = np.full(n, -1, I64)
        live = pop.orig >= 0
        pos[pop.orig[live]] = np.flatnonzero(live)
        sel = ev_year == t
        at = pos[ev_row[sel]]
        ok = at >= 0
        rows_l.append(at[ok])
        cls_l.append(ev_cls[sel][ok])
        units_l.append(ev_units[sel][ok])
        pooled_l.append(ev_after[sel][ok])
        rows = np.concatenate(rows_l)
        cl = np.concatenate(cls_l)
        units = np.concatenate(units_l)
        pooled = np.concatenate(pooled_l)
        keep_u = units != 0
        rows, cl, units, pooled = rows[keep_u], cl[keep_u], units[keep_u], pooled[keep_u]
        for h in range(len(ctx.hitsets)):
            m = member[h, cl]
            _add_at(held, rows[m], np.full(int(m.sum()), h, I64), units[m])
        _pool(ctx, day, lane, pool, rows, cl, units, pooled)
        moved_from, used, used_micro = _moves(ctx, day, lane, sched, pool, scales, limit)
        # pricing
        cell = grid.at(sched, names, lane, step)
        bad = np.flatnonzero(cell < 0)
        if len(bad):
            b0 = int(bad[0])
            raise no_cell(
                pop.educator[b0], lanes[lane[b0]], int(step[b0]), scales[names[sched[b0]]], year
            )
        base = _base(ctx, day, held)
        up = grid.at(sched, names, lane, step + 1)
        moved = moved_from >= 0
        old = np.where(moved, grid.at(sched, names, np.where(moved, moved_from, 0), step), 0)
        paid = np.where(moved, old + _share(cell - old, sal_plan, day, a, lanes, lane), cell)

        def w(x: np.ndarray[Any, Any], widx: np.ndarray[Any, Any] = widx) -> np.ndarray[Any, Any]:
            return _weighted(x, widx, wlist)

        salary = w(paid + base)
        stayed = adv & (last_cell >= 0)
        repriced = grid.at(sched, names, prev_lane, prev_step)
        repriced = np.where(repriced >= 0, repriced, last_cell)
        stepped = grid.at(sched, names, prev_lane, step)
        stepped = np.where(stepped >= 0, stepped, repriced)
        f_sched = w(repriced + last_base) - last_full
        f_step = w(stepped + last_base) - w(repriced + last_base)
        f_base = w(stepped + base) - w(stepped + last_base)
        f_lane = salary - last_salary - f_sched - f_step - f_base
        zero = np.zeros(size, I64)
        move_cost = np.where(moved, w(paid - old), 0)
        micro_cost = np.zeros(size, I64)
        for mv in np.flatnonzero(moved & (used_micro > 0)).tolist():
            micro_cost[mv] = _cents(
                micro_part(
                    Decimal(int(move_cost[mv])) / 100,
                    Decimal(int(used_micro[mv])) / P,
                    Decimal(int(used[mv])) / P,
                )
            )
        out.append(
            YearColumns(
                year,
                day,
                scales["teachers"],
                tuple(lanes),
                pop.key,
                pop.educator,
                lane.copy(),
                step.copy(),
                tuple(wlist),
                widx.copy(),
                salary,
                base,
                np.where(up >= 0, w(up - cell), 0),
                moved_from,
                move_cost,
                micro_cost,
                pop.hired.copy(),
                stayed,
                np.where(stayed, f_sched, zero),
                np.where(stayed, f_step, zero),
                np.where(stayed, f_lane, zero),
                np.where(stayed, f_base, zero),
            )
        )
        last_cell, last_base, last_salary, last_full = cell, base, salary, w(cell + base)
    return out


def _share(
    delta: np.ndarray[Any, Any],
    plan: SalaryPlan | None,
    day: dt.date,
    a: Assumptions,
    lanes: Sequence[str],
    lane: np.ndarray[Any, Any],
) -> np.ndarray[Any, Any]:
    """`delta` (cents) times the in-year share of a move into each row's lane
    (`_inyear.move_shares`), rounded half-up to the cent as `_inyear.in_year` does."""
    shares = move_shares(plan, day, a.lane_filing)
    if not shares:
        return delta
    num = np.array([shares.get(x, FULL)[0] for x in lanes], dtype=I64)[lane]
    den = np.array([shares.get(x, FULL)[1] for x in lanes], dtype=I64)[lane]
    x = delta * num
    out: np.ndarray[Any, Any] = np.sign(x) * ((2 * np.abs(x) + den) // (2 * den))
    return out


def _add_at(
    into: np.ndarray[Any, Any],
    rows: np.ndarray[Any, Any],
    cols: np.ndarray[Any, Any],
    x: np.ndarray[Any, Any],
) -> None:
    """`into[rows, cols] += x` with repeated (row, col) pairs summed, in exact integers."""
    if not len(rows):
        return
    flat = rows * into.shape[1] + cols
    order = np.argsort(flat, kind="stable")
    flat, x = flat[order], x[order]
    uniq, start = np.unique(flat, return_index=True)
    sums = np.add.reduceat(x, start)
    into.reshape(-1)[uniq] += sums


def _take(
    pool: np.ndarray[Any, Any],
    rows: np.ndarray[Any, Any],
    cols: list[int],
    amount: int,
    micro_cols: np.ndarray[Any, Any],
) -> np.ndarray[Any, Any]:
    """Take `amount` from each of `rows`' pool parts `cols` in order (as
    `projection._draw_pool`); returns what came from micro-credentials per row."""
    left = np.full(len(rows), amount, I64)
    got = np.zeros(len(rows), I64)
    for c in cols:
        x = np.minimum(pool[rows, c], np.maximum(left, 0))
        pool[rows, c] -= x
        left -= x
        if micro_cols[c]:
            got += x
    return got


def _empty_year(
    year: int, day: dt.date, lanes: tuple[str, ...], weights: tuple[Decimal, ...]
) -> YearColumns:
    e = np.zeros(0, I64)
    return YearColumns(
        year,
        day,
        _empty(),
        lanes,
        [],
        [],
        e,
        e,
        weights,
        e,
        e,
        e,
        e,
        e,
        e,
        e,
        e,
        np.zeros(0, bool),
        e,
        e,
        e,
        e,
    )
