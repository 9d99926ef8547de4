"""Recipient binding (issue 12): a badge about someone else is refused with the reason."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from badge_support import dp_badge, dp_registry

import mccredit
from mccredit.io.badges import recipient_reason
from mccredit.verify import TrustRegistry, load_registry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "credentials"
COMPLETE = json.loads((FIXTURES / "1edtech" / "ob30" / "complete.json").read_text())
SALT = "s3cr3t"
HASHED = {
    "type": ["IdentityObject"],
    "identityType": "emailAddress",
    "hashed": True,
    "salt": SALT,
    "identityHash": "sha256$" + hashlib.sha256(f"ann@school.org{SALT}".encode()).hexdigest(),
}


def educator(badges: list[Any], *identifiers: tuple[str, str]) -> dict[str, Any]:
    return {
        "id": "E-R",
        "jurisdiction": "us-tn",
        "licenses": [
            {
                "type": "professional",
                "id": "TN-12345",
                "issued": "2024-09-01",
                "expires": "2029-08-31",
            }
        ],
        "identifiers": [{"type": t, "value": v} for t, v in identifiers],
        "badges": badges,
    }


@pytest.mark.parametrize(
    ("identifiers", "bound"),
    [
        ([("email", "Ann@School.org")], True),  # emails compare case-insensitively, hashed
        ([("email", "bob@school.org")], False),
        ([("license_number", "TN-99999"), ("email", "ann@school.org")], True),
    ],
)
def test_a_hashed_email_binds_the_badge(identifiers: list[tuple[str, str]], bound: bool) -> None:
    badge = dp_badge(1, "DP-LIT-201", "Close reading", "2025-01-10", identifier=[HASHED])
    doc = mccredit.evaluate(
        educator([badge], *identifiers), as_of="2026-06-30", registry=dp_registry()
    )
    if bound:
        assert doc["totals"] == {"pdp": "6.00"}
        assert doc["ledger"][0]["verification"]["status"] == "verified"
    else:
        assert doc["totals"] == {}
        (w,) = [w for w in doc["warnings"] if w["credential"] == badge["id"]]
        assert w["code"] == "verification_not_credited"
        assert "verification recipient_mismatch" in w["message"]


def test_no_declared_identifiers_no_binding() -> None:
    badge = dp_badge(1, "DP-LIT-201", "Close reading", "2025-01-10", identifier=[HASHED])
    doc = mccredit.evaluate(educator([badge]), as_of="2026-06-30", registry=dp_registry())
    assert doc["totals"] == {"pdp": "6.00"}


def test_the_1edtech_complete_fixture_binds_by_its_plain_emails() -> None:
    registry: TrustRegistry = load_registry(FIXTURES / "trust-registry.yaml")
    ed = mccredit.to_educator(
        educator([COMPLETE], ("email", "student@1edtech.edu")), registry=registry
    )
    assert [c.verification.status for c in ed.credentials if c.verification] == ["verified"]
    ed = mccredit.to_educator(educator([COMPLETE], ("email", "x@y.org")), registry=registry)
    (c,) = ed.credentials
    assert c.verification is not None and c.verification.status == "recipient_mismatch"
    assert c.verification.reasons[-1].code == "recipient_mismatch"


def test_recipient_reason_reads_subject_ids_and_ob2_recipients() -> None:
    assert (
        recipient_reason({"credentialSubject": {"id": "mailto:a@b.org"}}, [("email", "A@b.org")])
        is None
    )
    assert (
        recipient_reason({"credentialSubject": {"id": "did:key:z6Mk1"}}, [("did", "did:key:z6Mk1")])
        is None
    )
    ob2 = {
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": "x",
            "identity": "md5$" + hashlib.md5(b"a@b.orgx").hexdigest(),
        }
    }
    assert recipient_reason(ob2, [("email", "a@b.org")]) is None
    r = recipient_reason(ob2, [("email", "c@d.org"), ("educator_id", "E-1")])
    assert r is not None and r.code == "recipient_mismatch"
    assert recipient_reason({"credentialSubject": {}}, [("email", "a@b.org")]) is None
