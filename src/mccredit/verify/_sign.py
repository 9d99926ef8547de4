"""Sign a credential with `eddsa-rdfc-2022` (a Data Integrity proof): for TEST issuers.

The inverse of the verification path, on the same stages (`hash_data`): tests, benchmarks and
the demo make real-shaped signed badges with a key they generate; a real issuer signs its own.
"""

from __future__ import annotations

import copy
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ._contexts import ContextLoader
from ._multibase import b58encode
from ._suites import hash_data

__all__ = ["multikey_of", "sign_credential"]


def multikey_of(key: Ed25519PrivateKey) -> str:
    """The Multikey (`z6Mk…`) of an Ed25519 key's public half."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + b58encode(b"\xed\x01" + raw)


def sign_credential(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: str = "2024-01-01T00:00:00Z",
    loader: ContextLoader | None = None,
) -> dict[str, Any]:
    """A copy of `document` (any `proof` dropped) with an `eddsa-rdfc-2022` proof by `key`."""
    doc = copy.deepcopy(document)
    doc.pop("proof", None)
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }
    data = hash_data(doc, proof, loader or ContextLoader())
    proof["proofValue"] = "z" + b58encode(key.sign(data.combined))
    doc["proof"] = proof
    return doc
