"""Offline verification of digital credentials (issue 12).

`verify_credential(document, registry, now=...)` checks one Open Badges 3.0 / CLR 2.0
credential (JSON-LD with Data Integrity proofs, or a VC-JWT) against an offline trust registry
(`load_registry`, `rules/issuers/*.yaml`) and returns a typed `VerificationResult`.

Layer 2: imports only `mccredit.errors`, `mccredit._types`, `mccredit._yaml` and `mccredit.io`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._result import (
    VERIFICATION_STATUSES,
    Reason,
    Status,
    Verification,
    VerificationResult,
    verification_of,
)
from .registry import IssuerEntry, RegistryKey, TrustRegistry, load_registry, registry_from_data

if TYPE_CHECKING:
    from ._contexts import CONTEXTS, ContextLoader
    from ._credential import MAX_BYTES, verify_credential
    from ._sign import multikey_of, sign_credential

# The checking and signing machinery (JSON-LD canonicalisation, JWT, cryptography) loads on
# first use: reading rules needs only the registry, and a roster batch never verifies.
_LAZY = {
    "CONTEXTS": "._contexts",
    "ContextLoader": "._contexts",
    "MAX_BYTES": "._credential",
    "verify_credential": "._credential",
    "multikey_of": "._sign",
    "sign_credential": "._sign",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


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


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
