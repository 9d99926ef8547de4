"""Request and response bodies, one model family per resource (see STYLE.md)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..io.educator import Educator
from ..result import Evaluation, RulesetRef

__all__ = [
    "EXAMPLE_EDUCATOR",
    "AuditEntriesPublic",
    "AuditEntryPublic",
    "BatchRequest",
    "CredentialPublic",
    "EducatorPublic",
    "EducatorsPublic",
    "EvaluateRequest",
    "EvaluationDocument",
    "EvaluationPublic",
    "EvaluationsPublic",
    "ExportRequest",
    "Health",
    "JurisdictionPublic",
    "JurisdictionsPublic",
    "NotificationCount",
    "NotificationPublic",
    "NotificationsPublic",
    "PayrollChangePublic",
    "PayrollChangesPublic",
    "PayrollExportPublic",
    "PayrollExportsPublic",
    "PayrollTransitionPublic",
    "ProposalRef",
    "ReplayPublic",
    "RulesetRef",
    "ScenarioCostRequest",
    "ScenarioRosterRef",
    "ScenarioRunLinks",
    "ScenarioRunPublic",
    "ScenarioRunRequest",
    "StoredEvaluationPublic",
    "TransitionRequest",
]

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Only `YYYY-MM-DD` strings (no timestamps, no datetimes) are dates here."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO.match(value):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

EXAMPLE_EDUCATOR: dict[str, Any] = {
    "id": "E-1",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [
        {"id": "m1", "kind": "micro_credential", "issuer": "nea", "earned": "2023-01-01"}
    ],
}
EXAMPLE_PWCS: dict[str, Any] = {
    "id": "P-1",
    "jurisdiction": "us-va/pwcs",
    "salary": {"lane": "BA", "step": 4},
    "credentials": [
        {
            "id": f"g{i}",
            "kind": "graduate_course",
            "earned": f"2024-0{i + 1}-15",
            "semester_credits": 3,
        }
        for i in range(5)
    ],
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvaluateRequest(_Body):
    """One educator (the jurisdiction is the educator's own), an optional date and what-if."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"educator": EXAMPLE_EDUCATOR, "as_of": "2026-06-30"},
                {"educator": EXAMPLE_PWCS, "as_of": "2024-12-01"},
            ]
        },
    )

    educator: Educator
    as_of: IsoDate | None = Field(None, description="Evaluation date (default: today).")
    proposal: dict[str, Any] | None = Field(
        None,
        description="A what-if overlay (set / add / remove rules by id, effective date) "
        "applied to this request only.",
    )


class BatchRequest(_Body):
    """Many educators; each is validated on its own, so one bad row is one error line."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"educators": [EXAMPLE_EDUCATOR], "as_of": "2026-06-30"}]},
    )

    educators: list[dict[str, Any]] = Field(
        description="Educator input documents (the `Educator` schema)."
    )
    as_of: IsoDate | None = None
    proposal: dict[str, Any] | None = None


class ScenarioCostRequest(_Body):
    """A proposal costed over a workforce: figures only, never one educator's record."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "proposal": {
                        "proposal": "BA+15 at 12 graduate hours",
                        "jurisdiction": "us-va/pwcs",
                        "effective": "2024-07-01",
                        "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
                    },
                    "educators": [EXAMPLE_PWCS],
                    "years": [2024, 2025],
                }
            ]
        },
    )

    proposal: dict[str, Any]
    educators: list[dict[str, Any]] = Field(description="Educator input documents.")
    years: list[Annotated[int, Field(ge=1990, le=2100)]] = Field(min_length=1, max_length=10)
    month_day: str = Field(
        "10-01",
        pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        description="Each year is evaluated on YYYY-<month_day>.",
    )


class ProposalRef(BaseModel):
    name: str | None = None
    sha256: str


class ScenarioRosterRef(_Body):
    """The stored educators of one district (or state): `GET /v1/educators?jurisdiction=`."""

    jurisdiction: str = Field(min_length=1, max_length=200, examples=["us-va/pwcs"])


