"""Multi-year contract costing: assumptions, the shared projection, outputs and the CLI."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import mccredit
from mccredit.cli import app
from mccredit.scenarios import cost_proposal
from mccredit.scenarios.assumptions import load_assumptions, parse_assumptions
from mccredit.scenarios.costing import cost_scenarios

# 2027-28 is the first school year no bundled PWCS scale covers (the 2025-26 and 2026-27 ones
# are example values): the tests below cost from it, where the baseline has to grow a scale.
Y = 2027
SCALE_2027 = {
    "schedule": "teachers",
    "title": "Proposed 2027-28 scale (example values)",
    "source": {"document": "proposal", "tag": "I"},
    "effective": {"from": f"{Y}-07-01", "until": f"{Y + 1}-06-30"},
    "lanes": ["BA", "BA+15", "MA", "MA+30", "DOC"],
    "steps": {4: [74000, 75500, 80000, 82000, 83500], 5: [76000, 77500, 82000, 84000, 85500]},
    "example_values": True,
}
BA12_SCALE = {
    "proposal": "BA+15 at 12 hours",
    "jurisdiction": "us-va/pwcs",
    "effective": f"{Y}-07-01",
    "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
    "schedules": [SCALE_2027],
}


def _latest_scale() -> Any:
    """The last bundled PWCS scale (2026-27, example values)."""
    scales = mccredit.default_rules().get("us-va/pwcs").schedules
    return max(scales, key=lambda s: s.effective.start)


def raised_scale(r: Decimal, start: str = f"{Y}-07-01") -> dict[str, Any]:
    """The last bundled PWCS scale raised by `r` (e.g. 0.04), as a proposal's scale."""
    s24 = _latest_scale()
    return {
        "schedule": "teachers",
        "title": f"Proposed scale: 2024-25 + {r:%} (example values)",
        "source": {"document": "proposal", "tag": "I"},
        "effective": {"from": start},
        "lanes": list(s24.lanes),
        "steps": {
            k: [(x * (1 + r)).quantize(Decimal(1)) for x in row] for k, row in s24.steps.items()
        },
        "example_values": True,
    }


NOTHING = {"proposal": "changes nothing", "jurisdiction": "us-va/pwcs", "effective": f"{Y}-07-01"}


def _pwcs(i: int, hours: int, lane: str = "BA", step: int = 4) -> dict[str, Any]:
    return {
        "id": f"PW-{i}",
        "jurisdiction": "us-va/pwcs",
        "salary": {"lane": lane, "step": step},
        "credentials": [
            {
                "id": "g",
                "kind": "graduate_course",
                "earned": f"{Y}-08-20",
                "submitted": f"{Y}-09-01",
                "semester_credits": hours,
            }
        ],
    }


def _eds(raw: list[dict[str, Any]]) -> list[mccredit.Educator]:
    return [mccredit.to_educator(e) for e in raw]


def _pwcs_j() -> Any:
    return mccredit.default_rules().get("us-va/pwcs")


def _roster(n: int) -> list[dict[str, Any]]:
    lanes = ["BA", "BA+15", "MA", "MA+30", "DOC"]
    return [_pwcs(i, (i * 7) % 16, lanes[i % 5], 1 + (i * 5) % 14) for i in range(n)]


ASSUME: dict[str, Any] = {
    "assumptions": "test (example values)",
    "from_year": Y,
    "years": 3,
    "scale_growth": "0.03",
    "accrual": {"per_lane": {"BA": 3, "MA": 6}},
    "attrition": {"rate": "0.1", "replace_lane": "BA", "replace_step": 1, "seed": 7},
    "benefits": {"retirement_rate": "0.16", "other_rate": "0.01", "fixed_per_fte": 9000},
}


