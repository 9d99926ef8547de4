"""Every worked example in `jurisdictions/**/cases/*.yaml` as its own pytest item.

Case files are found when the tests are collected, so a jurisdiction added later is picked
up without editing this file. Ids read `<case file>::<case name>`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import mccredit
from mccredit._yaml import ProblemException, load_file
from mccredit.testing import CaseResult, run_case_file

REPO = Path(__file__).resolve().parents[1]
JURISDICTIONS = REPO / "jurisdictions"


def _case_files() -> list[Path]:
    return sorted(
        p
        for p in JURISDICTIONS.rglob("*")
        if p.suffix in (".yaml", ".yml") and p.parent.name == "cases"
    )


def _params() -> list[object]:
    params: list[object] = []
    for path in _case_files():
        rel = path.relative_to(REPO).as_posix()
        try:
            data = load_file(path, display=rel).data
        except ProblemException as e:  # the runner reports it; keep one item per bad file
            params.append(pytest.param(path, 0, id=f"{rel}::<unreadable: {e.problem.type}>"))
            continue
        if not isinstance(data, list) or not data:
            params.append(pytest.param(path, 0, id=f"{rel}::<not a list of cases>"))
            continue
        for i, case in enumerate(data):
            name = case.get("name") if isinstance(case, dict) else None
            params.append(pytest.param(path, i, id=f"{rel}::{name or f'case #{i + 1}'}"))
    return params


@cache
def _results(path: Path) -> tuple[CaseResult, ...]:
    return tuple(run_case_file(path, mccredit.default_rules()))


def test_case_files_are_found() -> None:
    assert _case_files(), f"no case files under {JURISDICTIONS}"
    assert any("us-tn" in p.parts for p in _case_files())


@pytest.mark.parametrize(("path", "index"), _params())
def test_case(path: Path, index: int) -> None:
    results = _results(path)
    assert index < len(results), f"{path}: no result for case #{index + 1}"
    r = results[index]
    assert r.passed, f"{r.where} {r.name}:\n  " + "\n  ".join(r.failures)
