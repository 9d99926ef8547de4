"""Ed-Fi interchange (issue 15): staff, licenses and school assignments read from Ed-Fi JSON
equal the same roster given as CSV; Ed-Fi in → evaluate → Ed-Fi out round-trips; every output
line validates against the bundled schemas; a document that fails its schema is refused with
the JSON pointer of each problem while the rest of the file goes through."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from mccredit.batch import roster_educators
from mccredit.cli import app as cli
from mccredit.evaluation import evaluate_plan, plan_for
from mccredit.handoff import earned_pd, jsonl, read_edfi, validate_resource
from mccredit.rules import load_rules

REPO = Path(__file__).resolve().parents[3]
TN = "uri://ed-fi.org/StateAbbreviationDescriptor#TN"
IN_ATTENDANCE = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#In Attendance"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def staff(sid: str, first: str, last: str, cred: str) -> dict[str, Any]:
    return {
        "staffUniqueId": sid,
        "firstName": first,
        "lastSurname": last,
        "credentials": [
            {
                "credentialReference": {
                    "credentialIdentifier": cred,
                    "stateOfIssueStateAbbreviationDescriptor": TN,
                }
            }
        ],
    }


def credential(cid: str, kind: str, issued: str, expires: str) -> dict[str, Any]:
    return {
        "credentialIdentifier": cid,
        "stateOfIssueStateAbbreviationDescriptor": TN,
        "credentialTypeDescriptor": "uri://ed-fi.org/CredentialTypeDescriptor#Licensure",
        "teachingCredentialDescriptor": f"uri://tn.gov/TeachingCredentialDescriptor#{kind}",
        "issuanceDate": issued,
        "expirationDate": expires,
        "namespace": "uri://tn.gov",
    }


def assignment(sid: str, school: int) -> dict[str, Any]:
    return {
        "educationOrganizationReference": {"educationOrganizationId": school},
        "staffReference": {"staffUniqueId": sid},
        "beginDate": "2021-08-01",
        "staffClassificationDescriptor": "uri://ed-fi.org/StaffClassificationDescriptor#Teacher",
    }


CREDS = [
    # (staff, credential id, kind, issuer, code, earned, contact hours)
    ("S-1", "mc-1", "micro_credential", "digital-promise", "DP-LIT-201", "2022-03-01", None),
    ("S-1", "ws-1", "workshop", None, None, "2024-06-01", "19"),
    ("S-2", "mc-9", "micro_credential", "bloomboard", "BB-SPED-110", "2023-03-01", None),
]


def _ext(c: tuple[Any, ...]) -> dict[str, Any]:
    _, cid, kind, issuer, code, _, hours = c
    ext: dict[str, Any] = {"credentialId": cid, "kind": kind}
    if issuer:
        ext["issuer"] = issuer
    if code:
        ext["code"] = code
    if hours:
        ext["contactHours"] = hours
    return ext


@pytest.fixture
def edfi(tmp_path: Path) -> Path:
    folder = tmp_path / "edfi"
    folder.mkdir()
    (folder / "staffs.json").write_text(
        json.dumps([staff("S-1", "Ann", "Lee", "TN-100"), staff("S-2", "Bo", "Ray", "TN-200")])
    )
    (folder / "credentials.jsonl").write_text(
        jsonl(
            [
                credential("TN-100", "Professional", "2021-09-01", "2027-08-31"),
                credential("TN-200", "Practitioner", "2023-08-01", "2026-07-31"),
            ]
        )
    )
    (folder / "staffEducationOrganizationAssignmentAssociations.json").write_text(
        json.dumps([assignment("S-1", 255901001), assignment("S-2", 255901044)])
    )
    atts = [
        {
            "attendanceDate": c[5],
            "attendanceEventCategoryDescriptor": IN_ATTENDANCE,
            "personReference": {
                "personId": c[0],
                "sourceSystemDescriptor": "uri://ed-fi.org/SourceSystemDescriptor#District",
            },
            "professionalDevelopmentEventReference": {
                "namespace": f"uri://mccredit.org/pd/{c[2]}",
                "professionalDevelopmentTitle": c[4] or c[1],
            },
            "_ext": {"mccredit": _ext(c)},
        }
        for c in CREDS
    ]
    (folder / "professionalDevelopmentEventAttendances.jsonl").write_text(jsonl(atts))
    return folder


@pytest.fixture
def csv_roster(tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "educators.csv").write_text(
        "educator_id,name,jurisdiction,school,license_type,license_id,license_issued,"
        "license_expires\n"
        "S-1,Ann Lee,us-tn,255901001,professional,TN-100,2021-09-01,2027-08-31\n"
        "S-2,Bo Ray,us-tn,255901044,practitioner,TN-200,2023-08-01,2026-07-31\n"
    )
    rows = [
        f"{s},{cid},{kind},{issuer or ''},{code or ''},{earned},{hours or ''}"
        for s, cid, kind, issuer, code, earned, hours in CREDS
    ]
    (folder / "credentials.csv").write_text(
        "educator_id,credential_id,kind,issuer,code,earned,contact_hours\n" + "\n".join(rows) + "\n"
    )
    return folder


def _norm(eds: list[Any]) -> list[dict[str, Any]]:
    out = []
    for e in sorted(eds, key=lambda e: e.id):
        d = e.model_dump()  # Decimals compare by value (19 == 19.0000)
        d["credentials"] = sorted(d["credentials"], key=lambda c: c["id"])
        out.append(d)
    return out


def test_a_roster_from_edfi_equals_the_same_roster_as_csv(edfi: Path, csv_roster: Path) -> None:
    got = read_edfi(edfi, jurisdiction="us-tn")
    assert got.problems == []
    from_csv, rejects = roster_educators(csv_roster, jurisdiction="us-tn")
    assert rejects == []
    assert _norm(got.educators) == _norm(from_csv)
    assert got.schools == {
        "S-1": [(255901001, "2021-08-01", "")],
        "S-2": [(255901044, "2021-08-01", "")],
    }


def test_edfi_in_evaluate_edfi_out_round_trips(edfi: Path, tmp_path: Path) -> None:
    rules = load_rules(REPO)
    plan = plan_for(rules, rules.get("us-tn"), __import__("datetime").date(2026, 6, 30))
    eds = read_edfi(edfi, jurisdiction="us-tn").educators
    results = [(e, evaluate_plan(plan, e).to_dict()) for e in eds]
    events, atts = earned_pd(results)
    assert all(validate_resource("professionalDevelopmentEvents", e) == [] for e in events)
    assert all(validate_resource("professionalDevelopmentEventAttendances", a) == [] for a in atts)
    credit = {a["_ext"]["mccredit"]["credentialId"]: a["_ext"]["mccredit"]["credit"] for a in atts}
    assert credit == {"mc-1": {"pdp": "6.00"}, "ws-1": {"pdp": "19.00"}, "mc-9": {"pdp": "6.00"}}
    assert {e["professionalDevelopmentTitle"] for e in events} == {
        "DP-LIT-201",
        "BB-SPED-110",
        "ws-1",
    }
    # write them out, read them back with the same staff: the same educators again
    back = tmp_path / "back"
    back.mkdir()
    for name in (
        "staffs.json",
        "credentials.jsonl",
        "staffEducationOrganizationAssignmentAssociations.json",
    ):
        (back / name).write_bytes((edfi / name).read_bytes())
    (back / "professionalDevelopmentEvents.jsonl").write_text(jsonl(events))
    (back / "professionalDevelopmentEventAttendances.jsonl").write_text(jsonl(atts))
    again = read_edfi(back, jurisdiction="us-tn")
    assert again.problems == [] and _norm(again.educators) == _norm(eds)
    again_results = [evaluate_plan(plan, e).to_dict() for e in again.educators]
    assert [r["totals"] for r in again_results] == [r["totals"] for _, r in results]


def test_the_cli_writes_validated_jsonl(edfi: Path, tmp_path: Path) -> None:
    out = tmp_path / "pd"
    r = run("edfi", "pd", edfi, "-j", "us-tn", "--as-of", "2026-06-30", "-o", out)
    assert r.exit_code == 0, r.output
    assert "3 attendance(s) of 3 event(s) for 2 educator(s)" in r.stderr
    lines = (out / "professionalDevelopmentEventAttendances.jsonl").read_text().splitlines()
    assert len(lines) == 3 and all(
        validate_resource("professionalDevelopmentEventAttendances", json.loads(x)) == []
        for x in lines
    )
    assert run("edfi", "check", edfi).exit_code == 0


def test_a_document_that_fails_its_schema_is_refused_with_pointers(edfi: Path) -> None:
    staffs = json.loads((edfi / "staffs.json").read_text())
    staffs.append(
        {"staffUniqueId": "S-3", "lastSurname": "", "credentials": [{"credentialReference": {}}]}
    )
    (edfi / "staffs.json").write_text(json.dumps(staffs))
    (edfi / "credentials.jsonl").write_text(
        (edfi / "credentials.jsonl").read_text()
        + '{"credentialIdentifier": "X", "issuanceDate": "June"}\n'
    )
    got = read_edfi(edfi, jurisdiction="us-tn")
    assert sorted(e.id for e in got.educators) == ["S-1", "S-2"]  # the rest still goes through
    msgs = [(Path(p.path or "").name, p.line, p.message) for p in got.problems]
    staff_msgs = [m for f, _, m in msgs if f == "staffs.json"]
    assert any(m.startswith("/2 'firstName' is a required property") for m in staff_msgs)
    assert any(m.startswith("/2/lastSurname ") for m in staff_msgs)
    assert any(m.startswith("/2/credentials/0/credentialReference ") for m in staff_msgs)
    cred_msgs = [(line, m) for f, line, m in msgs if f == "credentials.jsonl"]
    assert any(line == 3 and m.startswith("/issuanceDate ") for line, m in cred_msgs)
    r = run("edfi", "check", edfi)
    assert r.exit_code == 1 and "staffs.json" in r.stderr and "Traceback" not in r.output


def test_a_worklist_reads_an_edfi_folder(edfi: Path) -> None:
    r = run("licensure", "worklist", edfi, "-j", "us-tn", "--as-of", "2026-12-01", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["educators"] == 2
    assert {e["educator_name"] for e in doc["entries"]} == {"Ann Lee", "Bo Ray"}
