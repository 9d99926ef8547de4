"""Advancement in columns (the engine's `advance` step): for each tier, the educators holding
a license it advances from (and not already the tier), their credit in the window, other
ways (`alternatives`), experience, recommendation and evaluation conditions; the tiers
considered and those the educator is eligible for."""

from __future__ import annotations

import polars as pl

from ._compile import ColumnarPlan
from ._renewal import alternatives_met, with_cycle

__all__ = ["advancement"]


def advancement(
    cp: ColumnarPlan, edu: pl.DataFrame, lic: pl.DataFrame, pos: pl.DataFrame, evals: pl.DataFrame
) -> tuple[pl.DataFrame, pl.Series]:
    """Tiers considered and those the educator is eligible for; and the educators the engine
    must decide (an advancement with `alternatives` whose credit path falls short)."""
    back: list[pl.Series] = []
    out_schema = {
        "educator_id": pl.String,
        "advance_tiers": pl.String,
        "advance_eligible": pl.String,
    }
    parts: list[pl.DataFrame] = []
    people = edu.group_by("educator_id", maintain_order=True).first()
    for a in cp.advancement:
        adv = a["rule"]
        holders = lic.filter(pl.col("license_type").is_in(list(adv.from_)))
        if not holders.height:
            continue
        h = (
            holders.sort("license_issued", "_lic", descending=[True, False])
            .group_by("educator_id", maintain_order=True)
            .first()
        )
        h = h.select(
            "educator_id",
            "license_issued",
            "license_expires",
            "license_experience_years",
            pl.lit(5, pl.Int64).alias("_y5"),
        )
        # no advancement to a tier the educator already holds (issued on or after)
        held = lic.filter(pl.col("license_type") == adv.tier).select(
            "educator_id", pl.col("license_issued").alias("_ti")
        )
        if held.height:
            skip = (
                h.join(held, on="educator_id")
                .filter(pl.col("_ti") >= pl.col("license_issued"))
                .select("educator_id")
                .unique()
            )
            h = h.join(skip, on="educator_id", how="anti")
        h = with_cycle(h, "_y5", cp.plan.as_of, "_as", "_ae")
        h = h.join(
            people.filter(a["educator"]).select(
                "educator_id", "experience_years", "recommendations"
            ),
            on="educator_id",
            how="inner",
        )
        if not h.height:
            continue
        credit: pl.Expr = pl.lit(True)
        specs = a["alternatives"] or []
        wanted = set(a["need"]) | {u for sp in specs for u in sp["need"]}
        if wanted:
            got = (
                pos.join(h.select("educator_id", "_as", "_ae"), on="educator_id")
                .filter(
                    pl.lit(adv.window == "none")
                    | pl.col("date").is_between(pl.col("_as"), pl.col("_ae"))
                )
                .group_by("educator_id", "unit")
                .agg(pl.col("amount").sum())
            )
            for u in sorted(wanted):
                gu = got.filter(pl.col("unit") == u).select(
                    "educator_id", pl.col("amount").alias(f"_got_{u}")
                )
                h = h.join(gu, on="educator_id", how="left")
            for u, need in a["need"].items():
                credit = credit & (pl.col(f"_got_{u}").fill_null(0) >= need)
        # an alternative stands in for the credit; the conditions below hold on every path
        if specs:
            credit = credit | alternatives_met(
                specs, {u: pl.col(f"_got_{u}").fill_null(0) for u in wanted}
            )
        ok: pl.Expr = credit
        if a["experience"] is not None:
            ok = ok & (pl.col("experience_years").fill_null(-1) >= a["experience"])
        if a["cycle_experience"] is not None:
            ok = ok & (pl.col("license_experience_years").fill_null(-1) >= a["cycle_experience"])
        if a["recommendation"] is not None:
            ok = ok & pl.col("recommendations").list.contains(pl.lit(a["recommendation"]))
        cond = adv.conditions
        if cond.evaluation_min_score is not None:
            n = cond.evaluation_years
            ev = (
                evals.sort("year", descending=True)
                .group_by("educator_id")
                .agg(pl.col("score").head(n).min().alias("_min"), pl.len().alias("_n"))
            )
            h = h.join(ev, on="educator_id", how="left")
            ok = (
                ok
                & (pl.col("_n").fill_null(0) >= n)
                & (pl.col("_min").fill_null(0) >= cond.evaluation_min_score)
            )
        part = h.select(
            "educator_id",
            pl.lit(a["index"]).alias("_i"),
            pl.lit(adv.tier).alias("tier"),
            ok.alias("eligible"),
        )
        if a["alternatives"] is None and any(
            alt.in_force(cp.plan.as_of) for alt in getattr(adv, "alternatives", ())
        ):
            back.append(part.filter(~pl.col("eligible")).get_column("educator_id"))
        parts.append(part)
    ids = pl.concat(back) if back else pl.Series("educator_id", [], dtype=pl.String)
    if not parts:
        return pl.DataFrame(schema=out_schema), ids
    allp = pl.concat(parts).sort("educator_id", "_i")
    return (
        allp.group_by("educator_id", maintain_order=True)
        .agg(
            pl.col("tier").str.join(";").alias("advance_tiers"),
            pl.col("tier").filter(pl.col("eligible")).str.join(";").alias("advance_eligible"),
        )
        .cast(pl.Schema(out_schema)),
        ids,
    )
