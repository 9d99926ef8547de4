"""The costing report in headless Chromium: every chart rendered, titled and labelled, nothing
fetched, no script error, prints to A4 and Letter without spilling over the page's width."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage
from typer.testing import CliRunner

from mccredit.cli import app

REPO = Path(__file__).resolve().parents[2]
#: Printable width (CSS px at 96/in) of A4 and Letter with the report's 12 mm margins.
PRINTABLE_PX = {"A4": (210 - 24) / 25.4 * 96, "Letter": (215.9 - 24) / 25.4 * 96}


@pytest.fixture(scope="module")
def costed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """`mccredit scenario` on a 400-educator synthetic PWCS roster, two bundled proposals."""
    tmp = tmp_path_factory.mktemp("costing")
    spec = importlib.util.spec_from_file_location("roster_gen", REPO / "benchmarks/roster.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    roster = tmp / "roster"
    gen.generate(
        educators=400, seed=11, jurisdiction="us-va/pwcs", out=roster, fmt="csv", bad_rate=0.0
    )
    out = tmp / "cost"
    r = CliRunner().invoke(
        app,
        [
            "scenario",
            str(roster),
            "--proposal",
            str(REPO / "proposals/pwcs-ba12.yaml"),
            "--proposal",
            str(REPO / "proposals/pwcs-scale-3pct.yaml"),
            "--assumptions",
            str(REPO / "proposals/pwcs-assumptions.yaml"),
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "report.html" in r.output
    return out / "report.html", json.loads((out / "scenario.json").read_text("utf-8"))


def _charts(doc: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Chart id -> the title and axis labels it must show."""
    years = doc["years"]
    first, last = years[0], years[-1]
    year_axis = "School year (the year it starts)"
    out = {
        "chart-cost-by-year": (
            "Total compensation cost by year",
            year_axis,
            "Total compensation ($ millions)",
        ),
        "chart-cumulative": (
            "Cumulative cost above the baseline",
            year_axis,
            "Cumulative difference ($ millions)",
        ),
    }
    for k in range(1, len(doc["proposals"]) + 1):
        out[f"chart-gains-p{k}"] = (
            f"P{k}: who gains in {last}",
            "Yearly gain per educator against the baseline ($)",
            "Educators",
        )
    maps = [("baseline", first, "now"), ("baseline", last, "projected")]
    maps += [(f"P{k}", last, "projected") for k in range(1, len(doc["proposals"]) + 1)]
    for label, year, when in maps:
        out[f"chart-scattergram-{label.lower()}-{year}"] = (
            f"Scattergram {year} ({label}, {when}): FTE and cost per lane and step",
            "Lane",
            "Step",
            "FTE",
        )
    return out


def test_every_chart_renders_with_title_and_axis_labels(
    browser_page: BrowserPage, costed: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    report, doc = costed
    page = browser_page.open(report)
    expected = _charts(doc)
    ids = page.eval_on_selector_all("figure.chart", "els => els.map(e => e.id)")
    assert sorted(ids) == sorted(expected)
    for fid, labels in expected.items():
        svg = page.locator(f"#{fid} svg")
        assert svg.count() == 1, fid
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150, (fid, box)
        shapes = page.eval_on_selector(
            f"#{fid} svg",
            "s => [...s.querySelectorAll('path, rect, image, use')]"
            ".filter(e => { const b = e.getBBox(); return b.width > 0 || b.height > 0 }).length",
        )
        assert shapes > 10, (fid, shapes)  # axes, ticks, bars / lines / cells
        texts = page.eval_on_selector_all(
            f"#{fid} svg text", "ts => ts.map(t => t.textContent.trim())"
        )
        for label in labels:
            assert label in texts, (fid, label, texts[:20])
    # the figures the charts draw are the document's: the P1 contract-term figure is shown
    p1 = doc["proposals"][0]["contract_term"]["salary_difference"]
    assert f"{float(p1):,.2f}" in page.inner_text("#term")
    assert browser_page.external_requests == []
    assert browser_page.errors == []
    png = browser_page.screenshot(tmp_path / "report.png")
    assert png.stat().st_size > 50_000


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_prints_within_the_page_width(
    browser_page: BrowserPage, costed: tuple[Path, dict[str, Any]], tmp_path: Path, paper: str
) -> None:
    report, _ = costed
    page = browser_page.open(report)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": int(PRINTABLE_PX[paper]), "height": 1000})
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " Math.max(...[...document.querySelectorAll('table, figure svg')]"
        ".map(e => e.getBoundingClientRect().right))]"
    )
    scroll, client, right = widths
    assert scroll <= client and right <= client, (paper, widths)
    pdf = tmp_path / f"report-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    data = pdf.read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", data)
    assert data.startswith(b"%PDF") and 3 <= len(pages) <= 30, len(pages)
