"""The API edge refuses what would otherwise be a 500 (issue 14): ids outside the documented
character set, NUL characters and lone surrogates anywhere in a body, deep nesting. Each is
a 422 problem document and nothing is stored."""

from __future__ import annotations

import json

import pytest
from api_support import TN, As
from sqlalchemy import Engine
from sqlmodel import Session, select

from mccredit.api._guard import MAX_DEPTH
from mccredit.store.tables import EducatorRecord


def stored_ids(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return [r.id for r in s.exec(select(EducatorRecord))]


def problem(r: object, status: int = 422) -> dict[str, object]:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body: dict[str, object] = r.json()  # type: ignore[attr-defined]
    return body


@pytest.mark.parametrize("bad", ["教师-1", "-lead", "a b", "a/b%2Fc", "x" * 129, "é"])
def test_an_id_outside_the_character_set_is_a_422_and_nothing_is_stored(
    as_: As, engine: Engine, bad: str
) -> None:
    r = as_["licensure"].put(f"/v1/educators/{bad}", json={**TN, "id": bad})
    assert r.status_code in (404, 422), r.text  # a `/` in the id is another route: 404
    if r.status_code == 422:
        assert problem(r)["type"] == "/problems/validation"
    assert stored_ids(engine) == []
    # a retry answers the same, and reads answer 422 too, never 500
    assert as_["licensure"].put(f"/v1/educators/{bad}", json={**TN, "id": bad}).status_code < 500
    assert as_["licensure"].get(f"/v1/educators/{bad}").status_code < 500


@pytest.mark.parametrize("good", ["E-1", "TN-0001", "a.b_c:d@e-f", "9" * 128])
def test_ids_in_the_character_set_are_taken(as_: As, good: str) -> None:
    r = as_["licensure"].put(f"/v1/educators/{good}", json={**TN, "id": good})
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"/v1/educators/{good}"


@pytest.mark.parametrize(
    ("raw", "pointer", "kind"),
    [
        ('"E-\\u0000"', "/id", "string_nul"),
        ('"\\ud800"', "/id", "string_lone_surrogate"),
        ('"\\udfff-x"', "/id", "string_lone_surrogate"),
    ],
)
def test_nul_and_lone_surrogates_are_a_422_with_a_pointer(
    as_: As, engine: Engine, raw: str, pointer: str, kind: str
) -> None:
    body = json.dumps({**TN, "id": "@@"}).replace('"@@"', raw)
    for method, url in (("put", "/v1/educators/E-1"), ("post", "/v1/evaluate")):
        payload = body if method == "put" else '{"educator": ' + body + "}"
        r = getattr(as_["licensure"], method)(
            url, content=payload, headers={"content-type": "application/json"}
        )
        doc = problem(r)
        errors = doc["errors"]
        assert isinstance(errors, list) and errors[0]["type"] == kind
        want = pointer if method == "put" else "/educator" + pointer
        assert errors[0]["pointer"] == want
    assert stored_ids(engine) == []


def test_nul_in_a_nested_key_and_value_is_found(as_: As) -> None:
    doc = {**TN, "credentials": [{**TN["credentials"][0], "title": "x\u0000y"}]}
    r = as_["licensure"].post("/v1/evaluate", json={"educator": doc})
    errors = problem(r)["errors"]
    assert isinstance(errors, list)
    assert [e["pointer"] for e in errors] == ["/educator/credentials/0/title"]


def test_a_paired_surrogate_escape_is_ordinary_text(as_: As) -> None:
    body = json.dumps({**TN, "name": "@@"}).replace('"@@"', '"\\ud83d\\ude00"')
    r = as_["licensure"].post(
        "/v1/evaluate",
        content='{"educator": ' + body + "}",
        headers={"content-type": "application/json"},
    )
    assert r.status_code != 500
    assert all(
        e.get("type") not in ("string_nul", "string_lone_surrogate")
        for e in r.json().get("errors", [])
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 600, 970, 100_000])
def test_deep_nesting_is_a_422_before_any_parser_recurses(as_: As, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = json.dumps({"educator": TN, "proposal": "@@"}).replace('"@@"', nested)
    r = as_["licensure"].post(
        "/v1/evaluate", content=body, headers={"content-type": "application/json"}
    )
    errors = problem(r)["errors"]
    assert isinstance(errors, list) and errors[0]["type"] == "too_deep"


def test_brackets_inside_strings_do_not_count_as_nesting(as_: As) -> None:
    doc = {**TN, "credentials": [{**TN["credentials"][0], "title": "[" * 500 + "{" * 500}]}
    r = as_["licensure"].post("/v1/evaluate", json={"educator": doc})
    assert r.status_code == 200, r.text


def test_the_depth_limit_is_exact_and_counts_every_level() -> None:
    from mccredit.api._guard import body_problems

    def nest(n: int) -> bytes:
        return b'{"a": ' * (n // 2) + b"[" * (n - n // 2) + b"]" * (n - n // 2) + b"}" * (n // 2)

    assert body_problems(nest(MAX_DEPTH)) == []
    assert body_problems(nest(MAX_DEPTH + 1))[0]["type"] == "too_deep"
    assert body_problems(b"[" + b'"[[{[", ' * 200 + b"1]") == []  # brackets in strings
    assert body_problems(b"[" * 500) == []  # invalid JSON is the parser's to report
