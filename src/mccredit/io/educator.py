"""The educator input contract (DESIGN.md §4), validated with pydantic.

An educator document is JSON or YAML. Unknown fields, wrong types, impossible dates,
negative measures, a license that expires before it is issued, a credential filed before it
was earned and duplicate credential ids are all errors, reported together with file:line:col.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .._types import Date
from .._yaml import Located, ProblemException, load_file, load_located, pydantic_problems
from ..errors import InputError, Problem

__all__ = [
    "CREDENTIAL_KINDS",
    "EDUCATOR_ROLES",
    "Credential",
    "Educator",
    "Evaluation",
    "License",
    "Placement",
    "load_educator",
    "parse_educator",
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


class Credential(_Input):
    id: Text
    kind: CredentialKind
    issuer: Text | None = None
    code: Text | None = None
    title: str | None = None
    earned: Date
    submitted: Date | None = None
    categories: list[Text] = Field(default_factory=list)
    contact_hours: Measure | None = None
    semester_credits: Measure | None = None
    ceus: Measure | None = None
    audited: bool = False

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


class Evaluation(_Input):
    year: int = Field(ge=1990, le=2100)
    score: int = Field(ge=1, le=5)


class Educator(_Input):
    id: Text
    jurisdiction: Text
    name: str | None = None
    licenses: list[License] = Field(default_factory=list)
    salary: Placement | None = None
    experience_years: Annotated[Decimal, Field(ge=0, le=80)] | None = None
    role: EducatorRole | None = None
    grade_band: str | None = None
    # who recommends the educator (e.g. `director_of_schools`: TN advancement)
    recommendations: list[Text] = Field(default_factory=list)
    evaluations: list[Evaluation] = Field(default_factory=list)
    credentials: list[Credential] = Field(default_factory=list)
    badges: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Open Badges 3.0 / 2.0 or CLR 2.0 documents; mccredit turns each into a "
        "credential (see mccredit.io.badges) and leaves this list empty after parsing.",
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


def parse_educator(
    data: Any,
    *,
    located: Located | None = None,
    known_issuers: dict[str, tuple[str, ...]] | None = None,
) -> Educator:
    """Validate raw data as an educator; raise `InputError` with every problem.

    Badge documents under `badges` become credentials (issuers matched by `known_issuers`)."""
    badge_problems: list[Problem] = []
    if isinstance(data, dict) and data.get("badges"):
        from .badges import normalize_badges

        extra, badge_problems = normalize_badges(data["badges"], known_issuers=known_issuers)
        badge_problems = [_relocate(p, located) for p in badge_problems]
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
) -> Educator:
    """Read an educator JSON or YAML file."""
    p = Path(path)
    try:
        located = load_located(text, path=str(p)) if text is not None else load_file(p)
    except ProblemException as e:
        raise InputError([e.problem]) from None
    return parse_educator(located.data, located=located, known_issuers=known_issuers)
