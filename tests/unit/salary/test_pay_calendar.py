"""Pay calendars (issue 10): real dates in their month and school year, and a calendar that
would leave its school year is refused when the rules load."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import mccredit
from mccredit.rules._models import PayCalendar, SalarySettings, Source
from mccredit.rules._paydates import pay_dates, school_year_of
from mccredit.views import annual_change, render_text

SRC = Source(document="test")


def _months_from(sy: dt.date, first: dt.date, n: int) -> list[tuple[int, int]]:
    y, m = first.year, first.month
    out = []
    for _ in range(n):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_pwcs_february_pays_on_the_28th_not_march_2() -> None:
    s = SalarySettings(
        source=SRC, pay_calendar=PayCalendar(kind="semi_monthly", days=[15, "last"], first="07-15")
    )
    dates = pay_dates(dt.date(2024, 7, 1), s)
    assert len(dates) == 24
    assert dt.date(2025, 2, 28) in dates and dt.date(2025, 3, 2) not in dates
    assert dates[:3] == [dt.date(2024, 7, 15), dt.date(2024, 7, 31), dt.date(2024, 8, 15)]
    assert dates[-1] == dt.date(2025, 6, 30)
    # a leap year's February
    assert dt.date(2024, 2, 29) in pay_dates(dt.date(2023, 7, 1), s)


def test_older_spelling_keeps_each_date_in_its_month() -> None:
    s = SalarySettings(source=SRC, pay_periods=24, first_pay_date="07-15")
    dates = pay_dates(dt.date(2024, 7, 1), s)
    assert dt.date(2025, 2, 28) in dates and dt.date(2025, 3, 2) not in dates
    assert [d.month for d in dates] == [
        m for _, m in _months_from(dates[0], dates[0], 12) for _ in (0, 1)
    ]


@given(
    kind=st.sampled_from(["semi_monthly", "monthly"]),
    start=st.sampled_from(["07-01", "08-01", "09-01"]),
    first_day=st.integers(1, 31),
    second=st.one_of(st.just("last"), st.integers(16, 31)),
    lead=st.integers(0, 2),
    year=st.integers(1999, 2060),
)
def test_every_pay_date_lies_in_its_month_and_school_year(
    kind: str, start: str, first_day: int, second: Any, lead: int, year: int
) -> None:
    first_day = min(first_day, 15) if kind == "semi_monthly" else first_day
    month = int(start[:2]) + lead
    first = f"{month:02d}-{min(first_day, 28):02d}"
    days: list[Any] = [first_day, second] if kind == "semi_monthly" else [first_day]
    s = SalarySettings(
        source=SRC,
        school_year_start=start,
        pay_calendar=PayCalendar(kind=kind, days=days, first=first),  # type: ignore[arg-type]
    )
    sy = school_year_of(dt.date(year, int(start[:2]), 1), s)
    dates = pay_dates(sy, s)
    per_month = 2 if kind == "semi_monthly" else 1
    assert dates == sorted(set(dates))
    assert all(school_year_of(d, s) == sy for d in dates)
    # each month of the calendar holds exactly its own pay dates: none rolls into the next
    months = _months_from(sy, dates[0], 12 - lead)
    assert [(d.year, d.month) for d in dates] == [m for m in months for _ in range(per_month)]


@given(
    anchor=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31)),
    year=st.integers(1999, 2060),
    start=st.sampled_from(["07-01", "09-01", "01-01"]),
)
def test_biweekly_dates_are_14_days_apart_and_all_in_the_school_year(
    anchor: dt.date, year: int, start: str
) -> None:
    s = SalarySettings(
        source=SRC,
        school_year_start=start,
        pay_calendar=PayCalendar(kind="biweekly", anchor=anchor),
    )
    sy = school_year_of(dt.date(year, int(start[:2]), 1), s)
    dates = pay_dates(sy, s)
    assert len(dates) in (26, 27)
    assert all(school_year_of(d, s) == sy for d in dates)
    assert all((b - a).days == 14 for a, b in zip(dates, dates[1:], strict=False))
    assert all((d - anchor).days % 14 == 0 for d in dates)
    # the next school year's first date follows this year's last by 14 days
    nxt = pay_dates(dt.date(sy.year + 1, sy.month, sy.day), s)
    assert (nxt[0] - dates[-1]).days == 14


def test_listed_dates_per_school_year() -> None:
    cal = PayCalendar(kind="dates", dates={"2024-25": [dt.date(2024, 7, 26), dt.date(2025, 6, 27)]})
    s = SalarySettings(source=SRC, pay_calendar=cal)
    assert pay_dates(dt.date(2024, 7, 1), s) == [dt.date(2024, 7, 26), dt.date(2025, 6, 27)]
    with pytest.raises(mccredit.RuleError) as info:
        pay_dates(dt.date(2025, 7, 1), s, where="us-x")
    assert "2025-26" in str(info.value) and "us-x" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        (
            {"pay_periods": 24, "first_pay_date": "09-15"},
            ["runs past its school year", "2024-07-15"],
        ),
        (
            {"pay_calendar": PayCalendar(kind="monthly", days=[20], first="09-20", periods=12)},
            ["runs past its school year"],
        ),
        (
            {"pay_calendar": PayCalendar(kind="dates", dates={"2024-25": [dt.date(2025, 7, 3)]})},
            ["2025-07-03", "not in school year 2024-25"],
        ),
    ],
)
def test_a_calendar_leaving_its_school_year_is_refused(
    kwargs: dict[str, Any], words: list[str]
) -> None:
    with pytest.raises(ValidationError) as info:
        SalarySettings(source=SRC, **kwargs)
    assert all(w in str(info.value) for w in words), str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"kind": "biweekly"}, ["needs `anchor`"]),
        ({"kind": "semi_monthly", "days": [15]}, ["two `days`"]),
        ({"kind": "semi_monthly", "days": ["last", 15]}, ["in order"]),
        ({"kind": "dates", "dates": {"2024-2025": []}}, ["YYYY-YY"]),
    ],
)
def test_a_malformed_calendar_names_what_is_wrong(kwargs: dict[str, Any], words: list[str]) -> None:
    with pytest.raises(ValidationError) as info:
        PayCalendar(**kwargs)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_a_bad_calendar_in_a_rule_tree_is_a_located_load_error(tmp_path: Any) -> None:
    root = tmp_path / "rules"
    d = root / "jurisdictions" / "us-x"
    (d / "rules").mkdir(parents=True)
    (d / "jurisdiction.yaml").write_text(
        "id: us-x\nname: X\nversion: '1'\nunits: {salary_credit: {title: c}}\n"
        "license_types: [professional]\n"
        "salary:\n  source: {document: x}\n"
        "  pay_calendar: {kind: monthly, days: [20], first: '09-20', periods: 12}\n",
        "utf-8",
    )
    with pytest.raises(mccredit.RuleError) as info:
        mccredit.load_rules(root)
    text = str(info.value)
    assert "us-x/jurisdiction.yaml:" in text and "runs past its school year" in text


def _pwcs(as_of: str, submitted: str, earned: str) -> dict[str, Any]:
    ed = {
        "id": "PW-U",
        "jurisdiction": "us-va/pwcs",
        "salary": {"lane": "BA", "step": 4},
        "credentials": [
            {
                "id": "g1",
                "kind": "graduate_course",
                "semester_credits": 15,
                "earned": earned,
                "submitted": submitted,
            }
        ],
    }
    return mccredit.evaluate(ed, as_of=as_of)


def test_unpriced_change_has_no_figure_in_json_or_text() -> None:
    # filed after Jan 10 2027: the move takes effect 2027-08-15, which no bundled scale prices
    doc = _pwcs("2027-03-01", "2027-02-01", "2027-01-20")
    s = doc["salary"]
    assert s["unpriced"] is True
    assert s["new_annual"] is None and s["annual_delta"] is None
    assert "2027-08-15" in s["unpriced_reason"]
    [c] = s["changes"]
    assert c["unpriced"] is True and c["annual_delta"] is None
    text = render_text(doc)
    assert "None" not in text and "+0.00 a year" not in text
    assert "unpriced (no 'teachers' schedule is in force on 2027-08-15)" in text
    assert annual_change(s).startswith("unpriced")


def test_priced_change_has_unpriced_false_and_a_signed_figure() -> None:
    doc = _pwcs("2025-01-05", "2024-12-15", "2024-11-01")
    s = doc["salary"]
    assert s["unpriced"] is False and "unpriced_reason" not in s
    assert annual_change(s) == "+1500.00 a year"
    assert Decimal(s["annual_delta"]) == Decimal("1500.00")


def test_cli_salary_and_evaluate_print_unpriced(tmp_path: Any) -> None:
    import json

    from typer.testing import CliRunner

    from mccredit.cli import app

    f = tmp_path / "e.json"
    ed = _pwcs("2027-03-01", "2027-02-01", "2027-01-20")["educator"]
    assert ed == "PW-U"
    f.write_text(
        json.dumps(
            {
                "id": "PW-U",
                "jurisdiction": "us-va/pwcs",
                "salary": {"lane": "BA", "step": 4},
                "credentials": [
                    {
                        "id": "g1",
                        "kind": "graduate_course",
                        "semester_credits": 15,
                        "earned": "2027-01-20",
                        "submitted": "2027-02-01",
                    }
                ],
            }
        ),
        "utf-8",
    )
    for cmd in ("salary", "evaluate", "explain"):
        r = CliRunner().invoke(app, [cmd, str(f), "--as-of", "2027-03-01"])
        assert r.exit_code == 0, r.output
        out = " ".join(r.output.split())
        assert "None" not in out, (cmd, r.output)
        assert "unpriced" in out, (cmd, r.output)
