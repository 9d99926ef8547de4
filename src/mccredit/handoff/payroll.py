"""A payroll export delivered in a layout: what `POST /v1/payroll/exports` and `mccredit payroll
export` both do.

The store makes the export (every approved change in scope, marked exported exactly once, the
generic CSV kept with it, an audit entry naming the layout); this module renders it in the
layout before the caller commits, so a layout that cannot write an export leaves nothing
exported. The caller commits, then hands over the bytes (the CLI writes a temporary file first
and renames it after the commit: a failed export writes no file).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from ..result import Salary, SalaryChange
from ..rules import RuleSet
from ..store.repositories import export_payroll
from ..store.tables import EvaluationRecord, PayrollChange, PayrollExport
from .layouts import CSV_MEDIA_TYPE, DEFAULT_LAYOUT, Layout, PayPeriods, choose_layout, render

__all__ = ["Delivery", "deliver", "export_in_layout", "pay_periods"]


@dataclass(frozen=True)
class Delivery:
    """An export's bytes in one layout, with the file name and media type to send it by."""

    export_id: str
    count: int
    layout: str
    data: bytes
    filename: str
    media_type: str


def pay_periods(session: Session, export_id: str) -> PayPeriods:
    """Per change of the export: the pay dates its stored evaluation lists (`salary.changes[]
    .periods`: the school year's pay dates from the effective date, amounts summed over the
    evaluation's lane moves and base increases), each marked retro when it is on or before the
    evaluation date. Evaluations are never edited, so the lines are the same every time."""
    pairs = session.exec(
        select(PayrollChange.id, EvaluationRecord)
        .join(EvaluationRecord, col(EvaluationRecord.id) == col(PayrollChange.evaluation_id))
        .where(PayrollChange.export_id == export_id)
    ).all()
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for change_id, ev in pairs:
        totals: dict[dt.date, Decimal] = {}
        for change in _stored_salary(ev.result_json):
            for p in change.periods:
                totals[p.date] = totals.get(p.date, Decimal(0)) + p.amount
        out[str(change_id)] = [
            (day.isoformat(), str(amount), day <= ev.as_of)
            for day, amount in sorted(totals.items())
        ]
    return out


def _stored_salary(result_json: str) -> list[SalaryChange]:
    """The salary changes a stored evaluation document holds; none when it is not a result
    with a salary part of today's shape (the layout then says the change has no pay-period
    lines)."""
    try:
        salary = json.loads(result_json).get("salary")
        return [] if salary is None else Salary.model_validate(salary).changes
    except (ValueError, AttributeError):  # not JSON, not an object, not a salary part
        return []


def deliver(
    export: PayrollExport, layout: Layout | None, session: Session | None = None
) -> Delivery:
    """The export in `layout`; None (or generic-csv): the stored CSV itself, byte for byte.
    A per-pay-period layout reads the export's evaluations through `session`."""
    if layout is None or layout.id == DEFAULT_LAYOUT:
        return Delivery(
            export_id=export.id,
            count=export.count,
            layout=DEFAULT_LAYOUT,
            data=export.csv.encode("utf-8"),
            filename=f"{export.id}.csv",
            media_type=CSV_MEDIA_TYPE,
        )
    return Delivery(
        export_id=export.id,
        count=export.count,
        layout=layout.id,
        data=render(
            layout,
            export.csv,
            pay_periods(session, export.id)
            if session is not None and layout.rows == "per_pay_period"
            else None,
        ),
        filename=f"{export.id}.{layout.id}{layout.suffix}",
        media_type=layout.media_type,
    )


def export_in_layout(
    *,
    session: Session,
    rules: RuleSet,
    scopes: Sequence[str],
    actor: str,
    layout: str | None = None,
    jurisdiction: str | None = None,
    effective_through: dt.date | None = None,
    request_id: str | None = None,
) -> Delivery | None:
    """Export every approved change in scope once, in `layout` (default: the one
    `jurisdiction` names in its jurisdiction.yaml, else generic-csv); None when nothing is
    approved. The layout is chosen before anything is exported (UnknownLayoutError,
    UnknownJurisdictionError) and the file rendered before the caller commits."""
    chosen = choose_layout(rules, layout, jurisdiction)
    export = export_payroll(
        session=session,
        scopes=scopes,
        actor=actor,
        jurisdiction=jurisdiction,
        effective_through=effective_through,
        request_id=request_id,
        layout=chosen.id,
    )
    if export is None:
        return None
    return deliver(export, chosen, session)
