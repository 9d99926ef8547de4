"""Synthetic roster generator: a realistic state or district roster, fixed seed.

    python benchmarks/roster.py --educators 100000 --seed 7 --jurisdiction us-tn --out /tmp/tn

Writes `educators`, `credentials` and `evaluations` tables (Parquet by default, `--format csv`
for CSV) in the layout of docs/BATCH.md, sorted by educator_id: license dates spread over the
last cycle, a mix of credential kinds, accepted and unaccepted issuers, catalog codes and
categories of the jurisdiction, evaluations, salary placements where the jurisdiction has a
schedule, and a few bad rows (`--bad-rate`) of every kind the batch must reject.
About `--credentials` credentials per educator on average (default 20).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl

import mccredit

__all__ = ["cached", "generate"]

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
_KIND_P = [0.30, 0.30, 0.12, 0.08, 0.07, 0.04, 0.03, 0.03, 0.01, 0.01, 0.005, 0.005]
_EPOCH = dt.date(1970, 1, 1)


def _days(d: dt.date) -> int:
    return (d - _EPOCH).days


def generate(
    *,
    educators: int,
    seed: int,
    jurisdiction: str,
    out: Path,
    fmt: str = "parquet",
    credentials: float = 20.0,
    bad_rate: float = 0.0005,
    as_of: dt.date | None = None,
    filing: bool = False,
) -> dict[str, int]:
    rules = mccredit.default_rules()
    j = rules.get(jurisdiction)
    as_of = as_of or dt.date(2026, 6, 30)
    rng = np.random.default_rng(seed)
    n = educators
    ids = np.array([f"E{i:08d}" for i in range(n)], dtype=object)
    # --- educators: one row per license (10% hold two)
    types = list(j.file.license_types) or sorted({t for r in j.requirements for t in r.license})
    types = types or ["professional"]
    two = rng.random(n) < 0.10
    lic_edu = np.concatenate([np.arange(n), np.nonzero(two)[0]])
    lic_edu.sort(kind="stable")
    m = lic_edu.size
    issued = _days(as_of) - rng.integers(30, 6 * 365, m)
    expires_span = rng.choice([5 * 365, 6 * 365, 3 * 365], m)
    rolling = rng.random(m) < 0.15
    lanes, steps = _salary_grid(j)
    exp = rng.integers(0, 35, n)
    band = rng.choice(["k-5", "6-12"], n)
    role = np.where(rng.random(n) < 0.08, "administrator", "teacher")
    edu = pl.DataFrame(
        {
            "educator_id": ids[lic_edu],
            "jurisdiction": [jurisdiction] * m,
            "role": role[lic_edu],
            "grade_band": band[lic_edu],
            "experience_years": [str(x) for x in exp[lic_edu]],
            "license_type": np.array(types, dtype=object)[rng.integers(0, len(types), m)],
            "license_id": [f"L{i:08d}" for i in range(m)],
            "license_issued": pl.Series(issued, dtype=pl.Int32).cast(pl.Date),
            "license_expires": pl.Series(issued + expires_span, dtype=pl.Int32).cast(pl.Date),
        }
    )
    edu = edu.with_columns(
        pl.when(pl.Series(rolling))
        .then(None)
        .otherwise(pl.col("license_expires"))
        .alias("license_expires")
    )
    if lanes:
        lane = np.array(lanes, dtype=object)[rng.integers(0, len(lanes), n)]
        step = rng.integers(min(steps), max(steps) + 1, n)
        edu = edu.with_columns(
            pl.Series("salary_schedule", ["teachers"] * m),
            pl.Series("salary_lane", lane[lic_edu]),
            pl.Series("salary_step", step[lic_edu]),
        )
    # --- credentials
    per = rng.poisson(credentials, n)
    cred_edu = np.repeat(np.arange(n), per)
    k = cred_edu.size
    kind = np.array(_KINDS, dtype=object)[rng.choice(len(_KINDS), k, p=_KIND_P)]
    entries = list(j.catalog.values())
    accepted = sorted(j.accepted_issuers) or ["digital-promise"]
    issuer = np.full(k, None, dtype=object)
    code = np.full(k, None, dtype=object)
    mc = kind == "micro_credential"
    pick = rng.integers(0, max(1, len(entries)), k)
    roll = rng.random(k)
    if entries:
        cat_issuer = np.array([e.issuer for e in entries], dtype=object)
        cat_code = np.array([e.code for e in entries], dtype=object)
        use_cat = mc & (roll < 0.80)
        issuer[use_cat] = cat_issuer[pick[use_cat]]
        code[use_cat] = cat_code[pick[use_cat]]
    other_ok = mc & (roll >= 0.80) & (roll < 0.93)
    issuer[other_ok] = np.array(accepted, dtype=object)[
        rng.integers(0, len(accepted), other_ok.sum())
    ]
    unknown = mc & (roll >= 0.93) & (roll < 0.98)
    issuer[unknown] = "badgemill"
    code_typo = mc & (roll >= 0.98)
    issuer[code_typo] = accepted[0]
    code[code_typo] = "XX-UNKNOWN-1"
    cats_pool = _categories(j)
    ncat = rng.integers(0, 3, k)
    c1 = rng.integers(0, len(cats_pool), k)
    c2 = rng.integers(0, len(cats_pool), k)
    cats = [
        "" if nc == 0 else cats_pool[a] if nc == 1 else f"{cats_pool[a]};{cats_pool[b]}"
        for nc, a, b in zip(ncat, c1, c2, strict=True)
    ]
    hours = np.where(
        np.isin(kind, ["workshop", "conference", "action_research", "mentoring"]),
        rng.choice([1, 2, 3, 6, 7.5, 12, 15, 20], k),
        np.nan,
    )
    hours = np.where(mc & (rng.random(k) < 0.3), 15, hours)
    credits = np.where(
        np.isin(kind, ["graduate_course", "undergraduate_course"]),
        rng.choice([1, 2, 3, 3, 3, 4], k),
        np.nan,
    )
    ceus = np.where(kind == "ceu_course", rng.choice([0.5, 1, 1.5, 2, 2.5], k), np.nan)
    earned = _days(as_of) - rng.integers(0, 7 * 365, k)
    audited = np.isin(kind, ["graduate_course", "undergraduate_course"]) & (rng.random(k) < 0.05)

    def measure(a: np.ndarray) -> pl.Series:
        scaled = np.where(np.isnan(a), 0, np.round(a * 10_000)).astype(np.int64)
        s = pl.Series(scaled).cast(pl.Decimal(38, 0)).cast(pl.Decimal(12, 4)) / 10_000
        return pl.select(
            pl.when(pl.Series(np.isnan(a))).then(None).otherwise(s).cast(pl.Decimal(12, 4))
        ).to_series()

    cred = pl.DataFrame(
        {
            "educator_id": ids[cred_edu],
            "credential_id": [f"C{i:09d}" for i in range(k)],
            "kind": kind.tolist(),
            "issuer": issuer.tolist(),
            "code": code.tolist(),
            "earned": pl.Series(earned, dtype=pl.Int32).cast(pl.Date),
            "categories": cats,
            "contact_hours": measure(hours),
            "semester_credits": measure(credits),
            "ceus": measure(ceus),
            "audited": audited,
        },
        schema_overrides={"issuer": pl.String, "code": pl.String},
    )
    # --- evaluations: the last three school years for 70% of educators
    has_ev = rng.random(n) < 0.7
    ev_edu = np.repeat(np.nonzero(has_ev)[0], 3)
    years = np.tile([as_of.year - 2, as_of.year - 1, as_of.year], int(has_ev.sum()))
    evals = pl.DataFrame(
        {
            "educator_id": ids[ev_edu],
            "year": years,
            "score": rng.choice([1, 2, 3, 4, 5], ev_edu.size, p=[0.03, 0.1, 0.37, 0.3, 0.2]),
        }
    )
    # --- a few bad rows of every kind
    nbad = int(k * bad_rate)
    if fmt == "csv":
        cred = cred.with_columns(pl.col("earned").cast(pl.String))
    if nbad:
        rows = rng.choice(k, size=min(k, nbad * 5), replace=False)
        groups = np.array_split(rows, 5)
        cred = (
            cred.with_row_index("_i")
            .with_columns(
                pl.when(pl.col("_i").is_in(groups[0]))
                .then(None)
                .otherwise(pl.col("credential_id"))
                .alias("credential_id"),
                (
                    pl.when(pl.col("_i").is_in(groups[1]))
                    .then(pl.lit("2024-02-30"))
                    .otherwise(pl.col("earned"))
                    .alias("earned")
                )
                if fmt == "csv"
                else (
                    pl.when(pl.col("_i").is_in(groups[1]))
                    .then(pl.col("earned") - dt.timedelta(days=1))
                    .alias("submitted")
                ),
                pl.when(pl.col("_i").is_in(groups[2]))
                .then(pl.lit(-3).cast(pl.Decimal(12, 4)))
                .otherwise(pl.col("contact_hours"))
                .alias("contact_hours"),
                pl.when(pl.col("_i").is_in(groups[3]))
                .then(pl.lit("webinar"))
                .otherwise(pl.col("kind"))
                .alias("kind"),
            )
            .drop("_i")
        )
        dup = cred[np.sort(groups[4]).tolist()]
        cred = pl.concat([cred, dup]).sort("educator_id", maintain_order=True)
    # schools last, from their own stream, so every other column is what this seed always gave
    srng = np.random.default_rng(seed + 7919)
    n_schools = max(2, min(12, n // 40))
    school_of = srng.integers(0, n_schools, n)
    if "educator_id" in edu.columns and edu.height:
        idx = {e: i for i, e in enumerate(ids)}
        edu = edu.with_columns(
            pl.Series(
                "school",
                [
                    f"School {school_of[idx[e]] + 1:02d}" if e in idx else None
                    for e in edu["educator_id"].to_list()
                ],
                dtype=pl.String,
            )
        )
    if filing:
        # filing and approval dates (salary rules read them), from their own stream too:
        # filed 0-59 days after earning; 92% approved 5-59 days before, the rest not approved
        frng = np.random.default_rng(seed + 104729)
        kk = cred.height
        earned_days = cred.get_column("earned").cast(pl.Date, strict=False)
        filed = (earned_days.cast(pl.Int32) + pl.Series(frng.integers(0, 60, kk))).cast(pl.Int32)
        filed = filed.cast(pl.Date)
        approved = pl.Series(np.where(frng.random(kk) < 0.92, frng.integers(5, 60, kk), -1))
        ok = approved >= 0
        cred = cred.with_columns(
            (pl.coalesce("submitted", filed) if "submitted" in cred.columns else filed).alias(
                "submitted"
            ),
            pl.when(ok)
            .then((earned_days.cast(pl.Int32) - approved).cast(pl.Int32).cast(pl.Date))
            .otherwise(None)
            .alias("approved"),
        )
    out.mkdir(parents=True, exist_ok=True)
    for name, df in (("educators", edu), ("credentials", cred), ("evaluations", evals)):
        for old in out.glob(f"{name}.*"):
            old.unlink()
        if fmt == "csv":
            df.write_csv(out / f"{name}.csv")
        else:
            df.write_parquet(out / f"{name}.parquet", row_group_size=256_000)
    return {
        "educators": n,
        "licenses": m,
        "credentials": cred.height,
        "evaluations": evals.height,
        "bad_rows": nbad * 5,
    }


def _salary_grid(j: object) -> tuple[list[str], list[int]]:
    schedules = getattr(j, "schedules", None) or []
    if not schedules:
        return [], []
    s = schedules[-1]
    return list(s.lanes), sorted(int(x) for x in s.steps)


def _categories(j: object) -> list[str]:
    pool: list[str] = []
    for r in getattr(j, "requirements", []):
        pool.extend(r.categories)
    for c in getattr(j, "caps", []):
        if c.category:
            pool.append(c.category)
    for e in getattr(j, "catalog", {}).values():
        pool.extend(e.categories)
    pool.extend(["literacy", "general"])
    return sorted(set(pool))


def cached(
    work: Path,
    *,
    jurisdiction: str,
    educators: int,
    seed: int,
    credentials: float = 20.0,
    bad_rate: float = 0.0005,
) -> Path:
    """The roster `generate` writes for these settings, under `work`: generated once (by this
    script in a child process, so the caller's memory and time figures never include the
    generator's) and reused while its `.complete` stamp is there."""
    name = f"{jurisdiction.replace('/', '_')}-{educators}-{seed}"
    if credentials != 20.0:
        name += f"-c{credentials}"
    if bad_rate != 0.0005:
        name += f"-b{bad_rate}"
    out = work / name
    stamp = out / ".complete"
    if not stamp.exists():
        subprocess.run(
            [
                sys.executable,
                __file__,
                *("--educators", str(educators), "--seed", str(seed)),
                *("--jurisdiction", jurisdiction, "--out", str(out)),
                *("--credentials", str(credentials), "--bad-rate", str(bad_rate)),
            ],
            check=True,
            stdout=sys.stderr,
        )
        stamp.write_text("ok")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--educators", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jurisdiction", required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    ap.add_argument("--credentials", type=float, default=20.0)
    ap.add_argument("--bad-rate", type=float, default=0.0005)
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    ap.add_argument(
        "--filing",
        action="store_true",
        help="add `submitted` (0-59 days after earning) and `approved` (92%%: 5-59 days before)",
    )
    a = ap.parse_args(argv)
    counts = generate(
        educators=a.educators,
        seed=a.seed,
        jurisdiction=a.jurisdiction,
        out=a.out,
        fmt=a.format,
        credentials=a.credentials,
        bad_rate=a.bad_rate,
        as_of=a.as_of,
        filing=a.filing,
    )
    print(f"wrote {a.out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
