"""A district that treats a credential without a `submitted` date as not filed
(`salary.missing_submitted: not_filed`, DESIGN/RULES: the engine's `Filing.filed`): the
costing counts only what the engine counts. The projection used to file every credential of
the roster's history on `submitted`, else `earned`, whatever the district said: in such a
district a teacher whose hours lacked a submitted date moved a lane in the costing a year the
engine kept them on their lane. PWCS as shipped counts the earned date (with a warning); a
copy says `not_filed`."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mccredit
from mccredit.io.educator import Educator
from mccredit.rules import RuleSet
from mccredit.scenarios._columns import NotColumnar
from mccredit.scenarios._vector import project_columns
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.costing import cost_scenarios

REPO = Path(__file__).resolve().parents[3]
PWCS = "us-va/pwcs"


@pytest.fixture(scope="module")
def not_filed(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    root = tmp_path_factory.mktemp("rules")
    for part in ("rules", "jurisdictions/us-va"):
        shutil.copytree(REPO / part, root / part)
    path = root / "jurisdictions/us-va/pwcs/jurisdiction.yaml"
    text = path.read_text()
    old = "  max_lanes_per_year: 1\n"
    assert old in text
    path.write_text(text.replace(old, old + "  missing_submitted: not_filed\n", 1))
    return mccredit.load_rules(root)


class _Named:
    """Rules with a repr short enough for Hypothesis to print beside a failing example."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def __repr__(self) -> str:
        return "<PWCS with missing_submitted: not_filed>"


@pytest.fixture(scope="module")
def named(not_filed: RuleSet) -> _Named:
    return _Named(not_filed)


def _a() -> Any:
    return parse_assumptions(
        {
            "assumptions": "missing submitted dates (example values)",
            "from_year": 2024,
            "years": 3,
            "steps": "frozen",
            "scale_growth": 0,
            "benefits": {"fica_rate": 0, "medicare_rate": 0},
        }
    )


def _ed(creds: list[tuple[int, str, bool]], lane: str = "BA", eid: str = "E1") -> Educator:
    """`creds`: (semester credits, earned, whether `submitted` is given: the same day)."""
    return Educator.model_validate(
        {
            "id": eid,
            "jurisdiction": PWCS,
            "salary": {"lane": lane, "step": 5, "since": "2023-07-01"},
            "credentials": [
                {
                    "id": f"g{i}",
                    "kind": "graduate_course",
                    "semester_credits": n,
                    "earned": day,
                    **({"submitted": day} if sub else {}),
                }
                for i, (n, day, sub) in enumerate(creds)
            ],
        }
    )


def _engine(rules: RuleSet, ed: Educator, as_of: str) -> Decimal | None:
    got: dict[str, Any] = mccredit.evaluate(ed.model_dump(mode="json"), as_of=as_of, rules=rules)[
        "salary"
    ]
    if got.get("unpriced"):
        return None
    return Decimal(got["annual"]) + Decimal(got["this_year_delta"] or 0)


def _costed(rules: RuleSet, eds: list[Educator], path: str = "person") -> list[dict[str, Any]]:
    years: list[dict[str, Any]] = cost_scenarios(rules.get(PWCS), eds, [], _a(), path=path)[
        "baseline"
    ]["years"]
    return years


def test_hours_without_a_submitted_date_move_no_lane_where_they_are_not_filed(
    not_filed: RuleSet,
) -> None:
    """15 hours earned in the fall of 2024, never submitted: BA -> BA+15 in the first costed
    year (priced on Oct 1, 2024) where the earned date stands in; BA all three years where it
    does not, each year the engine's own salary (no move: no in-year share to assume)."""
    ed = _ed([(15, "2024-09-15", False)])
    shipped = mccredit.default_rules()
    moved = _costed(shipped, [ed])
    kept = _costed(not_filed, [ed])
    assert [y["lane_moves"] for y in moved] == [1, 0, 0]
    assert [y["lane_moves"] for y in kept] == [0, 0, 0]
    for i, (k, m) in enumerate(zip(kept, moved, strict=True)):
        assert k["total_salary"] != m["total_salary"]
        assert k["total_salary"] == str(_engine(not_filed, ed, f"{2024 + i + 1}-06-30"))
        if i:  # a move of an earlier school year pays the whole year, as the engine does
            assert m["total_salary"] == str(_engine(shipped, ed, f"{2024 + i + 1}-06-30"))


def _submitted_only(ed: Educator) -> Educator:
    return ed.model_copy(
        update={"credentials": [c for c in ed.credentials if c.submitted is not None]}
    )


_CRED = st.tuples(
    st.sampled_from([3, 6, 9, 15]),
    st.integers(0, 1100).map(lambda n: (dt.date(2023, 8, 1) + dt.timedelta(days=n)).isoformat()),
    st.booleans(),
)


@settings(max_examples=40)
@given(
    people=st.lists(
        st.tuples(st.lists(_CRED, min_size=1, max_size=5), st.sampled_from(["BA", "BA+15", "MA"])),
        min_size=1,
        max_size=4,
    ),
    path=st.sampled_from(["person", "columns"]),
)
def test_where_not_filed_an_unsubmitted_credential_is_as_if_absent(
    named: _Named, people: list[tuple[list[tuple[int, str, bool]], str]], path: str
) -> None:
    """The district's rule, costed: every figure of the costing is that of the same roster
    without the credentials lacking a submitted date (priced where the earned date stands
    in, which then makes no difference)."""
    eds = [_ed(creds, lane, f"E{k}") for k, (creds, lane) in enumerate(people)]
    got = cost_scenarios(named.rules.get(PWCS), eds, [], _a(), path=path)
    want = cost_scenarios(
        mccredit.default_rules().get(PWCS), [_submitted_only(e) for e in eds], [], _a(), path=path
    )
    assert got["baseline"] == want["baseline"]


def test_the_columnar_path_hands_such_a_roster_on(not_filed: RuleSet) -> None:
    """The columns file credit by day alone: with unsubmitted credit in a `not_filed` year the
    person-by-person path costs it, so both paths agree (and with the earned date standing
    in, the columns cost it themselves)."""
    eds = [
        _ed([(15, "2024-09-15", k % 2 == 0), (15, "2025-02-01", k % 3 == 0)], eid=f"E{k}")
        for k in range(12)
    ]
    for rules in (mccredit.default_rules(), not_filed):
        assert _costed(rules, eds, "columns") == _costed(rules, eds, "person")
    project_columns(mccredit.default_rules().get(PWCS), eds, _a())  # the earned date: columns
    with pytest.raises(NotColumnar, match="submitted"):
        project_columns(not_filed.get(PWCS), eds, _a())
