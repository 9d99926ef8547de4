"""Payroll changes (proposed → approved → exported, or rejected), their transitions, and the
CSV exports that hand approved changes to payroll exactly once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ...errors import ConflictError, DigestMismatchError
from ...result import Salary
from ..tables import EvaluationRecord, PayrollChange, PayrollExport, PayrollTransition
from ._audit import audit
from ._common import in_scope, scope_filter, scoped_get, sha256_text

__all__ = [
    "EXPORT_COLUMNS",
    "PayrollStatus",
    "export_payroll",
    "get_payroll_change",
    "get_payroll_export",
    "list_payroll_changes",
    "list_payroll_exports",
    "list_transitions",
    "propose_payroll_change",
    "transition_payroll_change",
]

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
        PayrollChange.jurisdiction == evaluation.jurisdiction,
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
    return scoped_get(session, PayrollChange, change_id, scopes)


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
