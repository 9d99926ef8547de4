"""Costing one proposal equals the difference of two independent batch runs, year by year.

With steps frozen, no accrual and no attrition the projection holds the roster as it is; each
year it must then price exactly what `mccredit batch` (the engine, educator by educator, with
and without the proposal applied) pays on that year's pricing day: the baseline's total and
the proposal's difference, to the cent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import mccredit
from mccredit.batch import run_batch
from mccredit.scenarios import apply_proposal, load_proposal
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.costing import cost_scenarios
from mccredit.scenarios.roster import load_roster

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location("roster_gen", REPO / "benchmarks/roster.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path_factory.mktemp("batch-eq") / "roster"
    gen.generate(
        educators=300, seed=11, jurisdiction="us-va/pwcs", out=out, fmt="csv", bad_rate=0.0
    )
    return out


def _batch_total(roster: Path, rules: mccredit.RuleSet, day: dt.date, out: Path) -> Decimal:
    run_batch(roster, rules=rules, jurisdiction="us-va/pwcs", as_of=day, out=out)
    df = pl.read_parquet(out).unique("educator_id")
    pay = df.select(pl.coalesce("new_annual", "salary_annual").alias("pay"))["pay"]
    assert pay.null_count() == 0  # every educator priced in both runs
    return sum((Decimal(str(x)) for x in pay), Decimal(0))


@pytest.mark.parametrize("proposal", ["pwcs-ba12.yaml", "pwcs-scale-3pct.yaml"])
def test_one_proposal_costs_the_difference_of_two_batch_runs(
    roster: Path, tmp_path: Path, proposal: str
) -> None:
    rules = mccredit.default_rules()
    j = rules.get("us-va/pwcs")
    p = load_proposal(REPO / "proposals" / proposal)
    with_p = dataclasses.replace(
        rules, jurisdictions={**rules.jurisdictions, j.id: apply_proposal(j, p)}
    )
    a = parse_assumptions(
        {"assumptions": "as the roster stands", "from_year": 2025, "years": 2, "steps": "frozen"}
    )
    doc = cost_scenarios(j, load_roster([roster]), [p], a)
    [cost] = doc["proposals"]
    for y, base, vs in zip(a.year_list, doc["baseline"]["years"], cost["vs_baseline"], strict=True):
        day = dt.date(y, 10, 1)
        before = _batch_total(roster, rules, day, tmp_path / f"b{y}.parquet")
        after = _batch_total(roster, with_p, day, tmp_path / f"p{y}.parquet")
        assert Decimal(base["total_salary"]) == before, y
        assert Decimal(vs["salary_difference"]) == after - before, y
    assert Decimal(cost["contract_term"]["salary_difference"]) != 0
