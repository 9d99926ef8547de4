"""Payroll changes (proposed → approved → exported, or rejected) and CSV exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Response

from ...handoff import Layout, bundled_layouts, render
from ...store.repositories import (
    export_payroll,
    get_payroll_change,
    get_payroll_export,
    list_payroll_changes,
    list_payroll_exports,
    transition_payroll_change,
)
from ..deps import KeyDep, RequestIdDep, SessionDep, WriteSessionDep
from ..models import (
    ExportRequest,
    PayrollChangePublic,
    PayrollChangesPublic,
    PayrollExportPublic,
    PayrollExportsPublic,
    TransitionRequest,
)
from ..problems import ApiProblem
from ._shared import FORBIDDEN, NOT_FOUND, Responses, RowId, change_public, not_found

router = APIRouter(prefix="/payroll", tags=["payroll"])

ROLES = ("payroll", "admin")
CONFLICT: Responses = {409: {"description": "The change is not in a status that allows this."}}
CSV = "text/csv; charset=utf-8"


@router.get("/changes", response_model=PayrollChangesPublic, responses=FORBIDDEN)
def list_changes(
    key: KeyDep,
    session: SessionDep,
    status: Literal["proposed", "approved", "rejected", "exported"] | None = None,
    jurisdiction: Annotated[str | None, Query(max_length=200)] = None,
    educator_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> PayrollChangesPublic:
    """Payroll changes of this key's districts, oldest first."""
    key.require(*ROLES)
    rows, count = list_payroll_changes(
        session=session,
        scopes=key.scopes,
        status=status,
        jurisdiction=jurisdiction,
        educator_id=educator_id,
        limit=limit,
        offset=offset,
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
        description="A bundled export layout (issue 15): generic-csv (the default), "
        "workday-comp-change, tyler-munis-personnel-action, powerschool-future-pay-rates.",
    ),
]


def _layout(name: str | None) -> Layout | None:
    if name is None or name == "generic-csv":
        return None
    layouts = bundled_layouts()
    if name not in layouts:
        raise ApiProblem(
            422,
            f"unknown layout {name!r}; known layouts: {', '.join(sorted(layouts))}",
            kind="validation",
            errors=[{"pointer": "#/query/layout", "detail": "unknown layout"}],
        )
    return layouts[name]


def _csv_response(export_id: str, text: str, status: int, layout: Layout | None = None) -> Response:
    body = text.encode("utf-8") if layout is None else render(layout, text)
    suffix = "" if layout is None else f".{layout.id}"
    return Response(
        body,
        status_code=status,
        media_type=CSV,
        headers={
            "X-Export-Id": export_id,
            "Location": f"/v1/payroll/exports/{export_id}",
            "Content-Disposition": f'attachment; filename="{export_id}{suffix}.csv"',
        },
    )


_CSV_DOC: dict[str, Any] = {"content": {"text/csv": {"schema": {"type": "string"}}}}


@router.post(
    "/exports",
    status_code=201,
    response_class=Response,
    responses={
        201: {
            **_CSV_DOC,
            "description": "The export as CSV (one row per change: effective "
            "date, retro amount, export id…); `X-Export-Id` and `Location` name it.",
        },
        204: {"description": "Nothing approved to export."},
        **FORBIDDEN,
    },
)
def create_export(
    key: KeyDep,
    session: WriteSessionDep,
    request_id: RequestIdDep,
    body: Annotated[ExportRequest | None, Body()] = None,
    layout: LayoutQuery = None,
) -> Response:
    """Export every approved change in scope, each exactly once (in `layout` when given)."""
    key.require(*ROLES)
    chosen = _layout(layout)
    req = body or ExportRequest()
    if req.jurisdiction is not None and not key.sees(req.jurisdiction):
        raise not_found("jurisdiction", req.jurisdiction)
    export = export_payroll(
        session=session,
        scopes=key.scopes,
        actor=key.actor,
        jurisdiction=req.jurisdiction,
        effective_through=req.effective_through,
        request_id=request_id,
    )
    if export is None:
        session.rollback()
        return Response(status_code=204)
    session.commit()
    return _csv_response(export.id, export.csv, 201, chosen)


@router.get("/exports", response_model=PayrollExportsPublic, responses=FORBIDDEN)
def list_exports(
    key: KeyDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
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
    layout: LayoutQuery = None,
) -> Response:
    """An earlier export, byte for byte (in `layout`: the same bytes each time)."""
    key.require(*ROLES)
    chosen = _layout(layout)
    export = get_payroll_export(session=session, export_id=export_id, scopes=key.scopes)
    if export is None:
        raise not_found("export", export_id)
    return _csv_response(export.id, export.csv, 200, chosen)
