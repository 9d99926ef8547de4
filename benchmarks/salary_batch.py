"""Salary districts in `mccredit batch` (issue 11.7): columnar salary against the per-educator
path, end to end, on the same roster in the same run. Prints figures and ratios, asserts
nothing.

    python benchmarks/salary_batch.py                                   # Troy 30-C and PWCS, 10^5
    python benchmarks/salary_batch.py --educators 20000 --districts us-va/pwcs

For each district a roster is generated once (`benchmarks/roster.py --filing`: with `submitted`
and `approved` dates, so lane moves really happen) and run twice, each in its own child
process (peak RSS is that run's):
* `columnar`: `run_batch(engine="local")`, the path `mccredit batch` takes;
* `per-educator`: `run_batch(engine="reference")`: every educator through `evaluate_plan`,
  which is what a district with salary did before salary ran in columns (the whole plan was
  then handed to the engine);
with wall and CPU time, the load average, peak RSS, how many educators took the per-educator
path and why, salary changes and their cost, and whether both wrote the same results (sha256
of the results table sorted by educator, license).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def child(spec: dict[str, Any]) -> dict[str, Any]:
    import polars as pl

    import mccredit
    from mccredit.batch import run_batch

    rules = mccredit.default_rules()
    out = Path(spec["out"])
    load = os.getloadavg()[0]
    t = time.perf_counter()
    s = run_batch(
        spec["roster"],
        rules=rules,
        jurisdiction=spec["jid"],
        as_of=dt.date.fromisoformat(spec["as_of"]),
        out=out / "results.parquet",
        payroll_out=out / "payroll.csv",
        engine=spec["engine"],
    )
    secs = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = pl.read_parquet(out / "results.parquet").sort(
        "educator_id", "license_issued", "license_type", nulls_last=True
    )
    digest = hashlib.sha256(res.write_csv().encode()).hexdigest()[:16]
    return {
        "seconds": secs,
        # the child's CPU and its worker processes' (the per-educator path uses a pool)
        "cpu_seconds": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "load": max(load, os.getloadavg()[0]),
        "rss_mb": own.ru_maxrss / 1024,
        "educators": s.stats.educators,
        "credentials": s.stats.credentials,
        "fallback": s.stats.fallback,
        "fallback_reasons": s.stats.fallback_reasons,
        "salary_changes": s.stats.salary_changes,
        "cost_this_year": s.stats.cost_this_year / 100,
        "sha256": digest,
    }


def run_child(spec: dict[str, Any]) -> dict[str, Any]:
    p = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True, text=True
    )
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(p.stdout.strip().splitlines()[-1]))


def _line(name: str, r: dict[str, Any]) -> str:
    if "error" in r:
        return f"  {name:<13} failed: {r['error']}"
    why = ", ".join(f"{k} {v:,}" for k, v in sorted(r["fallback_reasons"].items()))
    return (
        f"  {name:<13} {r['seconds']:8.2f} s  cpu {r['cpu_seconds']:8.2f} s  load {r['load']:4.1f}"
        f"  {r['rss_mb']:6.0f} MiB  {r['educators']:,} educators, {r['credentials']:,}"
        f" credentials; salary changes {r['salary_changes']:,}, cost this year"
        f" {r['cost_this_year']:,.2f}; per-educator {r['fallback']:,} ({why or 'none'});"
        f" results sha256 {r['sha256']}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--educators", type=int, default=100_000)
    ap.add_argument("--districts", nargs="+", default=["us-il/troy-30c", "us-va/pwcs"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--as-of", default="2026-03-01")
    ap.add_argument("--work", type=Path, default=Path("/tmp/mccredit-salary-bench"))
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child(json.loads(a.child))))
        return 0
    print(
        f"salary batch benchmark: {os.cpu_count()} cores, {a.educators:,} educators per "
        f"district, seed {a.seed}, as_of {a.as_of}"
    )
    for jid in a.districts:
        roster = a.work / f"{jid.replace('/', '_')}-{a.educators}-{a.seed}"
        if not (roster / ".complete").exists():
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "roster.py"),
                    "--educators",
                    str(a.educators),
                    "--seed",
                    str(a.seed),
                    "--jurisdiction",
                    jid,
                    "--as-of",
                    a.as_of,
                    "--filing",
                    "--out",
                    str(roster),
                ],
                check=True,
                capture_output=True,
            )
            (roster / ".complete").touch()
        print(f"{jid}:")
        spec = {"roster": str(roster), "jid": jid, "as_of": a.as_of}
        col = run_child({**spec, "engine": "local", "out": str(a.work / "out-col")})
        print(_line("columnar", col), flush=True)
        if a.skip_reference:
            continue
        ref = run_child({**spec, "engine": "reference", "out": str(a.work / "out-ref")})
        print(_line("per-educator", ref), flush=True)
        if "error" not in col and "error" not in ref:
            print(
                f"  ratio         {ref['seconds'] / col['seconds']:.1f}x wall, "
                f"{ref['cpu_seconds'] / col['cpu_seconds']:.1f}x cpu; same results: "
                f"{col['sha256'] == ref['sha256']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
