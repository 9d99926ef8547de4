"""Plain JSON takes the standard parser (issue 14: a 16.6 MB educator file took 772 s through
the YAML composer); what it reads, and where it locates problems, is what the located YAML
loader gives."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mccredit._yaml import ProblemException, _load_yaml, json_too_deep, load_located, locate
from mccredit.errors import InputError
from mccredit.io.educator import load_educator

keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    # written as JSON numbers with a fraction and no exponent (json.dumps of a float below
    # 1e16): see test_an_exponent_without_a_fraction_is_a_number_in_json for the other kind
    | st.decimals(min_value=-(10**12), max_value=10**12, places=3).map(
        lambda d: d if d != d.to_integral_value() else d + Decimal("0.5")
    )
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
).filter(lambda d: isinstance(d, dict | list))


@given(documents, st.sampled_from([None, 2]))
def test_the_fast_path_reads_what_the_yaml_loader_reads(doc: Any, indent: int | None) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=False, default=float)
    fast = load_located(text, path="f.json")
    slow = _load_yaml(text, path="f.json")
    assert fast.data == slow.data
    for loc in list(slow.marks)[:20]:
        assert locate(fast, loc) == slow.marks[loc]


def test_problems_in_a_json_file_are_located_as_before(tmp_path: Any) -> None:
    doc = {
        "id": "E-1",
        "jurisdiction": "us-tn",
        "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
        "credentials": [
            {"id": "c1", "kind": "micro_credential", "issuer": "nea", "earned": "2023-01-01"},
            {"id": "c2", "kind": "micro_credential", "issuer": "nea", "earnd": "2023-01-01"},
        ],
    }
    f = tmp_path / "e.json"
    f.write_text(json.dumps(doc, indent=2))
    with pytest.raises(InputError) as e:
        load_educator(f)
    text = str(e.value)
    line = next(i for i, s in enumerate(f.read_text().splitlines(), 1) if '"earnd"' in s)
    assert f"e.json:{line}:" in text and "earnd" in text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"a": 1, "a": 2}', "yaml.duplicate_key"),
        ('{"a": ' + "[" * 65 + "]" * 65 + "}", "yaml.too_deep"),
        ('{"a": [1, 2}', "yaml.syntax"),
    ],
)
def test_json_the_fast_path_declines_is_refused_with_a_location(text: str, kind: str) -> None:
    with pytest.raises(ProblemException) as e:
        load_located(text, path="f.json")
    assert e.value.problem.type == kind and e.value.problem.line == 1


def test_depth_is_measured_outside_strings() -> None:
    assert not json_too_deep(b'{"a": "' + b"[" * 500 + b'"}')
    assert json_too_deep(b"[" * 65 + b"]" * 65)
    assert not json_too_deep(b"[" * 64 + b"]" * 64)


def test_an_exponent_without_a_fraction_is_a_number_in_json() -> None:
    """`1e+16` is a JSON number; PyYAML (YAML 1.1) reads it as text. A JSON file is read as
    JSON, so the fast path is right where the two differ."""
    assert load_located('{"a": 1e+16, "b": 2.5E-3}', path="f.json").data == {
        "a": Decimal("1e+16"),
        "b": Decimal("0.0025"),
    }
    assert _load_yaml('{"a": 1e+16}', path="f.json").data == {"a": "1e+16"}
