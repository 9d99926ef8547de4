"""A jurisdiction written for the test: odd increments and rounding modes, a per-credential
limit, an audited rate, a `not` matcher and overlapping requirements (the most specific
wins), so the columnar arithmetic and picking are checked beyond the bundled rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import mccredit

from .conftest import assert_same, both, chunk_of, compiled
from .strategies import roster

JURISDICTION = """\
id: us-zz
name: Test state
license_types: [professional]
categories: {literacy: Literacy, subject: Subject, general: General}
accept:
  issuers: []
units:
  pdp: {title: Point, round: "0.25", rounding: half_even}
  ceu: {title: CEU, round: "0.1", rounding: down}
  hr: {title: Hour, round: "1", rounding: up}
sources:
  test: {title: "A test source", address: "https://example.org"}
"""
RULES = """\
awards:
  - id: zz.pdp.workshop
    title: a third of a point per hour, at most 7.1
    source: {ref: test}
    when: {kind: {in: [workshop, conference]}, contact_hours: {gte: 0.5}}
    unit: pdp
    per: contact_hours
    amount: "0.3333"
    max_per_credential: "7.1"
  - id: zz.pdp.course
    title: ten per credit, audited four and a half
    source: {ref: test}
    when: {kind: graduate_course}
    unit: pdp
    per: semester_credits
    amount: 10
    audited_amount: "4.5"
  - id: zz.ceu.hours
    title: a CEU per ten hours, rounded down
    source: {ref: test}
    when: {kind: {in: [workshop, conference]}, not: {categories: {contains: literacy}}}
    unit: ceu
    per: contact_hours
    amount: "0.1"
  - id: zz.hr.ceus
    title: ceus as hours, rounded up
    source: {ref: test}
    when: {kind: ceu_course, ceus: {lt: 2.25}}
    unit: hr
    per: ceus
    amount: "10.05"
requirements:
  - id: zz.renew.admin
    title: administrators need 90
    source: {ref: test}
    license: professional
    when_educator: {role: administrator}
    cycle_years: 4
    requires: {pdp: 90}
  - id: zz.renew.all
    title: everyone needs 60
    source: {ref: test}
    license: professional
    requires: {pdp: 60, ceu: "2.5"}
"""


@pytest.fixture(scope="module")
def zz(tmp_path_factory: pytest.TempPathFactory) -> mccredit.RuleSet:
    root = tmp_path_factory.mktemp("rules")
    folder = root / "jurisdictions" / "us-zz"
    (folder / "rules").mkdir(parents=True)
    (root / "rules" / "catalogs").mkdir(parents=True)
    (folder / "jurisdiction.yaml").write_text(JURISDICTION)
    (folder / "rules" / "all.yaml").write_text(RULES)
    return mccredit.load_rules(root)


def test_the_most_specific_requirement_wins(zz: mccredit.RuleSet) -> None:
    cp = compiled(zz, "us-zz")
    assert cp.reason is None
    edu = [
        {
            "educator_id": "A",
            "role": "administrator",
            "license_type": "professional",
            "license_issued": "2024-01-01",
        },
        {
            "educator_id": "T",
            "role": "teacher",
            "license_type": "professional",
            "license_issued": "2024-01-01",
        },
    ]
    v, r = both(cp, chunk_of(edu, [], []))
    assert_same(v, r)
    picked = {row["educator_id"]: row["requirement"] for row in v.results.to_pylist()}
    assert picked == {"A": "zz.renew.admin", "T": "zz.renew.all"}


def _generated_rosters_agree(zz: mccredit.RuleSet, cp: Any) -> None:
    """Both paths give the same rows on Hypothesis-generated rosters of us-zz."""

    @settings(
        max_examples=25,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(roster(zz.get("us-zz")))
    def check(data: Any) -> None:
        v, r = both(cp, chunk_of(*data))
        assert_same(v, r)

    check()


def test_generated_rosters_agree_on_custom_rules(zz: mccredit.RuleSet) -> None:
    _generated_rosters_agree(zz, compiled(zz, "us-zz"))


CONDITIONAL = """\
requirements:
  - id: zz.renew.admin
    title: administrators with licenses of 2020 on need 90
    source: {ref: test}
    license: professional
    when_educator: {role: administrator}
    cycles: {start: 2020-01-01}
    requires: {pdp: 90}
  - id: zz.renew.gold
    title: gold-tier licenses need 60
    source: {ref: test}
    license: professional
    when_license: {tier: gold}
    requires: {pdp: 60}
"""


def test_no_requirement_says_why_in_the_same_words_on_both_paths(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "jurisdictions" / "us-zz"
    (folder / "rules").mkdir(parents=True)
    (tmp_path / "rules" / "catalogs").mkdir(parents=True)
    (folder / "jurisdiction.yaml").write_text(
        JURISDICTION.replace(
            "license_types: [professional]", "license_types: [professional, initial]"
        )
    )
    (folder / "rules" / "all.yaml").write_text(CONDITIONAL)
    cp = compiled(mccredit.load_rules(tmp_path), "us-zz")
    assert cp.reason is None
    edu = [
        {
            "educator_id": "T",
            "role": "teacher",
            "license_type": "professional",
            "license_issued": "2019-06-01",
        },
        {
            "educator_id": "I",
            "role": "teacher",
            "license_type": "initial",
            "license_issued": "2024-01-01",
        },
    ]
    v, r = both(cp, chunk_of(edu, [], []))
    assert_same(v, r)
    got = {w["educator_id"]: w["message"] for w in v.warnings.to_pylist()}
    assert got == {
        "T": "us-zz has no renewal requirement in force on 2026-06-30 for a 'professional' "
        "license (zz.renew.admin: applies to licenses issued 2020-01-01 to …; needs educator "
        "role to match | zz.renew.gold: license conditions do not match)",
        "I": "us-zz has no renewal requirement in force on 2026-06-30 for a 'initial' license "
        "(requirements exist for: professional)",
    }


RENEWING = """\
requirements:
  - id: zz.renew.old
    title: licenses renewing before 2025 need 30
    source: {ref: test}
    license: professional
    renewals: {until: 2024-12-31}
    cycle_years: 3
    requires: {pdp: 30}
  - id: zz.renew.new
    title: licenses renewing from 2025 need 60
    source: {ref: test}
    license: professional
    renewals: {from: 2025-01-01}
    cycle_years: 3
    requires: {pdp: 60}
  - id: zz.renew.gold
    title: gold-tier licenses renewing in 2026 need 10
    source: {ref: test}
    license: professional
    when_license: {tier: gold}
    renewals: {from: 2026-01-01, until: 2026-12-31}
    requires: {pdp: 10}
