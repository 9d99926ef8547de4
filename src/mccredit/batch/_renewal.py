"""Renewal per license, in columns (the engine's `renew` step): the requirement that
applies (the most specific, then the later written), the cycle (issued..expires, or rolling
`cycle_years` around as_of), cycle caps that bind and category minimums not proven met
(handed back), credit earned in the window per unit, required/earned/remaining, other ways
to renew (`alternatives`), the status, and the NO_REQUIREMENT warning."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from typing import Any

import polars as pl

from ..engine._evaluate import (
    LICENSE_MISS,
    NOT_APPLICABLE,
    REASON_JOIN,
    REASON_SEP,
    REQUIREMENTS_JOIN,
    cycles_miss,
    educator_miss,
    renewals_miss,
)
from ..result import WarningCode, requirements_clause
from ._categories import check_categories
from ._compile import ColumnarPlan, cycle_for
from ._steps import Collected
from ._warnings import message_expr

__all__ = ["alternatives_met", "renewal", "with_cycle"]


def renewal(
    cp: ColumnarPlan, edu: pl.DataFrame, ledger: pl.DataFrame, cap_cols: list[str], out: Collected
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """License rows with the renewal columns, and the positive ledger lines (`pos`, which
    advancement reads). `ledger`: the credit step's, with its cap columns `cap_cols`."""
    plan = cp.plan
    as_of = plan.as_of
    units = cp.units
    # licenses and requirements
    lic = edu.filter(pl.col("license_type").is_not_null())
    lic = lic.with_columns(_nth_license(lic).alias("_lic"))
    # of the requirements that match, the most specific wins; between equally specific ones,
    # the later written (`engine._evaluate._pick_requirement`): the chain is built from the
    # lowest priority up, so the outermost test is the highest
    lic = _with_renewals(lic, cp, as_of)
    pick: pl.Expr = pl.lit(None, pl.Int64)
    for r in sorted(cp.requirements, key=lambda r: (r["specific"], r["index"])):
        req = r["rule"]
        m = pl.col("license_type").is_in(list(req.license)) & r["educator"] & r["license"]
        if req.cycles is not None:
            w = req.cycles
            if w.start is not None:
                m = m & (pl.col("license_issued") >= w.start)
            if w.until is not None:
                m = m & (pl.col("license_issued") <= w.until)
        if req.renewals is not None:
            m = m & _renews_in(req, pl.col(_renewal_col(req)))
        pick = pl.when(m).then(pl.lit(r["index"], pl.Int64)).otherwise(pick)
    lic = lic.with_columns(pick.alias("_req"))
    years = {r["index"]: r["rule"].cycle_years for r in cp.requirements}
    lic = lic.with_columns(
        pl.col("_req").replace_strict(years, default=5, return_dtype=pl.Int64).alias("_years")
    )
    lic = with_cycle(lic, "_years", as_of, "cycle_start", "cycle_end")
    pos = ledger.filter(pl.col("amount") > 0)
    window_none = [r["index"] for r in cp.requirements if r["rule"].window == "none"]
    inw = pos.join(
        lic.select("educator_id", "_lic", "_req", "cycle_start", "cycle_end"),
        on="educator_id",
        how="inner",
    ).filter(
        pl.col("_req").is_in(window_none)
        | pl.col("date").is_between(pl.col("cycle_start"), pl.col("cycle_end"))
    )
    for c, cap in zip(cap_cols, cp.caps, strict=True):
        rule = cap["rule"]
        if rule.scope != "cycle":
            continue
        for r in cp.requirements:
            req = r["rule"]
            if rule.unit not in req.requires and rule.unit != req.cat_unit:
                continue
            limit_d = (
                rule.max
                if rule.max is not None
                else (rule.share or 0) * req.requires.get(rule.unit, 0)
            )
            limit_d = plan.rounders[rule.unit](limit_d)
            limit = int(limit_d * 10 ** cp.rounding[rule.unit].scale)
            s = (
                inw.filter(pl.col(c) & (pl.col("_req") == r["index"]))
                .group_by("educator_id", "_lic")
                .agg(pl.col("amount").sum())
            )
            out.hand_back(s.filter(pl.col("amount") > limit).get_column("educator_id"), "cap")
    cats = check_categories(cp, lic, inw, out)
    lic = lic.join(cats, on=["educator_id", "_lic"], how="left")
    # credit in the window per unit: one aggregation with a sum per unit (a pivot of the
    # per-unit sums costs several times as much; a unit without lines sums to 0, which the
    # uses below read the same as a missing one)
    earned = (
        inw.select(
            "educator_id",
            "_lic",
            *[
                pl.when(pl.col("unit") == u).then(pl.col("amount")).otherwise(0).alias(f"_e_{u}")
                for u in units
            ],
        )
        .group_by("educator_id", "_lic")
        .agg([pl.col(f"_e_{u}").sum() for u in units])
    )
    lic = lic.join(earned, on=["educator_id", "_lic"], how="left")
    req_cols: list[pl.Expr] = []
    for u in units:
        if f"_e_{u}" not in lic.columns:
            lic = lic.with_columns(pl.lit(None, pl.Int64).alias(f"_e_{u}"))
        need: pl.Expr = pl.lit(None, pl.Int64)
        for r in cp.requirements:
            if u in r["need"]:
                need = (
                    pl.when(pl.col("_req") == r["index"])
                    .then(pl.lit(r["need"][u], pl.Int64))
                    .otherwise(need)
                )
        got_u = pl.col(f"_e_{u}").fill_null(0).cast(pl.Int64)
        req_cols.extend(
            [
                need.alias(f"required_{u}"),
                pl.when(need.is_not_null()).then(got_u).alias(f"earned_{u}"),
                pl.when(need.is_not_null())
                .then(pl.max_horizontal(need - got_u, pl.lit(0)))
                .alias(f"remaining_{u}"),
            ]
        )
    lic = lic.with_columns(req_cols)
    has_req = pl.col("_req").is_not_null()
    complete = reduce(
        lambda a, b: a & b,
        [pl.col(f"remaining_{u}").fill_null(0) == 0 for u in units],
        pl.col("_cats_met").fill_null(True),
    )
    # another way to renew (`alternatives`) completes the license when the credit does not
    alt_met: pl.Expr = pl.lit(False)
    for r in cp.requirements:
        if r["alternatives"]:
            in_window = {u: pl.col(f"_e_{u}").fill_null(0) for u in units}
            alt_met = (
                pl.when(pl.col("_req") == r["index"])
                .then(alternatives_met(r["alternatives"], in_window))
                .otherwise(alt_met)
            )
    complete = complete | alt_met.fill_null(False)
    risk: pl.Expr = pl.lit(None, pl.Int64)
    for r in cp.requirements:
        risk = (
            pl.when(pl.col("_req") == r["index"])
            .then(pl.lit(r["rule"].at_risk_days, pl.Int64))
            .otherwise(risk)
        )
    status = (
        pl.when(~has_req)
        .then(None)
        .when(complete)
        .then(pl.lit("complete"))
        .when(pl.lit(as_of) < pl.col("cycle_start"))
        .then(pl.lit("not_started"))
        .when(pl.lit(as_of) > pl.col("cycle_end"))
        .then(pl.lit("expired"))
        .when((pl.col("cycle_end") - pl.lit(as_of)).dt.total_days() <= risk)
        .then(pl.lit("at_risk"))
        .otherwise(pl.lit("on_track"))
    )
    rule_ids = {r["index"]: r["rule"].id for r in cp.requirements}
    # alternatives the columns cannot test (an evaluation score): where the credit falls
    # short, the engine decides
    alt_reqs = [
        r["index"]
        for r in cp.requirements
        if r["alternatives"] is None
        and any(a.in_force(as_of) for a in getattr(r["rule"], "alternatives", ()))
    ]
    if alt_reqs:
        out.hand_back(
            lic.filter(pl.col("_req").is_in(alt_reqs) & ~complete).get_column("educator_id"),
            "alternatives",
        )
    lic = lic.with_columns(
        pl.when(has_req).then(complete).alias("complete"),
        status.alias("status"),
        pl.col("_req")
        .replace_strict(rule_ids, default=None, return_dtype=pl.String)
        .alias("requirement"),
        pl.when(has_req).then(pl.col("cycle_start")).alias("cycle_start"),
        pl.when(has_req).then(pl.col("cycle_end")).alias("cycle_end"),
        pl.when(has_req).then(pl.col("short_categories")).alias("short_categories"),
    )
    # no requirement for a license type nobody advances from
    adv_from = sorted({t for a in plan.advancement for t in a.from_})
    noreq = lic.filter(~has_req & ~pl.col("license_type").is_in(adv_from))
    if noreq.height:
        out.warn(
            noreq.select(
                "educator_id",
                pl.lit(None, pl.String).alias("credential"),
                pl.lit(WarningCode.NO_REQUIREMENT.value).alias("code"),
                pl.lit(None, pl.String).alias("rule"),
                message_expr(
                    WarningCode.NO_REQUIREMENT,
                    jurisdiction=plan.jurisdiction.id,
                    as_of=as_of,
                    license=pl.col("license_type"),
                    reason=_no_requirement_reason(cp),
                ).alias("message"),
                pl.lit(None, pl.String).alias("table"),
                pl.lit(None, pl.Int64).alias("row"),
            )
        )
    lic = lic.drop(c for c in lic.columns if c.startswith("_rend_") or c == "_cats_met")
    return lic, pos


