"""`mccredit db …` and `mccredit keys …` through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mccredit.cli import app as cli
from mccredit.store import make_engine, read_session
from mccredit.store._migrate import head_revision
from mccredit.store.repositories import authenticate


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MCCREDIT_DATABASE_URL", url)
    return url


def run(*args: str) -> object:
    result = CliRunner().invoke(cli, list(args))
    return result


def test_db_upgrade_current_downgrade(env: str) -> None:
    r = run("db", "current")
    assert r.exit_code == 0 and "empty" in r.stdout and "pending" in r.stdout
    r = run("db", "upgrade")
    assert r.exit_code == 0 and head_revision() in r.stdout
    assert "up to date" in run("db", "current").stdout
    r = run("db", "downgrade")
    assert r.exit_code == 0 and "→ " in r.stdout and head_revision() not in r.stdout.split("→ ")[-1]
    assert run("db", "upgrade").exit_code == 0


def test_keys_create_prints_the_key_alone_on_the_last_line(env: str) -> None:
    r = run("keys", "create", "--role", "payroll", "--scope", "us-va/pwcs", "--name", "pay")
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[-1]
    assert token.startswith("mcc_") and " " not in token
    engine = make_engine(env)
    with read_session(engine) as s:
        key = authenticate(session=s, token=token)
        assert key is not None and key.role == "payroll" and key.scopes == ("us-va/pwcs",)
    listed = run("keys", "list")
    assert key.key_id in listed.stdout and token not in listed.stdout
    assert run("keys", "revoke", key.key_id).exit_code == 0
    with read_session(engine) as s:
        assert authenticate(session=s, token=token) is None
    engine.dispose()
    assert run("keys", "revoke", "nope").exit_code == 2


def test_keys_create_refuses_unknown_roles(env: str) -> None:
    r = run("keys", "create", "--role", "root", "--scope", "*")
    assert r.exit_code == 2 and "unknown role" in r.stderr


def test_keys_create_warns_about_unknown_scopes(env: str) -> None:
    r = run("keys", "create", "--role", "licensure", "--scope", "us-tnn")
    assert r.exit_code == 0 and "matches no bundled jurisdiction" in r.stderr
    assert r.stdout.strip().splitlines()[-1].startswith("mcc_")
