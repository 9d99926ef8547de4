"""Stored evaluations: read them, fetch the exact bytes, replay them against today's rules."""

from __future__ import annotations

import json

from fastapi import APIRouter, Response

from ... import _api
from ...errors import MccreditError
from ...store.repositories import get_evaluation, sha256_text
from ..deps import EvaluatorDep, KeyDep, SessionDep
from ..models import EvaluationDocument, ReplayPublic, StoredEvaluationPublic
from ._shared import FORBIDDEN, NOT_FOUND, RowId, not_found, stored_public

router = APIRouter(prefix="/evaluations", tags=["evaluations"])

ROLES = ("licensure", "payroll", "admin")


@router.get(
    "/{evaluation_id}", response_model=StoredEvaluationPublic, responses={**NOT_FOUND, **FORBIDDEN}
)
def read_evaluation(
    evaluation_id: RowId, key: KeyDep, session: SessionDep, evaluator: EvaluatorDep
) -> StoredEvaluationPublic:
    """A stored evaluation, with whether the rules have changed since."""
    key.require(*ROLES)
    rec = get_evaluation(session=session, evaluation_id=evaluation_id, scopes=key.scopes)
    if rec is None:
        raise not_found("evaluation", evaluation_id)
    return stored_public(session, rec, evaluator)


@router.get(
    "/{evaluation_id}/result",
    response_class=Response,
    responses={
        200: {"model": EvaluationDocument, "description": "The stored bytes."},
        **NOT_FOUND,
        **FORBIDDEN,
    },
)
def read_evaluation_result(evaluation_id: RowId, key: KeyDep, session: SessionDep) -> Response:
    """The stored result, byte for byte as it was first served."""
    key.require(*ROLES)
    rec = get_evaluation(session=session, evaluation_id=evaluation_id, scopes=key.scopes)
    if rec is None:
        raise not_found("evaluation", evaluation_id)
    return Response(
        rec.result_json,
        media_type="application/json",
        headers={"X-Result-SHA256": rec.result_sha256},
    )


@router.post(
    "/{evaluation_id}/replay", response_model=ReplayPublic, responses={**NOT_FOUND, **FORBIDDEN}
)
def replay_evaluation(
    evaluation_id: RowId, key: KeyDep, session: SessionDep, evaluator: EvaluatorDep
) -> ReplayPublic:
    """Re-run a stored evaluation from its stored input, date and proposal with the rules
    loaded now; says whether the JSON is byte-identical and whether the ruleset changed."""
    key.require(*ROLES)
    rec = get_evaluation(session=session, evaluation_id=evaluation_id, scopes=key.scopes)
    if rec is None:
        raise not_found("evaluation", evaluation_id)
    current = evaluator.ruleset_sha256(rec.jurisdiction)
    replay_sha: str | None = None
    try:
        proposal = json.loads(rec.proposal_json) if rec.proposal_json else None
        doc = evaluator.evaluate(
            evaluator.to_educator(json.loads(rec.input_json), stored=True),
            as_of=rec.as_of,
            proposal=proposal,
            jurisdiction=rec.jurisdiction,
        )
        replay_sha = sha256_text(_api.to_json(doc))
    except MccreditError:
        replay_sha = None
    return ReplayPublic(
        evaluation_id=evaluation_id,
        identical=replay_sha == rec.result_sha256,
        ruleset_changed=current != rec.ruleset_sha256,
        stored_ruleset_sha256=rec.ruleset_sha256,
        current_ruleset_sha256=current,
        stored_result_sha256=rec.result_sha256,
        replay_result_sha256=replay_sha,
    )
