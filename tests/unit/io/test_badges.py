"""Open Badges 3.0 / 2.0 and CLR 2.0 intake: FACTS §5.8 with a real badge document."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any

import pytest
from badge_support import DP_VERIFIED, OTHER_KEY, sign

import mccredit
from mccredit.evaluation import evaluate_plan, plan_for
from mccredit.evaluation._pipeline import compile_evaluation_plan
from mccredit.verify import TrustRegistry

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
def test_facts_5_8_one_signed_badge_three_jurisdictions(
    jurisdiction: str, unit: str, amount: str, registry: TrustRegistry
) -> None:
    doc = mccredit.evaluate(
        educator([sign(OB3)]), jurisdiction=jurisdiction, as_of="2025-01-01", registry=registry
    )
    assert doc["totals"] == {unit: amount}
    [entry] = doc["ledger"]
    assert entry["credential"] == OB3["id"]
    assert entry["date"] == "2024-03-02"
    assert entry["verification"] == DP_VERIFIED
    assert [w for w in doc["warnings"] if w["credential"] == OB3["id"]] == []


def test_an_unsigned_badge_is_reported_not_credited(registry: TrustRegistry) -> None:
    doc = mccredit.evaluate(educator([OB3]), as_of="2025-01-01", registry=registry)
    assert doc["totals"] == {}
    [w] = doc["warnings"]
    assert w["code"] == "verification_not_credited"
    assert "verification unsigned" in w["message"] and "no_proof" in w["message"]


def test_the_bundled_registry_trusts_no_test_key() -> None:
    """rules/issuers/ pins no real issuer's keys yet: a badge signed by the TEST key is
    authentic but its issuer is untrusted, and earns nothing."""
    doc = mccredit.evaluate(educator([sign(OB3)]), as_of="2025-01-01")
    assert doc["totals"] == {}
    [w] = doc["warnings"]
    assert "verification untrusted_issuer" in w["message"]


def test_a_tampered_signed_badge_is_refused(registry: TrustRegistry) -> None:
    forged = sign(OB3)
    forged["credentialSubject"]["achievement"]["humanCode"] = "DP-LIT-202"
    doc = mccredit.evaluate(educator([forged]), as_of="2025-01-01", registry=registry)
    assert doc["totals"] == {}
    assert "verification invalid_signature" in doc["warnings"][0]["message"]


def test_a_badge_signed_by_another_key_is_refused(registry: TrustRegistry) -> None:
    doc = mccredit.evaluate(educator([sign(OB3, OTHER_KEY)]), as_of="2025-01-01", registry=registry)
    assert doc["totals"] == {}
    assert "untrusted_key" in doc["warnings"][0]["message"]


def test_signed_clr_bundles_several_signed_badges(registry: TrustRegistry) -> None:
    second = copy.deepcopy(OB3)
    second["id"] = "urn:uuid:second"
    second["credentialSubject"]["achievement"]["humanCode"] = "DP-LIT-202"
    clr = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:clr-1",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": "https://digitalpromise.org", "type": ["Profile"], "name": "DP"},
        "validFrom": "2024-04-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "verifiableCredential": [sign(OB3), sign(second)],
        },
    }
    doc = mccredit.evaluate(educator([sign(clr)]), as_of="2025-01-01", registry=registry)
    assert doc["totals"] == {"pdp": "12.00"}
    assert {e["verification"]["status"] for e in doc["ledger"]} == {"verified"}
    # a bundle whose own signature fails makes every entry inside it fail
    broken = sign(clr)
    broken["name"] = "Edited transcript"
    doc = mccredit.evaluate(educator([broken]), as_of="2025-01-01", registry=registry)
    assert doc["totals"] == {}
    assert [w["code"] for w in doc["warnings"]] == ["verification_not_credited"] * 2
    assert all("the CLR bundle" in w["message"] for w in doc["warnings"])


def test_open_badges_2_assertion_is_hosted_unverified(registry: TrustRegistry) -> None:
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
    doc = mccredit.evaluate(educator([assertion]), as_of="2025-01-01", registry=registry)
    assert doc["totals"] == {}
    assert "verification hosted_unverified" in doc["warnings"][0]["message"]
    # a jurisdiction whose policy credits hosted OB 2.0 links: credited, with a warning
    rules = mccredit.default_rules()
    tn = dataclasses.replace(
        rules.get("us-tn"), credited_verification=frozenset({"verified", "hosted_unverified"})
    )
    ed = mccredit.to_educator(educator([assertion]), rules=rules, registry=registry)
    doc = evaluate_plan(compile_evaluation_plan(tn, dt.date(2025, 1, 1)), ed).to_dict()
    assert doc["totals"] == {"pdp": "6.00"}
    assert doc["ledger"][0]["verification"]["status"] == "hosted_unverified"
    assert [w["code"] for w in doc["warnings"]] == ["unverified_credited"]


def test_a_declared_verification_is_refused() -> None:
    ed = educator([])
    ed["credentials"] = [
        {
            "id": "x",
            "kind": "micro_credential",
            "earned": "2024-01-01",
            "verification": {"status": "verified"},
        }
    ]
    with pytest.raises(mccredit.InputError) as info:
        mccredit.evaluate(ed, as_of="2025-01-01")
    assert [p.field for p in info.value.problems] == ["credentials[0].verification"]


def test_rules_can_match_on_verification(registry: TrustRegistry) -> None:
    from mccredit.engine import Facts
    from mccredit.rules._matchers import parse_matcher

    rules = mccredit.default_rules()
    plan = plan_for(rules, "us-tn", dt.date(2025, 1, 1))
    m = parse_matcher({"verification": "verified"}, "credential")
    ed = mccredit.to_educator(
        educator([sign(OB3), OB3 | {"id": "urn:uuid:unsigned"}]), rules=rules, registry=registry
    )
    got = {c.id: m.test(Facts(c, plan).get) for c in ed.credentials}
    assert got == {OB3["id"]: True, "urn:uuid:unsigned": False}
    with pytest.raises(ValueError, match="verifed"):
        parse_matcher({"verification": "verifed"}, "credential")


def test_unreadable_badge_names_the_field() -> None:
    bad = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "validFrom": "2024-01-01"}
    with pytest.raises(mccredit.InputError) as info:
        mccredit.evaluate(educator([OB3, bad, {"type": "Nope"}]), as_of="2025-01-01")
    locs = [p.loc for p in info.value.problems]
    assert ("badges", 1, "credentialSubject") in locs
    assert ("badges", 2, "type") in locs


def test_a_clr_with_thousands_of_entries_is_refused_whole(registry: TrustRegistry) -> None:
    from mccredit.io.badge_files import read_badge
    from mccredit.io.badges import MAX_CLR_ENTRIES, intake_badges, verify_badge

    entry = sign(OB3)
    clr = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:clr-big",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": "https://digitalpromise.org", "type": ["Profile"], "name": "DP"},
        "validFrom": "2024-04-01T00:00:00Z",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "verifiableCredential": [entry] * (MAX_CLR_ENTRIES + 1),
        },
    }
    import json

    f = read_badge(json.dumps(clr).encode(), source="big.json")
    (intake,) = intake_badges([f], registry=registry, as_of=dt.date(2025, 1, 1))
    assert intake.credentials == ()
    assert [p.type for p in intake.problems] == ["badge.too_many_entries"]
    assert intake.problems[0].got == str(MAX_CLR_ENTRIES + 1)
    [(cid, _, record)] = verify_badge(f, registry=registry, as_of=dt.date(2025, 1, 1))
    assert cid == "urn:uuid:clr-big"
    assert record.status == "malformed" and "too_many_entries" in [r.code for r in record.reasons]


def test_a_stored_badge_expires_on_a_later_evaluation(registry: TrustRegistry) -> None:
    """Verified on the day it was taken in, a badge with a validUntil is refused by an
    evaluation after that date (the stored record keeps the end, not only the verdict)."""
    doc = copy.deepcopy(OB3)
    doc["validUntil"] = "2025-06-30T00:00:00Z"
    ed = mccredit.to_educator(educator([sign(doc)]), registry=registry, as_of=dt.date(2025, 1, 1))
    (cred,) = ed.credentials
    assert cred.verification is not None and cred.verification.status == "verified"
    stored = mccredit.to_educator(ed.model_dump(mode="json"), stored=True)
    before = mccredit.evaluate(stored, as_of="2025-06-29")
    assert before["totals"] == {"pdp": "6.00"}
    after = mccredit.evaluate(stored, as_of="2025-07-01")
    assert after["totals"] == {}
    (w,) = after["warnings"]
    assert w["code"] == "verification_not_credited" and "verification expired" in w["message"]
