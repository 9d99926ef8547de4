"""Rule-model checks beyond types: each is a located `RuleError` naming the rule's field."""

from __future__ import annotations

import pytest

import mccredit
from mccredit import RuleError

HEAD = "  - id: xx.rule.one\n    title: t\n    source: {ref: law}\n"
HEAD_NO_SOURCE = "  - id: xx.rule.one\n    title: t\n"


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (
            "awards:\n" + HEAD + "    unit: hr\n    per: evaluation\n",
            "awards[0]",
            "per: evaluation needs a table",
        ),
        (
            "awards:\n" + HEAD + "    unit: hr\n    per: contact_hours\n",
            "awards[0]",
            "per: contact_hours needs an amount",
        ),
        (
            "awards:\n" + HEAD + "    unit: hr\n    per: hours\n    amount: 1\n",
            "awards[0].per",
            "'credential'",
        ),
        (
            "awards:\n" + HEAD_NO_SOURCE + "    source: {section: '1'}\n    unit: hr\n"
            "    per: credential\n    amount: 1\n",
            "awards[0].source",
            "a source needs a ref, a document or an address",
        ),
        (
            "awards:\n" + HEAD + "    unit: hr\n    per: credential\n    amount: 1\n"
            "    when: {kind: {like: work}}\n",
            "awards[0].when",
            "unknown operator 'like'",
        ),
        (
            "awards:\n  - id: nodots\n    title: t\n    source: {ref: law}\n    unit: hr\n"
            "    per: credential\n    amount: 1\n",
            "awards[0].id",
            "pattern",
        ),
        (
            "stacks:\n" + HEAD + "    unit: hr\n    members: [A-S1]\n    require: 0\n"
            "    amount: 1\n",
            "stacks[0]",
            "require: N needs N >= 1",
        ),
        (
            "stacks:\n" + HEAD + "    unit: hr\n    amount: 1\n",
            "stacks[0]",
            "names a catalog `stack` or lists `members`",
        ),
        (
            "requirements:\n" + HEAD + "    license: professional\n    requires: {hr: -1}\n",
            "requirements[0]",
            "requires.hr must be >= 0",
        ),
        (
            "requirements:\n" + HEAD + "    license: professional\n    requires: {hr: 9, ceu: 1}\n"
            "    categories: {literacy: 3}\n",
            "requirements[0]",
            "need category_unit",
        ),
        (
            "requirements:\n" + HEAD + "    license: professional\n    requires: {hr: 9}\n"
            "    cycle_years: 0\n",
            "requirements[0].cycle_years",
            "greater than 0",
        ),
        (
            "advancement:\n" + HEAD + "    tier: master\n    from: professional\n"
            "    conditions: {evaluation_min_score: 6}\n",
            "advancement[0].conditions.evaluation_min_score",
            "less than or equal to 5",
        ),
        (
            "caps:\n" + HEAD + "    unit: hr\n    scope: forever\n    max: 1\n",
            "caps[0].scope",
            "'career'",
        ),
        ("rewards: []\n", "rewards", "unknown field 'rewards'"),
    ],
)
def test_model_checks_are_located(make_tree, text: str, field: str, words: str) -> None:
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/r.yaml": text}))
    (p,) = info.value.problems
    assert p.path == "jurisdictions/xx-yy/rules/r.yaml"
    assert p.line is not None
    assert p.field == field
    assert words in str(info.value)


def test_a_missing_required_key_says_it_is_required(make_tree) -> None:
    text = (
        "awards:\n  - id: xx.rule.one\n    source: {ref: law}\n    unit: hr\n"
        "    per: credential\n    amount: 1\n"
    )
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/r.yaml": text}))
    (p,) = info.value.problems
    assert (p.type, p.field, p.line) == ("rule.missing", "awards[0].title", 2)
    assert p.expected == "a value (this field is required)"