def _no_requirement_reason(cp: ColumnarPlan) -> pl.Expr:
    """NO_REQUIREMENT's `{reason}` per license row, in the words of the engine's
    `_no_requirement_reason`: for each requirement of the license's type, which condition
    failed; when none names the type, the types that have one."""
    plan = cp.plan
    each: list[pl.Expr] = []
    for r in cp.requirements:
        req = r["rule"]
        misses: list[pl.Expr] = []
        if req.cycles is not None:
            w = req.cycles
            inside: pl.Expr = pl.lit(True)
            if w.start is not None:
                inside = inside & (pl.col("license_issued") >= w.start)
            if w.until is not None:
                inside = inside & (pl.col("license_issued") <= w.until)
            misses.append(pl.when(~inside).then(pl.lit(cycles_miss(req))))
        if req.renewals is not None:
            misses.append(
                pl.when(~_renews_in(req, pl.col(_renewal_col(req)))).then(
                    pl.lit(renewals_miss(req))
                )
            )
        misses.append(pl.when(~r["educator"].fill_null(False)).then(pl.lit(educator_miss(req))))
        misses.append(pl.when(~r["license"].fill_null(False)).then(pl.lit(LICENSE_MISS)))
        why = pl.concat_str(misses, separator=REASON_JOIN, ignore_nulls=True).fill_null("")
        why = pl.when(why == "").then(pl.lit(NOT_APPLICABLE)).otherwise(why)
        each.append(
            pl.when(pl.col("license_type").is_in(list(req.license))).then(
                pl.lit(f"{req.id}{REASON_SEP}") + why
            )
        )
    known = requirements_clause(t for r in plan.requirements for t in r.license)
    if not each:
        return pl.lit(known)
    joined = pl.concat_str(each, separator=REQUIREMENTS_JOIN, ignore_nulls=True).fill_null("")
    return pl.when(joined == "").then(pl.lit(known)).otherwise(joined)


