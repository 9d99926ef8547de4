"""Assumed degrees (`degrees` in the assumptions): a degree drawn for an educator is filed on
the stated day and moves them by the district's own lane rules, paying the share of that year
the rules' deadlines give, as the engine's salary result pays it.

Worked example, Olathe (EXAMPLE VALUES grid and pay dates: the 20th of each month, Jul 20 to
Jun 20, 12 dates). One educator, BA+15 step 2, steps frozen, no scale growth; every BA+15
educator earns a master's each year (`per_lane: {BA+15: 1}`). The rule
`olathe.lane.ma_from_ba15`: filed by Oct 15 the whole year, by Feb 15 from the first pay
date after filing, else the next school year.
- 2025 (the roster as it stands): BA+15 step 2 = 51,000.00.
- 2026, filed Jan 20: MA from Feb 20, 5 of 12 pay dates: (53,200 − 51,000) × 5/12 = 916.67;
  the year costs 51,916.67. The engine's own salary result for the same filing (as of
  2026-03-01 on the 2025-26 scale, which 2026 repeats at 0 growth) pays this_year_delta 916.67.
- 2026, filed Oct 15: the whole year, 53,200.00 (the engine: this_year_delta 2,200.00).
- 2026, filed Mar 1: the next school year: 51,000.00 in 2026, 53,200.00 in 2027.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mccredit
from mccredit.io.educator import Educator
from mccredit.scenarios._columns import NotColumnar
from mccredit.scenarios._vector import project_columns
from mccredit.scenarios.assumptions import load_assumptions, parse_assumptions
from mccredit.scenarios.costing import cost_scenarios, run_costing
from mccredit.scenarios.projection import project

OLATHE = "us-ks/olathe"


def _a(degrees: dict[str, Any] | None = None, **more: Any) -> Any:
    a: dict[str, Any] = {
        "assumptions": "assumed degrees (example values)",
        "from_year": 2025,
        "years": 3,
        "steps": "frozen",
        "scale_growth": 0,
        "benefits": {"fica_rate": 0, "medicare_rate": 0},
        **more,
    }
    if degrees is not None:
        a["degrees"] = degrees
    return parse_assumptions(a)


def _masters(filed: str, **per_lane: float) -> dict[str, Any]:
    return {"code": "masters", "per_lane": per_lane or {"BA+15": 1}, "filed": filed, "seed": 3}


def _ed(eid: str, lane: str, step: int) -> Educator:
    return Educator.model_validate(
        {
            "id": eid,
            "jurisdiction": OLATHE,
            "salary": {"lane": lane, "step": step, "since": "2024-07-01"},
            "credentials": [],
        }
    )


def _engine_this_year(filed: str) -> str:
    """The engine's own in-year delta for the master's filed on `filed` (2025-26)."""
    ed = _ed("O1", "BA+15", 2).model_dump(mode="json")
    ed["credentials"] = [
        {"id": "d", "kind": "degree", "code": "masters", "earned": filed, "submitted": filed}
    ]
    doc = mccredit.evaluate(ed, as_of="2026-03-01")
    assert doc["salary"]["new_lane"] == "MA"
    return str(doc["salary"]["this_year_delta"])


@pytest.mark.parametrize(
    ("filed", "engine_filed", "salaries"),
    [
        ("01-20", "2026-01-20", ["51000.00", "51916.67", "53200.00"]),
        ("10-15", "2025-10-15", ["51000.00", "53200.00", "53200.00"]),
    ],
)
def test_olathe_degree_pays_the_rules_in_year_share(
    filed: str, engine_filed: str, salaries: list[str]
) -> None:
    j = mccredit.default_rules().get(OLATHE)
    doc = cost_scenarios(j, [_ed("O1", "BA+15", 2)], [], _a(_masters(filed)))
    years = doc["baseline"]["years"]
    assert [y["total_salary"] for y in years] == salaries
    assert [y["lane_moves"] for y in years] == [0, 1, 0]
    assert [y["degree_moves"] for y in years] == [0, 1, 0]
    # that year's cost of the move is the engine's own in-year delta for the same filing
    assert years[1]["cost_of_lane_movement"] == _engine_this_year(engine_filed)
    assert doc["assumptions"]["values"]["degrees"]["filed"] == filed


def test_a_degree_filed_after_the_last_deadline_moves_the_next_year() -> None:
    j = mccredit.default_rules().get(OLATHE)
    doc = cost_scenarios(j, [_ed("O1", "BA+15", 2)], [], _a(_masters("03-01")))
    assert [y["total_salary"] for y in doc["baseline"]["years"]] == [
        "51000.00",
        "51000.00",
        "53200.00",
    ]


def test_without_degrees_nobody_moves_to_a_degree_lane() -> None:
    j = mccredit.default_rules().get(OLATHE)
    doc = cost_scenarios(j, [_ed("O1", "BA+15", 2)], [], _a())
    assert [y["total_salary"] for y in doc["baseline"]["years"]] == ["51000.00"] * 3
    assert "degrees" not in doc["assumptions"]["values"]
    assert all("degree_moves" not in y for y in doc["baseline"]["years"])


def test_the_degree_takes_the_years_one_column_in_filing_order() -> None:
    """Olathe moves one column a year. A BA educator earning 300 points (15 semester hours)
    a year and the master's in 2026: the credit filed Sep 15 moves first (BA → BA+15 for
    2026) and the degree waits for 2027, paying it in full; credit filed Feb 1, after the
    degree's Jan 20, lets the degree move first (BA → MA from Feb 20), the points carry."""
    j = mccredit.default_rules().get(OLATHE)
    hours = {"accrual": {"per_lane": {"BA": 15}}}
    degree = _masters("01-20", BA=1)
    late = project(j, [_ed("O2", "BA", 1)], _a(degree, lane_filing="09-15", **hours))
    assert [(y.people[0].lane, y.people[0].degree_from) for y in late] == [
        ("BA", None),
        ("BA+15", None),
        ("MA", "BA+15"),
    ]
    assert [y.people[0].salary for y in late] == [
        Decimal("48000.00"),
        Decimal("49800.00"),
        Decimal("52000.00"),
    ]
    early = project(j, [_ed("O2", "BA", 1)], _a(degree, lane_filing="02-01", **hours))
    assert [(y.people[0].lane, y.people[0].degree_from) for y in early] == [
        ("BA", None),
        ("MA", "BA"),
        ("MA+15", None),  # the 2026 and 2027 points (600) move MA → MA+15
    ]
    # 2026: BA 48,000 + (MA 52,000 − 48,000) × 5/12 from Feb 20 = 49,666.67
    assert early[1].people[0].salary == Decimal("49666.67")


