"""Credentials as matchers see them (the engine's `Facts`): catalog lookups, own and catalog
categories, stacks, the issuer/catalog gate, nothing earned after as_of, duplicates; and the
gate's warning messages. The first columnar step (`_vector`)."""

from __future__ import annotations

import polars as pl

from ..result import WarningCode, accepted_clause, code_refusal
from ._columns import SCALE
from ._compile import ColumnarPlan
from ._warnings import message_expr

__all__ = ["catalog_frames", "facts", "gate_messages"]


def catalog_frames(cp: ColumnarPlan) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    j = cp.plan.jurisdiction
    cat = pl.DataFrame(
        {
            "issuer": [k[0] for k in j.catalog],
            "code": [k[1] for k in j.catalog],
            "_cat_categories": [list(e.categories) for e in j.catalog.values()],
            "_cat_hours": [
                None if e.contact_hours is None else int(e.contact_hours * SCALE)
                for e in j.catalog.values()
            ],
            "in_catalog": [True] * len(j.catalog),
        },
        schema={
            "issuer": pl.String,
            "code": pl.String,
            "_cat_categories": pl.List(pl.String),
            "_cat_hours": pl.Int64,
            "in_catalog": pl.Boolean,
        },
    )
    codes = (
        pl.DataFrame(
            [(i, c) for i, cs in j.catalog_codes_by_issuer.items() for c in cs],
            schema={"issuer": pl.String, "code": pl.String},
            orient="row",
        )
        .unique()
        .with_columns(pl.lit(True).alias("_code_known"))
    )
    stacks: dict[str, list[str]] = {}
    for s in j.catalog_stacks.values():
        for m in s.members:
            stacks.setdefault(m, [])
            if s.id not in stacks[m]:
                stacks[m].append(s.id)
    # Facts.stack lists stack ids in catalog order for each code
    order = list(j.catalog_stacks)
    st = pl.DataFrame(
        {"code": list(stacks), "stack": [sorted(v, key=order.index) for v in stacks.values()]},
        schema={"code": pl.String, "stack": pl.List(pl.String)},
    )
    return cat, codes, st


