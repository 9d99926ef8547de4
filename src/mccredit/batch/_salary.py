"""Salary in columns: placement, salary credit and lane moves (`_salary_credit`,
`_salary_lanes`), base increases and pricing for every educator of a chunk, with the
semantics of `mccredit.salary` (its step functions are called once per distinct day, rule or
cell, never per educator). `_vector` calls `salary_step` after `_facts`.

Handed to the engine (the reason counted in the batch summary), besides the credit features
`_salary_credit` names: a placement on a lane or step its schedule lacks (the engine refuses
it as an input error), a schedule lacking a lane a lane rule moves to, a base increase with
`max_total`, and a change that cannot be priced (no schedule in force on its day, or a cell
the schedule lacks).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..result import WarningCode
from ..salary import SalaryPlan
from ..salary._calendar import first_day, next_year
from ..salary._grid import DEFAULT_SCHEDULE, price_placements
from ._compile import ColumnarPlan, round_div
from ._fallback import SALARY_COLUMNS
from ._salary_credit import SalaryColumns, credit_rows, effective_of, salary_columns
from ._salary_lanes import walk
from ._salary_price import plain_warnings, price
from ._steps import LEDGER_SCHEMA, Collected
from ._warnings import message_expr

__all__ = ["SalaryOut", "salary_step"]


@dataclass
class SalaryOut:
    results: pl.DataFrame  # educator_id + SALARY_COLUMNS (money in cents)
    ledger: pl.DataFrame  # LEDGER_SCHEMA
    totals: pl.DataFrame  # educator_id, salary_credit, salary_base (scaled as the unit)
    claimed: pl.DataFrame  # educator_id, credential_id: no `no_rule` warning for these


def _shown(cp: ColumnarPlan, unit: str, amount: pl.Expr, den: int) -> pl.Expr:
    """An exact amount (in 1/`den`) as results show it, scaled as the unit: quantized to the
    unit's places half-even (`Plan.shown`), or cut at 4 places for a unit without a rounder."""
    s = cp.scale.get(unit, 4)
    n = amount.cast(pl.Int128) * (10**s)
    out: pl.Expr = (round_div(n, den, "half_even") if unit in cp.plan.rounders else n // den).cast(
        pl.Int64
    )
    return out


def _rule_id(ids: pl.Series | list[str]) -> pl.Expr:
    """The id of each rule index in `rule`."""
    names = list(ids)
    if not names:  # (replace_strict keeps the input type for an empty mapping)
        return pl.lit(None, pl.String)
    return pl.col("rule").replace_strict(list(range(len(names))), names, return_dtype=pl.String)


def _empty_out() -> SalaryOut:
    return SalaryOut(
        results=pl.DataFrame(schema={"educator_id": pl.String, **SALARY_COLUMNS}),
        ledger=pl.DataFrame(schema=LEDGER_SCHEMA),
        totals=pl.DataFrame(
            schema={"educator_id": pl.String, "salary_credit": pl.Int64, "salary_base": pl.Int64}
        ),
        claimed=pl.DataFrame(schema={"educator_id": pl.String, "credential_id": pl.String}),
    )


