"""Reading an unsorted roster by hash partitions (issue 14: each partition re-read every
table, so reading grew 8x when the roster tripled: 10^5 -> 3*10^5 educators, 4.5 s -> 36.4 s).

    python benchmarks/hash_partition.py [--sizes 100000 300000] [--credentials 5]

For each size it writes a synthetic TN roster (benchmarks/roster.py), shuffles every table
(so the merge path cannot be used), and times reading it into whole-educator chunks with the
partition count the batch runner would pick: `hash_chunks` (one filtered scan per partition
below `SPILL_FROM_PARTS` partitions, one spilling pass from there on) and, as the baseline in
the same run, the earlier one-scan-per-partition reader (below). Prints seconds and how each
grows with the roster. Measured on the loaded 2-core machine, TN, 5 credentials per
educator, spill at every size: 10^5 (3 parts) 4.2 s vs 1.4 s; 10^6 (25 parts) 34 s vs 75 s;
growth over 10x the rows 8.2x vs 53.9x.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
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
    """The earlier reader at every size: one filtered scan of every table per partition (what
    `hash_chunks` still does below `SPILL_FROM_PARTS`)."""
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
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for n in args.sizes:
            out = Path(d) / f"r{n}"
            synth.generate(
                educators=n,
                seed=7,
                jurisdiction="us-tn",
                out=out,
                fmt="parquet",
                credentials=args.credentials,
                bad_rate=0.0,
            )
            shuffle(out)
            r = open_roster(out)
            parts = hash_parts(r, args.chunk_educators * 20)
            t0 = time.perf_counter()
            got = read_all(hash_chunks(r, parts))
            spill = time.perf_counter() - t0
            t0 = time.perf_counter()
            old = read_all(per_partition_scans(r, parts))
            scans = time.perf_counter() - t0
            assert got == old, (got, old)
            total = sum(r.rows(t) or 0 for t in r.files)
            rows.append((n, total, parts, spill, scans))
    print(
        f"{'educators':>10} {'rows':>9} {'parts':>5} {'single pass':>12} {'per-part scans':>15}"
        f" {'speed-up':>8}"
    )
    for n, total, parts, spill, scans in rows:
        print(
            f"{n:>10} {total:>9} {parts:>5} {spill:>10.2f} s {scans:>13.2f} s "
            f"{scans / spill:>7.1f}x"
        )
    if len(rows) > 1:
        (n0, t0_, _, s0, o0), (n1, t1, _, s1, o1) = rows[0], rows[-1]
        print(
            f"growth {n0} -> {n1} educators ({t1 / t0_:.1f}x rows): single pass "
            f"{s1 / s0:.1f}x, per-partition scans {o1 / o0:.1f}x"
        )


if __name__ == "__main__":
    main()
