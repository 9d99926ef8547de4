"""The educator input contract (DESIGN.md §4), validated with pydantic.

An educator document is JSON or YAML. Unknown fields, wrong types, impossible dates,
negative measures, a license that expires before it is issued, a credential filed before it
was earned and duplicate credential ids are all errors, reported together with file:line:col.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .._types import Date
from .._yaml import Located, ProblemException, load_file, load_located, pydantic_problems
from ..errors import InputError, Problem
from ..verify._result import Verification

if TYPE_CHECKING:
    from ..verify import TrustRegistry

__all__ = [
    "CREDENTIAL_KINDS",
    "EDUCATOR_ROLES",
    "Credential",
    "Educator",
    "Identifier",
    "License",
    "PerformanceEvaluation",
    "Placement",
    "VerificationReason",
    "VerificationRecord",
    "load_educator",
    "parse_educator",
    "recipient_of",
]

CredentialKind = Literal[
    "micro_credential",
    "graduate_course",
    "undergraduate_course",
    "workshop",
    "conference",
    "ceu_course",
    "action_research",
    "national_board",
    "national_board_renewal",
    "degree",
    "mentoring",
    "independent_study",
    "presenting",
    "other",
]
CREDENTIAL_KINDS: tuple[str, ...] = get_args(CredentialKind)
EducatorRole = Literal["teacher", "administrator"]
EDUCATOR_ROLES: tuple[str, ...] = get_args(EducatorRole)
Measure = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VerificationReason(_Input):
    """One failed check: its stable code, a sentence, and the field of the badge it is about."""

    code: str
    message: str
    field: str | None = None


class VerificationRecord(_Input):
    """What checking a badge found (issue 12), kept with the credential it became: `status`
    is one of `verified`, `unsigned`, `hosted_unverified`, `invalid_signature`,
    `untrusted_issuer`, `expired`, `not_yet_valid`, `revoked`, `suspended`,
    `recipient_mismatch`, `malformed`; `reason` is the first (most basic) failed check's code,
    `reasons` every failed check; `method` the proof checked (`eddsa-rdfc-2022`,
    `vc-jwt:RS256`, `ob2-hosted`, …); `issuer` the issuer id the document names (an IRI or
    DID); `registry_entry` the trust-registry entry that vouched for it (verified only);
    `checked` the date the dates and keys were checked against; `valid_until` the end of the
    badge's validity, re-checked by every evaluation."""

    status: Verification
    reason: str | None = None
    reasons: list[VerificationReason] = Field(default_factory=list)
    method: str | None = None
    issuer: str | None = None
    registry_entry: str | None = None
    checked: Date | None = None
    valid_until: dt.datetime | None = Field(
        default=None,
        description="The badge's validUntil / expirationDate: an evaluation on a later day "
        "refuses it as expired, whatever day it was checked on.",
    )

    def brief(self) -> dict[str, Any]:
        """The record as a ledger line shows it (reasons as codes)."""
        return {
            "status": self.status,
            "reason": self.reason,
            "reasons": [r.code for r in self.reasons],
            "method": self.method,
            "issuer": self.issuer,
            "registry_entry": self.registry_entry,
        }


class Credential(_Input):
    id: Text
    kind: CredentialKind
    issuer: Text | None = None
    code: Text | None = None
    title: str | None = None
    earned: Date
    submitted: Date | None = None
    approved: Date | None = None
    categories: list[Text] = Field(default_factory=list)
    contact_hours: Measure | None = None
    semester_credits: Measure | None = None
    ceus: Measure | None = None
    audited: bool = False
    evidence: Annotated[str, Field(min_length=1, max_length=2000)] | None = Field(
        default=None,
        description="Where the credential can be checked (a badge or transcript address); "
        "licensure work lists show it as the documentation link.",
    )
    verification: VerificationRecord | None = Field(
        default=None,
        description="Set by badge intake (mccredit.io.badges): what verifying the badge found. "
        "A credential declared without a badge document (a district record) has none.",
    )

    @model_validator(mode="after")
    def _dates(self) -> Credential:
        if self.submitted is not None and self.submitted < self.earned:
            raise ValueError(
                f"submitted {self.submitted} is before earned {self.earned}: "
                "a credential cannot be filed before it is earned"
            )
        return self


