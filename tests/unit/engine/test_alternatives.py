"""Alternatives (issue 10): a requirement or advancement met another way than its credit, dated
by `effective`; conditions on experience within the license and on a recommendation. The
bundled Tennessee rules: renewal by 60 PDPs or (from 2024) two years of qualifying experience;
advancement by three years of experience and 30 PDPs or the Director of Schools'
recommendation."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

import mccredit
from mccredit.cli import app


def _pro(experience: str | None, *creds: dict[str, Any]) -> dict[str, Any]:
    lic: dict[str, Any] = {"type": "professional", "issued": "2019-09-01", "expires": "2025-08-31"}
    if experience is not None:
        lic["experience_years"] = experience
    return {"id": "TN-A", "jurisdiction": "us-tn", "licenses": [lic], "credentials": list(creds)}


def _ws(cid: str, hours: int, earned: str = "2022-06-01") -> dict[str, Any]:
    return {"id": cid, "kind": "workshop", "earned": earned, "contact_hours": hours}


@pytest.mark.parametrize(
    ("as_of", "experience", "complete", "by"),
    [
        ("2023-12-31", "2", False, None),  # the day before the alternative's start
        ("2024-01-01", "2", True, "tn.renew.professional.experience"),
        ("2024-01-01", "1.9", False, None),
        ("2024-01-01", None, False, None),
    ],
)
def test_the_experience_alternative_is_dated_and_needs_two_years(
    rules, as_of: str, experience: str | None, complete: bool, by: str | None
) -> None:
    (r,) = mccredit.evaluate(_pro(experience, _ws("w", 10)), as_of=as_of, rules=rules)["renewal"]
    assert (r["complete"], r["satisfied_by"]) == (complete, by)
    assert r["remaining"] == {"pdp": "50.00"}  # the credit path's own figure either way
    in_force = as_of >= "2024-01-01"
    assert [a["id"] for a in r["alternatives"]] == (
        ["tn.renew.professional.experience"] if in_force else []
    )
    if in_force:
        (check,) = r["alternatives"][0]["conditions"]
        assert check["condition"] == "cycle_experience_years" and check["required"] == "2"
        assert check["found"] == experience and check["met"] is complete


def test_the_credit_itself_completes_and_names_no_alternative(rules) -> None:
    doc = mccredit.evaluate(_pro("3", _ws("w", 60)), as_of="2024-06-30", rules=rules)
    (r,) = doc["renewal"]
    assert r["complete"] is True and r["satisfied_by"] is None
    assert r["alternatives"][0]["met"] is True  # met too, but not needed


def _prac(**kw: Any) -> dict[str, Any]:
    return {
        "id": "TN-P",
        "jurisdiction": "us-tn",
        "licenses": [{"type": "practitioner", "issued": "2023-08-01", "expires": "2026-07-31"}],
        "credentials": [_ws("w", kw.pop("hours", 0), "2024-06-01")] if kw.get("hours", 0) else [],
        **kw,
    }


@pytest.mark.parametrize(
    ("educator", "eligible", "unmet", "by"),
    [
        (_prac(experience_years=3, hours=30), True, [], None),
        (_prac(experience_years=1, hours=30), False, ["experience_years"], None),
        (
            _prac(experience_years=3, recommendations=["director_of_schools"]),
            True,
            [],
            "tn.advance.practitioner_to_professional.director",
        ),
        (
            _prac(experience_years=2, recommendations=["director_of_schools"]),
            False,
            ["experience_years"],
            "tn.advance.practitioner_to_professional.director",
        ),
        (_prac(experience_years=3, recommendations=["principal"]), False, ["pdp"], None),
        (_prac(), False, ["pdp", "experience_years"], None),
    ],
)
def test_advancement_needs_experience_and_credit_or_recommendation(
    rules, educator: dict[str, Any], eligible: bool, unmet: list[str], by: str | None
) -> None:
    (a,) = mccredit.evaluate(educator, as_of="2026-03-01", rules=rules)["advancement"]
    assert a["eligible"] is eligible
    assert [u["condition"] for u in a["unmet"]] == unmet
    assert a["satisfied_by"] == by


def test_explain_says_which_alternative_completed_the_renewal(tmp_path, rules) -> None:
    import json

    f = tmp_path / "ed.json"
    f.write_text(json.dumps(_pro("2", _ws("w", 20))))
    r = CliRunner().invoke(
        app, ["explain", str(f), "--jurisdiction", "us-tn", "--as-of", "2024-06-30"]
    )
    assert r.exit_code == 0, r.output
    assert (
        "alternative tn.renew.professional.experience: From 2024: two years of qualifying "
        "experience within the license's validity period (instead of 60 PDPs): met: the renewal "
        "is complete by it"
    ) in r.stdout
    assert "cycle_experience_years: required 2, found 2" in r.stdout


def test_an_alternative_needs_something_to_check(make_tree) -> None:
    body = """\
    requirements:
      - id: xx.renew.professional
        title: ten hours
        source: {ref: law}
        license: professional
        requires: {hr: 10}
        alternatives:
          - {id: xx.renew.professional.nothing, title: nothing at all}
    """
    with pytest.raises(mccredit.RuleError) as info:
        mccredit.load_rules(make_tree({"rules/r.yaml": body}))
    (p,) = info.value.problems
    assert "needs `requires` or at least one condition" in p.message
    assert p.line == 8
