"""Stored evaluations: each kept once per (educator, date, input, rules, proposal), with the
exact JSON served, and the payroll change its salary result implies proposed with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ...errors import StoreError
from ...result import Evaluation
from ..tables import EvaluationRecord, PayrollChange, utcnow
from ._audit import audit
from ._common import canonical_json, insert_or_nothing, scope_filter, scoped_get, sha256_text
from ._payroll import propose_payroll_change

__all__ = ["get_evaluation", "list_evaluations", "store_evaluation"]


def store_evaluation(
    *,
    session: Session,
    educator_input: dict[str, Any],
    result: Evaluation | Mapping[str, Any],
    result_json: str,
    proposal: dict[str, Any] | None = None,
    actor: str,
    request_id: str | None = None,
    propose_payroll: bool = True,
) -> tuple[EvaluationRecord, PayrollChange | None]:
    """Store one evaluation (or find the identical one already stored) and propose the payroll
    change its salary result implies, if any.

    `educator_input` is the normalized input the result was computed from (see
    `educator_document`); `result_json` is the exact text served (`mccredit.to_json(result)`).
    Payroll changes come only from evaluations of stored educators without a proposal: pass
    `propose_payroll=False` for input a caller supplied ad hoc.
    """
    doc = result if isinstance(result, Evaluation) else Evaluation.model_validate(result)
    input_text = canonical_json(educator_input)
    input_sha = sha256_text(input_text)
    prop = doc.proposal
    prop_sha = (
        prop.sha256
        if prop is not None
        else (sha256_text(canonical_json(proposal)) if proposal else "")
    )
    values: dict[str, Any] = {
        "educator_id": doc.educator,
        "jurisdiction": doc.jurisdiction,
        "as_of": doc.as_of,
        "input_json": input_text,
        "input_sha256": input_sha,
        "ruleset_id": doc.ruleset.id,
        "ruleset_sha256": doc.ruleset.sha256,
        "proposal_name": None if prop is None else prop.name,
        "proposal_sha256": prop_sha,
        "proposal_json": canonical_json(proposal) if proposal is not None else None,
        "result_json": result_json,
        "result_sha256": sha256_text(result_json),
        "created": utcnow(),
        "created_by": actor,
        "request_id": request_id,
    }
    new_id = insert_or_nothing(session, EvaluationRecord, values)
    if new_id is None:  # the same inputs, rules and proposal: the stored one stands
        key = (
            EvaluationRecord.educator_id == doc.educator,
            EvaluationRecord.jurisdiction == doc.jurisdiction,
            EvaluationRecord.as_of == doc.as_of,
            EvaluationRecord.input_sha256 == input_sha,
            EvaluationRecord.ruleset_sha256 == doc.ruleset.sha256,
            EvaluationRecord.proposal_sha256 == prop_sha,
        )
        found = session.exec(select(EvaluationRecord).where(*key)).first()
        if found is None:  # pragma: no cover - the conflicting row is committed or ours
            raise StoreError("evaluation vanished while being stored; retry")
        rec = found
    else:
        rec = EvaluationRecord(id=new_id, **values)
        audit(
            session=session,
            actor=actor,
            action="evaluation.create",
            target=str(new_id),
            jurisdiction=rec.jurisdiction,
            request_id=request_id,
            detail={"educator": rec.educator_id, "result_sha256": rec.result_sha256},
        )
    change = None
    if propose_payroll and not prop_sha:  # what-if results never reach payroll
        change = propose_payroll_change(
            session=session,
            evaluation=rec,
            salary=doc.salary,
            actor=actor,
            request_id=request_id,
        )
    return rec, change


def get_evaluation(
    *, session: Session, evaluation_id: int, scopes: Sequence[str]
) -> EvaluationRecord | None:
    return scoped_get(session, EvaluationRecord, evaluation_id, scopes)


def list_evaluations(
    *,
    session: Session,
    educator_id: str,
    scopes: Sequence[str],
    jurisdiction: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[EvaluationRecord], int]:
    """The educator's stored evaluations within `scopes`, newest first (only those computed
    in `jurisdiction`, when given: ids are namespaced by jurisdiction)."""
    cond = sa.and_(
        col(EvaluationRecord.educator_id) == educator_id,
        scope_filter(EvaluationRecord.jurisdiction, scopes),
    )
    if jurisdiction is not None:
        cond = sa.and_(cond, col(EvaluationRecord.jurisdiction) == jurisdiction)
    rows = session.exec(
        select(EvaluationRecord)
        .where(cond)
        .order_by(col(EvaluationRecord.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    count = session.exec(select(sa.func.count()).select_from(EvaluationRecord).where(cond)).one()
    return list(rows), int(count)
