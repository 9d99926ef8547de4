"""Hostile or broken files reach the CLI as one located line and exit 2, never a traceback
(issue 14: NUL/BEL bytes, deep nesting, self-referencing aliases, alias bombs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mccredit.cli import app

BAD = Path(__file__).resolve().parent.parent / "unit" / "rules" / "bad"
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcde", "bcdef", strict=True)
)
FILES = {
    "nul": ('{"id": "E\x00"}', "yaml.control_character"),
    "bel": ("id: E\x07\n", "yaml.control_character"),
    "deep_json": ("[" * 3000 + "]" * 3000, "yaml.too_deep"),
    "self_alias": ("a: &x\n  b: *x\n", "yaml.recursive_alias"),
    "bomb": (BOMB, "yaml.alias_budget"),
}


def run(*args: Any) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_one_located_line(r: Any, where: str, code: str) -> None:
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    first, *rest = r.stderr.splitlines()
    assert first.startswith(where) and code in first
    assert rest == ["1 problem(s); nothing was written."]


@pytest.mark.parametrize("name", sorted(FILES))
def test_evaluate_refuses_a_hostile_file_in_one_line(tmp_path: Path, name: str) -> None:
    text, code = FILES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    assert_one_located_line(run("evaluate", path), f"{path}:", code)


@pytest.mark.parametrize("name", sorted(FILES))
def test_validate_refuses_a_hostile_rule_file_in_one_line(tmp_path: Path, name: str) -> None:
    text, code = FILES[name]
    root = tmp_path / "tree"
    shutil.copytree(BAD / "malformed_yaml", root)
    awards = root / "jurisdictions" / "xx-yy" / "rules" / "awards.yaml"
    awards.write_text(text, encoding="utf-8")
    r = run("validate", root)
    assert_one_located_line(r, "jurisdictions/xx-yy/rules/awards.yaml:", code)


REFUSED = "postgresql+psycopg://postgres@127.0.0.1:1/none"


@pytest.mark.parametrize(
    "args",
    [
        ["db", "upgrade"],
        ["db", "current"],
        ["keys", "list"],
        ["keys", "create", "--role", "admin", "--scope", "us-tn"],
        ["keys", "revoke", "k-1"],
        ["demo"],
    ],
)
def test_store_commands_turn_a_refused_database_into_one_line_and_exit_2(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MCCREDIT_DATABASE_URL", REFUSED)
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: database unavailable")


def test_demo_reports_a_refused_database_before_doing_any_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14: `demo` printed its whole table (169 lines) before it found the database
    unreachable; the database is reached first now and nothing else is printed."""
    monkeypatch.setenv("MCCREDIT_DATABASE_URL", REFUSED)
    r = run("demo")
    assert r.exit_code == 2
    assert r.stdout == ""


def test_thousands_of_problems_print_fifty_lines_and_a_count(tmp_path: Path) -> None:
    """One mistake repeated in 3,000 credentials: 50 located lines, then the rest by type."""
    creds = [
        {
            "id": f"c{i}",
            "kind": "micro_credential",
            "issuer": "nea",
            "earned": "2023-01-01",
            "hours": 2,
        }
        for i in range(3000)
    ]
    f = tmp_path / "e.json"
    f.write_text(json.dumps({"id": "E-1", "jurisdiction": "us-tn", "credentials": creds}))
    r = run("evaluate", str(f))
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 52
    assert all(line.startswith(f"{f}:") for line in lines[:50])
    assert lines[50] == "... and 2950 more: educator.extra_forbidden x2950"
    assert lines[51] == "3000 problem(s); nothing was written."
