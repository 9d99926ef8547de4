"""The `mccredit` command line through typer's CliRunner: exit codes, the --json contract,
located errors on stderr and nothing on stdout when something is wrong."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mccredit.cli import app

HERE = Path(__file__).resolve().parent
BAD = HERE.parent / "unit" / "rules" / "bad"
REPO = HERE.parents[1]

TN = {
    "id": "TN-CLI",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [
        {
            "id": "mc-1",
            "kind": "micro_credential",
            "issuer": "digital-promise",
            "code": "DP-LIT-201",
            "earned": "2022-03-01",
        },
        {"id": "ws-1", "kind": "workshop", "earned": "2024-06-01", "contact_hours": 19},
        {"id": "junk", "kind": "micro_credential", "issuer": "badgemill", "earned": "2023-01-01"},
    ],
}
PRACTITIONER = {
    "id": "TN-PRAC",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "practitioner", "issued": "2022-08-01", "expires": "2025-07-31"}],
    "credentials": [{"id": "w", "kind": "workshop", "earned": "2023-01-01", "contact_hours": 12}],
}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def educator_file(tmp_path: Path):
    def write(doc: dict[str, Any] | str, name: str = "educator.json") -> Path:
        p = tmp_path / name
        p.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
        return p

    return write


# --- validate -------------------------------------------------------------------------------


def test_validate_bundled_rules() -> None:
    r = run("validate")
    assert r.exit_code == 0, r.output
    assert "us-tn" in r.stdout
    assert "jurisdiction(s) valid" in r.stdout


def test_validate_a_path_inside_a_rules_root() -> None:
    r = run("validate", HERE.parent / "unit" / "rules" / "good" / "overrides" / "jurisdictions")
    assert r.exit_code == 0, r.output
    assert "OK: 1 jurisdiction(s) valid." in r.stdout


@pytest.mark.parametrize(
    ("case", "where"),
    [
        ("unknown_key", "jurisdictions/xx-yy/rules/awards.yaml:10:"),
        ("malformed_yaml", "jurisdictions/xx-yy/rules/awards.yaml:8:"),
        ("award_collision", "jurisdictions/xx-yy/rules/more.yaml:3:"),
    ],
)
def test_validate_a_bad_tree_exits_2_with_file_and_line(case: str, where: str) -> None:
    r = run("validate", BAD / case)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith(where)
    assert "nothing was written" in r.stderr


def test_validate_a_misspelt_kind_exits_2_at_the_value_with_a_suggestion(make_tree) -> None:
    award = (
        "awards:\n  - id: xx.hr.nb\n    title: nb\n    source: {ref: law}\n    unit: hr\n"
        "    amount: 1\n    when: {any: [{kind: workshop}, {kind: national_bord}]}\n"
    )
    r = run("validate", make_tree({"rules/a.yaml": award}))
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    first = r.stderr.splitlines()[0]
    assert first.startswith("jurisdictions/xx-yy/rules/a.yaml:7:43: "), first
    assert "did you mean 'national_board'" in first
    assert "field: awards[0].when.any[1].kind" in first


def test_validate_reports_every_problem() -> None:
    r = run("validate", BAD / "several_problems")
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 6  # five problems and the summary
    assert lines[-1] == "5 problem(s); nothing was written."


def test_validate_a_folder_without_rules(tmp_path: Path) -> None:
    r = run("validate", tmp_path)
    assert r.exit_code == 2
    assert "rules.no_jurisdictions" in r.stderr


# --- evaluate --json contract ---------------------------------------------------------------

TOP = {
    "educator",
    "jurisdiction",
    "as_of",
    "ruleset",
    "totals",
    "renewal",
    "advancement",
    "salary",
    "ledger",
    "warnings",
}
RENEWAL = {
    "license",
    "cycle",
    "required",
    "earned",
    "remaining",
    "categories",
    "complete",
    "status",
}
STATUSES = {"complete", "on_track", "at_risk", "expired", "not_started"}
LEDGER = {"credential", "unit", "amount", "rule", "source"}


def _json(*args: Any) -> dict[str, Any]:
    r = run(*args)
    assert r.exit_code == 0, r.output
    assert r.stderr == ""
    return json.loads(r.stdout)


def _is_decimal(text: Any) -> bool:
    return isinstance(text, str) and Decimal(text).is_finite()


def test_evaluate_json_contract(educator_file) -> None:
    doc = _json(
        "evaluate", educator_file(TN), "--jurisdiction", "us-tn", "--as-of", "2026-06-30", "--json"
    )
    assert set(doc) == TOP
    assert (doc["educator"], doc["jurisdiction"], doc["as_of"]) == ("TN-CLI", "us-tn", "2026-06-30")
    assert set(doc["ruleset"]) == {"id", "sha256"}
    assert len(doc["ruleset"]["sha256"]) == 64
    assert doc["totals"] == {"pdp": "25.00"}
    assert all(_is_decimal(v) for v in doc["totals"].values())
    (r,) = doc["renewal"]
    assert RENEWAL <= set(r)
    assert r["license"] == "professional"
    assert set(r["cycle"]) == {"start", "end"}
    assert r["cycle"] == {"start": "2021-09-01", "end": "2027-08-31"}
    for key in ("required", "earned", "remaining"):
        assert set(r[key]) == {"pdp"} and _is_decimal(r[key]["pdp"])
    assert r["remaining"] == {"pdp": "35.00"}
    assert isinstance(r["categories"], dict)
    assert r["complete"] is False
    assert r["status"] in STATUSES
    assert doc["advancement"] == []
    for e in doc["ledger"]:
        assert LEDGER <= set(e) and _is_decimal(e["amount"])
    assert [(w["code"], w["credential"]) for w in doc["warnings"]] == [
        ("issuer_not_accepted", "junk")
    ]


def test_evaluate_json_categories_and_advancement_shapes(educator_file) -> None:
    doc = _json("evaluate", educator_file(PRACTITIONER), "--as-of", "2024-01-01", "--json")
    (a,) = doc["advancement"]
    assert {"tier", "eligible", "unmet"} <= set(a)
    assert (a["tier"], a["eligible"]) == ("professional", False)
    assert isinstance(a["unmet"], list) and a["unmet"]
    nc = {
        "id": "NC-1",
        "jurisdiction": "us-nc",
        "grade_band": "k-5",
        "licenses": [{"type": "professional", "issued": "2021-07-01", "expires": "2026-06-30"}],
        "credentials": [
            {
                "id": "c",
                "kind": "ceu_course",
                "earned": "2022-01-01",
                "ceus": 1,
                "categories": ["literacy"],
            }
        ],
    }
    if not (REPO / "jurisdictions" / "us-nc" / "jurisdiction.yaml").is_file():
        pytest.skip("us-nc is not bundled")
    doc = _json("evaluate", educator_file(nc, "nc.json"), "--as-of", "2024-01-01", "--json")
    (r,) = doc["renewal"]
    assert r["categories"]
    for cat in r["categories"].values():
        assert set(cat) == {"required", "earned", "remaining"}
        assert all(_is_decimal(v) for v in cat.values())


def test_evaluate_json_is_byte_identical_across_runs(educator_file) -> None:
    path = educator_file(TN)
    args = ("evaluate", path, "--as-of", "2026-06-30", "--json")
    assert run(*args).stdout == run(*args).stdout


def test_evaluate_yaml_input_and_summary(educator_file) -> None:
    text = (
        "id: TN-Y\njurisdiction: us-tn\nlicenses:\n"
        "  - {type: professional, issued: 2021-09-01, expires: 2027-08-31}\n"
        "credentials:\n  - {id: w, kind: workshop, earned: 2022-01-01, contact_hours: 60}\n"
    )
    r = run("evaluate", educator_file(text, "ed.yaml"), "--as-of", "2026-06-30")
    assert r.exit_code == 0, r.output
    assert "TN-Y in us-tn as of 2026-06-30" in r.stdout
    assert "complete" in r.stdout


# --- errors: exit 2, located, nothing on stdout ---------------------------------------------


@pytest.mark.parametrize("command", ["evaluate", "explain"])
@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ('{"id": "E", "jurisdiction": "us-tn",\n "credentials": [}\n', ":2:18: yaml.syntax"),
        ({**TN, "nickname": "x"}, "unknown field 'nickname'"),
        (
            {**TN, "credentials": [{**TN["credentials"][1], "contact_hours": -1}]},
            "field: credentials[0].contact_hours",
        ),
        (
            {**TN, "credentials": [{**TN["credentials"][1], "earned": "2024-02-30"}]},
            "got: '2024-02-30'",
        ),
        (
            {**TN, "credentials": [TN["credentials"][1], TN["credentials"][1]]},
            "educator.duplicate_id",
        ),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(educator_file, command, doc, words) -> None:
    path = educator_file(doc)
    r = run(command, path, "--as-of", "2026-06-30", *(["--json"] if command == "evaluate" else []))
    assert r.exit_code == 2
    assert r.stdout == ""
    assert words in r.stderr
    assert r.stderr.startswith(f"{path}:")
    assert r.stderr.rstrip().endswith("nothing was written.")


def test_every_input_problem_on_its_own_line(educator_file) -> None:
    bad = {
        **TN,
        "nickname": "x",
        "credentials": [
            {**TN["credentials"][1], "contact_hours": -1},
            {**TN["credentials"][1], "earned": "2024-02-30"},
        ],
    }
    r = run("evaluate", educator_file(bad), "--json")
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert lines[-1] == "4 problem(s); nothing was written."
    assert all(line.count(":") >= 3 for line in lines[:-1])


def test_unknown_jurisdiction_exits_2(educator_file) -> None:
    r = run("evaluate", educator_file(TN), "--jurisdiction", "zz-zz", "--json")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "unknown jurisdiction 'zz-zz'" in r.stderr
    assert "us-tn" in r.stderr  # the known ones are listed


def test_bad_as_of_exits_2(educator_file) -> None:
    r = run("evaluate", educator_file(TN), "--as-of", "2026-02-30", "--json")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "input.as_of" in r.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    r = run("evaluate", tmp_path / "nope.json", "--json")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "file.unreadable" in r.stderr


def test_bad_rules_root_exits_2(educator_file) -> None:
    r = run("evaluate", educator_file(TN), "--rules", BAD / "unknown_unit", "--json")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("jurisdictions/xx-yy/rules/awards.yaml:7:")  # the unit itself


# --- explain --------------------------------------------------------------------------------


def test_explain_cites_rule_title_source_and_file_line(educator_file) -> None:
    r = run("explain", educator_file(TN), "--as-of", "2026-06-30")
    assert r.exit_code == 0, r.output
    text = r.stdout
    assert "Educator TN-CLI in us-tn as of 2026-06-30" in text
    assert "rule tn.pdp.micro_credential: An approved micro-credential earns 6 PDPs" in text
    assert "source: TDOE PDP FAQ for Educators" in text
    assert "at jurisdictions/us-tn/rules/conversions.yaml:" in text
    assert "Renewal of the professional license, cycle 2021-09-01 to 2027-08-31" in text
    assert "issuer_not_accepted [junk]" in text


# --- test -----------------------------------------------------------------------------------

CASE_OK = """\
- name: a workshop hour earns an hour
  as_of: 2024-01-01
  input:
    id: E
    credentials: [{id: w, kind: workshop, earned: 2023-01-01, contact_hours: 3}]
  expect:
    totals: {hr: 3}
