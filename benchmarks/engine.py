"""Per-educator engine benchmark: prints figures and ratios, asserts nothing.

    python benchmarks/engine.py                    # 5,000 educators per jurisdiction
    python benchmarks/engine.py --educators 1000 --jurisdictions us-tn us-nc

The per-educator path (`parse_educator` → `evaluate_plan` → `to_json`) is what
`mccredit.evaluate`, the HTTP API and the batch fallback (every educator of a district with a
salary schedule) run. For each jurisdiction, on the same seeded synthetic educators:

* `parse`: the pydantic parse alone (the baseline measured in the same run);
* `engine`: `evaluate_plan` alone on the parsed educators, the plan cached (warm);
* `json`: `mccredit.to_json` alone on those results;
* `full`: parse + evaluate_plan + to_json, as the API does per request;

with educators/s, µs/educator and the ratio of `full` to `parse`. A sha256 of the JSON of every
evaluation (input errors included, as their text) is printed per jurisdiction and overall:
the same seed must give the same hash before and after a change to the engine.

Then, per request (issue 14.1), on `--requests` of those educators, each timed alone in CPU
time (`time.thread_time_ns`, so other processes on a shared machine count less), best of
`--repeat`: p50/p99 of `evaluate_plan` and of the full request (JSON bytes → educator →
evaluation → JSON text, what `POST /v1/evaluate` does), and of the baseline, a bare Decimal
loop over the same credentials (each measure's text → `Decimal` × a rate, summed). The ratios
stage p99 ÷ loop p50 are printed with the targets of issue 14: full within 30×, evaluate_plan
within 15×, and NC within 2× of TN.

    python benchmarks/engine.py --profile us-tn      # cProfile of the per-request stages
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import io
import pstats
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson

import mccredit
from mccredit.errors import InputError
from mccredit.evaluation import EvaluationPlan as Plan
from mccredit.evaluation import evaluate_plan, plan_for
from mccredit.io.educator import Educator, parse_educator
from mccredit.rules import RuleSet

AS_OF = dt.date(2026, 6, 30)
DEFAULT_JURISDICTIONS = ("us-tn", "us-nc", "us-il/troy-30c", "us-va/pwcs")

_KINDS = [
    "micro_credential",
    "workshop",
    "graduate_course",
    "conference",
    "ceu_course",
    "undergraduate_course",
    "action_research",
    "mentoring",
    "national_board",
    "national_board_renewal",
    "degree",
    "other",
]
_KIND_W = [0.30, 0.30, 0.12, 0.08, 0.07, 0.04, 0.03, 0.03, 0.01, 0.01, 0.005, 0.005]


def _categories(j: Any) -> list[str]:
    pool: list[str] = []
    for r in j.requirements:
        pool.extend(r.categories)
    for c in j.caps:
        if c.category:
            pool.append(c.category)
    for e in j.catalog.values():
        pool.extend(e.categories)
    for lane in j.lanes:
        for m in lane.category_minimums or {}:
            pool.append(m)
    pool.extend(["literacy", "general"])
    return sorted(set(pool))


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: fine for lambda around 20
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def make_educators(
    rules: RuleSet, jid: str, n: int, seed: int, credentials: float = 20.0
) -> list[dict[str, Any]]:
    """`n` educator documents for `jid`, the mix of benchmarks/roster.py, fixed seed."""
    j = rules.get(jid)
    rng = random.Random(f"{seed}:{jid}")
    types = list(j.file.license_types) or sorted({t for r in j.requirements for t in r.license})
    types = types or ["professional"]
    entries = sorted(j.catalog.values(), key=lambda e: (e.issuer, e.code))
    accepted = sorted(j.accepted_issuers) or ["digital-promise"]
    cats_pool = _categories(j)
    sched = j.schedules[-1] if j.schedules else None
    lanes = list(sched.lanes) if sched is not None else []
    steps = sorted(int(s) for s in sched.steps) if sched is not None else []
    out: list[dict[str, Any]] = []
    for i in range(n):
        licenses = []
        for k in range(2 if rng.random() < 0.10 else 1):
            issued = AS_OF - dt.timedelta(days=rng.randint(30, 6 * 365))
            lic: dict[str, Any] = {
                "type": rng.choice(types),
                "id": f"L{i:08d}-{k}",
                "issued": issued.isoformat(),
            }
            if rng.random() >= 0.15:
                span = rng.choice([5 * 365, 6 * 365, 3 * 365])
                lic["expires"] = (issued + dt.timedelta(days=span)).isoformat()
            licenses.append(lic)
        creds = []
        for c in range(_poisson(rng, credentials)):
            kind = rng.choices(_KINDS, weights=_KIND_W)[0]
            earned = AS_OF - dt.timedelta(days=rng.randint(0, 7 * 365))
            cred: dict[str, Any] = {"id": f"C{i:07d}-{c:03d}", "kind": kind}
            if kind == "micro_credential":
                roll = rng.random()
                if entries and roll < 0.80:
                    e = rng.choice(entries)
                    cred["issuer"], cred["code"] = e.issuer, e.code
                elif roll < 0.93:
                    cred["issuer"] = rng.choice(accepted)
                elif roll < 0.98:
                    cred["issuer"] = "badgemill"
                else:
                    cred["issuer"], cred["code"] = accepted[0], "XX-UNKNOWN-1"
                if rng.random() < 0.3:
                    cred["contact_hours"] = "15"
            cred["earned"] = earned.isoformat()
            ncat = rng.randint(0, 2)
            if ncat:
                cred["categories"] = sorted({rng.choice(cats_pool) for _ in range(ncat)})
            if kind in ("workshop", "conference", "action_research", "mentoring"):
                cred["contact_hours"] = rng.choice(["1", "2", "3", "6", "7.5", "12", "15", "20"])
            if kind in ("graduate_course", "undergraduate_course"):
                cred["semester_credits"] = rng.choice(["1", "2", "3", "3", "3", "4"])
                if rng.random() < 0.05:
                    cred["audited"] = True
            if kind == "ceu_course":
                cred["ceus"] = rng.choice(["0.5", "1", "1.5", "2", "2.5"])
            if sched is not None and rng.random() < 0.9:
                cred["submitted"] = (earned + dt.timedelta(days=rng.randint(0, 400))).isoformat()
            creds.append(cred)
        doc: dict[str, Any] = {
            "id": f"E{i:08d}",
            "jurisdiction": jid,
            "role": "administrator" if rng.random() < 0.08 else "teacher",
            "grade_band": rng.choice(["k-5", "6-12"]),
            "experience_years": str(rng.randint(0, 34)),
            "licenses": licenses,
            "credentials": creds,
        }
        if rng.random() < 0.7:
            doc["evaluations"] = [
                {"year": y, "score": rng.choices([1, 2, 3, 4, 5], [3, 10, 37, 30, 20])[0]}
                for y in (AS_OF.year - 2, AS_OF.year - 1, AS_OF.year)
            ]
        if lanes:
            since = AS_OF - dt.timedelta(days=rng.randint(0, 5 * 365))
            doc["salary"] = {
                "lane": rng.choice(lanes),
                "step": rng.randint(steps[0], steps[-1]),
                "schedule": "teachers",
                **({"since": since.isoformat()} if rng.random() < 0.6 else {}),
            }
        out.append(doc)
    return out


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The best of `repeat` runs (seconds), and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


# issue 14.1's targets: stage p99 ÷ the bare Decimal loop's p50, and NC ÷ TN
TARGETS = {"full": 30.0, "engine": 15.0}
NC_OVER_TN = 2.0
_RATE = Decimal("0.1")


def _measure_texts(doc: dict[str, Any]) -> list[str]:
    """Each credential's measure as its input text (1 for a credential counted per credential)."""
    out = []
    for c in doc.get("credentials", ()):
        out.append(c.get("contact_hours") or c.get("semester_credits") or c.get("ceus") or "1")
    return out


