"""Caps: per credential, per career (optionally since a date), per cycle and as a share of
the requirement. Entries are reduced, never dropped, and say which cap reduced them."""

from __future__ import annotations

import pytest

import mccredit

from ._trees import MICRO, RULE, WORKSHOP, awards, by_credential, educator, mc, requirement, ws


def cap(id: str, body: str) -> str:
    return RULE.format(id=id, title=id.replace(".", " ")) + "    unit: hr\n" + body


def _rules(make_tree, caps: str, hours: int = 90):
    text = awards(WORKSHOP, MICRO) + requirement(hours) + "caps:\n" + caps
    return mccredit.load_rules(make_tree({"rules/r.yaml": text}))


def test_credential_cap(make_tree) -> None:
    rules = _rules(
        make_tree,
        cap("xx.cap.workshop", "    scope: credential\n    max: 5\n    when: {kind: workshop}\n"),
    )
    doc = mccredit.evaluate(
        educator(ws("w1", "2021-01-01", 8), ws("w2", "2021-02-01", 3)),
        as_of="2024-01-01",
        rules=rules,
    )
    assert by_credential(doc) == {"w1": "5.00", "w2": "3.00"}
    (w1,) = [e for e in doc["ledger"] if e["credential"] == "w1"]
    assert w1["before_caps"] == "8.00"
    assert w1["notes"] == ["capped by xx.cap.workshop: at most 5 hr per credential"]
    assert doc["totals"] == {"hr": "8.00"}


def test_career_cap_credits_the_earliest_first(make_tree) -> None:
    rules = _rules(
        make_tree,
        cap("xx.cap.micro", "    scope: career\n    max: 15\n    when: {kind: micro_credential}\n"),
    )
    ed = educator(
        mc("m3", "2022-03-01", "A-SUB"),
        mc("m1", "2021-01-01", "A-LIT"),
        mc("m2", "2021-06-01", "A-S1"),
    )
    doc = mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)
    assert by_credential(doc) == {"m1": "6.00", "m2": "6.00", "m3": "3.00"}
    assert doc["totals"] == {"hr": "15.00"}


def test_career_cap_since_a_date(make_tree) -> None:
    rules = _rules(
        make_tree,
        cap(
            "xx.cap.micro",
            "    scope: career\n    max: 6\n"
            "    since: 2021-06-01\n    when: {kind: micro_credential}\n",
        ),
    )
    ed = educator(
        mc("m1", "2021-01-01", "A-LIT"),  # before `since`: not counted against the cap
        mc("m2", "2021-06-01", "A-S1"),
        mc("m3", "2022-03-01", "A-SUB"),
    )
    doc = mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)
    assert by_credential(doc) == {"m1": "6.00", "m2": "6.00", "m3": "0.00"}


def test_cap_limited_to_named_rules(make_tree) -> None:
    rules = _rules(
        make_tree,
        cap("xx.cap.rule", "    scope: career\n    max: 2\n    rules: [xx.hr.workshop]\n"),
    )
    ed = educator(ws("w1", "2021-01-01", 5), mc("m1", "2021-01-02", "A-LIT"))
    assert by_credential(mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)) == {
        "w1": "2.00",
        "m1": "6.00",
    }


def test_cap_by_category(make_tree) -> None:
    rules = _rules(
        make_tree, cap("xx.cap.lit", "    scope: career\n    max: 4\n    category: literacy\n")
    )
    ed = educator(
        ws("w1", "2021-01-01", 3, categories=["literacy"]),
        ws("w2", "2021-01-02", 3, categories=["literacy"]),
        ws("w3", "2021-01-03", 3),
        mc("m1", "2021-01-04", "A-LIT"),  # literacy from the catalog entry
    )
    doc = mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)
    assert by_credential(doc) == {"w1": "3.00", "w2": "1.00", "w3": "3.00", "m1": "0.00"}