def salary_step(
    cp: ColumnarPlan, edu: pl.DataFrame, facts: pl.DataFrame, out: Collected
) -> SalaryOut | None:
    """Salary for every educator of the chunk (None: the jurisdiction has no salary rules).
    `edu`: the educator rows; `facts`: the credentials as matchers see them, with `_gate`.
    Warnings and hand-backs go to `out`."""
    sc = salary_columns(cp)
    if sc is None:
        return None
    sp = sc.sp
    j = sp.jurisdiction
    people = edu.group_by("educator_id", maintain_order=True).first()
    res = _empty_out()
    no_place = people.filter(pl.col("salary_lane").is_null())
    if no_place.height and sp.schedules:
        out.warn(plain_warnings(no_place, WarningCode.NO_PLACEMENT, jurisdiction=j.id))
    placed = people.filter(pl.col("salary_lane").is_not_null()).select(
        "educator_id",
        pl.col("salary_schedule").fill_null(DEFAULT_SCHEDULE).alias("_schedule"),
        pl.col("salary_lane").alias("lane"),
        pl.col("salary_step").cast(pl.Int64).alias("step"),
        "salary_since",
    )
    if not placed.height:
        return res
    if sp.settings is None:
        out.warn(plain_warnings(placed, WarningCode.NO_SALARY_CALENDAR, jurisdiction=j.id))
        return res
    if sc.reason is not None:
        out.hand_back(placed.get_column("educator_id"), sc.reason)
        return res
    priced = price_placements(sp, placed, sp.as_of, schedule="_schedule")
    none = priced.filter(pl.col("schedule_title").is_null())
    if none.height:
        out.warn(
            plain_warnings(
                none,
                WarningCode.NO_SCHEDULE,
                schedule=pl.col("_schedule"),
                jurisdiction=j.id,
                day=sp.as_of,
                outcome="salary not evaluated",
            )
        )
    priced = priced.filter(pl.col("schedule_title").is_not_null())
    bad = priced.filter(pl.col("unpriced_reason").is_not_null())
    out.hand_back(bad.get_column("educator_id"), "salary: placement not on its schedule")
    priced = priced.filter(pl.col("unpriced_reason").is_null())
    # each schedule's lanes; a schedule lacking a lane some rule moves to goes to the engine
    lanes_parts = []
    for name in priced.get_column("_schedule").unique().to_list():
        sched = sp.schedule_on(sp.as_of, name)
        assert sched is not None
        if any(r.rule.to not in sched.lanes for r in sc.rules):
            lost = priced.filter(pl.col("_schedule") == name).get_column("educator_id")
            out.hand_back(lost, "salary: a lane rule moves to a lane the schedule lacks")
            priced = priced.filter(pl.col("_schedule") != name)
            continue
        lanes_parts.append(
            pl.DataFrame(
                {"lane": sched.lanes, "lane_index": list(range(len(sched.lanes)))},
                schema={"lane": pl.String, "lane_index": pl.Int64},
            ).with_columns(pl.lit(name).alias("_schedule"))
        )
    if not priced.height:
        return res
    lanes = pl.concat(lanes_parts).select("_schedule", "lane", "lane_index")
    credited = facts.filter(pl.col("_gate").is_null())
    cr = credit_rows(sc, credited, priced.select("educator_id", "salary_since"))
    for w in cr.warnings:
        out.warn(w)
    for why, ids in cr.back.group_by("why"):
        out.hand_back(ids.get_column("educator_id"), str(why[0]))
    wk = walk(sc, cr.credit, priced.select("educator_id", "_schedule", "lane"), lanes)
    rule_ids = pl.Series([r.rule.id for r in sc.rules], dtype=pl.String)
    if cr.pam.height:
        first = (
            cr.pam.join(wk.rank, on=["educator_id", "rule"], how="left")
            .sort("educator_id", "credential_id", "rank")
            .unique(subset=["educator_id", "credential_id"], keep="first", maintain_order=True)
            .with_columns(_rule_id(rule_ids))
        )
        out.warn(
            first.select(
                "educator_id",
                pl.col("credential_id").alias("credential"),
                pl.lit(WarningCode.PRIOR_APPROVAL_MISSING.value).alias("code"),
                "rule",
                message_expr(
                    WarningCode.PRIOR_APPROVAL_MISSING,
                    credential=pl.col("credential_id"),
                    rule=pl.col("rule"),
                    found=pl.col("found"),
                ).alias("message"),
                pl.lit("credentials").alias("table"),
                pl.col("_row").alias("row"),
            )
        )
    credit_led = wk.entries.select(
        "educator_id",
        pl.col("credential_id").alias("credential"),
        pl.lit("salary_credit").alias("unit"),
        _shown(cp, "salary_credit", pl.col("amount"), sc.den).alias("amount"),
        _rule_id(rule_ids).alias("rule"),
        pl.col("filed").alias("date"),
        pl.lit("salary").alias("kind"),
    )
    totals = wk.entries.group_by("educator_id").agg(
        _shown(cp, "salary_credit", pl.col("amount").sum(), sc.den).alias("salary_credit")
    )
    incs, inc_led, inc_events = _increases(cp, sc, cr.filed, priced, out)
    base_totals = inc_led.group_by("educator_id").agg(pl.col("amount").sum().alias("salary_base"))
    totals = totals.join(base_totals, on="educator_id", how="full", coalesce=True)
    moves = _deferred(sp, sc, wk.moves, out)
    results = price(sp, priced, moves, inc_events, incs, wk.final, out)
    return SalaryOut(
        results=results,
        ledger=pl.concat([credit_led, inc_led]).cast(pl.Schema(LEDGER_SCHEMA)),
        totals=totals,
        claimed=cr.claimed,
    )


