"""Reading an unsorted roster by hash partitions (issue 14: each partition re-read every
table, so reading grew 8x when the roster tripled: 10^5 -> 3*10^5 educators, 4.5 s -> 36.4 s).

    python benchmarks/hash_partition.py [--sizes 100000 300000 1000000] [--credentials 5]
        [--cache /tmp/mccredit-hash-rosters]

For each size it writes a synthetic TN roster (benchmarks/roster.py, seed 7), shuffles every
table (so the merge path cannot be used) and keeps it under `--cache` for the next run, then
times reading it into whole-educator chunks with the partition count the batch runner would
pick: `hash_chunks` (one streaming pass over each table, polars' partitioned sink) and, as
the baseline in the same run, one filtered scan of every table per partition (the reader
below 9 partitions until issue 14). Prints seconds, seconds per million rows, and how each
grows with the roster.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
import roster as synth  # noqa: E402

from mccredit.batch._roster import (  # noqa: E402
    Chunk,
    Roster,
    _scanned,
    hash_chunks,
    hash_parts,
    open_roster,
)


def per_partition_scans(roster: Roster, parts: int) -> Iterator[Chunk]:
    """The earlier reader: one filtered scan of every table per partition."""
    for k in range(parts):
        yield _scanned(roster, parts, k)


def shuffle(folder: Path) -> None:
    for f in folder.glob("*.parquet"):
        pl.read_parquet(f).sample(fraction=1.0, shuffle=True, seed=1).write_parquet(f)


def read_all(chunks: Iterator[Chunk]) -> int:
    return sum(c.educators.height for c in chunks)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    ap.add_argument("--credentials", type=float, default=5.0)
    ap.add_argument("--chunk-educators", type=int, default=10_000)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/mccredit-hash-rosters"))
    ap.add_argument(
        "--skip-baseline", action="store_true", help="time the single pass only (no per-part scans)"
    )
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        r = open_roster(_shuffled(args.cache, n, args.credentials))
        parts = hash_parts(r, args.chunk_educators * 20)
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        got = read_all(hash_chunks(r, parts))
        spill = time.perf_counter() - t0
        scans = math.nan
        if not args.skip_baseline:
            t0 = time.perf_counter()
            old = read_all(per_partition_scans(r, parts))
            scans = time.perf_counter() - t0
            assert got == old, (got, old)
        total = sum(r.rows(t) or 0 for t in r.files)
        rows.append((n, total, parts, spill, scans, max(load, os.getloadavg()[0])))
    print(
        f"{'educators':>10} {'rows':>9} {'parts':>5} {'single pass':>12} {'s/10^6 rows':>11}"
        f" {'per-part scans':>15} {'speed-up':>8} {'load':>5}"
    )
    for n, total, parts, spill, scans, load in rows:
        print(
            f"{n:>10} {total:>9} {parts:>5} {spill:>10.2f} s {spill / total * 1e6:>11.2f}"
            f" {scans:>13.2f} s {scans / spill:>7.1f}x {load:>5.1f}"
        )
    if len(rows) > 1:
        (n0, t0_, _, s0, o0, _), (n1, t1, _, s1, o1, _) = rows[0], rows[-1]
        print(
            f"growth {n0} -> {n1} educators ({t1 / t0_:.1f}x rows): single pass "
            f"{s1 / s0:.1f}x, per-partition scans {o1 / o0:.1f}x"
        )


def _shuffled(cache: Path, n: int, credentials: float) -> Path:
    """The shuffled synthetic roster of `n` educators, generated once under `cache`."""
    out = cache / f"us-tn-{n}-7-c{credentials}-shuffled"
    if not (out / ".complete").exists():
        synth.generate(
            educators=n,
            seed=7,
            jurisdiction="us-tn",
            out=out,
            fmt="parquet",
            credentials=credentials,
            bad_rate=0.0,
        )
        shuffle(out)
        (out / ".complete").write_text("ok")
    return out


if __name__ == "__main__":
    main()
