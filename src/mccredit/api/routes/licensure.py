"""The licensure office's work list over the stored educators (issue 15): the same document
as `mccredit licensure worklist`, for `licensure` (and `admin`) keys."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from ...errors import ProblemsError, UnknownJurisdictionError, UnknownLayoutError
from ...handoff import SECTION_COLUMNS, build_worklist, choose_worklist, entries_csv, section_csv
from ..deps import EvaluatorDep, KeyDep, SessionDep
from ..models import IsoDate
from ..problems import ApiProblem
from ._shared import FORBIDDEN, NOT_FOUND, not_found, stored_educators

router = APIRouter(prefix="/licensure", tags=["licensure"])

ROLES = ("licensure", "admin")

_ENTRY = {
    "educator_id": "TN-0001",
    "educator_name": "",
    "license": "professional",
    "license_id": "",
    "license_expires": "2027-08-31",
    "cohort": "2027-08-31",
    "credential_id": "mc-1",
    "kind": "micro_credential",
    "activity_type": "Micro-credential",
    "date_completed": "2022-03-01",
    "title": "Close reading of complex text",
    "issuer": "digital-promise",
    "code": "DP-LIT-201",
    "clock_hours": "15",
    "ceus": "",
    "semester_hours": "",
    "credit": "6.00",
    "credit_unit": "pdp",
    "categories": "literacy",
    "documentation": "",
    "verification": "no badge",
    "rule": "tn.pdp.micro_credential",
    "source": "TDOE PDP FAQ for Educators, micro-credentials",
}
_EXAMPLE = {
    "jurisdiction": "us-tn",
    "as_of": "2026-12-01",
    "worklist": {"id": "tn-pdp-entries", "title": "Tennessee PDP entries for district approval"},
    "ruleset": {"id": "us-tn@2026.1", "sha256": "339456334ce088a0…"},
    "educators": 1,
    "entries": [_ENTRY],
    "held": [
        {
            "educator_id": "TN-0001",
            "credential_id": "junk-1",
            "title": "",
            "date_completed": "2024-06-02",
            "code": "issuer_not_accepted",
            "message": "issuer 'badgemill' is not an accepted micro-credential issuer in us-tn",
        }
    ],
    "at_risk": [
        {
            "educator_id": "TN-0001",
            "educator_name": "",
            "license": "professional",
            "license_id": "",
            "cycle_start": "2021-09-01",
            "cycle_end": "2027-08-31",
            "status": "at_risk",
            "required": {"pdp": "60.00"},
            "earned": {"pdp": "59.00"},
            "remaining": {"pdp": "1.00"},
            "short_categories": [],
            "rule": "tn.renew.professional",
        }
    ],
    "advancement_eligible": [],
    "cohorts": [],
    "rejected": [],
}
_DOC: dict[str, Any] = {
    "content": {
        "application/json": {"schema": {"type": "object"}, "example": _EXAMPLE},
        "text/csv": {
            "schema": {"type": "string"},
            "example": "Educator ID,Educator Name,License,Type of Activity,Date Completed,"
            "Clock Hours,CEUs,Semester Hours,Title,PDPs,Documentation Link,Verification\n"
            "TN-0001,,professional,Micro-credential,03/01/2022,15,,,Close reading of complex "
            "text,6.00,,no badge\n",
        },
    },
    "description": "JSON: `jurisdiction`, `as_of`, `worklist`, `ruleset`, `educators`, "
    "`entries` (ready to approve, in the portal's fields), `held` (with the reason), "
    "`at_risk` (renewals at risk this cycle), `advancement_eligible`, `cohorts` (one batch per "
    "license expiration where the state works that way, e.g. NC), `rejected`. CSV: one "
    "`section` (default `entries`, in the work list's columns; `cohort=` for one batch).",
}


@router.get("/worklist", response_class=Response, responses={200: _DOC, **NOT_FOUND, **FORBIDDEN})
def worklist(
    key: KeyDep,
    session: SessionDep,
    ev: EvaluatorDep,
    jurisdiction: Annotated[str, Query(max_length=200, examples=["us-tn"])],
    as_of: Annotated[IsoDate | None, Query(description="Default: today.")] = None,
    worklist_id: Annotated[
        str | None,
        Query(alias="worklist", max_length=80, description="Default: the jurisdiction's own."),
    ] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    section: Annotated[
        Literal["entries", "held", "at_risk", "advancement_eligible"], Query()
    ] = "entries",
    cohort: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Per stored educator of `jurisdiction` in this key's scope: the credit entries ready to
    approve, those held back and why, renewals at risk, the advancement-eligible list."""
    key.require(*ROLES)
    if not key.sees(jurisdiction):
        raise not_found("jurisdiction", jurisdiction)
    rules = ev.rules
    try:
        shape = choose_worklist(rules, jurisdiction, worklist_id)
    except UnknownJurisdictionError:
        raise not_found("jurisdiction", jurisdiction) from None
    except UnknownLayoutError as e:
        raise ApiProblem(
            422,
            str(e),
            kind="validation",
            errors=[{"pointer": "#/query/worklist", "detail": "unknown work list"}],
        ) from None
    try:
        doc = build_worklist(
            stored_educators(session, key.scopes, jurisdiction, ev),
            rules=rules,
            jurisdiction=jurisdiction,
            as_of=as_of or dt.date.today(),
            worklist=shape,
        )
    except ProblemsError as e:  # a stored educator the rules no longer accept
        raise ApiProblem(422, str(e), kind="validation") from None
    if format == "json":
        import json

        return Response(
            json.dumps(doc.as_dict(), ensure_ascii=False, separators=(",", ":")),
            media_type="application/json",
        )
    text = (
        entries_csv(doc, cohort)
        if section == "entries"
        else section_csv(doc.as_dict()[section], SECTION_COLUMNS[section])
    )
    return Response(text, media_type="text/csv; charset=utf-8")
