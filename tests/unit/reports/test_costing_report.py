"""The costing report's HTML: self-contained, deterministic, escaped, built from the document."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import mccredit
from mccredit.reports import costing_report, write_costing_report
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.costing import cost_scenarios

ASSUME: dict[str, Any] = {
    "assumptions": "report test (example values)",
    "from_year": 2025,
    "years": 2,
    "scale_growth": "0.02",
    "accrual": {"per_lane": {"BA": 4}},
    "attrition": {"rate": "0.1", "replace_lane": "BA", "replace_step": 1, "seed": 3},
}
RAISE = {
    "proposal": "Raise <b>BA+15</b> & friends",
    "jurisdiction": "us-va/pwcs",
    "effective": "2025-07-01",
    "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
}


def _doc(proposals: list[dict[str, Any]]) -> dict[str, Any]:
    lanes = ["BA", "BA+15", "MA", "MA+30", "DOC"]
    eds = [
        mccredit.to_educator(
            {
                "id": f"R-{i}",
                "jurisdiction": "us-va/pwcs",
                "salary": {"lane": lanes[i % 5], "step": 1 + i % 14},
                "credentials": [
                    {
                        "id": "g",
                        "kind": "graduate_course",
                        "earned": "2025-08-01",
                        "semester_credits": 6 + i % 9,
                    }
                ],
            }
        )
        for i in range(80)
    ]
    j = mccredit.default_rules().get("us-va/pwcs")
    return cost_scenarios(j, eds, proposals, parse_assumptions(ASSUME))


def test_report_is_self_contained_and_deterministic(tmp_path: Path) -> None:
    doc = _doc([RAISE])
    html = costing_report(doc)
    assert html == costing_report(doc)  # byte-identical
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)  # only url(#id)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) > 0  # charts share one page without id clashes
    refs = set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', html))
    assert {r for pair in refs for r in pair if r} <= set(ids)
    # one inline SVG per chart: cost, cumulative, gains, 3 scattergrams
    assert html.count("<figure class=chart") == html.count("<svg") == 6
    path = write_costing_report(doc, tmp_path / "report.html")
    assert path.read_text("utf-8") == html
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


def test_report_shows_the_documents_figures_and_hashes() -> None:
    doc = _doc([RAISE])
    html = costing_report(doc)
    p = doc["proposals"][0]
    assert doc["ruleset"]["sha256"] in html and doc["assumptions"]["sha256"] in html
    assert p["proposal"]["sha256"] in html
    assert Decimal(p["contract_term"]["salary_difference"]) > 0
    assert f"{Decimal(p['contract_term']['salary_difference']):,.2f}" in html
    for y in doc["baseline"]["years"]:
        assert f"{Decimal(y['cost_of_1pct']):,.2f}" in html
    # the assumptions' values are listed
    assert "attrition.rate" in html and "0.1" in html


def test_names_are_escaped() -> None:
    html = costing_report(_doc([RAISE]))
    assert "<b>BA+15</b>" not in html
    assert "Raise &lt;b&gt;BA+15&lt;/b&gt; &amp; friends" in html


def test_a_baseline_only_report_has_no_proposal_charts() -> None:
    html = costing_report(_doc([]))
    assert "No proposal was costed" in html
    assert "chart-cumulative" not in html and "chart-gains" not in html
    assert html.count("<svg") == 3  # cost by year, scattergram now and projected
