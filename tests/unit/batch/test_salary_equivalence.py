"""Salary in columns (`batch/_salary*.py`) and the per-educator engine agree, field for field:
results (placement, new lane and step, new annual, delta, effective date, this year's cost,
retro, the salary credit and base totals), every warning with its message, the ledger and the
rejects, on Hypothesis rosters drawn from each bundled salary district's own schedules and
lane rules; the bundled cases are compared in `test_equivalence.py`. The columnar path must
also really run: on a roster of plain lane moves nobody is handed to the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mccredit
from mccredit.batch._roster import Chunk
from mccredit.rules import Jurisdiction

from .conftest import CRED_COLS, EDU_COLS, EVAL_COLS, assert_same, both, compiled, frame

SALARY = [
    "us-va/pwcs",
    "us-il/troy-30c",
    "us-wi/muskego-norway",
    "us-wi/kettle-moraine",
    "us-md/baltimore-county",
    "us-co/aurora",
    "us-ks/olathe",
]
_KINDS = [
    "micro_credential",
    "micro_credential",
    "graduate_course",
    "graduate_course",
    "graduate_course",
    "undergraduate_course",
    "degree",
    "workshop",
    "conference",
    "mentoring",
]
_HOURS = st.sampled_from(
    [None, "0", "1", "3", "3", "6", "6", "9", "10", "12", "15", "20", "40", "1.5", "0.25"]
)


def _days(day: dt.date, lo: int, hi: int) -> st.SearchStrategy[dt.date]:
    return st.integers(lo, hi).map(lambda d: day + dt.timedelta(days=d))


def salary_roster(j: Jurisdiction) -> st.SearchStrategy[Any]:
    """(as_of, educator rows, credential rows): placements on the district's schedules (now and
    then a step or lane the schedule lacks), credentials of the kinds its rules credit, filed
    early or late, approved before or after they were earned."""
    scheds = list(j.schedules)
    issuers = sorted(j.accepted_issuers)
    listed = [(e.issuer, e.code) for e in j.catalog.values() if e.issuer in j.accepted_issuers]
    # mostly credentials the district's rules credit; now and then one they refuse
    odd = [("badgemill", "XX-1"), (None, None), (issuers[0] if issuers else None, "NEA-EX-01")]

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        sched = draw(st.sampled_from(scheds))
        start = sched.effective.start
        assert start is not None
        as_of = draw(_days(start, 0, 364))
        edu: list[dict[str, Any]] = []
        cred: list[dict[str, Any]] = []
        for i in range(draw(st.integers(1, 5))):
            eid = f"S{i:03d}"
            steps = sorted(sched.steps)
            lane = draw(st.sampled_from([*sched.lanes, *sched.lanes, "ZZ"]))
            step = draw(st.sampled_from([*steps, steps[-1] + 1] if draw(st.booleans()) else steps))
            placed = draw(st.integers(0, 9)) > 0
            since = draw(st.one_of(st.none(), _days(as_of, -900, -30)))
            edu.append(
                {
                    "educator_id": eid,
                    "salary_lane": lane if placed else None,
                    "salary_step": step if placed else None,
                    "salary_since": since.isoformat() if since and placed else None,
                }
            )
            for k in range(draw(st.integers(0, 14))):
                kind = draw(st.sampled_from(_KINDS))
                issuer, code = None, None
                if kind == "micro_credential":
                    pool = listed * 4 + odd if listed else odd
                    issuer, code = draw(st.sampled_from(pool))
                elif kind == "degree":
                    code = draw(st.sampled_from(["masters", "masters", "doctorate", None]))
                earned = draw(_days(as_of, -1400, 20))
                late = draw(st.sampled_from([None, 0, 5, 5, 30, 30, 89, 91, 200]))
                approved = draw(st.sampled_from([None, -30, -30, -30, 0, 10]))
                cred.append(
                    {
                        "educator_id": eid,
                        "credential_id": f"C{k:02d}",
                        "kind": kind,
                        "issuer": issuer,
                        "code": code,
                        "earned": earned.isoformat(),
                        "submitted": None
                        if late is None
                        else (earned + dt.timedelta(days=late)).isoformat(),
                        "approved": None
                        if approved is None
                        else (earned + dt.timedelta(days=approved)).isoformat(),
                        "categories": draw(
                            st.sampled_from([None, "foundational", "elective", "stipend"])
                        ),
                        "contact_hours": draw(_HOURS),
                        "semester_credits": draw(_HOURS),
                    }
                )
        return as_of, edu, cred

    return build()


def _chunk(edu: list[dict[str, Any]], cred: list[dict[str, Any]]) -> Chunk:
    return Chunk(frame(edu, EDU_COLS), frame(cred, [*CRED_COLS, "approved"]), frame([], EVAL_COLS))


@pytest.mark.parametrize("jid", SALARY)
def test_salary_rosters_agree(rules: mccredit.RuleSet, jid: str) -> None:
    j = rules.get(jid)

    @settings(
        max_examples=25,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(salary_roster(j))
    def check(data: Any) -> None:
        as_of, edu, cred = data
        v, r = both(compiled(rules, jid, as_of), _chunk(edu, cred))
        assert_same(v, r)

    check()


def test_plain_lane_moves_stay_columnar(rules: mccredit.RuleSet) -> None:
    """PWCS graduate hours over two school years: BA → BA+15 → MA+… moves, base pay, retro:
    every figure from the columns, nobody handed to the engine, and equal to the engine."""
    edu, cred = [], []
    for i in range(40):
        eid = f"P{i:03d}"
        edu.append({"educator_id": eid, "salary_lane": "BA", "salary_step": 1 + i % 10})
        for k in range(i % 7):
            earned = dt.date(2024, 9, 1) + dt.timedelta(days=40 * k + i)
            cred.append(
                {
                    "educator_id": eid,
                    "credential_id": f"G{k}",
                    "kind": "graduate_course",
                    "semester_credits": str(3 + k % 4),
                    "earned": earned.isoformat(),
                    "submitted": (earned + dt.timedelta(days=10)).isoformat(),
                }
            )
    cp = compiled(rules, "us-va/pwcs", dt.date(2026, 3, 1))
    v, r = both(cp, _chunk(edu, cred))
    assert_same(v, r)
    assert v.stats.fallback == 0, v.stats.fallback_reasons
    moved = [row for row in v.results.to_pylist() if row["new_lane"] is not None]
    assert moved and all(row["annual_delta"] > 0 for row in moved)