class ScenarioRunRequest(_Body):
    """A costing run: a roster (stored or uploaded), proposals and assumptions."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "roster": {"jurisdiction": "us-va/pwcs"},
                    "proposals": [
                        {
                            "proposal": "BA+15 at 12 graduate hours",
                            "jurisdiction": "us-va/pwcs",
                            "effective": "2025-07-01",
                            "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
                        }
                    ],
                    "assumptions": {
                        "assumptions": "PWCS example",
                        "from_year": 2025,
                        "years": 3,
                        "scale_growth": 0.02,
                        "attrition": {"rate": 0.08, "replace_lane": "BA", "seed": 11},
                    },
                }
            ]
        },
    )

    roster: ScenarioRosterRef | None = Field(
        None, description="Cost the stored educators of this jurisdiction (or give `educators`)."
    )
    educators: list[dict[str, Any]] | None = Field(
        None, description="An uploaded roster: educator input documents (or give `roster`)."
    )
    proposals: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=10,
        description="Proposal overlays (the YAML files' content as JSON), costed against the "
        "baseline and each other; none costs the baseline alone.",
    )
    assumptions: dict[str, Any] = Field(
        description="The costing assumptions (the assumptions file's content as JSON)."
    )


class ScenarioRunLinks(BaseModel):
    status: str
    result: str
    report: str
    tables: dict[str, str]


class ScenarioRunPublic(BaseModel):
    """A costing run: where it stands and what it was computed from, by sha256."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    jurisdiction: str
    roster: Literal["stored", "uploaded"]
    educators: int = Field(description="Educators in the roster (stored: read at start).")
    roster_sha256: str = Field(description="Over the roster's educator documents, by id.")
    ruleset: RulesetRef
    assumptions_sha256: str
    proposals: list[ProposalRef]
    request_sha256: str
    result_sha256: str | None = Field(
        None, description="Over the stored costing document's canonical JSON."
    )
    view: Literal["full", "union"] = Field(
        description="`union`: small groups suppressed for this key (mccredit.scenarios.privacy)."
    )
    created: dt.datetime
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    created_by: str
    error: dict[str, Any] | None = None
    links: ScenarioRunLinks


class EvaluationDocument(Evaluation):
    """The evaluation document: exactly `mccredit evaluate --json` (DESIGN.md §4), the typed
    `mccredit.result.Evaluation` (amounts are decimal strings, dates `YYYY-MM-DD`)."""


class JurisdictionPublic(BaseModel):
    id: str
    name: str | None = None
    version: str | None = None
    extends: str | None = None
    sha256: str


class JurisdictionsPublic(BaseModel):
    data: list[JurisdictionPublic]
    count: int


class CredentialPublic(BaseModel):
    educator_id: str
    credential_id: str
    issuer: str | None
    sha256: str
    created: dt.datetime
    created_by: str
    document: dict[str, Any]


class EducatorPublic(BaseModel):
    id: str
    jurisdiction: str
    sha256: str = Field(description="SHA-256 of the stored profile (without credentials).")
    created: dt.datetime
    updated: dt.datetime
    credentials: int = Field(description="How many credentials are stored.")
    document: dict[str, Any] = Field(
        description="The educator input document, credentials included, as evaluations see it."
    )


class EducatorsPublic(BaseModel):
    data: list[EducatorPublic]
    count: int


class PayrollTransitionPublic(BaseModel):
    from_status: str | None
    to_status: str
    by: str
    at: dt.datetime
    note: str | None = None
    request_id: str | None = None


class PayrollChangePublic(BaseModel):
    id: int
    educator_id: str
    jurisdiction: str
    evaluation_id: int
    lane: str | None
    step: str | None
    annual: str | None
    new_lane: str
    new_step: str | None
    new_annual: str | None
    annual_delta: str | None
    effective_date: dt.date
    this_year_delta: str | None
    retro: str | None
    status: Literal["proposed", "approved", "rejected", "exported"]
    export_id: str | None
    created: dt.datetime
    created_by: str
    transitions: list[PayrollTransitionPublic] = Field(default_factory=list)


