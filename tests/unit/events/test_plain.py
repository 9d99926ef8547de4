"""Issue 13, steps 1-2: event rules as data (validated, located errors) and the plain evaluator
path (events from an evaluation document + previously raised keys, time injected)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import mccredit
from mccredit import RuleError
from mccredit.events import derive, settings_for

from ._support import BASE

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _load(make_tree, events: str) -> mccredit.RuleSet:
    return mccredit.load_rules(make_tree({}, jurisdiction=BASE + events))


def test_declared_events_load_with_parameters(make_tree) -> None:
    rs = _load(
        make_tree, "events:\n  renewal_at_risk: {days_before_end: 90}\n  stack_completed: {}\n"
    )
    s = settings_for(rs.get("xx-yy"))
    assert s.renewal_at_risk is not None and s.renewal_at_risk.days_before_end == 90
    assert s.stack_completed is not None and s.lane_eligible is None


@pytest.mark.parametrize(
    ("events", "line", "word"),
    [
        ("events:\n  renewal_at_rsk: {}\n", 12, "renewal_at_rsk"),
        ("events:\n  renewal_at_risk: {days_before: 90}\n", 12, "days_before"),
        ("events:\n  lane_eligible: {before_deadline_days: -1}\n", 12, "before_deadline_days"),
    ],
)
def test_unknown_kind_or_parameter_is_a_located_error(make_tree, events, line, word) -> None:
    with pytest.raises(RuleError) as info:
        _load(make_tree, events)
    (p,) = info.value.problems
    assert p.path is not None and p.path.endswith("jurisdiction.yaml")
    assert p.line == line
    assert word in p.one_line()


def _tn(as_of: str) -> tuple[dict, mccredit.RuleSet]:
    rs = mccredit.default_rules()
    return mccredit.evaluate(EXAMPLES / "tn-renewal.json", as_of=as_of, rules=rs), rs


def test_renewal_at_risk_once_per_cycle_as_the_date_passes() -> None:
    # TN-0001's cycle ends 2027-08-31 with 1.00 PDP short; us-tn declares 180 days' notice.
    settings = settings_for(mccredit.default_rules().get("us-tn"))
    raised: list[tuple[str, str, str, str]] = []
    kinds_by_day = {}
    for day in ("2026-12-01", "2027-03-03", "2027-03-04", "2027-06-01", "2027-08-31"):
        doc, _ = _tn(day)
        new = derive(doc, settings, now=dt.date.fromisoformat(day), previous=raised)
        raised.extend(e.key for e in new)
        kinds_by_day[day] = [e.kind for e in new]
    assert kinds_by_day["2026-12-01"] == []  # 273 days before the end: too early
    assert kinds_by_day["2027-03-03"] == []  # 181 days before the end
    assert kinds_by_day["2027-03-04"] == ["renewal_at_risk"]  # exactly 180 days: raised, once
    at_risk = [k for k in raised if k[0] == "renewal_at_risk"]
    assert at_risk == [("renewal_at_risk", "TN-0001", "professional", "2021-09-01/2027-08-31")]
    assert sum(len(v) for v in kinds_by_day.values()) == 1


def test_rederiving_the_same_evaluation_raises_nothing_new() -> None:
    doc, rs = _tn("2027-06-01")
    settings = settings_for(rs.get("us-tn"))
    first = derive(doc, settings, now=dt.date(2027, 6, 1))
    assert [e.kind for e in first] == ["renewal_at_risk"]
    assert derive(doc, settings, now=dt.date(2027, 6, 1), previous=[e.key for e in first]) == []


def test_undeclared_kinds_are_not_raised() -> None:
    doc, _ = _tn("2027-06-01")
    from mccredit.rules._models import EventSettings

    assert derive(doc, EventSettings(), now=dt.date(2027, 6, 1)) == []


def test_rule_stale_and_credential_revoked_hooks() -> None:
    doc, rs = _tn("2027-06-01")
    settings = settings_for(rs.get("us-tn")).model_copy(
        update={"credential_revoked": settings_for(rs.get("us-tn")).stack_completed}
    )
    rule = doc["ledger"][0]["rule"]
    evs = derive(
        doc,
        settings,
        now=dt.date(2027, 6, 1),
        review_by={rule: dt.date(2027, 1, 1)},
        revoked=["mc-1", "not-credited"],
    )
    kinds = {(e.kind, e.subject) for e in evs}
    assert ("rule_stale", rule) in kinds
    assert ("credential_revoked", "mc-1") in kinds
    assert ("credential_revoked", "not-credited") not in kinds


def test_a_district_inherits_its_states_event_kinds() -> None:
    rs = mccredit.default_rules()
    own = settings_for(rs.get("us-va/pwcs"))
    assert own.lane_eligible is not None and own.renewal_at_risk is None
    merged = settings_for(rs.get("us-va/pwcs"), rs)
    assert merged.lane_eligible == own.lane_eligible  # the district's own kind stands
    assert merged.renewal_at_risk == settings_for(rs.get("us-va")).renewal_at_risk
    assert merged.renewal_complete is not None
    assert settings_for(rs.get("us-va"), rs).lane_eligible is None  # never upwards


def test_a_district_educator_raises_state_and_district_events() -> None:
    rs = mccredit.default_rules()
    ed = {
        "id": "PW-9",
        "jurisdiction": "us-va/pwcs",
        "licenses": [
            {"type": "collegiate_professional", "issued": "2019-07-01", "expires": "2029-06-30"}
        ],
        "salary": {"lane": "BA", "step": 4},
        "credentials": [
            {
                "id": f"g{i}",
                "kind": "graduate_course",
                "earned": "2024-05-15",
                "semester_credits": 3,
            }
            for i in range(5)
        ],
    }
    settings = settings_for(rs.get("us-va/pwcs"), rs)
    doc = mccredit.evaluate(ed, as_of="2024-12-01", rules=rs)
    kinds = [e.kind for e in derive(doc, settings, now=dt.date(2024, 12, 1))]
    # the state's kind (15 graduate credits renew the license) and the district's (the move
    # to BA+15 from 2024-08-15)
    assert kinds == ["renewal_complete", "lane_eligible"]
    own_only = derive(doc, settings_for(rs.get("us-va/pwcs")), now=dt.date(2024, 12, 1))
    assert [e.kind for e in own_only] == ["lane_eligible"]


def test_lane_eligible_waits_for_its_notice_window(make_tree) -> None:
    rs = mccredit.default_rules()
    settings = settings_for(rs.get("us-va/pwcs"), rs)
    ed = json.loads((EXAMPLES / "pwcs-ba15.json").read_text())
    # filed 2024-12-15 by the Jan 10 deadline: half-year pay from 2025-01-15
    doc = mccredit.evaluate(ed, as_of="2024-12-15", rules=rs)
    assert [c["effective_date"] for c in doc["salary"]["changes"]] == ["2025-01-15"]
    assert derive(doc, settings, now=dt.date(2024, 12, 15)) == []  # 31 days before
    (ev,) = derive(doc, settings, now=dt.date(2024, 12, 16))  # 30 days: raised
    assert (ev.kind, ev.subject, ev.period) == ("lane_eligible", "BA+15", "2025-01-15")
    assert ev.detail["pay"] == "half_year" and ev.detail["annual_delta"] == "1500.00"
