"""The YAML case runner (`mccredit.testing`): matching rules and malformed case files."""

from __future__ import annotations

from pathlib import Path

import pytest

import mccredit
from mccredit import RuleError
from mccredit.testing import collect_case_files, match, run_case_file

AWARD = """\
awards:
  - id: xx.hr.workshop
    title: workshop hours
    source: {ref: law}
    when: {kind: workshop}
    unit: hr
    per: contact_hours
    amount: 1
"""
CRED = "{id: w, kind: workshop, earned: 2023-01-01, contact_hours: %s}"
INPUT = "  input: {id: E, credentials: [" + CRED % 3 + "]}\n"


def _run(make_tree, cases: str):
    root = make_tree({"rules/r.yaml": AWARD, "cases/c.yaml": cases})
    path = root / "jurisdictions" / "xx-yy" / "cases" / "c.yaml"
    return run_case_file(path, mccredit.load_rules(root))


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        ({"a": 1}, {"a": "1.00", "b": 2}, True),  # numbers compare as decimals; extra keys ignored
        ({"a": "1.0"}, {"a": "1.01"}, False),
        ({"a": 1}, {}, False),
        ([1, 2], ["1", "2"], True),
        ([1, 2], ["2", "1"], False),  # other lists are ordered
        ([1], [1, 2], False),
        (True, "true", False),
        (None, None, True),
        ("2021-09-01", "2021-09-01", True),
        ({"x": {"y": [1]}}, {"x": {"y": "not a list"}}, False),
    ],
)
def test_match(expected, actual, ok: bool) -> None:
    assert (match(expected, actual) == []) is ok


def test_warnings_and_ledger_are_unordered() -> None:
    actual = {"warnings": [{"code": "a", "credential": "x"}, {"code": "b", "credential": "y"}]}
    assert match({"warnings": [{"code": "b"}, {"code": "a"}]}, actual) == []
    assert match({"warnings": [{"code": "c"}]}, actual) == [
        "warnings[0]: no item matches {'code': 'c'}"
    ]


def test_an_empty_unordered_list_means_none() -> None:
    assert match({"warnings": []}, {"warnings": []}) == []
    assert match({"warnings": []}, {"warnings": [{"code": "a"}]})


def test_failures_name_the_path() -> None:
    assert match(
        {"renewal": [{"remaining": {"pdp": 1}}]}, {"renewal": [{"remaining": {"pdp": "2"}}]}
    ) == ["renewal[0].remaining.pdp: expected 1, got 2"]


def test_passing_and_failing_cases(make_tree) -> None:
    cases = (
        "- name: right\n  as_of: 2024-01-01\n" + INPUT + "  expect: {totals: {hr: 3}}\n"
        "- name: wrong\n  as_of: 2024-01-01\n" + INPUT + "  expect: {totals: {hr: 4}}\n"
    )
    right, wrong = _run(make_tree, cases)
    assert (right.passed, right.line, right.name) == (True, 1, "right")
    assert (wrong.passed, wrong.line) == (False, 5)
    assert wrong.failures == ["totals.hr: expected 4, got 3.00"]
    assert wrong.where == "jurisdictions/xx-yy/cases/c.yaml:5"


def test_error_cases(make_tree) -> None:
    bad_input = "  input: {id: E, credentials: [" + CRED % -3 + "]}\n"
    cases = (
        "- name: refused\n  as_of: 2024-01-01\n" + bad_input + "  error: greater than or equal\n"
        "- name: wrongly refused\n  as_of: 2024-01-01\n" + bad_input + "  error: something else\n"
        "- name: not refused\n  as_of: 2024-01-01\n" + INPUT + "  error: negative\n"
    )
    refused, wrongly, not_refused = _run(make_tree, cases)
    assert refused.passed
    assert not wrongly.passed and wrongly.failures[0].startswith("evaluation failed:")
    assert not not_refused.passed
    assert "evaluation succeeded" in not_refused.failures[0]


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("- name: no input\n  expect: {}\n", "needs `name` and `input`"),
        ("- just a string\n", "needs `name` and `input`"),
        (
            "- name: both\n" + INPUT + "  expect: {}\n  error: x\n",
            "exactly one of `expect` or `error`",
        ),
        ("- name: neither\n" + INPUT, "exactly one of `expect` or `error`"),
        ("- name: typo\n" + INPUT + "  expect: {}\n  expct: {}\n", "unknown key(s) ['expct']"),
    ],
)
def test_malformed_cases_fail_with_their_line(make_tree, case: str, words: str) -> None:
    (result,) = _run(make_tree, case)
    assert not result.passed
    assert result.failures[0].startswith("jurisdictions/xx-yy/cases/c.yaml:1: ")
    assert words in result.failures[0]


@pytest.mark.parametrize("text", ["name: not a list\n", "- [unclosed\n"])
def test_unreadable_case_files_are_rule_errors(make_tree, text: str) -> None:
    with pytest.raises(RuleError):
        _run(make_tree, text)


def test_collect_case_files(tmp_path: Path) -> None:
    for rel in ("a/cases/x.yaml", "a/cases/y.yml", "a/b/cases/z.yaml", "a/rules/r.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("[]\n")
    found = [p.relative_to(tmp_path).as_posix() for p in collect_case_files(tmp_path)]
    assert sorted(found) == ["a/b/cases/z.yaml", "a/cases/x.yaml", "a/cases/y.yml"]
    one = tmp_path / "a" / "cases" / "x.yaml"
    assert collect_case_files(one) == [one]


@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN"])
def test_a_string_like_nan_matches_itself(text: str) -> None:
    assert match({"credential": text}, {"credential": text}) == []