class License(_Input):
    type: Text
    tier: str | None = None
    id: str | None = None
    issued: Date
    expires: Date | None = None
    # years of qualifying experience within this license's validity period (e.g. TN renewal)
    experience_years: Annotated[Decimal, Field(ge=0, le=80)] | None = None

    @model_validator(mode="after")
    def _dates(self) -> License:
        if self.expires is not None and self.expires <= self.issued:
            raise ValueError(f"expires {self.expires} is not after issued {self.issued}")
        return self


class Placement(_Input):
    lane: Text
    step: int = Field(ge=0, le=60)
    schedule: str = "teachers"
    since: Date | None = None
    #: contract costing (issue 11): the share of a full-time post (0 < fte ≤ 1) and the days
    #: worked a year (1-366; pay × days ÷ the assumptions' `contract_days`); salary placement
    #: and evaluation ignore them
    fte: Annotated[Decimal, Field(gt=0, le=1)] | None = None
    contract_days: Annotated[int, Field(ge=1, le=366)] | None = None


class PerformanceEvaluation(_Input):
    """One school year's performance evaluation of the educator (input key `evaluations`):
    the overall score, 1-5 (e.g. Tennessee's level of overall effectiveness), which awards
    `per: evaluation` and the `evaluation_min_score` conditions read. Not the evaluation
    result (`mccredit.result.Evaluation`)."""

    year: int = Field(ge=1990, le=2100)
    score: int = Field(ge=1, le=5)


class Identifier(_Input):
    """One of the educator's identities, for recipient binding (issue 12): `type` is `email`,
    `license_number`, `educator_id`, `did`, `url`, `sourced_id` or `other` (OB 3.0
    `identityType` values such as `emailAddress` are read as the same), `value` the identity
    itself (never hashed here: badges carry salted hashes, mccredit hashes to compare)."""

    type: Literal["email", "license_number", "educator_id", "did", "url", "sourced_id", "other"]
    value: Text


class Educator(_Input):
    id: Text
    jurisdiction: Text
    name: str | None = None
    licenses: list[License] = Field(default_factory=list)
    salary: Placement | None = None
    experience_years: Annotated[Decimal, Field(ge=0, le=80)] | None = None
    role: EducatorRole | None = None
    grade_band: str | None = None
    school: Text | None = Field(
        default=None,
        description="The school (building) the educator is assigned to, e.g. an Ed-Fi "
        "educationOrganizationId; the workforce view groups by it.",
    )
    # who recommends the educator (e.g. `director_of_schools`: TN advancement)
    recommendations: list[Text] = Field(default_factory=list)
    evaluations: list[PerformanceEvaluation] = Field(default_factory=list)
    credentials: list[Credential] = Field(default_factory=list)
    identifiers: list[Identifier] = Field(
        default_factory=list,
        description="The educator's identities (email, license number, …): a badge whose "
        "recipient matches none of them is `recipient_mismatch`. With none declared, badges "
        "are not checked against a recipient.",
    )
    badges: list[dict[str, Any] | str] = Field(
        default_factory=list,
        description="Open Badges 3.0 / 2.0 or CLR 2.0 documents (JSON objects, or VC-JWT "
        "strings); mccredit verifies each against its trust registry, turns it into a "
        "credential carrying the verification result (see mccredit.io.badges) and leaves this "
        "list empty after parsing.",
    )

    @model_validator(mode="after")
    def _unique(self) -> Educator:
        seen: set[str] = set()
        dups = []
        for c in self.credentials:
            if c.id in seen:
                dups.append(c.id)
            seen.add(c.id)
        if dups:
            raise ValueError(f"duplicate credential ids: {', '.join(sorted(set(dups)))}")
        years = [e.year for e in self.evaluations]
        if len(set(years)) != len(years):
            raise ValueError("more than one evaluation for the same school year")
        return self


def _duplicate_locs(data: Any) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    if isinstance(data, dict) and isinstance(data.get("credentials"), list):
        seen: set[Any] = set()
        for i, c in enumerate(data["credentials"]):
            if isinstance(c, dict) and "id" in c:
                if c["id"] in seen:
                    out.append(("credentials", i, "id"))
                seen.add(c["id"])
    return out


