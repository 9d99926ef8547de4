"""Credential verification benchmark (issue 12): credentials/s verified vs parsed only.

    python benchmarks/verify.py [--n 10000]

Generates `n` OB 3.0 credentials shaped like 1EdTech's `ob30/simple.json`, each with its own
subject and achievement, signed `eddsa-rdfc-2022` with a freshly generated TEST key, and a test
trust registry holding that key. Prints, single process:

  1. parsed only (`json.loads`), credentials/s;
  2. verified (`verify_credential`: context, types, dates, RDFC-1.0 canonicalization, hashes,
     Ed25519, trust), credentials/s, and its ratio to parsing;
  3. the share of verification time in canonicalization (pyld) vs the Ed25519 signature check.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mccredit.verify import ContextLoader, registry_from_data, verify_credential
from mccredit.verify._multibase import b58encode
from mccredit.verify._suites import hash_data, verify_ed25519

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "credentials" / "1edtech" / "ob30" / "simple.json"
ISSUER = "https://example.com/issuers/876543"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()

    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    multikey = "z" + b58encode(b"\xed\x01" + raw)
    vm = f"{ISSUER}#{multikey}"
    registry = registry_from_data(
        {
            "issuers": [
                {
                    "id": "bench-test",
                    "name": "Benchmark TEST issuer (generated key)",
                    "test": True,
                    "ids": [ISSUER],
                    "keys": [{"id": vm, "public_key_multibase": multikey}],
                }
            ]
        }
    )
    loader = ContextLoader()
    base = json.loads(FIXTURE.read_text())
    texts: list[str] = []
    for i in range(args.n):
        doc = copy.deepcopy(base)
        doc.pop("proof")
        doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        doc["credentialSubject"]["id"] = f"did:example:educator-{i}"
        doc["credentialSubject"]["achievement"]["name"] = f"Teamwork {i}"
        proof = {
            "type": "DataIntegrityProof",
            "created": "2024-01-01T00:00:00Z",
            "verificationMethod": vm,
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
        }
        data = hash_data(doc, proof, loader)
        proof["proofValue"] = "z" + b58encode(key.sign(data.combined))
        doc["proof"] = proof
        texts.append(json.dumps(doc))

    now = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    t0 = time.perf_counter()
    for t in texts:
        json.loads(t)
    parse = time.perf_counter() - t0

    t0 = time.perf_counter()
    statuses = [verify_credential(t, registry, now, loader=loader).status for t in texts]
    verify = time.perf_counter() - t0
    assert statuses.count("verified") == args.n, "every generated credential must verify"

    docs = [json.loads(t) for t in texts]
    t0 = time.perf_counter()
    hashed = [hash_data(d, d["proof"], loader) for d in docs]
    canon = time.perf_counter() - t0
    t0 = time.perf_counter()
    for d, h in zip(docs, hashed, strict=True):
        verify_ed25519(raw, d["proof"]["proofValue"], h.combined)
    sig = time.perf_counter() - t0

    n = args.n
    print(f"credentials: {n} (eddsa-rdfc-2022, generated TEST key)")
    print(f"parsed only : {n / parse:12.0f} credentials/s")
    print(f"verified    : {n / verify:12.1f} credentials/s  ({verify / parse:.0f}x the parse time)")
    print(
        f"of the verification time: canonicalization + hashing {canon / verify:.0%}, "
        f"Ed25519 signature {sig / verify:.1%}, the rest (context, types, dates, trust) "
        f"{max(0.0, 1 - (canon + sig) / verify):.0%}"
    )


if __name__ == "__main__":
    main()