class PayrollChangesPublic(BaseModel):
    data: list[PayrollChangePublic]
    count: int


class PayrollExportPublic(BaseModel):
    id: str
    created: dt.datetime
    created_by: str
    count: int = Field(description="Changes in the export.")
    sha256: str = Field(description="SHA-256 of the CSV bytes.")


class PayrollExportsPublic(BaseModel):
    data: list[PayrollExportPublic]
    count: int


class TransitionRequest(_Body):
    note: str | None = Field(None, max_length=2000, description="Why (required to reject).")


class ExportRequest(_Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"jurisdiction": "us-va/pwcs", "effective_through": "2025-06-30"}]
        },
    )

    jurisdiction: str | None = Field(
        None, max_length=200, description="Only this jurisdiction (default: the key's scope)."
    )
    effective_through: IsoDate | None = Field(
        None, description="Only changes effective on or before this date."
    )


class EvaluationPublic(BaseModel):
    """A stored evaluation, without its result body."""

    id: int
    educator: str
    jurisdiction: str
    as_of: dt.date
    created: dt.datetime
    created_by: str
    input_sha256: str
    ruleset: RulesetRef
    proposal: ProposalRef | None
    result_sha256: str
    current_ruleset_sha256: str | None = Field(
        description="The jurisdiction's ruleset sha256 now (null: no longer known)."
    )
    ruleset_changed: bool = Field(
        description="True when the current rules differ from the ones this result used: "
        "re-evaluating may give a different result."
    )


class EvaluationsPublic(BaseModel):
    data: list[EvaluationPublic]
    count: int


class StoredEvaluationPublic(EvaluationPublic):
    payroll_change: PayrollChangePublic | None = None
    result: dict[str, Any] = Field(
        description="The evaluation document as stored; its exact "
        "bytes are at /v1/evaluations/{id}/result."
    )


class ReplayPublic(BaseModel):
    evaluation_id: int
    identical: bool = Field(description="The re-run gave byte-identical JSON.")
    ruleset_changed: bool
    stored_ruleset_sha256: str
    current_ruleset_sha256: str | None
    stored_result_sha256: str
    replay_result_sha256: str | None


class AuditEntryPublic(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str | None
    jurisdiction: str | None
    request_id: str | None
    detail: dict[str, Any] | None


class AuditEntriesPublic(BaseModel):
    data: list[AuditEntryPublic]
    count: int


class Health(BaseModel):
    status: Literal["ok"]
    database: str | None = None
    schema_revision: str | None = None
    jurisdictions: int | None = None


class NotificationPublic(BaseModel):
    """One notification (issue 13): an event raised once per (kind, educator, subject,
    period). `detail` holds the kind's figures (a stack's award, a renewal's remaining
    units, a lane move's dates and amounts with its proposed `payroll_change`)."""

    id: int
    kind: str = Field(
        description="stack_completed, renewal_at_risk, renewal_complete, "
        "advancement_eligible, lane_eligible, credential_revoked or rule_stale."
    )
    educator: str
    subject: str = Field(
        description="What it is about: a stack, a license, a tier, a lane, "
        "a credential or a rule id."
    )
    period: str = Field(description="The cycle (start/end), date or deadline it belongs to.")
    jurisdiction: str
    detail: dict[str, Any]
    created: dt.datetime
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None


class NotificationCount(BaseModel):
    kind: str
    jurisdiction: str
    count: int


class NotificationsPublic(BaseModel):
    """A page of notifications, oldest first, and counts of every match by kind and
    jurisdiction. A union key gets the counts only: `data` is empty and `aggregate_only`
    true (no educator, subject or detail is ever shown to it)."""

    data: list[NotificationPublic]
    count: int
    aggregates: list[NotificationCount]
    aggregate_only: bool = False
