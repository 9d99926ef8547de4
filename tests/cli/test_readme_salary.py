"""The README's salary example: run as written, its Change line is what the CLI prints."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from mccredit.cli import app

REPO = Path(__file__).resolve().parents[2]


def test_readme_salary_example_prints_its_retro() -> None:
    text = (REPO / "README.md").read_text("utf-8")
    sec = text[text.index("### A salary example") : text.index("### JSON output")]
    cmd = re.search(r"\$ mccredit salary (\S+) --as-of (\S+)", sec)
    assert cmd is not None
    quoted = re.search(r"^Change: .*$", sec, re.M)
    assert quoted is not None
    r = CliRunner().invoke(
        app, ["salary", str(REPO / cmd[1]), "--jurisdiction", "us-va/pwcs", "--as-of", cmd[2]]
    )
    assert r.exit_code == 0, r.output
    assert quoted[0] in r.output.splitlines()
    assert "retro owed 250.00" in quoted[0]  # 4 pay dates × 62.50 (Feb 28 is paid, not Mar 2)
