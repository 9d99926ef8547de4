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
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from ..errors import CredentialCheckError
from ._canon import DEFAULT_BUDGET
from ._contexts import ContextLoader, context_urls
from ._jwt import parse_jwt, verify_jwt
from ._multibase import ed25519_multikey
from ._result import UNVERIFIED_CODES, Reason, VerificationResult
from ._status import check_status
from ._suites import SUITES, hash_data, verify_ed25519
from .registry import IssuerEntry, TrustRegistry

__all__ = ["MAX_BYTES", "verify_credential"]

MAX_BYTES = 1_000_000

_VC_BASE = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")
_OB2 = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
_CREDENTIAL_TYPES = {
    "OpenBadgeCredential": "AchievementSubject",
    "AchievementCredential": "AchievementSubject",
    "ClrCredential": "ClrSubject",
    "EndorsementCredential": "EndorsementSubject",
}
# (path, expected type, required): `*` is every item of a list (or the one object)
_TYPED: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("issuer",), "Profile", True),
    (("issuer", "parentOrg"), "Profile", False),
    (("issuer", "otherIdentifier", "*"), "IdentifierEntry", False),
    (("credentialSubject", "identifier", "*"), "IdentityObject", False),
    (("credentialSubject", "source"), "Profile", False),
    (("credentialSubject", "result", "*"), "Result", False),
    (("credentialSubject", "result", "*", "alignment", "*"), "Alignment", False),
    (("credentialSubject", "achievement"), "Achievement", False),
    (("credentialSubject", "achievement", "creator"), "Profile", False),
    (("credentialSubject", "achievement", "alignment", "*"), "Alignment", False),
    (("credentialSubject", "achievement", "resultDescription", "*"), "ResultDescription", False),
    (
        ("credentialSubject", "achievement", "resultDescription", "*", "rubricCriterionLevel", "*"),
        "RubricCriterionLevel",
        False,
    ),
    (("evidence", "*"), "Evidence", False),
)


class _Run:
    def __init__(self) -> None:
        self.reasons: list[Reason] = []
        self.checks: list[str] = []
        self.warnings: list[str] = []
        self.method: str | None = None

    def fail(self, code: str, message: str, field: str | None = None) -> None:
        if not any(r.code == code and r.field == field for r in self.reasons):
            self.reasons.append(Reason(code, message, field))

    def caught(self, e: CredentialCheckError, field: str | None = None) -> None:
        self.fail(e.code, e.message, field)


def _types(value: Any) -> list[str]:
    t = value.get("type") if isinstance(value, dict) else None
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return []


def _walk(node: Any, path: tuple[str, ...], shown: str) -> Iterator[tuple[str, Any]]:
    if not path:
        yield shown, node
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from _walk(item, rest, f"{shown}[{i}]")
        elif node is not None:
            yield from _walk(node, rest, shown)
        return
    if isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest, f"{shown}.{head}" if shown else head)


def _instant(value: Any, field: str, run: _Run) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # JWT NumericDate
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (ValueError, OverflowError, OSError):
            run.fail("malformed", f"{field} is not a date-time: {value!r}", field)
            return None
    if isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    run.fail("malformed", f"{field} is not an ISO 8601 date-time: {value!r}", field)
    return None


def _check_context(doc: dict[str, Any], loader: ContextLoader, run: _Run) -> bool:
    ctx = doc.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    ok = True
    if first not in _VC_BASE:
        run.fail(
            "bad_context",
            f"the first @context must be a VC base context ({', '.join(_VC_BASE)}), got {first!r}",
            "@context",
        )
        ok = False
    for url in context_urls(doc):
        if not loader.knows(url):
            run.fail("unknown_context", f"JSON-LD context {url!r} is not vendored", "@context")
            ok = False
    run.checks.append("context")
    return ok


def _check_types(doc: dict[str, Any], run: _Run) -> None:
    ctypes = _types(doc)
    kinds = [t for t in ctypes if t in _CREDENTIAL_TYPES]
    if "VerifiableCredential" not in ctypes or not kinds:
        run.fail(
            "invalid_type",
            "type must include VerifiableCredential and one of " + ", ".join(_CREDENTIAL_TYPES),
            "type",
        )
    issuer = doc.get("issuer")
    if issuer is None:
        run.fail("missing_issuer", "the credential names no issuer", "issuer")
    elif not isinstance(issuer, (str, dict)) or (isinstance(issuer, dict) and "id" not in issuer):
        run.fail("missing_issuer", "issuer must be an IRI or a profile with an id", "issuer")
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict):
        run.fail("invalid_type", "credentialSubject must be one object", "credentialSubject")
    elif kinds:
        want = _CREDENTIAL_TYPES[kinds[0]]
        if want not in _types(subject):
            run.fail(
                "invalid_type",
                f"credentialSubject.type must include {want}, got {_types(subject)}",
                "credentialSubject.type",
            )
    for path, want, required in _TYPED:
        for shown, node in _walk(doc, path, ""):
            if not isinstance(node, dict):
                continue  # an IRI reference
            got = _types(node)
            if (got or required) and want not in got:
                run.fail("invalid_type", f"{shown}.type must include {want}, got {got}", shown)
    run.checks.append("types")


