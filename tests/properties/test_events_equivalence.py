"""Issue 13: durable_rules and the plain path raise exactly the same events (kind, educator,
subject, period and detail, in the same order) on a generated population: engine evaluations
of generated educators of the bundled jurisdictions that declare events, and synthetic
documents that sit on every threshold."""

from __future__ import annotations

import datetime as dt
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mccredit
from mccredit.events import derive, review_dates, settings_for
from mccredit.events._durable import DurableEvents, available
from mccredit.result import (
    Advancement,
    Cycle,
    Evaluation,
    LedgerLine,
    Renewal,
    RulesetRef,
    Salary,
    SalaryChange,
)
from mccredit.rules._models import EventSettings

from .strategies import AS_OF, educator

if not available():  # CI on a Python durable_rules installs on must run these
    if os.environ.get("CI") and sys.version_info < (3, 13):
        pytest.fail("durable_rules is not installed (the dev extra lists it)")
    pytest.skip("durable_rules is not installed", allow_module_level=True)

RULES = mccredit.default_rules()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
JURISDICTIONS = ["us-tn", "us-nc", "us-va", "us-va/pwcs"]
ENGINE = DurableEvents()
ALL_KINDS = EventSettings.model_validate(
    {
        "stack_completed": {},
        "renewal_at_risk": {"days_before_end": 365, "min_remaining": "0.5"},
        "renewal_complete": {},
        "advancement_eligible": {},
        "lane_eligible": {"before_deadline_days": 60},
        "credential_revoked": {},
        "rule_stale": {},
    }
)


def same(
    doc: Evaluation | dict[str, Any], settings: EventSettings, sha: str, **kw: Any
) -> list[Any]:
    plain = derive(doc, settings, **kw)
    durable = ENGINE.derive(doc, settings, ruleset_sha256=sha, **kw)
    assert [(e.key, e.jurisdiction, dict(e.detail)) for e in durable] == [
        (e.key, e.jurisdiction, dict(e.detail)) for e in plain
    ]
    return plain


