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
apply. Signatures (`proof`, VC-JWT) are NOT verified here: the credential is normalized and
the caller is told (`verified: false`) so a jurisdiction that requires verification can refuse it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import InputError, Problem

__all__ = ["badge_credentials", "is_badge", "normalize_badges"]

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


def normalize_badges(
    docs: Any,
    *,
    known_issuers: dict[str, tuple[str, ...]] | None = None,
    loc: tuple[str | int, ...] = ("badges",),
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Normalize badge documents (OB 3.0, OB 2.0, CLR 2.0) to credential dicts, with a
    located problem for each document that cannot be read (never an exception)."""
    known = known_issuers or {}
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    if not isinstance(docs, list):
        return [], [Problem(type="badge.list", loc=loc, message="expected a list of badges")]
    for i, doc in enumerate(docs):
        where = (*loc, i)
        if not is_badge(doc):
            problems.append(
                Problem(
                    type="badge.unknown_type",
                    loc=(*where, "type"),
                    message="not an OpenBadgeCredential, AchievementCredential, "
                    "ClrCredential or Open Badges 2.0 Assertion",
                )
            )
            continue
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
            creds, more = normalize_badges(
                inner,
                known_issuers=known,
                loc=(*where, "credentialSubject", "verifiableCredential"),
            )
            out.extend(creds)
            problems.extend(more)
            continue
        got = _one(doc, where, known, problems)
        if got is not None:
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
