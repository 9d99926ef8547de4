"""Jurisdictions and their rule versions: public policy, readable by every key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...errors import UnknownJurisdictionError
from ..deps import EvaluatorDep, KeyDep
from ..models import JurisdictionPublic, JurisdictionsPublic
from ..problems import ApiProblem

router = APIRouter(prefix="/jurisdictions", tags=["jurisdictions"])


@router.get("", response_model=JurisdictionsPublic)
def list_jurisdictions(evaluator: EvaluatorDep, _key: KeyDep) -> JurisdictionsPublic:
    """Every jurisdiction with its rule version and sha256."""
    rules = evaluator.rules
    data = []
    for jid in rules.ids:
        d = rules.get(jid).describe()
        data.append(
            JurisdictionPublic(
                id=jid,
                name=d.get("name"),
                version=d.get("version"),
                extends=d.get("extends"),
                sha256=d["sha256"],
            )
        )
    return JurisdictionsPublic(data=data, count=len(data))


@router.get(
    "/{jurisdiction_id:path}",
    responses={404: {"description": "No such jurisdiction."}},
)
def read_jurisdiction(
    jurisdiction_id: str, evaluator: EvaluatorDep, _key: KeyDep
) -> dict[str, Any]:
    """One jurisdiction: rules (id, title, section, source, effective dates, file:line),
    sources, units, accepted issuers, salary schedules and its sha256."""
    try:
        j = evaluator.rules.get(jurisdiction_id)
    except UnknownJurisdictionError as e:
        raise ApiProblem(404, str(e), kind="not-found") from None
    return j.describe()
