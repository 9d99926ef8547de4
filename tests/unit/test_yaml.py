"""The located YAML/JSON loader: exact numbers, dates as text, duplicate keys, marks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mccredit._yaml import ProblemException, load_located, locate


def test_floats_are_exact_decimals_and_dates_stay_text() -> None:
    doc = load_located("a: 0.1\nb: 1_000.5\nc: 2024-02-30\nd: 7\ne: .inf\n", path="f.yaml")
    assert doc.data["a"] == Decimal("0.1") and isinstance(doc.data["a"], Decimal)
    assert doc.data["b"] == Decimal("1000.5")
    assert doc.data["c"] == "2024-02-30"
    assert doc.data["d"] == 7
    assert doc.data["e"] == float("inf")


def test_every_node_is_located() -> None:
    doc = load_located("a:\n  - x: 1\n    y: [2, 3]\n", path="f.yaml")
    assert doc.marks[()] == (1, 1)
    assert doc.marks[("a",)] == (2, 3)
    assert doc.marks[("a", 0, "x")] == (2, 8)
    assert doc.marks[("a", 0, "y", 1)] == (3, 12)
    assert locate(doc, ("a", 0, "y", 1)) == (3, 12)
    assert locate(doc, ("a", 0, "missing", 4)) == (2, 5)  # the nearest node the file has
    assert locate(None, ("a",)) == (None, None)


@pytest.mark.parametrize(
    ("text", "where", "field"),
    [
        ("c: {x: 1, x: 2}\n", "f.yaml:1:11", "c.x"),
        ("- {a: 1}\n- {a: 2, a: 3}\n", "f.yaml:2:10", "[1].a"),
        ('{"id": "E",\n "id": "F"}', "f.yaml:2:2", "id"),
    ],
)
def test_duplicate_keys_name_the_second(text: str, where: str, field: str) -> None:
    with pytest.raises(ProblemException) as info:
        load_located(text, path="f.yaml")
    p = info.value.problem
    assert (p.type, p.field) == ("yaml.duplicate_key", field)
    assert str(info.value).startswith(where)


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: [1, 2\nb: 3\n", 2), ("a: b: c\n", 1), ("\tx: 1\n", 1)],
)
def test_syntax_errors_are_located(text: str, line: int) -> None:
    with pytest.raises(ProblemException) as info:
        load_located(text, path="f.yaml")
    assert info.value.problem.type == "yaml.syntax"
    assert info.value.problem.line == line


def test_python_tags_are_never_constructed() -> None:
    with pytest.raises(ProblemException) as info:
        load_located("a: !!python/name:os.system x\n", path="f.yaml")
    assert info.value.problem.type == "yaml.syntax"
    # on a collection the tag is ignored: plain data, nothing is called
    assert load_located("!!python/object/apply:os.system [ls]\n", path="f.yaml").data == ["ls"]


def test_an_empty_document_is_none() -> None:
    assert load_located("", path="f.yaml").data is None
    assert load_located("# only a comment\n", path="f.yaml").data is None


def test_a_key_beside_a_merge_overrides_the_merged_value() -> None:
    doc = load_located("a: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", path="f.yaml")
    assert doc.data["c"] == {"x": 1, "y": 3}
