"""Row → public model conversions the routers share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from sqlmodel import Session

from ...io.educator import Educator
from ...store.repositories import (
    educator_input,
    educator_inputs,
    list_educators,
    list_transitions,
)
from ...store.tables import EducatorRecord, EvaluationRecord, PayrollChange
from ..deps import Evaluator
from ..models import (
    EducatorPublic,
    EvaluationPublic,
    PayrollChangePublic,
    PayrollTransitionPublic,
    ProposalRef,
    RulesetRef,
    StoredEvaluationPublic,
)
from ..problems import ApiProblem

RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A row id.", examples=[1])]
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$"
"""Ids a path may name: ASCII letters and digits, then also `.`, `_`, `:`, `@` and `-`; at
most 128 characters. Anything else is a 422 before the route runs (nothing is stored)."""
EducatorId = Annotated[
    str,
    Path(
        pattern=ID_PATTERN,
        description="The educator's id: an ASCII letter or digit, then letters, digits and "
        "`._:@-`, at most 128 characters.",
        examples=["E-1"],
    ),
]

Limit = Annotated[int, Query(ge=1, le=1000)]
"""A listing's page size (`?limit=`, default 100 where used)."""
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]
"""How many rows a listing skips (`?offset=`)."""
JurisdictionFilter = Annotated[str | None, Query(max_length=200)]
"""`?jurisdiction=`: only rows of this jurisdiction."""
EducatorFilter = Annotated[str | None, Query(max_length=200)]
EducatorJurisdiction = Annotated[
    str | None,
    Query(
        max_length=200,
        description="The educator's jurisdiction: needed only when this key's scope holds the "
        "id in more than one jurisdiction (ids are namespaced by jurisdiction; otherwise 409).",
    ),
]
"""`?educator_id=`: only rows of this educator."""


@dataclass(frozen=True)
class Listing:
    """The filters and the page of a listing of rows that name an educator (payroll changes,
    notifications): `?jurisdiction=&educator_id=&limit=&offset=`."""

    jurisdiction: str | None
    educator_id: str | None
    limit: int
    offset: int

    def arguments(self) -> dict[str, Any]:
        """As keyword arguments of the store's listing functions."""
        return {
            "jurisdiction": self.jurisdiction,
            "educator_id": self.educator_id,
            "limit": self.limit,
            "offset": self.offset,
        }


def listing(
    jurisdiction: JurisdictionFilter = None,
    educator_id: EducatorFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Listing:
    return Listing(jurisdiction, educator_id, limit, offset)


ListingDep = Annotated[Listing, Depends(listing)]

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"description": "Absent, or outside this key's jurisdiction scope."}}
FORBIDDEN: Responses = {403: {"description": "This key's role may not use this route."}}


def not_found(what: str, ident: object) -> ApiProblem:
    return ApiProblem(404, f"no {what} {ident!r} for this key", kind="not-found")


def educator_public(
    session: Session, rec: EducatorRecord, doc: dict[str, Any] | None = None
) -> EducatorPublic:
    doc = doc if doc is not None else educator_input(session=session, record=rec)
    return EducatorPublic(
        id=rec.id,
        jurisdiction=rec.jurisdiction,
        sha256=rec.sha256,
        created=rec.created,
        updated=rec.updated,
        credentials=len(doc["credentials"]),
        document=doc,
    )


def change_public(
    session: Session, change: PayrollChange, *, history: bool = True
) -> PayrollChangePublic:
    out = PayrollChangePublic.model_validate(change, from_attributes=True)
    if history and change.id is not None:
        out.transitions = [
            PayrollTransitionPublic.model_validate(t, from_attributes=True)
            for t in list_transitions(session=session, change_id=change.id)
        ]
    return out


def _summary(rec: EvaluationRecord, evaluator: Evaluator) -> dict[str, Any]:
    current = evaluator.ruleset_sha256(rec.jurisdiction)
    return {
        "id": rec.id,
        "educator": rec.educator_id,
        "jurisdiction": rec.jurisdiction,
        "as_of": rec.as_of,
        "created": rec.created,
        "created_by": rec.created_by,
        "input_sha256": rec.input_sha256,
        "ruleset": RulesetRef(id=rec.ruleset_id, sha256=rec.ruleset_sha256),
        "proposal": ProposalRef(name=rec.proposal_name, sha256=rec.proposal_sha256)
        if rec.proposal_sha256
        else None,
        "result_sha256": rec.result_sha256,
        "current_ruleset_sha256": current,
        "ruleset_changed": current != rec.ruleset_sha256,
    }


def evaluation_public(rec: EvaluationRecord, evaluator: Evaluator) -> EvaluationPublic:
    return EvaluationPublic(**_summary(rec, evaluator))


def stored_public(
    session: Session,
    rec: EvaluationRecord,
    evaluator: Evaluator,
    change: PayrollChange | None = None,
) -> StoredEvaluationPublic:
    return StoredEvaluationPublic(
        **_summary(rec, evaluator),
        payroll_change=change_public(session, change) if change is not None else None,
        result=json.loads(rec.result_json),
    )


def stored_educators(
    session: Session, scopes: tuple[str, ...], jurisdiction: str, evaluator: Evaluator
) -> list[Educator]:
    """Every stored educator of `jurisdiction` (or beneath it) within `scopes`, validated, in
    pages of 1000 (for the hand-off views: work list, workforce)."""
    out: list[Educator] = []
    offset = 0
    while True:
        rows, count = list_educators(session=session, scopes=scopes, limit=1000, offset=offset)
        mine = [
            r
            for r in rows
            if r.jurisdiction == jurisdiction or r.jurisdiction.startswith(jurisdiction + "/")
        ]
        docs = educator_inputs(session=session, records=mine)
        out.extend(evaluator.to_educator(d) for d in docs.values())
        offset += 1000
        if offset >= count:
            return out
