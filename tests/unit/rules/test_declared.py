"""A rule that names a unit, license type or category its jurisdiction does not declare is a
load error at the value's own file:line:col (issue 10, "Bad input"): a misspelt category would
otherwise make a minimum no credit can fill, a misspelt license type a requirement that never
applies."""

from __future__ import annotations

import pytest

import mccredit
from mccredit import RuleError

FILE = "jurisdictions/xx-yy/rules/r.yaml"
RULES = """\
awards:
  - id: xx.hr.workshop
    title: workshop hours
    source: {ref: law}
    when: {kind: workshop, categories: {any_of: [subject, LITERACY]}}
    unit: hr
    per: contact_hours
    amount: 1
    categories: [subject, litracy]
caps:
  - id: xx.cap.lit
    title: at most 5 literacy hours
    source: {ref: law}
    unit: hr
    scope: cycle
    category: genral
    max: 5
requirements:
  - id: xx.renew.professional
    title: ten hours
    source: {ref: law}
    license: [professional, profesional]
    when_license: {type: {in: [professional, teacher]}}
    requires: {hr: 10}
    categories: {subject: 1, literacyy: 1}
    open_categories: [general]
advancement:
  - id: xx.adv.master
    title: master
    source: {ref: law}
    tier: mastr
    from: practitioner
    requires: {hr: 10, hour: 1}
"""


def _problems(make_tree) -> list[mccredit.Problem]:
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/r.yaml": RULES}))
    return info.value.problems


def _at(value: str, nth: int = 0) -> tuple[int, int]:
    """The 1-based line and column of the `nth` occurrence of `value` as a whole YAML word."""
    seen = 0
    for n, line in enumerate(RULES.splitlines(), 1):
        start = 0
        while (i := line.find(value, start)) >= 0:
            start = i + 1
            before = line[i - 1] if i else " "
            after = line[i + len(value)] if i + len(value) < len(line) else " "
            if before.isalnum() or before == "_" or after.isalnum() or after == "_":
                continue
            if seen == nth:
                return n, i + 1
            seen += 1
    raise AssertionError(value)


@pytest.mark.parametrize(
    ("type_", "got", "field", "near"),
    [
        ("rule.unknown_category", "LITERACY", "awards[0].when.categories.any_of[1]", None),
        ("rule.unknown_category", "litracy", "awards[0].categories[1]", "literacy"),
        ("rule.unknown_category", "genral", "caps[0].category", "general"),
        ("rule.unknown_category", "literacyy", "requirements[0].categories.literacyy", "literacy"),
        ("rule.unknown_license_type", "profesional", "requirements[0].license[1]", "professional"),
        ("rule.unknown_license_type", "teacher", "requirements[0].when_license.type.in[1]", None),
        ("rule.unknown_unit", "hour", "advancement[0].requires.hour", None),
        ("rule.unknown_license_type", "mastr", "advancement[0].tier", "master"),
    ],
)
def test_undeclared_names_are_located_at_the_value(
    make_tree, type_: str, got: str, field: str, near: str | None
) -> None:
    found = [p for p in _problems(make_tree) if p.got == got]
    assert len(found) == 1, [p.one_line() for p in _problems(make_tree)]
    (p,) = found
    assert p.type == type_
    assert p.field == field
    line, col = _at(got)
    if got in ("hour", "literacyy"):  # a mapping key: located at its value, on its line
        assert (p.path, p.line) == (FILE, line)
    else:
        assert (p.path, p.line, p.col) == (FILE, line, col)
    assert p.one_line().startswith(f"{FILE}:{p.line}:{p.col}: {type_}: ")
    assert "jurisdiction.yaml" in p.message
    if near is not None:
        assert f"did you mean {near!r}" in p.message


def test_every_undeclared_name_is_reported_and_nothing_declared_is(make_tree) -> None:
    got = sorted(p.got or "" for p in _problems(make_tree))
    assert got == sorted(
        ["LITERACY", "litracy", "genral", "literacyy", "profesional", "teacher", "hour", "mastr"]
    )


def test_a_district_inherits_its_states_declarations(make_tree) -> None:
    district = (
        'id: xx-yy/dd\nname: A district\nextends: xx-yy\ncategories: {local: "A district tag"}\n'
    )
    good = (
        RULES.replace("LITERACY", "literacy")
        .replace("litracy", "local")
        .replace("genral", "general")
        .replace("literacyy", "literacy")
        .replace("profesional", "practitioner")
        .replace("teacher", "master")
        .replace("mastr", "master")
    )
    good = good.replace("requires: {hr: 10, hour: 1}", "requires: {hr: 10}")
    root = make_tree({})
    folder = root / "jurisdictions" / "xx-yy" / "dd"
    (folder / "rules").mkdir(parents=True)
    (folder / "jurisdiction.yaml").write_text(district)
    (folder / "rules" / "r.yaml").write_text(good)
    rules = mccredit.load_rules(root)
    assert [a.id for a in rules.get("xx-yy/dd").awards] == ["xx.hr.workshop"]
    # the state itself does not know the district's category
    (root / "jurisdictions" / "xx-yy" / "rules").mkdir(exist_ok=True)
    (root / "jurisdictions" / "xx-yy" / "rules" / "r.yaml").write_text(good)
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(root)
    assert {(p.type, p.got, p.path) for p in info.value.problems} == {
        ("rule.unknown_category", "local", "jurisdictions/xx-yy/rules/r.yaml")
    }


def test_the_bundled_rules_declare_what_they_name(rules: mccredit.RuleSet) -> None:
    assert "listed_topics" in rules.get("us-tx").file.categories
    assert {"subject", "literacy", "general", "digital_learning"} <= set(
        rules.get("us-nc").file.categories
    )


STACKS = """\
awards:
  - id: xx.hr.trio
    title: trio parts
    source: {ref: law}
    when: {kind: micro_credential, stack: {any_of: [acme.trio, acme.tiro]}}
    unit: hr
    per: contact_hours
    amount: 1
"""


def test_a_stack_matcher_names_a_stack_of_a_catalog_it_uses(make_tree) -> None:
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/r.yaml": STACKS}))
    (p,) = info.value.problems
    line = STACKS.splitlines()[4]
    assert (p.path, p.line, p.col) == (FILE, 5, line.index("acme.tiro") + 1)
    assert p.type == "rule.unknown_stack" and p.got == "acme.tiro"
    assert p.expected == "acme.trio"
    assert "did you mean 'acme.trio'?" in p.message and "catalog" in p.message
    known = STACKS.replace(", acme.tiro", "")
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": known}))
    assert [a.id for a in rules.get("xx-yy").awards] == ["xx.hr.trio"]
