"""The multi-year projection values micro-credentials by the districts' own rules (issue 11).

Worked examples for Troy 30-C (an NEA micro-credential = 1 board credit toward a lane, with
prior approval; the proposal: 1.5), Muskego-Norway (the Advanced Degree Equivalency: 30
micro-credentials, 15 foundational + 15 elective, move BA to MA; the proposal: 24, 12 + 12) and
Kettle Moraine (a permanent base increase of 500.00 per micro-credential, at most 10; the
proposal: 750.00), each through `mccredit scenario ROSTER --proposal … --assumptions …`, with
every figure worked out by hand below from the bundled (EXAMPLE VALUES) grids. Steps are
frozen, nobody leaves and the benefit rates are 0, so each year's total is the sum of cells and
base increases; 2026 has no bundled scale in these districts and is priced on 2025-26 grown 0%.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from mccredit.cli import app

REPO = Path(__file__).resolve().parents[3]


def _assumptions(tmp: Path, micro: dict[str, Any]) -> Path:
    a = {
        "assumptions": "micro-credential worked example (example values)",
        "from_year": 2025,
        "years": 2,
        "effective": "10-01",
        "steps": "frozen",
        "accrual": {"per_lane": {}, "default": 0},
        "micro_credentials": micro,
        "benefits": {"fica_rate": 0, "medicare_rate": 0},
    }
    p = tmp / "assumptions.yaml"
    p.write_text(yaml.safe_dump(a), encoding="utf-8")
    return p


def _mc(
    n: int,
    prefix: str,
    issuer: str,
    *,
    approved: bool = True,
    cat: str | None = None,
    start: dt.date = dt.date(2025, 1, 10),
) -> list[dict[str, Any]]:
    out = []
    for k in range(n):
        earned = start + dt.timedelta(days=k)
        c: dict[str, Any] = {
            "id": f"{prefix}-{k}",
            "kind": "micro_credential",
            "issuer": issuer,
            "earned": earned.isoformat(),
            "submitted": (earned + dt.timedelta(days=10)).isoformat(),
        }
        if approved:
            c["approved"] = (earned - dt.timedelta(days=5)).isoformat()
        if cat:
            c["categories"] = [cat]
        out.append(c)
    return out


def _roster(tmp: Path, jid: str, people: list[tuple[str, str, int, list[dict[str, Any]]]]) -> Path:
    d = tmp / "roster"
    d.mkdir()
    for eid, lane, step, creds in people:
        ed = {
            "id": eid,
            "jurisdiction": jid,
            "salary": {"lane": lane, "step": step, "since": "2024-07-01"},
            "credentials": creds,
        }
        (d / f"{eid}.json").write_text(json.dumps(ed), encoding="utf-8")
    return d


def _run(tmp: Path, roster: Path, proposal: str, assumptions: Path) -> dict[str, Any]:
    out = tmp / "out"
    r = CliRunner().invoke(
        app,
        [
            "scenario",
            str(roster),
            "--proposal",
            str(REPO / "proposals" / proposal),
            "--assumptions",
            str(assumptions),
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    doc: dict[str, Any] = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    assert (out / "report.html").is_file()
    return doc


def _col(years: list[dict[str, Any]], key: str) -> list[str]:
    return [y[key] for y in years]


def test_troy_micro_credentials_move_lanes_with_prior_approval(tmp_path: Path) -> None:
    # T1: BA 3, 30 approved NEA courses (30 credits < 36). T2: the same without approval (0).
    # T3: BA 1, 24 approved courses + 12 approved graduate hours (36: MA in 2025).
    # Each accrues 4 approved NEA micro-credentials a year from 2026.
    grad = {
        "id": "T3-g",
        "kind": "graduate_course",
        "earned": "2025-02-01",
        "submitted": "2025-02-15",
        "approved": "2025-01-15",
        "semester_credits": "12",
    }
    roster = _roster(
        tmp_path,
        "us-il/troy-30c",
        [
            ("T1", "BA", 3, _mc(30, "T1", "nea")),
            ("T2", "BA", 3, _mc(30, "T2", "nea", approved=False)),
            ("T3", "BA", 1, [*_mc(24, "T3", "nea"), grad]),
        ],
    )
    a = _assumptions(tmp_path, {"per_lane": {"BA": 4, "MA": 4}, "issuer": "nea"})
    doc = _run(tmp_path, roster, "troy30c-mc15.yaml", a)
    base, p = doc["baseline"]["years"], doc["proposals"][0]
    # baseline: 2025 T1 BA 48,400 (30 < 36), T2 48,400 (no credit), T3 MA step 1 50,000;
    # 2026 T1 has 34 < 36, T3 has 4 < 15: the same 146,800.
    assert _col(base, "total_salary") == ["146800.00", "146800.00"]
    # T3's move BA → MA costs 50,000 − 46,000 = 4,000, paid 12 of 36 by graduate hours (used
    # first) and 24 by micro-credentials: 4,000 × 24/36 = 2,666.67.
    assert _col(base, "cost_of_lane_movement") == ["4000.00", "0.00"]
    assert _col(base, "cost_of_lane_movement_micro_credentials") == ["2666.67", "0.00"]
    # proposal (1.5 a course): 2025 T1 45 ≥ 36 → MA 52,400; T3 12 + 36 = 48 → MA 50,000
    # (12 left); 2026 T1 9 + 6 = 15 → MA+15 53,900; T3 12 + 6 = 18 → MA+15 51,500; T2 stays.
    assert _col(p["years"], "total_salary") == ["150800.00", "153800.00"]
    assert _col(p["vs_baseline"], "salary_difference") == ["4000.00", "7000.00"]
    assert p["contract_term"]["salary_difference"] == "11000.00"
    # 2025: T1 4,000 (all micro-credentials) + T3 4,000 (2,666.67 of it); 2026: 1,500 + 1,500,
    # both paid by micro-credentials alone.
    assert _col(p["years"], "cost_of_lane_movement") == ["8000.00", "3000.00"]
    assert _col(p["years"], "cost_of_lane_movement_micro_credentials") == ["6666.67", "3000.00"]
    assert _col(p["years"], "cost_of_1pct") == ["1508.00", "1538.00"]


def test_muskego_norway_equivalency_counts_categories(tmp_path: Path) -> None:
    # M1: BA 2, 12 foundational + 12 elective. M2: BA 2, 14 foundational + 10 elective. Each
    # earns 4 a year from 2026, half of each category.
    roster = _roster(
        tmp_path,
        "us-wi/muskego-norway",
        [
            (
                "M1",
                "BA",
                2,
                _mc(12, "M1f", "digital-promise", cat="foundational")
                + _mc(12, "M1e", "digital-promise", cat="elective", start=dt.date(2025, 3, 1)),
            ),
            (
                "M2",
                "BA",
                2,
                _mc(14, "M2f", "digital-promise", cat="foundational")
                + _mc(10, "M2e", "digital-promise", cat="elective", start=dt.date(2025, 3, 1)),
            ),
        ],
    )
    a = _assumptions(
        tmp_path,
        {
            "per_lane": {"BA": 4},
            "issuer": "digital-promise",
            "categories": {"foundational": 0.5, "elective": 0.5},
        },
    )
    doc = _run(tmp_path, roster, "muskego-norway-ade24.yaml", a)
    base, p = doc["baseline"]["years"], doc["proposals"][0]
    # baseline: 24 then 28 micro-credentials, short of 30: both BA step 2, 48,000 each.
    assert _col(base, "total_salary") == ["96000.00", "96000.00"]
    assert _col(base, "lane_moves") == [0, 0]
    # proposal (24, 12 + 12): 2025 M1 moves to MA step 2 (51,000); M2 has 24 but 10 < 12
    # elective; 2026 M2 has 16 + 12 = 28 with 12 elective: MA. Each move +3,000, paid by
    # micro-credentials alone.
    assert _col(p["years"], "total_salary") == ["99000.00", "102000.00"]
    assert _col(p["vs_baseline"], "salary_difference") == ["3000.00", "6000.00"]
    assert _col(p["years"], "cost_of_lane_movement_micro_credentials") == ["3000.00", "3000.00"]


def test_kettle_moraine_base_increase_per_micro_credential(tmp_path: Path) -> None:
    # K1: BA 3 (51,200) with 3 micro-credentials; K2: BA 1 (49,000) with 9. Each earns 2 a
    # year from 2026; a micro-credential adds 500.00 to the base (at most 10).
    roster = _roster(
        tmp_path,
        "us-wi/kettle-moraine",
        [("K1", "BA", 3, _mc(3, "K1", "nea")), ("K2", "BA", 1, _mc(9, "K2", "nea"))],
    )
    a = _assumptions(tmp_path, {"per_lane": {"BA": 2}, "issuer": "nea"})
    doc = _run(tmp_path, roster, "kettle-moraine-base750.yaml", a)
    base, p = doc["baseline"]["years"], doc["proposals"][0]
    # baseline 2025: 51,200 + 1,500 + 49,000 + 4,500 = 106,200; 2026: K1 5 → 2,500,
    # K2 11 → capped at 10 → 5,000: 51,200 + 2,500 + 49,000 + 5,000 = 107,700.
    assert _col(base, "total_salary") == ["106200.00", "107700.00"]
    assert _col(base, "base_increases") == ["6000.00", "7500.00"]
    assert base[1]["from_base_increases"] == "1500.00"
    # proposal (750.00): 2025 2,250 + 6,750; 2026 3,750 + 7,500 (capped at 10).
    assert _col(p["years"], "total_salary") == ["109200.00", "111450.00"]
    assert _col(p["vs_baseline"], "salary_difference") == ["3000.00", "3750.00"]
    assert p["contract_term"]["salary_difference"] == "6750.00"
