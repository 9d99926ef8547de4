"""Open Badges 3.0 / 2.0 and CLR 2.0 intake: FACTS §5.8 with a real badge document."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import mccredit

OB3: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://digitalpromise.org", "type": ["Profile"], "name": "Digital Promise"},
    "validFrom": "2024-03-02T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://digitalpromise.org/mc/DP-LIT-201",
            "type": ["Achievement"],
            "humanCode": "DP-LIT-201",
            "name": "Close reading of complex text",
            "achievementType": "MicroCredential",
            "criteria": {"narrative": "Submit evidence of practice"},
        },
    },
}


def educator(badges: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": "OB-1",
        "jurisdiction": "us-tn",
        "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
        "badges": badges,
        **extra,
    }


@pytest.mark.parametrize(
    ("jurisdiction", "unit", "amount"),
    [("us-tn", "pdp", "6.00"), ("us-nc", "ceu", "1.5"), ("us-md", "pdp", "15.00")],
)
def test_facts_5_8_one_badge_three_jurisdictions(jurisdiction: str, unit: str, amount: str) -> None:
    doc = mccredit.evaluate(educator([OB3]), jurisdiction=jurisdiction, as_of="2025-01-01")
    assert doc["totals"] == {unit: amount}
    [entry] = doc["ledger"]
    assert entry["credential"] == OB3["id"]
    assert entry["date"] == "2024-03-02"


def test_clr_bundles_several_badges() -> None:
    second = copy.deepcopy(OB3)
    second["id"] = "urn:uuid:second"
    second["credentialSubject"]["achievement"]["humanCode"] = "DP-LIT-202"
    clr = {
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": "https://transcripts.example", "name": "Transcript service"},
        "validFrom": "2024-04-01",
        "credentialSubject": {"verifiableCredential": [OB3, second]},
    }
    doc = mccredit.evaluate(educator([clr]), as_of="2025-01-01")
    assert doc["totals"] == {"pdp": "12.00"}


def test_open_badges_2_assertion() -> None:
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://bloomboard.com/assertions/1",
        "issuedOn": "2024-05-01T10:00:00Z",
        "badge": {
            "type": "BadgeClass",
            "id": "BB-SPED-110",
            "name": "Differentiating",
            "issuer": {"id": "https://bloomboard.com", "name": "BloomBoard"},
        },
    }
    doc = mccredit.evaluate(educator([assertion]), as_of="2025-01-01")
    assert doc["totals"] == {"pdp": "6.00"}


def test_badge_from_an_unknown_issuer_is_a_warning_not_credit() -> None:
    junk = copy.deepcopy(OB3)
    junk["issuer"] = {"id": "https://badgemill.example", "name": "Badge Mill"}
    doc = mccredit.evaluate(educator([junk]), as_of="2025-01-01")
    assert doc["totals"] == {}
    assert [w["code"] for w in doc["warnings"]] == ["issuer_not_accepted"]
    assert "badge-mill" in doc["warnings"][0]["message"]


def test_unreadable_badge_names_the_field() -> None:
    bad = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "validFrom": "2024-01-01"}
    with pytest.raises(mccredit.InputError) as info:
        mccredit.evaluate(educator([OB3, bad, {"type": "Nope"}]), as_of="2025-01-01")
    locs = [p.loc for p in info.value.problems]
    assert ("badges", 1, "credentialSubject") in locs
    assert ("badges", 2, "type") in locs
