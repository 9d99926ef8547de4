"""Every 1EdTech validator fixture gives the result its name says, with its own reason code."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mccredit.verify import TrustRegistry, verify_credential

from .conftest import AS_OF, ONE

VERIFIED = [
    "ob30/complete.json",
    "ob30/endorsement-valid.json",
    "ob30/simple-context-alias.json",
    "ob30/simple-context-version.json",
    "ob30/simple-did-key-method.json",
    "ob30/simple-did-web-method.json",
    "ob30/simple-eddsa-2022.json",
    "ob30/simple-multiple-proofs.json",
    "ob30/simple.1ob",
    "ob30/simple.json",
    "ob30/simple_v1.json",
    "clr20/complex.json",
    "clr20/simple.json",
    "clr20/simple_v1.json",
]

# file -> (first reason code, the field it names)
REJECTED = {
    "ob30/simple-err-context.json": ("bad_context", "@context"),
    "ob30/simple-err-credential-subject-achievement-result-description-type.json": (
        "invalid_type",
        "credentialSubject.achievement.resultDescription[2]",
    ),
    "ob30/simple-err-credential-subject-identifier-type.json": (
        "invalid_type",
        "credentialSubject.identifier[0]",
    ),
    "ob30/simple-err-credential-subject-profile-type.json": (
        "invalid_type",
        "credentialSubject.source",
    ),
    "ob30/simple-err-credential-subject-result-type.json": (
        "invalid_type",
        "credentialSubject.result[1]",
    ),
    "ob30/simple-err-credential-subject-type.json": ("invalid_type", "credentialSubject.type"),
    "ob30/simple-err-evidence-type.json": ("invalid_type", "evidence[1]"),
    "ob30/simple-err-expired.json": ("expired", "validUntil"),
    "ob30/simple-err-issued.json": ("not_yet_valid", "validFrom"),
    "ob30/simple-err-issuer-otheridentifier-type.json": (
        "invalid_type",
        "issuer.otherIdentifier[1]",
    ),
    "ob30/simple-err-issuer-parentorg-type.json": ("invalid_type", "issuer.parentOrg"),
    "ob30/simple-err-issuer-type.json": ("invalid_type", "issuer"),
    "ob30/simple-err-issuer.json": ("missing_issuer", "issuer"),
    "ob30/simple-err-proof-method-no-scheme.json": (
        "verification_method_no_scheme",
        "proof[0].verificationMethod",
    ),
    "ob30/simple-err-proof-method-unknown-did-method.json": (
        "unsupported_did_method",
        "proof[0].verificationMethod",
    ),
    "ob30/simple-err-proof-method-unknown-scheme.json": (
        "unknown_verification_method_scheme",
        "proof[0].verificationMethod",
    ),
    "ob30/simple-err-proof-method.json": ("bad_verification_method", "proof.verificationMethod"),
    "ob30/simple-err-proof-value.json": ("invalid_signature", "proof[0]"),
    "ob30/simple-err-type.json": ("invalid_type", "type"),
    "ob30/endorsement-err-schema-status-refresh.json": ("invalid_signature", "proof[0]"),
    # expirationDate 2020-01-01; its `#key-1` key is published nowhere in the fixtures
    "ob30/complete_v1.json": ("expired", "expirationDate"),
    # 1EdTech's own bitstring status list (pinned in the TEST registry) sets index 23
    "ob30/bit-string-list/credential-status-revoked.json": ("revoked", "credentialStatus"),
    "ob30/bit-string-list/credential-status-revoked-blank-nodes.json": (
        "revoked",
        "credentialStatus",
    ),
    # contexts outside the vendored set are refused, never fetched
    "ob30/velocity.jwt": ("unknown_context", "@context"),
    "clr20/simple_old_safesigned.json": ("unknown_context", "@context"),
    "clr20/simple.jwt": ("unknown_context", "@context"),
    "clr20/simple-noproof.json": ("unknown_context", "@context"),
}

UNVERIFIED = {
    "ob30/simple-noproof.json": "no_proof",
    # signature and trust verify; its 1EdTechRevocationList is published nowhere offline
    "ob30/credential-status-revoked.json": "status_unavailable",
    "ob20/basic-assertion.json": "hosted_unverified",
    "ob20/simple.jwt": "hosted_unverified",
}


def _read(name: str) -> str:
    return (ONE / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", VERIFIED)
def test_valid_fixture_verifies(name: str, registry: TrustRegistry) -> None:
    result = verify_credential(_read(name), registry, AS_OF)
    assert result.status == "verified", result.reasons
    assert result.reasons == ()
    assert "issuer_trust" in result.checks
    assert any(c.startswith("proof:") for c in result.checks)
    assert result.registry_entry is not None and result.registry_entry.startswith("test-")


@pytest.mark.parametrize(("name", "expected"), sorted(REJECTED.items()))
def test_error_fixture_is_rejected_for_its_reason(
    name: str, expected: tuple[str, str], registry: TrustRegistry
) -> None:
    result = verify_credential(_read(name), registry, AS_OF)
    assert result.status == "rejected"
    assert (result.reasons[0].code, result.reasons[0].field) == expected
    assert result.registry_entry is None


@pytest.mark.parametrize(("name", "code"), sorted(UNVERIFIED.items()))
def test_unsigned_fixture_is_unverified(name: str, code: str, registry: TrustRegistry) -> None:
    result = verify_credential(_read(name), registry, AS_OF)
    assert result.status == "unverified"
    assert result.codes == (code,)


def test_every_ob30_and_clr20_fixture_is_classified() -> None:
    names = {
        f"{p.parent.name}/{p.name}"
        for folder in ("ob30", "clr20")
        for p in (ONE / folder).iterdir()
        if p.suffix in (".json", ".jwt", ".1ob")
    }
    covered = set(VERIFIED) | set(REJECTED) | set(UNVERIFIED) | {"ob30/simple.jwt"}
    assert names <= covered, sorted(names - covered)


def test_multiple_proofs_notes_the_unsupported_one(registry: TrustRegistry) -> None:
    result = verify_credential(_read("ob30/simple-multiple-proofs.json"), registry, AS_OF)
    assert result.status == "verified"
    assert any("SomeProofType" in w for w in result.warnings)


def test_issuer_not_in_registry_is_untrusted() -> None:
    result = verify_credential(_read("ob30/simple.json"), TrustRegistry(), AS_OF)
    assert result.status == "rejected"
    assert result.codes == ("untrusted_issuer",)


def test_expiry_depends_on_the_date(registry: TrustRegistry) -> None:
    before = verify_credential(_read("ob30/simple-err-expired.json"), registry, AS_OF.replace(2009))
    assert "expired" not in before.codes
    issued = verify_credential(_read("ob30/simple-err-issued.json"), registry, AS_OF.replace(2045))
    assert issued.status == "verified"


# --- tampering: any field of a valid fixture --------------------------------------------------


def _leaves(node: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))]
    return [path]


def _tampered(doc: dict, path: tuple[str | int, ...], salt: str) -> dict:
    out = copy.deepcopy(doc)
    node = out
    for part in path[:-1]:
        node = node[part]
    old = node[path[-1]]
    if isinstance(old, str):
        node[path[-1]] = old + salt if not old.endswith(salt) else old[:-1]
    elif isinstance(old, bool):
        node[path[-1]] = not old
    elif isinstance(old, (int, float)):
        node[path[-1]] = old + 1
    else:
        node[path[-1]] = salt
    return out


def _signed_part(doc: dict, path: tuple[str | int, ...]) -> bool:
    """False for a field of a proof nobody checks (an unsupported proof type beside a real one:
    the proofs of a proof set do not sign each other)."""
    if path[0] != "proof":
        return True
    proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    proof = proofs[path[1]] if isinstance(doc["proof"], list) else proofs[0]
    return proof.get("type") in ("DataIntegrityProof", "Ed25519Signature2020")


SIGNED_JSON = [n for n in VERIFIED if n.endswith(".json")]


@pytest.mark.parametrize("name", SIGNED_JSON)
@settings(max_examples=20)
@given(data=st.data())
def test_a_tampered_copy_of_a_valid_fixture_fails(
    name: str, data: st.DataObject, registry: TrustRegistry
) -> None:
    doc = json.loads(_read(name))
    leaves = [p for p in _leaves(doc) if p[0] != "@context" and _signed_part(doc, p)]
    path = data.draw(st.sampled_from(leaves), label="field")
    salt = data.draw(st.sampled_from(["x", "0", "Z"]), label="salt")
    result = verify_credential(_tampered(doc, path, salt), registry, AS_OF)
    assert result.status != "verified", path


@pytest.mark.parametrize("name", SIGNED_JSON)
def test_every_top_level_field_tampered_fails(name: str, registry: TrustRegistry) -> None:
    doc = json.loads(_read(name))
    for key in doc:
        if key in ("@context", "proof"):
            continue
        for path in _leaves(doc[key], (key,))[:3]:
            result = verify_credential(_tampered(doc, path, "x"), registry, AS_OF)
            assert result.status != "verified", path


def test_fixture_dir_exists() -> None:
    assert Path(ONE / "LICENSE").is_file()
