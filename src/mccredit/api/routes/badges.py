"""`POST /v1/educators/{id}/badges`: take one badge in, verified (issue 12).

The body is the badge file itself, byte for byte: an Open Badges 3.0 / CLR 2.0 credential
(`application/json`, `application/ld+json`), a VC-JWT (`application/jwt`, `text/plain`), or a
baked badge (`image/png`, `image/svg+xml`); the reader finds which from the bytes. It is
verified against the rules' trust registry on `as_of` and handled as `mccredit ingest`
handles a file (`mccredit.store.ingest_badges`): 201 `accepted` (stored; the body says what
each credential earned), 200 `replay` (already stored), 422 `rejected` with every reason
(`errors`: the reason code as `type`, a JSON pointer into the badge). Roles and scope as the
other educator routes: licensure, payroll and admin keys, educators in the key's scope (404
otherwise).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from ...errors import InputError
from ...io.badge_files import read_badge
from ...store import ingest_badges
from ..deps import EvaluatorDep, KeyDep, RequestIdDep, WriteSessionDep
from ..models import IsoDate
from ..problems import ApiProblem
from ._shared import FORBIDDEN, NOT_FOUND, EducatorId, EducatorJurisdiction, not_found

router = APIRouter(prefix="/educators", tags=["educators"])

ROLES = ("licensure", "payroll", "admin")

MEDIA_TYPES = (
    "application/json",
    "application/ld+json",
    "application/jwt",
    "text/plain",
    "image/png",
    "image/svg+xml",
)


class BadgeCredentialPublic(BaseModel):
    id: str
    issuer: str | None
    status: str = Field(description="accepted, replay or rejected")
    verification: dict[str, Any] | None = Field(
        description="status (verified, unsigned, hosted_unverified, invalid_signature, "
        "untrusted_issuer, expired, not_yet_valid, revoked, suspended, recipient_mismatch, "
        "malformed), reason, reasons, method, issuer, registry_entry, checked"
    )
    reasons: list[dict[str, Any]]
    credited: list[dict[str, Any]] = Field(description="ledger lines earned: unit, amount, rule")
    warnings: list[dict[str, Any]]


class BadgeIntakePublic(BaseModel):
    file: str
    sha256: str | None
    status: str = Field(description="accepted, replay or rejected")
    reasons: list[dict[str, Any]]
    credentials: list[BadgeCredentialPublic]


EXAMPLE: dict[str, Any] = {
    "file": "close-reading.json",
    "sha256": "5f2b0c3e8a1d4f6b9c7e2a1d3f5b7c9e1a3d5f7b9c1e3a5d7f9b1c3e5a7d9f1b",
    "status": "accepted",
    "reasons": [],
    "credentials": [
        {
            "id": "urn:uuid:6a1f0000-0000-4000-8000-000000000001",
            "issuer": "digital-promise",
            "status": "accepted",
            "verification": {
                "status": "verified",
                "reason": None,
                "reasons": [],
                "method": "eddsa-rdfc-2022",
                "issuer": "https://digitalpromise.org",
                "registry_entry": "digital-promise",
                "checked": "2026-06-30",
            },
            "reasons": [],
            "credited": [{"unit": "pdp", "amount": "6.00", "rule": "tn.pdp.micro_credential"}],
            "warnings": [],
        }
    ],
}


async def raw_body(request: Request) -> bytes:
    """The request body exactly as sent (the size guard has already limited it)."""
    return await request.body()


def _pointer(field: str | None) -> str:
    if not field:
        return ""
    parts = [p for p in re.split(r"\.|\[(\d+)\]", field) if p]
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _errors(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"type": r.get("code"), "msg": r.get("message"), "pointer": _pointer(r.get("field"))}
        for r in reasons
    ]


@router.post(
    "/{educator_id}/badges",
    response_model=BadgeIntakePublic,
    status_code=201,
    responses={
        201: {
            "description": "Accepted: stored, with what each credential earned.",
            "content": {"application/json": {"example": EXAMPLE}},
        },
        200: {
            "model": BadgeIntakePublic,
            "description": "A replay: already stored.",
            "content": {"application/json": {"example": {**EXAMPLE, "status": "replay"}}},
        },
        422: {"description": "Rejected: unreadable, or not creditable; `errors` says why."},
        **NOT_FOUND,
        **FORBIDDEN,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The badge file, byte for byte.",
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in MEDIA_TYPES},
        }
    },
)
def add_badge(
    educator_id: EducatorId,
    body: Annotated[bytes, Depends(raw_body)],
    key: KeyDep,
    session: WriteSessionDep,
    response: Response,
    request_id: RequestIdDep,
    evaluator: EvaluatorDep,
    as_of: Annotated[
        IsoDate | None, Query(description="Verify dates and keys on this day (default: today).")
    ] = None,
    filename: Annotated[
        str | None, Query(max_length=200, description="The file's name, for the record.")
    ] = None,
    jurisdiction: EducatorJurisdiction = None,
) -> BadgeIntakePublic:
    """Take in one badge: verified, stored with its original bytes when the educator's
    jurisdiction credits its verification result, idempotent by credential id."""
    key.require(*ROLES)
    source = filename or "request"
    try:
        files = [read_badge(body, source=source)]
        unreadable = []
    except InputError as e:
        files, unreadable = [], list(e.problems)
    report = ingest_badges(
        session=session,
        educator_id=educator_id,
        files=files,
        unreadable=unreadable,
        scopes=key.scopes,
        actor=key.actor,
        rules=evaluator.rules,
        as_of=as_of,
        request_id=request_id,
        jurisdiction=jurisdiction,
    )
    if report is None:
        raise not_found("educator", educator_id)
    (outcome,) = report
    if outcome.status == "rejected":
        reasons = list(outcome.reasons)
        for c in outcome.credentials:
            reasons.extend(c.reasons)
        raise ApiProblem(
            422,
            f"badge rejected: {'; '.join(str(r.get('code')) for r in reasons) or 'not taken in'}",
            kind="badge-rejected",
            title="Badge rejected",
            errors=_errors(reasons),
        )
    session.commit()
    response.status_code = 201 if outcome.status == "accepted" else 200
    return BadgeIntakePublic.model_validate(outcome.as_dict())
