"""Open Badges and CLR intake: normalize badge documents to earned credentials.

Accepted shapes (1EdTech specs, https://www.imsglobal.org/spec/ob/v3p0/ and /spec/clr/v2p0/):
- Open Badges 3.0 `OpenBadgeCredential` / `AchievementCredential` (a W3C Verifiable
  Credential): `issuer` (profile with `id`, `name`, or an IRI), `validFrom` (VC 2.0) or
  `issuanceDate` (VC 1.1), `credentialSubject.achievement` with `id`, `name`, `humanCode`,
  `achievementType`, `tag`, `creditsAvailable`;
- CLR 2.0 `ClrCredential`: each of `credentialSubject.verifiableCredential[]`;
- Open Badges 2.0 `Assertion`: `badge` (a BadgeClass object with `issuer`), `issuedOn`.

Mapping: the issuer becomes a catalog issuer id when its profile id, address or name matches
a catalog issuer (`CatalogIssuer.name` / `address` / `profile_ids`), otherwise a slug of its
name (which no jurisdiction accepts until it is catalogued: the evaluation then warns);
`achievementType` MicroCredential/Badge → `micro_credential`, Course → `workshop`, degrees →
`degree` (code `masters` / `doctorate` / `bachelors`), anything else → `other`; the code is
`humanCode`, else the achievement id; `tag` values become categories; `creditsAvailable`
becomes contact hours only when the achievement says its credits are hours
(`creditsAvailable` with `creditUnit`/`creditType` mentioning "hour"), otherwise catalog hours
apply.

Verification (issue 12): given a trust registry, every document is checked with
`mccredit.verify.verify_credential` against the `as_of` date and the credential it becomes
carries a `VerificationRecord` (`verified`, `unsigned`, `expired`, …, with every failed check).
A verified document whose registry entry names its `catalog_issuer` takes that issuer id (the
registry, not the document's self-declared name, says who signed it). A CLR bundle is checked
as a whole and each credential inside on its own: an entry carries its own result plus every
failure of the bundle (a bundle that fails makes each entry fail; a verified bundle does not
make an unsigned entry verified, since the bundle's signer is not the entry's issuer). A CLR
with more than `MAX_CLR_ENTRIES` entries is refused whole (`badge.too_many_entries`).
Whether a result earns credit is the jurisdiction's policy (`accept.verification`), applied by
the engine; this module only records what was found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import CredentialCheckError, InputError, Problem
from ..verify import TrustRegistry, VerificationResult, verify_credential
from ..verify._jwt import parse_jwt
from ..verify._result import verification_of
from .badge_files import BadgeFile
from .educator import VerificationReason, VerificationRecord

__all__ = [
    "MAX_CLR_ENTRIES",
    "BadgeIntake",
    "badge_credentials",
    "intake_badges",
    "is_badge",
    "normalize_badges",
    "verification_record",
    "verify_badge",
]

#: the most credentials one CLR bundle may hold (a parameter: no source states a limit; real
#: transcripts hold tens to a few hundred achievements)
MAX_CLR_ENTRIES = 500

_DEGREES = {
    "masterdegree": "masters",
    "doctoraldegree": "doctorate",
    "bachelordegree": "bachelors",
    "associatedegree": "associate",
}


def _types(doc: dict[str, Any]) -> set[str]:
    t = doc.get("type", [])
    return {t} if isinstance(t, str) else {str(x) for x in t} if isinstance(t, list) else set()


def is_badge(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    t = _types(doc)
    return bool(t & {"OpenBadgeCredential", "AchievementCredential", "ClrCredential", "Assertion"})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def _issuer_id(issuer: Any, known: dict[str, tuple[str, ...]]) -> str | None:
    if isinstance(issuer, str):
        keys = {issuer.lower()}
        name = issuer
    elif isinstance(issuer, dict):
        keys = {str(issuer.get(k, "")).lower() for k in ("id", "name", "url")} - {""}
        name = str(issuer.get("name") or issuer.get("id") or "")
    else:
        return None
    for iid, aliases in known.items():
        if keys & {a.lower() for a in aliases}:
            return iid
        if any(
            k.startswith(a.lower().rstrip("/"))
            for a in aliases
            if a.startswith("http")
            for k in keys
        ):
            return iid
    return _slug(name) if name else None


def _num(value: Any) -> Decimal | None:
    try:
        return None if value is None or isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _one(
    doc: dict[str, Any],
    where: tuple[str | int, ...],
    known: dict[str, tuple[str, ...]],
    problems: list[Problem],
) -> dict[str, Any] | None:
    t = _types(doc)
    if "Assertion" in t:
        badge = _dict(doc.get("badge"))
        issuer = badge.get("issuer")
        date_field = "issuedOn"
        ach: dict[str, Any] = {
            "id": badge.get("id"),
            "name": badge.get("name"),
            "achievementType": "Badge",
            "tag": badge.get("tags", []),
        }
    else:
        issuer = doc.get("issuer")
        date_field = next(
            (f for f in ("validFrom", "issuanceDate", "awardedDate") if doc.get(f)), "validFrom"
        )
        found = _dict(doc.get("credentialSubject")).get("achievement")
        if not isinstance(found, dict):
            problems.append(
                Problem(
                    type="badge.no_achievement",
                    loc=(*where, "credentialSubject"),
                    message="an OpenBadgeCredential needs credentialSubject.achievement "
                    "(an object)",
                )
            )
            return None
        ach = found
    raw_date = doc.get(date_field)
    earned = _date(raw_date)
    if earned is None:
        problems.append(
            Problem(
                type="badge.date",
                loc=(*where, date_field),
                message="the badge needs a real date (validFrom / issuanceDate / issuedOn)",
                expected="YYYY-MM-DD or an ISO date-time",
                got=None if raw_date is None else repr(raw_date),
            )
        )
        return None
    if issuer is not None and not isinstance(issuer, (str, dict)):
        problems.append(
            Problem(
                type="badge.issuer",
                loc=(*where, "issuer"),
                message="issuer must be a profile object or an IRI string",
                got=repr(issuer),
            )
        )
        return None
    low = str(ach.get("achievementType") or "").replace("ext:", "").lower()
    code = ach.get("humanCode") or ach.get("id")
    if low in ("microcredential", "badge"):
        kind = "micro_credential"
    elif low == "course":
        kind = "workshop"
    elif low in _DEGREES:
        kind, code = "degree", _DEGREES[low]
    else:
        kind = "other"
    tags = ach.get("tag", [])
    if not isinstance(tags, list) or not all(isinstance(x, str) for x in tags):
        tag_loc = (
            ("badge", "tags") if "Assertion" in t else ("credentialSubject", "achievement", "tag")
        )
        problems.append(
            Problem(
                type="badge.tag",
                loc=(*where, *tag_loc),
                message="tags must be a list of strings",
                got=repr(tags),
            )
        )
        return None
    out: dict[str, Any] = {
        "id": str(
            doc.get("id")
            or "badge-"
            + hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]
        ),
        "kind": kind,
        "issuer": _issuer_id(issuer, known),
        "code": None if code is None else str(code),
        "title": None if ach.get("name") is None else str(ach.get("name")),
        "earned": earned,
        "categories": list(tags),
        "evidence": _evidence(doc),
    }
    credits = _num(ach.get("creditsAvailable"))
    unit = str(ach.get("creditUnit") or ach.get("creditType") or "").lower()
    if credits is not None and "hour" in unit:
        out["contact_hours"] = credits
    return {k: v for k, v in out.items() if v is not None}


def _evidence(doc: dict[str, Any]) -> str | None:
    """The documentation link of a badge: its first `evidence` address, else its own id when
    that is a web address (a hosted assertion or credential)."""
    ev = doc.get("evidence")
    for item in ev if isinstance(ev, list) else [ev]:
        ref = item.get("id") if isinstance(item, dict) else item
        if isinstance(ref, str) and ref.startswith(("https://", "http://")):
            return ref[:2000]
    own = doc.get("id")
    if isinstance(own, str) and own.startswith(("https://", "http://")):
        return own[:2000]
    return None


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def verification_record(result: VerificationResult, checked: dt.date | None) -> VerificationRecord:
    """The record a credential keeps of its verification result."""
    return VerificationRecord(
        status=result.verification,
        reason=result.reason,
        reasons=[
            VerificationReason(code=r.code, message=r.message, field=r.field)
            for r in result.reasons
        ],
        method=result.method,
        issuer=result.issuer_id,
        registry_entry=result.registry_entry,
        checked=checked,
    )


def _add_reasons(record: VerificationRecord, extra: list[VerificationReason]) -> VerificationRecord:
    reasons = [*record.reasons, *extra]
    codes = [r.code for r in reasons]
    return record.model_copy(
        update={
            "status": verification_of(codes),
            "reason": codes[0],
            "reasons": reasons,
            "registry_entry": None,
        }
    )


_IDENTITY_TYPES = {
    "email": "email",
    "emailaddress": "email",
    "mailto": "email",
    "license_number": "license_number",
    "licensenumber": "license_number",
    "educator_id": "educator_id",
    "sourcedid": "sourced_id",
    "sourced_id": "sourced_id",
    "studentid": "sourced_id",
    "did": "did",
    "url": "url",
}


def _hash_matches(claimed: str, value: str, salt: str) -> bool:
    algo, _, digest = claimed.partition("$")
    if algo.lower() not in ("sha256", "md5") or not digest:
        return False
    h = hashlib.new(algo.lower(), (value + salt).encode()).hexdigest()
    return secrets_compare(h, digest.lower())


def secrets_compare(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


def _claims(doc: dict[str, Any]) -> list[tuple[str | None, str, bool, str]]:
    """The recipient identities a badge claims: (type, identity or hash, hashed, salt)."""
    out: list[tuple[str | None, str, bool, str]] = []
    subject = doc.get("credentialSubject")
    if isinstance(subject, dict):
        sid = subject.get("id")
        if isinstance(sid, str) and sid:
            if sid.startswith("mailto:"):
                out.append(("email", sid[7:], False, ""))
            else:
                out.append((None, sid, False, ""))
        ids = subject.get("identifier")
        for item in ids if isinstance(ids, list) else [ids] if isinstance(ids, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("identityHash"), str):
                out.append(
                    (
                        str(item.get("identityType") or ""),
                        item["identityHash"],
                        bool(item.get("hashed")),
                        str(item.get("salt") or ""),
                    )
                )
    recipient = doc.get("recipient")  # Open Badges 2.0 IdentityObject
    if isinstance(recipient, dict) and isinstance(recipient.get("identity"), str):
        out.append(
            (
                str(recipient.get("type") or ""),
                recipient["identity"],
                bool(recipient.get("hashed")),
                str(recipient.get("salt") or ""),
            )
        )
    return out


def recipient_reason(
    doc: dict[str, Any], identities: list[tuple[str, str]]
) -> VerificationReason | None:
    """`recipient_mismatch` when the badge names a recipient (OB 3.0 `credentialSubject.id` /
    `identifier[]`, OB 2.0 `recipient`) and none of the educator's identities is it: a plain
    identity compares equal (emails case-insensitively), a hashed one (`sha256$…`, `md5$…`,
    salted) compares by hashing each identity of the same type. A badge naming no recipient
    is not refused here (there is nothing to bind)."""
    claims = _claims(doc)
    if not claims:
        return None
    for ctype, claimed, hashed, salt in claims:
        kind = _IDENTITY_TYPES.get((ctype or "").lower().replace("_", "")) if ctype else None
        if ctype and kind is None:
            kind = _IDENTITY_TYPES.get((ctype or "").lower())
        for itype, value in identities:
            if kind is not None and itype != kind and not (itype == "other"):
                continue
            if hashed:
                variants = {value, value.lower()} if itype == "email" else {value}
                if any(_hash_matches(claimed, v, salt) for v in variants):
                    return None
            elif (claimed.lower() == value.lower()) if itype == "email" else claimed == value:
                return None
    return VerificationReason(
        code="recipient_mismatch",
        message="the badge's recipient is none of the educator's declared identifiers",
        field="credentialSubject"
        if isinstance(doc.get("credentialSubject"), dict)
        else "recipient",
    )


def _with_bundle(own: VerificationRecord, bundle: VerificationRecord) -> VerificationRecord:
    """A CLR entry's record: its own checks plus every failure of the bundle around it
    (`no_proof` of the bundle excepted: an unsigned bundle says nothing against its entries)."""
    extra = [
        VerificationReason(
            code=r.code,
            message=f"the CLR bundle: {r.message}",
            field=f"bundle.{r.field or ''}".rstrip("."),
        )
        for r in bundle.reasons
        if r.code != "no_proof"
    ]
    return _add_reasons(own, extra) if extra else own


def _payload(doc: Any) -> Any:
    """The credential a badge document holds: a VC-JWT string gives its `vc` claim (or the
    payload itself when it is the credential); anything else is itself."""
    if not isinstance(doc, str):
        return doc
    try:
        jwt = parse_jwt(doc)
    except CredentialCheckError:
        return None
    vc = jwt.payload.get("vc", jwt.payload)
    if isinstance(vc, dict) and "id" not in vc and isinstance(jwt.payload.get("jti"), str):
        vc = {**vc, "id": jwt.payload["jti"]}
    return vc


class _Verifier:
    def __init__(
        self,
        registry: TrustRegistry | None,
        as_of: dt.date | None,
        recipient: list[tuple[str, str]] | None = None,
    ) -> None:
        self.registry = registry
        self.as_of = as_of
        self.recipient = recipient

    def __call__(self, doc: Any) -> VerificationRecord | None:
        if self.registry is None:
            return None
        when = self.as_of or dt.date.today()
        record = verification_record(verify_credential(doc, self.registry, when), when)
        payload = _payload(doc)
        if self.recipient is not None and isinstance(payload, dict):
            reason = recipient_reason(payload, self.recipient)
            if reason is not None:
                record = _add_reasons(record, [reason])
        return record

    def catalog_issuer(self, record: VerificationRecord | None) -> str | None:
        if record is None or record.registry_entry is None or self.registry is None:
            return None
        for entry in self.registry.entries:
            if entry.id == record.registry_entry:
                return entry.catalog_issuer
        return None


def normalize_badges(
    docs: Any,
    *,
    known_issuers: dict[str, tuple[str, ...]] | None = None,
    loc: tuple[str | int, ...] = ("badges",),
    registry: TrustRegistry | None = None,
    as_of: dt.date | None = None,
    recipient: list[tuple[str, str]] | None = None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Normalize badge documents (OB 3.0, OB 2.0, CLR 2.0; JSON objects or VC-JWT strings) to
    credential dicts, with a located problem for each document that cannot be read (never an
    exception). With a `registry`, each credential carries its `verification` record (checked
    against `as_of`, default today); without one, nothing is verified. `recipient`, the
    educator's (type, value) identities, binds each badge to them: a badge naming a recipient
    none of them matches is `recipient_mismatch` (see `recipient_reason`)."""
    return _normalize(docs, known_issuers or {}, loc, _Verifier(registry, as_of, recipient), None)