def test_cycle_cap_limits_renewal_not_totals(make_tree) -> None:
    rules = _rules(
        make_tree,
        cap("xx.cap.conf", "    scope: cycle\n    max: 10\n    when: {kind: conference}\n"),
    )
    conf = {"id": "c1", "kind": "conference", "earned": "2021-01-01", "contact_hours": 25}
    ed = educator(conf, ws("w1", "2021-02-01", 5))
    doc = mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)
    assert doc["totals"] == {"hr": "30.00"}
    (r,) = doc["renewal"]
    assert r["earned"] == {"hr": "15.00"}
    assert r["remaining"] == {"hr": "75.00"}
    (c,) = r["capped"]
    assert (c["cap"], c["limit"], c["excluded"]) == ("xx.cap.conf", "10.00", "15.00")
    assert c["file"] == "jurisdictions/xx-yy/rules/r.yaml" and c["line"] > 1


def test_share_cap_is_a_share_of_the_requirement(make_tree) -> None:
    # TX shape: at most 25% of the required hours from matching entries
    rules = _rules(
        make_tree,
        cap("xx.cap.share", "    scope: cycle\n    share: 0.25\n    when: {kind: conference}\n"),
        hours=150,
    )
    confs = [
        {"id": f"c{i}", "kind": "conference", "earned": f"2021-0{i}-01", "contact_hours": 20}
        for i in range(1, 4)
    ]
    doc = mccredit.evaluate(educator(*confs), as_of="2024-01-01", rules=rules)
    (r,) = doc["renewal"]
    assert r["earned"] == {"hr": "37.50"}  # 25% of 150
    assert r["capped"][0]["limit"] == "37.50"
    assert r["capped"][0]["excluded"] == "22.50"


def test_a_share_cap_needs_cycle_scope(make_tree) -> None:
    root = make_tree(
        {
            "rules/r.yaml": awards(WORKSHOP)
            + "caps:\n"
            + cap("xx.cap.share", "    scope: career\n    share: 0.25\n")
        }
    )
    with pytest.raises(mccredit.RuleError, match="use scope: cycle"):
        mccredit.load_rules(root)


def test_a_cap_needs_exactly_one_limit(make_tree) -> None:
    root = make_tree(
        {
            "rules/r.yaml": awards(WORKSHOP)
            + "caps:\n"
            + cap("xx.cap.both", "    scope: cycle\n    share: 0.25\n    max: 3\n")
        }
    )
    with pytest.raises(mccredit.RuleError, match="exactly one of max or share") as info:
        mccredit.load_rules(root)
    assert info.value.problems[0].field == "caps[0]"


CAREER_10 = cap("xx.cap.career", "    scope: career\n    max: 10\n    when: {kind: workshop}\n")
CREDENTIAL_5 = cap("xx.cap.cred", "    scope: credential\n    max: 5\n    when: {kind: workshop}\n")


@pytest.mark.parametrize(
    "caps",
    [
        pytest.param(CREDENTIAL_5 + CAREER_10, id="credential-cap-first"),
        pytest.param(
            CAREER_10 + CREDENTIAL_5,
            id="career-cap-first",
        ),
    ],
)
def test_cap_order_in_the_file_does_not_matter(make_tree, caps: str) -> None:
    rules = _rules(make_tree, caps)
    ed = educator(ws("w1", "2021-01-01", 8), ws("w2", "2021-02-01", 8))
    doc = mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)
    assert by_credential(doc) == {"w1": "5.00", "w2": "5.00"}
    assert doc["totals"] == {"hr": "10.00"}


CYCLE_ALL_20 = cap("xx.cap.all", "    scope: cycle\n    max: 20\n")
CYCLE_CONF_5 = cap("xx.cap.conf", "    scope: cycle\n    max: 5\n    when: {kind: conference}\n")


@pytest.mark.parametrize(
    "caps",
    [
        pytest.param(CYCLE_CONF_5 + CYCLE_ALL_20, id="narrow-cap-first"),
        pytest.param(
            CYCLE_ALL_20 + CYCLE_CONF_5,
            id="broad-cap-first",
        ),
    ],
)
def test_cycle_cap_order_does_not_matter(make_tree, caps: str) -> None:
    rules = _rules(make_tree, caps)
    conf = {"id": "c", "kind": "conference", "earned": "2021-01-01", "contact_hours": 15}
    doc = mccredit.evaluate(
        educator(conf, ws("w", "2021-02-01", 15)), as_of="2024-01-01", rules=rules
    )
    (r,) = doc["renewal"]
    assert r["earned"] == {"hr": "20.00"}
