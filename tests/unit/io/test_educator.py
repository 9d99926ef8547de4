"""Educator input errors: every problem at once, each located as file:line:col."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import mccredit
from mccredit import InputError
from mccredit.io.educator import load_educator, parse_educator

GOOD = {
    "id": "E-1",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [
        {"id": "w1", "kind": "workshop", "earned": "2024-01-10", "contact_hours": 3},
    ],
}


def _problems(tmp_path: Path, text: str, name: str = "ed.json") -> InputError:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_educator(path)
    return info.value


def _one(tmp_path: Path, text: str, name: str = "ed.json"):
    exc = _problems(tmp_path, text, name)
    assert len(exc.problems) == 1, str(exc)
    return exc.problems[0], str(exc)


def test_a_valid_educator_parses(tmp_path: Path) -> None:
    path = tmp_path / "ed.json"
    path.write_text(json.dumps(GOOD))
    ed = load_educator(path)
    assert ed.credentials[0].contact_hours == Decimal(3)
    assert ed.credentials[0].earned == dt.date(2024, 1, 10)
    assert ed.licenses[0].expires == dt.date(2027, 8, 31)


def test_yaml_educators_parse_and_floats_stay_exact(tmp_path: Path) -> None:
    path = tmp_path / "ed.yaml"
    path.write_text(
        "id: E-1\njurisdiction: us-tn\ncredentials:\n"
        "  - {id: c, kind: ceu_course, earned: 2024-01-10, ceus: 0.1}\n"
    )
    ed = load_educator(path)
    assert ed.credentials[0].ceus == Decimal("0.1")
    assert ed.credentials[0].earned == dt.date(2024, 1, 10)


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    p, msg = _one(tmp_path, '{"id": "E", "jurisdiction": "us-tn",\n "credentials": [}\n')
    assert p.type == "yaml.syntax"
    assert msg.startswith(f"{tmp_path / 'ed.json'}:2:18: yaml.syntax: malformed")


def test_unknown_field(tmp_path: Path) -> None:
    text = '{\n  "id": "E",\n  "jurisdiction": "us-tn",\n  "nickname": "Al"\n}\n'
    p, msg = _one(tmp_path, text)
    assert p.type == "educator.extra_forbidden"
    assert (p.line, p.col) == (4, 15)
    assert "unknown field 'nickname'" in msg
    assert "field: nickname" in msg


def test_unknown_field_inside_a_credential(tmp_path: Path) -> None:
    text = (
        '{"id": "E", "jurisdiction": "us-tn", "credentials": [\n'
        '  {"id": "c", "kind": "workshop", "earned": "2024-01-01", "hours": 3}\n]}\n'
    )
    p, msg = _one(tmp_path, text)
    assert p.type == "educator.extra_forbidden"
    assert p.field == "credentials[0].hours"
    assert p.line == 2


def test_wrong_type(tmp_path: Path) -> None:
    text = '{"id": "E", "jurisdiction": "us-tn",\n "experience_years": "many"}\n'
    p, msg = _one(tmp_path, text)
    assert p.type == "educator.decimal_parsing"
    assert (p.line, p.col) == (2, 22)
    assert "field: experience_years, expected: a number, got: 'many'" in msg


def test_unknown_credential_kind_lists_the_allowed_ones(tmp_path: Path) -> None:
    text = (
        '{"id": "E", "jurisdiction": "us-tn", "credentials": [\n'
        '  {"id": "c", "kind": "webinar", "earned": "2024-01-01"}]}\n'
    )
    p, msg = _one(tmp_path, text)
    assert p.type == "educator.literal_error"
    assert p.field == "credentials[0].kind"
    assert "'micro_credential'" in msg and "got: 'webinar'" in msg


def test_impossible_date(tmp_path: Path) -> None:
    text = (
        '{"id": "E", "jurisdiction": "us-tn", "credentials": [\n'
        '  {"id": "c", "kind": "workshop", "earned": "2024-02-30", "contact_hours": 1}]}\n'
    )
    p, msg = _one(tmp_path, text)
    assert p.type.startswith("educator.date")
    assert p.field == "credentials[0].earned"
    assert (p.line, p.col) == (2, 45)
    assert "expected: a real date YYYY-MM-DD, got: '2024-02-30'" in msg


def test_impossible_date_in_yaml_is_a_field_error_not_a_parser_crash(tmp_path: Path) -> None:
    text = "id: E\njurisdiction: us-tn\nlicenses:\n  - {type: professional, issued: 2023-02-29}\n"
    p, msg = _one(tmp_path, text, "ed.yaml")
    assert p.field == "licenses[0].issued"
    assert p.line == 4
    assert "'2023-02-29'" in msg


def test_negative_hours(tmp_path: Path) -> None:
    text = (
        '{"id": "E", "jurisdiction": "us-tn", "credentials": [\n'
        '  {"id": "c", "kind": "workshop", "earned": "2024-01-10", "contact_hours": -2}]}\n'
    )
    p, msg = _one(tmp_path, text)
    assert p.type == "educator.greater_than_equal"
    assert p.field == "credentials[0].contact_hours"
    assert (p.line, p.col) == (2, 76)
    assert "expected: >= 0" in msg


@pytest.mark.parametrize("field", ["semester_credits", "ceus"])
def test_every_measure_refuses_negatives(field: str) -> None:
    cred = {"id": "c", "kind": "graduate_course", "earned": "2024-01-10", field: "-0.5"}
    with pytest.raises(InputError) as info:
        parse_educator({"id": "E", "jurisdiction": "us-tn", "credentials": [cred]})
    assert info.value.problems[0].field == f"credentials[0].{field}"


def test_duplicate_credential_ids_point_at_the_repeated_entry(tmp_path: Path) -> None:
    text = (
        '{"id": "E", "jurisdiction": "us-tn", "credentials": [\n'
        '  {"id": "a", "kind": "workshop", "earned": "2024-01-10", "contact_hours": 1},\n'
        '  {"id": "b", "kind": "workshop", "earned": "2024-01-10", "contact_hours": 1},\n'
        '  {"id": "a", "kind": "workshop", "earned": "2024-01-11", "contact_hours": 1}]}\n'
    )
    p, msg = _one(tmp_path, text)
    assert p.type == "educator.duplicate_id"
    assert p.field == "credentials[2].id"
    assert (p.line, p.col) == (4, 10)
    assert "got: 'a'" in msg


def test_duplicate_ids_are_reported_beside_other_problems(tmp_path: Path) -> None:
    text = (
        '{"id": "E", "jurisdiction": "us-tn", "credentials": [\n'
        '  {"id": "a", "kind": "workshop", "earned": "2024-01-10", "contact_hours": -1},\n'
        '  {"id": "a", "kind": "workshop", "earned": "2024-01-11", "contact_hours": 1}]}\n'
    )
    exc = _problems(tmp_path, text)
    assert sorted(p.type for p in exc.problems) == [
        "educator.duplicate_id",
        "educator.greater_than_equal",
    ]


def test_submitted_before_earned(tmp_path: Path) -> None:
    text = (
        '{"id": "E", "jurisdiction": "us-tn", "credentials": [\n'
        '  {"id": "c", "kind": "workshop", "earned": "2024-01-10",\n'
        '   "submitted": "2024-01-09", "contact_hours": 1}]}\n'
    )
    p, msg = _one(tmp_path, text)
    assert p.field == "credentials[0]"
    assert p.line == 2
    assert "submitted 2024-01-09 is before earned 2024-01-10" in msg


def test_submitted_on_the_day_earned_is_fine() -> None:
    cred = {"id": "c", "kind": "workshop", "earned": "2024-01-10", "submitted": "2024-01-10"}
    ed = parse_educator({"id": "E", "jurisdiction": "us-tn", "credentials": [cred]})
    assert ed.credentials[0].submitted == dt.date(2024, 1, 10)


@pytest.mark.parametrize("expires", ["2021-08-31", "2021-09-01"])
def test_license_expiring_before_or_on_its_issue_date(tmp_path: Path, expires: str) -> None:
    text = (
        '{"id": "E", "jurisdiction": "us-tn",\n "licenses": [\n'
        f'  {{"type": "professional", "issued": "2021-09-01", "expires": "{expires}"}}]}}\n'
    )
    p, msg = _one(tmp_path, text)
    assert p.field == "licenses[0]"
    assert (p.line, p.col) == (3, 3)
    assert f"expires {expires} is not after issued 2021-09-01" in msg


def test_every_problem_is_reported_at_once_with_file_line_col(tmp_path: Path) -> None:
    text = """\
{
  "id": "E-1",
  "jurisdiction": "us-tn",
  "nickname": "x",
  "licenses": [
    {"type": "professional", "issued": "2021-09-01", "expires": "2021-08-31"}
  ],
  "experience_years": "many",
  "credentials": [
    {"id": "a", "kind": "workshop", "earned": "2024-02-30", "contact_hours": 3},
    {"id": "b", "kind": "workshop", "earned": "2024-01-10", "contact_hours": -2},
    {"id": "a", "kind": "workshop", "earned": "2024-01-10", "contact_hours": 1},
    {"id": "c", "kind": "workshop", "earned": "2024-01-10", "submitted": "2024-01-09"}
  ]
}
"""
    exc = _problems(tmp_path, text)
    where = sorted((p.line, p.field) for p in exc.problems)
    assert where == [
        (4, "nickname"),
        (6, "licenses[0]"),
        (8, "experience_years"),
        (10, "credentials[0].earned"),
        (11, "credentials[1].contact_hours"),
        (12, "credentials[2].id"),
        (13, "credentials[3]"),
    ]
    lines = str(exc).splitlines()
    assert len(lines) == 7
    for line in lines:
        assert line.startswith(f"{tmp_path / 'ed.json'}:")
        path, lineno, col, _rest = line.rsplit("/", 1)[-1].split(":", 3)
        assert path == "ed.json" and lineno.isdigit() and col.isdigit()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[]", ""),
        ("", ""),
        ('{"jurisdiction": "us-tn"}', "id"),
        ('{"id": "", "jurisdiction": "us-tn"}', "id"),
        ('{"id": "E", "jurisdiction": "us-tn", "credentials": null}', "credentials"),
        (
            '{"id": "E", "jurisdiction": "us-tn", "evaluations": [{"year": 2024, "score": 6}]}',
            "evaluations[0].score",
        ),
        ('{"id": "E", "jurisdiction": "us-tn", "role": "janitor"}', "role"),
    ],
)
def test_shape_errors_are_input_errors(tmp_path: Path, text: str, field: str) -> None:
    exc = _problems(tmp_path, text)
    assert exc.problems[0].field == field


def test_duplicate_evaluation_years_are_refused() -> None:
    evs = [{"year": 2024, "score": 4}, {"year": 2024, "score": 5}]
    with pytest.raises(InputError, match="same school year"):
        parse_educator({"id": "E", "jurisdiction": "us-tn", "evaluations": evs})


def test_duplicate_json_keys_are_refused(tmp_path: Path) -> None:
    p, msg = _one(tmp_path, '{"id": "E",\n "jurisdiction": "us-tn",\n "id": "F"}')
    assert p.type == "yaml.duplicate_key"
    assert p.line == 3


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_educator(tmp_path / "nope.json")
    assert info.value.problems[0].type == "file.unreadable"


def test_dict_input_problems_have_no_file_but_a_field() -> None:
    with pytest.raises(InputError) as info:
        mccredit.to_educator({"id": "E", "jurisdiction": "us-tn", "credentials": [{"id": 1}]})
    assert all(p.path is None for p in info.value.problems)
    assert str(info.value).startswith("<input>: ")
    fields = {p.field for p in info.value.problems}
    assert {"credentials[0].id", "credentials[0].kind", "credentials[0].earned"} <= fields


def test_a_bad_as_of_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        mccredit.evaluate(GOOD, as_of="2026-02-30")
    assert info.value.problems[0].type == "input.as_of"
    assert info.value.problems[0].field == "as_of"


@pytest.mark.parametrize("value", [0, 86400])
def test_a_number_is_not_a_date(value: int) -> None:
    cred = {"id": "c", "kind": "workshop", "earned": value, "contact_hours": 1}
    with pytest.raises(InputError) as info:
        parse_educator({"id": "E", "jurisdiction": "us-tn", "credentials": [cred]})
    assert info.value.problems[0].field == "credentials[0].earned"
