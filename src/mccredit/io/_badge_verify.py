"""Verifying badge documents for intake: the `VerificationRecord` a credential keeps, the
recipient binding (`recipient_reason`), a CLR entry's record with its bundle's failures, and
the `Verifier` that checks each document against a trust registry (see `mccredit.io.badges`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from ..verify import TrustRegistry, VerificationResult, verify_credential
from ..verify._result import verification_of
from ._badge_mapping import payload_of
from .educator import VerificationReason, VerificationRecord

__all__ = ["Verifier", "add_reasons", "recipient_reason", "verification_record", "with_bundle"]


def verification_record(result: VerificationResult, checked: dt.date | None) -> VerificationRecord:
    """The record a credential keeps of its verification result."""
    return VerificationRecord(
        status=result.verification,
        reason=result.reason,
        reasons=[
            VerificationReason(code=r.code, message=r.message, field=r.field)
            for r in result.reasons
        ],
        method=result.method,
        issuer=result.issuer_id,
        registry_entry=result.registry_entry,
        checked=checked,
    )


def add_reasons(record: VerificationRecord, extra: list[VerificationReason]) -> VerificationRecord:
    reasons = [*record.reasons, *extra]
    codes = [r.code for r in reasons]
    return record.model_copy(
        update={
            "status": verification_of(codes),
            "reason": codes[0],
            "reasons": reasons,
            "registry_entry": None,
        }
    )


_IDENTITY_TYPES = {
    "email": "email",
    "emailaddress": "email",
    "mailto": "email",
    "license_number": "license_number",
    "licensenumber": "license_number",
    "educator_id": "educator_id",
    "sourcedid": "sourced_id",
    "sourced_id": "sourced_id",
    "studentid": "sourced_id",
    "did": "did",
    "url": "url",
}


def _hash_matches(claimed: str, value: str, salt: str) -> bool:
    algo, _, digest = claimed.partition("$")
    if algo.lower() not in ("sha256", "md5") or not digest:
        return False
    h = hashlib.new(algo.lower(), (value + salt).encode()).hexdigest()
    return hmac.compare_digest(h.encode(), digest.lower().encode())


def _claims(doc: dict[str, Any]) -> list[tuple[str | None, str, bool, str]]:
    """The recipient identities a badge claims: (type, identity or hash, hashed, salt)."""
    out: list[tuple[str | None, str, bool, str]] = []
    subject = doc.get("credentialSubject")
    if isinstance(subject, dict):
        sid = subject.get("id")
        if isinstance(sid, str) and sid:
            if sid.startswith("mailto:"):
                out.append(("email", sid[7:], False, ""))
            else:
                out.append((None, sid, False, ""))
        ids = subject.get("identifier")
        for item in ids if isinstance(ids, list) else [ids] if isinstance(ids, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("identityHash"), str):
                out.append(
                    (
                        str(item.get("identityType") or ""),
                        item["identityHash"],
                        bool(item.get("hashed")),
                        str(item.get("salt") or ""),
                    )
                )
    recipient = doc.get("recipient")  # Open Badges 2.0 IdentityObject
    if isinstance(recipient, dict) and isinstance(recipient.get("identity"), str):
        out.append(
            (
                str(recipient.get("type") or ""),
                recipient["identity"],
                bool(recipient.get("hashed")),
                str(recipient.get("salt") or ""),
            )
        )
    return out


def recipient_reason(
    doc: dict[str, Any], identities: list[tuple[str, str]]
) -> VerificationReason | None:
    """`recipient_mismatch` when the badge names a recipient (OB 3.0 `credentialSubject.id` /
    `identifier[]`, OB 2.0 `recipient`) and none of the educator's identities is it: a plain
    identity compares equal (emails case-insensitively), a hashed one (`sha256$…`, `md5$…`,
    salted) compares by hashing each identity of the same type. A badge naming no recipient
    is not refused here (there is nothing to bind)."""
    claims = _claims(doc)
    if not claims:
        return None
    for ctype, claimed, hashed, salt in claims:
        kind = _IDENTITY_TYPES.get((ctype or "").lower().replace("_", "")) if ctype else None
        if ctype and kind is None:
            kind = _IDENTITY_TYPES.get((ctype or "").lower())
        for itype, value in identities:
            if kind is not None and itype != kind and not (itype == "other"):
                continue
            if hashed:
                variants = {value, value.lower()} if itype == "email" else {value}
                if any(_hash_matches(claimed, v, salt) for v in variants):
                    return None
            elif (claimed.lower() == value.lower()) if itype == "email" else claimed == value:
                return None
    return VerificationReason(
        code="recipient_mismatch",
        message="the badge's recipient is none of the educator's declared identifiers",
        field="credentialSubject"
        if isinstance(doc.get("credentialSubject"), dict)
        else "recipient",
    )


def with_bundle(own: VerificationRecord, bundle: VerificationRecord) -> VerificationRecord:
    """A CLR entry's record: its own checks plus every failure of the bundle around it
    (`no_proof` of the bundle excepted: an unsigned bundle says nothing against its entries)."""
    extra = [
        VerificationReason(
            code=r.code,
            message=f"the CLR bundle: {r.message}",
            field=f"bundle.{r.field or ''}".rstrip("."),
        )
        for r in bundle.reasons
        if r.code != "no_proof"
    ]
    return add_reasons(own, extra) if extra else own


def _valid_until(doc: Any) -> dt.datetime | None:
    """The end of a credential's validity (`validUntil`, VC 1.1 `expirationDate`), in UTC."""
    if not isinstance(doc, dict):
        return None
    for key in ("validUntil", "expirationDate"):
        value = doc.get(key)
        if isinstance(value, str):
            try:
                end = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return end if end.tzinfo else end.replace(tzinfo=dt.UTC)
    return None


class Verifier:
    def __init__(
        self,
        registry: TrustRegistry | None,
        as_of: dt.date | None,
        recipient: list[tuple[str, str]] | None = None,
    ) -> None:
        self.registry = registry
        self.as_of = as_of
        self.recipient = recipient

    def __call__(self, doc: Any) -> VerificationRecord | None:
        if self.registry is None:
            return None
        when = self.as_of or dt.date.today()
        record = verification_record(verify_credential(doc, self.registry, when), when)
        payload = payload_of(doc)
        end = _valid_until(payload)
        if end is not None:
            record = record.model_copy(update={"valid_until": end})
        if self.recipient is not None and isinstance(payload, dict):
            reason = recipient_reason(payload, self.recipient)
            if reason is not None:
                record = add_reasons(record, [reason])
        return record

    def catalog_issuer(self, record: VerificationRecord | None) -> str | None:
        if record is None or record.registry_entry is None or self.registry is None:
            return None
        for entry in self.registry.entries:
            if entry.id == record.registry_entry:
                return entry.catalog_issuer
        return None
