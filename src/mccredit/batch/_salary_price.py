"""Pricing in columns, as `mccredit.salary._pricing.price`: each lane move and base increase
priced on the schedule in force on the day it takes effect (or on `as_of`, when it took
effect in an earlier school year), the step on that day (`step_at`), what it adds to this
school year and the retro owed (`change_parts`, `change_totals`), and the new rate on the
last change's day. The salary functions run once per distinct (day, schedule, step) or
(delta, mode, effective, school year), never per educator; cells come from `schedule_cells`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from ..result import Warning, WarningCode, placeholders
from ..rules._paydates import school_year_of
from ..salary import SalaryPlan
from ..salary._grid import schedule_cells
from ..salary._pricing import change_parts, change_totals, step_at
from ._fallback import SALARY_COLUMNS
from ._steps import WARNING_SCHEMA, Collected
from ._warnings import message_expr

__all__ = ["plain_warnings", "price", "warnings_of"]


def plain_warnings(
    df: pl.DataFrame, code: WarningCode, rule: pl.Expr | None = None, **params: object
) -> pl.DataFrame:
    """Warnings about no credential, one per row of `df` (`rule` fills `{rule}` too)."""
    rule_e = pl.lit(None, pl.String) if rule is None else rule
    if "rule" in placeholders(code):
        params["rule"] = rule_e
    return df.select(
        "educator_id",
        pl.lit(None, pl.String).alias("credential"),
        pl.lit(code.value).alias("code"),
        rule_e.alias("rule"),
        message_expr(code, **params).alias("message"),
        pl.lit(None, pl.String).alias("table"),
        pl.lit(None, pl.Int64).alias("row"),
    )


def warnings_of(rows: list[tuple[str, Warning]]) -> pl.DataFrame:
    """The engine's own warning objects as warning rows (about no credential row)."""
    return pl.DataFrame(
        {
            "educator_id": [e for e, _ in rows],
            "credential": [w.credential for _, w in rows],
            "code": [w.code.value for _, w in rows],
            "rule": [w.rule for _, w in rows],
            "message": [w.message for _, w in rows],
            "table": [None] * len(rows),
            "row": [None] * len(rows),
        },
        schema=WARNING_SCHEMA,
    )


def _cells(sp: SalaryPlan) -> pl.DataFrame:
    return pl.concat(
        [
            schedule_cells(s).with_columns(pl.lit(i, pl.Int64).alias("sched"))
            for i, s in enumerate(sp.schedules)
        ]
    ).drop("lane_index")


def _sched_id(sp: SalaryPlan, day: dt.date, name: str) -> int | None:
    s = sp.schedule_on(day, name)
    return None if s is None else next(i for i, x in enumerate(sp.schedules) if x is s)


def _cents(d: Decimal) -> int:
    return int(d.scaleb(2))


