"""Salary credit and lane moves in columns: the salary plan's lane rules compiled into polars
expressions (matchers through `matcher_expr`, the credential field table the award path
uses), each credential's credit toward each rule (`mccredit.salary._credit`'s clauses), and
the lane walk of `mccredit.salary._lanes` run for every educator of a chunk at once, one lane
step per round.

Credit is an exact integer in units of 1/`den` (`den` = 10^4 × the least common denominator
of the rates), so sums and thresholds equal the engine's `Decimal` ones.

What the columns do not run (`SalaryColumns.fallback_features`): pooled hours
(`hours_per_credit`), annual caps (`max_per_year`), credit expiry (`expires_after_years`),
category minimums on a lane, `step_on_move: advance` and a lane rule naming a lane the
educator's schedule lacks: an educator whose credit meets one of those is handed to the
engine (`evaluate_plan`), with the feature as the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce

import polars as pl

from ..result import WarningCode, placeholders
from ..rules._models import BaseIncreaseRule, LaneCredit, LaneRule
from ..salary import SalaryPlan
from ..salary._lanes import not_before
from ._columns import SCALE
from ._compile import ColumnarPlan, Unsupported, matcher_expr
from ._warnings import message_expr

__all__ = ["IncreaseCol", "RuleCol", "SalaryColumns", "SpecCol", "credit_rows", "salary_columns"]

_MEASURE = {"credential": None, "contact_hours": "hours", "semester_credits": "semester_credits"}


@dataclass(frozen=True)
class SpecCol:
    """One credit spec of a lane rule: its matcher as an expression, the measure column
    (None: 1 per credential) and its rate in credit units per scaled measure unit."""

    spec: LaneCredit
    mask: pl.Expr
    measure: str | None
    rate: int | None  # None: no rate in force on as_of (the spec credits nothing)
    feature: str | None  # a clause the columns do not run


@dataclass(frozen=True)
class RuleCol:
    index: int
    rule: LaneRule
    requires: int  # in credit units
    specs: tuple[SpecCol, ...]
    feature: str | None


@dataclass(frozen=True)
class IncreaseCol:
    rule: BaseIncreaseRule
    amount: int  # cents, money(amount)
    mask: pl.Expr
    feature: str | None


@dataclass(frozen=True)
class SalaryColumns:
    sp: SalaryPlan
    den: int
    rules: tuple[RuleCol, ...]
    increases: tuple[IncreaseCol, ...]
    reason: str | None = None


def _spec(sp: SalaryPlan, rule: LaneRule, k: int, spec: LaneCredit, lcm: int) -> SpecCol:
    rate = sp.lane_rates.get((rule.id, k))
    units = None
    if rate is not None:
        f = Fraction(rate) * lcm
        if f.denominator != 1 or f < 0:
            raise Unsupported(f"{rule.id}: rate {rate}")
        units = int(f)
    kinds = spec.when.kinds
    mask = matcher_expr(spec.when, "credential")
    if kinds is not None:
        mask = pl.col("kind").is_in(sorted(kinds)) & mask
    feature = None
    if spec.hours_per_credit is not None:
        feature = "salary: pooled hours (hours_per_credit)"
    elif spec.max_per_year is not None:
        feature = "salary: annual cap (max_per_year)"
    elif spec.expires_after_years is not None:
        feature = "salary: credit expiry (expires_after_years)"
    measure = _MEASURE.get(spec.per, spec.per)
    return SpecCol(spec, mask, measure, units, feature)


def compile_salary(sp: SalaryPlan) -> SalaryColumns:
    dens = [Fraction(r).denominator for (rid, _k), r in sp.lane_rates.items() if r is not None] or [
        1
    ]
    lcm = reduce(math.lcm, dens, 1)
    den = SCALE * lcm
    top = max((abs(Fraction(r)) * lcm for r in sp.lane_rates.values()), default=Fraction(0))
    # the largest measure a roster allows is 10^12 (scaled 10^16): stay inside 64 bits
    if top * 10**16 >= 2**62:
        raise Unsupported("salary: a lane credit rate too large for 64-bit credit")
    rules: list[RuleCol] = []
    for i, rule in enumerate(sp.lanes):
        need = Fraction(rule.requires) * den
        if need.denominator != 1:
            raise Unsupported(f"{rule.id}: requires {rule.requires} is finer than the credit")
        specs = tuple(_spec(sp, rule, k, s, lcm) for k, s in enumerate(rule.credit))
        feature = None
        if rule.category_minimums:
            feature = "salary: category minimums on a lane"
        elif rule.step_on_move == "advance":
            feature = "salary: step_on_move advance"
        rules.append(RuleCol(i, rule, int(need), specs, feature))
    incs: list[IncreaseCol] = []
    for b, amount in sp.base_increases:
        cents = Fraction(amount) * 100
        feature = "salary: base increase total (max_total)" if b.max_total is not None else None
        if cents.denominator != 1:
            feature = "salary: base increase finer than a cent"
        mask = matcher_expr(b.when, "credential")
        incs.append(IncreaseCol(b, math.floor(cents), mask, feature))
    return SalaryColumns(sp, den, tuple(rules), tuple(incs))


def salary_columns(cp: ColumnarPlan) -> SalaryColumns | None:
    """The plan's salary rules in columns (compiled on first use and kept on the plan)."""
    sp = cp.plan.salary
    if sp is None:
        return None
    got: SalaryColumns | None = cp.__dict__.get("_salary_columns")
    if got is None:
        try:
            got = compile_salary(sp)
        except Unsupported as e:
            got = SalaryColumns(sp, SCALE, (), (), reason=f"salary: {e}")
        cp.__dict__["_salary_columns"] = got
    return got


