"""Terminal output for people (issue 14): tables fit 80 columns when stdout is no terminal and
COLUMNS is unset, COLUMNS is respected, and `--wide` prints tables at their natural width."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run(*args: str, columns: str | None = None) -> list[str]:
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
    return r.stdout.splitlines()


def widest(lines: list[str]) -> int:
    return max(len(line) for line in lines)


@pytest.mark.parametrize("args", [("validate",), ("demo", "--no-store")])
def test_tables_fit_80_columns_and_follow_columns(args: tuple[str, ...]) -> None:
    narrow = run(*args)
    assert widest(narrow) <= 80
    wide = run("--wide", *args)
    assert widest(wide) > 80  # the same table at its natural width
    assert len(wide) < len(narrow)  # fewer wrapped lines
    at_100 = run(*args, columns="100")
    assert 80 < widest(at_100) <= 100