def _increases(
    cp: ColumnarPlan,
    sc: SalaryColumns,
    filed: pl.DataFrame,
    priced: pl.DataFrame,
    out: Collected,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(educator_id, already (cents in the placement's pay)), the `salary_base` ledger and the
    increases still to take effect (educator_id, seq, rule id, credential, cents, filed, eff,
    mode, sy), rule by rule as `mccredit.salary._increases`."""
    sp = sc.sp
    s = cp.scale.get("salary_base", 4)
    already: list[pl.DataFrame] = []
    led: list[pl.DataFrame] = []
    pend: list[pl.DataFrame] = []
    since = priced.select("educator_id", "salary_since")
    for b, inc in enumerate(sc.increases):
        rule = inc.rule
        rows = (
            filed.filter(pl.col(f"_b{b}") & pl.col("filed").is_not_null())
            .filter(pl.col("filed") <= pl.lit(sp.as_of))
            .drop("salary_since")
            .join(since, on="educator_id")
            .sort("educator_id", "earned", "credential_id")
        )
        if not rows.height or inc.amount <= 0:
            continue
        if inc.feature is not None:
            out.hand_back(rows.get_column("educator_id"), inc.feature)
            continue
        rows = rows.with_columns(pl.int_range(1, pl.len() + 1).over("educator_id").alias("_n"))
        if rule.max_count is not None:
            over = rows.filter(pl.col("_n") > rule.max_count)
            if over.height:
                out.warn(
                    over.select(
                        "educator_id",
                        pl.col("credential_id").alias("credential"),
                        pl.lit(WarningCode.BASE_INCREASE_CAPPED.value).alias("code"),
                        pl.lit(rule.id).alias("rule"),
                        message_expr(
                            WarningCode.BASE_INCREASE_CAPPED,
                            credential=pl.col("credential_id"),
                            rule=rule.id,
                            most=rule.max_count,
                        ).alias("message"),
                        pl.lit("credentials").alias("table"),
                        pl.col("_row").alias("row"),
                    )
                )
            rows = rows.filter(pl.col("_n") <= rule.max_count)
        led.append(
            rows.select(
                "educator_id",
                pl.col("credential_id").alias("credential"),
                pl.lit("salary_base").alias("unit"),
                pl.lit(inc.amount * 10 ** (s - 2) if s >= 2 else inc.amount // 10 ** (2 - s))
                .cast(pl.Int64)
                .alias("amount"),
                pl.lit(rule.id).alias("rule"),
                pl.col("filed").alias("date"),
                pl.lit("salary").alias("kind"),
            )
        )
        in_pay = pl.col("salary_since").is_not_null() & (pl.col("filed") <= pl.col("salary_since"))
        already.append(
            rows.filter(in_pay)
            .group_by("educator_id")
            .agg((pl.len() * inc.amount).alias("already"))
        )
        later = rows.filter(~in_pay)
        if later.height:
            eff = effective_of(
                sp,
                later.select(pl.col("filed").alias("day"), pl.lit(0, pl.Int64).alias("rule")),
                [rule],
            ).drop("rule")
            pend.append(
                later.join(eff, left_on="filed", right_on="day", how="left").select(
                    "educator_id",
                    (pl.lit(b * 10**6, pl.Int64) + pl.col("_n")).alias("seq"),
                    pl.lit(rule.id).alias("rule_id"),
                    pl.col("credential_id").alias("credential"),
                    pl.lit(inc.amount, pl.Int64).alias("cents"),
                    "filed",
                    "eff",
                    "mode",
                    "sy",
                )
            )
    a = (
        pl.concat(already).group_by("educator_id").agg(pl.col("already").sum().cast(pl.Int64))
        if already
        else pl.DataFrame(schema={"educator_id": pl.String, "already": pl.Int64})
    )
    ledger = pl.concat(led) if led else pl.DataFrame(schema=LEDGER_SCHEMA)
    events = (
        pl.concat(pend)
        if pend
        else pl.DataFrame(
            schema={
                "educator_id": pl.String,
                "seq": pl.Int64,
                "rule_id": pl.String,
                "credential": pl.String,
                "cents": pl.Int64,
                "filed": pl.Date,
                "eff": pl.Date,
                "mode": pl.String,
                "sy": pl.Date,
            }
        )
    )
    return a, ledger, events


def _deferred(
    sp: SalaryPlan, sc: SalaryColumns, moves: pl.DataFrame, out: Collected
) -> pl.DataFrame:
    """The moves with their effective dates: at most `max_lanes_per_year` in a school year,
    a later one waiting for the next (`lane_deferred`)."""
    assert sp.settings is not None
    settings = sp.settings
    rules = [r.rule for r in sc.rules]
    eff = effective_of(sp, moves.select(pl.col("when").alias("day"), "rule"), list(rules))
    moves = moves.join(eff, left_on=["when", "rule"], right_on=["day", "rule"], how="left")
    most = settings.max_lanes_per_year
    done: list[pl.DataFrame] = []
    taken = pl.DataFrame(schema={"educator_id": pl.String, "sy": pl.Date})
    rule_ids = [r.id for r in rules]
    for n in sorted(moves.get_column("n").unique().to_list()):
        m = moves.filter(pl.col("n") == n)
        while True:
            count = taken.group_by("educator_id", "sy").agg(pl.len().alias("_c"))
            m = m.join(count, on=["educator_id", "sy"], how="left").with_columns(
                pl.col("_c").fill_null(0)
            )
            wait = pl.col("_c") >= most
            if not m.filter(wait).height:
                m = m.drop("_c")
                break
            years = m.filter(wait).get_column("sy").unique().to_list()
            nxt = {y: next_year(y, settings) for y in years}
            firsts = {y: first_day(v, settings) for y, v in nxt.items()}
            m = m.with_columns(
                pl.when(wait)
                .then(
                    pl.max_horizontal(
                        "eff",
                        pl.col("sy").replace_strict(firsts, default=None, return_dtype=pl.Date),
                    )
                )
                .otherwise(pl.col("eff"))
                .alias("eff"),
                pl.when(wait)
                .then(pl.lit("next_school_year"))
                .otherwise(pl.col("mode"))
                .alias("mode"),
                pl.when(wait)
                .then(pl.col("sy").replace_strict(nxt, default=None, return_dtype=pl.Date))
                .otherwise(pl.col("sy"))
                .alias("sy"),
                wait.alias("_wait"),
            ).drop("_c")
            w = m.filter(pl.col("_wait"))
            out.warn(
                plain_warnings(
                    w,
                    WarningCode.LANE_DEFERRED,
                    rule=_rule_id(rule_ids),
                    most=most,
                    from_lane=pl.col("from_lane"),
                    to_lane=pl.col("to_lane"),
                    effective=pl.col("eff"),
                )
            )
            m = m.drop("_wait")
        taken = pl.concat([taken, m.select("educator_id", "sy")])
        done.append(m)
    return (pl.concat(done) if done else moves).with_columns(_rule_id(rule_ids).alias("rule_id"))


def with_salary(
    rows: pl.DataFrame, warnings: pl.DataFrame, ledger: pl.DataFrame, sal: SalaryOut
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The chunk's result rows, warnings and ledger with the salary step's: salary columns
    and the `salary_credit` total on every row of the educator, no `no_rule` warning for a
    credential a salary rule matched, the salary ledger entries."""
    claimed = sal.claimed.unique().with_columns(pl.lit(True).alias("_claimed"))
    warnings = (
        warnings.join(
            claimed.rename({"credential_id": "credential"}),
            on=["educator_id", "credential"],
            how="left",
        )
        .filter(
            ~(pl.col("_claimed").fill_null(False) & (pl.col("code") == WarningCode.NO_RULE.value))
        )
        .drop("_claimed")
    )
    rows = rows.drop([c for c in SALARY_COLUMNS if c in rows.columns]).join(
        sal.results, on="educator_id", how="left"
    )
    rows = rows.join(sal.totals, on="educator_id", how="left")
    for unit in ("salary_credit", "salary_base"):
        if f"total_{unit}" in rows.columns:
            rows = rows.with_columns(
                (pl.col(f"total_{unit}") + pl.col(unit).fill_null(0)).alias(f"total_{unit}")
            )
    rows = rows.drop("salary_credit", "salary_base")
    ledger = pl.concat([ledger, sal.ledger.select(ledger.columns).cast(ledger.schema)])
    return rows, warnings, ledger
