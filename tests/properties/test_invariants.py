"""Invariants of evaluation over generated, schema-valid educators in every bundled
jurisdiction (found at run time, so new jurisdictions are covered)."""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import mccredit
from mccredit import InputError
from mccredit.engine import build_ledger
from mccredit.engine._caps import _cap_matches
from mccredit.evaluation import plan_for
from mccredit.io.educator import parse_educator
from mccredit.views import render_text

from .strategies import AS_OF, PROPERTY, _facts, credential, educator, units

RULES = mccredit.default_rules()
IDS = RULES.ids
FAST = PROPERTY


@st.composite
def case(draw: st.DrawFn, **kw: Any) -> tuple[dict[str, Any], dt.date]:
    jid = draw(st.sampled_from(IDS))
    return draw(educator(RULES.get(jid), **kw)), draw(AS_OF)


def test_bundled_jurisdictions_are_covered() -> None:
    assert "us-tn" in IDS


@FAST
@given(case())
def test_evaluation_never_raises_on_schema_valid_input(c) -> None:
    ed, as_of = c
    parse_educator(ed)  # the generator only makes valid educators
    before = copy.deepcopy(ed)
    doc = _safe(ed, as_of)
    assert ed == before  # the caller's document is never modified
    if doc is None:
        return
    mccredit.to_json(doc)
    render_text(doc)


@FAST
@given(case())
def test_totals_equal_the_ledger_sum_per_unit(c) -> None:
    ed, as_of = c
    doc = _safe(ed, as_of)
    if doc is None:
        return
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for e in doc["ledger"]:
        sums[e["unit"]] += Decimal(e["amount"])
    assert units(doc) == dict(sums)


@FAST
@given(case())
def test_no_entry_exceeds_measure_times_rate(c) -> None:
    ed, as_of = c
    educ = parse_educator(ed)
    plan = plan_for(RULES, educ.jurisdiction, as_of)
    awards = {ca.rule.id: ca for cas in plan.by_kind.values() for ca in cas}
    ledger, _w, _c, _u = build_ledger(plan, educ)
    for e in ledger:
        if e.kind != "award":
            continue
        ca = awards[e.rule]
        facts = e.match
        per = ca.rule.per
        measure = {
            "credential": Decimal(1),
            "contact_hours": facts.contact_hours,
            "semester_credits": facts.cred.semester_credits,
            "ceus": facts.cred.ceus,
        }[per]
        audited = facts.cred.audited and ca.audited_amount is not None
        rate = ca.audited_amount if audited else ca.amount
        bound = measure * rate
        if ca.rule.max_per_credential is not None:
            bound = min(bound, ca.rule.max_per_credential)
        assert e.amount <= plan.rounders[e.unit](bound), (e.credential, e.rule)
        assert e.amount >= 0


@FAST
@given(case())
def test_credential_and_career_caps_are_never_exceeded(c) -> None:
    ed, as_of = c
    educ = parse_educator(ed)
    plan = plan_for(RULES, educ.jurisdiction, as_of)
    ledger, _w, _c, _u = build_ledger(plan, educ)
    for cap in plan.caps:
        if cap.scope == "cycle":
            continue
        used: dict[str, Decimal] = defaultdict(Decimal)
        for e in ledger:
            if _cap_matches(cap, e) and (cap.since is None or e.date >= cap.since):
                used[e.credential if cap.scope == "credential" else "*"] += e.amount
        assert all(v <= cap.max for v in used.values()), cap.id


@FAST
@given(case(max_credentials=8), st.data())
def test_adding_a_credential_never_lowers_a_total(c, data) -> None:
    ed, as_of = c
    before = _safe(ed, as_of)
    if before is None:
        return
    facts_j = RULES.get(ed["jurisdiction"])
    extra = data.draw(credential(_facts(facts_j)))
    extra["id"] = "zz-new"
    after = _safe({**ed, "credentials": [*ed["credentials"], extra]}, as_of)
    if after is None:
        return
    b, a = units(before), units(after)
    for unit, amount in b.items():
        assert a.get(unit, Decimal(0)) >= amount, unit


@FAST
@given(case(), st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_credential_order(c, rnd: random.Random) -> None:
    ed, as_of = c
    first = _safe(ed, as_of)
    if first is None:
        return
    again = _safe(ed, as_of)
    shuffled = list(ed["credentials"])
    rnd.shuffle(shuffled)
    evs = list(ed.get("evaluations", []))
    rnd.shuffle(evs)
    other = _safe({**ed, "credentials": shuffled, "evaluations": evs}, as_of)
    assert again is not None and other is not None
    assert mccredit.to_json(again) == mccredit.to_json(first)
    assert mccredit.to_json(other) == mccredit.to_json(first)


@FAST
@given(case())
def test_renewal_figures_are_consistent(c) -> None:
    ed, as_of = c
    doc = _safe(ed, as_of)
    if doc is None:
        return
    for r in doc["renewal"]:
        start, end = r["cycle"]["start"], r["cycle"]["end"]
        assert start <= end
        req = RULES.get(doc["jurisdiction"]).rules_by_id[r["rule"]]
        in_window: dict[str, Decimal] = defaultdict(Decimal)
        for e in doc["ledger"]:
            if req.window == "none" or start <= e["date"] <= end:
                in_window[e["unit"]] += Decimal(e["amount"])
        for unit, need in r["required"].items():
            earned, left = Decimal(r["earned"][unit]), Decimal(r["remaining"][unit])
            assert Decimal(0) <= earned <= in_window[unit], unit
            assert left == max(Decimal(0), Decimal(need) - earned)
        for cat in r["categories"].values():
            need, got = Decimal(cat["required"]), Decimal(cat["earned"])
            assert Decimal(0) <= got <= need
            assert Decimal(cat["remaining"]) == need - got
        short = any(Decimal(v) > 0 for v in r["remaining"].values()) or any(
            Decimal(c["remaining"]) > 0 for c in r["categories"].values()
        )
        assert r["complete"] is (not short)
        assert (r["status"] == "complete") is r["complete"]


def _safe(ed: dict[str, Any], as_of: dt.date) -> dict[str, Any] | None:
    """Evaluate; None only for the one refusal a valid educator may meet: a salary placement
    (lane, step) that the schedule in force on as_of does not have is never guessed."""
    try:
        return mccredit.evaluate(ed, as_of=as_of, rules=RULES)
    except InputError as e:
        if all(p.loc[:1] == ("salary",) for p in e.problems):
            return None
        raise
