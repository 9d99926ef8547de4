"""The files of a rules tree: a rule file (`RuleFile`, sections of rules), a jurisdiction's
`jurisdiction.yaml` (`JurisdictionFile` and its settings: accept, events, payroll, licensure)
and an issuer catalog (`CatalogFile`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from ...verify._result import Verification
from ._base import Source, SourceRef, UnitDef, UnitId, _Model
from ._credit import AdvancementRule, AwardRule, CapRule, RequirementRule, StackRule
from ._salary import BaseIncreaseRule, LaneRule, SalarySettings

__all__ = [
    "AcceptSettings",
    "CatalogEntry",
    "CatalogFile",
    "CatalogIssuer",
    "CatalogStack",
    "EventSettings",
    "JurisdictionFile",
    "LicensureSettings",
    "PayrollSettings",
    "RuleFile",
]


class RuleFile(_Model):
    """One rule file: sections of rules."""

    description: str | None = None
    awards: list[AwardRule] = Field(default_factory=list)
    caps: list[CapRule] = Field(default_factory=list)
    stacks: list[StackRule] = Field(default_factory=list)
    requirements: list[RequirementRule] = Field(default_factory=list)
    advancement: list[AdvancementRule] = Field(default_factory=list)
    lanes: list[LaneRule] = Field(default_factory=list)
    base_increases: list[BaseIncreaseRule] = Field(default_factory=list)


class AcceptSettings(_Model):
    """Which issuers' micro-credentials count. By default an accepted issuer's credential
    whose code its catalog does not list is credited on the issuer's acceptance (catalogs
    hold example codes); `approved_codes_only: true` refuses unknown codes instead.
    `strict_codes` is the older spelling of `approved_codes_only` (still read)."""

    issuers: list[str] | None = None
    approved_codes_only: bool = False
    strict_codes: bool | None = None
    verification: list[Verification] | None = Field(
        default=None,
        description="Which verification results of a badge earn credit (issue 12); default "
        "`[verified]`. A result other than `verified` listed here is credited with a "
        "warning (e.g. `hosted_unverified` where staff approve pasted OB 2.0 links).",
    )
    registry: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]] | None = Field(
        default=None,
        description="Which trust-registry entries (rules/issuers/) vouch for a verified badge "
        "here; default: any entry, the badge then passing the issuer gate as its catalog issuer.",
    )


class _EventDecl(_Model):
    """One event kind a jurisdiction raises (issue 13). `source` cites the parameters; what no
    source states is tagged `I` (an example parameter)."""

    source: Source | None = None


class StackCompletedEvent(_EventDecl):
    pass


class RenewalAtRiskEvent(_EventDecl):
    days_before_end: int = Field(default=180, ge=0, le=3660)
    min_remaining: Decimal = Field(default=Decimal("0.01"), ge=0)


class RenewalCompleteEvent(_EventDecl):
    pass


class AdvancementEligibleEvent(_EventDecl):
    pass


class LaneEligibleEvent(_EventDecl):
    before_deadline_days: int = Field(default=30, ge=0, le=366)


class CredentialRevokedEvent(_EventDecl):
    pass


class RuleStaleEvent(_EventDecl):
    pass


class EventSettings(_Model):
    """`events:` in jurisdiction.yaml: the event kinds raised and their parameters. An unknown
    kind or parameter is a located validation error (extra fields are forbidden)."""

    stack_completed: StackCompletedEvent | None = None
    renewal_at_risk: RenewalAtRiskEvent | None = None
    renewal_complete: RenewalCompleteEvent | None = None
    advancement_eligible: AdvancementEligibleEvent | None = None
    lane_eligible: LaneEligibleEvent | None = None
    credential_revoked: CredentialRevokedEvent | None = None
    rule_stale: RuleStaleEvent | None = None


class PayrollSettings(_Model):
    """`payroll:` in jurisdiction.yaml: the export layout (a file `rules/layouts/<id>.yaml`
    under the rules root) that the district's payroll system imports. `mccredit payroll export
    --jurisdiction ID` and `POST /v1/payroll/exports` for that jurisdiction use it when no
    layout is named; a district inherits its state's. An id with no layout file is a located
    load error."""

    layout: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")


class LicensureSettings(_Model):
    """`licensure:` in jurisdiction.yaml: the work list shape (`rules/worklists/<id>.yaml`)
    the state's licensure portal asks for; `mccredit licensure worklist` and
    `GET /v1/licensure/worklist` use it. An id with no file is a located load error."""

    worklist: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")


class JurisdictionFile(_Model):
    id: str = Field(pattern=r"^[a-z]{2}-[a-z]{2}(/[a-z0-9\-]+)?$")
    name: str
    version: str = "1"
    description: str | None = None
    extends: str | None = None
    uses: list[str] = Field(default_factory=list)
    accept: AcceptSettings = Field(default_factory=AcceptSettings)
    units: dict[UnitId, UnitDef] = Field(default_factory=dict)
    sources: dict[str, SourceRef] = Field(default_factory=dict)
    license_types: list[str] = Field(default_factory=list)
    # credit categories the rules may name (id: what it covers); a rule naming another is a
    # load error. A district inherits its state's and may add its own.
    categories: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$")], str] = Field(
        default_factory=dict
    )
    salary: SalarySettings | None = None
    events: EventSettings | None = None
    payroll: PayrollSettings | None = None
    licensure: LicensureSettings | None = None


class CatalogIssuer(_Model):
    """An issuer; `profile_ids` are the ids (URLs, DIDs) its Open Badges issuer profiles use."""

    name: str
    address: str | None = None
    profile_ids: list[str] = Field(default_factory=list)
    # the catalog lists every code this issuer issues: an unknown code is refused
    complete_codes: bool = False


class CatalogEntry(_Model):
    issuer: str
    code: str
    title: str
    categories: list[str] = Field(default_factory=list)
    contact_hours: Decimal | None = Field(default=None, ge=0)


class CatalogStack(_Model):
    id: str
    issuer: str
    title: str
    members: list[str]


class CatalogFile(_Model):
    id: str
    title: str
    source: Source
    issuers: dict[str, CatalogIssuer]
    entries: list[CatalogEntry] = Field(default_factory=list)
    stacks: list[CatalogStack] = Field(default_factory=list)
