"""A TEST issuer for badge intake: a fixed Ed25519 key standing in for Digital Promise.

The key is derived from a fixed seed (reproducible signatures); the registry entry is marked
`test: true` and lives only here, never in rules/issuers/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mccredit.verify import TrustRegistry, multikey_of, registry_from_data, sign_credential

DP = "https://digitalpromise.org"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
VM = f"{DP}#{multikey_of(KEY)}"


def test_registry() -> TrustRegistry:
    return registry_from_data(
        {
            "issuers": [
                {
                    "id": "test-digital-promise",
                    "name": "Digital Promise (TEST key)",
                    "test": True,
                    "catalog_issuer": "digital-promise",
                    "ids": [DP],
                    "keys": [{"id": VM, "public_key_multibase": multikey_of(KEY)}],
                }
            ]
        }
    )


def sign(
    doc: dict[str, Any], key: Ed25519PrivateKey = KEY, vm: str | None = None
) -> dict[str, Any]:
    """`doc` signed by the TEST Digital Promise key (or `key`, whose own Multikey names it)."""
    issuer = doc["issuer"]["id"] if isinstance(doc.get("issuer"), dict) else doc.get("issuer")
    return sign_credential(doc, key, vm or (VM if key is KEY else f"{issuer}#{multikey_of(key)}"))


@pytest.fixture(scope="session")
def registry() -> TrustRegistry:
    return test_registry()


@pytest.fixture(scope="session")
def signer() -> Callable[..., dict[str, Any]]:
    return sign