"""


def test_renewals_choose_by_the_cycle_end_on_both_paths(tmp_path: Path) -> None:
    """`renewals` tests the cycle's end: the expiry, or (no expiry) the end of the rolling
    `cycle_years` cycle around as_of, computed with each candidate's own cycle_years."""
    folder = tmp_path / "jurisdictions" / "us-zz"
    (folder / "rules").mkdir(parents=True)
    (tmp_path / "rules" / "catalogs").mkdir(parents=True)
    (folder / "jurisdiction.yaml").write_text(JURISDICTION)
    (folder / "rules" / "all.yaml").write_text(RENEWING)
    cp = compiled(mccredit.load_rules(tmp_path), "us-zz", dt.date(2026, 6, 30))
    assert cp.reason is None
    lic = {"role": "teacher", "license_type": "professional"}
    edu = [
        {
            "educator_id": "A",
            **lic,
            "license_issued": "2019-07-01",
            "license_expires": "2024-06-30",
        },
        {
            "educator_id": "B",
            **lic,
            "license_issued": "2020-07-01",
            "license_expires": "2025-06-30",
        },
        # rolling 3-year cycles from 2020-01-01: 2026-01-01 to 2028-12-31 around as_of
        {"educator_id": "C", **lic, "license_issued": "2020-01-01"},
        # rolling from 2021-07-01: 2024-07-01 to 2027-06-30 under cycle_years 3, but gold's
        # default 5 years make 2021-07-01 to 2026-06-30: renewing in 2026, and more specific
        {"educator_id": "D", **lic, "license_tier": "gold", "license_issued": "2021-07-01"},
        {
            "educator_id": "E",
            **lic,
            "license_tier": "gold",
            "license_issued": "2019-07-01",
            "license_expires": "2024-06-30",
        },
    ]
    v, r = both(cp, chunk_of(edu, [], []))
    assert_same(v, r)
    picked = {row["educator_id"]: row["requirement"] for row in v.results.to_pylist()}
    assert picked == {
        "A": "zz.renew.old",
        "B": "zz.renew.new",
        "C": "zz.renew.new",
        "D": "zz.renew.gold",
        "E": "zz.renew.old",
    }
    ends = {row["educator_id"]: str(row["cycle_end"]) for row in v.results.to_pylist()}
    assert ends["C"] == "2028-12-31" and ends["D"] == "2026-06-30"


ALTERNATIVES = RULES.replace(
    """    license: professional
    requires: {pdp: 60, ceu: "2.5"}
""",
    """    license: professional
    requires: {pdp: 60, ceu: "2.5"}
    alternatives:
      - id: zz.renew.all.hours
        title: or 3 hours and one year within the license
        requires: {hr: 3}
        conditions: {cycle_experience_years: 1}
      - id: zz.renew.all.veteran
        title: or twelve years and a recommendation
        effective: {from: 2020-01-01}
        conditions: {experience_years: 12, recommendation: director_of_schools}
      - id: zz.renew.all.later
        title: not yet in force
        effective: {from: 2030-01-01}
        conditions: {experience_years: 0}
advancement:
  - id: zz.adv.master
    title: master with 20 points and 3 years, or a recommendation, or good evaluations
    source: {ref: test}
    tier: master
    from: professional
    requires: {pdp: 20}
    conditions: {experience_years: 3}
    alternatives:
      - id: zz.adv.master.recommended
        title: recommended
        conditions: {recommendation: director_of_schools, cycle_experience_years: 2}
""",
)


@pytest.mark.parametrize("with_evaluations", [False, True])
def test_generated_rosters_agree_on_alternatives(tmp_path: Path, with_evaluations: bool) -> None:
    """Alternatives the columns test (credit, experience, recommendation) and, with an
    evaluation-score alternative, those handed to the engine, agree with it."""
    rules = ALTERNATIVES
    if with_evaluations:
        rules += """\
      - id: zz.adv.master.rated
        title: or two good evaluations
        conditions: {evaluation_min_score: 4, evaluation_years: 2}
"""
    folder = tmp_path / "jurisdictions" / "us-zz"
    (folder / "rules").mkdir(parents=True)
    (tmp_path / "rules" / "catalogs").mkdir(parents=True)
    (folder / "jurisdiction.yaml").write_text(
        JURISDICTION.replace(
            "license_types: [professional]", "license_types: [professional, master]"
        )
    )
    (folder / "rules" / "all.yaml").write_text(rules)
    zz = mccredit.load_rules(tmp_path)
    cp = compiled(zz, "us-zz")
    assert cp.reason is None
    assert (cp.advancement[0]["alternatives"] is None) is with_evaluations
    _generated_rosters_agree(zz, cp)
