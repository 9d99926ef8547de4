"""`mccredit schema matchers` through the real entry point: the one field/operator table as a
table for people (80 columns through a pipe, COLUMNS and --wide respected) and as JSON with
stable keys; and the JSON Schema of rule files lists the same fields. (`mccredit validate` on a
misspelt closed value: tests/unit/rules/test_closed_values.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mccredit.rules._fields import CLOSED_VALUES, FIELDS, OPERATORS, table_document

FIELD_KEYS = {"context", "name", "type", "values", "declared_in", "batch_column", "description"}
OPERATOR_KEYS = {"name", "operand", "field_types", "meaning"}


def mccredit(*args: str | Path, columns: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [sys.executable, "-c", "from mccredit.cli import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_the_table_fits_80_columns_and_names_every_field_and_operator() -> None:
    r = mccredit("schema", "matchers")
    assert r.returncode == 0, r.stderr
    assert widest(r.stdout) <= 80
    cells = {c.strip() for line in r.stdout.splitlines() for c in line.split("│")}
    for context, fields in FIELDS.items():
        assert f"{context} fields" in r.stdout
        assert set(fields) <= cells
    assert set(OPERATORS) <= cells
    assert {"all", "any", "not"} <= cells
    assert "national_board_renewal" in cells  # a closed value, never cut


def test_columns_and_wide_are_respected() -> None:
    narrow = mccredit("schema", "matchers").stdout
    at_100 = mccredit("schema", "matchers", columns="100").stdout
    wide = mccredit("--wide", "schema", "matchers").stdout
    assert 80 < widest(at_100) <= 100
    assert widest(wide) > 100
    assert len(wide.splitlines()) < len(narrow.splitlines())


def test_json_has_stable_keys_and_is_the_table() -> None:
    r = mccredit("schema", "matchers", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc) == ["fields", "operators", "combinators"]
    assert all(set(f) == FIELD_KEYS for f in doc["fields"])
    assert all(set(o) == OPERATOR_KEYS for o in doc["operators"])
    assert [o["name"] for o in doc["operators"]] == list(OPERATORS)
    assert doc == table_document()
    kind = next(f for f in doc["fields"] if (f["context"], f["name"]) == ("credential", "kind"))
    assert kind["type"] == "string" and "national_board" in kind["values"]
    ltype = next(f for f in doc["fields"] if (f["context"], f["name"]) == ("license", "type"))
    assert ltype["declared_in"] == "license_types" and ltype["batch_column"] == "license_type"
    gte = next(o for o in doc["operators"] if o["name"] == "gte")
    assert gte == {
        "name": "gte",
        "operand": "value",
        "field_types": ["number", "date"],
        "meaning": "is at least the value (missing: no)",
    }
    # byte-identical on a second run
    assert mccredit("schema", "matchers", "--format", "json").stdout == r.stdout


def test_out_writes_the_json(tmp_path: Path) -> None:
    r = mccredit("schema", "matchers", "--out", tmp_path / "s")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "s" / "matchers.json").read_text()) == table_document()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("schema", "matchers", "--format", "yaml"), "unknown --format 'yaml'"),
        (("schema", "rules", "--format", "table"), "--format table is for `schema matchers`"),
        (("schema", "matcher"), "unknown schema 'matcher'; choose one of: all, matchers"),
    ],
)
def test_bad_requests_exit_2_with_one_line(args: tuple[str, ...], words: str) -> None:
    r = mccredit(*args)
    assert r.returncode == 2
    assert words in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_the_rule_files_json_schema_lists_the_table() -> None:
    rules = json.loads(mccredit("schema", "rules").stdout)
    when = rules["$defs"]["AwardRule"]["properties"]["when"]
    assert set(when["properties"]) == {*FIELDS["credential"], "all", "any", "not"}
    kind = when["properties"]["kind"]["anyOf"]
    assert kind[0] == {"enum": list(CLOSED_VALUES["credential"]["kind"])}
    hours_ops = when["properties"]["contact_hours"]["anyOf"][1]["properties"]
    assert set(hours_ops) == {o for o, op in OPERATORS.items() if op.fits("number")}
    educator = rules["$defs"]["RequirementRule"]["properties"]["when_educator"]
    assert educator["properties"]["role"]["anyOf"][0] == {"enum": ["teacher", "administrator"]}
