"""`_Part.build` (model_construct, no re-validation) gives exactly what validation gives: every
part of every bundled case's evaluation, validated again from its own values, has the same
values of the same types (so the JSON cannot differ either)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

import mccredit
from mccredit.result import Advancement, Evaluation, LedgerLine, Warning, WarningCode

from .test_models import _cases


def _same(a: Any, b: Any, where: str = "$") -> None:
    """`a` and `b` hold equal values of identical types, all the way down."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} is not {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert a.model_fields_set <= set(type(a).model_fields), where
        for name in type(a).model_fields:
            _same(getattr(a, name), getattr(b, name), f"{where}.{name}")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            _same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, Decimal):
        assert str(a) == str(b), f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


@pytest.mark.parametrize(("case", "jid"), _cases())
def test_built_parts_are_what_validation_gives(case: dict[str, Any], jid: str) -> None:
    inp = {"jurisdiction": jid, **case["input"]}
    as_of = str(case.get("as_of") or dt.date.today())
    for ev in (
        mccredit.evaluation_of(inp, as_of=as_of),
        mccredit.evaluation_of(inp, as_of=as_of, trace=True),
    ):
        # model_dump keeps Python values (Decimal, date, enums): validating them again
        # checks each against its field's type, exclusions refilled by their defaults
        again = Evaluation.model_validate(ev.model_dump())
        _same(ev, again)
        assert mccredit.to_json(ev) == mccredit.to_json(again)


def test_build_fills_defaults_and_takes_field_names_for_aliases() -> None:
    line = {
        "credential": "c1",
        "unit": "pdp",
        "amount": Decimal("1.5"),
        "rule": "r",
        "title": "t",
        "source": "s",
        "file": "f.yaml",
        "line": 3,
        "date": dt.date(2026, 1, 2),
        "basis": "b",
        "categories": ["literacy"],
    }
    _same(LedgerLine.build(**line), LedgerLine(**line))
    adv = {
        "tier": "advanced",
        "from_": "professional",
        "eligible": False,
        "unmet": [],
        "rule": "r",
        "title": "t",
        "source": "s",
        "file": None,
        "line": None,
        "satisfied_by": None,
        "alternatives": [],
    }
    built = Advancement.build(**adv)
    _same(built, Advancement(**adv))
    assert built.to_dict()["from"] == "professional"
    w = Warning.of(WarningCode.RULE_REVIEW_DUE, rule="r1", review_by=dt.date(2026, 1, 1))
    _same(w, Warning.model_validate(w.model_dump()))