def test_the_columnar_path_hands_degrees_to_the_person_path() -> None:
    j = mccredit.default_rules().get(OLATHE)
    eds = [_ed("O1", "BA+15", 2), _ed("O2", "BA", 4)]
    a = _a(_masters("01-20", BA=Decimal("0.5"), **{"BA+15": Decimal("0.5")}))
    with pytest.raises(NotColumnar):
        project_columns(j, eds, a)
    cols = cost_scenarios(j, eds, [], a, path="columns")
    assert cols == cost_scenarios(j, eds, [], a, path="person")


ROSTER = st.lists(
    st.tuples(st.sampled_from(["BA", "BA+15", "MA"]), st.integers(min_value=1, max_value=8)),
    min_size=1,
    max_size=12,
)
RATE = st.decimals(min_value=0, max_value=1, places=2)


def _degree_moves(j: Any, eds: list[Educator], a: Any) -> int:
    return sum(1 for y in project(j, eds, a) for p in y.people if p.degree_from is not None)


@given(
    roster=ROSTER,
    p=RATE,
    q=RATE,
    seed=st.integers(min_value=0, max_value=10**6),
    filed=st.sampled_from(["09-01", "01-20", "03-01"]),
    attrition=st.sampled_from([0, Decimal("0.2")]),
)
def test_degree_rates_zero_changes_nothing_and_more_never_moves_fewer(
    roster: list[tuple[str, int]],
    p: Decimal,
    q: Decimal,
    seed: int,
    filed: str,
    attrition: Decimal,
) -> None:
    j = mccredit.default_rules().get(OLATHE)
    eds = [_ed(f"E{k}", lane, step) for k, (lane, step) in enumerate(roster)]
    more = {
        "steps": "automatic",
        "attrition": {"rate": attrition, "seed": seed},
        "accrual": {"per_lane": {"BA": 6, "BA+15": 6}},
        "lane_filing": "09-15",
        "years": 4,
    }
    none = _a(None, **more)
    zero = _a({"code": "masters", "per_lane": {"BA": 0, "BA+15": 0}, "filed": filed}, **more)
    plain = cost_scenarios(j, eds, [], none)
    got = cost_scenarios(j, eds, [], zero)
    # the stated assumptions differ, and the years count the degree moves (none); nothing else
    got["assumptions"] = plain["assumptions"]
    for y in got["baseline"]["years"]:
        assert y.pop("degree_moves") == 0
    assert got == plain
    lo, hi = sorted([p, q])

    def at(rate: Decimal) -> Any:
        deg = {"code": "masters", "per_lane": {"BA": rate, "BA+15": rate}, "filed": filed}
        return _a({**deg, "seed": seed}, **more)

    assert _degree_moves(j, eds, at(lo)) <= _degree_moves(j, eds, at(hi))


