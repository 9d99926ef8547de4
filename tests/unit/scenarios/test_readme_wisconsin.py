"""The README's Wisconsin costing examples (issue 11.8): Muskego-Norway's equivalency at 24
micro-credentials and Kettle Moraine's 750.00 base increase, each run as written on its
3,000-educator synthetic roster; every figure the README quotes comes from the run, and the
figures are checked by reasoning (a move costs the lane difference, a micro-credential 250.00)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from cli_support import readme_costing, readme_scenario, readme_table_rows
from typer.testing import CliRunner

import mccredit
from mccredit.cli import app

REPO = Path(__file__).resolve().parents[3]


def _part(start: str, end: str | None) -> str:
    text = readme_costing()
    return text[text.index(start) : text.index(end) if end else None]


def _run(tmp_path: Path, sec: str) -> tuple[Path, dict[str, Any]]:
    """Generate the part's roster and run its `mccredit scenario` line; the roster and the
    scenario document."""
    roster, args = readme_scenario(sec, tmp_path / "roster")
    out = tmp_path / "cost"
    r = CliRunner().invoke(app, ["scenario", str(roster), *args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    return roster, json.loads((out / "scenario.json").read_text("utf-8"))


def _figures(doc: dict[str, Any], columns: Any) -> list[list[str]]:
    want = []
    for name, s, vs in (("baseline", doc["baseline"], False), ("P1", doc["proposals"][0], True)):
        for k, y in enumerate(s["years"]):
            delta = s["vs_baseline"][k]["salary_difference"] if vs else ""
            want.append([name, str(y["year"]), y["total_salary"], delta, *columns(y, vs)])
    return want


def _wi_form(doc: dict[str, Any]) -> list[list[str]]:
    by: dict[int, dict[str, dict[str, Any]]] = {}
    for r in doc["forms"]["wi_base_wages"]["rows"]:
        by.setdefault(r["year"], {})["P1" if r["scenario_sha256"] else "baseline"] = r
    return [
        [
            str(year),
            f"{v['baseline']['cpi_pct']}%",
            *(
                f"{v[s]['base_wage_increase']} ({v[s]['base_wage_increase_pct']}%)"
                for s in ("baseline", "P1")
            ),
            f"{str(v['baseline']['exceeds_cpi']).lower()}, {str(v['P1']['exceeds_cpi']).lower()}",
        ]
        for year, v in by.items()
    ]


def _common(sec: str, doc: dict[str, Any]) -> dict[str, int]:
    """Hashes, contract term and form as the README gives them; the last year's gain bands."""
    p = doc["proposals"][0]
    ct = p["contract_term"]
    flat = " ".join(sec.split())
    assert f"assumptions {doc['assumptions']['sha256'][:12]}" in flat
    assert f"proposal {p['proposal']['sha256'][:12]}" in flat
    assert (
        f"Δ salary {ct['salary_difference']}, Δ compensation {ct['compensation_difference']}"
        in flat
    )
    assert readme_table_rows(sec, r"\d{4}") == _wi_form(doc)
    last = doc["years"][-1]
    bands = {g["band"]: g["people"] for g in p["gains"]["bands"] if g["year"] == last}
    assert bands["loss"] == 0
    return bands


def test_readme_muskego_norway_figures(tmp_path: Path) -> None:
    sec = _part("On a synthetic Muskego-Norway roster", "On a synthetic Kettle Moraine roster")
    _, doc = _run(tmp_path, sec)
    cols = (
        "cost_of_1pct",
        "lane_moves",
        "cost_of_lane_movement",
        "cost_of_lane_movement_micro_credentials",
    )
    assert readme_table_rows(sec) == _figures(doc, lambda y, _: [str(y[c]) for c in cols])
    bands = _common(sec, doc)
    flat = " ".join(sec.split())
    assert (
        f"2029: {bands['2500-5000']} BA teachers 2,500–5,000 (their move), {bands['none']} nothing"
        in flat
    )
    p = doc["proposals"][0]
    # the whole difference is lane movement, paid by micro-credentials
    for y, v in zip(p["years"], p["vs_baseline"], strict=True):
        assert (
            v["salary_difference"] == y["cost_of_lane_movement_micro_credentials"]
            or y["lane_moves"] == 0
        )
    # each move costs MA - BA of the year's scale: 3,000.00 on the 2025-26 example grid, grown 2%
    for s in (doc["baseline"], p):
        for y in s["years"]:
            step = Decimal(3000) * Decimal("1.02") ** (y["year"] - 2025)
            moves = y["lane_moves"]
            assert (
                abs(Decimal(y["cost_of_lane_movement"]) - moves * step) <= Decimal("0.01") * moves
            )
    assert "3,183.62 in 2028" in flat and "3,247.30 in 2029" in flat


def _credited_by(roster: Path, day: dt.date, cap: int) -> int:
    """Micro-credentials Kettle Moraine's accept gate takes (its issuers; a catalog code or
    none) earned by `day`, each educator's up to `cap`, counted from the roster itself."""
    j = mccredit.default_rules().get("us-wi/kettle-moraine")
    codes = sorted({e.code for e in j.catalog.values()})
    cred = pl.read_csv(roster / "credentials.csv", try_parse_dates=True)
    mc = cred.filter(
        (pl.col("kind") == "micro_credential")
        & pl.col("issuer").is_in(sorted(j.accepted_issuers))
        & (pl.col("code").is_null() | pl.col("code").is_in(codes))
        & (pl.col("earned") <= day)
    )
    per = mc.group_by("educator_id").len()
    return int(per.select(pl.col("len").clip(upper_bound=cap).sum()).item())


def test_readme_kettle_moraine_figures(tmp_path: Path) -> None:
    sec = _part("On a synthetic Kettle Moraine roster", None)
    roster, doc = _run(tmp_path, sec)

    def cols(y: dict[str, Any], vs: bool) -> list[str]:
        n = Decimal(y["base_increases"]) / (750 if vs else 500)
        assert n == n.to_integral_value()
        return [y["cost_of_1pct"], y["base_increases"], str(int(n))]

    assert readme_table_rows(sec) == _figures(doc, cols)
    bands = _common(sec, doc)
    flat = " ".join(sec.split())
    assert (
        f"2027: {bands['2500-5000']} teachers 2,500.00 (the cap's 10 × 250.00, the band "
        f"2,500–5,000), {bands['1000-2500']} 1,000–2,500, {bands['0-1000']} under 1,000, "
        f"{bands['none']} nothing"
    ) in flat
    p = doc["proposals"][0]
    assert max(Decimal(g["gain"]) for g in p["largest_gains"]) == Decimal("2500.00")
    # 750 instead of 500: exactly 250.00 per credited micro-credential, every year, and nothing else
    for b, y, v in zip(doc["baseline"]["years"], p["years"], p["vs_baseline"], strict=True):
        count = Decimal(b["base_increases"]) / 500
        assert Decimal(v["salary_difference"]) == 250 * count
        assert Decimal(y["base_increases"]) - Decimal(b["base_increases"]) == 250 * count
        assert y["cost_of_a_step"] == b["cost_of_a_step"] and y["lane_moves"] == 0
    # 2025 (no turnover, no accrual yet): the count is the roster's own history up to the cap
    first = doc["baseline"]["years"][0]
    assert first["year"] == 2025 and first["breakage"] == "0.00"
    assert Decimal(first["base_increases"]) == 500 * _credited_by(roster, dt.date(2025, 10, 1), 10)
    assert "250.00 × 14838 = 3709500.00 in 2025" in flat