def facts(
    cp: ColumnarPlan, cred: pl.DataFrame, frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]
) -> pl.DataFrame:
    """Credentials as matchers see them (`engine._evaluate.Facts`), plus `_gate`."""
    j = cp.plan.jurisdiction
    cat, codes, st = frames
    issuers_with_codes = [i for i, cs in j.catalog_codes_by_issuer.items() if cs]
    need = cp.credential_fields
    lookup = cat.join(codes, on=["issuer", "code"], how="full", coalesce=True)
    # only credentials with a code can be in a catalog: look those up by key columns alone
    # and scatter the few looked-up columns into place (the wide frame is never copied)
    cred = cred.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("_pos"))
    coded = pl.col("code").is_not_null() & pl.col("issuer").is_not_null()
    found = (
        cred.select("_pos", "issuer", "code")
        .filter(coded)
        .join(lookup, on=["issuer", "code"], how="inner")
    )
    pos = found.get_column("_pos")
    scattered = []
    for name in ("_cat_hours", "in_catalog", "_code_known"):
        col = found.get_column(name)
        full = pl.repeat(None, cred.height, dtype=col.dtype, eager=True).alias(name)
        if pos.len():
            full = full.scatter(pos, col)
        scattered.append(full)
    df = cred.with_columns(scattered)
    if "categories" in need:
        df = df.join(
            found.select("_pos", "_cat_categories"), on="_pos", how="left", maintain_order="left"
        )
    else:
        df = df.with_columns(pl.lit(None, pl.List(pl.String)).alias("_cat_categories"))
    if "stack" in need:
        df = df.join(st, on="code", how="left", nulls_equal=False)
    else:
        df = df.with_columns(pl.lit(None, pl.List(pl.String)).alias("stack"))
    if "categories" in need:
        # own categories, then the catalog entry's not already there (Facts.categories)
        inc = pl.col("_cat_categories").is_not_null()
        extra = df.filter(inc).with_columns(
            pl.concat_list(
                "categories", pl.col("_cat_categories").list.set_difference(pl.col("categories"))
            ).alias("categories")
        )
        df = pl.concat([df.filter(~inc), extra]).sort("_row")
    df = df.with_columns(
        pl.coalesce("contact_hours", "_cat_hours").alias("hours"),
        pl.col("in_catalog").fill_null(False),
        (pl.col("issuer").is_not_null() & pl.col("issuer").is_in(sorted(j.accepted_issuers))).alias(
            "accepted"
        ),
        pl.col("stack").fill_null(pl.lit([], pl.List(pl.String))),
        pl.col("_code_known").fill_null(False),
    )
    is_mc = pl.col("kind") == "micro_credential"
    gate = (
        pl.when(is_mc & pl.col("issuer").is_null())
        .then(pl.lit(WarningCode.ISSUER_MISSING.value))
        .when(is_mc & ~pl.col("accepted"))
        .then(pl.lit(WarningCode.ISSUER_NOT_ACCEPTED.value))
    )
    unknown = (
        is_mc
        & pl.col("code").is_not_null()
        & pl.col("issuer").is_in(issuers_with_codes)
        & ~pl.col("_code_known")
    )
    refused = sorted(issuers_with_codes) if j.strict_codes else sorted(j.complete_code_issuers)
    if refused:
        gate = gate.when(unknown & pl.col("issuer").is_in(refused)).then(
            pl.lit(WarningCode.CODE_NOT_IN_CATALOG.value)
        )
    df = df.with_columns(unknown.alias("_code_unknown"))
    # nothing earned after as_of counts (after the issuer gate, before the duplicate check)
    gate = gate.when(pl.col("earned") > pl.lit(cp.plan.as_of)).then(
        pl.lit(WarningCode.EARNED_AFTER_AS_OF.value)
    )
    df = df.with_columns(gate.otherwise(None).alias("_gate")).drop(
        "_cat_categories", "_cat_hours", "_code_known"
    )
    # a micro-credential (issuer, code) earned twice counts once: the first by (earned, id)
    cand = pl.col("_gate").is_null() & is_mc & pl.col("code").is_not_null()
    key = ["educator_id", "issuer", "code"]
    ordered = (
        df.select(*key, "credential_id", "earned", "_pos", cand.alias("_cand"))
        .filter(pl.col("_cand"))
        .filter(pl.struct(key).is_duplicated())
        .sort(*key, "earned", "credential_id")
        .with_columns(pl.struct(key).is_first_distinct().alias("_first"))
    )
    dup = ordered.filter(~pl.col("_first"))
    if dup.height:
        firsts = ordered.filter(pl.col("_first")).select(
            *key, pl.col("credential_id").alias("_first_id")
        )
        dup = dup.join(firsts, on=key)
        dpos = dup.get_column("_pos")
        first_id = (
            pl.repeat(None, df.height, dtype=pl.String, eager=True)
            .alias("_first_id")
            .scatter(dpos, dup.get_column("_first_id"))
        )
        gate_s = (
            df.get_column("_gate").clone().scatter(dpos, WarningCode.DUPLICATE_CREDENTIAL.value)
        )
        return df.with_columns(gate_s, first_id).drop("_pos")
    return df.with_columns(pl.lit(None, pl.String).alias("_first_id")).drop("_pos")


def gate_messages(cp: ColumnarPlan) -> pl.Expr:
    j = cp.plan.jurisdiction
    g = pl.col("_gate")
    cred = pl.col("credential_id")
    return (
        pl.when(g == WarningCode.DUPLICATE_CREDENTIAL.value)
        .then(
            message_expr(
                WarningCode.DUPLICATE_CREDENTIAL,
                code=pl.col("code"),
                issuer=pl.col("issuer"),
                first=pl.col("_first_id"),
            )
        )
        .when(g == WarningCode.EARNED_AFTER_AS_OF.value)
        .then(
            message_expr(
                WarningCode.EARNED_AFTER_AS_OF,
                subject=pl.format("credential '{}' was earned", cred),
                day=pl.col("earned").dt.strftime("%Y-%m-%d"),
                as_of=cp.plan.as_of,
            )
        )
        .when(g == WarningCode.ISSUER_MISSING.value)
        .then(
            message_expr(
                WarningCode.ISSUER_MISSING,
                credential=cred,
                jurisdiction=j.id,
                accepted=", ".join(sorted(j.accepted_issuers)),
            )
        )
        .when(g == WarningCode.ISSUER_NOT_ACCEPTED.value)
        .then(
            message_expr(
                WarningCode.ISSUER_NOT_ACCEPTED,
                issuer=pl.col("issuer"),
                jurisdiction=j.id,
                accepted=accepted_clause(j.accepted_issuers),
            )
        )
        .otherwise(
            message_expr(
                WarningCode.CODE_NOT_IN_CATALOG,
                code=pl.col("code"),
                catalog=pl.col("issuer").replace_strict(
                    j.issuer_names, default=pl.col("issuer"), return_dtype=pl.String
                ),
                why=code_refusal(j.id, j.strict_codes),
            )
        )
    )
