"""Payroll changes (proposed → approved → exported, or rejected) and CSV exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Response

from ...errors import LayoutError, UnknownLayoutError
from ...handoff import XLSX_MEDIA_TYPE, Delivery, choose_layout, deliver, export_in_layout
from ...store.repositories import (
    get_payroll_change,
    get_payroll_export,
    list_payroll_changes,
    list_payroll_exports,
    transition_payroll_change,
)
from ..deps import EvaluatorDep, KeyDep, RequestIdDep, SessionDep, WriteSessionDep
from ..models import (
    ExportRequest,
    PayrollChangePublic,
    PayrollChangesPublic,
    PayrollExportPublic,
    PayrollExportsPublic,
    TransitionRequest,
)
from ..problems import ApiProblem
from ._shared import (
    FORBIDDEN,
    NOT_FOUND,
    Limit,
    ListingDep,
    Offset,
    Responses,
    RowId,
    change_public,
    not_found,
)

router = APIRouter(prefix="/payroll", tags=["payroll"])

ROLES = ("payroll", "admin")
CONFLICT: Responses = {409: {"description": "The change is not in a status that allows this."}}


@router.get("/changes", response_model=PayrollChangesPublic, responses=FORBIDDEN)
def list_changes(
    key: KeyDep,
    session: SessionDep,
    page: ListingDep,
    status: Literal["proposed", "approved", "rejected", "exported"] | None = None,
) -> PayrollChangesPublic:
    """Payroll changes of this key's districts, oldest first."""
    key.require(*ROLES)
    rows, count = list_payroll_changes(
        session=session, scopes=key.scopes, status=status, **page.arguments()
    )
    return PayrollChangesPublic(
        data=[change_public(session, r, history=False) for r in rows], count=count
    )


@router.get(
    "/changes/{change_id}", response_model=PayrollChangePublic, responses={**NOT_FOUND, **FORBIDDEN}
)
def read_change(change_id: RowId, key: KeyDep, session: SessionDep) -> PayrollChangePublic:
    """One change with every transition: who, when, why."""
    key.require(*ROLES)
    change = get_payroll_change(session=session, change_id=change_id, scopes=key.scopes)
    if change is None:
        raise not_found("payroll change", change_id)
    return change_public(session, change)


def _transition(
    change_id: RowId,
    to: Literal["approved", "rejected"],
    note: str | None,
    key: KeyDep,
    session: WriteSessionDep,
    request_id: str,
) -> PayrollChangePublic:
    key.require(*ROLES)
    change = transition_payroll_change(
        session=session,
        change_id=change_id,
        scopes=key.scopes,
        to=to,
        actor=key.actor,
        note=note,
        request_id=request_id,
    )
    if change is None:
        raise not_found("payroll change", change_id)
    session.commit()
    return change_public(session, change)


@router.post(
    "/changes/{change_id}/approve",
    response_model=PayrollChangePublic,
    responses={**NOT_FOUND, **FORBIDDEN, **CONFLICT},
)
def approve_change(
    change_id: RowId,
    key: KeyDep,
    session: WriteSessionDep,
    request_id: RequestIdDep,
    body: Annotated[TransitionRequest | None, Body()] = None,
) -> PayrollChangePublic:
    """Approve a proposed change (409 unless it is proposed)."""
    return _transition(change_id, "approved", body.note if body else None, key, session, request_id)


@router.post(
    "/changes/{change_id}/reject",
    response_model=PayrollChangePublic,
    responses={**NOT_FOUND, **FORBIDDEN, **CONFLICT},
)
def reject_change(
    change_id: RowId,
    body: TransitionRequest,
    key: KeyDep,
    session: WriteSessionDep,
    request_id: RequestIdDep,
) -> PayrollChangePublic:
    """Reject a proposed or approved (not yet exported) change; a note saying why is required."""
    if not body.note or not body.note.strip():
        raise ApiProblem(
            422,
            "say why the change is rejected",
            kind="validation",
            errors=[
                {
                    "type": "missing",
                    "msg": "a note is required to reject",
                    "pointer": "/note",
                    "loc": ["note"],
                }
            ],
        )
    return _transition(change_id, "rejected", body.note, key, session, request_id)


LayoutQuery = Annotated[
    str | None,
    Query(
        max_length=80,
        description="An export layout (issue 15; `rules/layouts/<id>.yaml`): generic-csv, "
        "workday-comp-change (.xlsx), tyler-munis-personnel-action, "
        "powerschool-future-pay-rates. Default: the layout the export's `jurisdiction` names "
        "in its jurisdiction.yaml (`payroll.layout`), else generic-csv.",
    ),
]


