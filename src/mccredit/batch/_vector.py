"""Evaluate one chunk of typed roster rows with columnar operations.

The steps and their order are the engine's: facts and the gate (`_facts`), credit: awards,
evaluations, stacks and caps detected and handed to the per-educator path when they could
change anything, totals (`_credits`), renewal per license with category minimums
(`_renewal`, `_categories`), advancement (`_advancement`), salary (`_salary`). Amounts are
integers scaled per unit (`Rounding.scale`). `evaluate_vector` returns the results, warnings
and ledger frames of the educators it could evaluate and the ids of those it hands back
(`fallback`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from ._advancement import advancement
from ._compile import ColumnarPlan
from ._credits import credits
from ._facts import catalog_frames, facts
from ._renewal import renewal
from ._steps import LEDGER_SCHEMA, WARNING_SCHEMA, Collected

if TYPE_CHECKING:
    from ._salary import SalaryOut

__all__ = [
    "LEDGER_SCHEMA",
    "WARNING_SCHEMA",
    "VectorOut",
    "catalog_frames",
    "evaluate_vector",
    "facts",
]


@dataclass
class VectorOut:
    results: pl.DataFrame
    warnings: pl.DataFrame
    ledger: pl.DataFrame
    fallback: pl.Series  # educator ids for the per-educator path
    reasons: dict[str, int]


def evaluate_vector(
    cp: ColumnarPlan,
    edu: pl.DataFrame,
    cred: pl.DataFrame,
    evals: pl.DataFrame,
    frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> VectorOut:
    out = Collected()
    fa = facts(cp, cred, frames)
    cr = credits(cp, fa, evals, out)
    sal: SalaryOut | None = None
    if cp.plan.salary is not None:  # the salary columns load only for a plan with salary
        from ._salary import salary_step

        sal = salary_step(cp, edu, fa, out)
    lic, pos = renewal(cp, edu, cr.ledger, cr.cap_cols, out)
    adv, adv_back = advancement(cp, edu, lic, pos, cr.evals)
    out.hand_back(adv_back, "alternatives")
    # one row per license (or per educator without one)
    people = edu.group_by("educator_id", maintain_order=True).first()
    rows = people.select("educator_id").join(
        lic.sort("educator_id", "license_issued", "license_type", "_lic"),
        on="educator_id",
        how="left",
        maintain_order="left",
    )
    rows = rows.join(cr.totals, on="educator_id", how="left").join(
        adv, on="educator_id", how="left"
    )
    rows = rows.with_columns(
        [pl.col(f"total_{u}").fill_null(0) for u in cp.units]
        + [pl.col("advance_tiers").fill_null(""), pl.col("advance_eligible").fill_null("")]
    )
    warnings = out.warning_frame()
    ledger = cr.ledger.select(list(LEDGER_SCHEMA))
    if sal is not None:
        from ._salary import with_salary

        rows, warnings, ledger = with_salary(rows, warnings, ledger, sal)
    nwarn = warnings.group_by("educator_id").agg(pl.len().cast(pl.Int64).alias("warnings"))
    rows = rows.join(nwarn, on="educator_id", how="left").with_columns(
        pl.col("warnings").fill_null(0)
    )
    return VectorOut(
        results=rows,
        warnings=warnings,
        ledger=ledger,
        fallback=out.fallback_ids(),
        reasons=out.reasons,
    )
