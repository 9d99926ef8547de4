"""The README's costing example: run as written, every figure it quotes comes from the run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_support import mccredit_stdout, readme_costing, readme_scenario, readme_table_rows
from typer.testing import CliRunner

from mccredit.cli import app

REPO = Path(__file__).resolve().parents[3]


def test_readme_costing_example_prints_its_figures(tmp_path: Path) -> None:
    sec = readme_costing()
    roster, args = readme_scenario(sec, tmp_path / "pwcs", roster="/tmp/pwcs")
    out = tmp_path / "cost"
    printed = mccredit_stdout(
        "scenario",
        str(roster),
        *args,
        "--out",
        str(out),
    )
    # the README shows what the command prints through a pipe (80 columns), byte for byte
    shown = re.search(r"```console\n\$ mccredit scenario \.\.\. \| cat[^\n]*\n(.*?)```", sec, re.S)
    assert shown is not None
    table, wrote = printed.split("\nwrote ")
    assert table == shown[1].split("\nwrote ")[0]  # the written-to line wraps at its path
    assert " ".join(wrote.replace(str(out), "/tmp/pwcs-cost").split()) in " ".join(sec.split())
    doc = json.loads((out / "scenario.json").read_text("utf-8"))
    for scen in [doc["baseline"], *doc["proposals"]]:
        for y in scen["years"]:
            for k in ("total_salary", "total_compensation", "cost_of_1pct", "cost_of_a_step"):
                assert f" {y[k]} │" in printed and float(y[k]) != 0, (k, y["year"])
    for k, p in enumerate(doc["proposals"], 1):
        ct = p["contract_term"]
        assert (
            f"P{k} {p['proposal']['name']} ({p['proposal']['sha256'][:12]}): contract term "
            f"Δ salary {ct['salary_difference']}, Δ compensation {ct['compensation_difference']}"
        ) in " ".join(sec.split())
    assert f"assumptions {doc['assumptions']['sha256'][:12]}" in sec
    base = {y["year"]: y for y in doc["baseline"]["years"]}
    assert (
        f"saves the baseline {base[2026]['breakage']} in 2026 and\n{base[2027]['breakage']} in 2027"
        in sec
    )
    bands = [
        {g["band"]: g["people"] for g in p["gains"]["bands"] if g["year"] == 2027}
        for p in doc["proposals"]
    ]
    assert bands[0]["1000-2500"] == 127 and bands[0]["none"] == 2873
    assert bands[1]["1000-2500"] == 1048 and bands[1]["2500-5000"] == 1952
    assert all(b["loss"] == 0 for b in bands)


def test_readme_micro_credential_example_prints_its_figures(tmp_path: Path) -> None:
    sec = readme_costing()
    sec = sec[sec.index("On a synthetic Troy 30-C roster") : sec.index("The two Wisconsin")]
    roster, args = readme_scenario(
        sec, tmp_path / "troy", jurisdiction="us-il/troy-30c", roster="/tmp/troy"
    )
    out = tmp_path / "cost"
    r = CliRunner().invoke(app, ["scenario", str(roster), *args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "scenario.json").read_text("utf-8"))
    want = []
    named = [("baseline", doc["baseline"], None), ("P1", doc["proposals"][0], True)]
    for name, s, vs in named:
        for k, y in enumerate(s["years"]):
            want.append(
                [
                    name,
                    str(y["year"]),
                    y["total_salary"],
                    s["vs_baseline"][k]["salary_difference"] if vs else "",
                    y["cost_of_1pct"],
                    str(y["lane_moves"]),
                    y["cost_of_lane_movement"],
                    y["cost_of_lane_movement_micro_credentials"],
                ]
            )
    rows = readme_table_rows(sec)
    assert rows == want
    p = doc["proposals"][0]
    ct = p["contract_term"]
    assert f"assumptions {doc['assumptions']['sha256'][:12]}" in sec
    assert f"proposal {p['proposal']['sha256'][:12]}" in sec
    assert (
        f"Δ salary {ct['salary_difference']},\nΔ compensation {ct['compensation_difference']}"
        in sec
    )
    bands = {g["band"]: g["people"] for g in p["gains"]["bands"] if g["year"] == 2029}
    assert f"{bands['1000-2500']} teachers 1,000–2,500 and {bands['2500-5000']} 2,500–5,000" in sec
    assert f"{bands['none']}\nnothing" in sec and bands["loss"] == 0
