"""The workforce skills view over the stored educators (issue 15): `union` keys get aggregates
only (no named educators, counts under the minimum bucket suppressed, a minimum of 5 they
cannot lower); district keys (`licensure`, `payroll`, `admin`) also get the candidate coaches."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from ...errors import ProblemsError, UnknownJurisdictionError
from ...evaluation import evaluate_plan, plan_for
from ...reports import workforce_csv, workforce_html, workforce_view
from ..deps import EvaluatorDep, KeyDep, SessionDep
from ..models import IsoDate
from ..problems import ApiProblem
from ._shared import FORBIDDEN, NOT_FOUND, not_found, stored_educators

router = APIRouter(prefix="/workforce", tags=["workforce"])

ROLES = ("union", "licensure", "payroll", "admin")
UNION_MIN_BUCKET = 5

_EXAMPLE: dict[str, Any] = {
    "jurisdiction": "us-va/pwcs",
    "as_of": "2026-06-30",
    "by": "school",
    "min_bucket": 5,
    "named": False,
    "educators": 412,
    "schools": {"School 01": 38, "School 02": None},
    "competency_titles": {"DP-LIT-201": "Close reading of complex text"},
    "holders": [{"group": "category", "key": "literacy", "school": "all", "educators": 211}],
    "short": [{"category": "literacy", "short": 40, "required_of": 120, "share": 0.333}],
    "gaps": [{"school": "School 07", "category": "special_education"}],
    "coaches": [],
    "trend": [
        {"school_year": "2024-25", "category": "literacy", "credentials": 96, "educators": 71}
    ],
}
_DOC: dict[str, Any] = {
    "description": "JSON (the view), CSV (one `section`) or HTML (a self-contained page).",
    "content": {
        "application/json": {"schema": {"type": "object"}, "example": _EXAMPLE},
        "text/csv": {"schema": {"type": "string"}, "example": "group,key,school,educators\n"},
        "text/html": {"schema": {"type": "string"}, "example": "<!doctype html>…"},
    },
}


@router.get("", response_class=Response, responses={200: _DOC, **NOT_FOUND, **FORBIDDEN})
def workforce(
    key: KeyDep,
    session: SessionDep,
    ev: EvaluatorDep,
    jurisdiction: Annotated[str, Query(max_length=200, examples=["us-va/pwcs"])],
    by: Annotated[Literal["school", "category", "competency"], Query()] = "school",
    as_of: Annotated[IsoDate | None, Query(description="Default: today.")] = None,
    min_bucket: Annotated[int, Query(ge=1, le=1000)] = 5,
    format: Annotated[Literal["json", "csv", "html"], Query()] = "json",
    section: Annotated[Literal["holders", "short", "gaps", "coaches", "trend"], Query()] = (
        "holders"
    ),
) -> Response:
    """Which skills the stored educators of `jurisdiction` (in this key's scope) hold and lack."""
    key.require(*ROLES)
    if not key.sees(jurisdiction):
        raise not_found("jurisdiction", jurisdiction)
    union = key.role == "union"
    rules = ev.rules
    try:
        j = rules.get(jurisdiction)
    except UnknownJurisdictionError:
        raise not_found("jurisdiction", jurisdiction) from None
    day = as_of or dt.date.today()
    plan = plan_for(rules, j, day)
    eds = stored_educators(session, key.scopes, jurisdiction, ev)
    try:
        view = workforce_view(
            ((e, evaluate_plan(plan, e)) for e in eds),
            jurisdiction=jurisdiction,
            as_of=day,
            catalog=j.catalog,
            by=by,
            min_bucket=max(min_bucket, UNION_MIN_BUCKET) if union else min_bucket,
            named=not union,
        )
    except ProblemsError as e:
        raise ApiProblem(422, str(e), kind="validation") from None
    if format == "csv":
        return Response(workforce_csv(view, section), media_type="text/csv; charset=utf-8")
    if format == "html":
        return Response(workforce_html(view), media_type="text/html; charset=utf-8")
    return Response(
        json.dumps(view, ensure_ascii=False, separators=(",", ":")), media_type="application/json"
    )
