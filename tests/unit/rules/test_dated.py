"""Dated values, OpenFisca-style: the latest start <= date wins; `null` ends the series."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import mccredit
from mccredit.rules import DatedDecimal
from mccredit.rules._dated import parse_date

D = dt.date


def test_latest_start_on_or_before_the_date_wins() -> None:
    s = DatedDecimal.parse({"2017-07-01": 6, "2023-07-01": 5})
    assert s.at(D(2017, 6, 30)) is None
    assert s.at(D(2017, 7, 1)) == 6
    assert s.at(D(2023, 6, 30)) == 6
    assert s.at(D(2023, 7, 1)) == 5
    assert s.at(D(2099, 1, 1)) == 5


def test_written_order_does_not_matter() -> None:
    a = DatedDecimal.parse({"2023-07-01": 5, "2017-07-01": 6})
    b = DatedDecimal.parse({"2017-07-01": 6, "2023-07-01": 5})
    assert a == b
    assert hash(a) == hash(b)
    assert a.at(D(2020, 1, 1)) == 6


def test_null_ends_the_series_and_nothing_persists_after_it() -> None:
    s = DatedDecimal.parse({"2020-07-01": 3, "2024-06-30": None})
    assert s.at(D(2024, 6, 29)) == 3
    assert s.at(D(2024, 6, 30)) is None
    assert s.at(D(2030, 1, 1)) is None


def test_a_series_can_restart_after_an_end() -> None:
    s = DatedDecimal.parse({"2020-01-01": 1, "2021-01-01": None, "2022-01-01": 2})
    assert [s.at(D(y, 6, 1)) for y in (2019, 2020, 2021, 2022)] == [None, 1, None, 2]


def test_a_bare_number_is_always_that_value() -> None:
    s = DatedDecimal.parse("0.1")
    assert s.at(D(1901, 1, 1)) == Decimal("0.1")
    assert s.at(D(2999, 1, 1)) == Decimal("0.1")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"2023-02-30": 1}, "not a real date"),
        ({"2023-13-01": 1}, "not a real date"),
        ({}, "at least one"),
        ({"2023-01-01": "six"}, "expected a number"),
        (True, "boolean"),
        ("lots", "expected a number"),
    ],
)
def test_bad_series_are_value_errors(raw: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        DatedDecimal.parse(raw)


def test_parse_date() -> None:
    assert parse_date("2024-02-29") == D(2024, 2, 29)
    assert parse_date(dt.datetime(2024, 1, 2, 3, 4)) == D(2024, 1, 2)
    with pytest.raises(ValueError, match="real date"):
        parse_date("2024-02-30")
    with pytest.raises(ValueError):
        parse_date(20240101)


DATED = """\
awards:
  - id: xx.hr.workshop
    title: workshop hours
    source: {ref: law}
    when: {kind: workshop}
    unit: hr
    per: contact_hours
    amount: {2020-07-01: 1, 2022-07-01: 2, 2024-07-01: null}
"""


@pytest.mark.parametrize(
    ("as_of", "total", "ledger"),
    [
        ("2020-06-30", "0.00", 0),  # before the first start
        ("2021-01-01", "4.00", 1),
        ("2022-07-01", "8.00", 1),  # the new value from its start date
        ("2024-06-30", "8.00", 1),
        ("2024-07-01", "0.00", 0),  # ended: never silently persists
    ],
)
def test_a_dated_award_is_resolved_on_as_of(make_tree, as_of: str, total: str, ledger: int) -> None:
    rules = mccredit.load_rules(make_tree({"rules/awards.yaml": DATED}))
    ed = {
        "id": "E",
        "jurisdiction": "xx-yy",
        "credentials": [
            {"id": "w", "kind": "workshop", "earned": "2020-01-01", "contact_hours": 4}
        ],
    }
    doc = mccredit.evaluate(ed, as_of=as_of, rules=rules)
    assert doc["totals"].get("hr", "0.00") == total
    assert len(doc["ledger"]) == ledger
    if not ledger:
        assert [w["code"] for w in doc["warnings"]] == ["no_rule"]