def _renewal_col(req: Any) -> str:
    """The column holding a license's cycle end under `req`'s cycle_years (`_with_renewals`)."""
    return f"_rend_{req.cycle_years}"


def _nth_license(lic: pl.DataFrame) -> pl.Expr:
    """Each license row's index among its educator's rows in `_row` order. The readers hand
    rows sorted by educator and then row: then it is the distance from the educator's first
    row, found in one pass (a window over educator_id costs several times as much);
    otherwise the window."""
    new = (pl.col("educator_id") != pl.col("educator_id").shift(1)).fill_null(True)
    ordered = lic.height == 0 or (
        lic.get_column("educator_id").is_sorted()
        and bool(lic.select((new | (pl.col("_row") > pl.col("_row").shift(1))).all()).item())
    )
    if not ordered:
        return pl.int_range(pl.len()).over("educator_id", order_by="_row")
    i = pl.int_range(pl.len())
    return i - pl.when(new).then(i).forward_fill()


def _renews_in(req: Any, end: pl.Expr) -> pl.Expr:
    """Whether the cycle end `end` is inside `req.renewals` (both ends inclusive)."""
    w = req.renewals
    inside: pl.Expr = pl.lit(True)
    if w.start is not None:
        inside = inside & (end >= w.start)
    if w.until is not None:
        inside = inside & (end <= w.until)
    return inside


