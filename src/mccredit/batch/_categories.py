"""Category minimums (a requirement's `categories`) in columns, a part of the renewal step
(`_renewal`): give each credit entry wholly to one category it may fill (its own first, in
sorted order, else an open category). When that assignment meets every minimum, a maximum
flow saturates them all too, so the engine's allocation (whichever flow it picks) leaves no
category short; otherwise the engine allocates (the educator is handed back)."""

from __future__ import annotations

import polars as pl

from ._compile import ColumnarPlan
from ._steps import Collected

__all__ = ["check_categories"]


def check_categories(
    cp: ColumnarPlan, lic: pl.DataFrame, inw: pl.DataFrame, out: Collected
) -> None:
    """`lic`: license rows with `_req`; `inw`: positive ledger lines inside each license's
    window (`educator_id`, `_lic`, `_req`, `unit`, `amount`, `categories`)."""
    hard = [r["index"] for r in cp.requirements if r["categories"] and r["minimums"] is None]
    if hard:
        out.hand_back(
            lic.filter(pl.col("_req").is_in(hard)).get_column("educator_id"), "categories"
        )
    for r in cp.requirements:
        mins = r["minimums"]
        if not mins:
            continue
        req = r["rule"]
        lic_r = lic.filter(pl.col("_req") == r["index"]).select("educator_id", "_lic")
        if not lic_r.height:
            continue
        opens = sorted(set(req.open_categories) & set(mins))
        sub = inw.filter((pl.col("_req") == r["index"]) & (pl.col("unit") == req.cat_unit))
        sub = sub.with_columns(
            pl.col("categories")
            .list.set_intersection(pl.lit(sorted(mins), pl.List(pl.String)))
            .list.sort()
            .list.first()
            .alias("_t")
        )
        if opens:
            sub = sub.with_columns(pl.col("_t").fill_null(pl.lit(opens[0])))
        got = (
            sub.filter(pl.col("_t").is_not_null())
            .group_by("educator_id", "_lic", "_t")
            .agg(pl.col("amount").sum())
        )
        met: pl.Expr = pl.lit(True)
        for cat, least in mins.items():
            g = got.filter(pl.col("_t") == cat).select(
                "educator_id", "_lic", pl.col("amount").alias(f"_g_{cat}")
            )
            lic_r = lic_r.join(g, on=["educator_id", "_lic"], how="left")
            met = met & (pl.col(f"_g_{cat}").fill_null(0) >= least)
        short = lic_r.filter(~met)
        out.hand_back(short.get_column("educator_id"), "categories")
