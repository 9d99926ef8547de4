"""Offline verification of digital credentials (issue 12).

`verify_credential(document, registry, now=...)` checks one Open Badges 3.0 / CLR 2.0
credential (JSON-LD with Data Integrity proofs, or a VC-JWT) against an offline trust registry
(`load_registry`, `rules/issuers/*.yaml`) and returns a typed `VerificationResult`.

Layer 2: imports only `mccredit.errors`, `mccredit._types`, `mccredit._yaml` and `mccredit.io`.
"""

from ._contexts import CONTEXTS, ContextLoader
from ._credential import MAX_BYTES, verify_credential
from ._result import Reason, Status, VerificationResult
from .registry import IssuerEntry, RegistryKey, TrustRegistry, load_registry, registry_from_data

__all__ = [
    "CONTEXTS",
    "MAX_BYTES",
    "ContextLoader",
    "IssuerEntry",
    "Reason",
    "RegistryKey",
    "Status",
    "TrustRegistry",
    "VerificationResult",
    "load_registry",
    "registry_from_data",
    "verify_credential",
]
