"""Stored educators and their credentials; evaluating what is stored."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Query, Response

from ... import _api
from ...errors import ProblemsError
from ...io.educator import Credential, Educator
from ...store.repositories import (
    educator_input,
    educator_inputs,
    get_educator,
    intake_credential,
    list_educators,
    list_evaluations,
    put_educator,
    store_evaluation,
)
from ..deps import Evaluator, EvaluatorDep, KeyDep, RequestIdDep, SessionDep, WriteSessionDep
from ..models import (
    EXAMPLE_EDUCATOR,
    CredentialPublic,
    EducatorPublic,
    EducatorsPublic,
    EvaluationsPublic,
    IsoDate,
    StoredEvaluationPublic,
)
from ..problems import ApiProblem, problems_from
from ._shared import (
    FORBIDDEN,
    NOT_FOUND,
    EducatorId,
    EducatorJurisdiction,
    JurisdictionFilter,
    Limit,
    Offset,
    Responses,
    educator_public,
    evaluation_public,
    not_found,
    stored_public,
)

router = APIRouter(prefix="/educators", tags=["educators"])

ROLES = ("licensure", "payroll", "admin")
PAYROLL_ROLES = ("payroll", "admin")
"""Roles whose evaluation of a stored educator may propose a payroll change."""
CONFLICT: Responses = {409: {"description": "Conflicts with what is stored."}}


@router.get("", response_model=EducatorsPublic, responses=FORBIDDEN)
def list_educators_route(
    key: KeyDep,
    session: SessionDep,
    jurisdiction: JurisdictionFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> EducatorsPublic:
    """Educators in this key's scope."""
    key.require(*ROLES)
    rows, count = list_educators(
        session=session, scopes=key.scopes, jurisdiction=jurisdiction, limit=limit, offset=offset
    )
    docs = educator_inputs(session=session, records=rows)
    return EducatorsPublic(
        data=[educator_public(session, r, docs[r.id, r.jurisdiction]) for r in rows], count=count
    )


@router.get("/{educator_id}", response_model=EducatorPublic, responses={**NOT_FOUND, **FORBIDDEN})
def read_educator(
    educator_id: EducatorId,
    key: KeyDep,
    session: SessionDep,
    jurisdiction: EducatorJurisdiction = None,
) -> EducatorPublic:
    """One educator's stored input document, credentials included."""
    key.require(*ROLES)
    rec = get_educator(
        session=session, educator_id=educator_id, scopes=key.scopes, jurisdiction=jurisdiction
    )
    if rec is None:
        raise not_found("educator", educator_id)
    return educator_public(session, rec)


@router.put(
    "/{educator_id}",
    response_model=EducatorPublic,
    responses={
        201: {"model": EducatorPublic, "description": "Created."},
        **NOT_FOUND,
        **FORBIDDEN,
        **CONFLICT,
    },
)
def put_educator_route(
    educator_id: EducatorId,
    educator: Annotated[Educator, Body(openapi_examples={"tn": {"value": EXAMPLE_EDUCATOR}})],
    key: KeyDep,
    session: WriteSessionDep,
    response: Response,
    request_id: RequestIdDep,
    evaluator: EvaluatorDep,
) -> EducatorPublic:
    """Create or replace an educator's profile; credentials it lists are taken in
    idempotently, stored credentials it does not list are kept."""
    key.require(*ROLES)
    educator = evaluator.normalize(educator)
    if educator.id != educator_id:
        raise ApiProblem(
            422,
            f"the body's id {educator.id!r} is not the path's {educator_id!r}",
            kind="validation",
            errors=[
                {
                    "type": "id_mismatch",
                    "msg": "must equal the path's educator id",
                    "pointer": "/id",
                    "loc": ["id"],
                }
            ],
        )
    got = put_educator(
        session=session,
        educator=educator,
        scopes=key.scopes,
        actor=key.actor,
        request_id=request_id,
    )
    if got is None:
        raise not_found("educator", educator_id)
    rec, created = got
    # The stored document must still be a valid educator (e.g. no id clash across issuers).
    _check_valid(evaluator, educator_input(session=session, record=rec))
    session.commit()
    if created:
        response.status_code = 201
    response.headers["Location"] = f"/v1/educators/{quote(rec.id, safe=':@')}"
    return educator_public(session, rec)


def _check_valid(evaluator: Evaluator, doc: dict[str, Any]) -> None:
    try:
        evaluator.to_educator(doc, stored=True)
    except ProblemsError as e:
        raise ApiProblem(
            409,
            "the stored educator with this change would be invalid",
            kind="conflict",
            errors=problems_from(e),
        ) from None


