"""Revocation and suspension from pinned status lists (issue 12), offline."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
from typing import Any

import pytest
from badge_support import DP, KEY, VM, dp_badge, multikey_of, sign

from mccredit.verify import registry_from_data, verify_credential

LIST = "https://digitalpromise.org/status/1"
AS_OF = dt.date(2026, 6, 30)


def encoded(set_bits: set[int], size: int = 131072) -> str:
    bits = bytearray(size // 8)
    for i in set_bits:
        bits[i // 8] |= 0x80 >> (i % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).decode().rstrip("=")


def registry(*pins: dict[str, Any], owner: str = DP) -> Any:
    entries = [
        {
            "id": "test-digital-promise",
            "name": "DP (TEST)",
            "test": True,
            "catalog_issuer": "digital-promise",
            "ids": [DP],
            "keys": [{"id": VM, "public_key_multibase": multikey_of(KEY)}],
            "status_lists": list(pins) if owner == DP else [],
        }
    ]
    if owner != DP:
        entries.append({"id": "other", "name": "Other", "ids": [owner], "status_lists": list(pins)})
    return registry_from_data({"issuers": entries})


def bitstring_list(purpose: str, set_bits: set[int]) -> dict[str, Any]:
    return {
        "id": LIST,
        "document": {
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": DP,
            "credentialSubject": {
                "type": "BitstringStatusList",
                "statusPurpose": purpose,
                "encodedList": encoded(set_bits),
            },
        },
    }


def badge(index: int, purpose: str = "revocation") -> dict[str, Any]:
    doc = dp_badge(1, "DP-LIT-201", "Close reading", "2025-01-10")
    doc["credentialStatus"] = {
        "id": f"{LIST}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": LIST,
    }
    return sign(doc)


@pytest.mark.parametrize(
    ("purpose", "index", "expected"),
    [
        ("revocation", 42, "revoked"),
        ("revocation", 41, "verified"),
        ("suspension", 42, "suspended"),
    ],
)
def test_a_pinned_bitstring_list(purpose: str, index: int, expected: str) -> None:
    reg = registry(bitstring_list(purpose, {42}))
    result = verify_credential(badge(index, purpose), reg, AS_OF)
    assert result.verification == expected
    if expected != "verified":
        assert result.reasons[0].field == "credentialStatus"


def test_an_unpinned_or_foreign_list_cannot_be_checked() -> None:
    result = verify_credential(badge(42), registry(), AS_OF)
    assert result.verification == "hosted_unverified"
    assert result.codes == ("status_unavailable",)
    foreign = registry(bitstring_list("revocation", {42}), owner="https://other.example")
    result = verify_credential(badge(42), foreign, AS_OF)
    assert result.codes == ("status_unavailable",)
    assert "pinned for 'other'" in result.reasons[0].message


def test_a_1edtech_revocation_list_by_credential_id() -> None:
    doc = dp_badge(1, "DP-LIT-201", "Close reading", "2025-01-10")
    doc["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    doc["credentialStatus"] = {"id": f"{DP}/revocations", "type": "1EdTechRevocationList"}
    signed = sign(doc)
    pin = {
        "id": f"{DP}/revocations",
        "document": {"revokedCredentials": [{"id": doc["id"], "revocationReason": "fraud"}]},
    }
    result = verify_credential(signed, registry(pin), AS_OF)
    assert result.verification == "revoked"
    assert "fraud" in result.reasons[0].message
    empty = {"id": f"{DP}/revocations", "document": {"revokedCredentials": []}}
    assert verify_credential(signed, registry(empty), AS_OF).verification == "verified"


def test_a_list_that_inflates_too_far_is_refused() -> None:
    bomb = bitstring_list("revocation", set())
    bomb["document"]["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(3 << 20))
    ).decode().rstrip("=")
    result = verify_credential(badge(1), registry(bomb), AS_OF)
    assert result.codes == ("status_unavailable",)
    assert "inflates" in result.reasons[0].message


def test_an_index_outside_the_list_is_malformed() -> None:
    result = verify_credential(badge(10**7), registry(bitstring_list("revocation", set())), AS_OF)
    assert result.verification == "malformed"
