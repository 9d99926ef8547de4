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

Reading one document (shapes, mapping) is `_badge_mapping`; the verification record, the
recipient binding and the registry check are `_badge_verify`; this module walks lists and CLR
bundles and takes files in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..errors import Problem
from ..verify import TrustRegistry
from ._badge_mapping import badge_types, credential_of, is_badge, payload_of
from ._badge_verify import Verifier, add_reasons, recipient_reason, verification_record, with_bundle
from .badge_files import BadgeFile
from .educator import VerificationReason, VerificationRecord

__all__ = [
    "MAX_CLR_ENTRIES",
    "BadgeIntake",
    "intake_badges",
    "is_badge",
    "normalize_badges",
    "recipient_reason",
    "verification_record",
    "verify_badge",
]

#: the most credentials one CLR bundle may hold (a parameter: no source states a limit; real
#: transcripts hold tens to a few hundred achievements)
MAX_CLR_ENTRIES = 500


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
    return _normalize(docs, known_issuers or {}, loc, Verifier(registry, as_of, recipient), None)


def _normalize(
    docs: Any,
    known: dict[str, tuple[str, ...]],
    loc: tuple[str | int, ...],
    verifier: Verifier,
    bundle: VerificationRecord | None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    if not isinstance(docs, list):
        return [], [Problem(type="badge.list", loc=loc, message="expected a list of badges")]
    for i, raw in enumerate(docs):
        where = (*loc, i)
        doc = payload_of(raw)
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
            record = with_bundle(record, bundle)
        if "ClrCredential" in badge_types(doc):
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
        got = credential_of(doc, where, known, problems)
        if got is not None:
            if record is not None:
                got["verification"] = record.model_dump(mode="json")
                issuer = verifier.catalog_issuer(record)
                if issuer is not None:
                    got["issuer"] = issuer
            out.append(got)
    return out, problems


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
    verifier = Verifier(registry, as_of)
    out: list[tuple[str | None, str | None, VerificationRecord]] = []

    def walk(raw: Any, bundle: VerificationRecord | None) -> None:
        record = verifier(raw)
        assert record is not None
        if bundle is not None:
            record = with_bundle(record, bundle)
        doc = payload_of(raw)
        cid = doc.get("id") if isinstance(doc, dict) else None
        out.append((cid if isinstance(cid, str) else None, record.issuer, record))
        subject = doc.get("credentialSubject") if isinstance(doc, dict) else None
        inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
        if "ClrCredential" in badge_types(doc if isinstance(doc, dict) else {}) and isinstance(
            inner, list
        ):
            if len(inner) > MAX_CLR_ENTRIES:
                reason = VerificationReason(
                    code="too_many_entries",
                    message=f"a CLR bundle here holds at most {MAX_CLR_ENTRIES} credentials, "
                    f"this one {len(inner)}",
                    field="credentialSubject.verifiableCredential",
                )
                out[-1] = (out[-1][0], out[-1][1], add_reasons(record, [reason]))
                return
            for item in inner:
                walk(item, record)

    walk(file.credential, None)
    return out
