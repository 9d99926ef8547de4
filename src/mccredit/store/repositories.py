"""Data access for the store: keyword-only functions, session first.

None of these commit: the caller owns the transaction (one request, one transaction), so a
failure half-way leaves nothing behind. Writers should use `write_session` so SQLite takes its
write lock up front. Scope filtering lives here too: a function that takes `scopes` returns
None (not an error) for rows outside them, so callers answer 404 and existence never leaks.

Scopes are jurisdiction ids; a scope covers itself and everything beneath it (`us-va` covers
`us-va/pwcs`), and `*` covers every jurisdiction.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..errors import ConflictError, DigestMismatchError, StoreError
from ..io.educator import Credential, Educator
from ..result import Evaluation, Salary
from .tables import (
    ApiKey,
    AuditEntry,
    BadgeDocument,
    CredentialRecord,
    EducatorRecord,
    EvaluationRecord,
    PayrollChange,
    PayrollExport,
    PayrollTransition,
    ScenarioRun,
    utcnow,
)

__all__ = [
    "EXPORT_COLUMNS",
    "ROLES",
    "ConflictError",
    "StoreError",
    "audit",
    "authenticate",
    "canonical_json",
    "count_jurisdiction_educators",
    "create_api_key",
    "create_scenario_run",
    "educator_document",
    "educator_input",
    "educator_inputs",
    "export_payroll",
    "finish_scenario_run",
    "get_credential",
    "get_educator",
    "get_evaluation",
    "get_payroll_change",
    "get_payroll_export",
    "get_scenario_run",
    "in_scope",
    "intake_credential",
    "jurisdiction_educator_inputs",
    "list_api_keys",
    "list_audit",
    "list_educators",
    "list_evaluations",
    "list_payroll_changes",
    "list_payroll_exports",
    "list_transitions",
    "propose_payroll_change",
    "put_educator",
    "revoke_api_key",
    "scope_filter",
    "sha256_text",
    "start_scenario_run",
    "store_badge_document",
    "store_evaluation",
    "transition_payroll_change",
]

ROLES = ("licensure", "payroll", "union", "admin")
PayrollStatus = Literal["proposed", "approved", "rejected", "exported"]
_NEXT: dict[str, tuple[str, ...]] = {
    "proposed": ("approved", "rejected"),
    "approved": ("exported", "rejected"),
    "rejected": (),
    "exported": (),
}
EXPORT_COLUMNS = (
    "export_id",
    "change_id",
    "educator_id",
    "jurisdiction",
    "lane",
    "step",
    "annual",
    "new_lane",
    "new_step",
    "new_annual",
    "annual_delta",
    "effective_date",
    "this_year_delta",
    "retro",
    "evaluation_id",
    "approved_by",
    "approved_at",
)


# ── hashing and documents ──────────────────────────────────────────────────────────────────


def canonical_json(obj: Any) -> str:
    """Sorted keys, no spaces, UTF-8: the text every stored hash is taken over."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def educator_document(educator: Educator) -> dict[str, Any]:
    """The normalized input document (every field, JSON types) that re-parses to `educator`."""
    doc: dict[str, Any] = educator.model_dump(mode="json")
    return doc


def _credential_document(credential: Credential) -> dict[str, Any]:
    doc: dict[str, Any] = credential.model_dump(mode="json")
    return doc


# ── scopes ─────────────────────────────────────────────────────────────────────────────────


def in_scope(jurisdiction: str, scopes: Iterable[str]) -> bool:
    """Whether `jurisdiction` is one of `scopes` or beneath one of them."""
    return any(s == "*" or jurisdiction == s or jurisdiction.startswith(s + "/") for s in scopes)


def scope_filter(column: Any, scopes: Sequence[str]) -> Any:
    """A SQL condition equivalent to `in_scope(column, scopes)`."""
    if "*" in scopes:
        return sa.true()
    parts = []
    for s in scopes:
        esc = s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        parts.append(column == s)
        parts.append(column.like(esc + "/%", escape="\\"))
    return sa.or_(*parts) if parts else sa.false()


# ── audit ──────────────────────────────────────────────────────────────────────────────────


def audit(
    *,
    session: Session,
    actor: str,
    action: str,
    target: str | None = None,
    jurisdiction: str | None = None,
    request_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit line (in the caller's transaction: it commits with the change).

    A plain INSERT, run at once: no ORM bookkeeping for a row nothing reads back."""
    values: dict[str, Any] = {
        "at": utcnow(),
        "actor": actor,
        "action": action,
        "target": target,
        "jurisdiction": jurisdiction,
        "request_id": request_id,
        "detail": canonical_json(detail) if detail is not None else None,
    }
    session.execute(sa.insert(AuditEntry), values)
    return AuditEntry(**values)


def list_audit(
    *,
    session: Session,
    limit: int = 100,
    offset: int = 0,
    action: str | None = None,
    scopes: Sequence[str] = ("*",),
) -> tuple[list[AuditEntry], int]:
    """Audit rows newest first; only rows of jurisdictions in `scopes` (rows without a
    jurisdiction, such as key events, only for `*`)."""
    where = scope_filter(AuditEntry.jurisdiction, scopes)
    q = select(AuditEntry).where(where)
    cq = select(sa.func.count()).select_from(AuditEntry).where(where)
    if action is not None:
        q = q.where(AuditEntry.action == action)
        cq = cq.where(AuditEntry.action == action)
    rows = session.exec(q.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)).all()
    return list(rows), int(session.exec(cq).one())


# ── educators and credentials ──────────────────────────────────────────────────────────────


def get_educator(
    *, session: Session, educator_id: str, scopes: Sequence[str]
) -> EducatorRecord | None:
    """The educator, or None when absent or outside `scopes` (the caller answers 404)."""
    rec = session.get(EducatorRecord, educator_id)
    if rec is None or not in_scope(rec.jurisdiction, scopes):
        return None
    return rec


def list_educators(
    *,
    session: Session,
    scopes: Sequence[str],
    jurisdiction: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[EducatorRecord], int]:
    cond = scope_filter(EducatorRecord.jurisdiction, scopes)
    if jurisdiction is not None:
        cond = sa.and_(cond, col(EducatorRecord.jurisdiction) == jurisdiction)
    rows = session.exec(
        select(EducatorRecord)
        .where(cond)
        .order_by(col(EducatorRecord.id))
        .offset(offset)
        .limit(limit)
    ).all()
    count = session.exec(select(sa.func.count()).select_from(EducatorRecord).where(cond)).one()
    return list(rows), int(count)


def credentials_of(*, session: Session, educator_id: str) -> list[CredentialRecord]:
    return list(
        session.exec(
            select(CredentialRecord)
            .where(CredentialRecord.educator_id == educator_id)
            .order_by(col(CredentialRecord.pk))
        ).all()
    )


def educator_input(*, session: Session, record: EducatorRecord) -> dict[str, Any]:
    """The educator input document: the stored profile plus every stored credential, in the
    order they were taken in."""
    doc: dict[str, Any] = json.loads(record.document)
    doc["credentials"] = [
        json.loads(c.document) for c in credentials_of(session=session, educator_id=record.id)
    ]
    return doc


def educator_inputs(
    *, session: Session, records: Sequence[EducatorRecord]
) -> dict[str, dict[str, Any]]:
    """`educator_input` for many educators in two queries (for listings)."""
    docs: dict[str, dict[str, Any]] = {}
    for r in records:
        doc = json.loads(r.document)
        doc["credentials"] = []
        docs[r.id] = doc
    if docs:
        for c in session.exec(
            select(CredentialRecord)
            .where(col(CredentialRecord.educator_id).in_(list(docs)))
            .order_by(col(CredentialRecord.pk))
        ).all():
            docs[c.educator_id]["credentials"].append(json.loads(c.document))
    return docs


def put_educator(
    *,
    session: Session,
    educator: Educator,
    scopes: Sequence[str],
    actor: str,
    request_id: str | None = None,
) -> tuple[EducatorRecord, bool] | None:
    """Create or replace an educator's profile and take in the credentials it lists.

    Credentials already stored and not listed are kept (nothing is lost); a listed one that
    conflicts with the stored one of the same id raises `ConflictError`. Returns
    (record, created), or None when the id belongs to an educator outside `scopes`.
    """
    if not in_scope(educator.jurisdiction, scopes):
        return None
    profile = educator_document(educator)
    profile.pop("credentials", None)
    text = canonical_json(profile)
    rec = session.get(EducatorRecord, educator.id)
    created = rec is None
    if rec is None:
        rec = EducatorRecord(
            id=educator.id,
            jurisdiction=educator.jurisdiction,
            document=text,
            sha256=sha256_text(text),
        )
        try:
            with session.begin_nested():
                session.add(rec)
        except IntegrityError:  # created concurrently: replace it like any other
            rec = session.get(EducatorRecord, educator.id, populate_existing=True)
            assert rec is not None
            created = False
    if not created:
        if not in_scope(rec.jurisdiction, scopes):
            return None
        if rec.sha256 != sha256_text(text):
            before = rec.jurisdiction
            rec.jurisdiction = educator.jurisdiction
            rec.document = text
            rec.sha256 = sha256_text(text)
            rec.updated = utcnow()
            session.add(rec)
            if before != educator.jurisdiction:
                audit(
                    session=session,
                    actor=actor,
                    action="educator.move",
                    target=rec.id,
                    jurisdiction=educator.jurisdiction,
                    request_id=request_id,
                    detail={"from": before, "to": educator.jurisdiction},
                )
    session.flush()
    audit(
        session=session,
        actor=actor,
        action="educator.create" if created else "educator.replace",
        target=rec.id,
        jurisdiction=rec.jurisdiction,
        request_id=request_id,
        detail={"sha256": rec.sha256, "credentials": len(educator.credentials)},
    )
    for cred in educator.credentials:
        intake_credential(
            session=session, educator=rec, credential=cred, actor=actor, request_id=request_id
        )
    return rec, created


def intake_credential(
    *,
    session: Session,
    educator: EducatorRecord,
    credential: Credential,
    actor: str,
    request_id: str | None = None,
    badge_sha256: str | None = None,
) -> tuple[CredentialRecord, bool]:
    """Take in one credential, idempotently: (record, created). `badge_sha256` names the
    stored badge file it came from (`store_badge_document`).

    A replay (same issuer, id and content) returns the stored row; the same id with a different
    issuer or content raises `ConflictError`. Safe under concurrency: the unique constraint
    decides, and the loser reads the winner's row.
    """
    doc = _credential_document(credential)
    text = canonical_json(doc)
    digest = sha256_text(text)

    def existing() -> CredentialRecord | None:
        return session.exec(
            select(CredentialRecord).where(
                CredentialRecord.educator_id == educator.id,
                CredentialRecord.credential_id == credential.id,
            )
        ).first()

    def check(found: CredentialRecord) -> tuple[CredentialRecord, bool]:
        if found.issuer != credential.issuer:
            raise ConflictError(
                f"educator {educator.id!r} already has credential {credential.id!r} from issuer "
                f"{found.issuer!r}, not {credential.issuer!r}; credential ids are unique per "
                "educator",
                field="id",
            )
        if found.sha256 != digest:
            stored = json.loads(found.document)
            fields = sorted(k for k in set(stored) | set(doc) if stored.get(k) != doc.get(k))
            raise ConflictError(
                f"credential {credential.id!r} from {credential.issuer!r} is already stored with "
                f"different content ({', '.join(fields)}); stored credentials are never edited",
                field=fields[0] if fields else None,
            )
        return found, False

    found = existing()
    if found is not None:
        return check(found)
    rec = CredentialRecord(
        educator_id=educator.id,
        credential_id=credential.id,
        issuer=credential.issuer,
        document=text,
        sha256=digest,
        created_by=actor,
        badge_sha256=badge_sha256,
    )
    try:
        with session.begin_nested():
            session.add(rec)
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return check(found)
    audit(
        session=session,
        actor=actor,
        action="credential.create",
        target=f"{educator.id}/{credential.id}",
        jurisdiction=educator.jurisdiction,
        request_id=request_id,
        detail={"issuer": credential.issuer, "sha256": digest},
    )
    return rec, True


def get_credential(
    *, session: Session, educator_id: str, credential_id: str
) -> CredentialRecord | None:
    return session.exec(
        select(CredentialRecord).where(
            CredentialRecord.educator_id == educator_id,
            CredentialRecord.credential_id == credential_id,
        )
    ).first()


def store_badge_document(
    *,
    session: Session,
    educator: EducatorRecord,
    content: bytes,
    source: str,
    container: str,
    actor: str,
) -> BadgeDocument:
    """Keep a badge file byte for byte, once per educator and content (issue 12)."""
    digest = hashlib.sha256(content).hexdigest()

    def existing() -> BadgeDocument | None:
        return session.exec(
            select(BadgeDocument).where(
                BadgeDocument.educator_id == educator.id, BadgeDocument.sha256 == digest
            )
        ).first()

    found = existing()
    if found is not None:
        return found
    rec = BadgeDocument(
        educator_id=educator.id,
        sha256=digest,
        source=source[-500:],
        container=container,
        content=content,
        created_by=actor,
    )
    try:
        with session.begin_nested():
            session.add(rec)
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found
    return rec


# ── evaluations ────────────────────────────────────────────────────────────────────────────


def _insert_or_nothing(session: Session, model: Any, values: dict[str, Any]) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new id, or None when a unique
    constraint already holds the row (one statement, no savepoint, safe under concurrency)."""
    table = model.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - other databases: a savepoint catches the conflict
        try:
            with session.begin_nested():
                res = session.execute(sa.insert(table).values(**values))
            return int(cast(Any, res).inserted_primary_key[0])
        except IntegrityError:
            return None
    # values as parameters, not literals in the statement: it is compiled once and cached
    row = session.execute(stmt.returning(table.c.id), values).first()
    return None if row is None else int(row[0])


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
    key = (
        EvaluationRecord.educator_id == doc.educator,
        EvaluationRecord.as_of == doc.as_of,
        EvaluationRecord.input_sha256 == input_sha,
        EvaluationRecord.ruleset_sha256 == doc.ruleset.sha256,
        EvaluationRecord.proposal_sha256 == prop_sha,
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
    new_id = _insert_or_nothing(session, EvaluationRecord, values)
    if new_id is None:  # the same inputs, rules and proposal: the stored one stands
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
    rec = session.get(EvaluationRecord, evaluation_id)
    if rec is None or not in_scope(rec.jurisdiction, scopes):
        return None
    return rec


def list_evaluations(
    *,
    session: Session,
    educator_id: str,
    scopes: Sequence[str],
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[EvaluationRecord], int]:
    cond = sa.and_(
        col(EvaluationRecord.educator_id) == educator_id,
        scope_filter(EvaluationRecord.jurisdiction, scopes),
    )
    rows = session.exec(
        select(EvaluationRecord)
        .where(cond)
        .order_by(col(EvaluationRecord.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    count = session.exec(select(sa.func.count()).select_from(EvaluationRecord).where(cond)).one()
    return list(rows), int(count)


# ── payroll ────────────────────────────────────────────────────────────────────────────────


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def propose_payroll_change(
    *,
    session: Session,
    evaluation: EvaluationRecord,
    salary: Salary | Mapping[str, Any] | None,
    actor: str,
    request_id: str | None = None,
) -> PayrollChange | None:
    """The proposed change for a salary result that moves the educator to a new lane
    (`new_lane` set and different from `lane`, with an `effective_date`); one per educator,
    lane and effective date: a second evaluation that implies the same move returns the first.
    An unpriced move (`unpriced: true`: no scale in force to price it) is not proposed: payroll
    gets no change without an amount; it is proposed once a scale prices it.
    """
    if isinstance(salary, Salary):
        salary = salary.to_dict()  # the change keeps the figures as the JSON shows them
    if not salary or not salary.get("new_lane") or not salary.get("effective_date"):
        return None
    if salary.get("unpriced"):
        return None
    if salary.get("new_lane") == salary.get("lane"):
        return None
    eff = dt.date.fromisoformat(str(salary["effective_date"]))
    key = (
        PayrollChange.educator_id == evaluation.educator_id,
        PayrollChange.new_lane == str(salary["new_lane"]),
        PayrollChange.effective_date == eff,
    )
    found = session.exec(select(PayrollChange).where(*key)).first()
    if found is not None:
        return found
    change = PayrollChange(
        educator_id=evaluation.educator_id,
        jurisdiction=evaluation.jurisdiction,
        evaluation_id=evaluation.id or 0,
        lane=_s(salary.get("lane")),
        step=_s(salary.get("step")),
        annual=_s(salary.get("annual")),
        new_lane=str(salary["new_lane"]),
        new_step=_s(salary.get("new_step")),
        new_annual=_s(salary.get("new_annual")),
        annual_delta=_s(salary.get("annual_delta")),
        effective_date=eff,
        this_year_delta=_s(salary.get("this_year_delta")),
        retro=_s(salary.get("retro")),
        created_by=actor,
    )
    try:
        with session.begin_nested():
            session.add(change)
            session.flush()
            session.add(
                PayrollTransition(
                    change_id=change.id or 0,
                    from_status=None,
                    to_status="proposed",
                    by=actor,
                    request_id=request_id,
                )
            )
    except IntegrityError:
        found = session.exec(select(PayrollChange).where(*key)).first()
        if found is None:
            raise
        return found
    audit(
        session=session,
        actor=actor,
        action="payroll.propose",
        target=str(change.id),
        jurisdiction=change.jurisdiction,
        request_id=request_id,
        detail={
            "educator": change.educator_id,
            "new_lane": change.new_lane,
            "effective_date": eff.isoformat(),
        },
    )
    return change


def get_payroll_change(
    *, session: Session, change_id: int, scopes: Sequence[str]
) -> PayrollChange | None:
    rec = session.get(PayrollChange, change_id)
    if rec is None or not in_scope(rec.jurisdiction, scopes):
        return None
    return rec


def list_payroll_changes(
    *,
    session: Session,
    scopes: Sequence[str],
    status: str | None = None,
    jurisdiction: str | None = None,
    educator_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[PayrollChange], int]:
    conds = [scope_filter(PayrollChange.jurisdiction, scopes)]
    if status is not None:
        conds.append(PayrollChange.status == status)
    if jurisdiction is not None:
        conds.append(PayrollChange.jurisdiction == jurisdiction)
    if educator_id is not None:
        conds.append(PayrollChange.educator_id == educator_id)
    rows = session.exec(
        select(PayrollChange)
        .where(*conds)
        .order_by(col(PayrollChange.id))
        .offset(offset)
        .limit(limit)
    ).all()
    count = session.exec(select(sa.func.count()).select_from(PayrollChange).where(*conds)).one()
    return list(rows), int(count)


def list_transitions(*, session: Session, change_id: int) -> list[PayrollTransition]:
    return list(
        session.exec(
            select(PayrollTransition)
            .where(PayrollTransition.change_id == change_id)
            .order_by(col(PayrollTransition.id))
        ).all()
    )


def _cas(
    session: Session, ids: Sequence[int], frm: str, to: str, export_id: str | None = None
) -> int:
    values: dict[str, Any] = {"status": to}
    if export_id is not None:
        values["export_id"] = export_id
    res = session.execute(
        sa.update(PayrollChange)
        .where(col(PayrollChange.id).in_(ids), col(PayrollChange.status) == frm)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(res.rowcount)  # type: ignore[attr-defined]


def transition_payroll_change(
    *,
    session: Session,
    change_id: int,
    scopes: Sequence[str],
    to: Literal["approved", "rejected"],
    actor: str,
    note: str | None = None,
    request_id: str | None = None,
) -> PayrollChange | None:
    """Move a change forward (approve or reject); None when absent or out of scope;
    `ConflictError` when it is not in a status that allows the move."""
    change = get_payroll_change(session=session, change_id=change_id, scopes=scopes)
    if change is None:
        return None
    frm = change.status
    if to not in _NEXT.get(frm, ()):
        raise ConflictError(
            f"payroll change {change_id} is {frm}; it cannot become {to}", field="status"
        )
    if _cas(session, [change_id], frm, to) != 1:
        raise ConflictError(
            f"payroll change {change_id} changed while this request ran; retry", field="status"
        )
    session.add(
        PayrollTransition(
            change_id=change_id,
            from_status=frm,
            to_status=to,
            by=actor,
            note=note,
            request_id=request_id,
        )
    )
    audit(
        session=session,
        actor=actor,
        action={"approved": "payroll.approve", "rejected": "payroll.reject"}[to],
        target=str(change_id),
        jurisdiction=change.jurisdiction,
        request_id=request_id,
        detail={"from": frm, "to": to, "note": note},
    )
    session.flush()
    session.refresh(change)
    return change


def _cell(value: str | None) -> str:
    """A text cell safe to open in a spreadsheet: a leading =, +, -, @, tab or CR would start
    a formula, so such text gets a leading apostrophe (amounts are never passed here)."""
    if not value:
        return ""
    return "'" + value if value[0] in "=+-@\t\r" else value


def export_payroll(
    *,
    session: Session,
    scopes: Sequence[str],
    actor: str,
    jurisdiction: str | None = None,
    effective_through: dt.date | None = None,
    request_id: str | None = None,
    layout: str | None = None,
) -> PayrollExport | None:
    """Export every approved change in scope (optionally one jurisdiction, effective on or
    before a date) to a CSV, mark each exported exactly once, and keep the CSV; None when
    nothing is approved. `layout` (the id of the layout the file was delivered in) goes into
    the audit entry."""
    conds = [scope_filter(PayrollChange.jurisdiction, scopes), PayrollChange.status == "approved"]
    if jurisdiction is not None:
        conds.append(PayrollChange.jurisdiction == jurisdiction)
    if effective_through is not None:
        conds.append(PayrollChange.effective_date <= effective_through)
    q = (
        select(PayrollChange)
        .where(*conds)
        .order_by(
            col(PayrollChange.effective_date), col(PayrollChange.educator_id), col(PayrollChange.id)
        )
    )
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    changes = list(session.exec(q).all())
    if not changes:
        return None
    ids = [c.id for c in changes if c.id is not None]
    export_id = "exp_" + secrets.token_hex(8)
    approvals: dict[int, PayrollTransition] = {}
    for t in session.exec(
        select(PayrollTransition).where(
            col(PayrollTransition.change_id).in_(ids), PayrollTransition.to_status == "approved"
        )
    ).all():
        approvals[t.change_id] = t
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for c in changes:
        a = approvals.get(c.id or 0)
        w.writerow(
            [
                export_id,
                c.id,
                _cell(c.educator_id),
                _cell(c.jurisdiction),
                _cell(c.lane),
                _cell(c.step),
                c.annual or "",
                _cell(c.new_lane),
                _cell(c.new_step),
                c.new_annual or "",
                c.annual_delta or "",
                c.effective_date.isoformat(),
                c.this_year_delta or "",
                c.retro or "",
                c.evaluation_id,
                _cell(a.by) if a else "",
                a.at.isoformat() if a else "",
            ]
        )
    text = buf.getvalue()
    export = PayrollExport(
        id=export_id, created_by=actor, count=len(changes), csv=text, sha256=sha256_text(text)
    )
    session.add(export)
    session.flush()
    if _cas(session, ids, "approved", "exported", export_id) != len(ids):
        raise ConflictError("another export took some of these changes while this one ran; retry")
    for c in changes:
        session.add(
            PayrollTransition(
                change_id=c.id or 0,
                from_status="approved",
                to_status="exported",
                by=actor,
                note=export_id,
                request_id=request_id,
            )
        )
    audit(
        session=session,
        actor=actor,
        action="payroll.export",
        target=export_id,
        jurisdiction=jurisdiction,
        request_id=request_id,
        detail={
            "count": len(changes),
            "sha256": export.sha256,
            "changes": ids,
            **({"layout": layout} if layout is not None else {}),
        },
    )
    session.flush()
    return export


def get_payroll_export(
    *, session: Session, export_id: str, scopes: Sequence[str]
) -> PayrollExport | None:
    """The export, when every change in it is in `scopes`."""
    export = session.get(PayrollExport, export_id)
    if export is None:
        return None
    jurs = session.exec(
        select(PayrollChange.jurisdiction).where(PayrollChange.export_id == export_id)
    ).all()
    if not all(in_scope(j, scopes) for j in jurs):
        return None
    if sha256_text(export.csv) != export.sha256:
        raise DigestMismatchError(
            f"payroll export {export_id} does not match the sha256 stored with it "
            f"({export.sha256}); it was changed after it was written and is not served"
        )
    return export


def list_payroll_exports(
    *, session: Session, scopes: Sequence[str], limit: int = 100, offset: int = 0
) -> tuple[list[PayrollExport], int]:
    """Exports every change of which is in `scopes`, newest first, and how many there are."""
    pairs = session.exec(
        select(PayrollChange.export_id, PayrollChange.jurisdiction).where(
            col(PayrollChange.export_id).is_not(None)
        )
    ).all()
    hidden = {e for e, j in pairs if not in_scope(j, scopes)}
    visible = sorted({e for e, _ in pairs if e is not None} - hidden)
    if not visible:
        return [], 0
    rows = session.exec(
        select(PayrollExport)
        .where(col(PayrollExport.id).in_(visible))
        .order_by(col(PayrollExport.created).desc(), col(PayrollExport.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), len(visible)


# ── API keys ───────────────────────────────────────────────────────────────────────────────


def _hash_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_key(
    *,
    session: Session,
    role: str,
    scopes: Sequence[str],
    name: str | None = None,
    actor: str = "cli",
) -> tuple[ApiKey, str]:
    """A new key: (row, the secret). The secret is shown once; only its SHA-256 is kept."""
    if role not in ROLES:
        raise StoreError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    clean = [s.strip().strip("/") for s in scopes if s.strip().strip("/")]
    if not clean:
        raise StoreError("a key needs at least one jurisdiction scope (or '*' for all)")
    bad = [s for s in clean if any(ch.isspace() for ch in s)]
    if bad:
        raise StoreError(f"scopes cannot contain spaces: {bad}")
    key_id = secrets.token_hex(4)
    token = f"mcc_{key_id}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        key_id=key_id, key_hash=_hash_key(token), role=role, scope=" ".join(clean), name=name
    )
    session.add(key)
    session.flush()
    audit(
        session=session,
        actor=actor,
        action="key.create",
        target=key_id,
        detail={"role": role, "scope": clean, "name": name},
    )
    return key, token


def authenticate(*, session: Session, token: str) -> ApiKey | None:
    """The live key for a bearer token, or None."""
    if not token.startswith("mcc_") or len(token) > 200:
        return None
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == _hash_key(token))).first()
    if key is None or key.revoked_at is not None:
        return None
    return key


def list_api_keys(*, session: Session, include_revoked: bool = True) -> list[ApiKey]:
    q = select(ApiKey).order_by(col(ApiKey.id))
    if not include_revoked:
        q = q.where(col(ApiKey.revoked_at).is_(None))
    return list(session.exec(q).all())


def revoke_api_key(*, session: Session, key_id: str, actor: str = "cli") -> ApiKey | None:
    key = session.exec(select(ApiKey).where(ApiKey.key_id == key_id)).first()
    if key is None:
        return None
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        audit(session=session, actor=actor, action="key.revoke", target=key_id)
        session.flush()
    return key


def create_scenario_run(
    *,
    session: Session,
    jurisdiction: str,
    roster_kind: str,
    educators: int,
    roster_sha256: str,
    ruleset_id: str,
    ruleset_sha256: str,
    assumptions_sha256: str,
    proposals: list[dict[str, Any]],
    request: dict[str, Any],
    created_by: str,
    request_id: str | None = None,
) -> ScenarioRun:
    """A queued costing run; `request` is what reproduces it (see `ScenarioRun`)."""
    text = canonical_json(request)
    run = ScenarioRun(
        id=secrets.token_hex(16),
        jurisdiction=jurisdiction,
        roster_kind=roster_kind,
        educators=educators,
        roster_sha256=roster_sha256,
        ruleset_id=ruleset_id,
        ruleset_sha256=ruleset_sha256,
        assumptions_sha256=assumptions_sha256,
        proposals_json=canonical_json(proposals),
        request_json=text,
        request_sha256=sha256_text(text),
        created_by=created_by,
        request_id=request_id,
    )
    session.add(run)
    session.flush()
    return run


def get_scenario_run(*, session: Session, run_id: str, scopes: Sequence[str]) -> ScenarioRun | None:
    run = session.get(ScenarioRun, run_id)
    return run if run is not None and in_scope(run.jurisdiction, scopes) else None


def start_scenario_run(*, session: Session, run_id: str) -> bool:
    """queued → running (compare-and-set); False when the run is not queued any more."""
    res = session.execute(
        sa.update(ScenarioRun)
        .where(col(ScenarioRun.id) == run_id, col(ScenarioRun.status) == "queued")
        .values(status="running", started=utcnow())
    )
    return bool(cast(Any, res).rowcount)


def finish_scenario_run(
    *,
    session: Session,
    run_id: str,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
    roster_sha256: str | None = None,
    educators: int | None = None,
) -> bool:
    """queued|running → done (with `result`, hashed over its canonical JSON) or failed (with
    `error`, a problem document); False when the run had already finished. A stored
    district's roster is read when the run starts: its sha256 and size are recorded here."""
    if (result is None) == (error is None):
        raise ValueError("finish a scenario run with a result or an error")
    values: dict[str, Any] = {"finished": utcnow()}
    if roster_sha256 is not None:
        values["roster_sha256"] = roster_sha256
    if educators is not None:
        values["educators"] = educators
    if result is not None:
        text = canonical_json(result)
        values.update(status="done", result_json=text, result_sha256=sha256_text(text))
    else:
        values.update(status="failed", error_json=canonical_json(error))
    res = session.execute(
        sa.update(ScenarioRun)
        .where(
            col(ScenarioRun.id) == run_id,
            col(ScenarioRun.status).in_(["queued", "running"]),
        )
        .values(**values)
    )
    return bool(cast(Any, res).rowcount)


def jurisdiction_educator_inputs(
    *, session: Session, jurisdiction: str, chunk: int = 1000
) -> Iterable[dict[str, Any]]:
    """Every stored educator input document of `jurisdiction` (exactly it, not beneath),
    by id, read `chunk` educators at a time."""
    last = ""
    while True:
        rows = session.exec(
            select(EducatorRecord)
            .where(col(EducatorRecord.jurisdiction) == jurisdiction, col(EducatorRecord.id) > last)
            .order_by(col(EducatorRecord.id))
            .limit(chunk)
        ).all()
        if not rows:
            return
        docs = educator_inputs(session=session, records=rows)
        for r in rows:
            yield docs[r.id]
        last = rows[-1].id


def count_jurisdiction_educators(*, session: Session, jurisdiction: str) -> int:
    return int(
        session.exec(
            select(sa.func.count())
            .select_from(EducatorRecord)
            .where(col(EducatorRecord.jurisdiction) == jurisdiction)
        ).one()
    )
