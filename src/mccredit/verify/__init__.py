"""Offline verification of digital credentials (issue 12).

`verify_credential(document, registry, now=...)` checks one Open Badges 3.0 / CLR 2.0
credential (JSON-LD with Data Integrity proofs, or a VC-JWT) against an offline trust registry
(`load_registry`, `rules/issuers/*.yaml`) and returns a typed `VerificationResult`.

Layer 2: imports only `mccredit.errors`, `mccredit._types`, `mccredit._yaml` and `mccredit.io`.
"""

from ._contexts import CONTEXTS, ContextLoader
from ._credential import MAX_BYTES, verify_credential
from ._result import (
    VERIFICATION_STATUSES,
    Reason,
    Status,
    Verification,
    VerificationResult,
    verification_of,
)
from ._sign import multikey_of, sign_credential
from .registry import IssuerEntry, RegistryKey, TrustRegistry, load_registry, registry_from_data

__all__ = [
    "CONTEXTS",
    "MAX_BYTES",
    "VERIFICATION_STATUSES",
    "ContextLoader",
    "IssuerEntry",
    "Reason",
    "RegistryKey",
    "Status",
    "TrustRegistry",
    "Verification",
    "VerificationResult",
    "load_registry",
    "multikey_of",
    "registry_from_data",
    "sign_credential",
    "verification_of",
    "verify_credential",
]