@router.post(
    "/{educator_id}/credentials",
    response_model=CredentialPublic,
    status_code=201,
    responses={
        200: {"model": CredentialPublic, "description": "A replay: the stored one."},
        **NOT_FOUND,
        **FORBIDDEN,
        **CONFLICT,
    },
)
def add_credential(
    educator_id: EducatorId,
    credential: Annotated[
        Credential, Body(openapi_examples={"micro": {"value": EXAMPLE_EDUCATOR["credentials"][0]}})
    ],
    key: KeyDep,
    session: WriteSessionDep,
    response: Response,
    request_id: RequestIdDep,
    evaluator: EvaluatorDep,
    jurisdiction: EducatorJurisdiction = None,
) -> CredentialPublic:
    """Take in one earned credential, idempotently by issuer and credential id: a replay
    returns the stored one (200), a different credential under the same id is a 409."""
    key.require(*ROLES)
    rec = get_educator(
        session=session, educator_id=educator_id, scopes=key.scopes, jurisdiction=jurisdiction
    )
    if rec is None:
        raise not_found("educator", educator_id)
    if credential.verification is not None:
        raise ApiProblem(
            422,
            "a credential's verification is set by badge intake, never by the request: "
            "send the badge itself to POST /v1/educators/{id}/badges",
            kind="validation",
            errors=[
                {
                    "type": "educator.verification_given",
                    "msg": "verification is not an input field",
                    "pointer": "/verification",
                    "loc": ["verification"],
                }
            ],
        )
    cred, created = intake_credential(
        session=session, educator=rec, credential=credential, actor=key.actor, request_id=request_id
    )
    if created:
        _check_valid(evaluator, educator_input(session=session, record=rec))
    session.commit()
    response.status_code = 201 if created else 200
    return CredentialPublic(
        educator_id=cred.educator_id,
        credential_id=cred.credential_id,
        issuer=cred.issuer,
        sha256=cred.sha256,
        created=cred.created,
        created_by=cred.created_by,
        document=json.loads(cred.document),
    )


@router.get(
    "/{educator_id}/evaluation",
    response_model=StoredEvaluationPublic,
    responses={**NOT_FOUND, **FORBIDDEN},
)
def evaluate_stored(
    educator_id: EducatorId,
    key: KeyDep,
    session: WriteSessionDep,
    evaluator: EvaluatorDep,
    request_id: RequestIdDep,
    as_of: Annotated[
        IsoDate | None, Query(description="Evaluation date (default: today, UTC).")
    ] = None,
    jurisdiction: EducatorJurisdiction = None,
) -> StoredEvaluationPublic:
    """Evaluate the stored educator, store the result (an identical one is reused) and propose
    the payroll change a lane move implies: one per educator, lane and effective date."""
    key.require(*ROLES)
    rec = get_educator(
        session=session, educator_id=educator_id, scopes=key.scopes, jurisdiction=jurisdiction
    )
    if rec is None:
        raise not_found("educator", educator_id)
    doc_in = educator_input(session=session, record=rec)
    educator = evaluator.to_educator(doc_in, stored=True)
    when = as_of or dt.datetime.now(dt.UTC).date()
    result = evaluator.evaluate(educator, as_of=when)
    ev, change = store_evaluation(
        session=session,
        educator_input=doc_in,
        result=result,
        result_json=_api.to_json(result),
        actor=key.actor,
        request_id=request_id,
        propose_payroll=key.role in PAYROLL_ROLES,  # a licensure key only reads and stores
    )
    session.commit()
    return stored_public(session, ev, evaluator, change)


@router.get(
    "/{educator_id}/evaluations",
    response_model=EvaluationsPublic,
    responses={**NOT_FOUND, **FORBIDDEN},
)
def list_educator_evaluations(
    educator_id: EducatorId,
    key: KeyDep,
    session: SessionDep,
    evaluator: EvaluatorDep,
    limit: Limit = 100,
    offset: Offset = 0,
    jurisdiction: EducatorJurisdiction = None,
) -> EvaluationsPublic:
    """Stored evaluations of one educator, newest first (without result bodies)."""
    key.require(*ROLES)
    rec = get_educator(
        session=session, educator_id=educator_id, scopes=key.scopes, jurisdiction=jurisdiction
    )
    if rec is None:
        raise not_found("educator", educator_id)
    rows, count = list_evaluations(
        session=session,
        educator_id=educator_id,
        scopes=key.scopes,
        jurisdiction=rec.jurisdiction,
        limit=limit,
        offset=offset,
    )
    return EvaluationsPublic(data=[evaluation_public(r, evaluator) for r in rows], count=count)
