"""Multibase base58btc (`z…`) and Multikey Ed25519 public keys (`z6Mk…`, did:key)."""

from __future__ import annotations

from ..errors import CredentialCheckError

__all__ = ["b58decode", "b58encode", "ed25519_multikey", "multibase_decode"]

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub, varint 0xed


def b58decode(text: str) -> bytes:
    """Bitcoin base58 to bytes; leading `1`s are leading zero bytes."""
    n = 0
    for c in text:
        if c not in _INDEX:
            raise ValueError(f"{c!r} is not a base58btc character")
        n = n * 58 + _INDEX[c]
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + body


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _ALPHABET[r] + out
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + out


def multibase_decode(value: str, *, what: str) -> bytes:
    """A `z`-prefixed (base58btc) multibase string; anything else is `malformed_proof`."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise CredentialCheckError("malformed_proof", f"{what} is not multibase base58btc (z…)")
    try:
        return b58decode(value[1:])
    except ValueError as e:
        raise CredentialCheckError("malformed_proof", f"{what}: {e}") from None


def ed25519_multikey(value: str) -> bytes:
    """The 32 raw key bytes of a Multikey `z6Mk…` Ed25519 public key."""
    try:
        if not value.startswith("z"):
            raise ValueError("not multibase base58btc")
        raw = b58decode(value[1:])
    except ValueError as e:
        raise CredentialCheckError("bad_verification_method", f"key {value!r}: {e}") from None
    if not raw.startswith(_ED25519_PUB) or len(raw) != 34:
        raise CredentialCheckError(
            "bad_verification_method", f"key {value!r} is not a Multikey Ed25519 public key"
        )
    return raw[2:]
