"""Stacks: all or N of M members, optionally within a number of days; the completion award
comes on top of the parts (`bonus`) or replaces them (`instead`)."""

from __future__ import annotations

import pytest

import mccredit

from ._trees import MICRO, RULE, awards, by_credential, educator, mc


def stack(body: str, id: str = "xx.stack.trio") -> str:
    return "stacks:\n" + RULE.format(id=id, title="Trio completed") + "    unit: hr\n" + body


TRIO = [
    mc("s1", "2021-01-01", "A-S1"),
    mc("s2", "2021-01-20", "A-S2"),
    mc("s3", "2021-03-01", "A-S3"),
]


def _doc(make_tree, body: str, *creds):
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(MICRO) + stack(body)}))
    return mccredit.evaluate(educator(*creds), as_of="2024-01-01", rules=rules)


def test_bonus_on_completing_all_members(make_tree) -> None:
    doc = _doc(make_tree, "    stack: acme.trio\n    amount: 10\n", *TRIO)
    assert by_credential(doc) == {
        "s1": "6.00",
        "s2": "6.00",
        "s3": "6.00",
        "stack:acme.trio": "10.00",
    }
    assert doc["totals"] == {"hr": "28.00"}
    (entry,) = [e for e in doc["ledger"] if e.get("kind") == "stack"]
    assert entry["date"] == "2021-03-01"  # the day the stack was completed
    assert entry["basis"] == "stack completed: 3 of 3 members (s1, s2, s3)"


def test_incomplete_stack_earns_no_bonus(make_tree) -> None:
    doc = _doc(make_tree, "    stack: acme.trio\n    amount: 10\n", *TRIO[:2])
    assert doc["totals"] == {"hr": "12.00"}


def test_n_of_m(make_tree) -> None:
    doc = _doc(make_tree, "    stack: acme.trio\n    require: 2\n    amount: 4\n", *TRIO[:2])
    assert by_credential(doc)["stack:acme.trio"] == "4.00"
    (entry,) = [e for e in doc["ledger"] if e.get("kind") == "stack"]
    assert entry["date"] == "2021-01-20"


def test_a_repeated_member_counts_once(make_tree) -> None:
    doc = _doc(
        make_tree,
        "    stack: acme.trio\n    amount: 10\n",
        *TRIO[:2],
        mc("s1b", "2021-02-01", "A-S1"),
    )
    assert "stack:acme.trio" not in by_credential(doc)


@pytest.mark.parametrize(("days", "done"), [(58, False), (59, True), (365, True)])
def test_within_days_window(make_tree, days: int, done: bool) -> None:
    # s1 2021-01-01 .. s3 2021-03-01 spans 59 days; a 4th member late does not help
    body = f"    stack: acme.trio\n    within_days: {days}\n    amount: 10\n"
    doc = _doc(make_tree, body, *TRIO)
    assert ("stack:acme.trio" in by_credential(doc)) is done


def test_within_days_uses_the_tightest_window(make_tree) -> None:
    body = "    members: [A-S1, A-S2, A-LIT]\n    require: 2\n    within_days: 10\n    amount: 3\n"
    creds = [
        mc("a", "2021-01-01", "A-S1"),
        mc("b", "2021-03-01", "A-S2"),
        mc("c", "2021-03-05", "A-LIT"),
    ]
    doc = _doc(make_tree, body, *creds)
    (entry,) = [e for e in doc["ledger"] if e.get("kind") == "stack"]
    assert entry["basis"].endswith("(b, c)")
    assert entry["credential"] == "stack:xx.stack.trio"


def test_instead_replaces_the_parts(make_tree) -> None:
    doc = _doc(make_tree, "    stack: acme.trio\n    amount: 10\n    mode: instead\n", *TRIO)
    assert by_credential(doc) == {
        "s1": "0.00",
        "s2": "0.00",
        "s3": "0.00",
        "stack:acme.trio": "10.00",
    }
    assert doc["totals"] == {"hr": "10.00"}
    s1 = next(e for e in doc["ledger"] if e["credential"] == "s1")
    assert s1["before_caps"] == "6.00"
    assert s1["notes"] == ["replaced by stack completion stack:acme.trio (xx.stack.trio)"]


def test_uncredited_members_do_not_complete_a_stack(make_tree) -> None:
    creds = [*TRIO[:2], mc("s3", "2021-03-01", "A-S3", issuer="bravo")]
    doc = _doc(make_tree, "    stack: acme.trio\n    amount: 10\n", *creds)
    assert "stack:acme.trio" not in by_credential(doc)
    assert [(w["code"], w["credential"]) for w in doc["warnings"] if w["credential"]] == [
        ("issuer_not_accepted", "s3")
    ]


def test_a_stack_names_a_catalog_stack_or_members_not_both(make_tree) -> None:
    body = "    stack: acme.trio\n    members: [A-S1]\n    amount: 10\n"
    with pytest.raises(mccredit.RuleError, match="not both"):
        mccredit.load_rules(make_tree({"rules/r.yaml": awards(MICRO) + stack(body)}))


def test_an_unknown_catalog_stack_is_a_located_error(make_tree) -> None:
    body = "    stack: acme.quartet\n    amount: 10\n"
    with pytest.raises(mccredit.RuleError) as info:
        mccredit.load_rules(make_tree({"rules/r.yaml": awards(MICRO) + stack(body)}))
    (p,) = info.value.problems
    assert p.type == "rule.unknown_stack"
    assert p.got == "acme.quartet"
    assert p.path == "jurisdictions/xx-yy/rules/r.yaml" and p.line is not None


def test_require_more_than_the_members_is_a_load_error(make_tree) -> None:
    body = "    members: [A-S1, A-S2]\n    require: 3\n    amount: 10\n"
    with pytest.raises(mccredit.RuleError) as info:
        mccredit.load_rules(make_tree({"rules/r.yaml": awards(MICRO) + stack(body)}))
    assert info.value.problems[0].field.startswith("stacks[0]")
