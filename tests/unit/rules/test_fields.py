"""The one field/operator table: what the matcher compiler accepts is exactly what it lists,
the rule reference documents every row, and the fields a rule checks against a jurisdiction's
declarations come from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mccredit.io.educator import CREDENTIAL_KINDS, Credential, Educator, License
from mccredit.rules import parse_matcher
from mccredit.rules._fields import CLOSED_VALUES, COMBINATORS, FIELDS, OPERATORS, TYPE_TEXT
from mccredit.verify._result import VERIFICATION_STATUSES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "RULES.md"
# the input model each context's fields come from (derived fields are the engine's own)
MODELS = {"credential": Credential, "educator": Educator, "license": License}
DERIVED = {"credential": {"accepted", "in_catalog", "stack"}, "educator": set(), "license": set()}


def test_closed_values_are_the_input_models() -> None:
    assert CLOSED_VALUES["credential"] == {
        "kind": CREDENTIAL_KINDS,
        "verification": VERIFICATION_STATUSES,
    }
    assert set(CLOSED_VALUES["educator"]) == {"role"}
    assert CLOSED_VALUES["license"] == {}


@pytest.mark.parametrize("context", list(FIELDS))
def test_every_field_is_the_input_models_or_derived(context: str) -> None:
    model_fields = set(MODELS[context].model_fields)
    for name in FIELDS[context]:
        assert name in model_fields or name in DERIVED[context], (context, name)


@pytest.mark.parametrize("context", list(FIELDS))
def test_the_parser_accepts_exactly_the_listed_fields(context: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_matcher({"no_such_field": 1}, context)
    allowed = str(info.value).split("allowed: ", 1)[1].split(", ")
    assert set(allowed) == {*FIELDS[context], *COMBINATORS}


def test_the_parser_accepts_exactly_the_listed_operators() -> None:
    with pytest.raises(ValueError) as info:
        parse_matcher({"kind": {"like": "x"}}, "credential")
    assert str(info.value).endswith("allowed: " + ", ".join(OPERATORS))


@pytest.mark.parametrize("op", list(OPERATORS))
def test_an_operator_on_a_field_type_it_does_not_fit_names_what_it_needs(op: str) -> None:
    operator = OPERATORS[op]
    for spec in FIELDS["credential"].values():
        if operator.fits(spec.type):
            continue
        with pytest.raises(ValueError) as info:
            parse_matcher({spec.name: {op: "1"}}, "credential")
        assert f"{op} needs {operator.needs}; {spec.name!r} is {TYPE_TEXT[spec.type]}" in str(
            info.value
        )


def test_the_rule_reference_documents_every_field_and_operator() -> None:
    text = DOCS.read_text()
    section = text.split("## 5. Matchers", 1)[1].split("\n## 6.", 1)[0]
    written = set(re.findall(r"`([a-z_]+)`", section))
    for context, fields in FIELDS.items():
        assert set(fields) <= written, (context, set(fields) - written)
    assert set(OPERATORS) <= written
    assert set(COMBINATORS) <= written
    assert "mccredit schema matchers" in section
