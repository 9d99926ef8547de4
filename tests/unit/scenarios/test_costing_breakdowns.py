"""Costing breakdowns: where the increase comes from, built-in vs new money, in-year vs
annualised, per-provision stacking, proposal against proposal, FTE weights, the gains
distribution (deciles, step bands, largest) and what the union view drops."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import mccredit
from mccredit.errors import InputError
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.costing import cost_scenarios, csv_tables, provisions, run_costing
from mccredit.scenarios.privacy import suppress_small_groups

LANES = ["BA", "BA+15", "MA", "MA+30", "DOC"]
ASSUME: dict[str, Any] = {
    "assumptions": "breakdowns (example values)",
    "from_year": 2025,
    "years": 3,
    "scale_growth": "0.03",
    "accrual": {"per_lane": {"BA": 3, "MA": 6}},
    "attrition": {"rate": "0.1", "replace_lane": "BA", "replace_step": 1, "seed": 7},
    "benefits": {"retirement_rate": "0.16", "fixed_per_fte": 9000},
}
BA12 = {
    "proposal": "BA+15 at 12",
    "jurisdiction": "us-va/pwcs",
    "effective": "2025-07-01",
    "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
}


def _j() -> Any:
    return mccredit.default_rules().get("us-va/pwcs")


def _eds(n: int) -> list[mccredit.Educator]:
    return [
        mccredit.to_educator(
            {
                "id": f"B-{i:03d}",
                "jurisdiction": "us-va/pwcs",
                "salary": {"lane": LANES[i % 5], "step": 1 + (i * 5) % 14},
                "credentials": [
                    {
                        "id": "g",
                        "kind": "graduate_course",
                        "earned": "2025-08-20",
                        "submitted": "2025-09-01",
                        "semester_credits": (i * 7) % 16,
                    }
                ],
            }
        )
        for i in range(n)
    ]


def _scale_raise(r: str) -> dict[str, Any]:
    """The bundled 2025-26 scale raised by `r` (a proposal's own scale for that year)."""
    j = _j()
    [s] = [x for x in j.schedules if x.effective.start and x.effective.start.year == 2025]
    k = Decimal(1) + Decimal(r)
    return {
        "schedule": "teachers",
        "title": f"2025-26 + {r}",
        "source": {"document": "test", "tag": "I"},
        "effective": {"from": "2025-07-01", "until": "2026-06-30"},
        "lanes": list(s.lanes),
        "steps": {n: [(x * k).quantize(Decimal(1)) for x in row] for n, row in s.steps.items()},
        "example_values": True,
    }


def _d(x: str | None) -> Decimal:
    return Decimal(x) if x is not None else Decimal(0)


def test_the_increase_over_last_year_splits_exactly_into_its_sources() -> None:
    doc = cost_scenarios(_j(), _eds(120), [BA12], parse_assumptions(ASSUME))
    for s in [doc["baseline"], *doc["proposals"]]:
        first, *rest = s["years"]
        assert first["increase_over_prior_year"] is None  # the base year
        prev = first
        for y in rest:
            parts = ("from_schedule", "from_steps", "from_lanes", "from_turnover")
            total = sum((_d(y[k]) for k in parts), Decimal(0))
            assert total == _d(y["increase_over_prior_year"])
            assert total == _d(y["total_salary"]) - _d(prev["total_salary"])
            prev = y
        assert any(_d(y["from_turnover"]) < 0 for y in rest)  # leavers at high steps
        assert all(_d(y["from_schedule"]) > 0 for y in rest)  # the scale grows


def test_built_in_plus_new_money_is_the_increase_and_new_money_adds_to_the_difference() -> None:
    doc = cost_scenarios(_j(), _eds(120), [BA12], parse_assumptions(ASSUME))
    [p] = doc["proposals"]
    prev = None
    for v, y, b in zip(p["vs_baseline"], p["years"], doc["baseline"]["years"], strict=True):
        assert _d(v["built_in"]) == _d(b["increase_over_prior_year"])
        assert _d(v["built_in"]) + _d(v["new_money"]) == _d(v["increase_over_prior_year"])
        if prev is not None:
            assert _d(v["increase_over_prior_year"]) == _d(y["total_salary"]) - _d(
                prev["total_salary"]
            )
        prev = y
    assert sum(_d(v["new_money"]) for v in p["vs_baseline"]) == _d(
        p["vs_baseline"][-1]["salary_difference"]
    )


def test_a_mid_year_proposal_costs_its_share_of_the_year_in_year() -> None:
    mid = {**BA12, "proposal": "from September", "effective": "2025-09-01"}
    doc = cost_scenarios(_j(), _eds(60), [BA12, mid], parse_assumptions(ASSUME))
    full, part = doc["proposals"]
    # priced on 10-01, both are in force all of 2025's pricing day: the same annualised cost
    assert [v["salary_difference"] for v in full["vs_baseline"]] == [
        v["salary_difference"] for v in part["vs_baseline"]
    ]
    first = part["vs_baseline"][0]
    share = Decimal(303) / Decimal(365)  # 2025-09-01 .. 2026-07-01 of 365 days
    assert first["in_force_share"] == str(share.quantize(Decimal("0.0001")))
    assert _d(first["in_year_difference"]) == (_d(first["salary_difference"]) * share).quantize(
        Decimal("0.01")
    )
    assert _d(first["salary_difference"]) > _d(first["in_year_difference"]) > 0
    assert all(v["in_year_difference"] == v["salary_difference"] for v in part["vs_baseline"][1:])
    assert all(v["in_force_share"] == "1.0000" for v in full["vs_baseline"])


def test_provisions_stack_to_the_proposal_total() -> None:
    combo = {
        "proposal": "scale + lane rule + MA+45",
        "jurisdiction": "us-va/pwcs",
        "effective": "2025-07-01",
        "schedules": [_scale_raise("0.02")],
        "set": [
            {"rule": "pwcs.lane.ba15", "path": "requires", "value": 12},
            {"rule": "pwcs.lane.ma30", "path": "requires", "value": 24},
        ],
    }
    labels = [name for name, _ in provisions(mccredit.scenarios.parse_proposal(combo))]
    assert labels[0].startswith("scales: ") and labels[1].startswith("set pwcs.lane.ba15")
    doc = cost_scenarios(_j(), _eds(90), [combo, BA12], parse_assumptions(ASSUME))
    p, alone = doc["proposals"]
    st = p["stacking"]
    assert st["unavailable"] is None and st["provisions"] == labels
    for v in p["vs_baseline"]:
        parts = [r for r in st["parts"] if r["year"] == v["year"]]
        assert len(parts) == 3
        assert sum(_d(r["salary_difference"]) for r in parts) == _d(v["salary_difference"])
        assert sum(_d(r["compensation_difference"]) for r in parts) == _d(
            v["compensation_difference"]
        )
    # the 2% scale is for 2025-26 only: the bundled 2026-27 scale prices the later years
    scale = {r["year"]: _d(r["salary_difference"]) for r in st["parts"] if r["provision"] == 1}
    assert scale[2025] > 0 and scale[2026] == scale[2027] == 0
    # proposal against proposal: the second minus the first, year by year
    [cmp] = doc["comparisons"]
    assert (
        cmp["proposal"]["name"] == BA12["proposal"] and cmp["against"]["name"] == combo["proposal"]
    )
    for r, a, b in zip(cmp["years"], p["vs_baseline"], alone["vs_baseline"], strict=True):
        assert _d(r["salary_difference"]) == _d(b["salary_difference"]) - _d(a["salary_difference"])
    tables = csv_tables(doc)
    assert tables["stacking"].count("\n") == 1 + 3 * 3 + 1 * 3
    assert tables["vs_proposals"].count("\n") == 1 + 3


def test_gains_distribution_and_the_union_view() -> None:
    doc = cost_scenarios(_j(), _eds(120), [BA12], parse_assumptions(ASSUME))
    [p] = doc["proposals"]
    g = p["gains"]
    year = doc["years"][-1]
    deciles = [d for d in g["deciles"] if d["year"] == year]
    assert [d["decile"] for d in deciles] == list(range(10, 100, 10))
    values = [_d(d["gain"]) for d in deciles]
    assert values == sorted(values)
    bands = [b for b in g["by_step_band"] if b["year"] == year]
    assert sum(b["people"] for b in bands) == sum(
        b["people"] for b in g["bands"] if b["year"] == year
    )
    top = [r for r in p["largest_gains"] if r["year"] == year]
    assert 0 < len(top) <= 10 and all(r["educator"].startswith("B-") for r in top)
    assert _d(top[0]["gain"]) == max(_d(r["gain"]) for r in top)
    view = suppress_small_groups(doc, 5)
    assert "largest_gains" not in view["proposals"][0]
    assert "largest_gains" not in csv_tables(view)
    assert "B-0" not in str(view)
    # 120 people a year: fewer than 10 × 20, so a minimum of 20 drops the deciles
    assert suppress_small_groups(doc, 20)["proposals"][0]["gains"]["deciles"] == []
    assert suppress_small_groups(doc, 5)["proposals"][0]["gains"]["deciles"] == g["deciles"]


def _roster(tmp: Path, extra: dict[str, list[str]]) -> Path:
    rows = ["educator_id,jurisdiction,salary_lane,salary_step" + "".join(f",{k}" for k in extra)]
    for i in range(6):
        rows.append(f"F-{i},us-va/pwcs,MA,{3 + i}" + "".join(f",{v[i]}" for v in extra.values()))
    (tmp / "educators.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp / "credentials.csv").write_text(
        "educator_id,credential_id,kind,earned,semester_credits\n", encoding="utf-8"
    )
    return tmp


def _assumptions(tmp: Path, extra: str = "") -> Path:
    f = tmp / "a.yaml"
    f.write_text(f"assumptions: fte test\nfrom_year: 2025\nyears: 1\n{extra}", encoding="utf-8")
    return f


def test_fte_and_contract_days_weight_the_cost(tmp_path: Path, rules: Any) -> None:
    full = _roster(tmp_path / "full", {}) if (tmp_path / "full").mkdir() is None else None
    assert full is not None
    half = tmp_path / "half"
    half.mkdir()
    _roster(half, {"fte": ["0.5", "1", "1", "1", "1", "1"]})
    a = _assumptions(tmp_path)
    d1 = run_costing([full], [], a, tmp_path / "o1", rules=rules)
    d2 = run_costing([half], [], a, tmp_path / "o2", rules=rules)
    y1, y2 = d1["baseline"]["years"][0], d2["baseline"]["years"][0]
    assert y2["fte"] == "5.5" and y1["fte"] == "6"
    [c1] = [c for c in d1["baseline"]["scattergram"] if c["step"] == 3]
    [c2] = [c for c in d2["baseline"]["scattergram"] if c["step"] == 3]
    assert _d(c2["cost"]) * 2 == _d(c1["cost"]) and c2["fte"] == "0.5"
    assert _d(y1["total_salary"]) - _d(y2["total_salary"]) == _d(c1["cost"]) / 2
    # contract days: 180 of a 195-day scale pays 180/195 of the cell
    days = tmp_path / "days"
    days.mkdir()
    _roster(days, {"contract_days": ["180", "", "", "", "", ""]})
    with pytest.raises(InputError) as e:
        run_costing([days], [], a, tmp_path / "o3", rules=rules)
    assert e.value.problems[0].type == "scenario.contract_days"
    d3 = run_costing(
        [days], [], _assumptions(tmp_path, "contract_days: 195\n"), tmp_path / "o3", rules=rules
    )
    [c3] = [c for c in d3["baseline"]["scattergram"] if c["step"] == 3]
    want = (_d(c1["cost"]) * 180 / 195).quantize(Decimal("0.01"))
    assert _d(c3["cost"]) == want
    bad = tmp_path / "bad"
    bad.mkdir()
    _roster(bad, {"fte": ["0", "1.5", "x", "1", "1", "1"]})
    with pytest.raises(InputError) as e:
        run_costing([bad], [], a, tmp_path / "o4", rules=rules)
    msgs = [p.message for p in e.value.problems]
    assert len(msgs) == 3 and all("fte" in m for m in msgs)
    assert [p.line for p in e.value.problems] == [2, 3, 4]


def _km(n: int) -> list[mccredit.Educator]:
    return [
        mccredit.to_educator(
            {
                "id": f"K-{i:03d}",
                "jurisdiction": "us-wi/kettle-moraine",
                "salary": {"lane": "BA", "step": 1 + i % 10},
            }
        )
        for i in range(n)
    ]


def test_forms_multiyear_table_and_wisconsin_base_wages_against_cpi() -> None:
    j = mccredit.default_rules().get("us-wi/kettle-moraine")
    a = parse_assumptions(
        {
            "assumptions": "KM forms (example values)",
            "from_year": 2025,
            "years": 3,
            "scale_growth": "0.03",
            "steps": "frozen",
            "cpi": {2026: "0.029", 2027: "0.035"},
        }
    )
    nothing = {"proposal": "nothing", "jurisdiction": j.id, "effective": "2025-07-01"}
    doc = cost_scenarios(j, _km(20), [nothing], a)
    multi = doc["forms"]["multiyear"]
    assert "not a certification" in multi["label"]
    assert [r["year"] for r in multi["rows"]] == [2025, 2026, 2027]
    assert [r["current_year"] for r in multi["rows"]] == [True, False, False]
    wi = {(r["scenario"], r["year"]): r for r in doc["forms"]["wi_base_wages"]["rows"]}
    # the 2025-26 grid grown 3% a year with steps frozen: the base rises 3% (to the cent)
    base26, base27 = wi[("baseline", 2026)], wi[("baseline", 2027)]
    assert base26["base_wage_increase_pct"] == "3.00" and base26["cpi_pct"] == "2.90"
    assert base26["exceeds_cpi"] is True and base27["exceeds_cpi"] is False
    assert _d(base26["base_wage_increase"]) == _d(doc["baseline"]["years"][1]["total_salary"]) - _d(
        doc["baseline"]["years"][0]["total_salary"]
    )
    tables = csv_tables(doc)
    assert "form_wi_base_wages" in tables and "form_multiyear" in tables
    # elsewhere: the multiyear table only
    pw = cost_scenarios(_j(), _eds(10), [BA12], parse_assumptions(ASSUME))
    assert set(pw["forms"]) == {"multiyear"}
