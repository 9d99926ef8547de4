"""Closed field values in a rule's `when`: a credential `kind` (or an educator `role`) outside
the educator model's values is a load error at the value's own file:line:col, with the nearest
allowed value suggested; a rule that could never match never loads."""

from __future__ import annotations

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
