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

import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import InputError, Problem

__all__ = ["badge_credentials", "is_badge"]

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
    if issuer is None:
        return None
    if isinstance(issuer, str):
        keys = {issuer.lower()}
        name = issuer
    else:
        keys = {str(issuer.get(k, "")).lower() for k in ("id", "name", "url")} - {""}
        name = str(issuer.get("name") or issuer.get("id") or "")
    for iid, aliases in known.items():
        if keys & {a.lower() for a in aliases}:
            return iid
        if any(
            a and k.startswith(a.lower().rstrip("/"))
            for a in aliases
            if a.startswith("http")
            for k in keys
        ):
            return iid
    return _slug(name) if name else None


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    return value[:10]


def _num(value: Any) -> Decimal | None:
    try:
        return None if value is None or isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        return None


def _one(
    doc: dict[str, Any],
    where: tuple[str | int, ...],
    known: dict[str, tuple[str, ...]],
    problems: list[Problem],
) -> dict[str, Any] | None:
    t = _types(doc)
    if "Assertion" in t:
        badge = doc.get("badge") if isinstance(doc.get("badge"), dict) else {}
        assert isinstance(badge, dict)
        issuer = badge.get("issuer")
        earned = _date(doc.get("issuedOn"))
        ach: dict[str, Any] = {
            "id": badge.get("id"),
            "name": badge.get("name"),
            "achievementType": "Badge",
            "tag": badge.get("tags", []),
        }
    else:
        issuer = doc.get("issuer")
        earned = _date(doc.get("validFrom") or doc.get("issuanceDate") or doc.get("awardedDate"))
        subject = doc.get("credentialSubject") or {}
        found = subject.get("achievement") if isinstance(subject, dict) else None
        if not isinstance(found, dict):
            problems.append(
                Problem(
                    type="badge.no_achievement",
                    loc=(*where, "credentialSubject"),
                    message="an OpenBadgeCredential needs credentialSubject.achievement",
                )
            )
            return None
        ach = found
    if earned is None:
        problems.append(
            Problem(
                type="badge.no_date",
                loc=where,
                message="the badge has no validFrom / issuanceDate / issuedOn date",
            )
        )
        return None
    atype = str(ach.get("achievementType") or "").replace("ext:", "")
    low = atype.lower()
    code: str | None = ach.get("humanCode") or ach.get("id")
    if low in ("microcredential", "badge"):
        kind = "micro_credential"
    elif low == "course":
        kind = "workshop"
    elif low in _DEGREES:
        kind, code = "degree", _DEGREES[low]
    else:
        kind = "other"
    out: dict[str, Any] = {
        "id": str(
            doc.get("id")
            or "badge-"
            + hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]
        ),
        "kind": kind,
        "issuer": _issuer_id(issuer, known),
        "code": code,
        "title": ach.get("name"),
        "earned": earned,
        "categories": [str(x) for x in ach.get("tag", []) if isinstance(x, str)],
    }
    credits = _num(ach.get("creditsAvailable"))
    unit = str(ach.get("creditUnit") or ach.get("creditType") or "").lower()
    if credits is not None and "hour" in unit:
        out["contact_hours"] = credits
    return {k: v for k, v in out.items() if v is not None}


def badge_credentials(
    docs: Iterable[Any],
    *,
    known_issuers: dict[str, tuple[str, ...]] | None = None,
    loc: tuple[str | int, ...] = ("badges",),
) -> list[dict[str, Any]]:
    """Normalize badge documents (OB 3.0, OB 2.0, CLR 2.0) to credential dicts; raise
    `InputError` naming each document that cannot be read."""
    known = known_issuers or {}
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
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
            inner = (doc.get("credentialSubject") or {}).get("verifiableCredential") or []
            out.extend(
                badge_credentials(
                    inner,
                    known_issuers=known,
                    loc=(*where, "credentialSubject", "verifiableCredential"),
                )
            )
            continue
        got = _one(doc, where, known, problems)
        if got is not None:
            out.append(got)
    if problems:
        raise InputError(problems)
    return out
