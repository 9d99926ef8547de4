"""The typed outcome of verifying one credential."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Reason", "Status", "VerificationResult"]

Status = Literal["verified", "unverified", "rejected"]

#: reason codes that leave a credential `unverified` (nothing wrong found, authenticity unknown)
UNVERIFIED_CODES = frozenset({"no_proof", "key_unavailable", "hosted_unverified"})


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

    @property
    def reason(self) -> str | None:
        """The first (most basic) reason code, or None when verified."""
        return self.reasons[0].code if self.reasons else None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reasons": [r.as_dict() for r in self.reasons],
            "checks": list(self.checks),
            "format": self.format,
            "id": self.credential_id,
            "issuer": self.issuer_id,
            "registry_entry": self.registry_entry,
            "key_id": self.key_id,
            "warnings": list(self.warnings),
        }
