"""`verify_credential`: every check on one Open Badges 3.0 / CLR 2.0 credential, offline.

Checks, in this order (every failure is reported, the most basic first):
1. shape and size: a JSON object (or a VC-JWT), at most `MAX_BYTES`;
2. context: the first `@context` is the VC 1.1 or 2.0 base context (`bad_context`), every
   context is a vendored one (`unknown_context`);
3. types: the credential, issuer, subject, achievement, result, evidence, … carry the type
   OB 3.0 / CLR 2.0 require (`invalid_type`, `missing_issuer`);
4. dates against `now`: `validFrom`/`issuanceDate` in the future (`not_yet_valid`),
   `validUntil`/`expirationDate` past (`expired`);
5. proofs: each Data Integrity proof of a supported suite verifies (`invalid_signature`,
   `malformed_proof`, `undefined_term`, …), its verification method resolves offline and its
   controller is the issuer (`issuer_mismatch`); unsupported proof types beside a verified one
   are noted, not fatal;
6. trust: the issuer is in the registry (`untrusted_issuer`) and the signing key is one the
   registry holds for it, in force (`untrusted_key`);
7. status: each `credentialStatus` against the registry's pinned status lists (`revoked`,
   `suspended`, `status_unavailable` when the list is not pinned; see `_status`).

Steps 2-4 and 7 are in `_checks`, 5 and 6 in `_proofs`; this module reads the document (JSON-LD,
its text, a VC-JWT, or an Open Badges 2.0 assertion) and runs them in order.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..errors import CredentialCheckError
from ._canon import DEFAULT_BUDGET
from ._checks import (
    OB2,
    Run,
    check_context,
    check_credential_status,
    check_dates,
    check_types,
    instant,
    issuer_of,
    types_of,
)
from ._contexts import ContextLoader
from ._jwt import parse_jwt, verify_jwt
from ._proofs import check_proofs
from ._result import UNVERIFIED_CODES, VerificationResult
from .registry import TrustRegistry

__all__ = ["MAX_BYTES", "verify_credential"]

MAX_BYTES = 1_000_000


def _as_now(now: dt.datetime | dt.date | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    if isinstance(now, dt.datetime):
        return now if now.tzinfo else now.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(now, dt.time(), dt.UTC)


def _result(
    run: Run, fmt: str, doc: dict[str, Any] | None, entry: str | None, key: str | None
) -> VerificationResult:
    if not run.reasons and entry is not None:
        status: Any = "verified"
    elif all(r.code in UNVERIFIED_CODES for r in run.reasons):
        status = "unverified"
    else:
        status = "rejected"
    cid = doc.get("id") if doc else None
    return VerificationResult(
        status=status,
        reasons=tuple(run.reasons),
        checks=tuple(run.checks),
        format=fmt,
        credential_id=cid if isinstance(cid, str) else None,
        issuer_id=issuer_of(doc) if doc else None,
        registry_entry=entry if status == "verified" else None,
        key_id=key if status == "verified" else None,
        warnings=tuple(run.warnings),
        method=run.method,
    )


def verify_credential(
    document: dict[str, Any] | str | bytes,
    registry: TrustRegistry,
    now: dt.datetime | dt.date | None = None,
    *,
    loader: ContextLoader | None = None,
    budget: int = DEFAULT_BUDGET,
) -> VerificationResult:
    """Verify one credential: a parsed JSON-LD object, its JSON text, or a VC-JWT string.

    Never raises for a bad credential: every problem is a `Reason` in the result.
    """
    loader = loader or _default_loader()
    when = _as_now(now)
    run = Run()
    if isinstance(document, (str, bytes)):
        if len(document) > MAX_BYTES:
            run.fail("too_large", f"the document is over {MAX_BYTES} bytes")
            return _result(run, "unknown", None, None, None)
        text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
        stripped = text.strip()
        if stripped.startswith("eyJ") and stripped.count(".") == 2:
            return _verify_jwt_text(stripped, registry, when, loader, run)
        try:
            document = json.loads(stripped)
        except ValueError as e:
            run.fail("malformed", f"not JSON: {e}")
            return _result(run, "unknown", None, None, None)
    if not isinstance(document, dict):
        run.fail("malformed", "a credential is a JSON object")
        return _result(run, "unknown", None, None, None)
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    if first in OB2:
        return _verify_ob2(document, when, run)
    ok = check_context(document, loader, run)
    check_types(document, run)
    check_dates(document, when, run)
    entry, key = check_proofs(document, registry, loader, when, run, canonicalize=ok, budget=budget)
    check_credential_status(document, registry, run)
    return _result(run, "json-ld", document, entry, key)


def _verify_ob2(doc: dict[str, Any], now: dt.datetime, run: Run) -> VerificationResult:
    """Open Badges 2.0: hosted assertions need a fetch, so they stay `hosted_unverified`."""
    if "Assertion" not in types_of(doc):
        run.fail("invalid_type", "an Open Badges 2.0 document here must be an Assertion", "type")
    issued = instant(doc.get("issuedOn"), "issuedOn", run)
    if issued is not None and issued > now:
        run.fail("not_yet_valid", f"issuedOn {doc['issuedOn']} is in the future", "issuedOn")
    expires = instant(doc.get("expires"), "expires", run)
    if expires is not None and expires <= now:
        run.fail("expired", f"expires {doc['expires']} is past", "expires")
    run.checks.append("dates")
    run.method = run.method or "ob2-hosted"
    run.fail("hosted_unverified", "Open Badges 2.0 verification needs the hosted assertion")
    return _result(run, "ob2", doc, None, None)


def _verify_jwt_text(
    token: str, registry: TrustRegistry, now: dt.datetime, loader: ContextLoader, run: Run
) -> VerificationResult:
    try:
        jwt = parse_jwt(token)
    except CredentialCheckError as e:
        run.caught(e)
        return _result(run, "vc-jwt", None, None, None)
    ctx = jwt.payload.get("@context")
    alg = jwt.header.get("alg")
    run.method = f"vc-jwt:{alg}" if isinstance(alg, str) else "vc-jwt"
    if (ctx[0] if isinstance(ctx, list) and ctx else ctx) in OB2:
        run.method = "ob2-jws"
        run.warnings.append("an Open Badges 2.0 signed assertion: its key is hosted, not pinned")
        return _verify_ob2(jwt.payload, now, run)
    vc = jwt.payload.get("vc", jwt.payload if "@context" in jwt.payload else None)
    if not isinstance(vc, dict):
        run.fail("malformed", "the JWT payload carries no credential (vc claim)", "vc")
        return _result(run, "vc-jwt", None, None, None)
    check_context(vc, loader, run)
    check_types(vc, run)
    check_dates(vc, now, run)
    check_credential_status(vc, registry, run)
    nbf = instant(jwt.payload.get("nbf"), "nbf", run)
    if nbf is not None and nbf > now:
        run.fail("not_yet_valid", "the JWT nbf is in the future", "nbf")
    exp = instant(jwt.payload.get("exp"), "exp", run)
    if exp is not None and exp <= now:
        run.fail("expired", "the JWT exp is past", "exp")
    issuer_id = issuer_of(vc)
    iss = jwt.payload.get("iss")
    if iss is not None and issuer_id is not None and iss != issuer_id:
        run.fail("issuer_mismatch", f"JWT iss {iss!r} is not the issuer {issuer_id!r}", "iss")
    entry: str | None = None
    key: str | None = None
    try:
        owner, k = verify_jwt(jwt, registry, issuer_id or (iss if isinstance(iss, str) else None))
    except CredentialCheckError as e:
        run.caught(e, "header")
    else:
        if issuer_id is not None and issuer_id not in owner.ids:
            run.fail("issuer_mismatch", f"key {k.id!r} is not {issuer_id!r}'s", "header")
        elif not k.in_force(now.date()):
            run.fail("untrusted_key", f"registry key {k.id!r} is not in force", "header")
        else:
            run.checks.append(f"proof:jwt:{jwt.header.get('alg')}")
            run.checks.append("issuer_trust")
            entry, key = owner.id, k.id
    return _result(run, "vc-jwt", vc, entry, key)


_LOADER: ContextLoader | None = None


def _default_loader() -> ContextLoader:
    global _LOADER
    if _LOADER is None:
        _LOADER = ContextLoader()
    return _LOADER