def _unknown_layout(e: UnknownLayoutError) -> ApiProblem:
    return ApiProblem(
        422,
        str(e),
        kind="validation",
        errors=[{"pointer": "#/query/layout", "detail": "unknown layout", "loc": ["layout"]}],
    )


def _layout_cannot(e: LayoutError) -> ApiProblem:
    return ApiProblem(
        422,
        f"{e}; nothing was exported",
        kind="validation",
        errors=[{"pointer": "#/query/layout", "detail": e.message, "loc": ["layout"]}],
    )


def _file_response(d: Delivery, status: int) -> Response:
    return Response(
        d.data,
        status_code=status,
        media_type=d.media_type,
        headers={
            "X-Export-Id": d.export_id,
            "X-Export-Layout": d.layout,
            "Location": f"/v1/payroll/exports/{d.export_id}",
            "Content-Disposition": f'attachment; filename="{d.filename}"',
        },
    )


_CSV_DOC: dict[str, Any] = {
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
    }
}


@router.post(
    "/exports",
    status_code=201,
    response_class=Response,
    responses={
        201: {
            **_CSV_DOC,
            "description": "The export in its layout (CSV, or .xlsx for Workday; one row per "
            "change or line: effective date, retro amount, export id…); `X-Export-Id` and "
            "`Location` name it, `X-Export-Layout` names the layout.",
        },
        204: {"description": "Nothing approved to export."},
        **FORBIDDEN,
    },
)
def create_export(
    key: KeyDep,
    session: WriteSessionDep,
    request_id: RequestIdDep,
    ev: EvaluatorDep,
    body: Annotated[ExportRequest | None, Body()] = None,
    layout: LayoutQuery = None,
) -> Response:
    """Export every approved change in scope, each exactly once, in `layout` (default: the
    layout the requested jurisdiction names, else generic-csv)."""
    key.require(*ROLES)
    req = body or ExportRequest()
    if req.jurisdiction is not None and not key.sees(req.jurisdiction):
        raise not_found("jurisdiction", req.jurisdiction)
    rules = ev.rules
    jur = req.jurisdiction if req.jurisdiction in rules.jurisdictions else None
    try:
        delivery = export_in_layout(
            session=session,
            rules=rules,
            scopes=key.scopes,
            actor=key.actor,
            layout=layout,
            jurisdiction=jur,
            effective_through=req.effective_through,
            request_id=request_id,
        )
    except UnknownLayoutError as e:
        raise _unknown_layout(e) from None
    except LayoutError as e:
        session.rollback()
        raise _layout_cannot(e) from None
    if delivery is None:
        session.rollback()
        return Response(status_code=204)
    session.commit()
    return _file_response(delivery, 201)


@router.get("/exports", response_model=PayrollExportsPublic, responses=FORBIDDEN)
def list_exports(
    key: KeyDep,
    session: SessionDep,
    limit: Limit = 100,
    offset: Offset = 0,
) -> PayrollExportsPublic:
    """Earlier exports of this key's districts, newest first (the CSV itself: by id)."""
    key.require(*ROLES)
    rows, count = list_payroll_exports(
        session=session, scopes=key.scopes, limit=limit, offset=offset
    )
    data = [PayrollExportPublic.model_validate(r, from_attributes=True) for r in rows]
    return PayrollExportsPublic(data=data, count=count)


@router.get(
    "/exports/{export_id}",
    response_class=Response,
    responses={
        200: {**_CSV_DOC, "description": "The same bytes as first delivered."},
        **NOT_FOUND,
        **FORBIDDEN,
    },
)
def read_export(
    export_id: Annotated[str, Path(max_length=40, examples=["exp_0123456789abcdef"])],
    key: KeyDep,
    session: SessionDep,
    ev: EvaluatorDep,
    layout: LayoutQuery = None,
) -> Response:
    """An earlier export, byte for byte: without `layout`, the stored generic CSV (the record
    itself); with `layout`, rendered from it (the same bytes each time)."""
    key.require(*ROLES)
    try:
        chosen = None if layout is None else choose_layout(ev.rules, layout)
    except UnknownLayoutError as e:
        raise _unknown_layout(e) from None
    export = get_payroll_export(session=session, export_id=export_id, scopes=key.scopes)
    if export is None:
        raise not_found("export", export_id)
    try:
        return _file_response(deliver(export, chosen, session), 200)
    except LayoutError as e:
        raise _layout_cannot(e) from None
