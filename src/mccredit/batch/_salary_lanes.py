"""The lane walk of `mccredit.salary._lanes.walk_lanes` for every educator of a chunk at once.

Each round takes every educator still walking one lane further: for each lane rule from the
educator's lane, the credit still available (its credit toward the rule less what earlier moves
consumed) in filing order (filed, earned, id); the rule qualifies on the credential whose
running sum first reaches `requires`; of the rules that qualify, the one completed first
wins (on the same day, the higher lane; then the rule listed first). The move consumes the
earliest-filed credit up to `requires`; a part left over carries on. At most as many moves as
there are lane rules. What is left at the end is listed toward the next lane, each credential
once, under the first rule that still credits it (rules from the final lane first, then the
others, in the rules' order).

`rank` gives, per educator, the order in which the engine first weighs each rule (the walk's
rounds, then the left-over listing): a warning said once per credential names the rule that
first raised it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ._salary_credit import SalaryColumns

__all__ = ["Walk", "walk"]


@dataclass
class Walk:
    moves: pl.DataFrame  # educator_id, n, rule, from_lane, to_lane, when
    entries: pl.DataFrame  # educator_id, credential_id, _row, rule, amount, filed
    final: pl.DataFrame  # educator_id, lane
    rank: pl.DataFrame  # educator_id, rule, rank


def _rules(sc: SalaryColumns) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "rule": [r.index for r in sc.rules],
            "from_": [r.rule.from_ for r in sc.rules],
            "to": [r.rule.to for r in sc.rules],
            "requires": [r.requires for r in sc.rules],
        },
        schema={"rule": pl.Int64, "from_": pl.String, "to": pl.String, "requires": pl.Int64},
    )


def walk(sc: SalaryColumns, credit: pl.DataFrame, start: pl.DataFrame, lanes: pl.DataFrame) -> Walk:
    """`credit`: educator_id, credential_id, _row, earned, filed, rule, amount; `start`:
    educator_id, _schedule, lane; `lanes`: _schedule, lane, lane_index (each schedule's lanes,
    lowest first: every rule's `to` is there, the caller hands back anyone else)."""
    rules = _rules(sc)
    n_rules = len(sc.rules)
    state = start.select("educator_id", "_schedule", "lane")
    consumed = pl.DataFrame(
        schema={"educator_id": pl.String, "credential_id": pl.String, "used": pl.Int64}
    )
    moves: list[pl.DataFrame] = []
    entries: list[pl.DataFrame] = []
    finals: list[pl.DataFrame] = []
    ranks: list[pl.DataFrame] = []
    for n in range(n_rules):
        if not state.height:
            break
        opts = state.join(rules, left_on="lane", right_on="from_", how="inner").join(
            lanes.rename({"lane": "to", "lane_index": "to_index"}),
            on=["_schedule", "to"],
            how="inner",
        )
        ranks.append(
            opts.select("educator_id", "rule", (pl.col("rule") + n * n_rules).alias("rank"))
        )
        c = (
            credit.join(
                opts.select("educator_id", "rule", "requires", "to_index"),
                on=["educator_id", "rule"],
                how="inner",
            )
            .join(consumed, on=["educator_id", "credential_id"], how="left")
            .with_columns((pl.col("amount") - pl.col("used").fill_null(0)).alias("avail"))
            .filter(pl.col("avail") > 0)
            .sort("educator_id", "rule", "filed", "earned", "credential_id")
            .with_columns(pl.col("avail").cum_sum().over("educator_id", "rule").alias("cum"))
            .with_columns((pl.col("cum") - pl.col("avail")).alias("prev"))
        )
        best = (
            c.filter((pl.col("cum") >= pl.col("requires")) & (pl.col("prev") < pl.col("requires")))
            .select("educator_id", "rule", pl.col("filed").alias("when"), "to_index")
            .sort("educator_id", "when", -pl.col("to_index"), "rule")
            .unique(subset="educator_id", keep="first", maintain_order=True)
            .select("educator_id", "rule", "when")
        )
        finals.append(state.join(best, on="educator_id", how="anti").select("educator_id", "lane"))
        if not best.height:
            state = state.clear()
            break
        take = (
            c.join(best.select("educator_id", "rule"), on=["educator_id", "rule"], how="semi")
            .filter(pl.col("prev") < pl.col("requires"))
            .with_columns(
                pl.min_horizontal("avail", pl.col("requires") - pl.col("prev")).alias("use")
            )
        )
        entries.append(
            take.select(
                "educator_id",
                "credential_id",
                "_row",
                "rule",
                pl.col("use").alias("amount"),
                "filed",
            )
        )
        consumed = (
            pl.concat(
                [consumed, take.select("educator_id", "credential_id", pl.col("use").alias("used"))]
            )
            .group_by("educator_id", "credential_id")
            .agg(pl.col("used").sum())
        )
        moved = best.join(rules.select("rule", "from_", "to"), on="rule")
        moves.append(
            moved.select(
                "educator_id",
                pl.lit(n, pl.Int64).alias("n"),
                "rule",
                pl.col("from_").alias("from_lane"),
                pl.col("to").alias("to_lane"),
                "when",
            )
        )
        state = state.join(moved.select("educator_id", "to"), on="educator_id").select(
            "educator_id", "_schedule", pl.col("to").alias("lane")
        )
    finals.append(state.select("educator_id", "lane"))
    final = pl.concat(finals)
    # the credit left over: under the first rule (from the final lane first) still crediting it
    order = final.join(rules.select("rule", "from_"), how="cross").with_columns(
        (pl.when(pl.col("from_") == pl.col("lane")).then(0).otherwise(1) * n_rules + pl.col("rule"))
        .cast(pl.Int64)
        .alias("_order")
    )
    left = (
        credit.join(order.select("educator_id", "rule", "_order"), on=["educator_id", "rule"])
        .join(consumed, on=["educator_id", "credential_id"], how="left")
        .with_columns((pl.col("amount") - pl.col("used").fill_null(0)).alias("avail"))
        .filter(pl.col("avail") > 0)
        .sort("educator_id", "credential_id", "_order")
        .unique(subset=["educator_id", "credential_id"], keep="first", maintain_order=True)
    )
    entries.append(
        left.select(
            "educator_id", "credential_id", "_row", "rule", pl.col("avail").alias("amount"), "filed"
        )
    )
    ranks.append(
        order.select(
            "educator_id", "rule", (pl.col("_order") + (n_rules + 1) * n_rules).alias("rank")
        )
    )
    rank = pl.concat(ranks).group_by("educator_id", "rule").agg(pl.col("rank").min())
    empty_moves = pl.DataFrame(
        schema={
            "educator_id": pl.String,
            "n": pl.Int64,
            "rule": pl.Int64,
            "from_lane": pl.String,
            "to_lane": pl.String,
            "when": pl.Date,
        }
    )
    # a move qualifies no earlier than the move it starts from (`salary._lanes.walk_lanes`):
    # its day is the latest of its own and every earlier move's (rows come in move order)
    return Walk(
        moves=pl.concat(moves).with_columns(pl.col("when").cum_max().over("educator_id"))
        if moves
        else empty_moves,
        entries=pl.concat(entries),
        final=final,
        rank=rank,
    )
