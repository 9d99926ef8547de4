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
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from ..rules import RuleSet
from ..store.repositories import export_payroll
from ..store.tables import PayrollExport
from .layouts import CSV_MEDIA_TYPE, DEFAULT_LAYOUT, Layout, choose_layout, render

__all__ = ["Delivery", "deliver", "export_in_layout"]


@dataclass(frozen=True)
class Delivery:
    """An export's bytes in one layout, with the file name and media type to send it by."""

    export_id: str
    count: int
    layout: str
    data: bytes
    filename: str
    media_type: str


def deliver(export: PayrollExport, layout: Layout | None) -> Delivery:
    """The export in `layout`; None (or generic-csv): the stored CSV itself, byte for byte."""
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
        data=render(layout, export.csv),
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
    return deliver(export, chosen)
