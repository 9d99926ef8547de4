"""VC-JWT (JWS compact serialization) with RS256, ES256 or EdDSA, on `cryptography`.

Written directly on `cryptography` rather than a JOSE library because the policy is ours, not
the token's: the algorithm must be one of three, `alg: none` and every other value are refused,
and the key always comes from the trust registry: a header `kid` must name a registry key, a
header `jwk` must equal a key the registry holds for the issuer, and with neither the issuer's
registry keys are tried. A key carried only by the token is never trusted.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ..errors import CredentialCheckError
from .registry import IssuerEntry, RegistryKey, TrustRegistry

__all__ = ["ALGORITHMS", "Jwt", "parse_jwt", "verify_jwt"]

ALGORITHMS = ("RS256", "ES256", "EdDSA")
_KTY = {"RS256": "RSA", "ES256": "EC", "EdDSA": "OKP"}


def _b64(part: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise CredentialCheckError("malformed", f"JWT {what} is not base64url") from None


@dataclass(frozen=True)
class Jwt:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def parse_jwt(token: str) -> Jwt:
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise CredentialCheckError("malformed", "a JWT has three dot-separated parts")
    try:
        header = json.loads(_b64(parts[0], "header"))
        payload = json.loads(_b64(parts[1], "payload"))
    except (ValueError, UnicodeDecodeError):
        raise CredentialCheckError("malformed", "JWT header or payload is not JSON") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise CredentialCheckError("malformed", "JWT header and payload must be JSON objects")
    return Jwt(header, payload, f"{parts[0]}.{parts[1]}".encode(), _b64(parts[2], "signature"))


def _int(v: str) -> int:
    return int.from_bytes(_b64(v, "key"), "big")


def _public_key(jwk: dict[str, str]) -> Any:
    kty = jwk.get("kty")
    try:
        if kty == "RSA":
            return rsa.RSAPublicNumbers(_int(jwk["e"]), _int(jwk["n"])).public_key()
        if kty == "EC" and jwk.get("crv") == "P-256":
            return ec.EllipticCurvePublicNumbers(
                _int(jwk["x"]), _int(jwk["y"]), ec.SECP256R1()
            ).public_key()
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            return Ed25519PublicKey.from_public_bytes(_b64(jwk["x"], "key"))
    except (KeyError, ValueError):
        pass
    raise CredentialCheckError("bad_verification_method", f"unusable JWK (kty {kty!r})")


def _same_jwk(a: dict[str, Any], b: dict[str, str]) -> bool:
    fields = {"RSA": ("n", "e"), "EC": ("crv", "x", "y"), "OKP": ("crv", "x")}.get(b["kty"], ())
    return a.get("kty") == b["kty"] and all(a.get(f) == b.get(f) for f in fields)


def _check(alg: str, key: Any, token: Jwt) -> bool:
    try:
        if alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(token.signature, token.signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
            if len(token.signature) != 64:
                return False
            der = encode_dss_signature(
                int.from_bytes(token.signature[:32], "big"),
                int.from_bytes(token.signature[32:], "big"),
            )
            key.verify(der, token.signing_input, ec.ECDSA(hashes.SHA256()))
        elif alg == "EdDSA" and isinstance(key, Ed25519PublicKey):
            key.verify(token.signature, token.signing_input)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_jwt(
    token: Jwt, registry: TrustRegistry, issuer_id: str | None
) -> tuple[IssuerEntry, RegistryKey]:
    """The registry entry and key that signed `token`; raises `CredentialCheckError`."""
    alg = token.header.get("alg")
    if alg not in ALGORITHMS:
        raise CredentialCheckError(
            "unsupported_algorithm",
            f"JWT alg {alg!r} is refused (allowed: {', '.join(ALGORITHMS)})",
        )
    entry = registry.issuer(issuer_id) if issuer_id else None
    candidates: list[tuple[IssuerEntry, RegistryKey]]
    kid, jwk = token.header.get("kid"), token.header.get("jwk")
    if isinstance(kid, str):
        found = registry.key(kid)
        if found is None:
            raise CredentialCheckError("untrusted_key", f"JWT kid {kid!r} is not in the registry")
        candidates = [found]
    elif jwk is not None:
        if entry is None:
            raise CredentialCheckError(
                "untrusted_issuer", f"issuer {issuer_id!r} is not in the trust registry"
            )
        held = [k for k in entry.keys if k.jwk is not None]
        if not isinstance(jwk, dict) or not any(_same_jwk(jwk, k.jwk) for k in held if k.jwk):
            raise CredentialCheckError(
                "untrusted_key", "the JWT header jwk is not a key the registry holds for its issuer"
            )
        candidates = [(entry, k) for k in held if k.jwk and _same_jwk(jwk, k.jwk)]
    else:
        if entry is None:
            raise CredentialCheckError(
                "untrusted_issuer", f"issuer {issuer_id!r} is not in the trust registry"
            )
        candidates = [(entry, k) for k in entry.keys if k.jwk is not None]
        if not candidates:
            raise CredentialCheckError(
                "key_unavailable",
                "the JWT names no key and the registry pins none for its issuer",
            )
    for owner, key in candidates:
        if key.jwk is None or key.jwk.get("kty") != _KTY[alg]:
            continue
        if _check(alg, _public_key(key.jwk), token):
            return owner, key
    raise CredentialCheckError("invalid_signature", "the JWT signature does not verify")
