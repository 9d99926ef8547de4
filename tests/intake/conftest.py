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


def dp_registry() -> TrustRegistry:
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
    return dp_registry()


@pytest.fixture(scope="session")
def signer() -> Callable[..., dict[str, Any]]:
    return sign


def bake_png(image: bytes, credential: str, *, compress: bool = False) -> bytes:
    """`image` (a PNG) with an OB 3.0 `iTXt openbadgecredential` chunk after its header."""
    import struct
    import zlib

    text = credential.encode()
    body = b"openbadgecredential\0" + (b"\1\0" if compress else b"\0\0") + b"\0\0"
    body += zlib.compress(text) if compress else text
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    head = 8 + 8 + 13 + 4  # signature, IHDR length+type, IHDR data, IHDR CRC
    return image[:head] + chunk + image[head:]


def bake_svg(credential: str) -> bytes:
    """A small SVG with an OB 3.0 `<openbadges:credential>` holding `credential`."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 10 10">\n'
        f"  <openbadges:credential><![CDATA[{credential}]]></openbadges:credential>\n"
        '  <circle cx="5" cy="5" r="4"/>\n</svg>\n'
    ).encode()
