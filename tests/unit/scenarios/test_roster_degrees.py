"""Degrees already in the roster's history: a degree filed after the placement's `since` (the
placement reflects those filed by then) moves the educator by the district's own lane rule in
the school year the rule's deadlines make it effective for the day it was filed, paying that
year the share the engine's salary result pays (`this_year_delta`), and is never earned again
through the assumed `degrees`.

Worked examples, figures from the rule files (every grid and pay calendar an EXAMPLE VALUE
bundled with its district). Steps frozen, no scale growth, one educator, costed 2025-2027
(priced Oct 1; a costed year is the school year from Jul 1 holding that day).

Olathe (`olathe.lane.ma_from_ba15`: filed by Oct 15 the whole year, by Feb 15 from the first
pay date after filing, else the next school year; pay dates the 20th, Jul 20 to Jun 20, 12
dates). BA+15 step 2 = 51,000.00, MA step 2 = 53,200.00 (+2,200.00); `since` 2024-07-01:
- master's filed 2025-03-01 (after Feb 15 of 2024-25): the next school year, 2025-26, is the
  first costed one: 53,200.00 from 2025, the 2,200.00 the year's lane movement.
- filed 2026-01-20 (by Feb 15 of 2025-26): MA from Feb 20, 5 of 12 pay dates:
  2,200 × 5/12 = 916.67, so 2025 costs 51,916.67, then 53,200.00.
- filed 2026-03-01: after Feb 15, so 2026-27: 51,000.00 in 2025, 53,200.00 from 2026.
- filed 2024-01-20 with `since` 2023-07-01: MA from Feb 20, 2024, an earlier school year:
  the whole of 2025 at MA.
- filed 2024-01-20 with `since` 2024-07-01: the placement reflects it: BA+15 throughout.

PWCS (district deadlines: by Aug 10 the whole year, by Jan 10 half the year from the first pay
date after Jan 10, else the next school year; one lane a school year):
- BA step 3, master's filed 2025-12-01: half of (MA 71,481 − BA 65,481) = 3,000.00 in 2025-26:
  68,481.00; 2026 on the 2026-27 scale MA step 3 = 75,672.00.
- MA+30 step 5, doctorate filed 2026-02-01 (after Jan 10): 2026-27, DOC step 5 on the 2026-27
  scale, 83,830.00 (MA+30 82,330.00 + 1,500.00); 2025 stays 77,859.00.
- BA step 1, `since` 2023-07-01, master's filed 2024-03-01 (after Jan 10: 2024-25) and
  doctorate 2024-05-01 (2024-25 too, but that year's one lane is taken: deferred to 2025-26):
  DOC step 1 = 72,062.00 from 2025, the engine's 6,000.00 + 3,500.00 = 9,500.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import mccredit
from mccredit.io.educator import Educator
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.costing import cost_scenarios
from mccredit.scenarios.projection import project

OLATHE, PWCS = "us-ks/olathe", "us-va/pwcs"
REPO = __import__("pathlib").Path(__file__).resolve().parents[3]


def _a(**more: Any) -> Any:
    return parse_assumptions(
        {
            "assumptions": "roster degrees (example values)",
            "from_year": 2025,
            "years": 3,
            "steps": "frozen",
            "scale_growth": 0,
            "benefits": {"fica_rate": 0, "medicare_rate": 0},
            **more,
        }
    )


def _degree(code: str | None, filed: str, cid: str = "d") -> dict[str, Any]:
    return {"id": cid, "kind": "degree", "code": code, "earned": filed, "submitted": filed}


def _hours(filed: str, cid: str = "g", credits: int = 15) -> dict[str, Any]:
    return {
        "id": cid,
        "kind": "graduate_course",
        "semester_credits": credits,
        "earned": filed,
        "submitted": filed,
    }


def _ed(
    jur: str,
    lane: str,
    step: int,
    creds: list[dict[str, Any]],
    since: str = "2024-07-01",
    eid: str = "E1",
) -> Educator:
    return Educator.model_validate(
        {
            "id": eid,
            "jurisdiction": jur,
            "salary": {"lane": lane, "step": step, "since": since},
            "credentials": creds,
        }
    )


def _engine(ed: Educator, as_of: str) -> dict[str, Any]:
    salary: dict[str, Any] = mccredit.evaluate(ed.model_dump(mode="json"), as_of=as_of)["salary"]
    return salary


@pytest.mark.parametrize(
    ("jur", "lane", "step", "creds", "since", "salaries", "moves", "as_of"),
    [
        (
            OLATHE,
            "BA+15",
            2,
            [_degree("masters", "2025-03-01")],
            "2024-07-01",
            ["53200.00", "53200.00", "53200.00"],
            ["2200.00", "0.00", "0.00"],
            "2025-10-01",
        ),
        (
            OLATHE,
            "BA+15",
            2,
            [_degree("masters", "2026-01-20")],
            "2024-07-01",
            ["51916.67", "53200.00", "53200.00"],
            ["916.67", "0.00", "0.00"],
            "2026-03-01",
        ),
        (
            OLATHE,
            "BA+15",
            2,
            [_degree("masters", "2026-03-01")],
            "2024-07-01",
            ["51000.00", "53200.00", "53200.00"],
            ["0.00", "2200.00", "0.00"],
            None,
        ),
        (
            OLATHE,
            "BA+15",
            2,
            [_degree("masters", "2024-01-20")],
            "2023-07-01",
            ["53200.00", "53200.00", "53200.00"],
            ["2200.00", "0.00", "0.00"],
            "2025-10-01",
        ),
        (
            PWCS,
            "BA",
            3,
            [_degree("masters", "2025-12-01")],
            "2024-07-01",
            ["68481.00", "75672.00", "75672.00"],
            ["3000.00", "0.00", "0.00"],
            "2026-03-01",
        ),
        (
            PWCS,
            "MA+30",
            5,
            [_degree("doctorate", "2026-02-01")],
            "2024-07-01",
            ["77859.00", "83830.00", "83830.00"],
            ["0.00", "1500.00", "0.00"],
            None,
        ),
        (
            PWCS,
            "BA",
            1,
            [_degree("masters", "2024-03-01"), _degree("doctorate", "2024-05-01", "d2")],
            "2023-07-01",
            ["72062.00", "76066.00", "76066.00"],
            ["9500.00", "0.00", "0.00"],
            "2025-10-01",
        ),
    ],
)
def test_a_roster_degree_moves_in_the_school_year_its_rule_makes_it_effective(
    jur: str,
    lane: str,
    step: int,
    creds: list[dict[str, Any]],
    since: str,
    salaries: list[str],
    moves: list[str],
    as_of: str | None,
) -> None:
    j = mccredit.default_rules().get(jur)
    ed = _ed(jur, lane, step, creds, since)
    years = cost_scenarios(j, [ed], [], _a())["baseline"]["years"]
    assert [y["total_salary"] for y in years] == salaries
    assert [y["cost_of_lane_movement"] for y in years] == moves
    moved = [int(m != "0.00") for m in moves]
    assert [y["lane_moves"] for y in years] == moved
    assert [y["roster_degree_moves"] for y in years] == moved
    assert [y["degree_moves"] for y in years] == moved  # every degree's move, none assumed
    if as_of is not None:
        # the first costed year's move costs what the engine's own salary result adds to
        # that school year for the same roster
        got = _engine(ed, as_of)
        assert got["new_lane"] == project(j, [ed], _a())[0].people[0].lane
        assert got["this_year_delta"] == moves[0]


def test_a_degree_the_placement_reflects_is_not_projected() -> None:
    """Filed on or before the placement's `since`: the placement is already its lane (the
    engine counts it no more); the document is the one without the degree."""
    j = mccredit.default_rules().get(OLATHE)
    held = _ed(OLATHE, "BA+15", 2, [_degree("masters", "2024-01-20")], "2024-07-01")
    assert _engine(held, "2025-10-01")["new_lane"] is None
    doc = cost_scenarios(j, [held], [], _a())
    assert [y["total_salary"] for y in doc["baseline"]["years"]] == ["51000.00"] * 3
    assert doc == cost_scenarios(j, [_ed(OLATHE, "BA+15", 2, [])], [], _a())


@pytest.mark.parametrize(("filed", "since"), [("2026-03-01", "2024-07-01"), ("2024-01-20", None)])
def test_a_held_degree_is_never_earned_again_by_the_assumption(
    filed: str, since: str | None
) -> None:
    """Every BA+15 educator is assumed to earn a master's each year: one who holds it (pending
    or reflected in the placement) is not drawn, so the degree moves them once, by the roster."""
    j = mccredit.default_rules().get(OLATHE)
    ed = _ed(OLATHE, "BA+15", 2, [_degree("masters", filed)], since or "2024-07-01")
    assumed = _a(degrees={"code": "masters", "per_lane": {"BA+15": 1}, "filed": "01-20"})
    without = cost_scenarios(j, [ed], [], _a())["baseline"]["years"]
    years = cost_scenarios(j, [ed], [], assumed)["baseline"]["years"]
    assert [y["total_salary"] for y in years] == [y["total_salary"] for y in without]
    assert sum(y["degree_moves"] for y in years) == sum(y["lane_moves"] for y in without)
    # someone without the degree is drawn: MA from Feb 20, 2027 (5 of 12 pay dates)
    other = cost_scenarios(j, [_ed(OLATHE, "BA+15", 2, [])], [], assumed)["baseline"]["years"]
    assert [y["total_salary"] for y in other] == ["51000.00", "51916.67", "53200.00"]


def test_a_roster_degree_takes_the_years_one_column_in_filing_order() -> None:
    """Olathe, one column a year. BA step 1 with 15 semester hours (300 points) a year, filed
    Sep 15, and a master's filed 2026-03-01 (2026-27): the degree, filed before the year's
    points, moves BA → MA for the whole of 2026 (52,000.00); the 2026 points wait for 2027,
    when 600 points move MA → MA+15 (53,800.00)."""
    j = mccredit.default_rules().get(OLATHE)
    ed = _ed(OLATHE, "BA", 1, [_degree("masters", "2026-03-01")])
    a = _a(lane_filing="09-15", accrual={"per_lane": {"BA": 15, "MA": 15}})
    got = project(j, [ed], a)
    assert [(y.people[0].lane, y.people[0].roster_degree_from) for y in got] == [
        ("BA", None),
        ("MA", "BA"),
        ("MA+15", None),
    ]
    assert [y.people[0].salary for y in got] == [
        Decimal("48000.00"),
        Decimal("52000.00"),
        Decimal("53800.00"),
    ]


def test_who_gains_names_the_roster_degree_move() -> None:
    """The example Apr 15 proposal (`proposals/olathe-degree-apr15.yaml`) and a master's filed
    2026-03-10: after Feb 15, so 2026-27 under the agreement; by Apr 15, so from the first pay
    date after filing (Mar 20, 4 of 12) under the proposal: 2,200 × 4/12 = 733.33 in 2025."""
    j = mccredit.default_rules().get(OLATHE)
    ed = _ed(OLATHE, "BA+15", 2, [_degree("masters", "2026-03-10")])
    from mccredit.scenarios._proposal import load_proposal

    p = load_proposal(REPO / "proposals/olathe-degree-apr15.yaml")
    doc = cost_scenarios(j, [ed], [p], _a())
    prop = doc["proposals"][0]
    assert [y["roster_degree_moves"] for y in doc["baseline"]["years"]] == [0, 1, 0]
    assert [y["roster_degree_moves"] for y in prop["years"]] == [1, 0, 0]
    assert [v["salary_difference"] for v in prop["vs_baseline"]] == ["733.33", "0.00", "0.00"]
    assert prop["largest_gains"] == [
        {
            "year": 2025,
            "educator": "E1",
            "lane": "BA+15",
            "step": 2,
            "proposal_lane": "MA",
            "gain": "733.33",
            "roster_degree_move": True,
        }
    ]


LANES = ["BA", "BA+15", "MA"]
DAY = st.dates(min_value=dt.date(2023, 7, 2), max_value=dt.date(2027, 6, 30))
PERSON = st.tuples(
    st.sampled_from(LANES),
    st.integers(min_value=1, max_value=8),
    st.lists(st.tuples(st.sampled_from(["masters", "doctorate", None]), DAY), max_size=2),
)


def _roster(jur: str, people: list[Any]) -> list[Educator]:
    return [
        _ed(
            jur,
            lane,
            step,
            [_degree(code, d.isoformat(), f"d{k}") for k, (code, d) in enumerate(degs)],
            "2023-07-01",
            f"E{i}",
        )
        for i, (lane, step, degs) in enumerate(people)
    ]


@settings(max_examples=25)
@given(
    jur=st.sampled_from([OLATHE, PWCS]),
    people=st.lists(PERSON, min_size=1, max_size=6),
    rate=st.sampled_from([0, Decimal("0.5"), 1]),
    attrition=st.sampled_from([0, Decimal("0.3")]),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_roster_degrees_never_fall_below_and_are_applied_once(
    jur: str, people: list[Any], rate: Decimal, attrition: Decimal, seed: int
) -> None:
    j = mccredit.default_rules().get(jur)
    eds = _roster(jur, people)
    more: dict[str, Any] = {
        "steps": "automatic",
        "lane_filing": "09-15",
        "accrual": {"per_lane": {"BA": 6, "BA+15": 6}},
        "attrition": {"rate": attrition, "seed": seed},
    }
    if rate:
        more["degrees"] = {"code": "masters", "per_lane": {"BA": rate, "BA+15": rate}}
        more["degrees"] |= {"filed": "01-20", "seed": seed}
    a = _a(**more)
    got = project(j, eds, a)
    order = {x: i for i, x in enumerate(j.schedules[-1].lanes)}
    by_id = {e.id: e for e in eds}
    last: dict[str, int] = {}
    roster_moves: dict[str, int] = {}
    for y in got:
        for p in y.people:
            # lanes only go up, and a degree of the roster moves a person at most once each
            assert order[p.lane] >= last.get(p.key, -1)
            last[p.key] = order[p.lane]
            if p.roster_degree_from is not None:
                roster_moves[p.key] = roster_moves.get(p.key, 0) + 1
                held = {c.code for c in by_id[p.key].credentials if c.code}
                assert roster_moves[p.key] <= len(held)
            if p.educator in by_id and p.degree_from is not None:
                # the assumption never draws someone holding the master's
                assert all(c.code != "masters" for c in by_id[p.educator].credentials)
    for e in eds:
        masters = [c for c in e.credentials if c.code == "masters"]
        final = next((p for p in got[-1].people if p.key == e.id), None)
        if masters and final is not None and e.salary is not None and e.salary.lane != "MA":
            # filed by 2027-06-30: effective by 2027-28 (the last costed year) at the latest
            assert order[final.lane] >= order["MA"], (e.id, final.lane)
    # a degree held twice is applied once: the same projection
    twice = [
        e.model_copy(
            update={
                "credentials": [
                    *e.credentials,
                    *(c.model_copy(update={"id": c.id + "x"}) for c in e.credentials),
                ]
            }
        )
        for e in eds
    ]
    assert [[(p.lane, p.salary) for p in y.people] for y in project(j, twice, a)] == [
        [(p.lane, p.salary) for p in y.people] for y in got
    ]
    # both paths give the same document (the columns hand roster degrees to the person path)
    assert cost_scenarios(j, eds, [], a) == cost_scenarios(j, eds, [], a, path="person")


@settings(max_examples=15)
@given(
    people=st.lists(
        st.tuples(st.sampled_from(LANES), st.integers(min_value=1, max_value=8), DAY),
        min_size=1,
        max_size=6,
    ),
)
def test_a_known_degree_is_the_placement_it_leads_to(people: list[Any]) -> None:
    """Olathe: a master's filed by 2025-06-30 has moved a BA or BA+15 educator to MA for the
    whole of 2025-26 at the latest (by Feb 15 in an earlier school year, or the next school
    year); costing it is costing the placement on MA with it reflected, year by year."""
    j = mccredit.default_rules().get(OLATHE)
    pending, placed = [], []
    for i, (lane, step, d) in enumerate(people):
        filed = min(d, dt.date(2025, 6, 30))
        pending.append(
            _ed(OLATHE, lane, step, [_degree("masters", filed.isoformat())], "2023-07-01", f"E{i}")
        )
        placed.append(
            _ed(
                OLATHE,
                "MA",
                step,
                [_degree("masters", filed.isoformat())],
                filed.isoformat(),
                f"E{i}",
            )
        )
    a = _a(steps="automatic", attrition={"rate": Decimal("0.2"), "seed": 5})
    pays = [[(p.key, p.lane, p.salary) for p in y.people] for y in project(j, pending, a)]
    assert pays == [[(p.key, p.lane, p.salary) for p in y.people] for y in project(j, placed, a)]


@settings(max_examples=15)
@given(people=st.lists(PERSON, min_size=1, max_size=6), jur=st.sampled_from([OLATHE, PWCS]))
def test_degrees_no_rule_moves_by_leave_the_document_unchanged(jur: str, people: list[Any]) -> None:
    """Degrees without a code a lane rule names, or reflected in the placement (filed on or
    before `since`): the costing is the one of the roster without them, byte for byte."""
    j = mccredit.default_rules().get(jur)
    eds = []
    for e in _roster(jur, people):
        creds = [
            c.model_copy(update={"code": None})
            if k % 2
            else c.model_copy(
                update={"submitted": dt.date(2023, 7, 1), "earned": dt.date(2023, 7, 1)}
            )
            for k, c in enumerate(e.credentials)
        ]
        eds.append(e.model_copy(update={"credentials": creds}))
    bare = [e.model_copy(update={"credentials": []}) for e in eds]
    a = _a(steps="automatic", lane_filing="09-15")
    assert cost_scenarios(j, eds, [], a) == cost_scenarios(j, bare, [], a)


@pytest.mark.parametrize(
    ("creds", "salaries"),
    [
        # the master's (Jul 20) is complete before the 15 hours (Jul 25): BA → MA for the whole
        # of 2024-25 (65,240.00, the engine's 6,000.00); the hours then move no lane from MA
        (
            [_degree("masters", "2024-07-20"), _hours("2024-07-25")],
            ["65240.00", "69387.00", "73444.00"],
        ),
        # both on Jul 20: the higher lane first (MA), as the engine picks between moves
        # completed on one day
        (
            [_hours("2024-07-20"), _degree("masters", "2024-07-20")],
            ["65240.00", "69387.00", "73444.00"],
        ),
        # the hours first: BA → BA+15 in 2024-25 (1,500.00), the master's deferred to 2025-26
        (
            [_hours("2024-07-20"), _degree("masters", "2024-07-25")],
            ["60740.00", "69387.00", "73444.00"],
        ),
    ],
)
def test_a_roster_degree_and_the_rosters_credit_move_in_the_order_they_were_filed(
    creds: list[dict[str, Any]], salaries: list[str]
) -> None:
    """PWCS BA step 2, one lane a school year, no `lane_filing`: of a master's and 15
    graduate hours filed in one school year, the one completed first moves the educator
    (the engine's `walk_lanes`), the other waits a year; each year is the engine's own
    salary for that school year (`annual` + `this_year_delta`)."""
    j = mccredit.default_rules().get(PWCS)
    ed = _ed(PWCS, "BA", 2, creds, "2023-07-01")
    years = cost_scenarios(j, [ed], [], _a(from_year=2024))["baseline"]["years"]
    assert [y["total_salary"] for y in years] == salaries
    for i, y in enumerate(years):
        got = _engine(ed, f"{2025 + i}-06-30")
        engine = Decimal(got["annual"]) + Decimal(got["this_year_delta"])
        assert y["total_salary"] == str(engine)


_COSTED = {PWCS: (2024, 3), OLATHE: (2025, 1)}
_DAY = st.integers(0, 1800).map(lambda n: (dt.date(2022, 7, 1) + dt.timedelta(days=n)).isoformat())


@settings(max_examples=100)
@given(
    jur=st.sampled_from(sorted(_COSTED)),
    lane_index=st.integers(0, 2),
    step=st.integers(1, 5),
    since=st.integers(0, 900).map(lambda n: dt.date(2022, 7, 1) + dt.timedelta(days=n)),
    degrees=st.lists(st.tuples(st.sampled_from(["masters", "doctorate"]), _DAY), max_size=2),
)
@example(  # review 2026-12-04: a doctorate filed before the master's took MA -> DOC first
    jur=PWCS,
    lane_index=1,
    step=3,
    since=dt.date(2023, 6, 11),
    degrees=[("masters", "2026-04-08"), ("doctorate", "2025-04-07")],
)
def test_each_costed_year_of_roster_degrees_is_the_engines_salary(
    jur: str, lane_index: int, step: int, since: dt.date, degrees: list[tuple[str, str]]
) -> None:
    """Degrees in any order (a doctorate may be filed before the master's its lane rule starts
    from): each costed year's salary is the engine's own for that school year (`annual` +
    `this_year_delta`, priced on Jun 30), wherever the engine prices it."""
    j = mccredit.default_rules().get(jur)
    lane = j.schedules[-1].lanes[lane_index]
    ed = _ed(
        jur,
        lane,
        step,
        [_degree(code, day, f"d{i}") for i, (code, day) in enumerate(degrees)],
        since.isoformat(),
    )
    first, n = _COSTED[jur]
    years = cost_scenarios(j, [ed], [], _a(from_year=first, years=n))["baseline"]["years"]
    for i, y in enumerate(years):
        got = _engine(ed, f"{first + i + 1}-06-30")
        if got.get("unpriced"):
            continue
        engine = Decimal(got["annual"]) + Decimal(got["this_year_delta"] or 0)
        assert y["total_salary"] == str(engine), (first + i, got.get("changes"))
