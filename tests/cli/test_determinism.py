"""Same input and ruleset give byte-identical JSON, even across processes with different
string-hash seeds (so no set order leaks into the output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

import mccredit

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "golden" / "examples").glob("*.yaml"))
CODE = """\
import json, sys
from typer.testing import CliRunner
from mccredit.cli import app
for job in json.loads(sys.argv[1]):
    r = CliRunner().invoke(app, ["evaluate", *job, "--json"])
    assert r.exit_code == 0, r.output
    sys.stdout.write(r.stdout)
"""


def _run(jobs: list[list[str]], seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    r = subprocess.run(
        [sys.executable, "-c", CODE, json.dumps(jobs)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_json_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    bundled = set(mccredit.default_rules().ids)
    jobs: list[list[str]] = []
    for path in EXAMPLES:
        data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)
        if data["jurisdiction"] in bundled:
            ed = tmp_path / f"{path.stem}.json"
            ed.write_text(json.dumps({"jurisdiction": data["jurisdiction"], **data["educator"]}))
            jobs.append([str(ed), "--as-of", data["as_of"]])
    assert jobs
    first = _run(jobs, "1")
    assert first.count('"ruleset"') == len(jobs)
    assert _run(jobs, "2") == first