def test_a_proposed_scale_is_costed_against_the_baseline_priced_scale() -> None:
    people = [_pwcs(1, 12), _pwcs(2, 15), _pwcs(3, 6)]
    # The old path: the baseline has no 2027-28 scale, so it prices nobody and the "cost"
    # of the proposal is its whole payroll (the Δ 472428.00 against a true Δ 6180.00).
    old = cost_proposal(BA12_SCALE, people, years=[Y])["years"][0]
    assert old["baseline"]["unpriced"] == 3
    assert Decimal(old["delta"]["annual_payroll"]) == Decimal(74000 + 75500 * 2)
    # The projection prices the baseline on the last bundled scale grown by the assumption (0).
    a = parse_assumptions({"assumptions": "flat", "from_year": Y, "years": 1})
    doc = cost_scenarios(_pwcs_j(), _eds(people), [BA12_SCALE], a)
    [base] = doc["baseline"]["years"]
    last = _latest_scale()
    ba4, ba15 = last.amount("BA", 4), last.amount("BA+15", 4)
    assert Decimal(base["total_salary"]) == ba4 + ba15 + ba4  # 15 hours move to BA+15
    [vs] = doc["proposals"][0]["vs_baseline"]
    assert Decimal(vs["salary_difference"]) == (74000 + 75500 + 75500) - (ba4 + ba15 + ba4)


def test_out_years_are_grown_never_blank() -> None:
    a = parse_assumptions({**ASSUME, "attrition": {}, "accrual": {}, "steps": "frozen"})
    doc = cost_scenarios(_pwcs_j(), _eds([_pwcs(1, 0, "MA", 14)]), [], a)
    got = [Decimal(y["total_salary"]) for y in doc["baseline"]["years"]]
    want, cell = [], _latest_scale().amount("MA", 14)
    for _ in range(3):  # compounded year by year, each year rounded to the cent
        cell = (cell * Decimal("1.03")).quantize(Decimal("0.01"))
        want.append(cell)
    assert got == want


def test_a_proposal_that_changes_nothing_costs_zero_everywhere() -> None:
    a = parse_assumptions(ASSUME)
    doc = cost_scenarios(_pwcs_j(), _eds(_roster(60)), [NOTHING], a)
    [p] = doc["proposals"]
    assert p["years"] == doc["baseline"]["years"]
    assert p["scattergram"] == doc["baseline"]["scattergram"]
    # every difference is 0; what is not a difference (the baseline's own built-in increase,
    # the share of the year in force) is the baseline's
    not_differences = {"year", "in_force_share", "built_in", "increase_over_prior_year"}
    not_differences.add("increase_pct")
    for row, b in zip(p["vs_baseline"], doc["baseline"]["years"], strict=True):
        diffs = {k: v for k, v in row.items() if k not in not_differences}
        assert diffs == dict.fromkeys(diffs, "0.00")
        assert (
            row["built_in"]
            == row["increase_over_prior_year"]
            == (b["increase_over_prior_year"] or "0.00")
        )
    assert set(p["contract_term"]) >= {"salary_difference", "compensation_difference"}
    assert all(v == "0.00" for k, v in p["contract_term"].items() if "difference" in k), p[
        "contract_term"
    ]
    assert all(b["people"] == 0 for b in p["gains"]["bands"] if b["band"] != "none")
    assert all(g["total_gain"] == "0.00" for g in p["gains"]["by_lane"])
    assert all(g["total_gain"] == "0.00" for g in p["gains"]["by_step_band"])
    assert all(d["gain"] == "0.00" for d in p["gains"]["deciles"])
    assert p["largest_gains"] == []
    assert p["stacking"]["parts"] == []  # no provision at all
    # the baseline itself is priced, with movement, exits and replacements
    years = doc["baseline"]["years"]
    assert all(Decimal(y["total_salary"]) > 0 for y in years)
    assert sum(y["new_hires"] for y in years) > 0
    assert sum(y["lane_moves"] for y in years) > 0


def test_lane_rule_change_costs_the_movers_and_rolls_up() -> None:
    a = parse_assumptions({**ASSUME, "years": 2, "attrition": {}})
    ba12 = {k: v for k, v in BA12_SCALE.items() if k != "schedules"}
    doc = cost_scenarios(_pwcs_j(), _eds([_pwcs(1, 12), _pwcs(2, 3)]), [ba12], a)
    y1, y2 = doc["proposals"][0]["vs_baseline"]
    last = _latest_scale()
    lane_gap = (last.amount("BA+15", 4) - last.amount("BA", 4)) * Decimal("1.03")  # at step 4
    assert Decimal(y1["salary_difference"]) == lane_gap.quantize(Decimal("0.01"))
    # rolled up: FICA 6.2% + Medicare 1.45% + retirement 16% + other 1% of the difference
    # (each person's roll-up is rounded to the cent, so the difference may be a cent off)
    rolled = Decimal(y1["salary_difference"]) * Decimal("1.2465")
    assert abs(Decimal(y1["compensation_difference"]) - rolled) <= Decimal("0.01")
    # year 2: 12 + 3 hours reach 15: the baseline catches up, nobody gains any more
    assert Decimal(y2["salary_difference"]) == 0
    assert doc["baseline"]["years"][1]["lane_moves"] == 1