@dataclass
class CreditRows:
    credit: pl.DataFrame  # educator_id, credential_id, _row, earned, filed, rule, amount
    claimed: pl.DataFrame  # educator_id, credential_id: matched by a salary rule
    warnings: list[pl.DataFrame]
    back: pl.DataFrame  # educator_id, why
    pam: pl.DataFrame  # prior approval refusals: educator_id, credential_id, _row, rule, found
    filed: pl.DataFrame  # educator_id, credential_id, _row, earned, filed, increase masks


def _warn_rows(
    df: pl.DataFrame, code: WarningCode, rule_id: str | None, **params: object
) -> pl.DataFrame:
    """Warnings about the credential of each row of `df` (`rule_id` fills `{rule}` too)."""
    if "rule" in placeholders(code):
        params["rule"] = rule_id
    return df.select(
        "educator_id",
        pl.col("credential_id").alias("credential"),
        pl.lit(code.value).alias("code"),
        pl.lit(rule_id, pl.String).alias("rule"),
        message_expr(code, **params).alias("message"),
        pl.lit("credentials").alias("table"),
        pl.col("_row").alias("row"),
    )


def credit_rows(sc: SalaryColumns, f: pl.DataFrame, placed: pl.DataFrame) -> CreditRows:
    """Each credential's credit toward each lane rule. `f`: the credited facts (past the
    gate); `placed`: educator_id, salary_since of the educators with a placement."""
    sp = sc.sp
    assert sp.settings is not None
    as_of = sp.as_of
    f = f.join(placed.select("educator_id", "salary_since"), on="educator_id", how="inner")
    masks: list[pl.Expr] = []
    for r in sc.rules:
        for k, s in enumerate(r.specs):
            masks.append(s.mask.fill_null(False).alias(f"_s{r.index}_{k}"))
    for b, inc in enumerate(sc.increases):
        masks.append(inc.mask.fill_null(False).alias(f"_b{b}"))
    keep = ["educator_id", "credential_id", "_row", "earned", "submitted", "salary_since"]
    keep += ["approved"] if "approved" in f.columns else []
    keep += [c for c in ("hours", "semester_credits", "ceus") if c in f.columns]
    f = f.select(*keep, *masks)
    if "approved" not in f.columns:
        f = f.with_columns(pl.lit(None, pl.Date).alias("approved"))
    spec_cols = [f"_s{r.index}_{k}" for r in sc.rules for k in range(len(r.specs))]
    inc_cols = [f"_b{b}" for b in range(len(sc.increases))]
    any_col = reduce(lambda a, b: a | b, [pl.col(c) for c in spec_cols + inc_cols], pl.lit(False))
    f = f.filter(any_col)
    claimed = f.select("educator_id", "credential_id")
    if sp.settings.missing_submitted == "not_filed":
        filed = pl.col("submitted")
    else:
        filed = pl.coalesce("submitted", "earned")
    f = f.with_columns(filed.alias("filed"))
    warnings: list[pl.DataFrame] = []
    backs: list[pl.DataFrame] = []
    parts: list[pl.DataFrame] = []
    pams: list[pl.DataFrame] = []
    # per rule, the first spec that matches with a measure and a rate credits the credential
    chosen_cols: list[pl.Expr] = []
    for r in sc.rules:
        chosen: pl.Expr = pl.lit(None, pl.Int64)
        for k in reversed(range(len(r.specs))):
            s = r.specs[k]
            has = pl.col(f"_s{r.index}_{k}")
            if s.measure is not None:
                has = has & pl.col(s.measure).is_not_null()
            if s.rate is None:
                has = pl.lit(False)
            chosen = pl.when(has).then(pl.lit(k, pl.Int64)).otherwise(chosen)
        chosen_cols.append(chosen.alias(f"_k{r.index}"))
    f = f.with_columns(chosen_cols)
    reached = [pl.col(c) for c in inc_cols] + [
        pl.col(f"_k{r.index}").is_not_null() for r in sc.rules
    ]
    for r in sc.rules:
        g = f.with_columns(pl.col(f"_k{r.index}").alias("_k")).filter(pl.col("_k").is_not_null())
        if not g.height:
            continue
        ok = pl.col("filed").is_not_null() & (pl.col("filed") <= pl.lit(as_of))
        ok = ok & (pl.col("salary_since").is_null() | (pl.col("filed") > pl.col("salary_since")))
        g = g.filter(ok)
        days = (pl.col("filed") - pl.col("earned")).dt.total_days()
        limit = r.rule.evidence_within_days
        if limit is not None:
            late = g.filter(days > limit)
            if late.height:
                warnings.append(
                    _warn_rows(
                        late,
                        WarningCode.EVIDENCE_LATE,
                        r.rule.id,
                        credential=pl.col("credential_id"),
                        days=days,
                        limit=limit,
                    )
                )
            g = g.filter(days <= limit)
        amount: pl.Expr = pl.lit(None, pl.Int64)
        approval: pl.Expr = pl.lit(False)
        feature: pl.Expr = pl.lit(r.feature, pl.String)
        for k, s in enumerate(r.specs):
            if s.rate is None:
                continue
            m = pl.lit(SCALE, pl.Int64) if s.measure is None else pl.col(s.measure)
            at = pl.col("_k") == k
            amount = pl.when(at).then(m * s.rate).otherwise(amount)
            if s.spec.prior_approval:
                approval = approval | at
            if s.feature is not None and r.feature is None:
                feature = pl.when(at).then(pl.lit(s.feature)).otherwise(feature)
        refused = approval & (
            pl.col("approved").is_null() | (pl.col("approved") > pl.col("earned"))
        )
        g = g.with_columns(refused.alias("_refused"), feature.alias("_why"))
        back = g.filter(pl.col("_why").is_not_null())
        if back.height:
            backs.append(back.select("educator_id", pl.col("_why").alias("why")))
        no = g.filter(pl.col("_refused"))
        if no.height:
            pams.append(
                no.select(
                    "educator_id",
                    "credential_id",
                    "_row",
                    pl.lit(r.index, pl.Int64).alias("rule"),
                    pl.when(pl.col("approved").is_null())
                    .then(pl.lit("no `approved` date"))
                    .otherwise(
                        pl.format(
                            "an approval dated {}, after it was earned ({})",
                            pl.col("approved"),
                            pl.col("earned"),
                        )
                    )
                    .alias("found"),
                )
            )
        g = g.filter(~pl.col("_refused")).with_columns(amount.alias("amount"))
        parts.append(
            g.filter(pl.col("amount") > 0).select(
                "educator_id",
                "credential_id",
                "_row",
                "earned",
                "filed",
                pl.lit(r.index, pl.Int64).alias("rule"),
                pl.col("amount").cast(pl.Int64),
            )
        )
    credit = (
        pl.concat(parts)
        if parts
        else pl.DataFrame(
            schema={
                "educator_id": pl.String,
                "credential_id": pl.String,
                "_row": pl.Int64,
                "earned": pl.Date,
                "filed": pl.Date,
                "rule": pl.Int64,
                "amount": pl.Int64,
            }
        )
    )
    # `submitted` missing: the earned date stands in, said once per credential that reached
    # a filing date (a lane spec crediting it, or a base increase matching it)
    if sp.settings.missing_submitted == "earned":
        hit = reduce(lambda a, b: a | b, reached, pl.lit(False))
        miss = f.filter(pl.col("submitted").is_null() & hit)
        if miss.height:
            warnings.append(
                _warn_rows(
                    miss,
                    WarningCode.SUBMITTED_MISSING,
                    None,
                    credential=pl.col("credential_id"),
                )
            )
    back = (
        pl.concat(backs)
        if backs
        else pl.DataFrame(schema={"educator_id": pl.String, "why": pl.String})
    )
    pam = (
        pl.concat(pams)
        if pams
        else pl.DataFrame(
            schema={
                "educator_id": pl.String,
                "credential_id": pl.String,
                "_row": pl.Int64,
                "rule": pl.Int64,
                "found": pl.String,
            }
        )
    )
    return CreditRows(credit, claimed, warnings, back, pam, f.select(*keep[:6], "filed", *inc_cols))


def effective_of(
    sp: SalaryPlan, days: pl.DataFrame, rules: list[LaneRule | BaseIncreaseRule]
) -> pl.DataFrame:
    """(`day`, `rule`) → `eff`, `mode`, `sy`: the engine's `Calendar.effective` of each
    distinct filed day and rule (a policy pays nothing before it exists)."""
    assert sp.calendar is not None
    out: dict[str, list[object]] = {"day": [], "rule": [], "eff": [], "mode": [], "sy": []}
    for day, idx in days.select("day", "rule").unique().iter_rows():
        rule = rules[idx]
        eff, mode, sy = sp.calendar.effective(not_before(day, rule), rule.deadlines)
        for k, v in (("day", day), ("rule", idx), ("eff", eff), ("mode", mode), ("sy", sy)):
            out[k].append(v)
    return pl.DataFrame(
        out,
        schema={
            "day": pl.Date,
            "rule": pl.Int64,
            "eff": pl.Date,
            "mode": pl.String,
            "sy": pl.Date,
        },
    )