def _with_renewals(lic: pl.DataFrame, cp: ColumnarPlan, as_of: dt.date) -> pl.DataFrame:
    """A cycle-end column per cycle_years of the requirements with `renewals`: the expiry, or
    the end of the rolling cycle around as_of (the engine's `_cycle_for`)."""
    for y in sorted({r["rule"].cycle_years for r in cp.requirements if r["rule"].renewals}):
        lic = lic.with_columns(pl.lit(y, pl.Int64).alias("_ry"))
        lic = with_cycle(lic, "_ry", as_of, "_rs", f"_rend_{y}").drop("_ry", "_rs")
    return lic


def alternatives_met(specs: list[dict[str, Any]], got: dict[str, pl.Expr]) -> pl.Expr:
    """Whether any alternative holds: its credit (`got`: scaled amounts per unit in the
    window) and its conditions on the row's educator and license columns."""
    any_met: pl.Expr = pl.lit(False)
    for spec in specs:
        ok: pl.Expr = pl.lit(True)
        for u, need in spec["need"].items():
            ok = ok & (got[u] >= need) if u in got else pl.lit(False)
        if spec["experience"] is not None:
            ok = ok & (pl.col("experience_years").fill_null(-1) >= spec["experience"])
        if spec["cycle_experience"] is not None:
            ok = ok & (pl.col("license_experience_years").fill_null(-1) >= spec["cycle_experience"])
        if spec["recommendation"] is not None:
            ok = ok & pl.col("recommendations").list.contains(
                pl.lit(spec["recommendation"])
            ).fill_null(False)
        any_met = any_met | ok
    return any_met


def with_cycle(
    df: pl.DataFrame, years_col: str, as_of: dt.date, start: str, end: str
) -> pl.DataFrame:
    """Cycle start and end: (issued, expires), or rolling `years` cycles around as_of."""
    rolling = (
        df.filter(pl.col("license_expires").is_null()).select("license_issued", years_col).unique()
    )
    rows = [
        (issued, years, *cycle_for(issued, None, years, as_of))
        for issued, years in rolling.iter_rows()
    ]
    table = pl.DataFrame(
        rows,
        schema={"license_issued": pl.Date, years_col: pl.Int64, "_s": pl.Date, "_e": pl.Date},
        orient="row",
    )
    df = df.join(table, on=["license_issued", years_col], how="left")
    return df.with_columns(
        pl.when(pl.col("license_expires").is_not_null())
        .then(pl.col("license_issued"))
        .otherwise(pl.col("_s"))
        .alias(start),
        pl.coalesce("license_expires", "_e").alias(end),
    ).drop("_s", "_e")
