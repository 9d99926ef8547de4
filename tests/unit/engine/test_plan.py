"""Compiled plans: dated values resolved once, awards indexed by kind, cached per
(ruleset sha256, jurisdiction, as_of)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import mccredit
from mccredit.engine import compile_plan
from mccredit.evaluation import plan_for

from ._trees import award, awards

D = dt.date


def test_plans_are_cached_per_as_of(rules) -> None:
    a = plan_for(rules, "us-tn", D(2026, 6, 30))
    assert plan_for(rules, "us-tn", D(2026, 6, 30)) is a
    assert plan_for(rules, rules.get("us-tn"), D(2026, 6, 30)) is a
    b = plan_for(rules, "us-tn", D(2026, 7, 1))
    assert b is not a
    assert (a.as_of, b.as_of) == (D(2026, 6, 30), D(2026, 7, 1))
    assert a.sha256 == rules.get("us-tn").sha256


def test_awards_are_indexed_by_kind_and_dated_amounts_resolved(make_tree) -> None:
    text = awards(
        award(
            "xx.hr.workshop",
            "{kind: workshop}",
            amount="{2020-01-01: 1, 2023-01-01: 2}",
            extra="    combines: true\n",
        ),
        award(
            "xx.hr.any",
            "{issuer: acme}",
            per="credential",
            amount="3",
            extra="    combines: true\n",
        ),
    )
    j = mccredit.load_rules(make_tree({"rules/r.yaml": text})).get("xx-yy")
    plan = compile_plan(j, D(2024, 1, 1))
    assert [ca.rule.id for ca in plan.by_kind["workshop"]] == ["xx.hr.workshop", "xx.hr.any"]
    assert [ca.rule.id for ca in plan.by_kind["degree"]] == ["xx.hr.any"]
    assert plan.by_kind["workshop"][0].amount == Decimal(2)
    assert compile_plan(j, D(2021, 1, 1)).by_kind["workshop"][0].amount == Decimal(1)
    assert [ca.rule.id for ca in compile_plan(j, D(2019, 1, 1)).by_kind["workshop"]] == [
        "xx.hr.any"
    ]
    assert plan.by_kind["workshop"][0].file == "jurisdictions/xx-yy/rules/r.yaml"


def test_rules_out_of_force_are_dropped(make_tree) -> None:
    text = awards(
        award(
            "xx.hr.workshop",
            "{kind: workshop}",
            extra="    effective: {from: 2020-01-01, until: 2020-12-31}\n",
        )
    )
    j = mccredit.load_rules(make_tree({"rules/r.yaml": text})).get("xx-yy")
    assert compile_plan(j, D(2020, 6, 1)).by_kind["workshop"]
    assert not compile_plan(j, D(2021, 1, 1)).by_kind["workshop"]
    assert not compile_plan(j, D(2019, 12, 31)).by_kind["workshop"]
