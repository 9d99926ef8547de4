"""Licensure work lists (issue 15): a TN roster gives the entries a clerk keys into the PDP
portal (type of activity, date completed, clock hours or CEUs, title, documentation link,
verification), the held entries with their reason, the renewals at risk and the
advancement-eligible list; NC batches by license-expiration cohort; CSV and JSON; bad input
and bad shapes are clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from mccredit.cli import app as cli
from mccredit.errors import RuleError
from mccredit.handoff import load_worklist
from mccredit.rules import load_rules

REPO = Path(__file__).resolve().parents[3]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _write(folder: Path, name: str, doc: dict[str, Any]) -> Path:
    p = folder / name
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


def _badge(code: str, name: str, valid_from: str) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"https://badges.example.org/assertions/{code}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": "https://digitalpromise.org",
            "type": ["Profile"],
            "name": "Digital Promise",
        },
        "validFrom": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://digitalpromise.org/mc/{code}",
                "type": ["Achievement"],
                "humanCode": code,
                "name": name,
                "achievementType": "MicroCredential",
                "criteria": {"narrative": "evidence"},
            },
        },
    }


@pytest.fixture
def tn_roster(tmp_path: Path) -> Path:
    folder = tmp_path / "roster"
    folder.mkdir()
    _write(folder, "tn-0001.json", json.loads((REPO / "examples/tn-renewal.json").read_text()))
    _write(
        folder,
        "tn-0002.json",
        {
            "id": "TN-0002",
            "jurisdiction": "us-tn",
            "name": "Ada Park",
            "licenses": [{"type": "practitioner", "issued": "2023-08-01", "expires": "2026-07-31"}],
            "experience_years": 3,
            "credentials": [
                {
                    "id": "ws-1",
                    "kind": "workshop",
                    "earned": "2024-02-01",
                    "contact_hours": 24,
                    "title": "Reading foundations institute",
                    "evidence": "https://pd.example.org/c/1",
                },
            ],
            "badges": [
                _badge("DP-LIT-201", "Close reading of complex text", "2024-03-14T00:00:00Z")
            ],
        },
    )
    (folder / "broken.json").write_text('{"id": "X", "jurisdiction": "us-tn", "licenses": 3}')
    return folder


def test_tn_worklist_json_has_every_section(tn_roster: Path) -> None:
    r = run("licensure", "worklist", tn_roster, "-j", "us-tn", "--as-of", "2026-12-01", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["worklist"]["id"] == "tn-pdp-entries" and doc["educators"] == 2
    assert list(doc) == [
        "jurisdiction",
        "as_of",
        "worklist",
        "ruleset",
        "educators",
        "entries",
        "held",
        "at_risk",
        "advancement_eligible",
        "cohorts",
        "rejected",
    ]
    ada = [e for e in doc["entries"] if e["educator_id"] == "TN-0002"]
    assert [(e["activity_type"], e["credit"]) for e in ada] == [
        ("Professional learning (clock hours)", "24.00")
    ]
    (ws,) = ada
    assert ws["documentation"] == "https://pd.example.org/c/1" and ws["verification"] == "no badge"
    assert ws["title"] == "Reading foundations institute" and ws["clock_hours"] == "24"
    # the unsigned badge is held (us-tn credits badges only when verified), with the reason;
    # TN-0001's badgemill credential is held as not accepted
    assert [(h["educator_id"], h["code"]) for h in doc["held"]] == [
        ("TN-0001", "issuer_not_accepted"),
        ("TN-0002", "verification_not_credited"),
    ]
    held = doc["held"][1]
    assert held["credential_id"] == "https://badges.example.org/assertions/DP-LIT-201"
    assert "unsigned" in held["message"] and held["title"] == "Close reading of complex text"
    # TN-0001: 59 of 60 PDPs, nine months before the license expires
    assert [(a["educator_id"], a["status"], a["remaining"]) for a in doc["at_risk"]] == [
        ("TN-0001", "at_risk", {"pdp": "1.00"})
    ]
    assert doc["cohorts"] == []  # TN does not batch by expiration
    assert len(doc["rejected"]) == 1 and "broken.json" in doc["rejected"][0]["file"]
    assert "rejected: " in r.stderr


def test_tn_worklist_csv_is_in_the_portal_columns(tn_roster: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run("licensure", "worklist", tn_roster, "-j", "us-tn", "--as-of", "2026-12-01", "-o", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [
        "advancement_eligible.csv",
        "at_risk.csv",
        "entries.csv",
        "held.csv",
        "worklist.json",
    ]
    rows = list(csv.DictReader(io.StringIO((out / "entries.csv").read_text(encoding="utf-8"))))
    assert list(rows[0])[:6] == [
        "Educator ID",
        "Educator Name",
        "License",
        "Type of Activity",
        "Date Completed",
        "Clock Hours",
    ]
    tn1 = [r for r in rows if r["Educator ID"] == "TN-0001"]
    assert sum(float(r["PDPs"]) for r in tn1) == 59.0  # the same 59 the renewal shows
    assert {r["Date Completed"] for r in tn1} >= {"03/01/2022", "06/01/2024"}
    held = list(csv.DictReader(io.StringIO((out / "held.csv").read_text(encoding="utf-8"))))
    assert held[0]["credential_id"] == "junk-1" and "badgemill" in held[0]["message"]
    risk = list(csv.DictReader(io.StringIO((out / "at_risk.csv").read_text(encoding="utf-8"))))
    assert any(r["educator_id"] == "TN-0001" and r["remaining"] == "pdp=1.00" for r in risk)


def test_advancement_eligible_lists_the_practitioner_who_qualifies(tmp_path: Path) -> None:
    ed = {
        "id": "TN-0100",
        "jurisdiction": "us-tn",
        "licenses": [{"type": "practitioner", "issued": "2022-08-01", "expires": "2027-07-31"}],
        "experience_years": 4,
        "credentials": [
            {"id": f"w{i}", "kind": "workshop", "earned": f"2023-0{i}-01", "contact_hours": 10}
            for i in range(1, 5)
        ],
    }
    p = _write(tmp_path, "e.json", ed)
    doc = json.loads(
        run("licensure", "worklist", p, "-j", "us-tn", "--as-of", "2026-06-30", "--json").stdout
    )
    assert [(a["educator_id"], a["from"], a["tier"]) for a in doc["advancement_eligible"]] == [
        ("TN-0100", "practitioner", "professional")
    ]


def test_nc_batches_by_license_expiration(tmp_path: Path) -> None:
    for i, expires in enumerate(["2027-06-30", "2027-06-30", "2028-06-30"]):
        _write(
            tmp_path,
            f"nc{i}.json",
            {
                "id": f"NC-{i}",
                "jurisdiction": "us-nc",
                "grade_band": "k-5",
                "licenses": [
                    {
                        "type": "professional",
                        "issued": f"{int(expires[:4]) - 5}-07-01",
                        "expires": expires,
                    }
                ],
                "credentials": [
                    {
                        "id": "c1",
                        "kind": "workshop",
                        "earned": "2025-01-10",
                        "contact_hours": 20,
                        "categories": ["literacy"],
                    },
                ],
            },
        )
    out = tmp_path / "out"
    r = run(
        "licensure",
        "worklist",
        tmp_path,
        "-j",
        "us-nc",
        "--as-of",
        "2026-06-30",
        "-o",
        out,
        "--json",
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [(c["cohort"], c["educators"], c["entries"]) for c in doc["cohorts"]] == [
        ("2027-06-30", 2, 2),
        ("2028-06-30", 1, 1),
    ]
    assert doc["cohorts"][0]["credit"] == {"ceu": "4.0"}
    first = list(csv.DictReader(io.StringIO((out / "entries-2027-06-30.csv").read_text())))
    assert [r["Educator ID"] for r in first] == ["NC-0", "NC-1"]
    assert {r["License Expiration"] for r in first} == {"06/30/2027"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("-j", "us-zz"), "unknown jurisdiction 'us-zz'"),
        (("-j", "us-tn", "--worklist", "tncompass"), "unknown work list 'tncompass'"),
        (("-j", "us-tn", "--as-of", "June"), "as_of"),
    ],
)
def test_bad_options_are_clear_errors(tn_roster: Path, args: tuple[str, ...], words: str) -> None:
    r = run("licensure", "worklist", tn_roster, *args)
    assert r.exit_code == 2 and words in r.stderr and "Traceback" not in r.output


def test_a_missing_roster_is_an_error(tmp_path: Path) -> None:
    r = run("licensure", "worklist", tmp_path / "nope", "-j", "us-tn")
    assert r.exit_code == 2 and "no such file" in r.stderr


BAD = """\
id: bad
title: Bad
system: x
sourced: t
activity_types: {micro_credentials: MC}
columns:
  - {header: A, source: clock_hour}
"""


def test_a_bad_worklist_shape_is_a_located_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(BAD, encoding="utf-8")
    with pytest.raises(RuleError) as e:
        load_worklist(p)
    lines = sorted((pr.line, pr.message.split(";")[0]) for pr in e.value.problems)
    assert lines[0][0] == 5 and "micro_credentials" in lines[0][1]
    assert lines[1][0] == 7 and "unknown field 'clock_hour'" in lines[1][1]


def test_the_bundled_states_name_their_worklists() -> None:
    rules = load_rules(REPO)
    assert rules.get("us-tn").worklist == "tn-pdp-entries"
    assert rules.get("us-nc").worklist == "nc-renewal-credits"
    assert rules.get("us-tx").worklist is None
