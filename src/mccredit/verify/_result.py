"""The typed outcome of verifying one credential."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = [
    "VERIFICATION_STATUSES",
    "Reason",
    "Status",
    "Verification",
    "VerificationResult",
    "verification_of",
]

Status = Literal["verified", "unverified", "rejected"]

#: reason codes that leave a credential `unverified` (nothing wrong found, authenticity unknown)
UNVERIFIED_CODES = frozenset(
    {"no_proof", "key_unavailable", "hosted_unverified", "status_unavailable"}
)

#: The one result per credential of issue 12 (`verification` on ledger lines, a matcher field,
#: `mccredit verify --json` `status`). Several checks can fail at once: the value is the first
#: of this order that a reason maps to (the most basic failure first; `unsigned` and
#: `hosted_unverified` last, because a jurisdiction may credit them and must not credit an
#: expired or revoked one by accident).
Verification = Literal[
    "verified",
    "unsigned",
    "hosted_unverified",
    "invalid_signature",
    "untrusted_issuer",
    "expired",
    "not_yet_valid",
    "revoked",
    "suspended",
    "recipient_mismatch",
    "malformed",
]
VERIFICATION_STATUSES: tuple[str, ...] = get_args(Verification)
_PRECEDENCE: tuple[Verification, ...] = (
    "malformed",
    "invalid_signature",
    "untrusted_issuer",
    "revoked",
    "suspended",
    "expired",
    "not_yet_valid",
    "recipient_mismatch",
    "hosted_unverified",
    "unsigned",
)
#: reason code -> the verification value it leads to
_CODE_STATUS: dict[str, Verification] = {
    **dict.fromkeys(
        (
            "malformed",
            "malformed_jsonld",
            "undefined_term",
            "bad_context",
            "unknown_context",
            "invalid_type",
            "missing_issuer",
            "too_large",
            "too_many_entries",
            "canonicalization_budget",
            "unreadable",
        ),
        "malformed",
    ),
    **dict.fromkeys(
        (
            "invalid_signature",
            "malformed_proof",
            "bad_verification_method",
            "verification_method_no_scheme",
            "unknown_verification_method_scheme",
            "unsupported_did_method",
            "unsupported_algorithm",
            "unsupported_proof",
            "issuer_mismatch",
        ),
        "invalid_signature",
    ),
    **dict.fromkeys(("untrusted_issuer", "untrusted_key", "key_unavailable"), "untrusted_issuer"),
    "revoked": "revoked",
    "suspended": "suspended",
    "expired": "expired",
    "not_yet_valid": "not_yet_valid",
    "recipient_mismatch": "recipient_mismatch",
    "hosted_unverified": "hosted_unverified",
    "status_unavailable": "hosted_unverified",
    "no_proof": "unsigned",
}


def verification_of(codes: Iterable[str]) -> Verification:
    """The verification value for a set of failed-check codes (none: `verified`). An unknown
    code counts as `malformed`: a check that fails is never read as a pass."""
    found = {_CODE_STATUS.get(c, "malformed") for c in codes}
    for status in _PRECEDENCE:
        if status in found:
            return status
    return "verified"


@dataclass(frozen=True)
class Reason:
    """One failed check: a stable `code`, a sentence, and the field it is about (dotted path)."""

    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True)
class VerificationResult:
    """`verified`: every check passed, a proof verified with a key the registry trusts for the
    issuer. `unverified`: nothing wrong was found but authenticity could not be established
    (no proof, or no key to check it with). `rejected`: at least one check failed; `reasons`
    lists every failed check, the first being the most basic one."""

    status: Status
    reasons: tuple[Reason, ...] = ()
    checks: tuple[str, ...] = ()
    format: str = "json-ld"
    credential_id: str | None = None
    issuer_id: str | None = None
    registry_entry: str | None = None
    key_id: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    method: str | None = None

    @property
    def verification(self) -> Verification:
        """The issue-12 value: `verified`, `unsigned`, `expired`, … (see `Verification`)."""
        if self.status == "verified":
            return "verified"
        return verification_of(self.codes) if self.reasons else "untrusted_issuer"

    @property
    def reason(self) -> str | None:
        """The first (most basic) reason code, or None when verified."""
        return self.reasons[0].code if self.reasons else None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verification": self.verification,
            "status": self.status,
            "reasons": [r.as_dict() for r in self.reasons],
            "checks": list(self.checks),
            "format": self.format,
            "id": self.credential_id,
            "issuer": self.issuer_id,
            "registry_entry": self.registry_entry,
            "key_id": self.key_id,
            "method": self.method,
            "warnings": list(self.warnings),
        }
