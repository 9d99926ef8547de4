"""Data Integrity proof suites: `eddsa-rdfc-2022` (alias `eddsa-2022`), `eddsa-jcs-2022` and
`Ed25519Signature2020`, per the W3C VC-DI-EdDSA specification.

Each stage is its own function, so the W3C test vectors can check it alone: proof
configuration, canonical forms, the two SHA-256 hashes, the hash data (proof hash then document
hash), and the Ed25519 signature over it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..errors import CredentialCheckError
from ._canon import DEFAULT_BUDGET, jcs, rdfc
from ._contexts import ContextLoader
from ._multibase import multibase_decode

__all__ = ["SUITES", "HashData", "hash_data", "proof_config", "suite_of", "verify_ed25519"]

#: suite name -> canonicalization ("rdfc" | "jcs")
SUITES = {
    "eddsa-rdfc-2022": "rdfc",
    "eddsa-2022": "rdfc",  # the draft name of eddsa-rdfc-2022, still in 1EdTech fixtures
    "eddsa-jcs-2022": "jcs",
    "Ed25519Signature2020": "rdfc",
}


def suite_of(proof: dict[str, Any]) -> str:
    ptype = proof.get("type")
    if ptype == "DataIntegrityProof":
        name = proof.get("cryptosuite")
    else:
        name = ptype
    if not isinstance(name, str) or name not in SUITES:
        raise CredentialCheckError(
            "unsupported_proof", f"proof type {ptype!r} / cryptosuite {name!r} is not supported"
        )
    return name


def proof_config(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    """The proof options hashed beside the document: the proof less `proofValue`, with the
    document's `@context` when the proof has none."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" not in config and "@context" in document:
        config["@context"] = document["@context"]
    return config


@dataclass(frozen=True)
class HashData:
    canonical_proof: bytes
    canonical_document: bytes
    proof_hash: bytes
    document_hash: bytes

    @property
    def combined(self) -> bytes:
        return self.proof_hash + self.document_hash


def hash_data(
    document: dict[str, Any],
    proof: dict[str, Any],
    loader: ContextLoader,
    *,
    budget: int = DEFAULT_BUDGET,
) -> HashData:
    """`document` is the secured document; its `proof` member is left out of the hash."""
    suite = suite_of(proof)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = proof_config(document, proof)
    if SUITES[suite] == "jcs":
        if "@context" in proof:
            ctx = proof["@context"]
            if unsecured.get("@context") != ctx:
                doc_ctx = unsecured.get("@context")
                head = doc_ctx[: len(ctx)] if isinstance(doc_ctx, list) else None
                if not isinstance(ctx, list) or head != ctx:
                    raise CredentialCheckError(
                        "invalid_signature", "the proof's @context does not start the document's"
                    )
            unsecured["@context"] = ctx
        cproof, cdoc = jcs(config), jcs(unsecured)
    else:
        cproof = rdfc(config, loader, budget=budget).encode()
        cdoc = rdfc(unsecured, loader, budget=budget).encode()
    return HashData(cproof, cdoc, hashlib.sha256(cproof).digest(), hashlib.sha256(cdoc).digest())


def verify_ed25519(public_key: bytes, signature_multibase: Any, data: bytes) -> None:
    signature = multibase_decode(signature_multibase, what="proofValue")
    if len(signature) != 64:
        raise CredentialCheckError(
            "malformed_proof", f"proofValue decodes to {len(signature)} bytes, not 64"
        )
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        raise CredentialCheckError(
            "invalid_signature", "the Ed25519 signature does not match the document"
        ) from None
