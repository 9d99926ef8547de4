"""Credit: ledger lines from awards and evaluations, the warnings of credentials that earn
nothing (gated, a measure missing, no rule; evaluations after as_of), the educators whose
stacks may complete or whose caps bind (handed back: the engine applies those), and the totals
per unit. The engine's `build_ledger` step, in columns (`_vector` calls it after `_facts`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import polars as pl

from ..result import WarningCode
from ._compile import ColumnarPlan
from ._facts import gate_messages
from ._steps import LEDGER_SCHEMA, Collected, empty
from ._warnings import message_expr

__all__ = ["Credits", "credits"]


@dataclass
class Credits:
    ledger: pl.DataFrame  # LEDGER_SCHEMA, plus `categories` (when minimums need them) and caps
    cap_cols: list[str]  # the ledger's boolean column per cap of `cp.caps`: the cap may apply
    totals: pl.DataFrame  # educator_id, total_<unit> (scaled)
    evals: pl.DataFrame  # the evaluations whose school year ends by as_of


def credits(cp: ColumnarPlan, f: pl.DataFrame, evals: pl.DataFrame, out: Collected) -> Credits:
    """`f`: the facts (`_facts.facts`); warnings and hand-backs go to `out`."""
    plan = cp.plan
    as_of = plan.as_of
    ok = pl.col("_gate").is_null()
    gated = f.filter(~ok)
    if gated.height:
        out.warn(
            gated.select(
                "educator_id",
                pl.col("credential_id").alias("credential"),
                pl.col("_gate").alias("code"),
                pl.lit(None, pl.String).alias("rule"),
                gate_messages(cp).alias("message"),
                pl.lit("credentials").alias("table"),
                pl.col("_row").alias("row"),
            )
        )
    # awards: one pass evaluates every matcher, then only the narrow columns travel on
    masks = []
    for i, op in enumerate(cp.awards):
        masks.append((pl.col("kind").is_in(list(op.kinds)) & op.when).alias(f"_m{i}"))
    cap_cols: list[str] = []
    for k, cap in enumerate(cp.caps):
        masks.append(cap["when"].alias(f"_c{k}"))
        cap_cols.append(f"_c{k}")
    narrow = [
        "educator_id",
        "credential_id",
        "kind",
        "code",
        "issuer",
        "earned",
        "_row",
        "audited",
        "hours",
        "semester_credits",
        "ceus",
    ]
    with_cats = any(r["minimums"] for r in cp.requirements)
    if with_cats or any(cap["rule"].category is not None for cap in cp.caps):
        narrow.append("categories")
    # the credited rows (`_ok`: not gated) are not copied out of the frame: each part below
    # is a lazy filter and select, which reads only the columns it needs
    f = f.select(*narrow, *masks, ok.alias("_ok"))
    matched = reduce(
        lambda a, b: a | b, [pl.col(f"_m{i}") for i in range(len(cp.awards))], pl.lit(False)
    )
    f = f.with_columns(matched.alias("_matched"))
    okc = pl.col("_ok")
    has_of = [
        pl.lit(True) if op.measure is None else pl.col(op.measure).is_not_null() for op in cp.awards
    ]
    counts = f.select(
        *[(okc & pl.col(f"_m{i}")).sum().alias(f"_n{i}") for i in range(len(cp.awards))],
        *[(okc & pl.col(f"_m{i}") & ~has).sum().alias(f"_x{i}") for i, has in enumerate(has_of)],
        (okc & ~pl.col("_matched")).sum().alias("_unmatched"),
    ).row(0, named=True)
    lf = f.lazy()
    led_parts: list[pl.DataFrame] = []
    for i, op in enumerate(cp.awards):
        rule = op.ca.rule
        if not counts[f"_n{i}"]:
            continue
        sel = lf.filter(okc & pl.col(f"_m{i}"))
        has = has_of[i]
        if counts[f"_x{i}"]:
            per = rule.per.replace("_", " ")
            out.warn(
                sel.filter(~has)
                .select(
                    "educator_id",
                    pl.col("credential_id").alias("credential"),
                    pl.lit(WarningCode.MEASURE_MISSING.value).alias("code"),
                    pl.lit(rule.id).alias("rule"),
                    message_expr(
                        WarningCode.MEASURE_MISSING,
                        rule=rule.id,
                        measure=per,
                        credential=pl.col("credential_id"),
                        per=rule.per,
                    ).alias("message"),
                    pl.lit("credentials").alias("table"),
                    pl.col("_row").alias("row"),
                )
                .collect()
            )
        got = sel.filter(has)
        caps_here = [
            (
                pl.col(c)
                & pl.lit(
                    cap["rule"].unit == rule.unit
                    and (cap["rule"].rules is None or rule.id in cap["rule"].rules)
                )
                & _in_category(cap["rule"].category, rule.categories)
            ).alias(c)
            for c, cap in zip(cap_cols, cp.caps, strict=True)
        ]
        led_parts.append(
            got.select(
                "educator_id",
                pl.col("credential_id").alias("credential"),
                pl.lit(rule.unit).alias("unit"),
                op.amount().alias("amount"),
                pl.lit(rule.id).alias("rule"),
                pl.col("earned").alias("date"),
                pl.lit("award").alias("kind"),
                # the entry's categories: the rule's where it names some, else the
                # credential's (the engine's `_award`)
                *(
                    []
                    if not with_cats
                    else [pl.col("categories")]
                    if rule.categories is None
                    else [pl.lit(list(rule.categories), pl.List(pl.String)).alias("categories")]
                ),
                *caps_here,
            ).collect()
        )
    if counts["_unmatched"]:
        j = plan.jurisdiction
        out.warn(
            lf.filter(okc & ~pl.col("_matched"))
            .select(
                "educator_id",
                pl.col("credential_id").alias("credential"),
                pl.lit(WarningCode.NO_RULE.value).alias("code"),
                pl.lit(None, pl.String).alias("rule"),
                message_expr(
                    WarningCode.NO_RULE,
                    jurisdiction=j.id,
                    as_of=as_of,
                    kind=pl.col("kind").str.replace_all("_", " "),
                    credential=pl.col("credential_id"),
                ).alias("message"),
                pl.lit("credentials").alias("table"),
                pl.col("_row").alias("row"),
            )
            .collect()
        )
    # evaluations: a school year ending after as_of does not count (a warning says so)
    if evals.height:
        late = evals.filter(pl.date(pl.col("year"), 6, 30) > pl.lit(as_of))
        if late.height:
            out.warn(
                late.sort("educator_id", "year").select(
                    "educator_id",
                    pl.format("evaluation:{}", pl.col("year")).alias("credential"),
                    pl.lit(WarningCode.EARNED_AFTER_AS_OF.value).alias("code"),
                    pl.lit(None, pl.String).alias("rule"),
                    message_expr(
                        WarningCode.EARNED_AFTER_AS_OF,
                        subject=pl.format(
                            "the evaluation for school year {}-{} ends",
                            pl.col("year") - 1,
                            (pl.col("year") % 100).cast(pl.String).str.zfill(2),
                        ),
                        day=pl.format("{}-06-30", pl.col("year")),
                        as_of=as_of,
                    ).alias("message"),
                    pl.lit("evaluations").alias("table"),
                    pl.col("_row").alias("row")
                    if "_row" in evals.columns
                    else pl.lit(None, pl.Int64).alias("row"),
                )
            )
            evals = evals.filter(pl.date(pl.col("year"), 6, 30) <= pl.lit(as_of))
    for ca, table in cp.evaluation:
        if not evals.height or not table:
            continue
        tab = pl.DataFrame(
            {"score": list(table), "amount": list(table.values())},
            schema={"score": pl.Int64, "amount": pl.Int64},
        )
        ev = evals.join(tab, on="score", how="inner")
        caps_here = [
            pl.lit(
                cap["rule"].unit == ca.rule.unit
                and cap["rule"].category is None
                and cap["rule"].when.op == "true"
                and (cap["rule"].rules is None or ca.rule.id in cap["rule"].rules)
            ).alias(c)
            for c, cap in zip(cap_cols, cp.caps, strict=True)
        ]
        led_parts.append(
            ev.select(
                "educator_id",
                pl.format("evaluation:{}", pl.col("year")).alias("credential"),
                pl.lit(ca.rule.unit).alias("unit"),
                pl.col("amount"),
                pl.lit(ca.rule.id).alias("rule"),
                pl.date(pl.col("year"), 6, 30).alias("date"),
                pl.lit("evaluation").alias("kind"),
                *([pl.lit([], pl.List(pl.String)).alias("categories")] if with_cats else []),
                *caps_here,
            )
        )
    led_schema: dict[str, pl.DataType] = {
        **LEDGER_SCHEMA,
        **({"categories": pl.List(pl.String())} if with_cats else {}),
        **dict.fromkeys(cap_cols, pl.Boolean()),
    }
    ledger = (
        pl.concat([p.cast(pl.Schema(led_schema)) for p in led_parts])
        if led_parts
        else empty(led_schema)
    )
    # stacks that may complete: enough distinct member codes among credited credentials
    credited = lf.filter(okc & pl.col("_matched"))
    # (credited on the issuer's acceptance with a code not in the catalog: only the ledger
    # line's basis says so, which the batch ledger does not carry)
    for cs in plan.stacks:
        hit = credited.filter(pl.col("code").is_in(sorted(cs.members)))
        if cs.issuer is not None:
            hit = hit.filter(pl.col("issuer") == cs.issuer)
        n = hit.group_by("educator_id").agg(pl.col("code").n_unique().alias("n"))
        out.hand_back(n.filter(pl.col("n") >= cs.need).collect().get_column("educator_id"), "stack")
    # credential and career caps that bind
    for c, cap in zip(cap_cols, cp.caps, strict=True):
        rule = cap["rule"]
        if rule.scope == "cycle":
            continue
        assert rule.max is not None
        limit = int(rule.max * 10 ** cp.rounding[rule.unit].scale)  # floor
        hits = ledger.filter(pl.col(c))
        if rule.since is not None:
            hits = hits.filter(pl.col("date") >= rule.since)
        keys = ["educator_id"] + (["credential"] if rule.scope == "credential" else [])
        s = hits.group_by(keys).agg(pl.col("amount").sum())
        out.hand_back(s.filter(pl.col("amount") > limit).get_column("educator_id"), "cap")
    # totals
    units = cp.units
    # one aggregation with a sum per unit (0 for a unit without lines), not a pivot: the
    # amounts of other units zeroed first, so each sum is a plain (fast-path) aggregation
    totals = (
        ledger.select(
            "educator_id",
            *[
                pl.when(pl.col("unit") == u).then(pl.col("amount")).otherwise(0).alias(f"total_{u}")
                for u in units
            ],
        )
        .group_by("educator_id")
        .agg([pl.col(f"total_{u}").sum().cast(pl.Int64) for u in units])
    )
    return Credits(ledger=ledger, cap_cols=cap_cols, totals=totals, evals=evals)


def _in_category(category: str | None, rule_categories: list[str] | None) -> pl.Expr:
    """Whether a cap on `category` may apply to an award's entry: the entry's categories are
    the rule's where it names some, else the credential's (the engine's `_cap_matches`)."""
    if category is None:
        return pl.lit(True)
    if rule_categories is not None:
        return pl.lit(category in rule_categories)
    return pl.col("categories").list.contains(pl.lit(category)).fill_null(False)
