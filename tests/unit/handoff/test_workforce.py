"""The workforce skills view (issue 15) on a hand-made roster whose figures are known: holders
by school, gaps, renewal shortfalls, candidate coaches (named only when allowed), trends, and
suppression of small counts; CLI JSON/CSV; the API for union and district keys."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result
from workforce_support import write_roster

from mccredit.cli import app as cli


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return write_roster(tmp_path / "roster")


def _view(roster: Path, *extra: str) -> dict[str, Any]:
    r = run("workforce", roster, "-j", "us-nc", "--as-of", "2026-06-30", "--json", *extra)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_holders_gaps_short_and_coaches(roster: Path) -> None:
    v = _view(roster)
    assert v["educators"] == 11 and v["schools"] == {"North": 6, "South": 5}
    held = {(r["key"], r["school"]): r["educators"] for r in v["holders"]}
    assert held[("literacy", "all")] == 6 and held[("literacy", "North")] == 6
    assert held[("literacy", "South")] is None  # 0 is under the minimum bucket of 5
    assert held[("general", "South")] == 5
    assert {"school": "South", "category": "literacy"} in v["gaps"]
    assert {"school": "North", "category": "general"} in v["gaps"]
    short = {r["category"]: r for r in v["short"]}
    # K-5 needs 3 literacy credits (30 hours): only T-00 (three 10-hour workshops) has them
    assert short["literacy"]["short"] == 10 and short["literacy"]["required_of"] == 11
    assert [(c["category"], c["educator_id"], c["depth"]) for c in v["coaches"]] == [
        ("literacy", "T-00", 3)
    ]
    trend = {
        (t["school_year"], t["category"]): (t["credentials"], t["educators"]) for t in v["trend"]
    }
    # Jan 2023: five educators' one literacy workshop and two of T-00's; Jan 2024: T-00's third
    assert trend[("2022-23", "literacy")] == (7, 6)
    assert trend[("2023-24", "literacy")] == (None, None)  # one: under the minimum bucket
    assert trend[("2022-23", "general")] == (5, 5)


def test_aggregate_names_nobody_and_suppresses_small_counts(roster: Path) -> None:
    v = _view(roster, "--aggregate", "--min-bucket", "6")
    assert v["coaches"] == [] and v["named"] is False
    assert v["schools"] == {"North": 6, "South": None}
    assert all(r["school"] in ("all", "North") for r in v["holders"])  # South is too small
    assert {r["educators"] for r in v["holders"] if r["key"] == "general"} == {None}


def test_csv_and_html_files(roster: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run(
        "workforce", roster, "-j", "us-nc", "--as-of", "2026-06-30", "--by", "category", "-o", out
    )
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "coaches.csv",
        "gaps.csv",
        "holders.csv",
        "short.csv",
        "trend.csv",
        "workforce.html",
        "workforce.json",
    ]
    rows = list(csv.DictReader(io.StringIO((out / "holders.csv").read_text())))
    assert rows[0] == {"group": "category", "key": "general", "school": "North", "educators": ""}
    html = (out / "workforce.html").read_text()
    assert "<script" not in html and "src=" not in html
    assert "<svg" in html and "T-00" in html


def test_bad_by_is_a_clear_error(roster: Path) -> None:
    r = run("workforce", roster, "-j", "us-nc", "--by", "district")
    assert r.exit_code == 2 and "--by" in r.stderr
