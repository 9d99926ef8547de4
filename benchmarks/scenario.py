"""Contract costing benchmark (issue 11): prints figures and ratios, asserts nothing.

    python benchmarks/scenario.py                        # 3 proposals × 5 years × 10^5 PWCS
    python benchmarks/scenario.py --educators 10000      # a quick look

Measured in the same run, each in its own child process (so peak RSS is that run's alone),
on one synthetic PWCS roster (`benchmarks/roster.py`, fixed seed):

* `costing`: `mccredit scenario`'s computation (`run_costing`: read the batch roster, one shared
  projection per scenario plus its no-attrition twin for breakage, the tables, gains and
  stacking), baseline + 3 bundled proposals (BA+15 at 12 hours, 3% scale, new MA+45 lane) ×
  5 years, without writing the outputs; and `report`: the HTML report of that document;
* `batch`: one `mccredit batch` run of the same roster on the first costed day (salary
  placement for every educator, the columnar path with its per-educator salary fallback).
  The issue's yardstick is 16 independent batch runs (baseline and each proposal, each year,
  evaluated from scratch); 16 × this one run is printed as that estimate, not run 16 times.

Floor (issue 11): costing under 60 s on this machine; aim under 10 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PROPOSALS = ("pwcs-ba12.yaml", "pwcs-scale-3pct.yaml", "pwcs-ma45.yaml")
YEARS = 5


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process (user + system): on a shared machine the fairer figure."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _child(kind: str, roster: str, work: str) -> dict[str, Any]:
    import datetime as dt

    import mccredit
    from mccredit.scenarios.assumptions import load_assumptions

    rules = mccredit.default_rules()
    a = load_assumptions(REPO / "proposals/pwcs-assumptions.yaml")
    a = a.model_copy(update={"years": YEARS})
    if kind == "batch":
        from mccredit.batch import run_batch

        t0, c0 = time.perf_counter(), _cpu()
        s = run_batch(
            roster,
            rules=rules,
            jurisdiction="us-va/pwcs",
            as_of=dt.date(a.from_year, 10, 1),
            out=Path(work) / "batch.parquet",
        )
        return {
            "seconds": time.perf_counter() - t0,
            "cpu_seconds": _cpu() - c0,
            "educators": s.stats.educators,
        }
    from mccredit.reports import costing_report
    from mccredit.scenarios import load_proposal
    from mccredit.scenarios.costing import cost_scenarios
    from mccredit.scenarios.roster import load_costing_roster

    t0, c0 = time.perf_counter(), _cpu()
    eds, fte, days = load_costing_roster([Path(roster)])
    t1 = time.perf_counter()
    props = [load_proposal(REPO / "proposals" / p) for p in PROPOSALS]
    doc = cost_scenarios(rules.get("us-va/pwcs"), eds, props, a, weights=fte)
    t2 = time.perf_counter()
    out: dict[str, Any] = {
        "seconds": t2 - t0,
        "cpu_seconds": _cpu() - c0,
        "load_seconds": t1 - t0,
        "cost_seconds": t2 - t1,
        "educators": doc["educators"],
        "contract_term": {
            p["proposal"]["name"][:40]: p["contract_term"]["salary_difference"]
            for p in doc["proposals"]
        },
    }
    if kind == "costing+report":
        t3 = time.perf_counter()
        html = costing_report(doc)
        out["report_seconds"] = time.perf_counter() - t3
        out["report_bytes"] = len(html.encode())
    return out


def _run(kind: str, roster: Path, work: Path) -> dict[str, Any]:
    r = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(roster), str(work)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--educators", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--credentials", type=float, default=5.0, help="per educator, on average")
    ap.add_argument("--work", type=Path, default=Path("/tmp/mccredit-bench-scenario"))
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, roster, work = args.child
        res = _child(kind, roster, work)
        res["peak_rss_mb"] = round(_rss_mb(), 1)
        print(json.dumps(res))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    import roster as synth  # benchmarks/roster.py (here, so the children never load it)

    roster = synth.cached(
        args.work,
        jurisdiction="us-va/pwcs",
        educators=args.educators,
        seed=args.seed,
        credentials=args.credentials,
        bad_rate=0,
    )
    print(
        f"roster: {args.educators} PWCS educators, seed {args.seed} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    cost = _run("costing+report", roster, args.work)
    batch = _run("batch", roster, args.work)
    sixteen = 16 * batch["seconds"]
    sixteen_cpu = 16 * batch["cpu_seconds"]
    n = cost["educators"]
    print(
        f"costing: baseline + {len(PROPOSALS)} proposals × {YEARS} years × {n} educators: "
        f"{cost['seconds']:.2f} s (load {cost['load_seconds']:.2f} s, projection and tables "
        f"{cost['cost_seconds']:.2f} s; CPU {cost['cpu_seconds']:.2f} s), "
        f"peak RSS {cost['peak_rss_mb']} MiB; "
        f"{n * YEARS * (len(PROPOSALS) + 1) / cost['cost_seconds']:,.0f} educator-years/s"
    )
    print(f"report: {cost['report_seconds']:.2f} s, {cost['report_bytes'] / 1024:.0f} KiB of HTML")
    print(
        f"batch: one run, {batch['educators']} educators with salary: {batch['seconds']:.2f} s, "
        f"CPU {batch['cpu_seconds']:.2f} s, peak RSS {batch['peak_rss_mb']} MiB; "
        f"16 independent runs ≈ {sixteen:.1f} s (CPU {sixteen_cpu:.1f} s)"
    )
    print(
        f"ratio: costing / 16 batch runs = {cost['seconds'] / sixteen:.3f} "
        f"({sixteen / cost['seconds']:.1f}× faster); costing / one batch run = "
        f"{cost['seconds'] / batch['seconds']:.2f}; by CPU time: costing / 16 batch runs = "
        f"{cost['cpu_seconds'] / sixteen_cpu:.3f}"
    )
    floor = "met" if cost["seconds"] < 60 else "NOT met"
    aim = "met" if cost["seconds"] < 10 else "not met"
    print(f"floor (< 60 s wall): {floor}; aim (< 10 s): {aim} (at {n} educators)")
    for name, v in cost["contract_term"].items():
        print(f"  contract term Δ salary, {name}: {v}")


if __name__ == "__main__":
    main()
