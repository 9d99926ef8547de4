"""Revocation and suspension from pinned status lists (issue 12), offline.

A credential's `credentialStatus` (one entry or a list) is checked against the status lists
the trust registry pins (`status_lists` of an issuer entry); nothing is fetched.
- `BitstringStatusListEntry` (W3C Bitstring Status List v1.0) and `StatusList2021Entry`:
  `statusListCredential` names the list, `statusListIndex` the bit, `statusPurpose`
  `revocation` or `suspension`. The list's `credentialSubject.encodedList` is the GZIP of the
  bitstring, base64url (multibase `u` prefix in Bitstring Status List, none in 2021); bit 0
  is the most significant bit of the first byte. A set bit: `revoked` / `suspended`.
- `1EdTechRevocationList` (Open Badges 3.0): the entry's `id` names the list, a JSON document
  whose `revokedCredentials` lists revoked credentials by `id`.
A list the registry does not pin, or pins under another issuer, cannot be checked:
`status_unavailable` (the credential then needs a hosted resource to verify: its result is
`hosted_unverified`). An unknown status type is `status_unavailable` too. The decompressed
bitstring is limited to `MAX_LIST_BYTES`.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

from .registry import IssuerEntry, TrustRegistry

__all__ = ["MAX_LIST_BYTES", "check_status"]

MAX_LIST_BYTES = 1 << 21  # 16.7 million entries; the spec's minimum list is 16 KB
_BITSTRING = ("BitstringStatusListEntry", "StatusList2021Entry")


def _bits(encoded: str) -> bytes:
    text = encoded[1:] if encoded.startswith("u") else encoded
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = base64.b64decode(text + "=" * (-len(text) % 4))
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)  # GZIP
    out = d.decompress(raw, MAX_LIST_BYTES + 1)
    if len(out) > MAX_LIST_BYTES or d.unconsumed_tail:
        raise ValueError(f"the status list inflates to over {MAX_LIST_BYTES} bytes")
    return out


def _subject(doc: dict[str, Any]) -> dict[str, Any]:
    s = doc.get("credentialSubject")
    return s if isinstance(s, dict) else {}


def check_status(
    doc: dict[str, Any], registry: TrustRegistry, issuer: IssuerEntry | None
) -> list[tuple[str, str, str]]:
    """(code, message, field) for each status entry that is set or cannot be checked."""
    raw = doc.get("credentialStatus")
    if raw is None:
        return []
    entries = raw if isinstance(raw, list) else [raw]
    out: list[tuple[str, str, str]] = []
    for i, st in enumerate(entries):
        field = f"credentialStatus[{i}]" if isinstance(raw, list) else "credentialStatus"
        if not isinstance(st, dict):
            out.append(("malformed", "a credentialStatus entry must be an object", field))
            continue
        kind = st.get("type")
        if kind in _BITSTRING:
            out.extend(_bitstring(st, registry, issuer, field))
        elif kind == "1EdTechRevocationList":
            out.extend(_revocation_list(doc, st, registry, issuer, field))
        else:
            out.append(
                ("status_unavailable", f"status type {kind!r} cannot be checked offline", field)
            )
    return out


def _pinned(
    url: Any, registry: TrustRegistry, issuer: IssuerEntry | None, field: str
) -> tuple[dict[str, Any] | None, list[tuple[str, str, str]]]:
    found = registry.status_list(url) if isinstance(url, str) else None
    if found is None:
        return None, [
            ("status_unavailable", f"status list {url!r} is not pinned in the registry", field)
        ]
    owner, listed = found
    if issuer is None or owner.id != issuer.id:
        return None, [
            (
                "status_unavailable",
                f"status list {url!r} is pinned for {owner.id!r}, not for this credential's issuer",
                field,
            )
        ]
    return listed, []


def _bitstring(
    st: dict[str, Any], registry: TrustRegistry, issuer: IssuerEntry | None, field: str
) -> list[tuple[str, str, str]]:
    purpose = st.get("statusPurpose")
    if purpose not in ("revocation", "suspension"):
        return [("status_unavailable", f"statusPurpose {purpose!r} is not checked", field)]
    try:
        index = int(st.get("statusListIndex"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return [("malformed", "statusListIndex is not an integer", f"{field}.statusListIndex")]
    listed, why = _pinned(st.get("statusListCredential"), registry, issuer, field)
    if listed is None:
        return why
    subject = _subject(listed)
    if subject.get("statusPurpose", purpose) != purpose:
        return [("status_unavailable", "the pinned list has another statusPurpose", field)]
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        return [("status_unavailable", "the pinned list has no encodedList", field)]
    try:
        bits = _bits(encoded)
    except (ValueError, zlib.error, binascii.Error) as e:
        return [("status_unavailable", f"the pinned list cannot be decoded: {e}", field)]
    if index < 0 or index >= len(bits) * 8:
        return [("malformed", f"statusListIndex {index} is outside the list", field)]
    if bits[index // 8] >> (7 - index % 8) & 1:
        code = "revoked" if purpose == "revocation" else "suspended"
        return [(code, f"the issuer's status list marks index {index} as {code}", field)]
    return []


def _revocation_list(
    doc: dict[str, Any],
    st: dict[str, Any],
    registry: TrustRegistry,
    issuer: IssuerEntry | None,
    field: str,
) -> list[tuple[str, str, str]]:
    listed, why = _pinned(st.get("id"), registry, issuer, field)
    if listed is None:
        return why
    revoked = listed.get("revokedCredentials")
    if not isinstance(revoked, list):
        return [("status_unavailable", "the pinned list has no revokedCredentials", field)]
    cid = doc.get("id")
    for item in revoked:
        rid = item.get("id") if isinstance(item, dict) else item
        if cid is not None and rid == cid:
            reason = item.get("revocationReason") if isinstance(item, dict) else None
            return [
                (
                    "revoked",
                    "the issuer's revocation list names it" + (f": {reason}" if reason else ""),
                    field,
                )
            ]
    return []
