"""The W3C vc-di-eddsa test vectors, stage by stage: canonical document, canonical proof
configuration, the two hashes, the combined hash data, the signature; then a tampered copy."""

from __future__ import annotations

import copy
import json

import pytest

from mccredit.errors import CredentialCheckError
from mccredit.verify import ContextLoader
from mccredit.verify._multibase import b58decode, b58encode, ed25519_multikey
from mccredit.verify._suites import hash_data, proof_config, verify_ed25519

from .conftest import VECTORS

# suite folder, file stem suffix
SUITES = [
    ("eddsa-rdfc-2022", "DataInt"),
    ("eddsa-jcs-2022", "JCS"),
    ("Ed25519Signature2020", "EdSig"),
]


def _text(folder: str, name: str) -> str:
    return (VECTORS / folder / name).read_text(encoding="utf-8")


def _signed(folder: str, stem: str) -> dict:
    return json.loads(_text(folder, f"signed{stem}.json"))


def _key() -> bytes:
    pair = json.loads((VECTORS / "keyPair.json").read_text())
    return ed25519_multikey(pair["publicKeyMultibase"])


@pytest.mark.parametrize(("folder", "stem"), SUITES)
def test_proof_configuration_matches(folder: str, stem: str) -> None:
    signed = _signed(folder, stem)
    assert proof_config(signed, signed["proof"]) == json.loads(
        _text(folder, f"proofConfig{stem}.json")
    )


@pytest.mark.parametrize(("folder", "stem"), SUITES)
def test_every_stage_matches(folder: str, stem: str, w3c_loader: ContextLoader) -> None:
    signed = _signed(folder, stem)
    data = hash_data(signed, signed["proof"], w3c_loader)
    assert data.canonical_document.decode() == _text(folder, f"canonDoc{stem}.txt")
    assert data.canonical_proof.decode() == _text(folder, f"proofCanon{stem}.txt")
    assert data.document_hash.hex() == _text(folder, f"docHash{stem}.txt").strip()
    assert data.proof_hash.hex() == _text(folder, f"proofHash{stem}.txt").strip()
    assert data.combined.hex() == _text(folder, f"combinedHash{stem}.txt").strip()
    value = signed["proof"]["proofValue"]
    assert value == "z" + _text(folder, f"sigBTC58{stem}.txt").strip().lstrip("z")
    assert b58decode(value[1:]).hex() == _text(folder, f"sigHex{stem}.txt").strip()
    verify_ed25519(_key(), value, data.combined)  # raises if the signature does not verify


@pytest.mark.parametrize(("folder", "stem"), SUITES)
@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["credentialSubject"].__setitem__("alumniOf", "Another School"),
        lambda d: d.__setitem__("validFrom", "2023-01-02T00:00:00Z"),
        lambda d: d.__setitem__("issuer", "https://vc.example/issuers/9999"),
        lambda d: d["proof"].__setitem__("created", "2023-02-25T23:36:38Z"),
    ],
    ids=["subject", "validFrom", "issuer", "proof.created"],
)
def test_tampered_vector_fails(folder: str, stem: str, tamper, w3c_loader: ContextLoader) -> None:
    signed = copy.deepcopy(_signed(folder, stem))
    tamper(signed)
    data = hash_data(signed, signed["proof"], w3c_loader)
    with pytest.raises(CredentialCheckError) as e:
        verify_ed25519(_key(), signed["proof"]["proofValue"], data.combined)
    assert e.value.code == "invalid_signature"


def test_base58_round_trip_keeps_leading_zeros() -> None:
    for raw in (b"", b"\x00", b"\x00\x00\x01\xff", bytes(range(40))):
        assert b58decode(b58encode(raw)) == raw


def test_rdfc_matches_on_the_proof_set_vectors(w3c_loader: ContextLoader) -> None:
    """Each proof of a W3C proof-set vector verifies with its own key."""
    folder = VECTORS / "proof-set-chain"
    keys = json.loads((folder / "multiKeyPairs.json").read_text())
    by_public = {
        v["publicKeyMultibase"]: ed25519_multikey(v["publicKeyMultibase"]) for v in keys.values()
    }
    signed = json.loads((folder / "signedProofSet2.json").read_text())
    proofs = signed["proof"]
    assert len(proofs) == 2
    for proof in proofs:
        multikey = proof["verificationMethod"].split("#")[-1]
        data = hash_data({k: v for k, v in signed.items() if k != "proof"}, proof, w3c_loader)
        verify_ed25519(by_public[multikey], proof["proofValue"], data.combined)
