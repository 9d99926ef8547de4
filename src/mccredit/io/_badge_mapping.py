"""Reading one badge document: the shapes `mccredit.io.badges` accepts and how each maps to a
credential dict (issuer, kind, code, categories, contact hours, evidence; see that module)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import CredentialCheckError, Problem
from ..verify._jwt import parse_jwt

__all__ = ["badge_types", "credential_of", "is_badge", "payload_of"]

_DEGREES = {
    "masterdegree": "masters",
    "doctoraldegree": "doctorate",
    "bachelordegree": "bachelors",
    "associatedegree": "associate",
}


def badge_types(doc: dict[str, Any]) -> set[str]:
    t = doc.get("type", [])
    return {t} if isinstance(t, str) else {str(x) for x in t} if isinstance(t, list) else set()


def is_badge(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    t = badge_types(doc)
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


def credential_of(
    doc: dict[str, Any],
    where: tuple[str | int, ...],
    known: dict[str, tuple[str, ...]],
    problems: list[Problem],
) -> dict[str, Any] | None:
    t = badge_types(doc)
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


def payload_of(doc: Any) -> Any:
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