def test_fica_stops_at_the_wage_base() -> None:
    b = parse_assumptions(ASSUME).benefits
    assert b.rolled_up(Decimal(200000)) == (
        Decimal("0.062") * 176100 + (Decimal("0.0145") + Decimal("0.17")) * 200000
    )


def test_assumption_errors_name_file_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("assumptions: x\nfrom_year: 2025\nyears: 0\nsteps: sometimes\n", "utf-8")
    with pytest.raises(mccredit.InputError) as info:
        load_assumptions(f)
    where = {(p.loc, p.line) for p in info.value.problems}
    assert (("years",), 3) in where and (("steps",), 4) in where
    assert all(p.path == str(f) and p.col for p in info.value.problems)


def test_cli_writes_json_and_csv_naming_every_input(tmp_path: Path) -> None:
    roster = tmp_path / "roster"
    roster.mkdir()
    for e in _roster(20):
        (roster / f"{e['id']}.json").write_text(json.dumps(e), "utf-8")
    (tmp_path / "a.yaml").write_text(json.dumps(ASSUME), "utf-8")
    ba12 = {**BA12_SCALE, "schedules": [raised_scale(Decimal("0.04"))]}
    (tmp_path / "p.yaml").write_text(json.dumps(ba12, default=str), "utf-8")
    (tmp_path / "n.yaml").write_text(json.dumps(NOTHING), "utf-8")
    out = tmp_path / "out"
    args = [roster, "--proposal", tmp_path / "p.yaml", "--proposal", tmp_path / "n.yaml"]
    r = CliRunner().invoke(
        app,
        ["scenario", *map(str, args), "--assumptions", str(tmp_path / "a.yaml"), "--out", str(out)],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "scenario.json").read_text("utf-8"))
    assert len(doc["assumptions"]["sha256"]) == 64 and len(doc["ruleset"]["sha256"]) == 64
    assert [p["proposal"]["name"] for p in doc["proposals"]] == [
        "BA+15 at 12 hours",
        "changes nothing",
    ]
    with (out / "vs_baseline.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["assumptions_sha256"] for r in rows} == {doc["assumptions"]["sha256"]}
    assert {r["scenario_sha256"] for r in rows} == {
        p["proposal"]["sha256"] for p in doc["proposals"]
    }
    nothing = [r for r in rows if r["scenario"] == "changes nothing"]
    assert {r["salary_difference"] for r in nothing} == {"0.00"}
    for t in ("years", "scattergram", "gains_bands", "gains_by_lane"):
        assert (out / f"{t}.csv").stat().st_size > 0
    assert "contract term" in r.output


def test_cli_bad_assumptions_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("assumptions: x\nfrom_year: nope\n", "utf-8")
    e = tmp_path / "e.json"
    e.write_text(json.dumps(_pwcs(1, 0)), "utf-8")
    r = CliRunner().invoke(
        app,
        [
            "scenario",
            str(e),
            "--assumptions",
            str(tmp_path / "a.yaml"),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert r.exit_code == 2
    assert "a.yaml:2" in r.output
    assert not (tmp_path / "o").exists()


def test_effective_must_be_a_day_of_every_year() -> None:
    with pytest.raises(mccredit.InputError, match="not a day of every year"):
        parse_assumptions({"assumptions": "x", "from_year": 2025, "effective": "02-29"})


def test_batch_roster_bad_row_names_file_and_row(tmp_path: Path) -> None:
    from mccredit.scenarios.roster import load_roster

    (tmp_path / "educators.csv").write_text(
        "educator_id,jurisdiction,salary_lane,salary_step\n"
        "E1,us-va/pwcs,BA,3\n"
        "E2,us-va/pwcs,MA,three\n",
        "utf-8",
    )
    (tmp_path / "credentials.csv").write_text(
        "educator_id,credential_id,kind,earned,semester_credits\n"
        "E1,c1,graduate_course,2024-05-01,6\n",
        "utf-8",
    )
    with pytest.raises(mccredit.InputError) as info:
        load_roster([tmp_path])
    [p] = info.value.problems
    assert p.path == str(tmp_path / "educators.csv") and p.line == 3 and "E2" in p.message
    (tmp_path / "educators.csv").write_text(
        "educator_id,jurisdiction,salary_lane,salary_step\nE1,us-va/pwcs,BA,3\n", "utf-8"
    )
    [e] = load_roster([tmp_path])
    assert e.salary is not None and (e.salary.lane, e.salary.step) == ("BA", 3)
    assert [c.semester_credits for c in e.credentials] == [Decimal(6)]


def test_breakage_off_equals_breakage_with_zero_attrition() -> None:
    eds = _eds(_roster(40))
    ba12 = {**BA12_SCALE, "schedules": [raised_scale(Decimal("0.04"))]}
    with_turnover = cost_scenarios(_pwcs_j(), eds, [ba12], parse_assumptions(ASSUME))
    none = cost_scenarios(
        _pwcs_j(), eds, [ba12], parse_assumptions({**ASSUME, "attrition": {"rate": 0}})
    )
    for doc in (with_turnover, none):
        for s in (doc["baseline"], doc["proposals"][0]):
            assert s["years"][0]["breakage"] == "0.00"  # nobody leaves in the first year
    for a, b in zip(with_turnover["baseline"]["years"], none["baseline"]["years"], strict=True):
        assert a["total_salary_without_breakage"] == b["total_salary"]
        assert b["breakage"] == "0.00"
    # leavers at high steps replaced at BA step 1: turnover saves money in later years
    assert Decimal(with_turnover["baseline"]["years"][-1]["breakage"]) > 0


def test_carrying_the_baseline_grown_scale_costs_nothing_in_any_year() -> None:
    import datetime as dt

    from mccredit.scenarios.projection import priced_scale

    a = parse_assumptions(ASSUME)
    s = priced_scale(_pwcs_j(), dt.date(Y, 10, 1), "teachers", a.scale_growth)
    scale = {
        **raised_scale(Decimal(0)),
        "effective": {"from": f"{Y}-07-01", "until": f"{Y + 1}-06-30"},
        "steps": {k: [s.cells[(lane, k)] for lane in s.lanes] for k in range(1, 15)},
    }
    p = {**NOTHING, "schedules": [scale]}
    doc = cost_scenarios(_pwcs_j(), _eds(_roster(30)), [p], a)
    assert {v["salary_difference"] for v in doc["proposals"][0]["vs_baseline"]} == {"0.00"}


def test_bundled_new_lane_proposal_pays_only_the_movers() -> None:
    from mccredit.scenarios import load_proposal
    from mccredit.scenarios.assumptions import Attrition, load_assumptions

    repo = Path(__file__).resolve().parents[3]
    p = load_proposal(repo / "proposals/pwcs-ma45.yaml")
    a = load_assumptions(repo / "proposals/pwcs-assumptions.yaml")
    people = [_pwcs(1, 15, "MA+30", 3), _pwcs(2, 14, "MA+30", 3), _pwcs(3, 20, "MA", 5)]
    doc = cost_scenarios(
        _pwcs_j(), _eds(people), [p], a.model_copy(update={"attrition": Attrition()})
    )
    [prop] = doc["proposals"]
    # only PW-1 reaches 15 hours past MA+30, with hours filed 2027-09-01: nothing before
    # then (credit counts from its filing date), then the new column's 750 grown 2% a year
    # past the bundled 2026-27 scale
    assert [v["salary_difference"] for v in prop["vs_baseline"]] == ["0.00", "0.00", "765.00"]
    assert all(g["losers"] == 0 for g in prop["gains"]["by_lane"])
    assert {g["lane"] for g in prop["gains"]["by_lane"] if g["winners"]} == {"MA+30"}
