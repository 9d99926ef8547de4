"""Evaluate one chunk of typed roster rows with columnar operations.

The steps and their order are `engine/_evaluate.py`'s: gate, awards, evaluations, (stacks and
caps: detected, handed to the per-educator path when they could change anything), totals,
renewal per license, advancement. Amounts are integers scaled per unit (`Rounding.scale`).
`evaluate_vector` returns the results, warnings and ledger frames of the educators it could
evaluate and the ids of those it hands back (`fallback`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
from ..result import WarningCode, accepted_clause, code_refusal, requirements_clause
from ._columns import SCALE
from ._compile import ColumnarPlan, cycle_for
from ._warnings import message_expr

__all__ = ["VectorOut", "catalog_frames", "evaluate_vector", "facts"]

LEDGER_SCHEMA: dict[str, pl.DataType] = {
    "educator_id": pl.String(),
    "credential": pl.String(),
    "unit": pl.String(),
    "amount": pl.Int64(),
    "rule": pl.String(),
    "date": pl.Date(),
    "kind": pl.String(),
}
WARNING_SCHEMA: dict[str, pl.DataType] = {
    "educator_id": pl.String(),
    "credential": pl.String(),
    "code": pl.String(),
    "rule": pl.String(),
    "message": pl.String(),
    "table": pl.String(),
    "row": pl.Int64(),
}


@dataclass
class VectorOut:
    results: pl.DataFrame
    warnings: pl.DataFrame
    ledger: pl.DataFrame
    fallback: pl.Series  # educator ids for the per-educator path
    reasons: dict[str, int]


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


def _gate_messages(cp: ColumnarPlan) -> pl.Expr:
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
        lic = _with_cycle(lic, "_ry", as_of, "_rs", f"_rend_{y}").drop("_ry", "_rs")
    return lic


def _alternatives_met(specs: list[dict[str, Any]], got: dict[str, pl.Expr]) -> pl.Expr:
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


def _empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def evaluate_vector(
    cp: ColumnarPlan,
    edu: pl.DataFrame,
    cred: pl.DataFrame,
    evals: pl.DataFrame,
    frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> VectorOut:
    plan = cp.plan
    as_of = plan.as_of
    f = facts(cp, cred, frames)
    ok = pl.col("_gate").is_null()
    warn_parts: list[pl.DataFrame] = []
    wcols = ["educator_id", "credential", "code", "rule", "message", "table", "row"]
    gated = f.filter(~ok)
    if gated.height:
        warn_parts.append(
            gated.select(
                "educator_id",
                pl.col("credential_id").alias("credential"),
                pl.col("_gate").alias("code"),
                pl.lit(None, pl.String).alias("rule"),
                _gate_messages(cp).alias("message"),
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
        rule = cap["rule"]
        e = cap["when"]
        if rule.category is not None:
            e = e & pl.col("categories").list.contains(pl.lit(rule.category))
        masks.append(e.alias(f"_c{k}"))
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
        "_code_unknown",
    ]
    with_cats = any(r["minimums"] for r in cp.requirements)
    if with_cats:
        narrow.append("categories")
    cat_col = [pl.col("categories")] if with_cats else []
    f = f.select(*narrow, *masks, ok.alias("_ok")).filter(pl.col("_ok")).drop("_ok")
    matched = reduce(
        lambda a, b: a | b, [pl.col(f"_m{i}") for i in range(len(cp.awards))], pl.lit(False)
    )
    f = f.with_columns(matched.alias("_matched"))
    led_parts: list[pl.DataFrame] = []
    for i, op in enumerate(cp.awards):
        rule = op.ca.rule
        sel = f.filter(pl.col(f"_m{i}"))
        if not sel.height:
            continue
        has = pl.lit(True) if op.measure is None else pl.col(op.measure).is_not_null()
        miss = sel.filter(~has)
        if miss.height:
            per = rule.per.replace("_", " ")
            warn_parts.append(
                miss.select(
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
            )
        got = sel.filter(has)
        caps_here = [
            pl.col(c)
            & pl.lit(
                cap["rule"].unit == rule.unit
                and (cap["rule"].rules is None or rule.id in cap["rule"].rules)
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
                *cat_col,
                *caps_here,
            )
        )
    unmatched = f.filter(~pl.col("_matched"))
    if unmatched.height:
        j = plan.jurisdiction
        warn_parts.append(
            unmatched.select(
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
        )
    # evaluations: a school year ending after as_of does not count (a warning says so)
    if evals.height:
        late = evals.filter(pl.date(pl.col("year"), 6, 30) > pl.lit(as_of))
        if late.height:
            warn_parts.append(
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
        else _empty(led_schema)
    )
    fallback: list[pl.Series] = []
    reasons: dict[str, int] = {}

    def hand_back(ids: pl.Series, why: str) -> None:
        ids = ids.unique()
        if ids.len():
            fallback.append(ids)
            reasons[why] = reasons.get(why, 0) + ids.len()

    # stacks that may complete: enough distinct member codes among credited credentials
    credited = f.filter(pl.col("_matched"))
    # credited on the issuer's acceptance with a code not in the catalog: the ledger line
    # names that basis, which the per-educator path writes
    hand_back(
        credited.filter(pl.col("_code_unknown")).get_column("educator_id"),
        "code_not_in_catalog",
    )
    for cs in plan.stacks:
        hit = credited.filter(pl.col("code").is_in(sorted(cs.members)))
        if cs.issuer is not None:
            hit = hit.filter(pl.col("issuer") == cs.issuer)
        n = hit.group_by("educator_id").agg(pl.col("code").n_unique().alias("n"))
        hand_back(n.filter(pl.col("n") >= cs.need).get_column("educator_id"), "stack")
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
        hand_back(s.filter(pl.col("amount") > limit).get_column("educator_id"), "cap")
    # totals
    units = cp.units
    totals = (
        ledger.group_by("educator_id", "unit")
        .agg(pl.col("amount").sum())
        .pivot(on="unit", index="educator_id", values="amount")
    )
    for u in units:
        if u not in totals.columns:
            totals = totals.with_columns(pl.lit(None, pl.Int64).alias(u))
    totals = totals.select(
        "educator_id", *[pl.col(u).fill_null(0).cast(pl.Int64).alias(f"total_{u}") for u in units]
    )
    # licenses and requirements
    lic = edu.filter(pl.col("license_type").is_not_null())
    lic = lic.with_columns(
        pl.int_range(pl.len()).over("educator_id", order_by="_row").alias("_lic")
    )
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
    lic = _with_cycle(lic, "_years", as_of, "cycle_start", "cycle_end")
    # category minimums the engine would allocate, unless proven met below
    hard = [r["index"] for r in cp.requirements if r["categories"] and r["minimums"] is None]
    if hard:
        hand_back(lic.filter(pl.col("_req").is_in(hard)).get_column("educator_id"), "categories")
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
            hand_back(s.filter(pl.col("amount") > limit).get_column("educator_id"), "cap")
    # Category minimums: give each credit entry wholly to one category it may fill (its own
    # first, in sorted order, else an open category). When that assignment meets every
    # minimum, a maximum flow saturates them all too, so the engine's allocation (whichever
    # flow it picks) leaves no category short; otherwise the engine allocates.
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
        hand_back(short.get_column("educator_id"), "categories")
    earned = inw.group_by("educator_id", "_lic", "unit").agg(pl.col("amount").sum())
    earned = earned.with_columns(pl.format("_e_{}", pl.col("unit")).alias("unit")).pivot(
        on="unit", index=["educator_id", "_lic"], values="amount"
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
        pl.lit(True),
    )
    # another way to renew (`alternatives`) completes the license when the credit does not
    alt_met: pl.Expr = pl.lit(False)
    for r in cp.requirements:
        if r["alternatives"]:
            in_window = {u: pl.col(f"_e_{u}").fill_null(0) for u in units}
            alt_met = (
                pl.when(pl.col("_req") == r["index"])
                .then(_alternatives_met(r["alternatives"], in_window))
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
        hand_back(
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
        pl.lit(None, pl.String).alias("short_categories"),
    )
    # no requirement for a license type nobody advances from
    adv_from = sorted({t for a in plan.advancement for t in a.from_})
    noreq = lic.filter(~has_req & ~pl.col("license_type").is_in(adv_from))
    if noreq.height:
        warn_parts.append(
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
    lic = lic.drop(c for c in lic.columns if c.startswith("_rend_"))
    adv, adv_back = _advancement(cp, edu, lic, pos, evals)
    hand_back(adv_back, "alternatives")
    # one row per license (or per educator without one)
    people = edu.group_by("educator_id", maintain_order=True).first()
    rows = people.select("educator_id").join(
        lic.sort("educator_id", "license_issued", "license_type", "_lic"),
        on="educator_id",
        how="left",
        maintain_order="left",
    )
    rows = rows.join(totals, on="educator_id", how="left").join(adv, on="educator_id", how="left")
    rows = rows.with_columns(
        [pl.col(f"total_{u}").fill_null(0) for u in units]
        + [pl.col("advance_tiers").fill_null(""), pl.col("advance_eligible").fill_null("")]
    )
    warnings = (
        pl.concat([w.select(wcols).cast(pl.Schema(WARNING_SCHEMA)) for w in warn_parts])
        if warn_parts
        else _empty(WARNING_SCHEMA)
    )
    nwarn = warnings.group_by("educator_id").agg(pl.len().cast(pl.Int64).alias("warnings"))
    rows = rows.join(nwarn, on="educator_id", how="left").with_columns(
        pl.col("warnings").fill_null(0)
    )
    fb = pl.concat(fallback).unique() if fallback else pl.Series("educator_id", [], dtype=pl.String)
    return VectorOut(
        results=rows,
        warnings=warnings,
        ledger=ledger.select(list(LEDGER_SCHEMA)),
        fallback=fb,
        reasons=reasons,
    )


def _with_cycle(
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


def _advancement(
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
        h = _with_cycle(h, "_y5", cp.plan.as_of, "_as", "_ae")
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
            credit = credit | _alternatives_met(
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