"""
CASE_BAD = (
    CASE_OK
    + """\
- name: this expectation is wrong
  as_of: 2024-01-01
  input:
    id: E
    credentials: [{id: w, kind: workshop, earned: 2023-01-01, contact_hours: 3}]
  expect:
    totals: {hr: 4}
"""
)
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


@pytest.fixture
def case_tree(make_tree):
    def build(cases: str) -> Path:
        root = make_tree({"rules/r.yaml": AWARD, "cases/c.yaml": cases})
        return root / "jurisdictions" / "xx-yy" / "cases" / "c.yaml"

    return build


def test_test_bundled_tennessee_cases_pass() -> None:
    # every bundled case also runs as its own item in tests/test_cases.py
    r = run("test", REPO / "jurisdictions" / "us-tn")
    assert r.exit_code == 0, r.stdout
    assert " 0 failed" in r.stdout


def test_test_a_passing_case_file(case_tree) -> None:
    r = run("test", case_tree(CASE_OK), "-v")
    assert r.exit_code == 0, r.stdout
    assert "a workshop hour earns an hour PASSED" in r.stdout
    assert "1 passed, 0 failed in 1 file(s)" in r.stdout


def test_test_a_failing_case_file_exits_1(case_tree) -> None:
    r = run("test", case_tree(CASE_BAD))
    assert r.exit_code == 1
    assert "jurisdictions/xx-yy/cases/c.yaml:8 this expectation is wrong FAILED" in r.stdout
    assert "totals.hr: expected 4, got 3.00" in r.stdout
    assert "1 passed, 1 failed" in r.stdout


def test_test_a_case_file_that_is_not_a_list_exits_2(case_tree) -> None:
    r = run("test", case_tree("name: not a list\n"))
    assert r.exit_code == 2
    assert "case.shape" in r.stderr


def test_test_a_folder_without_cases_exits_1(make_tree) -> None:
    root = make_tree({"rules/r.yaml": AWARD})
    r = run("test", root / "jurisdictions")
    assert r.exit_code == 1
    assert "no cases found" in r.stderr


def test_test_copies_of_the_bundled_tree_pass(tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "jurisdictions" / "us-tn", root / "jurisdictions" / "us-tn")
    r = run("test", root / "jurisdictions" / "us-tn")
    assert r.exit_code == 0, r.stdout


# --- schema ---------------------------------------------------------------------------------


def test_schema_all() -> None:
    r = run("schema")
    assert r.exit_code == 0, r.output
    docs = json.loads(r.stdout)
    assert set(docs) == {"rules", "educator", "schedule", "catalog", "jurisdiction"}
    assert "credentials" in docs["educator"]["properties"]
    assert "awards" in docs["rules"]["properties"]


def test_schema_educator_matches_the_contract() -> None:
    doc = json.loads(run("schema", "educator").stdout)
    assert set(doc["required"]) == {"id", "jurisdiction"}
    assert doc["additionalProperties"] is False
    cred = doc["$defs"]["Credential"]
    assert {"id", "kind", "earned"} <= set(cred["required"])
    assert "micro_credential" in json.dumps(cred["properties"]["kind"])


def test_schema_writes_files(tmp_path: Path) -> None:
    r = run("schema", "rules", "--out", tmp_path / "schemas")
    assert r.exit_code == 0, r.output
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == ["rules.schema.json"]
    json.loads((tmp_path / "schemas" / "rules.schema.json").read_text())


def test_schema_unknown_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    r = run("schema", "bogus", "--out", tmp_path / "schemas")
    assert r.exit_code == 2
    assert "unknown schema 'bogus'" in r.stderr
    assert not (tmp_path / "schemas").exists()


def test_test_a_case_file_outside_any_rules_tree_uses_the_bundled_rules(tmp_path: Path) -> None:
    case = tmp_path / "cases" / "tn.yaml"
    case.parent.mkdir()
    case.write_text(
        "- name: nineteen clock hours\n  jurisdiction: us-tn\n  as_of: 2024-01-01\n"
        "  input: {id: E, credentials: [{id: w, kind: workshop, earned: 2023-01-01, "
        "contact_hours: 19}]}\n  expect: {totals: {pdp: 18}}\n"
    )
    r = run("test", case)
    assert r.exit_code == 1, r.output  # the case runs (and fails: 19 PDPs, not 18)
    assert "totals.pdp: expected 18, got 19.00" in r.stdout


def test_validate_a_single_rule_file_checks_its_whole_tree() -> None:
    r = run("validate", BAD / "unknown_key" / "jurisdictions" / "xx-yy" / "rules" / "awards.yaml")
    assert r.exit_code == 2
    assert r.stderr.startswith("jurisdictions/xx-yy/rules/awards.yaml:10:")


@pytest.mark.parametrize("educator_id", ["E-[/]", "E-[bold]x"])
def test_summary_prints_ids_verbatim(educator_file, educator_id: str) -> None:
    doc = {**TN, "id": educator_id}
    r = run("evaluate", educator_file(doc), "--as-of", "2026-06-30")
    assert r.exit_code == 0, r.output
    assert f"{educator_id} in us-tn as of 2026-06-30" in r.stdout


def test_schema_out_onto_a_file_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("keep me\n")
    r = run("schema", "--out", target)
    assert r.exit_code == 2
    assert target.read_text() == "keep me\n"


def test_version_prints_the_version_and_the_ruleset_sha256() -> None:
    import mccredit
    from mccredit.rules import default_root, ruleset_sha256

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert f"mccredit {mccredit.__version__}" in result.output
    digest = ruleset_sha256(default_root())
    assert len(digest) == 64 and digest in result.output
