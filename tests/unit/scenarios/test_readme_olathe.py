"""The README's Olathe costing example (assumed degrees): run as written on its 3,000-educator
synthetic roster, every figure the README quotes comes from the run, and the proposal's
difference is checked by reasoning: each degree move's step up × the 4 of 12 pay dates from
Mar 20 that the proposal's Apr 15 deadline pays and the agreement's Feb 15 does not."""

from __future__ import annotations

import json
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from cli_support import readme_costing, readme_scenario, readme_table_rows
from typer.testing import CliRunner

import mccredit
from mccredit.cli import app
from mccredit.scenarios._proposal import apply_proposal, load_proposal
from mccredit.scenarios.assumptions import load_assumptions
from mccredit.scenarios.projection import project
from mccredit.scenarios.roster import load_costing_roster

CENT = Decimal("0.01")
REPO = Path(__file__).resolve().parents[3]


def test_readme_olathe_degrees_example(tmp_path: Path) -> None:
    text = readme_costing()
    end = text.index("The projection values micro-credentials")
    sec = text[text.index("On a synthetic Olathe roster") : end]
    roster, args = readme_scenario(sec, tmp_path / "roster", jurisdiction="us-ks/olathe")
    out = tmp_path / "cost"
    r = CliRunner().invoke(app, ["scenario", str(roster), *args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "scenario.json").read_text("utf-8"))
    want = []
    for name, s, vs in (("baseline", doc["baseline"], False), ("P1", doc["proposals"][0], True)):
        for k, y in enumerate(s["years"]):
            want.append(
                [
                    name,
                    str(y["year"]),
                    y["total_salary"],
                    s["vs_baseline"][k]["salary_difference"] if vs else "",
                    y["cost_of_1pct"],
                    str(y["lane_moves"]),
                    str(y["degree_moves"]),
                    y["cost_of_lane_movement"],
                ]
            )
    rows = readme_table_rows(sec)
    assert rows == want
    p = doc["proposals"][0]
    flat = " ".join(sec.split())
    assert (
        f"(assumptions {doc['assumptions']['sha256'][:12]}, proposal "
        f"{p['proposal']['sha256'][:12]}: contract term Δ salary "
        f"{p['contract_term']['salary_difference']}, Δ compensation "
        f"{p['contract_term']['compensation_difference']}.)"
    ) in flat

    # the difference by reasoning: the degree movers of each year, by the lane they left
    rules = mccredit.default_rules()
    j = rules.get("us-ks/olathe")
    a = load_assumptions(REPO / "proposals/olathe-assumptions.yaml")
    eds, _, _ = load_costing_roster([roster])
    base = project(j, eds, a)
    proposal = load_proposal(REPO / "proposals/olathe-degree-apr15.yaml")
    prop = project(apply_proposal(j, proposal), eds, a)
    diffs = [v["salary_difference"] for v in p["vs_baseline"]]
    assert diffs[0] == "0.00"
    for k, (b, q) in enumerate(zip(base, prop, strict=True)):
        movers = [x for x in b.people if x.degree_from is not None]
        assert [x.key for x in movers] == [x.key for x in q.people if x.degree_from is not None]
        # filed Mar 1: the agreement pays nothing this year; a degree held from last year (a
        # points move took that year's one column) pays the whole year under both
        fresh = [x for x in movers if x.lane_move_cost == 0]
        held = {x.key: x.salary for x in movers if x.lane_move_cost != 0}
        assert held == {x.key: x.salary for x in q.people if x.key in held}
        share = Decimal(0)
        for x in fresh:
            step_up = b.scale.amount("MA", x.step) - b.scale.amount(x.degree_from, x.step)  # type: ignore[arg-type, operator]
            share += (step_up * 4 / 12).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert share == Decimal(diffs[k])
        if k:
            by = Counter(x.degree_from for x in fresh)
            ba15 = b.scale.amount("MA", 1) - b.scale.amount("BA+15", 1)  # type: ignore[operator]
            ba = b.scale.amount("MA", 1) - b.scale.amount("BA", 1)  # type: ignore[operator]
            if k == 1:
                assert f"{by['BA+15']} BA+15 teachers × (MA − BA+15 = {ba15:,}" in flat
                assert f"{by['BA']} BA teachers × {ba:,}" in flat
            else:
                third, ba_third = (ba15 / 3).quantize(CENT), (ba / 3).quantize(CENT)
                assert f"{by['BA+15']} × {third:,} + {by['BA']} × {ba_third:,}" in flat
                assert f"{len(held)} held from 2026" in flat
