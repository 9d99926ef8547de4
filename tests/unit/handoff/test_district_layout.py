"""A district names its default payroll export layout in jurisdiction.yaml (issue 15): the
loader checks that the layout exists (file:line:col of `payroll.layout`), a district inherits
its state's, and `choose_layout` prefers an explicit name, then the district's, then
generic-csv."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mccredit.errors import RuleError, UnknownJurisdictionError, UnknownLayoutError
from mccredit.handoff import choose_layout
from mccredit.rules import load_rules

REPO = Path(__file__).resolve().parents[3]

STATE = """\
id: us-zz
name: Test state
payroll:
  layout: {state}
"""
DISTRICT = """\
id: us-zz/dist
name: Test district
extends: us-zz
{payroll}"""


def _root(tmp_path: Path, state: str, payroll: str) -> Path:
    root = tmp_path / "root"
    shutil.copytree(REPO / "rules" / "layouts", root / "rules" / "layouts")
    (root / "jurisdictions" / "us-zz" / "dist").mkdir(parents=True)
    (root / "jurisdictions" / "us-zz" / "jurisdiction.yaml").write_text(
        STATE.format(state=state), encoding="utf-8"
    )
    (root / "jurisdictions" / "us-zz" / "dist" / "jurisdiction.yaml").write_text(
        DISTRICT.format(payroll=payroll), encoding="utf-8"
    )
    return root


def test_the_bundled_districts_name_existing_layouts() -> None:
    rules = load_rules(REPO)
    named = {j: rules.get(j).payroll_layout for j in rules.ids}
    assert named["us-il/troy-30c"] == "powerschool-future-pay-rates"
    assert named["us-wi/muskego-norway"] == "tyler-munis-personnel-action"
    assert named["us-va/pwcs"] is None
    assert choose_layout(rules, None, "us-va/pwcs").id == "generic-csv"
    assert choose_layout(rules, None, "us-il/troy-30c").id == "powerschool-future-pay-rates"
    assert choose_layout(rules, "workday-comp-change", "us-il/troy-30c").id == (
        "workday-comp-change"
    )


def test_an_unknown_district_layout_is_a_located_load_error(tmp_path: Path) -> None:
    root = _root(tmp_path, "generic-csv", "payroll:\n  layout: sap-hcm\n")
    with pytest.raises(RuleError) as e:
        load_rules(root)
    (p,) = e.value.problems
    assert (p.type, p.path, p.line, p.col) == (
        "rule.unknown_layout",
        "jurisdictions/us-zz/dist/jurisdiction.yaml",
        5,
        11,
    )
    assert p.field == "payroll.layout" and p.got == "sap-hcm"
    assert p.expected is not None and "workday-comp-change" in p.expected


def test_a_malformed_layout_id_is_a_located_load_error(tmp_path: Path) -> None:
    root = _root(tmp_path, "generic-csv", "payroll:\n  layout: Workday EIB\n")
    with pytest.raises(RuleError) as e:
        load_rules(root)
    (p,) = e.value.problems
    assert p.line == 5 and p.loc == ("payroll", "layout")


def test_a_district_inherits_its_states_layout_and_may_override_it(tmp_path: Path) -> None:
    rules = load_rules(_root(tmp_path / "a", "tyler-munis-personnel-action", ""))
    assert choose_layout(rules, None, "us-zz/dist").id == "tyler-munis-personnel-action"
    rules = load_rules(
        _root(tmp_path / "b", "tyler-munis-personnel-action", "payroll: {layout: generic-csv}\n")
    )
    assert rules.get("us-zz/dist").payroll_layout == "generic-csv"


def test_choose_layout_names_the_known_layouts() -> None:
    rules = load_rules(REPO)
    with pytest.raises(UnknownLayoutError) as e:
        choose_layout(rules, "sap")
    assert "sap" in str(e.value) and "tyler-munis-personnel-action" in str(e.value)
    with pytest.raises(UnknownJurisdictionError):
        choose_layout(rules, None, "us-zz")
