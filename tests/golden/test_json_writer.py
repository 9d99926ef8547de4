"""The evaluation JSON is written by orjson (issue 14: `to_json` took longer than the
evaluation itself): byte-identical to the standard library's `json.dumps(indent=2,
ensure_ascii=False)` on every bundled case, and the fallback covers what orjson refuses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import mccredit
from mccredit.evaluation import to_json
from mccredit.testing import collect_case_files

REPO = Path(__file__).resolve().parents[2]


def _cases() -> list[Any]:
    out = []
    for f in collect_case_files(REPO / "jurisdictions"):
        folder = f.parent.parent.relative_to(REPO / "jurisdictions").as_posix()
        for i, case in enumerate(yaml.safe_load(f.read_text()) or []):
            # cases whose `error` is the expectation have no document to write
            if isinstance(case, dict) and "input" in case and "error" not in case:
                out.append(
                    pytest.param(case, case.get("jurisdiction") or folder, id=f"{folder}:{i}")
                )
    return out


def stdlib(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


@pytest.fixture(scope="module")
def rules() -> mccredit.RuleSet:
    return mccredit.load_rules(REPO)


@pytest.mark.parametrize(("case", "jid"), _cases())
def test_orjson_writes_what_the_standard_library_writes(
    rules: mccredit.RuleSet, case: dict[str, Any], jid: str
) -> None:
    inp = dict(case["input"])
    inp.setdefault("jurisdiction", jid)
    as_of = case.get("as_of") or "2025-06-30"
    typed = mccredit.evaluation_of(
        inp, jurisdiction=jid, as_of=dt.date.fromisoformat(str(as_of)), rules=rules
    )
    doc = typed.to_dict()
    assert to_json(typed) == to_json(doc) == stdlib(doc)


@pytest.mark.parametrize(
    "doc",
    [
        {"a": 2**70},  # an int over 64 bits
        {1: "non-string key"},
        {"s": "lone \ud800 surrogate"},
        {"nested": [{"x": []}, {}], "t": "tab\tnewline\n \u2028 é 教师"},
    ],
)
def test_what_orjson_refuses_or_escapes_still_comes_out_as_before(doc: Any) -> None:
    assert to_json(doc) == stdlib(doc)
