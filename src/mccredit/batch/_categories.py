"""Category minimums (a requirement's `categories`, e.g. the NC mix) in columns, a part of the
renewal step (`_renewal`).

The engine allocates each license's in-window credit to the categories by a least-cost
maximum flow (`ledger._allocate.allocate`): items (ledger entries, capacity = amount in the
allocation's step) link to their own categories (cost 0) and to the open ones (cost 1);
categories have their minimum as capacity. What the results table shows of it is which
categories stay short (`short_categories`) and whether all are met (`complete`). Both are
decided here without building the flow, wherever every least-cost maximum flow gives the
same answer:

* The category loads a flow can reach form a polymatroid whose rank is the maximum flow
  into a set S of categories, by max-flow/min-cut
  `h(S) = min over T ⊆ S of need(T) + cap(items with a target in S \\ T)`. Every maximum flow
  carries `V = h(all)`; all minimums are met exactly when `V` equals their sum. Over the
  maximum flows, category c's load ranges from `V - h(all \\ {c})` to `h({c})`: c is short in
  every one when `h({c}) < need(c)`, and in none when `V - h(all \\ {c}) >= need(c)`.
* When every item has one cheapest category and those loads fit, that flow is the only
  least-cost maximum flow (the allocator writes it down directly, `_unique_flow`): its loads
  say which categories are short.

A license these leave open (some category short in one optimal flow and not in another:
the engine's solver picks) is handed back. Items are aggregated per license by the set of
categories they may fill (at most 2^k sets for k categories), so a license costs a few
columns, not a graph.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl

from ._compile import ColumnarPlan
from ._steps import Collected

__all__ = ["MAX_CATEGORIES", "CATEGORY_SCHEMA", "check_categories", "decide"]

# 3^k (subset, sub-subset) pairs make h: beyond this many categories the engine allocates
MAX_CATEGORIES = 6
CATEGORY_SCHEMA: dict[str, pl.DataType] = {
    "educator_id": pl.String(),
    "_lic": pl.Int64(),
    "_cats_met": pl.Boolean(),
    "short_categories": pl.String(),
}


def _subsets(mask: int) -> list[int]:
    """Every sub-mask of `mask` (0 and `mask` included)."""
    out = [0]
    sub = mask
    while sub:
        out.append(sub)
        sub = (sub - 1) & mask
    return out


def _mask_sum(cols: dict[int, pl.Expr], hit: int) -> pl.Expr:
    """The capacity of the items whose target set meets `hit`."""
    parts = [c for m, c in cols.items() if m & hit]
    return pl.sum_horizontal(parts) if parts else pl.lit(0, pl.Int64)


def _rank(cols: dict[int, pl.Expr], need: list[int], s: int) -> pl.Expr:
    """h(S): the maximum flow into the categories of mask `s`."""
    if s == 0:
        return pl.lit(0, pl.Int64)
    terms = []
    for t in _subsets(s):
        need_t = sum(n for i, n in enumerate(need) if t >> i & 1)
        terms.append(pl.lit(need_t, pl.Int64) + _mask_sum(cols, s & ~t))
    return pl.min_horizontal(terms)


def decide(
    groups: pl.DataFrame, cats: list[str], need: list[int], order: list[str]
) -> pl.DataFrame:
    """Per license (`educator_id`, `_lic`): `_decided`, `_cats_met`, `short_categories`.

    `groups`: one row per license with `_m<mask>` (capacity of the items whose target set is
    that mask, bit i = `cats[i]`), `_l<i>` (capacity whose one cheapest category is `cats[i]`)
    and `_amb` (some item has several cheapest categories); `need[i]` is `cats[i]`'s minimum
    in the same step; `order` lists the categories as the requirement writes them (the
    engine's `short_categories` order)."""
    k = len(cats)
    full = (1 << k) - 1
    cols = {m: pl.col(f"_m{m}") for m in range(1, full + 1)}
    total = sum(need)
    v = _rank(cols, need, full)
    sat = v >= total
    always = [_rank(cols, need, 1 << i) < need[i] for i in range(k)]
    never = [(v - _rank(cols, need, full & ~(1 << i))) >= need[i] for i in range(k)]
    fits = pl.all_horizontal([pl.col(f"_l{i}") <= need[i] for i in range(k)])
    unique = ~pl.col("_amb") & fits
    determined = pl.all_horizontal([a | n for a, n in zip(always, never, strict=True)])
    short = [
        pl.when(sat)
        .then(False)
        .when(unique)
        .then(pl.col(f"_l{i}") < need[i])
        .otherwise(always[i])
        .alias(f"_s{i}")
        for i in range(k)
    ]
    out = groups.select(
        "educator_id",
        "_lic",
        (sat | unique | determined).alias("_decided"),
        sat.alias("_cats_met"),
        *short,
    )
    text = pl.concat_str(
        [pl.when(pl.col(f"_s{cats.index(c)}")).then(pl.lit(c)) for c in order],
        separator=";",
        ignore_nulls=True,
    )
    return out.select(
        "educator_id",
        "_lic",
        "_decided",
        "_cats_met",
        pl.when(text == "").then(None).otherwise(text).alias("short_categories"),
    )


def _groups(
    lines: pl.DataFrame,
    lic_r: pl.DataFrame,
    cats: list[str],
    open_cats: set[str],
    per_step: Fraction,
) -> pl.DataFrame:
    """Aggregate a requirement's in-window lines per license into `decide`'s columns."""
    k = len(cats)
    full = (1 << k) - 1
    open_mask = sum(1 << i for i, c in enumerate(cats) if c in open_cats)
    own: pl.Expr = pl.lit(0, pl.Int64)
    for i, c in enumerate(cats):
        has = pl.col("categories").list.contains(pl.lit(c)).fill_null(False)
        own = own + pl.when(has).then(pl.lit(1 << i, pl.Int64)).otherwise(0)
    to_targets = {m: m | open_mask for m in range(full + 1)}
    several = {m: bool(m & (m - 1)) for m in range(full + 1)}
    items = lines.select(
        "educator_id",
        "_lic",
        # the allocator's capacity: int(amount / step)
        ((pl.col("amount") * per_step.numerator) // per_step.denominator).alias("_cap"),
        own.alias("_own"),
    ).with_columns(
        pl.col("_own").replace_strict(to_targets, return_dtype=pl.Int64).alias("_t"),
    )
    items = items.filter((pl.col("_cap") > 0) & (pl.col("_t") > 0)).with_columns(
        pl.when(pl.col("_own") > 0).then(pl.col("_own")).otherwise(pl.col("_t")).alias("_cheap")
    )
    agg = items.group_by("educator_id", "_lic").agg(
        *[
            pl.col("_cap").filter(pl.col("_t") == m).sum().alias(f"_m{m}")
            for m in range(1, full + 1)
        ],
        *[
            pl.col("_cap").filter(pl.col("_cheap") == (1 << i)).sum().alias(f"_l{i}")
            for i in range(k)
        ],
        pl.col("_cheap").replace_strict(several, return_dtype=pl.Boolean).any().alias("_amb"),
    )
    zeros = [f"_m{m}" for m in range(1, full + 1)] + [f"_l{i}" for i in range(k)]
    return lic_r.join(agg, on=["educator_id", "_lic"], how="left").with_columns(
        *[pl.col(c).fill_null(0).cast(pl.Int64) for c in zeros],
        pl.col("_amb").fill_null(False),
    )


def check_categories(
    cp: ColumnarPlan, lic: pl.DataFrame, inw: pl.DataFrame, out: Collected
) -> pl.DataFrame:
    """`lic`: license rows with `_req`; `inw`: positive ledger lines inside each license's
    window (`educator_id`, `_lic`, `_req`, `unit`, `amount`, `categories`), cycle caps not
    binding (those educators are handed back). Returns `CATEGORY_SCHEMA` rows for the
    licenses decided here; the others are handed back."""
    plan = cp.plan
    parts: list[pl.DataFrame] = []
    for r in cp.requirements:
        if not r["categories"]:
            continue
        req = r["rule"]
        lic_r = lic.filter(pl.col("_req") == r["index"]).select("educator_id", "_lic")
        if not lic_r.height:
            continue
        cu = req.cat_unit
        cats = sorted(req.categories)
        if r["minimums"] is None or len(cats) > MAX_CATEGORIES:
            out.hand_back(lic_r.get_column("educator_id"), "categories")
            continue
        # the allocator's step: min(the unit's places, 0.01); amounts are scaled 10^scale
        step = Fraction(min(plan.rounders[cu].places, Decimal("0.01")))
        per_step = Fraction(1, 10 ** cp.rounding[cu].scale) / step
        need = [int(Fraction(req.categories[c]) / step) for c in cats]
        lines = inw.filter((pl.col("_req") == r["index"]) & (pl.col("unit") == cu))
        groups = _groups(lines, lic_r, cats, set(req.open_categories), per_step)
        got = decide(groups, cats, need, list(req.categories))
        out.hand_back(got.filter(~pl.col("_decided")).get_column("educator_id"), "categories")
        parts.append(got.filter(pl.col("_decided")).drop("_decided"))
    if not parts:
        return pl.DataFrame(schema=CATEGORY_SCHEMA)
    return pl.concat([p.cast(pl.Schema(CATEGORY_SCHEMA)) for p in parts])
