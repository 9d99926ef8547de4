"""Structured `when` matchers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from mccredit.rules import parse_matcher


def getter(**values: Any):
    return lambda name: values.get(name)


def test_empty_matcher_matches_everything() -> None:
    m = parse_matcher(None, "credential")
    assert m.test(getter())
    assert m.op == "true"


def test_a_mapping_is_a_conjunction() -> None:
    m = parse_matcher({"kind": "micro_credential", "accepted": True}, "credential")
    assert m.test(getter(kind="micro_credential", accepted=True))
    assert not m.test(getter(kind="micro_credential", accepted=False))
    assert not m.test(getter(kind="workshop", accepted=True))


@pytest.mark.parametrize(
    ("cond", "value", "ok"),
    [
        ({"in": ["workshop", "conference"]}, "workshop", True),
        ({"in": ["workshop", "conference"]}, "degree", False),
        ({"not_in": ["workshop"]}, "degree", True),
        ({"ne": "workshop"}, "workshop", False),
        ({"eq": "workshop"}, "workshop", True),
        ({"exists": True}, None, False),
        ({"exists": False}, None, True),
    ],
)
def test_string_operators(cond: dict[str, Any], value: Any, ok: bool) -> None:
    assert parse_matcher({"kind": cond}, "credential").test(getter(kind=value)) is ok


@pytest.mark.parametrize(
    ("cond", "hours", "ok"),
    [
        ({"gte": 1}, Decimal(1), True),
        ({"gte": 1}, Decimal("0.99"), False),
        ({"gt": 1}, Decimal(1), False),
        ({"lte": "2.5"}, Decimal("2.5"), True),
        ({"lt": 2}, Decimal(2), False),
        ({"gte": 1}, None, False),  # a missing measure never satisfies a comparison
    ],
)
def test_number_comparisons(cond: dict[str, Any], hours: Any, ok: bool) -> None:
    m = parse_matcher({"contact_hours": cond}, "credential")
    assert m.test(getter(contact_hours=hours)) is ok


def test_dates_compare_as_dates() -> None:
    m = parse_matcher({"earned": {"gte": "2024-07-01"}}, "credential")
    assert m.test(getter(earned=dt.date(2024, 7, 1)))
    assert not m.test(getter(earned=dt.date(2024, 6, 30)))


def test_list_fields() -> None:
    cats = ("literacy", "subject")
    assert parse_matcher({"categories": "literacy"}, "credential").test(getter(categories=cats))
    assert parse_matcher({"categories": {"contains": "subject"}}, "credential").test(
        getter(categories=cats)
    )
    assert parse_matcher({"categories": {"any_of": ["general", "subject"]}}, "credential").test(
        getter(categories=cats)
    )
    assert not parse_matcher({"categories": {"any_of": ["general"]}}, "credential").test(
        getter(categories=cats)
    )
    assert parse_matcher({"categories": {"exists": False}}, "credential").test(
        getter(categories=())
    )


def test_all_any_not() -> None:
    m = parse_matcher(
        {"any": [{"kind": "graduate_course"}, {"not": {"issuer": "badgemill"}}]}, "credential"
    )
    assert m.test(getter(kind="graduate_course", issuer="badgemill"))
    assert m.test(getter(kind="workshop", issuer="acme"))
    assert not m.test(getter(kind="workshop", issuer="badgemill"))
    both = parse_matcher({"all": [{"kind": "workshop"}, {"issuer": "acme"}]}, "credential")
    assert both.test(getter(kind="workshop", issuer="acme"))
    assert not both.test(getter(kind="workshop", issuer="x"))


def test_values_for_indexes_eq_and_in() -> None:
    m = parse_matcher({"kind": {"in": ["workshop", "conference"]}, "issuer": "acme"}, "credential")
    assert m.values_for("kind") == frozenset({"workshop", "conference"})
    assert m.values_for("issuer") == frozenset({"acme"})
    assert m.values_for("code") is None
    either = parse_matcher({"any": [{"kind": "workshop"}, {"kind": "degree"}]}, "credential")
    assert either.values_for("kind") == frozenset({"workshop", "degree"})
    loose = parse_matcher({"any": [{"kind": "workshop"}, {"issuer": "acme"}]}, "credential")
    assert loose.values_for("kind") is None


def test_educator_and_license_contexts() -> None:
    assert parse_matcher({"role": "teacher", "experience_years": {"gte": 3}}, "educator").test(
        getter(role="teacher", experience_years=Decimal(4))
    )
    assert parse_matcher({"type": "professional"}, "license").test(getter(type="professional"))


@pytest.mark.parametrize(
    ("raw", "context", "words"),
    [
        ({"knd": "workshop"}, "credential", "unknown field 'knd' for a credential; allowed:"),
        ({"role": "teacher"}, "credential", "unknown field 'role'"),
        ({"kind": {"like": "work%"}}, "credential", "unknown operator 'like'"),
        ({"kind": {"gte": "a"}}, "credential", "gte needs a number or date field"),
        ({"contact_hours": {"contains": 1}}, "credential", "contains needs a list field"),
        ({"kind": ["workshop", "degree"]}, "credential", "write {in: [...]}"),
        ({"kind": {"in": []}}, "credential", "non-empty list"),
        ({"accepted": "yes"}, "credential", "expected true or false"),
        ({"earned": {"gte": "2024-02-30"}}, "credential", "not a real date"),
        ({"any": []}, "credential", "non-empty list of matchers"),
        ("workshop", "credential", "expected a mapping"),
        ({"kind": {"exists": "yes"}}, "credential", "expected true or false"),
    ],
)
def test_bad_matchers_name_the_part(raw: Any, context: str, words: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_matcher(raw, context)
    assert words in str(info.value)
    if "date" not in words:  # a bad date comes from parse_date, which knows no path
        assert str(info.value).startswith("when")
