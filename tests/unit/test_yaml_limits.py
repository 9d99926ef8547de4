"""The loader's limits (issue 14): control characters, depth, alias budget and self-referencing
aliases are refused as located problems before any recursion or expansion."""

from __future__ import annotations

import pytest

from mccredit._yaml import MAX_ALIASES, MAX_DEPTH, ProblemException, load_located

# Nine-fold fan-out over six levels: 9**6 = 531,441 strings from 237 bytes.
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcde", "bcdef", strict=True)
)


def refused(text: str) -> ProblemException:
    with pytest.raises(ProblemException) as info:
        load_located(text, path="f.yaml")
    return info.value


@pytest.mark.parametrize(
    ("text", "code", "line", "col"),
    [
        ('id: "a\x00b"\n', "U+0000", 1, 7),
        ("a: 1\nid: a\x07b\n", "U+0007", 2, 6),
        ("a: x\x1b\n", "U+001B", 1, 5),
        ("a: x\x7f\n", "U+007F", 1, 5),
        ('{"a": "x\ud800"}', "U+D800", 1, 9),
    ],
)
def test_control_characters_are_located(text: str, code: str, line: int, col: int) -> None:
    p = refused(text).problem
    assert p.type == "yaml.control_character"
    assert code in p.message
    assert (p.path, p.line, p.col) == ("f.yaml", line, col)


def test_tab_newline_and_carriage_return_stay_allowed() -> None:
    assert load_located("a: 'x\ty'\r\nb: 2\n", path="f.yaml").data == {"a": "x\ty", "b": 2}


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,  # JSON
        "a: " + "[" * 5000 + "]" * 5000 + "\n",  # YAML flow
        "".join("  " * i + "a:\n" for i in range(200)) + "  " * 200 + "b: 1\n",  # YAML block
    ],
)
def test_nesting_beyond_the_limit_is_refused_where_it_opens(text: str) -> None:
    p = refused(text).problem
    assert p.type == "yaml.too_deep"
    assert f"{MAX_DEPTH} levels" in p.message
    assert p.line is not None and p.col is not None


def test_nesting_at_the_limit_loads() -> None:
    doc = load_located("[" * MAX_DEPTH + "]" * MAX_DEPTH, path="f.json")
    depth, node = 0, doc.data
    while isinstance(node, list):
        depth += 1
        node = node[0] if node else None
    assert depth == MAX_DEPTH


def test_an_alias_bomb_is_refused_not_expanded() -> None:
    assert len(BOMB) < 300
    p = refused(BOMB).problem
    assert p.type == "yaml.alias_budget"
    assert "expand" in p.message
    assert p.line is not None


def test_too_many_aliases_are_refused_at_the_first_one_over() -> None:
    text = "a: &x 1\nb: [" + ", ".join(["*x"] * (MAX_ALIASES + 1)) + "]\n"
    p = refused(text).problem
    assert p.type == "yaml.alias_budget"
    assert (p.line, p.col) == (2, 5 + 4 * MAX_ALIASES)


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("a: &x\n  b: *x\n", 2, 6),
        ("- &x [1, [2, *x]]\n", 1, 14),
        ("a: &x\n  <<: *x\n", 2, 7),
    ],
)
def test_a_self_referencing_alias_is_refused(text: str, line: int, col: int) -> None:
    p = refused(text).problem
    assert p.type == "yaml.recursive_alias"
    assert (p.line, p.col) == (line, col)


def test_ordinary_aliases_and_merge_keys_still_work() -> None:
    doc = load_located("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nd: [*b, *b]\n", path="f.yaml")
    assert doc.data["c"] == {"x": 1, "y": 3}
    assert doc.data["d"] == [{"x": 1, "y": 2}, {"x": 1, "y": 2}]