def _normalize(
    docs: Any,
    known: dict[str, tuple[str, ...]],
    loc: tuple[str | int, ...],
    verifier: _Verifier,
    bundle: VerificationRecord | None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    if not isinstance(docs, list):
        return [], [Problem(type="badge.list", loc=loc, message="expected a list of badges")]
    for i, raw in enumerate(docs):
        where = (*loc, i)
        doc = _payload(raw)
        if not is_badge(doc):
            problems.append(
                Problem(
                    type="badge.unknown_type",
                    loc=(*where, "type"),
                    message="not an OpenBadgeCredential, AchievementCredential, "
                    "ClrCredential or Open Badges 2.0 Assertion"
                    + (" (an unreadable VC-JWT)" if isinstance(raw, str) and doc is None else ""),
                )
            )
            continue
        record = verifier(raw)
        if record is not None and bundle is not None:
            record = _with_bundle(record, bundle)
        if "ClrCredential" in _types(doc):
            subject = doc.get("credentialSubject")
            inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
            if not isinstance(inner, list):
                problems.append(
                    Problem(
                        type="badge.clr",
                        loc=(*where, "credentialSubject"),
                        message="a ClrCredential needs credentialSubject.verifiableCredential "
                        "(a list of credentials)",
                    )
                )
                continue
            if len(inner) > MAX_CLR_ENTRIES:
                problems.append(
                    Problem(
                        type="badge.too_many_entries",
                        loc=(*where, "credentialSubject", "verifiableCredential"),
                        message=f"a CLR bundle here holds at most {MAX_CLR_ENTRIES} credentials",
                        expected=f"at most {MAX_CLR_ENTRIES}",
                        got=str(len(inner)),
                    )
                )
                continue
            creds, more = _normalize(
                inner,
                known,
                (*where, "credentialSubject", "verifiableCredential"),
                verifier,
                record,
            )
            out.extend(creds)
            problems.extend(more)
            continue
        got = _one(doc, where, known, problems)
        if got is not None:
            if record is not None:
                got["verification"] = record.model_dump(mode="json")
                issuer = verifier.catalog_issuer(record)
                if issuer is not None:
                    got["issuer"] = issuer
            out.append(got)
    return out, problems


def badge_credentials(
    docs: Iterable[Any],
    *,
    known_issuers: dict[str, tuple[str, ...]] | None = None,
    loc: tuple[str | int, ...] = ("badges",),
) -> list[dict[str, Any]]:
    """Like `normalize_badges`, raising `InputError` with every problem."""
    out, problems = normalize_badges(list(docs), known_issuers=known_issuers, loc=loc)
    if problems:
        raise InputError(problems)
    return out


@dataclass(frozen=True)
class BadgeIntake:
    """What one badge file gave: the credentials it holds (a CLR gives several), each with its
    `verification`, or the problems that kept it from being read; `replays` are the credential
    ids an earlier file of the same intake already gave with the same content."""

    file: BadgeFile
    credentials: tuple[dict[str, Any], ...] = ()
    problems: tuple[Problem, ...] = ()
    replays: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def intake_badges(
    files: Iterable[BadgeFile],
    *,
    registry: TrustRegistry,
    as_of: dt.date | None = None,
    known_issuers: dict[str, tuple[str, ...]] | None = None,
    recipient: list[tuple[str, str]] | None = None,
) -> list[BadgeIntake]:
    """Read, normalize and verify badge files, one `BadgeIntake` per file, in order.

    Idempotent by credential id (an educator's credential ids are unique; the store keeps one
    issuer per id). Of the credentials sharing an id, the first verified one is taken in (else
    the first): an identical copy elsewhere is a replay (listed, not
    repeated); a different one is a problem (`badge.conflict`, naming its own verification
    result) for its file, which then gives nothing (never half a CLR)."""
    read: list[tuple[BadgeFile, list[dict[str, Any]], list[Problem]]] = []
    for f in files:
        creds, problems = normalize_badges(
            [f.credential],
            known_issuers=known_issuers,
            loc=(),
            registry=registry,
            as_of=as_of,
            recipient=recipient,
        )
        problems = [replace(p, path=p.path or f.source, loc=p.loc[1:]) for p in problems]
        read.append((f, creds if not problems else [], problems))
    # the winner of each (issuer, id): the first verified occurrence, else the first
    winner: dict[str, tuple[int, str, bool, str]] = {}
    for n, (f, creds, _) in enumerate(read):
        for c in creds:
            key = str(c["id"])
            verified = (c.get("verification") or {}).get("status") == "verified"
            held = winner.get(key)
            if held is None or (verified and not held[2]):
                winner[key] = (n, f.source, verified, _digest(c))
    out: list[BadgeIntake] = []
    for n, (f, creds, problems) in enumerate(read):
        fresh: list[dict[str, Any]] = []
        replays: list[str] = []
        for c in creds:
            key = str(c["id"])
            first, source, _, digest = winner[key]
            if (
                first == n
                and digest == _digest(c)
                and not any(x is not c and _same(x, c) for x in fresh)
            ):
                fresh.append(c)
            elif digest == _digest(c):
                replays.append(str(c["id"]))
            else:
                v = c.get("verification") or {}
                result = " ".join(str(x) for x in (v.get("status"), v.get("reason")) if x)
                problems.append(
                    Problem(
                        type="badge.conflict",
                        message=f"credential {c['id']!r} of {c.get('issuer')!r} (verification "
                        f"{result}) has the id of the one taken in from {source}, with different "
                        "content; not taken in",
                        path=f.source,
                        loc=("id",),
                    )
                )
        if problems:
            out.append(BadgeIntake(f, problems=tuple(problems)))
        else:
            out.append(BadgeIntake(f, credentials=tuple(fresh), replays=tuple(replays)))
    return out


def _digest(c: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(c, sort_keys=True, default=str).encode()).hexdigest()


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["id"] == b["id"])


