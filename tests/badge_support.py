"""Shared badge test helpers (a uniquely named module, importable from any test folder): a TEST
issuer standing in for Digital Promise, signing, baking PNG/SVG badges.

The key is derived from a fixed seed (reproducible signatures); the registry entry is marked
`test: true` and lives only in tests, never in rules/issuers/.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mccredit.verify import TrustRegistry, multikey_of, registry_from_data, sign_credential

DP = "https://digitalpromise.org"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
VM = f"{DP}#{multikey_of(KEY)}"


#: the verification record a credential keeps of a badge `sign` signed, checked against
#: `dp_registry()`
DP_VERIFIED: dict[str, Any] = {
    "status": "verified",
    "reason": None,
    "reasons": [],
    "method": "eddsa-rdfc-2022",
    "issuer": DP,
    "registry_entry": "test-digital-promise",
}


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


DP_BADGE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": DP, "type": ["Profile"], "name": "Digital Promise"},
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "criteria": {"narrative": "Submit evidence of practice"},
        },
    },
}


def dp_badge(n: int, code: str, name: str, day: str, **subject: Any) -> dict[str, Any]:
    """A Digital-Promise-shaped micro-credential with catalog code `code`, signed."""
    import copy

    doc = copy.deepcopy(DP_BADGE)
    doc["id"] = f"urn:uuid:6a1f0000-0000-4000-8000-{n:012d}"
    doc["validFrom"] = f"{day}T00:00:00Z"
    doc["credentialSubject"].update(subject)
    ach = doc["credentialSubject"]["achievement"]
    ach.update({"id": f"{DP}/mc/{code}", "humanCode": code, "name": name})
    return sign(doc)


def write_dp_registry(path: Any) -> Any:
    """The TEST Digital Promise registry as a YAML file (for `--trust`)."""
    import yaml

    entry = {
        "id": "test-digital-promise",
        "name": "Digital Promise (TEST key)",
        "test": True,
        "catalog_issuer": "digital-promise",
        "ids": [DP],
        "keys": [{"id": VM, "public_key_multibase": multikey_of(KEY)}],
    }
    path.write_text(yaml.safe_dump({"issuers": [entry]}, sort_keys=False))
    return path
