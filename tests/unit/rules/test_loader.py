"""The rule loader: one broken rule tree per failure under `bad/`, each checked for its error
type and for a message that names the file, the line and the field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import mccredit
from mccredit import RuleError, UnknownJurisdictionError

HERE = Path(__file__).parent
BAD = HERE / "bad"
GOOD = HERE / "good"
AWARDS = "jurisdictions/xx-yy/rules/awards.yaml"
JFILE = "jurisdictions/xx-yy/jurisdiction.yaml"


@dataclass(frozen=True)
class Expect:
    type: str
    file: str
    line: int
    words: tuple[str, ...]


CASES: dict[str, Expect] = {
    # the parser notices the unclosed `[hr` on the next line
    "malformed_yaml": Expect("yaml.syntax", AWARDS, 8, ("malformed YAML",)),
    "duplicate_key": Expect("yaml.duplicate_key", AWARDS, 10, ("field: awards[0].unit", "'unit'")),
    "unknown_key": Expect(
        "rule.extra_forbidden", AWARDS, 10, ("field: awards[0].efective", "unknown field")
    ),
    "wrong_type": Expect(
        "rule.int_parsing",
        "jurisdictions/xx-yy/rules/renewal.yaml",
        6,
        ("field: requirements[0].cycle_years", "expected: an integer", "got: 'five'"),
    ),
    "impossible_date": Expect(
        "rule.value_error", AWARDS, 10, ("field: awards[0].amount", "'2023-02-30'", "real date")
    ),
    "unknown_unit": Expect(
        "rule.unknown_unit",
        AWARDS,
        7,
        ("field: awards[0].unit", "unit 'credit_hour'", "expected: hr", "got: credit_hour"),
    ),
    "unknown_source_ref": Expect(
        "rule.unknown_source", AWARDS, 3, ("field: xx.hr.workshop", "expected: law", "lawbook")
    ),
    "unknown_catalog": Expect(
        "rule.unknown_catalog", JFILE, 3, ("field: uses", "expected: mini", "got: state-approved")
    ),
    "award_collision": Expect(
        "rule.conflict",
        "jurisdictions/xx-yy/rules/more.yaml",
        3,
        (
            "'xx.hr.workshop' (jurisdictions/xx-yy/rules/awards.yaml:3)",
            "'xx.hr.pd_session' (jurisdictions/xx-yy/rules/more.yaml:3)",
            "overrides",
        ),
    ),
    "id_folder_mismatch": Expect(
        "rule.jurisdiction_id", JFILE, 1, ("field: id", "expected: xx-yy", "got: xx-zz")
    ),
    "extends_missing_state": Expect(
        "rule.unknown_parent",
        "jurisdictions/xx-yy/dist/jurisdiction.yaml",
        3,
        ("field: extends", "'xx-yy'"),
    ),
}

XFAIL: dict[str, pytest.MarkDecorator] = {}


def _load_error(case: str) -> RuleError:
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(BAD / case)
    return info.value


def test_every_bad_tree_has_an_expectation() -> None:
    trees = {p.name for p in BAD.iterdir() if p.is_dir()}
    assert trees == {*CASES, "several_problems"}


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=XFAIL.get(c, ()), id=c) for c in sorted(CASES)]
)
def test_bad_tree_names_file_line_and_field(case: str) -> None:
    want = CASES[case]
    exc = _load_error(case)
    assert [p.type for p in exc.problems] == [want.type], str(exc)
    problem = exc.problems[0]
    assert problem.path == want.file
    assert problem.line == want.line
    message = str(exc)
    assert message.startswith(f"{want.file}:{want.line}:"), message
    for word in want.words:
        assert word in message


def test_extends_missing_state_is_reported_with_its_file() -> None:
    exc = _load_error("extends_missing_state")
    assert [p.type for p in exc.problems] == ["rule.unknown_parent"]
    assert "jurisdictions/xx-yy/dist/jurisdiction.yaml" in str(exc)
    assert "extends 'xx-yy'" in str(exc)


def test_several_problems_are_all_reported_at_once() -> None:
    exc = _load_error("several_problems")
    got = sorted((p.path, p.type) for p in exc.problems)
    assert got == [
        (JFILE, "rule.unknown_catalog"),
        (AWARDS, "rule.extra_forbidden"),
        ("jurisdictions/xx-yy/rules/broken.yaml", "yaml.syntax"),
        ("jurisdictions/xx-yy/rules/renewal.yaml", "rule.unknown_source"),
        ("jurisdictions/xx-yy/rules/renewal.yaml", "rule.unknown_unit"),
    ]
    lines = str(exc).splitlines()
    assert len(lines) == 5
    assert all(line.startswith("jurisdictions/xx-yy/") for line in lines)
    assert all(p.line is not None for p in exc.problems)


def test_problems_are_one_line_each_with_stable_shape() -> None:
    exc = _load_error("wrong_type")
    p = exc.problems[0]
    assert p.loc == ("requirements", 0, "cycle_years")
    assert p.col == 18
    assert p.as_dict()["pointer"] == "/requirements/0/cycle_years"
    assert p.one_line() == str(exc)


# --- overrides and extends ------------------------------------------------------------------

TN_LIKE_ED = {
    "id": "E-1",
    "jurisdiction": "xx-yy",
    "licenses": [{"type": "professional", "issued": "2021-01-01", "expires": "2026-01-01"}],
    "credentials": [{"id": "w1", "kind": "workshop", "earned": "2024-01-10", "contact_hours": 5}],
}


def test_overrides_resolves_a_collision_and_the_override_wins() -> None:
    rules = mccredit.load_rules(GOOD / "overrides")
    j = rules.get("xx-yy")
    assert [a.id for a in j.awards] == ["xx.hr.workshop_2024"]
    assert j.overridden == {"xx.hr.workshop": "xx.hr.workshop_2024"}
    doc = mccredit.evaluate(TN_LIKE_ED, as_of="2025-01-01", rules=rules)
    assert doc["totals"] == {"hr": "10.00"}
    assert [e["rule"] for e in doc["ledger"]] == ["xx.hr.workshop_2024"]


WORKSHOP = """\
awards:
  - id: xx.hr.workshop
    title: workshop hours
    source: {ref: law}
    when: {kind: workshop}
    unit: hr
    per: contact_hours
    amount: 1