def bare_loop(texts: list[str]) -> Decimal:
    """The baseline: what any evaluation must at least do per credential."""
    total = Decimal(0)
    for text in texts:
        total += Decimal(text) * _RATE
    return total


def parse_request(body: bytes, known: dict[str, tuple[str, ...]]) -> Educator:
    """A request body (JSON bytes) to an educator, as the API and the CLI read JSON."""
    return parse_educator(orjson.loads(body), known_issuers=known)


def _per_call(fn: Callable[[Any], Any], args: list[Any], repeat: int) -> list[int]:
    """CPU ns of `fn(arg)` for each arg, best of `repeat` (each call timed alone)."""
    best = [1 << 62] * len(args)
    clock = time.thread_time_ns
    for _ in range(repeat):
        for i, arg in enumerate(args):
            t = clock()
            fn(arg)
            d = clock() - t
            if d < best[i]:
                best[i] = d
    return best


def _pct(values: list[int], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] / 1000.0  # µs


def per_request(
    rules: RuleSet, jid: str, n: int, seed: int, credentials: float, repeat: int
) -> dict[str, tuple[float, float]]:
    """p50/p99 (µs, CPU) of the loop, evaluate_plan and the full request for `jid`."""
    known = rules.issuer_aliases()
    plan = plan_for(rules, jid, AS_OF)
    docs = make_educators(rules, jid, n, seed, credentials)
    bodies = [orjson.dumps(d) for d in docs]
    texts = [_measure_texts(d) for d in docs]
    parsed = []
    for b in bodies:
        try:
            parsed.append(parse_request(b, known))
        except InputError:
            continue
    for ed in parsed[:50]:  # warm every cache the evaluation keeps
        evaluate_plan(plan, ed)

    def full(body: bytes) -> str:
        try:
            return mccredit.to_json(evaluate_plan(plan, parse_request(body, known)))
        except InputError as e:
            return str(e)

    gc.collect()
    gc.freeze()
    out = {
        "loop": _per_call(bare_loop, texts, repeat),
        "engine": _per_call(lambda ed: evaluate_plan(plan, ed), parsed, repeat),
        "full": _per_call(full, bodies, repeat),
    }
    gc.unfreeze()
    return {k: (_pct(v, 0.50), _pct(v, 0.99)) for k, v in out.items()}


