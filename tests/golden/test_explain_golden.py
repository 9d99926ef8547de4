"""Golden files: the `mccredit explain` text of the FACTS §5 worked examples.

Each `examples/<name>.yaml` holds a jurisdiction, an as_of date, the educator and the figures
FACTS states; its explanation must equal `expected/<name>.txt` byte for byte (the ruleset's
sha256 prefix is masked, so editing an unrelated rule's wording does not churn every file).
An example whose jurisdiction is not bundled is skipped, so examples can land before rules.

Regenerate after an intended change, then review the diff:

    MCCREDIT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import mccredit
from mccredit.cli import app

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted((HERE / "examples").glob("*.yaml"))
EXPECTED = HERE / "expected"
UPDATE = os.environ.get("MCCREDIT_UPDATE_GOLDEN") == "1"
_SHA = re.compile(r"sha256 [0-9a-f]{16}…")


def _example(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # every scalar stays a string
    assert set(data) == {"jurisdiction", "as_of", "expect", "educator"}, path.name
    return data


def _educator(data: dict[str, Any]) -> dict[str, Any]:
    return {"jurisdiction": data["jurisdiction"], **data["educator"]}


def _skip_unless_bundled(jurisdiction: str) -> None:
    if jurisdiction not in mccredit.default_rules().ids:
        pytest.skip(f"{jurisdiction} is not bundled yet")


def test_examples_exist() -> None:
    assert [p.stem for p in EXAMPLES if p.stem.startswith("tn-5.1")]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_explain_matches_golden(path: Path, tmp_path: Path) -> None:
    data = _example(path)
    _skip_unless_bundled(data["jurisdiction"])
    ed_file = tmp_path / f"{path.stem}.json"
    ed_file.write_text(json.dumps(_educator(data), indent=2))
    r = CliRunner().invoke(
        app,
        ["explain", str(ed_file), "--jurisdiction", data["jurisdiction"], "--as-of", data["as_of"]],
    )
    assert r.exit_code == 0, r.output
    text = _SHA.sub("sha256 <masked>", r.stdout)
    golden = EXPECTED / f"{path.stem}.txt"
    if UPDATE:
        golden.write_text(text)
    assert golden.is_file(), f"no golden file: run MCCREDIT_UPDATE_GOLDEN=1 pytest {HERE}"
    assert text == golden.read_text()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_figures_are_the_facts_figures(path: Path) -> None:
    data = _example(path)
    _skip_unless_bundled(data["jurisdiction"])
    doc = mccredit.evaluate(_educator(data), as_of=data["as_of"])
    want = data["expect"]
    if "totals" in want:
        assert doc["totals"] == want["totals"]
    if {"remaining", "complete", "short"} & set(want):
        (r,) = doc["renewal"]
        if "remaining" in want:
            assert r["remaining"] == want["remaining"]
        if "complete" in want:
            assert r["complete"] is (want["complete"] == "true")
        if "short" in want:
            assert r["short_categories"] == want["short"]
    for key, value in want.get("salary", {}).items():
        assert doc["salary"][key] == value


def test_no_orphan_golden_files() -> None:
    stems = {p.stem for p in EXAMPLES}
    assert {p.stem for p in EXPECTED.glob("*.txt")} <= stems
