"""Helpers for tests that run the command line as a user would: the synthetic roster of
`benchmarks/roster.py` and `mccredit` in a child process, its stdout a pipe."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def synthetic_roster(out: Path, *, educators: int, seed: int, jurisdiction: str) -> Path:
    """The CSV roster `benchmarks/roster.py --format csv --bad-rate 0` writes to `out`."""
    spec = importlib.util.spec_from_file_location("roster_gen", REPO / "benchmarks/roster.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.generate(
        educators=educators, seed=seed, jurisdiction=jurisdiction, out=out, fmt="csv", bad_rate=0.0
    )
    return out


def readme_costing() -> str:
    """The README's "Costing a contract" section."""
    text = (REPO / "README.md").read_text("utf-8")
    return text[text.index("## Costing a contract") : text.index("## Benchmarks")]


def readme_scenario(
    part: str, roster_dir: Path, *, jurisdiction: str = r"\S+", roster: str = r"/tmp/\S+"
) -> tuple[Path, list[str]]:
    """The roster the first `benchmarks/roster.py` line of `part` for `jurisdiction` generates
    (into `roster_dir`), and the arguments of its first `mccredit scenario ROSTER` line between
    the roster and `--out`, the proposal and assumption files as paths in this checkout."""
    gen = re.search(rf"--educators (\d+) --seed (\d+) --jurisdiction ({jurisdiction})", part)
    assert gen is not None
    made = synthetic_roster(
        roster_dir, educators=int(gen[1]), seed=int(gen[2]), jurisdiction=gen[3]
    )
    cmd = re.search(rf"mccredit scenario {roster} (.*?)--out", part, re.S)
    assert cmd is not None
    args = cmd[1].replace("\\\n", " ").split()
    return made, [str(REPO / a) if a.endswith(".yaml") else a for a in args]


def readme_table_rows(part: str, first: str = "baseline|P1") -> list[list[str]]:
    """The cells (stripped) of each Markdown table row of `part` whose first cell matches
    `first` (a regular expression)."""
    return [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in part.splitlines()
        if re.match(rf"^\| ({first}) \|", line)
    ]


def mccredit_stdout(*args: str, columns: str | None = None) -> str:
    """What `mccredit ARGS` prints to a pipe, with COLUMNS unset (80 columns) or `columns`."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    r = subprocess.run(
        [sys.executable, "-c", "from mccredit.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout
