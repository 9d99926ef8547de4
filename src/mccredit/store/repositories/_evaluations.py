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
from ._audit import append_audit, audit_values
from ._common import (
    canonical_json,
    insert_many_or_nothing,
    insert_or_nothing,
    scope_filter,
    scoped_get,
    sha256_text,
)
from ._payroll import propose_payroll_change

__all__ = [
    "evaluation_values",
    "get_evaluation",
    "insert_evaluations",
    "list_evaluations",
    "store_evaluation",
]


def evaluation_values(
    *,
    educator_input: dict[str, Any],
    result: Evaluation,
    result_json: str,
    proposal: dict[str, Any] | None = None,
    actor: str,
    request_id: str | None = None,
) -> dict[str, Any]:
    """The `evaluation` row for one result: canonical input, hashes, the exact JSON served
    (pure computation: no database, so a caller can prepare rows before queueing them)."""
    input_text = canonical_json(educator_input)
    prop = result.proposal
    prop_sha = (
        prop.sha256
        if prop is not None
        else (sha256_text(canonical_json(proposal)) if proposal else "")
    )
    return {
        "educator_id": result.educator,
        "jurisdiction": result.jurisdiction,
        "as_of": result.as_of,
        "input_json": input_text,
        "input_sha256": sha256_text(input_text),
        "ruleset_id": result.ruleset.id,
        "ruleset_sha256": result.ruleset.sha256,
        "proposal_name": None if prop is None else prop.name,
        "proposal_sha256": prop_sha,
        "proposal_json": canonical_json(proposal) if proposal is not None else None,
        "result_json": result_json,
        "result_sha256": sha256_text(result_json),
        "created": utcnow(),
        "created_by": actor,
        "request_id": request_id,
    }


_KEY = (
    "educator_id",
    "jurisdiction",
    "as_of",
    "input_sha256",
    "ruleset_sha256",
    "proposal_sha256",
)
"""What `_same_inputs` compares: the unique constraint's columns and the jurisdiction."""


def _same_inputs(values: dict[str, Any]) -> tuple[Any, ...]:
    """The condition on the row that de-duplicates `values` (same inputs, rules, proposal):
    each `_KEY` column equal to its value (`IS NULL` for a None proposal)."""
    columns = EvaluationRecord.__table__.c  # type: ignore[attr-defined]
    return tuple(columns[k] == values[k] for k in _KEY)


def _creation_audit(new_id: int, values: dict[str, Any]) -> dict[str, Any]:
    return audit_values(
        actor=values["created_by"],
        action="evaluation.create",
        target=str(new_id),
        jurisdiction=values["jurisdiction"],
        request_id=values["request_id"],
        detail={"educator": values["educator_id"], "result_sha256": values["result_sha256"]},
    )


def insert_evaluations(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Store rows from `evaluation_values` in the session's transaction, in order: each new
    one inserted with its `evaluation.create` audit line, each identical to one already
    stored (or earlier in `rows`) answered with that one's id. Two statements for any number
    of rows (one multi-row insert, one executemany of the audit lines): on PostgreSQL each is
    a round trip, and the writer's batch waits for every one. The caller commits. No payroll
    proposal: for evaluations of ad-hoc input."""
    inserted = insert_many_or_nothing(session, EvaluationRecord, rows, _KEY) if rows else {}
    ids: list[int] = []
    lines: list[dict[str, Any]] = []
    audited: set[int] = set()
    for values in rows:
        new_id = (
            insert_or_nothing(session, EvaluationRecord, values)
            if inserted is None  # pragma: no cover - a dialect without the statement
            else inserted.get(tuple(str(values[k]) for k in _KEY))
        )
        if new_id is None:  # the same inputs, rules and proposal: the stored one stands
            found = session.execute(
                sa.select(col(EvaluationRecord.id)).where(*_same_inputs(values))
            ).first()
            if found is None:  # pragma: no cover - the conflicting row is committed or ours
                raise StoreError("evaluation vanished while being stored; retry")
            ids.append(int(found[0]))
        else:
            ids.append(new_id)
            if new_id not in audited:  # a twin later in `rows` gets the same id, no line
                audited.add(new_id)
                lines.append(_creation_audit(new_id, values))
    append_audit(session, lines)
    return ids


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
    values = evaluation_values(
        educator_input=educator_input,
        result=doc,
        result_json=result_json,
        proposal=proposal,
        actor=actor,
        request_id=request_id,
    )
    new_id = insert_or_nothing(session, EvaluationRecord, values)
    if new_id is None:  # the same inputs, rules and proposal: the stored one stands
        found = session.exec(select(EvaluationRecord).where(*_same_inputs(values))).first()
        if found is None:  # pragma: no cover - the conflicting row is committed or ours
            raise StoreError("evaluation vanished while being stored; retry")
        rec = found
    else:
        rec = EvaluationRecord(id=new_id, **values)
        append_audit(session, [_creation_audit(new_id, values)])
    change = None
    if propose_payroll and not values["proposal_sha256"]:  # what-if results never reach payroll
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