def recipient_of(data: Any) -> list[tuple[str, str]] | None:
    """The (type, value) identities an educator document declares (its `identifiers`, and
    with them its id and license numbers), or None when it declares none (no binding)."""
    if not isinstance(data, dict) or not isinstance(data.get("identifiers"), list):
        return None
    out = [
        (str(i.get("type")), str(i.get("value")))
        for i in data["identifiers"]
        if isinstance(i, dict) and isinstance(i.get("value"), str)
    ]
    if not out:
        return None
    if isinstance(data.get("id"), str):
        out.append(("educator_id", data["id"]))
    for lic in data.get("licenses") or []:
        if isinstance(lic, dict) and isinstance(lic.get("id"), str):
            out.append(("license_number", lic["id"]))
    return out


def _forged_verification(data: Any, located: Located | None) -> list[Problem]:
    """A `verification` written into a declared credential: only badge intake sets it."""
    out: list[Problem] = []
    creds = data.get("credentials") if isinstance(data, dict) else None
    for i, c in enumerate(creds if isinstance(creds, list) else []):
        if isinstance(c, dict) and c.get("verification") is not None:
            out.append(
                _relocate(
                    Problem(
                        type="educator.verification_given",
                        message="a credential's verification is set by badge intake, never "
                        "by the input: send the badge document itself under `badges`",
                        loc=("credentials", i, "verification"),
                    ),
                    located,
                )
            )
    return out


def parse_educator(
    data: Any,
    *,
    located: Located | None = None,
    known_issuers: dict[str, tuple[str, ...]] | None = None,
    registry: TrustRegistry | None = None,
    as_of: dt.date | None = None,
    stored: bool = False,
) -> Educator:
    """Validate raw data as an educator; raise `InputError` with every problem.

    Badge documents under `badges` become credentials (issuers matched by `known_issuers`),
    each verified against `registry` (default: an empty registry, which trusts no issuer) on
    `as_of` (default today). A credential may carry a `verification` record only when the data
    comes from mccredit's own store (`stored=True`): anywhere else it is refused, so an input
    file cannot declare its own badges verified."""
    badge_problems: list[Problem] = [] if stored else _forged_verification(data, located)
    if isinstance(data, dict) and data.get("badges"):
        from ..verify import TrustRegistry as _Registry
        from .badges import normalize_badges

        extra, more = normalize_badges(
            data["badges"],
            known_issuers=known_issuers,
            registry=registry if registry is not None else _Registry(),
            as_of=as_of,
            recipient=recipient_of(data),
        )
        badge_problems += more
        badge_problems = [p if p.path else _relocate(p, located) for p in badge_problems]
        creds = data.get("credentials")
        creds = creds if isinstance(creds, list) else []
        data = {**data, "badges": [], "credentials": [*creds, *extra]}
    try:
        educator = Educator.model_validate(data)
    except ValidationError as e:
        problems = badge_problems + pydantic_problems(e, located=located, kind="educator")
        # Point duplicate ids at the repeated entry, not at the document root.
        dup = _duplicate_locs(data)
        if dup:
            problems = [p for p in problems if "duplicate credential ids" not in p.message]
            for loc in dup:
                from .._yaml import locate

                line, col = locate(located, loc)
                problems.append(
                    Problem(
                        type="educator.duplicate_id",
                        message="duplicate credential id",
                        path=located.path if located else None,
                        line=line,
                        col=col,
                        loc=loc,
                        got=repr(data["credentials"][loc[1]]["id"]),
                    )
                )
        raise InputError(problems) from None
    if badge_problems:
        raise InputError(badge_problems)
    return educator


def _relocate(p: Problem, located: Located | None) -> Problem:
    if located is None:
        return p
    from dataclasses import replace

    from .._yaml import locate

    line, col = locate(located, p.loc)
    return replace(p, path=located.path, line=line, col=col)


def load_educator(
    path: Path | str,
    *,
    text: str | None = None,
    known_issuers: dict[str, tuple[str, ...]] | None = None,
    registry: TrustRegistry | None = None,
    as_of: dt.date | None = None,
) -> Educator:
    """Read an educator JSON or YAML file (badges verified as `parse_educator` says)."""
    p = Path(path)
    try:
        located = load_located(text, path=str(p)) if text is not None else load_file(p)
    except ProblemException as e:
        raise InputError([e.problem]) from None
    return parse_educator(
        located.data,
        located=located,
        known_issuers=known_issuers,
        registry=registry,
        as_of=as_of,
    )
