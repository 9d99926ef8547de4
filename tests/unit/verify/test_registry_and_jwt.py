"""The trust registry file format (located errors) and VC-JWT verification policy."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mccredit.errors import RuleError
from mccredit.verify import TrustRegistry, load_registry, registry_from_data, verify_credential

from .conftest import AS_OF, CRED, ONE


def test_fixture_registry_entries_are_all_labelled_test(registry: TrustRegistry) -> None:
    assert registry.entries
    assert all(e.test and e.id.startswith("test-") for e in registry.entries)
    assert all(e.jurisdictions for e in registry.entries)


def test_bundled_registry_folder_loads_empty() -> None:
    root = Path(__file__).resolve().parents[3]
    assert load_registry(root / "rules" / "issuers").entries == ()


def test_registry_errors_are_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "issuers:\n"
        "  - id: a\n"
        "    name: A\n"
        "    ids: [https://a.example]\n"
        "    keys:\n"
        "      - id: k1\n"
        "        public_key_multibase: zNotAKey\n"
        "  - id: b\n"
        "    name: B\n"
        "    colour: blue\n"
        "    ids: []\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as e:
        load_registry(bad)
    got = {(p.field, p.line) for p in e.value.problems}
    assert ("issuers[0].keys[0]", 6) in got
    assert ("issuers[1].colour", 10) in got
    assert ("issuers[1].ids", 11) in got
    assert all(p.path and p.path.endswith("bad.yaml") for p in e.value.problems)


def test_duplicate_issuer_ids_across_files(tmp_path: Path) -> None:
    for name in ("one.yaml", "two.yaml"):
        (tmp_path / name).write_text(
            f"issuers:\n  - id: {name[:3]}\n    name: X\n    ids: [https://same.example]\n",
            encoding="utf-8",
        )
    with pytest.raises(RuleError) as e:
        load_registry(tmp_path)
    assert [p.type for p in e.value.problems] == ["registry.duplicate_issuer_id"]


# --- VC-JWT -----------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int(n: int) -> str:
    return _b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_PUB = _KEY.public_key().public_numbers()
_JWK = {"kty": "RSA", "e": _int(_PUB.e), "n": _int(_PUB.n)}


def _payload() -> dict:
    token = (ONE / "ob30" / "simple.jwt").read_text().strip()
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _sign(header: dict, payload: dict, key: rsa.RSAPrivateKey = _KEY) -> str:
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    sig = key.sign(head.encode(), padding.PKCS1v15(), hashes.SHA256())
    return head + "." + _b64(sig)


def _registry() -> TrustRegistry:
    return registry_from_data(
        {
            "issuers": [
                {
                    "id": "test-jwt-issuer",
                    "name": "Example University (generated TEST key)",
                    "test": True,
                    "ids": ["https://example.edu/issuers/565049"],
                    "keys": [{"id": "https://example.edu/issuers/565049#test-rsa", "jwk": _JWK}],
                }
            ]
        }
    )


def test_rs256_jwt_with_a_registry_key_verifies() -> None:
    token = _sign({"alg": "RS256", "typ": "JWT"}, _payload())
    result = verify_credential(token, _registry(), AS_OF)
    assert result.status == "verified", result.reasons
    assert result.format == "vc-jwt"
    assert "proof:jwt:RS256" in result.checks


def test_kid_and_jwk_headers_must_name_registry_keys() -> None:
    good = _sign({"alg": "RS256", "kid": "https://example.edu/issuers/565049#test-rsa"}, _payload())
    assert verify_credential(good, _registry(), AS_OF).status == "verified"
    unknown = _sign({"alg": "RS256", "kid": "https://evil.example/key"}, _payload())
    assert verify_credential(unknown, _registry(), AS_OF).codes == ("untrusted_key",)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = other.public_key().public_numbers()
    own = {"kty": "RSA", "e": _int(pub.e), "n": _int(pub.n)}
    forged = _sign({"alg": "RS256", "jwk": own}, _payload(), other)
    assert verify_credential(forged, _registry(), AS_OF).codes == ("untrusted_key",)


def test_alg_none_is_refused() -> None:
    head = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    token = head + "." + _b64(json.dumps(_payload()).encode()) + "."
    result = verify_credential(token, _registry(), AS_OF)
    assert result.status == "rejected"
    assert result.codes == ("unsupported_algorithm",)


def test_tampered_jwt_payload_fails() -> None:
    payload = _payload()
    token = _sign({"alg": "RS256"}, payload)
    payload["vc"]["name"] = "Forged Degree"
    head, _, sig = token.split(".")
    forged = head + "." + _b64(json.dumps(payload).encode()) + "." + sig
    assert verify_credential(forged, _registry(), AS_OF).codes == ("invalid_signature",)


def test_fixture_jwt_without_a_pinned_key_is_unverified() -> None:
    """ob30/simple.jwt names no key and 1EdTech publishes none for it: not verifiable offline."""
    empty = registry_from_data(
        {"issuers": [{"id": "x", "name": "X", "ids": ["https://example.edu/issuers/565049"]}]}
    )
    result = verify_credential((ONE / "ob30" / "simple.jwt").read_text(), empty, AS_OF)
    assert result.status == "unverified"
    assert result.codes == ("key_unavailable",)


def test_fixture_jwt_with_a_different_pinned_key_fails(registry: TrustRegistry) -> None:
    result = verify_credential((ONE / "ob30" / "simple.jwt").read_text(), registry, AS_OF)
    assert result.codes == ("invalid_signature",)


def test_garbage_is_malformed_not_a_crash(registry: TrustRegistry) -> None:
    for junk in ("", "{", "[1]", "eyJ.eyJ.x", "null", "x" * 10, b"\xff\xfe"):
        result = verify_credential(junk, registry, AS_OF)
        assert result.status == "rejected"
        assert result.codes[0] == "malformed"


def test_oversized_document_is_refused(registry: TrustRegistry) -> None:
    result = verify_credential(" " * 1_000_001, registry, AS_OF)
    assert result.codes == ("too_large",)


def test_unknown_context_is_refused_not_fetched(registry: TrustRegistry) -> None:
    doc = json.loads((ONE / "ob30" / "simple.json").read_text())
    doc["@context"].append("https://evil.example/context.json")
    result = verify_credential(doc, registry, AS_OF)
    assert result.codes[0] == "unknown_context"
    assert CRED.is_dir()