@st.composite
def evaluated(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    jid = draw(st.sampled_from(JURISDICTIONS))
    j = RULES.get(jid)
    ed = draw(educator(j, max_credentials=8))
    as_of = draw(AS_OF)
    return mccredit.evaluate(ed, as_of=as_of, rules=RULES), jid


@given(
    case=evaluated(),
    now=AS_OF,
    declared=st.booleans(),
    stale_by=st.dates(dt.date(2015, 1, 1), dt.date(2035, 1, 1)),
    revoke=st.integers(0, 3),
)
def test_both_paths_agree_on_generated_evaluations(case, now, declared, stale_by, revoke) -> None:
    doc, jid = case
    j = RULES.get(jid)
    settings = settings_for(j, RULES) if declared else ALL_KINDS
    credited = sorted({str(e["credential"]) for e in doc["ledger"]})
    reviews = {**review_dates(j), **{str(e["rule"]): stale_by for e in doc["ledger"][:2]}}
    kw = {"now": now, "review_by": reviews, "revoked": credited[:revoke]}
    first = same(doc, settings, j.sha256, **kw)
    # already raised keys are dropped by both
    same(doc, settings, j.sha256, previous=[e.key for e in first[:1]], **kw)


DAYS = st.integers(-5, 400)


_WHERE = {"title": "t", "source": "s", "file": "f.yaml", "line": 1}


def _salary(changes: list[SalaryChange]) -> Salary:
    return Salary(
        schedule="teachers",
        schedule_title="Teachers",
        lane="BA",
        step=3,
        annual=Decimal("50000.00"),
        new_lane=None,
        new_step=None,
        new_annual=None,
        annual_delta=None,
        effective_date=None,
        this_year_delta=None,
        retro=None,
        pay_periods=24,
        unpriced=False,
        changes=changes,
        trace=[],
    )


def _evaluation(educator: str, jurisdiction: str, as_of: dt.date, **parts: Any) -> Evaluation:
    """A whole evaluation document with only the given parts filled (the rest empty)."""
    fields: dict[str, Any] = {"ledger": [], "renewal": [], "advancement": [], "salary": None}
    return Evaluation(
        educator=educator,
        jurisdiction=jurisdiction,
        as_of=as_of,
        ruleset=RulesetRef(id=f"{jurisdiction}@1", sha256="0" * 64),
        totals={},
        warnings=[],
        **{**fields, **parts},
    )


@st.composite
def synthetic(draw: st.DrawFn) -> Evaluation:
    now = dt.date(2026, 1, 1)
    renewals = []
    for i in range(draw(st.integers(0, 3))):
        end = now + dt.timedelta(days=draw(DAYS))
        left = draw(st.sampled_from(["0.00", "0.49", "0.50", "0.51", "12.25"]))
        remaining = {"pdp": Decimal(left), "hr": Decimal(draw(st.sampled_from(["0.00", "0.01"])))}
        complete = draw(st.booleans())
        renewals.append(
            Renewal(
                license=f"l{i}",
                license_id=None,
                cycle=Cycle(start=dt.date(2020, 1, 1), end=end),
                required=remaining,
                earned={u: Decimal("0.00") for u in remaining},
                remaining=remaining,
                categories={},
                complete=complete,
                status="complete" if complete else "at_risk",
                short_categories=[],
                rule=f"r.renew.{i}",
                capped=[],
                allocation=[],
                satisfied_by=None,
                alternatives=[],
                **_WHERE,
            )
        )
    changes = [
        SalaryChange(
            kind="lane_move",
            from_lane="BA",
            to_lane=f"L{i}",
            rule="r.lane",
            filed=now,
            effective_date=now + dt.timedelta(days=draw(DAYS)),
            pay="half_year",
            annual_delta=Decimal("100.00"),
            this_year_delta=None,
            retro=None,
            periods=[],
            **_WHERE,
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    line = {"unit": "pdp", "date": dt.date(2025, 5, 5), "basis": "b", "categories": []}
    ledger = [
        LedgerLine(credential=f"c{i}", amount=Decimal("1.00"), rule=f"r.{i % 3}", **line, **_WHERE)
        for i in range(draw(st.integers(0, 4)))
    ]
    if draw(st.booleans()):
        ledger.append(
            LedgerLine(
                credential="stack:s",
                kind="stack",
                rule="r.s",
                amount=Decimal("10.00"),
                **line,
                **_WHERE,
            )
        )
    advancement = [
        Advancement(
            tier=f"t{i}",
            from_="professional",
            eligible=draw(st.booleans()),
            unmet=[],
            rule="r.adv",
            satisfied_by=None,
            alternatives=[],
            **_WHERE,
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    return _evaluation(
        "E-s",
        "xx-yy",
        now,
        ledger=ledger,
        renewal=renewals,
        advancement=advancement,
        salary=_salary(changes) if changes or draw(st.booleans()) else None,
    )


@given(
    doc=synthetic(),
    days_before_end=st.sampled_from([0, 30, 180, 365]),
    min_remaining=st.sampled_from(["0", "0.01", "0.5", "1"]),
    before_deadline_days=st.sampled_from([0, 30]),
    overdue=st.integers(-2, 2),
)
def test_both_paths_agree_on_every_threshold(
    doc, days_before_end, min_remaining, before_deadline_days, overdue
) -> None:
    settings = ALL_KINDS.model_copy(
        update={
            "renewal_at_risk": ALL_KINDS.renewal_at_risk.model_copy(  # type: ignore[union-attr]
                update={"days_before_end": days_before_end, "min_remaining": Decimal(min_remaining)}
            ),
            "lane_eligible": ALL_KINDS.lane_eligible.model_copy(  # type: ignore[union-attr]
                update={"before_deadline_days": before_deadline_days}
            ),
        }
    )
    now = dt.date(2026, 1, 1)
    reviews = {"r.0": now + dt.timedelta(days=overdue), "r.renew.0": now}
    same(doc, settings, "0" * 64, now=now, review_by=reviews, revoked=["c1", "stack:s"])


def test_one_ruleset_per_jurisdiction_version_and_sessions_are_deleted() -> None:
    engine = DurableEvents()
    tn = RULES.get("us-tn")
    settings = settings_for(tn, RULES)
    engine.derive(
        _evaluation("E", "us-tn", dt.date(2027, 6, 1)),
        settings,
        ruleset_sha256=tn.sha256,
        now=dt.date(2027, 6, 1),
    )
    before = engine.rulesets
    doc = mccredit.evaluate(EXAMPLES / "tn-renewal.json", as_of="2027-06-01", rules=RULES)
    # more sessions than durable_rules keeps open per ruleset (1,024): each one raises the
    # event, so each opened its state, and each was deleted
    for _ in range(1500):
        (ev,) = engine.derive(doc, settings, ruleset_sha256=tn.sha256, now=dt.date(2027, 6, 1))
        assert ev.kind == "renewal_at_risk"
    assert engine.rulesets == before  # the same ruleset every time