def _check_dates(doc: dict[str, Any], now: dt.datetime, run: _Run) -> None:
    for key in ("validFrom", "issuanceDate"):
        start = _instant(doc.get(key), key, run)
        if start is not None and start > now:
            run.fail("not_yet_valid", f"{key} {doc[key]} is after {now.isoformat()}", key)
    for key in ("validUntil", "expirationDate"):
        end = _instant(doc.get(key), key, run)
        if end is not None and end <= now:
            run.fail("expired", f"{key} {doc[key]} is not after {now.isoformat()}", key)
    run.checks.append("dates")


def _check_status(doc: dict[str, Any], registry: TrustRegistry, run: _Run) -> None:
    issuer_id = _issuer_id(doc)
    entry = registry.issuer(issuer_id) if issuer_id else None
    for code, message, field in check_status(doc, registry, entry):
        run.fail(code, message, field)
    if "credentialStatus" in doc:
        run.checks.append("status")


def _issuer_id(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


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
    run: _Run,
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


def _check_proofs(
    doc: dict[str, Any],
    registry: TrustRegistry,
    loader: ContextLoader,
    now: dt.datetime,
    run: _Run,
    *,
    canonicalize: bool,
    budget: int,
) -> tuple[str | None, str | None]:
    raw = doc.get("proof")
    if raw is None:
        run.fail("no_proof", "the credential carries no proof (unsigned)", "proof")
        return None, None
    proofs = raw if isinstance(raw, list) else [raw]
    issuer_id = _issuer_id(doc)
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
        created = _instant(proof.get("created"), f"{field}.created", run)
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


def _as_now(now: dt.datetime | dt.date | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    if isinstance(now, dt.datetime):
        return now if now.tzinfo else now.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(now, dt.time(), dt.UTC)


def _result(
    run: _Run, fmt: str, doc: dict[str, Any] | None, entry: str | None, key: str | None
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
        issuer_id=_issuer_id(doc) if doc else None,
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
    run = _Run()
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
    if first in _OB2:
        return _verify_ob2(document, when, run)
    ok = _check_context(document, loader, run)
    _check_types(document, run)
    _check_dates(document, when, run)
    entry, key = _check_proofs(
        document, registry, loader, when, run, canonicalize=ok, budget=budget
    )
    _check_status(document, registry, run)
    return _result(run, "json-ld", document, entry, key)


def _verify_ob2(doc: dict[str, Any], now: dt.datetime, run: _Run) -> VerificationResult:
    """Open Badges 2.0: hosted assertions need a fetch, so they stay `hosted_unverified`."""
    if "Assertion" not in _types(doc):
        run.fail("invalid_type", "an Open Badges 2.0 document here must be an Assertion", "type")
    issued = _instant(doc.get("issuedOn"), "issuedOn", run)
    if issued is not None and issued > now:
        run.fail("not_yet_valid", f"issuedOn {doc['issuedOn']} is in the future", "issuedOn")
    expires = _instant(doc.get("expires"), "expires", run)
    if expires is not None and expires <= now:
        run.fail("expired", f"expires {doc['expires']} is past", "expires")
    run.checks.append("dates")
    run.method = run.method or "ob2-hosted"
    run.fail("hosted_unverified", "Open Badges 2.0 verification needs the hosted assertion")
    return _result(run, "ob2", doc, None, None)


def _verify_jwt_text(
    token: str, registry: TrustRegistry, now: dt.datetime, loader: ContextLoader, run: _Run
) -> VerificationResult:
    try:
        jwt = parse_jwt(token)
    except CredentialCheckError as e:
        run.caught(e)
        return _result(run, "vc-jwt", None, None, None)
    ctx = jwt.payload.get("@context")
    alg = jwt.header.get("alg")
    run.method = f"vc-jwt:{alg}" if isinstance(alg, str) else "vc-jwt"
    if (ctx[0] if isinstance(ctx, list) and ctx else ctx) in _OB2:
        run.method = "ob2-jws"
        run.warnings.append("an Open Badges 2.0 signed assertion: its key is hosted, not pinned")
        return _verify_ob2(jwt.payload, now, run)
    vc = jwt.payload.get("vc", jwt.payload if "@context" in jwt.payload else None)
    if not isinstance(vc, dict):
        run.fail("malformed", "the JWT payload carries no credential (vc claim)", "vc")
        return _result(run, "vc-jwt", None, None, None)
    _check_context(vc, loader, run)
    _check_types(vc, run)
    _check_dates(vc, now, run)
    _check_status(vc, registry, run)
    nbf = _instant(jwt.payload.get("nbf"), "nbf", run)
    if nbf is not None and nbf > now:
        run.fail("not_yet_valid", "the JWT nbf is in the future", "nbf")
    exp = _instant(jwt.payload.get("exp"), "exp", run)
    if exp is not None and exp <= now:
        run.fail("expired", "the JWT exp is past", "exp")
    issuer_id = _issuer_id(vc)
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
