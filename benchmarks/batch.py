"""Roster batch benchmark (issue 6): prints figures and ratios, asserts nothing.

    python benchmarks/batch.py                       # 10^5 TN educators, ~2·10^6 credentials
    python benchmarks/batch.py --educators 20000 --big 60000 --skip-dask   # a quick look
    python benchmarks/batch.py --local-only --jurisdictions us-tn us-nc     # issue 14.3's two

Every measurement runs in its own child process, so peak RSS is that run's alone. Measured in
the same run:
* `local`: Parquet roster → results Parquet + payroll CSV (`mccredit batch`, columnar path),
  for each of `--jurisdictions` (default us-tn and us-nc), with its CPU time (workers
  included), the load average and how many educators took the per-educator path and why;
* `dask`: the same on a 2-worker `LocalCluster` (processes);
* `reference`: the per-educator engine loop (`--engine reference`) on a 10^4-educator sample;
* `durable_rules`: the TN conversion rules as a durable_rules ruleset, facts posted per
  credential, on the same 10^4 sample (skipped if durable_rules does not import);
* `openfisca`: the TN conversion rule in OpenFisca's array path (`SimulationBuilder`,
  vectorised formula) on the same ~2·10^6 credentials (skipped if openfisca-core is absent);
  beside it our columnar award step alone on the same credentials;
* a district with a salary schedule (`--district`, default the first bundled one): local path;
* memory flatness: peak RSS of the local path at `--educators` and at `--big` educators.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

AS_OF = "2026-06-30"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- children (one measurement)


def child_batch(spec: dict[str, Any]) -> dict[str, Any]:
    t_import = time.perf_counter()
    import mccredit
    from mccredit.batch import run_batch

    t_rules = time.perf_counter()
    rules = mccredit.default_rules()
    t_rules_done = time.perf_counter()
    out = Path(spec["out"])
    load = os.getloadavg()[0]
    t = time.perf_counter()
    s = run_batch(
        spec["roster"],
        rules=rules,
        jurisdiction=spec["jid"],
        as_of=dt.date.fromisoformat(AS_OF),
        out=out / "results.parquet",
        payroll_out=out / "payroll.csv",
        engine=spec["engine"],
        partitions=spec.get("partitions"),
        workers=spec.get("workers") or 1,
    )
    secs = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": secs,
        "import_seconds": t_rules - t_import,
        "rules_seconds": t_rules_done - t_rules,
        # user + system CPU of the whole child (start-up included) and its worker processes
        "cpu_seconds": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "load": max(load, os.getloadavg()[0]),
        "rss_mb": _rss_mb(),
        "educators": s.stats.educators,
        "credentials": s.stats.credentials,
        "fallback": s.stats.fallback,
        "fallback_reasons": s.stats.fallback_reasons,
        "rejected": s.stats.rejected,
    }


def _tn_credentials(roster: str) -> Any:
    import polars as pl

    from mccredit.batch._columns import prepare

    raw = (
        pl.read_parquet(Path(roster) / "credentials.parquet")
        .with_row_index("_row", offset=1)
        .with_columns(pl.col("_row").cast(pl.Int64))
    )
    good, _ = prepare(raw, "credentials")
    return good


def child_openfisca(spec: dict[str, Any]) -> dict[str, Any]:
    import numpy as np
    import polars as pl
    from openfisca_core.entities import build_entity
    from openfisca_core.indexed_enums import Enum
    from openfisca_core.periods import DateUnit
    from openfisca_core.simulations import SimulationBuilder
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    import mccredit
    from mccredit.io.educator import CREDENTIAL_KINDS

    creds = _tn_credentials(spec["roster"])
    j = mccredit.default_rules().get("us-tn")
    accepted_issuers = sorted(j.accepted_issuers)
    kinds = creds.get_column("kind").to_numpy().astype(str)
    n = len(kinds)
    hours = creds.get_column("contact_hours").fill_null(0).to_numpy() / 10_000
    credits = creds.get_column("semester_credits").fill_null(0).to_numpy() / 10_000
    ceus = creds.get_column("ceus").fill_null(0).to_numpy() / 10_000
    audited = creds.get_column("audited").to_numpy()
    accepted = creds.get_column("issuer").is_in(accepted_issuers).fill_null(False).to_numpy()
    known = {(i, c) for i, cs in j.catalog_codes_by_issuer.items() for c in cs}
    with_codes = {i for i, cs in j.catalog_codes_by_issuer.items() if cs}
    # a micro-credential (issuer, code) earned twice counts once: the first by (earned, id)
    first = (
        creds.with_row_index("_i")
        .sort("educator_id", "issuer", "code", "earned", "credential_id")
        .with_columns(
            (
                pl.struct("educator_id", "issuer", "code").is_first_distinct()
                | pl.col("code").is_null()
                | (pl.col("kind") != "micro_credential")
            ).alias("_once")
        )
        .sort("_i")
        .get_column("_once")
        .to_numpy()
    )
    code_ok = first & np.array(
        [
            code is None or issuer not in with_codes or (issuer, code) in known
            for issuer, code in creds.select("issuer", "code").iter_rows()
        ]
    )

    t0 = time.perf_counter()
    Kind = Enum("Kind", {k: k for k in CREDENTIAL_KINDS})  # type: ignore[misc]
    Credential = build_entity(
        key="credential", plural="credentials", label="A credential", is_person=True
    )

    def var(name: str, vtype: Any, **kw: Any) -> type:
        attrs = {
            "value_type": vtype,
            "entity": Credential,
            "definition_period": DateUnit.YEAR,
            "label": name,
            **kw,
        }
        return type(name, (Variable,), attrs)

    def pdp_formula(credential: Any, period: Any) -> Any:
        k = credential("kind", period)
        per_cred = np.select(
            [
                k == Kind.micro_credential,
                k == Kind.national_board,
                k == Kind.national_board_renewal,
            ],
            [6.0, 30.0, 15.0],
            0.0,
        )
        gate = credential("accepted", period) & credential("code_ok", period)
        per_cred = np.where((k == Kind.micro_credential) & ~gate, 0.0, per_cred)
        sem = np.where(
            (k == Kind.graduate_course) | (k == Kind.undergraduate_course),
            credential("semester_credits", period)
            * np.where(credential("audited", period), 5.0, 10.0),
            0.0,
        )
        clock = np.where(
            (k == Kind.workshop)
            | (k == Kind.conference)
            | (k == Kind.action_research)
            | (k == Kind.mentoring),
            credential("contact_hours", period),
            0.0,
        )
        ceu = np.where(k == Kind.ceu_course, credential("ceus", period) * 5.0, 0.0)
        return np.round(per_cred + sem + clock + ceu, 2)

    tbs = TaxBenefitSystem([Credential])
    tbs.add_variables(
        var("kind", Enum, possible_values=Kind, default_value=Kind.other),
        var("contact_hours", float),
        var("semester_credits", float),
        var("ceus", float),
        var("audited", bool),
        var("accepted", bool),
        var("code_ok", bool),
        var("pdp", float, formula=pdp_formula),
    )
    sb = SimulationBuilder()
    sim = sb.build_default_simulation(tbs, n)
    period = "2026"
    sim.set_input("kind", period, Kind.encode(kinds))
    sim.set_input("contact_hours", period, hours)
    sim.set_input("semester_credits", period, credits)
    sim.set_input("ceus", period, ceus)
    sim.set_input("audited", period, audited)
    sim.set_input("accepted", period, accepted)
    sim.set_input("code_ok", period, code_ok)
    pdp = sim.calculate("pdp", period)
    secs = time.perf_counter() - t0
    return {"seconds": secs, "rss_mb": _rss_mb(), "credentials": n, "pdp_sum": float(pdp.sum())}


def child_award_step(spec: dict[str, Any]) -> dict[str, Any]:
    """Our columnar facts + awards on the same credentials (the part OpenFisca expresses)."""
    import polars as pl

    import mccredit
    from mccredit.batch._compile import compile_columnar
    from mccredit.batch._vector import catalog_frames, facts
    from mccredit.evaluation import plan_for

    creds = _tn_credentials(spec["roster"])
    rules = mccredit.default_rules()  # loaded before the clock starts, as for OpenFisca
    t0 = time.perf_counter()
    cp = compile_columnar(plan_for(rules, "us-tn", dt.date.fromisoformat(AS_OF)))
    f = facts(cp, creds, catalog_frames(cp))
    t1 = time.perf_counter()
    ok = pl.col("_gate").is_null()
    masks = []
    for i, op in enumerate(cp.awards):
        has = pl.lit(True) if op.measure is None else pl.col(op.measure).is_not_null()
        masks.append((ok & pl.col("kind").is_in(list(op.kinds)) & op.when & has).alias(f"_m{i}"))
    narrow = f.select("educator_id", "audited", "hours", "semester_credits", "ceus", *masks)
    parts = [
        narrow.filter(pl.col(f"_m{i}")).select("educator_id", op.amount().alias("amount"))
        for i, op in enumerate(cp.awards)
    ]
    total = pl.concat(parts).get_column("amount").sum()
    end = time.perf_counter()
    return {
        "seconds": end - t0,
        "rule_seconds": end - t1,
        "rss_mb": _rss_mb(),
        "credentials": creds.height,
        "pdp_sum": total / 100,
    }


def child_durable(spec: dict[str, Any]) -> dict[str, Any]:
    import polars as pl

    try:
        from durable.lang import c, m, post_batch, ruleset, when_all  # noqa: F401
    except Exception as e:  # noqa: BLE001
        return {"error": f"durable_rules does not import: {e}"}
    creds = _tn_credentials(spec["roster"]).with_columns(
        (pl.col("contact_hours").fill_null(0) / 10_000).alias("h"),
        (pl.col("semester_credits").fill_null(0) / 10_000).alias("sc"),
        (pl.col("ceus").fill_null(0) / 10_000).alias("cu"),
    )
    import mccredit

    accepted = set(mccredit.default_rules().get("us-tn").accepted_issuers)
    totals: dict[str, float] = {}

    def add(ctx: Any, amount: float) -> None:
        e = ctx.m.e
        totals[e] = totals.get(e, 0.0) + amount

    name = f"tn_pdp_{os.getpid()}"
    with ruleset(name):

        @when_all((m.k == "micro_credential") & (m.a == True))  # noqa: E712
        def micro(ctx: Any) -> None:
            add(ctx, 6)

        @when_all((m.k == "graduate_course") | (m.k == "undergraduate_course"))
        def course(ctx: Any) -> None:
            add(ctx, ctx.m.sc * (5 if ctx.m.au else 10))

        @when_all(
            (m.k == "workshop")
            | (m.k == "conference")
            | (m.k == "action_research")
            | (m.k == "mentoring")
        )
        def clock(ctx: Any) -> None:
            add(ctx, ctx.m.h)

        @when_all(m.k == "ceu_course")
        def ceu(ctx: Any) -> None:
            add(ctx, ctx.m.cu * 5)

        @when_all(m.k == "national_board")
        def nb(ctx: Any) -> None:
            add(ctx, 30)

        @when_all(m.k == "national_board_renewal")
        def nbr(ctx: Any) -> None:
            add(ctx, 15)

        @when_all(+m.k)
        def other(ctx: Any) -> None:
            pass

    # each fact names its credential: durable_rules refuses a message identical to one it saw
    facts = [
        {
            "e": r[0],
            "id": r[7],
            "k": r[1],
            "a": r[2] in accepted,
            "h": r[3],
            "sc": r[4],
            "cu": r[5],
            "au": r[6],
        }
        for r in creds.select(
            "educator_id", "kind", "issuer", "h", "sc", "cu", "audited", "credential_id"
        ).iter_rows()
    ]
    t0 = time.perf_counter()
    done = 0
    errors = 0
    first_error: str | None = None
    for i in range(0, len(facts), 1000):
        try:
            post_batch(name, facts[i : i + 1000])
        except Exception as e:  # noqa: BLE001
            errors += 1
            first_error = first_error or repr(e)[:300]
        done += len(facts[i : i + 1000])
    secs = time.perf_counter() - t0
    return {
        "seconds": secs,
        "rss_mb": _rss_mb(),
        "facts": done,
        "errors": errors,
        "first_error": first_error,
        "educators": len(totals),
    }


CHILDREN = {
    "batch": child_batch,
    "openfisca": child_openfisca,
    "awards": child_award_step,
    "durable": child_durable,
}


#: `--pycache DIR`: children cache bytecode under DIR (PYTHONPYCACHEPREFIX), as an installed
#: package has it; otherwise they start as this process does (with PYTHONDONTWRITEBYTECODE
#: set, every start compiles mccredit's sources again).
PYCACHE: Path | None = None


def run_child(kind: str, **spec: Any) -> dict[str, Any]:
    env = None
    if PYCACHE is not None:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(PYCACHE)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, __file__, "--child", kind, json.dumps(spec)],
        capture_output=True,
        text=True,
        env=env,
    )
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1]}
    out = dict(json.loads(p.stdout.strip().splitlines()[-1]))
    out["process_seconds"] = time.perf_counter() - t0  # with interpreter start and imports
    return out


# ---------------------------------------------------------------- the report


def _line(name: str, r: dict[str, Any], n_creds: int | None = None) -> str:
    if "error" in r:
        return f"{name:<34} skipped: {r['error']}"
    creds = r.get("credentials") or r.get("facts") or n_creds or 0
    rate = creds / r["seconds"] if r["seconds"] else 0
    proc = f"  ({r['process_seconds']:.2f} s with start-up" if "process_seconds" in r else ""
    if proc and "import_seconds" in r:
        proc += f": imports {r['import_seconds']:.2f} s, rules {r['rules_seconds']:.2f} s"
    proc += ")" if proc else ""
    if r.get("errors"):
        proc += f"  [{r['errors']} failed batches: {r.get('first_error')}]"
    if "cpu_seconds" in r:
        proc += f"  cpu {r['cpu_seconds']:.2f} s, load {r['load']:.1f}"
    if r.get("fallback"):
        why = ", ".join(f"{k} {v}" for k, v in sorted(r.get("fallback_reasons", {}).items()))
        proc += f"  per-educator {r['fallback']:,} ({why})"
    return (
        f"{name:<34} {r['seconds']:8.2f} s {rate:14,.0f} credentials/s "
        f"{r['rss_mb']:8.0f} MiB peak RSS{proc}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="roster batch benchmark (issue 6)")
    ap.add_argument("--educators", type=int, default=100_000)
    ap.add_argument(
        "--big",
        type=int,
        default=300_000,
        help="second roster size for memory flatness (10^6 if you have the time)",
    )
    ap.add_argument("--sample", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--district", default=None)
    ap.add_argument("--district-educators", type=int, default=None)
    ap.add_argument("--work", type=Path, default=Path("/tmp/mccredit-bench"))
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument(
        "--local-only",
        action="store_true",
        help="only the local columnar runs of --jurisdictions (no Dask, baselines, district, "
        "memory)",
    )
    ap.add_argument("--jurisdictions", nargs="+", default=["us-tn", "us-nc"])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--pycache",
        type=Path,
        default=None,
        help="children cache bytecode in this folder (as an installed package has it); the "
        "first child writes it, so a warm-up child runs first",
    )
    ap.add_argument("--child", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(CHILDREN[a.child[0]](json.loads(a.child[1]))))
        return 0
    global PYCACHE
    if a.pycache is not None:
        PYCACHE = a.pycache.resolve()
        warm = subprocess.run(
            [sys.executable, "-c", "import mccredit, mccredit.batch; mccredit.default_rules()"],
            env={
                **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                "PYTHONPYCACHEPREFIX": str(PYCACHE),
            },
        )
        if warm.returncode != 0:
            return warm.returncode
    import roster as synth  # benchmarks/roster.py (here, so the children never load it)

    import mccredit

    rules = mccredit.default_rules()
    work: Path = a.work
    work.mkdir(parents=True, exist_ok=True)
    print(f"mccredit batch benchmark: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    if PYCACHE is not None:
        print(f"children cache bytecode in {PYCACHE}")
    elif sys.flags.dont_write_bytecode:
        print("bytecode cache off (PYTHONDONTWRITEBYTECODE): each child compiles mccredit again")
    res: dict[str, dict[str, Any]] = {}

    def batch(name: str, roster: Path, jid: str, engine: str, **kw: Any) -> dict[str, Any]:
        kw.setdefault("workers", a.workers)
        r = run_child(
            "batch", roster=str(roster), jid=jid, engine=engine, out=str(work / f"out-{name}"), **kw
        )
        res[name] = r
        print(_line(name, r), flush=True)
        return r

    for jid in a.jurisdictions:
        roster = synth.cached(work, jurisdiction=jid, educators=a.educators, seed=a.seed)
        print(f"\n{jid}, {a.educators:,} educators (Parquet in → results Parquet + payroll CSV)")
        batch(f"local (columnar), {jid}", roster, jid, "local")
    if a.local_only:
        (work / "results.json").write_text(json.dumps(res, indent=2))
        return 0
    tn = synth.cached(work, jurisdiction="us-tn", educators=a.educators, seed=a.seed)
    sample = synth.cached(work, jurisdiction="us-tn", educators=a.sample, seed=a.seed)
    local = res.get("local (columnar), us-tn") or batch(
        "local (columnar), us-tn", tn, "us-tn", "local"
    )
    if not a.skip_dask:
        batch("dask LocalCluster (2 workers)", tn, "us-tn", "dask", partitions=4)
    print(f"\nbaselines on a {a.sample:,}-educator sample")
    ref = batch("per-educator engine loop", sample, "us-tn", "reference", workers=1)
    small = batch("local (columnar), sample", sample, "us-tn", "local")
    dr = run_child("durable", roster=str(sample))
    res["durable_rules"] = dr
    print(_line("durable_rules (TN conversions)", dr))
    print("\npeer baseline: the TN conversion rule alone, same credentials")
    of = run_child("openfisca", roster=str(tn))
    res["openfisca"] = of
    print(_line("OpenFisca array path", of))
    aw = run_child("awards", roster=str(tn))
    res["awards"] = aw
    print(_line("mccredit columnar award step", aw))
    if "error" not in aw:
        aw_rule = {**aw, "seconds": aw["rule_seconds"]}
        res["awards_rule_only"] = aw_rule
        print(_line("  of which the rule (gate as input)", aw_rule))
    if "error" not in of and "error" not in aw:
        print(
            f"  PDP sums: OpenFisca {of['pdp_sum']:,.2f} (float32), mccredit "
            f"{aw['pdp_sum']:,.2f} (exact)"
        )
    district = a.district or next(
        (jid for jid in rules.ids if "/" in jid and rules.get(jid).schedules), None
    )
    if district:
        dn = a.district_educators or a.educators
        droster = synth.cached(work, jurisdiction=district, educators=dn, seed=a.seed)
        print(f"\n{district} (salary), {dn:,} educators")
        batch(f"local, {district}", droster, district, "local")
        if not a.skip_dask:
            batch(f"dask, {district}", droster, district, "dask", partitions=4)
    print(f"\nmemory flatness: us-tn at {a.educators:,} and {a.big:,} educators")
    big = synth.cached(work, jurisdiction="us-tn", educators=a.big, seed=a.seed)
    bigr = batch(f"local (columnar), {a.big:,}", big, "us-tn", "local")
    print("\nratios")

    def ratio(label: str, slow: dict[str, Any], fast: dict[str, Any], per: str) -> None:
        if "error" in slow or "error" in fast:
            return
        s = slow.get(per, 0) / slow["seconds"]
        f = fast.get(per, 0) / fast["seconds"]
        if s:
            print(f"  {label:<58} {f / s:8.1f}×")

    ratio("columnar vs per-educator loop (credentials/s, sample)", ref, small, "credentials")
    ratio("columnar (full roster) vs per-educator loop (credentials/s)", ref, local, "credentials")
    if "error" not in dr:
        ratio(
            "columnar (full roster) vs durable_rules (credentials/s)",
            {**dr, "credentials": dr["facts"]},
            local,
            "credentials",
        )
    ratio("columnar award step vs OpenFisca array path (same rule)", of, aw, "credentials")
    if "awards_rule_only" in res:
        ratio("  the rule alone, gate as input in both", of, res["awards_rule_only"], "credentials")
    ratio("columnar end to end vs OpenFisca rule alone (credentials/s)", of, local, "credentials")
    if "error" not in local and "error" not in bigr:
        print(
            f"  peak RSS {a.educators:,} → {a.big:,} educators: {local['rss_mb']:.0f} → "
            f"{bigr['rss_mb']:.0f} MiB ({bigr['rss_mb'] / local['rss_mb']:.2f}×)"
        )
    (work / "results.json").write_text(json.dumps(res, indent=2))
    print(f"\nfigures saved to {work / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
