"""Any YAML a rule author can write either loads or is a `RuleError` with located problems:
`mccredit validate` never fails with a traceback."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

import mccredit
from mccredit import RuleError

from .strategies import PROPERTY
from .test_badge_input import JSON

SOURCE = {"ref": "law", "section": "1"}
BASE: dict[str, Any] = {
    "awards": [
        {
            "id": "xx.hr.workshop",
            "title": "t",
            "source": SOURCE,
            "when": {"kind": "workshop"},
            "unit": "hr",
            "per": "contact_hours",
            "amount": {"2020-01-01": 1, "2024-01-01": None},
        },
        {
            "id": "xx.hr.micro",
            "title": "t",
            "source": SOURCE,
            "when": {"kind": "micro_credential", "accepted": True},
            "unit": "hr",
            "per": "credential",
            "amount": 6,
        },
        {
            "id": "xx.hr.eval",
            "title": "t",
            "source": SOURCE,
            "unit": "hr",
            "per": "evaluation",
            "table": {5: 20, 4: 15},
        },
    ],
    "caps": [
        {
            "id": "xx.cap.one",
            "title": "t",
            "source": SOURCE,
            "unit": "hr",
            "scope": "cycle",
            "share": "0.25",
            "when": {"kind": "conference"},
        }
    ],
    "stacks": [
        {
            "id": "xx.stack.trio",
            "title": "t",
            "source": SOURCE,
            "unit": "hr",
            "stack": "acme.trio",
            "require": 2,
            "within_days": 90,
            "amount": 5,
        }
    ],
    "requirements": [
        {
            "id": "xx.renew.pro",
            "title": "t",
            "source": SOURCE,
            "license": "professional",
            "requires": {"hr": 60},
            "categories": {"literacy": 10},
            "open_categories": ["general"],
        }
    ],
    "advancement": [
        {
            "id": "xx.adv.master",
            "title": "t",
            "source": SOURCE,
            "tier": "master",
            "from": "professional",
            "requires": {"hr": 10},
            "conditions": {"experience_years": 3},
        }
    ],
}
PATHS = [
    ("awards", 0, "when"),
    ("awards", 0, "when", "kind"),
    ("awards", 0, "amount"),
    ("awards", 0, "per"),
    ("awards", 0, "unit"),
    ("awards", 0, "source"),
    ("awards", 1, "when", "accepted"),
    ("awards", 2, "table"),
    ("awards", 0, "effective"),
    ("awards", 0, "id"),
    ("awards", 0, "overrides"),
    ("caps", 0, "share"),
    ("caps", 0, "rules"),
    ("caps", 0, "scope"),
    ("stacks", 0, "stack"),
    ("stacks", 0, "members"),
    ("stacks", 0, "require"),
    ("requirements", 0, "license"),
    ("requirements", 0, "requires"),
    ("requirements", 0, "categories"),
    ("requirements", 0, "cycles"),
    ("advancement", 0, "from"),
    ("advancement", 0, "conditions"),
    ("awards",),
    ("caps", 0),
    ("awards", 0, "when", "any"),
    ("awards", 0, "when", "not"),
    ("awards", 0, "review_by"),
]


@st.composite
def rule_file(draw: st.DrawFn) -> Any:
    doc: Any = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        node = doc
        for key in path[:-1]:
            node = node[key] if isinstance(node, (dict, list)) and _has(node, key) else None
            if node is None:
                break
        if isinstance(node, dict) or (isinstance(node, list) and _has(node, path[-1])):
            node[path[-1]] = draw(JSON)
    return doc


def _has(node: Any, key: Any) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(key, int) and 0 <= key < len(node)


@PROPERTY
@given(rule_file())
def test_any_rule_file_loads_or_is_a_located_rule_error(tree_writer, doc) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = tree_writer(Path(tmp), {"rules/r.yaml": yaml.safe_dump(doc, allow_unicode=True)})
        try:
            rules = mccredit.load_rules(root)
        except RuleError as e:
            assert e.problems
            assert all(p.path for p in e.problems), str(e)
            return
        ed = {
            "id": "E",
            "jurisdiction": "xx-yy",
            "licenses": [{"type": "professional", "issued": "2021-01-01"}],
            "evaluations": [{"year": 2022, "score": 5}],
            "credentials": [
                {
                    "id": "w",
                    "kind": "workshop",
                    "earned": "2022-01-01",
                    "contact_hours": 5,
                    "categories": ["literacy"],
                }
            ],
        }
        mccredit.evaluate(ed, as_of="2023-01-01", rules=rules)
