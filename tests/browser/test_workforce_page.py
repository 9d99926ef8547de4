"""The workforce page in headless Chromium (issue 15), with real figures from the bundled
synthetic roster generator (benchmarks/roster.py, fixed seed, schools included): every chart
rendered with its title and axis labels, the page's figures equal the JSON view's, nothing
fetched, no script error, and it prints within A4's width."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage
from typer.testing import CliRunner

from mccredit.cli import app

REPO = Path(__file__).resolve().parents[2]
A4_PX = (210 - 24) / 25.4 * 96


@pytest.fixture(scope="module")
def page_and_view(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("workforce")
    spec = importlib.util.spec_from_file_location("roster_gen", REPO / "benchmarks/roster.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    roster = tmp / "roster"
    gen.generate(educators=300, seed=5, jurisdiction="us-nc", out=roster, fmt="csv", bad_rate=0.0)
    out = tmp / "out"
    r = CliRunner().invoke(
        app, ["workforce", str(roster), "-j", "us-nc", "--as-of", "2026-06-30", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    return out / "workforce.html", json.loads((out / "workforce.json").read_text("utf-8"))


CHARTS = {
    "chart-holders": (
        "Educators by category",
        "Educators holding a credited credential in the category",
        "Category",
    ),
    "chart-short": (
        "Where renewals fall short",
        "Share of educators still short in their renewal cycle (%)",
        "Renewal category",
    ),
    "chart-trend": (
        "Credentials earned by school year",
        "School year",
        "Credentials earned (shown counts)",
    ),
}


def test_the_page_renders_every_chart_with_the_views_figures(
    browser_page: BrowserPage, page_and_view: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    html, view = page_and_view
    assert view["educators"] == 300 and len(view["schools"]) == 7
    page = browser_page.open(html)
    ids = page.eval_on_selector_all("figure.chart", "els => els.map(e => e.id)")
    assert sorted(ids) == sorted(CHARTS)
    for fid, labels in CHARTS.items():
        svg = page.locator(f"#{fid} svg")
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, (fid, box)
        texts = page.eval_on_selector_all(f"#{fid} svg text", "ts => ts.map(t => t.textContent)")
        for label in labels:
            assert label in texts, (fid, label)
        bars = page.eval_on_selector(
            f"#{fid} svg",
            "s => [...s.querySelectorAll('path, rect')].filter(e => e.getBBox().width > 0).length",
        )
        assert bars > 5, (fid, bars)
    # the categories the chart names are the view's, and the table shows the view's counts
    cats = {r["key"] for r in view["holders"] if r["group"] == "category" and r["educators"]}
    chart_text = set(
        page.eval_on_selector_all("#chart-holders svg text", "ts => ts.map(t => t.textContent)")
    )
    assert cats <= chart_text
    body = page.inner_text("body")
    top = max(
        (r for r in view["holders"] if r["school"] == "all" and r["group"] == "category"),
        key=lambda r: r["educators"] or 0,
    )
    assert f"{top['key']}\tAll schools\t{top['educators']}" in body
    assert "NC" in body or "us-nc" in body
    short = [r for r in view["short"] if r["share"] is not None]
    assert short and f"{100 * short[0]['share']:.0f}%" in body
    assert view["coaches"] and view["coaches"][0]["educator_id"] in body
    assert browser_page.external_requests == [] and browser_page.errors == []
    assert browser_page.screenshot(tmp_path / "workforce.png").stat().st_size > 20_000


def test_the_page_prints_within_a4(
    browser_page: BrowserPage, page_and_view: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    html, _ = page_and_view
    page = browser_page.open(html)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": int(A4_PX), "height": 1000})
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client
    page.pdf(path=str(tmp_path / "w.pdf"), format="A4")
    assert (tmp_path / "w.pdf").stat().st_size > 10_000
