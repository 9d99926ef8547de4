"""Loading a large educator file (issue 14: 16.6 MB took 772 s and 1.7 GB through the YAML
composer; target: linear in size, 16 MB in under 5 s).

    python benchmarks/large_file.py [--mb 16]

Writes educator JSON files of 1, 4 and `--mb` MB (indented, as exported by HR systems), then
prints, per size, the time of `load_educator` (plain JSON: the standard parser, lines worked
out only for problems), of the same file through the located YAML loader (the old path; 1 MB
only unless --slow), and of a bare `json.loads` of the text as the baseline, with ratios.
"""

from __future__ import annotations

import argparse
import functools
import json
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from mccredit._yaml import _load_yaml
from mccredit.io.educator import load_educator


def write(path: Path, mb: float) -> int:
    one = {
        "id": "c0",
        "kind": "micro_credential",
        "issuer": "nea",
        "earned": "2023-01-01",
        "code": "DP-EXAMPLE",
    }
    per = len(json.dumps(one, indent=2).replace("\n", "\n    ")) + 6
    n = int(mb * 1_000_000 / per)
    doc = {
        "id": "E-1",
        "jurisdiction": "us-tn",
        "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
        "credentials": [dict(one, id=f"c{i}") for i in range(n)],
    }
    path.write_text(json.dumps(doc, indent=2))
    return n


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Seconds (best of two runs, untraced) and peak traced MB (a third, traced run)."""
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return best, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=16)
    ap.add_argument("--slow", action="store_true", help="time the YAML path at every size")
    args = ap.parse_args()
    print(
        f"{'size':>8} {'creds':>7} {'json.loads':>11} {'load_educator':>14} {'ratio':>6} "
        f"{'peak MB':>8} {'yaml path':>10} {'yaml/fast':>9}"
    )
    with tempfile.TemporaryDirectory() as d:
        for mb in (1, 4, args.mb):
            f = Path(d) / f"e{mb}.json"
            n = write(f, mb)
            text = f.read_text()
            base, _ = timed(functools.partial(json.loads, text))
            fast, peak = timed(functools.partial(load_educator, f))
            slow_s = "-"
            ratio_s = "-"
            if mb == 1 or args.slow:
                slow, _ = timed(functools.partial(_load_yaml, text, path=str(f)))
                slow_s = f"{slow:.2f} s"
                ratio_s = f"{slow / fast:.0f}x"
            size = f.stat().st_size / 1e6
            print(
                f"{size:>6.1f}MB {n:>7} {base:>9.3f} s {fast:>12.3f} s {fast / base:>5.1f}x "
                f"{peak:>8.0f} {slow_s:>10} {ratio_s:>9}"
            )


if __name__ == "__main__":
    main()
