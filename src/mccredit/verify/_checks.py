"""The checks of `verify_credential` that need no key: the run that collects every failure,
and steps 2-4 and 7 of its order (context, types, dates, status; see `_credential`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..errors import CredentialCheckError
from ._contexts import ContextLoader, context_urls
from ._result import Reason
from ._status import check_status
from .registry import TrustRegistry

__all__ = [
    "OB2",
    "Run",
    "check_context",
    "check_credential_status",
    "check_dates",
    "check_types",
    "instant",
    "issuer_of",
    "types_of",
]

_VC_BASE = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")
OB2 = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
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


class Run:
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


def types_of(value: Any) -> list[str]:
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


def instant(value: Any, field: str, run: Run) -> dt.datetime | None:
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


def check_context(doc: dict[str, Any], loader: ContextLoader, run: Run) -> bool:
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


def check_types(doc: dict[str, Any], run: Run) -> None:
    ctypes = types_of(doc)
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
        if want not in types_of(subject):
            run.fail(
                "invalid_type",
                f"credentialSubject.type must include {want}, got {types_of(subject)}",
                "credentialSubject.type",
            )
    for path, want, required in _TYPED:
        for shown, node in _walk(doc, path, ""):
            if not isinstance(node, dict):
                continue  # an IRI reference
            got = types_of(node)
            if (got or required) and want not in got:
                run.fail("invalid_type", f"{shown}.type must include {want}, got {got}", shown)
    run.checks.append("types")


def check_dates(doc: dict[str, Any], now: dt.datetime, run: Run) -> None:
    for key in ("validFrom", "issuanceDate"):
        start = instant(doc.get(key), key, run)
        if start is not None and start > now:
            run.fail("not_yet_valid", f"{key} {doc[key]} is after {now.isoformat()}", key)
    for key in ("validUntil", "expirationDate"):
        end = instant(doc.get(key), key, run)
        if end is not None and end <= now:
            run.fail("expired", f"{key} {doc[key]} is not after {now.isoformat()}", key)
    run.checks.append("dates")


def check_credential_status(doc: dict[str, Any], registry: TrustRegistry, run: Run) -> None:
    issuer_id = issuer_of(doc)
    entry = registry.issuer(issuer_id) if issuer_id else None
    for code, message, field in check_status(doc, registry, entry):
        run.fail(code, message, field)
    if "credentialStatus" in doc:
        run.checks.append("status")


def issuer_of(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None
