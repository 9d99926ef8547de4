"""Bad salary schedules are load-time errors naming file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mccredit

ROOT = Path(__file__).resolve().parents[3]
SCHED = "jurisdictions/us-va/pwcs/schedules"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for part in ("rules", "jurisdictions/us-va"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def _edit(tree: Path, name: str, old: str, new: str) -> None:
    path = tree / SCHED / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "  4: [63213, 64713, 69213, 71213, 72713]",
            "  4: [63213, 64713, 69213, 71213]",
            "missing or extra cell",
        ),
        ("  4: [63213, 64713,", "  4: [64713, 63213,", "lanes out of order"),
        ("  4: [63213,", "  4: [-63213,", "negative"),
    ],
)
def test_bad_grid(tree: Path, old: str, new: str, words: str) -> None:
    _edit(tree, "2024-25.yaml", old, new)
    with pytest.raises(mccredit.RuleError) as info:
        mccredit.load_rules(tree)
    [p] = info.value.problems
    assert words in p.message
    assert p.path == f"{SCHED}/2024-25.yaml" and p.line is not None and p.loc == ("steps",)


def test_lanes_listed_differently_across_years(tree: Path) -> None:
    _edit(
        tree, "2024-25.yaml", "lanes: [BA, BA+15, MA, MA+30, DOC]", "lanes: [BA, BA+15, MA, MA+30]"
    )
    text = (tree / SCHED / "2024-25.yaml").read_text()
    lines = [
        ln.rsplit(",", 1)[0] + "]" if ln.startswith("  ") and "[" in ln else ln
        for ln in text.splitlines()
    ]
    (tree / SCHED / "2024-25.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(mccredit.RuleError) as info:
        mccredit.load_rules(tree)
    assert [p.type for p in info.value.problems] == ["rule.schedule_lanes"]
