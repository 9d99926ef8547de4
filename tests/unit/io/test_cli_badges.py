"""`mccredit verify` and `mccredit ingest` through typer's CliRunner (issue 12 contracts)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from badge_support import bake_png, dp_badge, write_dp_registry
from typer.testing import CliRunner

from mccredit.cli import app
from mccredit.io.educator import parse_educator
from mccredit.store import make_engine, upgrade, write_session
from mccredit.store.repositories import put_educator
from mccredit.store.tables import BadgeDocument, CredentialRecord

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "credentials"
ONE = FIXTURES / "1edtech"
REGISTRY = FIXTURES / "trust-registry.yaml"
runner = CliRunner()


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_verify_json_one_object_per_credential() -> None:
    r = runner.invoke(
        app,
        [
            "verify",
            str(ONE / "ob30" / "simple.json"),
            str(ONE / "ob30" / "simple-err-expired.json"),
            "--trust",
            str(REGISTRY),
            "--as-of",
            "2026-12-02",
            "--json",
        ],
    )
    assert r.exit_code == 1, r.output
    rows = _json_lines(r.stdout)
    assert [sorted(row) for row in rows] == [["file", "id", "issuer", "reasons", "status"]] * 2
    assert [row["status"] for row in rows] == ["verified", "expired"]
    assert rows[1]["reasons"][0] == {
        "code": "expired",
        "message": rows[1]["reasons"][0]["message"],
        "field": "validUntil",
    }


def test_verify_exit_codes(tmp_path: Path) -> None:
    ok = ["verify", str(ONE / "ob30" / "simple.json"), "--trust", str(REGISTRY)]
    assert runner.invoke(app, [*ok, "--as-of", "2026-12-02"]).exit_code == 0
    # the bundled registry trusts no test issuer
    r = runner.invoke(app, ["verify", str(ONE / "ob30" / "simple.json"), "--json"])
    assert r.exit_code == 1
    assert _json_lines(r.stdout)[0]["status"] == "untrusted_issuer"
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    r = runner.invoke(app, [*ok, str(bad)])
    assert r.exit_code == 2
    assert "bad.json:1:2: badge.unreadable" in r.stderr
    assert "Traceback" not in r.output
    assert runner.invoke(app, ["verify", str(tmp_path / "missing")]).exit_code == 2


def test_verify_a_folder_and_a_clr(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        [
            "verify",
            str(ONE / "clr20" / "complex.json"),
            "--trust",
            str(REGISTRY),
            "--as-of",
            "2026-12-02",
            "--json",
        ],
    )
    rows = _json_lines(r.stdout)
    assert len(rows) > 1  # the bundle, then each credential inside it
    assert {row["status"] for row in rows} == {"verified"}
    assert r.exit_code == 0


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'mc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with write_session(engine) as s:
        ed = parse_educator(
            {
                "id": "E-OB",
                "jurisdiction": "us-tn",
                "licenses": [
                    {"type": "professional", "issued": "2024-09-01", "expires": "2029-08-31"}
                ],
            }
        )
        put_educator(session=s, educator=ed, scopes=["*"], actor="test")
        s.commit()
    engine.dispose()
    return url


def test_ingest_a_folder(tmp_path: Path, db: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.json").write_text(
        json.dumps(dp_badge(1, "DP-LIT-201", "Close reading", "2025-01-10"))
    )
    image = (ONE / "ob20" / "assets" / "robotics-badge.png").read_bytes()
    png = bake_png(image, json.dumps(dp_badge(2, "DP-LIT-202", "Vocabulary", "2025-02-10")))
    (folder / "b.png").write_bytes(png)
    shutil.copy(ONE / "ob30" / "simple-noproof.json", folder / "c.json")
    shutil.copy(ONE / "ob30" / "simple-err-expired.json", folder / "d.json")
    trust = write_dp_registry(tmp_path / "dp.yaml")
    args = [
        "ingest",
        str(folder),
        "--educator",
        "E-OB",
        "--url",
        db,
        "--as-of",
        "2026-06-30",
        "--trust",
        str(trust),
        "--trust",
        str(REGISTRY),
        "--json",
    ]
    r = runner.invoke(app, args)
    assert r.exit_code == 1, r.output  # two files rejected
    rows = {Path(row["file"]).name: row for row in _json_lines(r.stdout)}
    assert {n: row["status"] for n, row in rows.items()} == {
        "a.json": "accepted",
        "b.png": "accepted",
        "c.json": "rejected",
        "d.json": "rejected",
    }
    (cred,) = rows["a.json"]["credentials"]
    assert cred["credited"] == [
        {"unit": "pdp", "amount": "6.00", "rule": "tn.pdp.micro_credential"}
    ]
    assert cred["verification"]["status"] == "verified"
    assert rows["c.json"]["reasons"][0]["code"] == "badge.no_achievement"
    (expired,) = rows["d.json"]["credentials"]
    assert [x["code"] for x in expired["reasons"]] == ["expired", "not_credited_here"]
    engine = make_engine(db)
    with write_session(engine) as s:
        stored = s.query(CredentialRecord).all()
        docs = s.query(BadgeDocument).all()
        assert sorted(c.credential_id for c in stored) == [
            "urn:uuid:6a1f0000-0000-4000-8000-000000000001",
            "urn:uuid:6a1f0000-0000-4000-8000-000000000002",
        ]
        assert {d.content for d in docs} == {(folder / "a.json").read_bytes(), png}
        assert {c.badge_sha256 for c in stored} == {d.sha256 for d in docs}
    engine.dispose()
    # again: idempotent, every file a replay or the same rejection, nothing new stored
    again = {
        Path(row["file"]).name: row["status"]
        for row in _json_lines(runner.invoke(app, args).stdout)
    }
    assert again == {
        "a.json": "replay",
        "b.png": "replay",
        "c.json": "rejected",
        "d.json": "rejected",
    }
    engine = make_engine(db)
    with write_session(engine) as s:
        assert s.query(CredentialRecord).count() == 2
        assert s.query(BadgeDocument).count() == 2
    engine.dispose()


def test_ingest_errors(tmp_path: Path, db: str) -> None:
    badge = tmp_path / "a.json"
    badge.write_text(json.dumps(dp_badge(1, "DP-LIT-201", "Close reading", "2025-01-10")))
    r = runner.invoke(app, ["ingest", str(badge), "--educator", "NOBODY", "--url", db])
    assert r.exit_code == 2 and "no stored educator 'NOBODY'" in r.stderr
    r = runner.invoke(
        app,
        [
            "ingest",
            str(badge),
            "--educator",
            "E-OB",
            "--url",
            db,
            "--trust",
            str(tmp_path / "none.yaml"),
        ],
    )
    assert r.exit_code == 2 and "no trust registry file" in r.stderr
    assert "Traceback" not in r.output
