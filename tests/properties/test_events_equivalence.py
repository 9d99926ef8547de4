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


def same(doc: dict[str, Any], settings: EventSettings, sha: str, **kw: Any) -> list[Any]:
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


@st.composite
def synthetic(draw: st.DrawFn) -> dict[str, Any]:
    now = dt.date(2026, 1, 1)
    renewals = []
    for i in range(draw(st.integers(0, 3))):
        end = now + dt.timedelta(days=draw(DAYS))
        left = draw(st.sampled_from(["0.00", "0.49", "0.50", "0.51", "12.25"]))
        renewals.append(
            {
                "license": f"l{i}",
                "cycle": {"start": "2020-01-01", "end": end.isoformat()},
                "remaining": {"pdp": left, "hr": draw(st.sampled_from(["0.00", "0.01"]))},
                "complete": draw(st.booleans()),
                "rule": f"r.renew.{i}",
            }
        )
    changes = [
        {
            "kind": "lane_move",
            "from_lane": "BA",
            "to_lane": f"L{i}",
            "effective_date": (now + dt.timedelta(days=draw(DAYS))).isoformat(),
            "pay": "half_year",
            "annual_delta": "100.00",
            "rule": "r.lane",
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    ledger = [
        {"credential": f"c{i}", "unit": "pdp", "amount": "1.00", "rule": f"r.{i % 3}"}
        for i in range(draw(st.integers(0, 4)))
    ]
    if draw(st.booleans()):
        ledger.append(
            {
                "credential": "stack:s",
                "kind": "stack",
                "date": "2025-05-05",
                "rule": "r.s",
                "amount": "10.00",
                "unit": "pdp",
            }
        )
    return {
        "educator": "E-s",
        "jurisdiction": "xx-yy",
        "as_of": now.isoformat(),
        "ledger": ledger,
        "renewal": renewals,
        "advancement": [
            {"tier": f"t{i}", "eligible": draw(st.booleans()), "rule": "r.adv"}
            for i in range(draw(st.integers(0, 2)))
        ],
        "salary": {"changes": changes} if changes or draw(st.booleans()) else None,
    }


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
        {"educator": "E", "jurisdiction": "us-tn"},
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
