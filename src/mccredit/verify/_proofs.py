"""Steps 5 and 6 of `verify_credential` (see `_credential`): each Data Integrity proof of a
supported suite verifies, its verification method resolves offline to a key whose controller
is the issuer, and the key is one the trust registry holds for that issuer, in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import CredentialCheckError
from ._checks import Run, instant, issuer_of
from ._contexts import ContextLoader
from ._multibase import ed25519_multikey
from ._suites import SUITES, hash_data, verify_ed25519
from .registry import IssuerEntry, TrustRegistry

__all__ = ["check_proofs"]


def _resolve(vm: Any, registry: TrustRegistry) -> tuple[bytes, str]:
    """The Ed25519 key bytes and controller of a verification method, offline."""
    if not isinstance(vm, str) or not vm:
        raise CredentialCheckError("bad_verification_method", "the proof has no verificationMethod")
    if ":" not in vm:
        raise CredentialCheckError(
            "verification_method_no_scheme", f"verificationMethod {vm!r} is not an absolute IRI"
        )
    scheme = vm.split(":", 1)[0]
    controller, _, fragment = vm.partition("#")
    if scheme == "did":
        method = vm.split(":")[1] if vm.count(":") >= 2 else ""
        if method == "key":
            multikey = controller.split(":", 2)[2]
            if fragment and fragment != multikey:
                raise CredentialCheckError(
                    "bad_verification_method", f"did:key fragment {fragment!r} is not its key"
                )
            return ed25519_multikey(multikey), controller
        if method != "web":
            raise CredentialCheckError(
                "unsupported_did_method", f"DID method {method!r} cannot be resolved offline"
            )
    elif scheme not in ("https", "http", "urn"):
        raise CredentialCheckError(
            "unknown_verification_method_scheme",
            f"verificationMethod scheme {scheme!r} is not did, https or http",
        )
    pinned = registry.key(vm)
    if pinned is not None and pinned[1].public_key_multibase is not None:
        return ed25519_multikey(pinned[1].public_key_multibase), controller
    if fragment.startswith("z"):
        return ed25519_multikey(fragment), controller
    raise CredentialCheckError(
        "key_unavailable", f"verificationMethod {vm!r} names a key the registry does not hold"
    )


def _trust(
    entry: IssuerEntry | None,
    vm: str,
    key: bytes,
    when: dt.date,
    run: Run,
) -> bool:
    if entry is None:
        return False
    for k in entry.keys:
        if k.public_key_multibase is None:
            continue
        if k.id == vm or ed25519_multikey(k.public_key_multibase) == key:
            if not k.in_force(when):
                run.fail("untrusted_key", f"registry key {k.id!r} is not in force on {when}")
                return False
            return True
    run.fail(
        "untrusted_key",
        f"key {vm!r} is not one the registry holds for {entry.id!r}",
        "proof.verificationMethod",
    )
    return False


def check_proofs(
    doc: dict[str, Any],
    registry: TrustRegistry,
    loader: ContextLoader,
    now: dt.datetime,
    run: Run,
    *,
    canonicalize: bool,
    budget: int,
) -> tuple[str | None, str | None]:
    raw = doc.get("proof")
    if raw is None:
        run.fail("no_proof", "the credential carries no proof (unsigned)", "proof")
        return None, None
    proofs = raw if isinstance(raw, list) else [raw]
    issuer_id = issuer_of(doc)
    entry = registry.issuer(issuer_id) if issuer_id else None
    verified: list[tuple[str, str]] = []
    supported = 0
    for i, proof in enumerate(proofs):
        field = f"proof[{i}]" if isinstance(raw, list) else "proof"
        if not isinstance(proof, dict):
            run.fail("malformed_proof", "a proof must be an object", field)
            continue
        name = proof.get("cryptosuite") if proof.get("type") == "DataIntegrityProof" else None
        name = name or proof.get("type")
        if name not in SUITES:
            run.warnings.append(f"{field}: proof type {name!r} is not supported; not checked")
            continue
        supported += 1
        run.method = run.method or name
        if proof.get("proofPurpose") != "assertionMethod":
            run.fail("malformed_proof", "proofPurpose must be assertionMethod", field)
            continue
        vm = proof.get("verificationMethod")
        try:
            key, controller = _resolve(vm, registry)
        except CredentialCheckError as e:
            run.caught(e, f"{field}.verificationMethod")
            continue
        assert isinstance(vm, str)
        # the key's controller must be the issuer, or a did:key the registry binds to it
        bound = entry is not None and (controller in entry.ids)
        if controller != issuer_id and not bound:
            run.fail(
                "issuer_mismatch",
                f"the key's controller {controller!r} is not the issuer {issuer_id!r}",
                f"{field}.verificationMethod",
            )
        if not canonicalize:
            continue
        try:
            data = hash_data(doc, proof, loader, budget=budget)
            verify_ed25519(key, proof.get("proofValue"), data.combined)
        except CredentialCheckError as e:
            run.caught(e, field)
            continue
        run.checks.append(f"proof:{name}")
        created = instant(proof.get("created"), f"{field}.created", run)
        when = (created or now).date()
        if entry is None:
            run.fail(
                "untrusted_issuer", f"issuer {issuer_id!r} is not in the trust registry", "issuer"
            )
        elif _trust(entry, vm, key, when, run):
            verified.append((entry.id, vm))
    if supported == 0:
        run.fail("unsupported_proof", "no proof is of a supported type", "proof")
    if verified:
        run.checks.append("issuer_trust")
        return verified[0]
    return None, None
