"""Hand-off benchmark (issue 15): prints figures and ratios, asserts nothing.

    python benchmarks/handoff.py [--changes 10000] [--educators 2000] [--staff 20000]

Measured in the same run, each against a baseline of the same work without the hand-off:
* payroll layouts: rendering a stored export of `--changes` changes in each bundled per-change
  layout (CSV and the Workday .xlsx), rows/s, against handing over the stored CSV bytes;
* Ed-Fi: reading `--staff` Staff documents with schema validation against parsing the same
  JSON only (docs/s);
* work list and workforce view: `--educators` synthetic TN educators (benchmarks/roster.py,
  seed 3), educators/s, against evaluating the same educators alone.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _export_csv(n: int) -> str:
    from mccredit.store.repositories import EXPORT_COLUMNS

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for i in range(n):
        w.writerow(
            [
                "exp_0123456789abcdef",
                i + 1,
                f"E{i:08d}",
                "us-va/pwcs",
                "BA",
                "4",
                "63213.00",
                "MA",
                "4",
                "70000.00",
                "6787.00",
                "2024-08-15",
                "5000.00",
                "1234.56",
                i + 1,
                "key:abc",
                "2024-12-01T10:00:00",
            ]
        )
    return buf.getvalue()


def layouts(n: int) -> None:
    from mccredit.handoff import bundled_layouts, render

    text = _export_csv(n)
    base, _ = _timed(lambda: text.encode("utf-8"))
    print(f"payroll layouts: {n} changes (stored CSV handed over in {base * 1e3:.2f} ms)")
    for lid, layout in bundled_layouts().items():
        if layout.rows != "per_change" or lid == "generic-csv":
            continue
        secs, data = _timed(lambda layout=layout: render(layout, text))
        again = render(layout, text)
        print(
            f"  {lid:32s} {layout.file:4s} {n / secs:10,.0f} rows/s  {len(data) / 1024:8.1f} KiB"
            f"  {secs / max(base, 1e-9):8.0f}x the stored bytes  same bytes twice: {data == again}"
        )


def edfi(n: int) -> None:
    from mccredit.handoff import validate_resource

    docs = [
        {
            "staffUniqueId": f"S{i:07d}",
            "firstName": "Ann",
            "lastSurname": "Lee",
            "credentials": [
                {
                    "credentialReference": {
                        "credentialIdentifier": f"TN-{i}",
                        "stateOfIssueStateAbbreviationDescriptor": "uri://ed-fi.org/X#TN",
                    }
                }
            ],
        }
        for i in range(n)
    ]
    lines = [json.dumps(d) for d in docs]
    base, _ = _timed(lambda: [json.loads(x) for x in lines])
    secs, bad = _timed(lambda: sum(bool(validate_resource("staffs", json.loads(x))) for x in lines))
    print(
        f"Ed-Fi: {n} Staff documents: parse only {n / base:,.0f} docs/s; parse + schema "
        f"{n / secs:,.0f} docs/s ({secs / base:.1f}x); refused {bad}"
    )


def views(n: int) -> None:
    from mccredit import default_rules
    from mccredit.evaluation import evaluate_plan, plan_for
    from mccredit.handoff import build_worklist, choose_worklist, read_roster
    from mccredit.reports import workforce_html, workforce_view

    spec = importlib.util.spec_from_file_location("roster_gen", HERE / "roster.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rules = default_rules()
    day = dt.date(2026, 6, 30)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "roster"
        gen.generate(educators=n, seed=3, jurisdiction="us-tn", out=out, fmt="csv", bad_rate=0.0)
        read_s, roster = _timed(lambda: read_roster([out], rules=rules, jurisdiction="us-tn"))
    eds = roster.educators
    j = rules.get("us-tn")
    plan = plan_for(rules, j, day)
    base, results = _timed(lambda: [evaluate_plan(plan, e) for e in eds])
    wl_s, doc = _timed(
        lambda: build_worklist(
            eds,
            rules=rules,
            jurisdiction="us-tn",
            as_of=day,
            worklist=choose_worklist(rules, "us-tn"),
        )
    )
    wf_s, view = _timed(
        lambda: workforce_view(
            zip(eds, results, strict=True), jurisdiction="us-tn", as_of=day, catalog=j.catalog
        )
    )
    html_s, html = _timed(lambda: workforce_html(view))
    print(f"roster: {len(eds)} educators read in {read_s:.2f} s ({len(eds) / read_s:,.0f}/s)")
    print(f"  evaluate only (baseline)   {len(eds) / base:10,.0f} educators/s")
    print(
        f"  work list (evaluate + sort) {len(eds) / wl_s:9,.0f} educators/s "
        f"({wl_s / base:.2f}x the baseline); {len(doc.entries)} entries, {len(doc.held)} held, "
        f"{len(doc.at_risk)} at risk, {len(doc.advancement_eligible)} eligible to advance"
    )
    print(
        f"  workforce view (from the same results) {wf_s * 1e3:.0f} ms "
        f"({wf_s / base:.2f}x the evaluation); page {html_s * 1e3:.0f} ms, "
        f"{len(html) / 1024:.0f} KiB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--changes", type=int, default=10_000)
    ap.add_argument("--staff", type=int, default=20_000)
    ap.add_argument("--educators", type=int, default=2_000)
    a = ap.parse_args()
    print(f"python {sys.version.split()[0]}")
    layouts(a.changes)
    edfi(a.staff)
    views(a.educators)


if __name__ == "__main__":
    main()