BAD = """\
assumptions: bad degrees (example values)
from_year: 2025
degrees:
  code: masters
  per_lane: {BA: 1.5, BA+15: 0.06}
  filed: "{filed}"
"""
GOOD = BAD.replace("1.5", "0.5").replace("{filed}", "01-20")


@pytest.mark.parametrize(
    ("text", "field", "line", "says"),
    [
        (BAD.replace("{filed}", "01-20"), ("degrees", "per_lane"), 5, "from 0 to 1"),
        (GOOD.replace("01-20", "02-30"), ("degrees", "filed"), 6, "not a day"),
        (GOOD.replace("01-20", "1-20"), ("degrees", "filed"), 6, "pattern"),
    ],
)
def test_bad_degrees_name_file_line_and_field(
    tmp_path: Path, text: str, field: tuple[str, ...], line: int, says: str
) -> None:
    f = tmp_path / "a.yaml"
    f.write_text(text, "utf-8")
    with pytest.raises(mccredit.InputError) as info:
        load_assumptions(f)
    [p] = info.value.problems
    assert (p.path, p.line, p.loc[:2]) == (str(f), line, field)
    assert says in p.message


def test_a_degree_lane_no_scale_has_is_named_at_its_line(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text(GOOD.replace("BA+15", "BA+51"), "utf-8")
    roster = tmp_path / "roster"
    roster.mkdir()
    (roster / "o1.json").write_text(_ed("O1", "BA", 2).model_dump_json(), "utf-8")
    with pytest.raises(mccredit.InputError) as info:
        run_costing([roster], [], f, tmp_path / "out", rules=mccredit.default_rules())
    [p] = info.value.problems
    assert (p.path, p.line, p.loc) == (str(f), 5, ("degrees", "per_lane", "BA+51"))
    assert "BA+51" in p.field and p.field.startswith("degrees.per_lane")
    assert "not a lane" in p.message and not (tmp_path / "out").exists()
    # the same assumptions without the unknown lane cost
    f.write_text(GOOD, "utf-8")
    doc = run_costing([roster], [], f, tmp_path / "out", rules=mccredit.default_rules())
    assert (
        json.loads((tmp_path / "out" / "scenario.json").read_text("utf-8"))["years"]
        == (doc["years"])
    )
