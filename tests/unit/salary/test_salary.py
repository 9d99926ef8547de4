"""Salary: FACTS §5.6 worked example, pay-period arithmetic, and invariants (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mccredit
from mccredit.rules._models import Deadline, SalarySettings, Source
from mccredit.salary import Calendar, pay_dates, school_year_of, split_amount

PWCS = "us-va/pwcs"


def pwcs_educator(credits: list[dict[str, Any]], lane: str = "BA", step: int = 4) -> dict[str, Any]:
    return {
        "id": "PW-T",
        "jurisdiction": PWCS,
        "salary": {"lane": lane, "step": step},
        "credentials": credits,
    }


def grad(cid: str, hours: int, earned: str, submitted: str) -> dict[str, Any]:
    return {
        "id": cid,
        "kind": "graduate_course",
        "semester_credits": hours,
        "earned": earned,
        "submitted": submitted,
    }


def test_facts_5_6_pwcs_ba_to_ba15_half_year() -> None:
    doc = mccredit.evaluate(
        pwcs_educator([grad("g1", 15, "2024-11-01", "2024-12-15")]), as_of="2025-01-05"
    )
    s = doc["salary"]
    assert (s["lane"], s["step"], s["annual"]) == ("BA", 4, "63213.00")
    assert (s["new_lane"], s["new_step"], s["new_annual"]) == ("BA+15", 4, "64713.00")
    assert s["annual_delta"] == "1500.00"
    assert s["this_year_delta"] == "750.00"
    assert s["effective_date"] == "2025-01-15"  # first pay date after the Jan 10 deadline
    assert s["retro"] == "0.00"
    [change] = s["changes"]
    assert sum(Decimal(p["amount"]) for p in change["periods"]) == Decimal("750.00")


def test_retro_counts_pay_dates_already_passed() -> None:
    doc = mccredit.evaluate(
        pwcs_educator([grad("g1", 15, "2024-11-01", "2024-12-15")]), as_of="2025-03-01"
    )
    # Jan 15, Jan 31, Feb 15 and Feb 28 are paid by Mar 1: 4 × 62.50 (187.50 while the old
    # calendar rolled "Feb 30" over to Mar 2)
    assert doc["salary"]["retro"] == "250.00"


def test_credit_used_for_a_move_is_not_used_again() -> None:
    doc = mccredit.evaluate(
        pwcs_educator(
            [grad("g1", 12, "2024-09-01", "2024-12-15"), grad("g2", 8, "2024-10-01", "2024-12-15")]
        ),
        as_of="2025-01-05",
    )
    entries = [e for e in doc["ledger"] if e["unit"] == "salary_credit"]
    consumed = sum(Decimal(e["amount"]) for e in entries if e.get("consumed_by"))
    left = sum(Decimal(e["amount"]) for e in entries if not e.get("consumed_by"))
    assert consumed == Decimal(15)
    assert left == Decimal(5)
    assert doc["salary"]["new_lane"] == "BA+15"


def test_step_not_in_schedule_is_an_error_naming_the_field() -> None:
    with pytest.raises(mccredit.InputError) as info:
        mccredit.evaluate(pwcs_educator([], step=40), as_of="2025-01-05")
    [p] = info.value.problems
    assert p.loc == ("salary", "step")
    assert "schedules/2024-25.yaml" in p.message


def test_lane_not_in_schedule_is_an_error() -> None:
    with pytest.raises(mccredit.InputError) as info:
        mccredit.evaluate(pwcs_educator([], lane="BA+45"), as_of="2025-01-05")
    assert info.value.problems[0].loc == ("salary", "lane")


def test_split_amount_rounding_rule_for_last_period() -> None:
    parts = split_amount(Decimal("1000.00"), 3)
    assert parts == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]


@given(
    total=st.decimals(min_value=0, max_value=500000, places=2, allow_nan=False),
    periods=st.integers(min_value=1, max_value=53),
)
def test_per_period_amounts_sum_to_the_annual_amount(total: Decimal, periods: int) -> None:
    parts = split_amount(total, periods)
    assert len(parts) == periods
    assert sum(parts) == total
    assert all(p.as_tuple().exponent == -2 for p in parts)


@given(n=st.sampled_from([12, 24, 26, 20]), year=st.integers(min_value=2000, max_value=2040))
def test_pay_dates_are_in_the_school_year_and_increasing(n: int, year: int) -> None:
    s = SalarySettings(source=Source(document="test"), pay_periods=n, first_pay_date="07-15")
    sy = dt.date(year, 7, 1)
    dates = pay_dates(sy, s)
    assert len(dates) == n
    assert dates == sorted(dates) and len(set(dates)) == n
    assert all(school_year_of(d, s) == sy for d in dates)


_DEADLINES = [
    Deadline(submitted_by="08-10", pay="full_year"),
    Deadline(submitted_by="01-10", pay="half_year"),
    Deadline(pay="next_school_year"),
]


@given(
    filed=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31)),
    first_day=st.sampled_from(["07-01", "08-15", "08-25"]),
    mode=st.sampled_from([None, "first_pay_period_after"]),
)
def test_effective_date_is_never_before_the_submission_date(
    filed: dt.date, first_day: str, mode: str | None
) -> None:
    s = SalarySettings(
        source=Source(document="test"),
        first_day=first_day,
        deadlines=_DEADLINES,
        first_pay_date="07-15",
    )
    deadlines = [Deadline(pay=mode)] if mode else []  # type: ignore[arg-type]
    eff, _, _ = Calendar(s).effective(filed, deadlines)
    assert eff >= filed


_grad_credit = st.builds(
    lambda i, h, d, lag: grad(f"g{i}", h, d.isoformat(), (d + dt.timedelta(days=lag)).isoformat()),
    st.integers(0, 10**6),
    st.integers(1, 9),
    st.dates(min_value=dt.date(2024, 7, 1), max_value=dt.date(2025, 5, 1)),
    st.integers(0, 30),
)


@settings(max_examples=60)
@given(
    credits=st.lists(_grad_credit, max_size=8, unique_by=lambda c: c["id"]),
    extra=_grad_credit,
    step=st.integers(1, 14),
    lane=st.sampled_from(["BA", "BA+15", "MA", "MA+30", "DOC"]),
)
def test_added_credit_never_lowers_new_annual(
    credits: list[dict[str, Any]], extra: dict[str, Any], step: int, lane: str
) -> None:
    as_of = "2025-06-01"
    before = mccredit.evaluate(pwcs_educator(credits, lane, step), as_of=as_of)["salary"]
    more = [*credits, {**extra, "id": "extra"}]
    after = mccredit.evaluate(pwcs_educator(more, lane, step), as_of=as_of)["salary"]

    def pay(s: dict[str, Any]) -> Decimal:
        return Decimal(s["new_annual"] or s["annual"])

    lanes = ["BA", "BA+15", "MA", "MA+30", "DOC"]
    assert pay(before) >= Decimal(before["annual"])
    # more credit never reaches a lower lane
    assert lanes.index(after["new_lane"] or lane) >= lanes.index(before["new_lane"] or lane)

    # `new_annual` is the rate in the school year the last change is paid: compare it only
    # within one school year (earlier credit can move a raise from next year's scale, with
    # next year's step, into this year's)
    def school_year(s: dict[str, Any]) -> int | None:
        d = s["effective_date"]
        return None if d is None else int(d[:4]) - (1 if d[5:] < "07-01" else 0)

    if school_year(before) == school_year(after):
        assert pay(after) >= pay(before)


@settings(max_examples=60)
@given(credits=st.lists(_grad_credit, max_size=10, unique_by=lambda c: c["id"]))
def test_each_credit_is_consumed_at_most_once(credits: list[dict[str, Any]]) -> None:
    doc = mccredit.evaluate(pwcs_educator(credits), as_of="2025-06-01")
    by_cred: dict[str, Decimal] = {}
    for e in doc["ledger"]:
        if e["unit"] == "salary_credit":
            by_cred[e["credential"]] = by_cred.get(e["credential"], Decimal(0)) + Decimal(
                e["amount"]
            )
    hours = {c["id"]: Decimal(c["semester_credits"]) for c in credits}
    for cid, amount in by_cred.items():
        assert amount <= hours[cid]
    s = doc["salary"]
    if s and s["effective_date"]:
        filed = max(c["submitted"] for c in credits)
        assert s["effective_date"] >= min(c["submitted"] for c in credits)
        assert filed  # the qualifying filing exists


SCALE_2025 = {
    "schedule": "teachers",
    "title": "2025-26 scale for tests (example values)",
    "source": {"document": "test", "tag": "I"},
    "effective": {"from": "2025-07-01", "until": "2026-06-30"},
    "lanes": ["BA", "BA+15", "MA", "MA+30", "DOC"],
    "steps": {4: [64000, 65500, 70000, 72000, 73500], 5: [66000, 67500, 72000, 74000, 75500]},
    "example_values": True,
}
NEXT_YEAR = {
    "proposal": "adds a 2025-26 scale",
    "effective": "2025-07-01",
    "schedules": [SCALE_2025],
}


def test_next_school_year_change_is_paid_in_the_year_it_takes_effect() -> None:
    ed = pwcs_educator([grad("g1", 15, "2025-01-20", "2025-02-01")])  # after Jan 10
    filed_year = mccredit.evaluate(ed, as_of="2025-03-01", proposal=NEXT_YEAR)["salary"]
    assert filed_year["effective_date"] == "2025-08-15"
    assert filed_year["new_step"] == 5  # the step advances at the 2025-07-01 school-year start
    assert filed_year["this_year_delta"] == "0.00" and filed_year["retro"] == "0.00"
    ed_next = {**ed, "salary": {"lane": "BA", "step": 5}}
    s = mccredit.evaluate(ed_next, as_of="2025-09-20", proposal=NEXT_YEAR)["salary"]
    assert s["effective_date"] == "2025-08-15"
    assert s["this_year_delta"] == "1500.00"  # the whole raise in the year it takes effect
    # Aug 15, Aug 30 and Sep 15 are paid by Sep 20: 3 of the 22 parts of 1,500.00
    parts = [Decimal(p["amount"]) for p in s["changes"][0]["periods"]]
    assert len(parts) == 22 and sum(parts) == Decimal("1500.00")
    assert Decimal(s["retro"]) == sum(parts[:3])


def test_a_later_degree_does_not_wipe_out_an_earlier_lane_move() -> None:
    """The move completed first comes first; each school year takes at most one move."""
    ed = pwcs_educator(
        [
            grad("g1", 15, "2024-07-01", "2024-07-20"),  # by Aug 10: BA+15 for 2024-25
            {
                "id": "ma",
                "kind": "degree",
                "code": "masters",
                "earned": "2024-07-25",
                "submitted": "2024-08-01",
            },  # also by Aug 10: MA, but one move a year
        ]
    )
    s = mccredit.evaluate(ed, as_of="2024-10-01", proposal=NEXT_YEAR)["salary"]
    moves = [(c["from_lane"], c["to_lane"], c["effective_date"]) for c in s["changes"]]
    assert moves == [("BA", "BA+15", "2024-08-15"), ("BA+15", "MA", "2025-08-15")]
    assert s["this_year_delta"] == "1500.00"  # only the first move pays in 2024-25