def price(
    sp: SalaryPlan,
    priced: pl.DataFrame,
    moves: pl.DataFrame,
    incs: pl.DataFrame,
    already: pl.DataFrame,
    final: pl.DataFrame,
    out: Collected,
) -> pl.DataFrame:
    """educator_id + SALARY_COLUMNS for every placed educator. `priced`: educator_id,
    _schedule, lane, step, annual_cents; `moves`: educator_id, n, rule_id, from_lane,
    to_lane, when, eff, mode, sy; `incs`: educator_id, seq, rule_id, credential, cents, filed,
    eff, mode, sy; `already`: educator_id, already (cents); `final`: educator_id, lane."""
    assert sp.settings is not None
    as_of = sp.as_of
    current = school_year_of(as_of, sp.settings)
    cells = _cells(sp)
    events = pl.concat(
        [
            moves.select(
                "educator_id",
                pl.lit("lane").alias("kind"),
                pl.col("n").alias("seq"),
                "rule_id",
                "from_lane",
                "to_lane",
                pl.lit(None, pl.String).alias("credential"),
                pl.lit(None, pl.Int64).alias("cents"),
                pl.col("when").alias("filed"),
                "eff",
                "mode",
                "sy",
            ),
            incs.select(
                "educator_id",
                pl.lit("base").alias("kind"),
                "seq",
                "rule_id",
                pl.lit(None, pl.String).alias("from_lane"),
                pl.lit(None, pl.String).alias("to_lane"),
                "credential",
                "cents",
                "filed",
                "eff",
                "mode",
                "sy",
            ),
        ]
    ).join(priced.select("educator_id", "_schedule", "step"), on="educator_id")
    earlier = pl.col("sy") < pl.lit(current)
    events = events.with_columns(
        earlier.alias("_earlier"),
        pl.when(earlier).then(pl.lit(as_of)).otherwise(pl.col("eff")).alias("_day"),
    )
    # the schedule and step on each change's day: the engine's own functions per distinct key
    keys = events.select("_day", "_schedule", "step").unique()
    at: dict[str, list[object]] = {
        "_day": [],
        "_schedule": [],
        "step": [],
        "sched": [],
        "at_step": [],
    }
    for day, name, step in keys.iter_rows():
        at["_day"].append(day)
        at["_schedule"].append(name)
        at["step"].append(step)
        at["sched"].append(_sched_id(sp, day, name))
        at["at_step"].append(step_at(step, as_of, day, sp, [], name))
    at_df = pl.DataFrame(
        at,
        schema={
            "_day": pl.Date,
            "_schedule": pl.String,
            "step": pl.Int64,
            "sched": pl.Int64,
            "at_step": pl.Int64,
        },
    )
    events = events.join(at_df, on=["_day", "_schedule", "step"], how="left")
    unpriced = events.filter(pl.col("sched").is_null())
    out.hand_back(unpriced.get_column("educator_id"), "salary: a change with no schedule in force")
    events = (
        events.filter(pl.col("sched").is_not_null())
        .join(
            cells.rename({"lane": "from_lane", "step": "at_step", "annual_cents": "_old"}),
            on=["sched", "from_lane", "at_step"],
            how="left",
        )
        .join(
            cells.rename({"lane": "to_lane", "step": "at_step", "annual_cents": "_new"}),
            on=["sched", "to_lane", "at_step"],
            how="left",
        )
    )
    lane = pl.col("kind") == "lane"
    missing = events.filter(lane & (pl.col("_old").is_null() | pl.col("_new").is_null()))
    out.hand_back(
        missing.get_column("educator_id"), "salary: a lane move to a cell the schedule lacks"
    )
    events = events.with_columns(
        pl.when(lane)
        .then(pl.col("_new") - pl.col("_old"))
        .otherwise(pl.col("cents"))
        .alias("delta")
    ).filter(pl.col("delta").is_not_null())
    # what each change adds to this school year and the retro owed, per distinct change
    combos = events.select("delta", "mode", "eff", "sy").unique()
    got: dict[str, list[object]] = {
        k: [] for k in ("delta", "mode", "eff", "sy", "_this", "_retro")
    }
    for delta, mode, eff, sy in combos.iter_rows():
        parts = change_parts(sp, Decimal(delta).scaleb(-2), mode, eff, sy)
        this_year, retro = change_totals(parts, current, as_of)
        for k, v in zip(got, (delta, mode, eff, sy, _cents(this_year), _cents(retro)), strict=True):
            got[k].append(v)
    combo_df = pl.DataFrame(
        got,
        schema={
            "delta": pl.Int64,
            "mode": pl.String,
            "eff": pl.Date,
            "sy": pl.Date,
            "_this": pl.Int64,
            "_retro": pl.Int64,
        },
    )
    events = events.join(combo_df, on=["delta", "mode", "eff", "sy"], how="left")
    early = events.filter(pl.col("_earlier"))
    if early.height:
        titles = pl.DataFrame(
            {"sched": list(range(len(sp.schedules))), "_title": [s.title for s in sp.schedules]},
            schema={"sched": pl.Int64, "_title": pl.String},
        )
        early = early.join(titles, on="sched")
        label = (
            pl.when(lane)
            .then(pl.format("lane {} → {}", pl.col("from_lane"), pl.col("to_lane")))
            .otherwise(pl.format("base increase for {}", pl.col("credential")))
        )
        out.warn(
            plain_warnings(
                early,
                WarningCode.RETRO_EARLIER_YEARS,
                rule=pl.col("rule_id"),
                label=label,
                effective=pl.col("eff"),
                schedule=pl.col("_title"),
                school_year=f"{current.year}-{str(current.year + 1)[2:]}",
            )
        )
    per = events.group_by("educator_id").agg(
        pl.col("eff").max().alias("effective_date"),
        pl.col("_this").sum().alias("this_year_delta"),
        pl.col("_retro").sum().alias("retro"),
        pl.col("delta").filter(pl.col("kind") == "base").sum().alias("_base_added"),
    )
    rows = (
        priced.select("educator_id", "_schedule", "lane", "step", "annual_cents")
        .join(already, on="educator_id", how="left")
        .with_columns(pl.col("already").fill_null(0))
        .join(per, on="educator_id", how="left")
        .join(final.rename({"lane": "_final"}), on="educator_id", how="left")
    )
    changed = rows.filter(pl.col("effective_date").is_not_null()).with_columns(
        pl.max_horizontal("effective_date", pl.lit(as_of)).alias("_price_day")
    )
    # the new rate: the step on the last change's day, on the schedule then in force
    new: dict[str, list[object]] = {
        "_price_day": [],
        "_schedule": [],
        "step": [],
        "sched": [],
        "new_step": [],
    }
    said: list[tuple[tuple[dt.date, str, int], Warning]] = []
    for day, name, step in changed.select("_price_day", "_schedule", "step").unique().iter_rows():
        found: list[Warning] = []
        sid = _sched_id(sp, day, name)
        ns = step_at(step, as_of, day, sp, found, name)
        if sid is not None and ns not in sp.schedules[sid].steps:
            found.append(
                Warning.of(
                    WarningCode.TOP_STEP, target=ns, schedule=sp.schedules[sid].title, step=ns
                )
            )
        for k, v in zip(new, (day, name, step, sid, ns), strict=True):
            new[k].append(v)
        said.extend(((day, name, step), w) for w in found)
    new_df = pl.DataFrame(
        new,
        schema={
            "_price_day": pl.Date,
            "_schedule": pl.String,
            "step": pl.Int64,
            "sched": pl.Int64,
            "new_step": pl.Int64,
        },
    )
    changed = changed.join(new_df, on=["_price_day", "_schedule", "step"], how="left").join(
        cells.rename({"lane": "_final", "step": "new_step", "annual_cents": "_new_base"}),
        on=["sched", "_final", "new_step"],
        how="left",
    )
    lost = changed.filter(pl.col("sched").is_null() | pl.col("_new_base").is_null())
    out.hand_back(lost.get_column("educator_id"), "salary: the new rate has no schedule cell")
    if said:
        keyed = pl.DataFrame(
            {
                "_price_day": [k[0] for k, _ in said],
                "_schedule": [k[1] for k, _ in said],
                "step": [k[2] for k, _ in said],
                "_i": list(range(len(said))),
            },
            schema={
                "_price_day": pl.Date,
                "_schedule": pl.String,
                "step": pl.Int64,
                "_i": pl.Int64,
            },
        )
        hits = changed.select("educator_id", "_price_day", "_schedule", "step").join(
            keyed, on=["_price_day", "_schedule", "step"]
        )
        out.warn(
            warnings_of([(e, said[i][1]) for e, i in hits.select("educator_id", "_i").iter_rows()])
        )
    annual = pl.col("annual_cents") + pl.col("already")
    new_annual = pl.col("_new_base") + pl.col("already") + pl.col("_base_added").fill_null(0)
    changed = changed.with_columns(
        annual.alias("salary_annual"),
        pl.col("_final").alias("new_lane"),
        new_annual.alias("new_annual"),
        (new_annual - annual).alias("annual_delta"),
    )
    same = rows.filter(pl.col("effective_date").is_null()).with_columns(
        annual.alias("salary_annual"),
        pl.lit(None, pl.String).alias("new_lane"),
        pl.lit(None, pl.Int64).alias("new_step"),
        pl.lit(None, pl.Int64).alias("new_annual"),
        pl.lit(0, pl.Int64).alias("annual_delta"),
        pl.lit(0, pl.Int64).alias("this_year_delta"),
        pl.lit(0, pl.Int64).alias("retro"),
    )
    cols = [
        "educator_id",
        pl.col("lane").alias("salary_lane"),
        pl.col("step").alias("salary_step"),
        *[c for c in SALARY_COLUMNS if c not in ("salary_lane", "salary_step")],
    ]
    return pl.concat(
        [same.select(cols).cast(SALARY_COLUMNS), changed.select(cols).cast(SALARY_COLUMNS)]  # type: ignore[arg-type]
    )