def profile(rules: RuleSet, jid: str, n: int, seed: int, credentials: float, top: int) -> None:
    """cProfile of the warm evaluate_plan and of the full request on `n` educators of `jid`."""
    known = rules.issuer_aliases()
    plan = plan_for(rules, jid, AS_OF)
    bodies = [orjson.dumps(d) for d in make_educators(rules, jid, n, seed, credentials)]
    parsed = []
    for b in bodies:
        try:
            parsed.append(parse_request(b, known))
        except InputError:
            continue
    for ed in parsed:
        evaluate_plan(plan, ed)

    def engine() -> None:
        for ed in parsed:
            evaluate_plan(plan, ed)

    def full() -> None:
        for b in bodies:
            try:
                mccredit.to_json(evaluate_plan(plan, parse_request(b, known)))
            except InputError:
                pass

    for name, fn in (("evaluate_plan", engine), ("full request", full)):
        prof = cProfile.Profile()
        prof.runcall(fn)
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
        print(f"\n## {jid} {name}: {n} educators, {total / n * 1e6:,.0f} µs each under cProfile")
        stats.sort_stats("tottime").print_stats(top)
        lines = buf.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print("\n".join(lines[start : start + top + 1]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--educators", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    ap.add_argument("--credentials", type=float, default=20.0)
    ap.add_argument("--jurisdictions", nargs="+", default=list(DEFAULT_JURISDICTIONS))
    ap.add_argument(
        "--requests", type=int, default=500, help="educators timed one by one (p50/p99)"
    )
    ap.add_argument("--profile", metavar="JURISDICTION", help="print cProfile tables and stop")
    ap.add_argument("--top", type=int, default=25, help="rows of each --profile table")
    a = ap.parse_args(argv)
    rules = mccredit.default_rules()
    known = rules.issuer_aliases()
    n = a.educators
    if a.profile:
        profile(rules, a.profile, min(n, 500), a.seed, a.credentials, a.top)
        return 0
    print(
        f"per-educator engine, {n} educators per jurisdiction, seed {a.seed}, "
        f"~{a.credentials:g} credentials each, as_of {AS_OF}, best of {a.repeat}"
    )
    print(
        f"{'jurisdiction':<16} {'parse/s':>9} {'engine/s':>9} {'json/s':>9} {'full/s':>9} "
        f"{'µs full':>8} {'full÷parse':>10}  sha256"
    )
    overall = hashlib.sha256()
    for jid in a.jurisdictions:
        docs = make_educators(rules, jid, n, a.seed, a.credentials)
        plan = plan_for(rules, jid, AS_OF)

        def parse_all(docs: list[dict[str, Any]] = docs) -> list[Educator | InputError]:
            out: list[Educator | InputError] = []
            for d in docs:
                try:
                    out.append(parse_educator(d, known_issuers=known))
                except InputError as e:
                    out.append(e)
            return out

        def parse_only(docs: list[dict[str, Any]] = docs) -> int:
            ok = 0
            for d in docs:
                try:
                    parse_educator(d, known_issuers=known)
                    ok += 1
                except InputError:
                    pass
            return ok

        parsed = parse_all()
        gc.freeze()  # the inputs are long-lived: keep them out of the collector's scans
        t_parse, _ = _timed(parse_only, a.repeat)

        def engine_all(
            parsed: list[Educator | InputError] = parsed, plan: Plan = plan
        ) -> list[dict[str, Any] | str]:
            out: list[dict[str, Any] | str] = []
            for ed in parsed:
                if isinstance(ed, InputError):
                    out.append(f"error: {ed}\n")
                    continue
                try:
                    out.append(evaluate_plan(plan, ed))
                except InputError as e:
                    out.append(f"error: {e}\n")
            return out

        t_engine, results = _timed(engine_all, a.repeat)

        def json_all(results: list[dict[str, Any] | str] = results) -> list[str]:
            return [r if isinstance(r, str) else mccredit.to_json(r) for r in results]

        t_json, texts = _timed(json_all, a.repeat)

        def full(docs: list[dict[str, Any]] = docs, plan: Plan = plan) -> int:
            size = 0
            for d in docs:
                try:
                    ed = parse_educator(d, known_issuers=known)
                    size += len(mccredit.to_json(evaluate_plan(plan, ed)))
                except InputError as e:
                    size += len(str(e))
            return size

        t_full, _ = _timed(full, a.repeat)
        gc.unfreeze()
        h = hashlib.sha256()
        for text in texts:
            h.update(text.encode())
        overall.update(h.digest())
        print(
            f"{jid:<16} {n / t_parse:>9,.0f} {n / t_engine:>9,.0f} {n / t_json:>9,.0f} "
            f"{n / t_full:>9,.0f} "
            f"{t_full / n * 1e6:>8,.0f} {t_full / t_parse:>10.1f}  {h.hexdigest()[:16]}"
        )
    print(f"overall sha256 of every evaluation's JSON: {overall.hexdigest()}")
    print_per_request(rules, a)
    return 0


def print_per_request(rules: RuleSet, a: argparse.Namespace) -> None:
    print(
        f"\nper request: {a.requests} educators each timed alone, CPU µs, best of {a.repeat}; "
        "ratio = stage p99 ÷ loop p50"
    )
    print(
        f"{'jurisdiction':<16} {'loop p50':>9} {'engine p50/p99':>15} {'full p50/p99':>15} "
        f"{'engine×':>8} {'full×':>7}"
    )
    seen: dict[str, dict[str, tuple[float, float]]] = {}
    for jid in a.jurisdictions:
        r = per_request(rules, jid, a.requests, a.seed, a.credentials, a.repeat)
        seen[jid] = r
        loop = r["loop"][0]
        e50, e99 = r["engine"]
        f50, f99 = r["full"]
        print(
            f"{jid:<16} {loop:>9.1f} {e50:>7,.0f}/{e99:<7,.0f} {f50:>7,.0f}/{f99:<7,.0f} "
            f"{e99 / loop:>8.1f} {f99 / loop:>7.1f}"
        )
    tn = seen.get("us-tn")
    if tn is None:
        return
    loop = tn["loop"][0]
    print("\ntargets (issue 14.1), TN:")
    for stage, label in (("full", "full request p99"), ("engine", "evaluate_plan p99")):
        ratio = tn[stage][1] / loop
        ok = "met" if ratio <= TARGETS[stage] else "NOT met"
        print(f"  {label:<18} {ratio:>6.1f}× the loop   target ≤ {TARGETS[stage]:g}×   {ok}")
    nc = seen.get("us-nc")
    if nc is not None:
        for stage, label in (("full", "NC÷TN full p99"), ("engine", "NC÷TN engine p99")):
            ratio = nc[stage][1] / tn[stage][1]
            ok = "met" if ratio <= NC_OVER_TN else "NOT met"
            print(f"  {label:<18} {ratio:>6.2f}×            target ≤ {NC_OVER_TN:g}×    {ok}")


if __name__ == "__main__":
    sys.exit(main())