def verify_badge(
    file: BadgeFile, *, registry: TrustRegistry, as_of: dt.date | None = None
) -> list[tuple[str | None, str | None, VerificationRecord]]:
    """(credential id, issuer id, verification) for the credential in `file` and, for a CLR
    bundle, for each credential inside it after the bundle (each entry with the bundle's
    failures added, as intake records it). Never raises for a bad credential."""
    verifier = _Verifier(registry, as_of)
    out: list[tuple[str | None, str | None, VerificationRecord]] = []

    def walk(raw: Any, bundle: VerificationRecord | None) -> None:
        record = verifier(raw)
        assert record is not None
        if bundle is not None:
            record = _with_bundle(record, bundle)
        doc = _payload(raw)
        cid = doc.get("id") if isinstance(doc, dict) else None
        out.append((cid if isinstance(cid, str) else None, record.issuer, record))
        subject = doc.get("credentialSubject") if isinstance(doc, dict) else None
        inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
        if "ClrCredential" in _types(doc if isinstance(doc, dict) else {}) and isinstance(
            inner, list
        ):
            if len(inner) > MAX_CLR_ENTRIES:
                reason = VerificationReason(
                    code="too_many_entries",
                    message=f"a CLR bundle here holds at most {MAX_CLR_ENTRIES} credentials, "
                    f"this one {len(inner)}",
                    field="credentialSubject.verifiableCredential",
                )
                out[-1] = (out[-1][0], out[-1][1], _add_reasons(record, [reason]))
                return
            for item in inner:
                walk(item, record)

    walk(file.credential, None)
    return out
