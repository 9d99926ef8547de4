"""Closed field values in a rule's `when`: a credential `kind` (or an educator `role`) outside
the educator model's values is a load error at the value's own file:line:col, with the nearest
allowed value suggested; a rule that could never match never loads. Every closed field of the
field table refuses a misspelling, also through `mccredit validate` (exit 2, one located line)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import mccredit
from mccredit import RuleError
from mccredit.io.educator import CREDENTIAL_KINDS, EDUCATOR_ROLES
from mccredit.rules._matchers import CLOSED_VALUES, parse_matcher

FILE = "jurisdictions/xx-yy/rules/a.yaml"


def _award(when: str) -> str:
    return f"""\
awards:
  - id: xx.hr.workshop
    title: workshop hours
    source: {{ref: law}}
    unit: hr
    per: contact_hours
    amount: 1
    when:
{when}"""


def _problem(make_tree, when: str) -> mccredit.Problem:
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/a.yaml": _award(when)}))
    (problem,) = info.value.problems
    return problem


@pytest.mark.parametrize(
    ("when", "line", "col", "got", "near"),
    [
        ("      kind: national_bord\n", 9, 13, "national_bord", "national_board"),
        ("      kind: ceu_courses\n", 9, 13, "ceu_courses", "ceu_course"),
        ("      kind: {in: [workshop, confrence]}\n", 9, 29, "confrence", "conference"),
        ("      kind: {not_in: [mentorng]}\n", 9, 23, "mentorng", "mentoring"),
        (
            "      any:\n        - {kind: workshop}\n        - {kind: {eq: micro_credental}}\n",
            11,
            23,
            "micro_credental",
            "micro_credential",
        ),
        ("      not: {all: [{kind: degre}]}\n", 9, 26, "degre", "degree"),
    ],
)
def test_unknown_kind_is_located_at_the_value_with_a_suggestion(
    make_tree, when: str, line: int, col: int, got: str, near: str
) -> None:
    p = _problem(make_tree, when)
    text = _award(when).splitlines()[line - 1]
    assert text.index(got) + 1 == col  # the column of the value itself
    assert p.type == "rule.unknown_value"
    assert (p.path, p.line, p.col) == (FILE, line, col)
    assert p.got == repr(got)
    assert f"did you mean {near!r}" in p.message
    assert p.one_line().startswith(f"{FILE}:{line}:{col}: ")
    assert p.field.startswith("awards[0].when.")


def test_a_value_with_no_near_neighbour_lists_the_allowed_ones(make_tree) -> None:
    p = _problem(make_tree, "      kind: zzz\n")
    assert "did you mean" not in p.message
    assert "national_board" in p.message and p.line == 9


def test_known_kinds_load(make_tree) -> None:
    when = "      kind: {in: [workshop, national_board, ceu_course]}\n"
    rules = mccredit.load_rules(make_tree({"rules/a.yaml": _award(when)}))
    assert [a.id for a in rules.get("xx-yy").awards] == ["xx.hr.workshop"]


def test_closed_values_come_from_the_educator_model() -> None:
    assert CLOSED_VALUES["credential"]["kind"] == CREDENTIAL_KINDS
    assert CLOSED_VALUES["educator"]["role"] == EDUCATOR_ROLES
    with pytest.raises(ValueError, match="did you mean 'teacher'"):
        parse_matcher({"role": "teachr"}, "educator")
    # open fields take any string
    assert parse_matcher({"issuer": "anyone"}, "credential").value == "anyone"


def test_bundled_rules_use_only_known_kinds(rules: mccredit.RuleSet) -> None:
    for jid in rules.ids:
        for award in rules.get(jid).awards:
            kinds = award.when.values_for("kind")
            assert kinds is None or kinds <= set(CREDENTIAL_KINDS), award.id


def _validate(root: Path) -> subprocess.CompletedProcess[str]:
    """`mccredit validate ROOT` through the real entry point."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    code = "from mccredit.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "validate", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


_REQUIREMENT = """\
requirements:
  - id: xx.renew
    title: renew
    source: {{ref: law}}
    license: professional
    requires: {{hr: 10}}
    when_educator: {{{field}: {{in: [{value}]}}}}
"""
# every closed field of the table, at a place its context's matchers are written
CLOSED = [(c, f, v[0]) for c, fields in CLOSED_VALUES.items() for f, v in fields.items()]


def _misspelt(value: str) -> str:
    return value[:-1] if len(value) > 4 else value + "x"


@pytest.mark.parametrize(("context", "field", "good"), CLOSED, ids=[f for _, f, _ in CLOSED])
def test_validate_refuses_every_misspelt_closed_value_at_its_place(
    make_tree, context: str, field: str, good: str
) -> None:
    bad = _misspelt(good)
    if context == "credential":
        text, loc = _award(f"      {field}: {bad}\n"), "awards[0].when"
    else:
        assert context == "educator", f"a closed {context} field needs a place in this test"
        text, loc = _REQUIREMENT.format(field=field, value=bad), "requirements[0].when_educator"
    r = _validate(make_tree({"rules/a.yaml": text}))
    assert r.returncode == 2, r.stdout
    line = r.stderr.splitlines()[0]
    lines = text.splitlines()
    col = lines[-1].index(bad) + 1
    assert line.startswith(f"{FILE}:{len(lines)}:{col}: rule.unknown_value: ")
    assert f"did you mean {good!r}" in line and f"field: {loc}.{field}" in line
    assert r.stdout == ""


def test_validate_refuses_a_misspelt_kind_in_a_lane_credit(make_tree) -> None:
    text = """\
lanes:
  - id: xx.lane.ba
    title: lane
    source: {ref: law}
    from: BA
    to: MA
    requires: 15
    credit:
      - when: {kind: national_bord}
        per: semester_credits
        amount: 1
"""
    r = _validate(make_tree({"rules/a.yaml": text}))
    assert r.returncode == 2
    assert r.stderr.startswith(f"{FILE}:9:22: rule.unknown_value")
    assert "did you mean 'national_board'" in r.stderr


@pytest.mark.parametrize(
    ("line", "bad", "good"),
    [
        ("    per: contact_hour\n", "contact_hour", "contact_hours"),
        ("    per: evalutaion\n", "evalutaion", "evaluation"),
    ],
)
def test_a_misspelt_closed_rule_field_suggests_the_nearest(
    make_tree, line: str, bad: str, good: str
) -> None:
    """The closed fields of the rule models themselves (`per`, `scope`, `window`, `mode`, ...:
    pydantic Literals) are located and suggest the nearest allowed value too."""
    text = _award("      kind: workshop\n").replace("    per: contact_hours\n", line)
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/a.yaml": text}))
    (p,) = info.value.problems
    assert (p.path, p.line, p.col) == (FILE, 6, 10)
    assert p.type == "rule.literal_error" and p.got == repr(bad)
    assert p.message.endswith(f"; did you mean {good!r}?")


def test_a_misspelt_kind_in_educator_input_suggests_the_nearest(tmp_path: Path) -> None:
    from mccredit.io.educator import load_educator

    f = tmp_path / "e.json"
    f.write_text(
        '{"id": "E", "jurisdiction": "us-tn", "credentials": [\n'
        '  {"id": "c", "kind": "workshp", "earned": "2024-01-01"}]}\n'
    )
    with pytest.raises(mccredit.InputError) as info:
        load_educator(f)
    (p,) = info.value.problems
    assert p.field == "credentials[0].kind" and p.line == 2
    assert "did you mean 'workshop'?" in p.message
