"""A proposal passes the loader's own checks: an award in an undeclared unit, a colliding award,
a `set`/`remove`/`overrides` naming no rule in force are located problems in the overlay (its
file:line:col when read from a file), exit 2 on the command line, never a KeyError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import mccredit
from mccredit.cli import app
from mccredit.scenarios import load_proposal, parse_proposal

REPO = Path(__file__).resolve().parents[3]
WIDGETS = """\
proposal: Widgets for workshops
jurisdiction: us-tn
effective: 2027-07-01
add:
  awards:
    - id: tn.widgets
      title: widget awards
      source: {ref: pdp-faq}
      when: {kind: workshop}
      unit: widgets
      per: contact_hours
      amount: 1
"""
TN_ED: dict[str, Any] = {
    "id": "TN-W",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [{"id": "w", "kind": "workshop", "earned": "2027-08-01", "contact_hours": 3}],
}


def _problems(tmp_path: Path, text: str) -> list[mccredit.Problem]:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(mccredit.InputError) as info:
        mccredit.evaluate(TN_ED, as_of="2027-08-02", proposal=load_proposal(path))
    return info.value.problems


def test_an_award_in_an_undeclared_unit_is_located_at_its_unit(tmp_path: Path) -> None:
    (p,) = _problems(tmp_path, WIDGETS)
    assert p.type == "proposal.unknown_unit"
    assert (p.path, p.line, p.col) == (str(tmp_path / "p.yaml"), 10, 13)
    assert p.field == "proposal.add.awards[0].unit"
    assert p.got == "widgets" and p.expected == "pdp"


def test_the_same_problem_from_a_dict_names_the_field() -> None:
    raw = parse_proposal(yaml.safe_load(WIDGETS)).model_dump(mode="json", by_alias=True)
    with pytest.raises(mccredit.InputError) as info:
        mccredit.evaluate(TN_ED, as_of="2027-08-02", proposal=raw)
    (p,) = info.value.problems
    assert p.type == "proposal.unknown_unit" and p.line is None
    assert p.field == "proposal.add.awards[0].unit"


def test_unknown_targets_and_collisions_are_located(tmp_path: Path) -> None:
    text = """\
proposal: several
jurisdiction: us-tn
effective: 2027-07-01
set:
  - {rule: tn.nope, path: amount, value: 8}
remove: [tn.gone]
add:
  awards:
    - {id: tn.pdp.bonus, title: b, source: {ref: pdp-faq}, when: {kind: micro_credential},
       unit: pdp, per: credential, amount: 8, overrides: tn.missing}
    - {id: tn.pdp.twice, title: t, source: {ref: pdp-faq}, when: {kind: micro_credential},
       unit: pdp, per: credential, amount: 8}
"""
    got = {(p.field, p.line) for p in _problems(tmp_path, text)}
    assert ("proposal.set[0].rule", 5) in got
    assert ("proposal.remove[0]", 6) in got
    assert ("proposal.add.awards[0].overrides", 10) in got
    # tn.pdp.twice collides with the micro-credential award it does not override
    assert ("proposal.add.awards[1]", 11) in got


def _run(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_scenario_with_an_undeclared_unit_exits_2_at_the_overlay_line(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(WIDGETS)
    ed = tmp_path / "ed.json"
    ed.write_text(json.dumps(TN_ED))
    r = _run("scenario", tmp_path / "p.yaml", ed, "--from-year", "2027", "--years", "1")
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    assert r.stderr.startswith(f"{tmp_path / 'p.yaml'}:10:13: proposal.unknown_unit"), r.stderr
    assert "'widgets'" in r.stderr
    r = _run("evaluate", ed, "--proposal", tmp_path / "p.yaml", "--as-of", "2027-08-02")
    assert r.exit_code == 2, r.output
    assert f"{tmp_path / 'p.yaml'}:10:13:" in r.stderr


def test_an_added_rule_naming_an_undeclared_category_is_a_located_problem(tmp_path: Path) -> None:
    text = (
        WIDGETS.replace("unit: widgets", "unit: pdp")
        .replace("amount: 1", "amount: 1\n      categories: [literacyy]")
        .replace("when: {kind: workshop}", "when: {kind: conference}")
    )
    problems = _problems(tmp_path, text)
    (p,) = [p for p in problems if p.type == "proposal.unknown_category"]
    assert p.got == "literacyy"
    assert p.path == str(tmp_path / "p.yaml") and p.line is not None
    assert "categories:" in p.message


def test_an_added_rule_naming_a_misspelt_stack_is_a_located_problem(tmp_path: Path) -> None:
    """A proposal's `stack:` matcher is checked against the catalogs the jurisdiction uses, as
    a rule file's is: a misspelt stack would match no credential and cost nothing, silently."""
    text = WIDGETS.replace("unit: widgets", "unit: pdp").replace(
        "when: {kind: workshop}",
        "when: {kind: micro_credential, stack: nea.classroom-managment}",
    )
    problems = _problems(tmp_path, text)
    (p,) = [p for p in problems if p.got == "nea.classroom-managment"]
    assert p.type.endswith("unknown_stack"), p.type
    assert p.expected == "nea.classroom-management"
    assert p.path == str(tmp_path / "p.yaml") and p.line == 9
    assert "did you mean 'nea.classroom-management'?" in p.message
    ok = text.replace("managment", "management")
    path = tmp_path / "ok.yaml"
    path.write_text(ok)
    assert load_proposal(path).add is not None