"""
WORKSHOP_2 = """\
awards:
  - id: xx.hr.workshop_2
    title: workshop hours, doubled
    source: {ref: law}
    when: {kind: workshop}
    unit: hr
    per: contact_hours
    amount: 2
    overrides: xx.hr.workshop
"""


def test_overrides_does_not_depend_on_file_order(make_tree) -> None:
    root = make_tree({"rules/a.yaml": WORKSHOP_2, "rules/b.yaml": WORKSHOP})
    j = mccredit.load_rules(root).get("xx-yy")
    assert [a.id for a in j.awards] == ["xx.hr.workshop_2"]


def test_overrides_of_a_missing_rule_is_an_error(make_tree) -> None:
    root = make_tree({"rules/a.yaml": WORKSHOP_2})
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(root)
    assert [p.type for p in info.value.problems] == ["rule.unknown_override"]
    assert str(info.value).startswith("jurisdictions/xx-yy/rules/a.yaml:2:")


def test_combines_true_on_both_allows_two_awards(make_tree) -> None:
    both = WORKSHOP.replace("amount: 1\n", "amount: 1\n    combines: true\n")
    other = WORKSHOP_2.replace("overrides: xx.hr.workshop", "combines: true")
    root = make_tree({"rules/a.yaml": both, "rules/b.yaml": other})
    rules = mccredit.load_rules(root)
    ed = {**TN_LIKE_ED}
    doc = mccredit.evaluate(ed, as_of="2025-01-01", rules=rules)
    assert doc["totals"] == {"hr": "15.00"}


def test_non_overlapping_whens_do_not_collide(make_tree) -> None:
    conf = WORKSHOP_2.replace("kind: workshop", "kind: conference").replace(
        "    overrides: xx.hr.workshop\n", ""
    )
    root = make_tree({"rules/a.yaml": WORKSHOP, "rules/b.yaml": conf})
    assert len(mccredit.load_rules(root).get("xx-yy").awards) == 2


def test_non_overlapping_effective_windows_do_not_collide(make_tree) -> None:
    old = WORKSHOP.replace(
        "amount: 1\n", "amount: 1\n    effective: {from: 2010-01-01, until: 2019-12-31}\n"
    )
    new = WORKSHOP_2.replace(
        "    overrides: xx.hr.workshop\n", "    effective: {from: 2020-01-01}\n"
    )
    root = make_tree({"rules/a.yaml": old, "rules/b.yaml": new})
    rules = mccredit.load_rules(root)
    early = {
        **TN_LIKE_ED,
        "credentials": [{**TN_LIKE_ED["credentials"][0], "earned": "2019-01-10"}],
    }
    assert mccredit.evaluate(early, as_of="2019-06-01", rules=rules)["totals"] == {"hr": "5.00"}
    assert mccredit.evaluate(TN_LIKE_ED, as_of="2024-06-01", rules=rules)["totals"] == {
        "hr": "10.00"
    }


def test_district_extends_its_state_and_replaces_a_rule_by_id(make_tree) -> None:
    root = make_tree({"rules/awards.yaml": WORKSHOP})
    dist = root / "jurisdictions" / "xx-yy" / "dist"
    (dist / "rules").mkdir(parents=True)
    (dist / "jurisdiction.yaml").write_text(
        "id: xx-yy/dist\nname: A district\nextends: xx-yy\n"
        "sources:\n  board: {title: Board policy}\n"
    )
    (dist / "rules" / "awards.yaml").write_text(
        WORKSHOP.replace("amount: 1", "amount: 3").replace("ref: law", "ref: board")
    )
    rules = mccredit.load_rules(root)
    assert rules.ids == ["xx-yy", "xx-yy/dist"]
    d = rules.get("xx-yy/dist")
    assert d.parent == "xx-yy"
    assert set(d.units) == {"hr"}  # inherited from the state
    assert [(a.id, a.origin.path if a.origin else None) for a in d.awards] == [
        ("xx.hr.workshop", "jurisdictions/xx-yy/dist/rules/awards.yaml")
    ]
    ed = {**TN_LIKE_ED, "jurisdiction": "xx-yy/dist"}
    assert mccredit.evaluate(ed, as_of="2025-01-01", rules=rules)["totals"] == {"hr": "15.00"}
    assert mccredit.evaluate(ed, jurisdiction="xx-yy", as_of="2025-01-01", rules=rules)[
        "totals"
    ] == {"hr": "5.00"}


def test_catalog_problems_are_located(make_tree) -> None:
    root = make_tree({"rules/awards.yaml": WORKSHOP})
    cat = root / "rules" / "catalogs" / "mini.yaml"
    cat.write_text(
        cat.read_text()
        .replace("id: mini", "id: tiny")
        .replace("{issuer: bravo, code: B-1", "{issuer: charlie, code: B-1")
    )
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(root)
    types = sorted(p.type for p in info.value.problems)
    assert "rule.catalog_id" in types
    assert "rule.unknown_issuer" in types
    for p in info.value.problems:
        if (
            p.type in ("rule.catalog_id", "rule.unknown_issuer")
            and p.path == "rules/catalogs/mini.yaml"
        ):
            assert p.line is not None


def test_accepting_an_issuer_no_catalog_lists_is_an_error(make_tree) -> None:
    root = make_tree({"rules/awards.yaml": WORKSHOP})
    j = root / "jurisdictions" / "xx-yy" / "jurisdiction.yaml"
    j.write_text(j.read_text().replace("issuers: [acme]", "issuers: [acme, badgemill]"))
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(root)
    (p,) = info.value.problems
    assert p.type == "rule.unknown_issuer"
    assert p.got == "badgemill"
    assert str(info.value).startswith(f"{JFILE}:")


def test_a_folder_without_jurisdictions_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(tmp_path)
    assert info.value.problems[0].type == "rules.no_jurisdictions"


def test_unknown_jurisdiction_lists_the_known_ones() -> None:
    rules = mccredit.load_rules(GOOD / "overrides")
    with pytest.raises(UnknownJurisdictionError) as info:
        rules.get("zz-zz")
    assert info.value.known == ["xx-yy"]
    assert "zz-zz" in str(info.value)


def test_sha256_is_stable_and_follows_the_files(make_tree) -> None:
    root = make_tree({"rules/awards.yaml": WORKSHOP})
    first = mccredit.load_rules(root).get("xx-yy").sha256
    assert mccredit.load_rules(root).get("xx-yy").sha256 == first
    f = root / "jurisdictions" / "xx-yy" / "rules" / "awards.yaml"
    f.write_text(f.read_text().replace("amount: 1", "amount: 2"))
    assert mccredit.load_rules(root).get("xx-yy").sha256 != first


def test_rule_origin_and_describe(make_tree) -> None:
    root = make_tree({"rules/awards.yaml": WORKSHOP})
    j = mccredit.load_rules(root).get("xx-yy")
    (award,) = j.awards
    assert str(award.origin) == "jurisdictions/xx-yy/rules/awards.yaml:2"
    # source refs resolve to the jurisdiction's source title and address
    assert award.source.document == "Test law"
    assert award.source.address == "https://example.org/law"
    d = j.describe()
    assert d["rules"][0]["file"] == "jurisdictions/xx-yy/rules/awards.yaml:2"
    assert d["accepted_issuers"] == ["acme"]


def test_bundled_rules_load_and_every_rule_cites_a_source(rules) -> None:
    assert "us-tn" in rules.ids
    for jid in rules.ids:
        for rule in rules.get(jid).all_rules():
            assert rule.source.cite(), f"{jid}: {rule.id} has no citable source"
            assert rule.origin is not None and rule.origin.line >= 1


def test_effective_window_must_be_ordered(make_tree) -> None:
    bad = WORKSHOP.replace(
        "amount: 1\n", "amount: 1\n    effective: {from: 2020-01-01, until: 2019-01-01}\n"
    )
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/a.yaml": bad}))
    assert "before 'from'" in str(info.value)
    assert info.value.problems[0].field == "awards[0].effective"


def test_a_number_is_not_a_date_in_a_rule_file(make_tree) -> None:
    bad = WORKSHOP.replace("amount: 1\n", "amount: 1\n    review_by: 0\n")
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/a.yaml": bad}))
    assert info.value.problems[0].field == "awards[0].review_by"


def test_an_extends_cycle_is_located(make_tree) -> None:
    root = make_tree({})
    j = root / "jurisdictions" / "xx-yy" / "jurisdiction.yaml"
    j.write_text(j.read_text() + "extends: xx-yy/dist\n")
    dist = root / "jurisdictions" / "xx-yy" / "dist"
    dist.mkdir()
    (dist / "jurisdiction.yaml").write_text("id: xx-yy/dist\nname: D\nextends: xx-yy\n")
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(root)
    assert {p.type for p in info.value.problems} == {"rule.extends_cycle"}
    assert all(p.line is not None and p.field == "extends" for p in info.value.problems)
    assert "jurisdictions/xx-yy/dist/jurisdiction.yaml:3:" in str(info.value)


@pytest.mark.parametrize(("text", "got"), [("# nothing yet\n", "NoneType"), ("- a\n", "list")])
def test_a_rule_file_must_be_a_mapping_of_sections(make_tree, text: str, got: str) -> None:
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/r.yaml": text}))
    (p,) = info.value.problems
    assert (p.type, p.path, p.got) == ("rule.file_shape", "jurisdictions/xx-yy/rules/r.yaml", got)
    assert "awards" in (p.expected or "")


def test_duplicate_rule_ids_in_one_jurisdiction(make_tree) -> None:
    other = WORKSHOP.replace("kind: workshop", "kind: conference")
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/a.yaml": WORKSHOP, "rules/b.yaml": other}))
    (p,) = info.value.problems
    assert p.type == "rule.duplicate_id"
    assert "jurisdictions/xx-yy/rules/a.yaml:2" in p.message
    assert (p.path, p.line) == ("jurisdictions/xx-yy/rules/b.yaml", 2)


def test_a_cap_naming_a_missing_rule(make_tree) -> None:
    cap = (
        "caps:\n  - id: xx.cap.x\n    title: t\n    source: {ref: law}\n    unit: hr\n"
        "    scope: career\n    max: 3\n    rules: [xx.hr.nope]\n"
    )
    with pytest.raises(RuleError) as info:
        mccredit.load_rules(make_tree({"rules/a.yaml": WORKSHOP + cap}))
    (p,) = info.value.problems
    assert (p.type, p.got) == ("rule.unknown_rule", "xx.hr.nope")


@pytest.mark.parametrize("other_when", ["{not: {kind: workshop}}", "{kind: {not_in: [workshop]}}"])
def test_awards_made_disjoint_with_not_do_not_collide(make_tree, other_when: str) -> None:
    other = WORKSHOP_2.replace("    overrides: xx.hr.workshop\n", "").replace(
        "when: {kind: workshop}", f"when: {other_when}"
    )
    rules = mccredit.load_rules(make_tree({"rules/a.yaml": WORKSHOP, "rules/b.yaml": other}))
    assert len(rules.get("xx-yy").awards) == 2
