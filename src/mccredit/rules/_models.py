"""The rule language as pydantic v2 models (immutable, unknown keys rejected).

A jurisdiction is a folder with a `jurisdiction.yaml` and rule files under `rules/`; every rule
file is a mapping of sections (`awards`, `caps`, `stacks`, `requirements`, `advancement`,
`lanes`, `base_increases`), each a list of rules. Salary schedules live under `schedules/`,
one file per school year. See `docs/RULES.md` for the full reference with examples.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .._types import Date
from ..verify._result import Verification
from ._dated import DatedDecimal
from ._matchers import Matcher, parse_matcher
from ._paydates import calendar_problem

__all__ = [
    "AdvancementRule",
    "Alternative",
    "AwardRule",
    "BaseIncreaseRule",
    "CapRule",
    "CatalogEntry",
    "CatalogFile",
    "CatalogIssuer",
    "CatalogStack",
    "Conditions",
    "Deadline",
    "JurisdictionFile",
    "LaneCredit",
    "LaneRule",
    "Origin",
    "PayCalendar",
    "RequirementRule",
    "RuleFile",
    "ScheduleFile",
    "Source",
    "SourceRef",
    "StackRule",
    "UnitDef",
    "Window",
]

RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*(\.[a-z0-9_\-+]+)+$")]
UnitId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
_MATCHER_SCHEMA = {
    "type": "object",
    "description": "field: value | {eq|ne|in|not_in|gte|gt|lte|lt|contains|any_of|exists: ...}"
    " | all/any: [matchers] | not: matcher",
}


def _credential_matcher(v: Any) -> Any:
    return v if isinstance(v, Matcher) else parse_matcher(v, "credential")


def _educator_matcher(v: Any) -> Any:
    return v if isinstance(v, Matcher) else parse_matcher(v, "educator")


def _license_matcher(v: Any) -> Any:
    return v if isinstance(v, Matcher) else parse_matcher(v, "license")


CredentialMatcher = Annotated[
    Matcher, BeforeValidator(_credential_matcher), WithJsonSchema(_MATCHER_SCHEMA)
]
EducatorMatcher = Annotated[
    Matcher, BeforeValidator(_educator_matcher), WithJsonSchema(_MATCHER_SCHEMA)
]
LicenseMatcher = Annotated[
    Matcher, BeforeValidator(_license_matcher), WithJsonSchema(_MATCHER_SCHEMA)
]
Dated = Annotated[
    DatedDecimal,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": ["number", "string"]},
                {
                    "type": "object",
                    "description": "YYYY-MM-DD: value (null ends the series)",
                    "additionalProperties": {"type": ["number", "string", "null"]},
                },
            ]
        }
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, populate_by_name=True
    )


class Origin(_Model):
    """Where a rule was written: the file (relative to the rules root) and its line."""

    path: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class SourceRef(_Model):
    title: str
    address: str | None = None
    document: str | None = None
    snapshot: str | None = None


class Source(_Model):
    """The policy a rule encodes. `ref` names a jurisdiction-level source; `section` adds the
    place inside it. `tag` says `S` (stated by the source) or `I` (inferred: a parameter, its
    value an example)."""

    ref: str | None = None
    document: str | None = None
    section: str | None = None
    address: str | None = None
    tag: Literal["S", "I"] = "S"
    note: str | None = None

    @model_validator(mode="after")
    def _needs_something(self) -> Source:
        if not (self.ref or self.document or self.address):
            raise ValueError("a source needs a ref, a document or an address")
        return self

    def cite(self) -> str:
        parts = [p for p in (self.document, self.section, self.address) if p]
        text = ", ".join(parts)
        return f"{text} [{self.tag}]" if self.tag == "I" else text


class Window(_Model):
    """A date range, both ends inclusive; an open end is written `null` or left out."""

    start: Date | None = Field(default=None, alias="from")
    until: Date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start and self.until and self.until < self.start:
            raise ValueError(f"'until' {self.until} is before 'from' {self.start}")
        return self

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.until is None or day <= self.until
        )


class UnitDef(_Model):
    title: str
    round: Decimal = Decimal("0.01")
    rounding: Literal["half_up", "down", "up", "half_even"] = "half_up"

    @field_validator("round")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if v <= 0:
            raise ValueError("the rounding increment must be > 0")
        return v


class _Rule(_Model):
    id: RuleId
    title: str
    source: Source
    effective: Window | None = None
    review_by: Date | None = None
    overrides: str | None = None
    origin: Origin | None = Field(default=None, exclude=True)

    def in_force(self, day: dt.date) -> bool:
        return self.effective is None or self.effective.contains(day)


class AwardRule(_Rule):
    """Credit a credential (or an evaluation) in one unit.

    `per` says what the amount multiplies: `credential` (a flat amount each), a measure
    (`contact_hours`, `semester_credits`, `ceus`), or `evaluation` (a `table` by score).
    """

    when: CredentialMatcher = Field(default_factory=lambda: parse_matcher(None, "credential"))
    unit: UnitId
    per: Literal["credential", "contact_hours", "semester_credits", "ceus", "evaluation"]
    amount: Dated | None = None
    audited_amount: Dated | None = None
    table: dict[int, Decimal] | None = None
    max_per_credential: Decimal | None = Field(default=None, ge=0)
    categories: list[str] | None = None
    combines: bool = False

    @model_validator(mode="after")
    def _shape(self) -> AwardRule:
        if self.per == "evaluation":
            if not self.table:
                raise ValueError("per: evaluation needs a table of score: amount")
        elif self.amount is None:
            raise ValueError(f"per: {self.per} needs an amount")
        return self


class CapRule(_Rule):
    """At most `max` (or `share` of the requirement) of `unit` from matching entries.

    `scope`: `credential` (each credential), `cycle` (within one renewal cycle), or `career`
    (over all time, optionally only entries dated on or after `since`)."""

    unit: UnitId
    scope: Literal["credential", "cycle", "career"]
    when: CredentialMatcher = Field(default_factory=lambda: parse_matcher(None, "credential"))
    rules: list[str] | None = None
    category: str | None = None
    max: Decimal | None = Field(default=None, ge=0)
    share: Decimal | None = Field(default=None, gt=0, le=1)
    since: Date | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> CapRule:
        if (self.max is None) == (self.share is None):
            raise ValueError("a cap needs exactly one of max or share")
        if self.share is not None and self.scope != "cycle":
            raise ValueError("a share cap applies to a cycle's requirement: use scope: cycle")
        return self


class StackRule(_Rule):
    """Completing a stack (all, or `require` N of its members, within `within_days`) earns
    `amount` of `unit`, either on top of the parts (`mode: bonus`) or replacing them
    (`mode: instead`)."""

    stack: str | None = None
    members: list[str] | None = None
    issuer: str | None = None
    require: Literal["all"] | int = "all"
    within_days: int | None = Field(default=None, gt=0)
    unit: UnitId
    amount: Dated
    mode: Literal["bonus", "instead"] = "bonus"

    @model_validator(mode="after")
    def _members(self) -> StackRule:
        if (self.stack is None) == (self.members is None):
            raise ValueError("a stack rule names a catalog `stack` or lists `members`, not both")
        if isinstance(self.require, int) and self.require < 1:
            raise ValueError("require: N needs N >= 1")
        if isinstance(self.require, int) and self.members and self.require > len(self.members):
            raise ValueError(
                f"require: {self.require} is more than the stack's {len(self.members)} members"
            )
        return self


class RequirementRule(_Rule):
    """What renewing a license needs within its cycle."""

    license: list[str]
    when_educator: EducatorMatcher = Field(default_factory=lambda: parse_matcher(None, "educator"))
    when_license: LicenseMatcher = Field(default_factory=lambda: parse_matcher(None, "license"))
    cycles: Window | None = None
    # licenses whose cycle ends (the license expires and is renewed) in this window
    renewals: Window | None = None
    cycle_years: int = Field(default=5, gt=0)
    window: Literal["validity_period", "none"] = "validity_period"
    requires: dict[UnitId, Decimal]
    categories: dict[str, Decimal] = Field(default_factory=dict)
    category_unit: UnitId | None = None
    open_categories: list[str] = Field(default_factory=list)
    allocation: Literal["split"] = "split"
    at_risk_days: int = Field(default=365, ge=0)
    # other ways to renew (e.g. two years of qualifying experience instead of the credit)
    alternatives: list[Alternative] = Field(default_factory=list)

    @field_validator("license", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _category_unit(self) -> RequirementRule:
        if self.categories and self.category_unit is None:
            if len(self.requires) != 1:
                raise ValueError("categories with several required units need category_unit")
        for unit, amount in self.requires.items():
            if amount < 0:
                raise ValueError(f"requires.{unit} must be >= 0")
        return self

    @property
    def cat_unit(self) -> str:
        return self.category_unit or next(iter(self.requires))


class Conditions(_Model):
    """Non-credit conditions, all of which must hold:
    - `experience_years`: the educator's `experience_years` are at least this;
    - `cycle_experience_years`: the license's `experience_years` (years of qualifying
      experience within its validity period) are at least this;
    - `recommendation`: the educator's `recommendations` include this id (e.g.
      `director_of_schools`);
    - `evaluation_min_score`: the last `evaluation_years` evaluations all scored at least it."""

    experience_years: Decimal | None = Field(default=None, ge=0)
    cycle_experience_years: Decimal | None = Field(default=None, ge=0)
    recommendation: str | None = Field(default=None, min_length=1)
    evaluation_min_score: int | None = Field(default=None, ge=1, le=5)
    evaluation_years: int = Field(default=1, ge=1)


class Alternative(_Model):
    """Another way to meet a requirement or an advancement than its credit (`requires`): met
    when all of its own `requires` (credit in the same window) and `conditions` hold. Dated by
    `effective` (the evaluation date, like a rule's); `source` defaults to the rule's."""

    id: RuleId
    title: str
    source: Source | None = None
    effective: Window | None = None
    requires: dict[UnitId, Decimal] = Field(default_factory=dict)
    conditions: Conditions = Field(default_factory=Conditions)

    def in_force(self, day: dt.date) -> bool:
        return self.effective is None or self.effective.contains(day)

    @model_validator(mode="after")
    def _something(self) -> Alternative:
        c = self.conditions
        if not self.requires and all(
            v is None
            for v in (
                c.experience_years,
                c.cycle_experience_years,
                c.recommendation,
                c.evaluation_min_score,
            )
        ):
            raise ValueError("an alternative needs `requires` or at least one condition")
        return self


class AdvancementRule(_Rule):
    tier: str
    from_: list[str] = Field(alias="from")
    when_educator: EducatorMatcher = Field(default_factory=lambda: parse_matcher(None, "educator"))
    window: Literal["validity_period", "none"] = "validity_period"
    requires: dict[UnitId, Decimal] = Field(default_factory=dict)
    conditions: Conditions = Field(default_factory=Conditions)
    # other ways to meet `requires` (e.g. a director's recommendation instead of 30 PDPs);
    # `conditions` hold on every path
    alternatives: list[Alternative] = Field(default_factory=list)

    @field_validator("from_", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class LaneCredit(_Model):
    """How a credential earns `salary_credit` toward lanes.

    Contract clauses (issue 10), each optional:
    - `hours_per_credit: N` ("N hours of non-college work = 1 salary credit"): the measure of
      the credentials this spec matches is pooled in earned order and every full N of it earns
      `amount` credit, credited to the credential that completes the N; the rest stays banked
      toward the next credit (never a fraction of a credit).
    - `prior_approval: true`: a credential counts only when it carries an `approved` date on or
      before its `earned` date (the district approved the course before it was taken); else a
      `prior_approval_missing` warning and nothing toward salary.
    - `max_per_year: X` (an annual cap, in salary credit): at most X credit from this spec per
      year, the year starting on `year_start` (MM-DD; default the school year start), by the
      credential's earned date; the excess is not counted (`salary_credit_capped`).
    - `expires_after_years: N`: credit not used by a lane move within N years of its earned
      date leaves the bank: it cannot complete a move qualifying later, and what is left at
      `as_of` is reported (`salary_credit_expired`), not carried.
    """

    when: CredentialMatcher
    per: Literal["credential", "contact_hours", "semester_credits", "ceus"]
    amount: Dated
    categories: list[str] | None = None
    hours_per_credit: Decimal | None = Field(default=None, gt=0)
    prior_approval: bool = False
    max_per_year: Decimal | None = Field(default=None, gt=0)
    year_start: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    expires_after_years: int | None = Field(default=None, gt=0, le=50)

    @model_validator(mode="after")
    def _clauses(self) -> LaneCredit:
        if self.hours_per_credit is not None and self.per == "credential":
            raise ValueError(
                "hours_per_credit pools a measure: use per: contact_hours, semester_credits "
                "or ceus, not per: credential"
            )
        if self.year_start is not None and self.max_per_year is None:
            raise ValueError("year_start goes with max_per_year (the cap's year)")
        return self


class Deadline(_Model):
    """Documents filed on or before `submitted_by` take effect with `pay`.

    `submitted_by` (MM-DD) is the first such day on or after the school year's start
    (`school_year_start`), so with a 07-01 start "08-10" is in August and "01-10" in the
    following January. A deadline without `submitted_by` catches everything later.

    `pay`:
    - `full_year`: from the first day of the contract year (`first_day`); the whole year's raise;
    - `half_year`: from the first pay date after the deadline; half the annual change this year;
    - `first_pay_period_after`: from the first pay date after filing; the remaining periods' share;
    - `next_school_year`: from the next contract year's first day; nothing this year."""

    submitted_by: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    pay: Literal["full_year", "half_year", "next_school_year", "first_pay_period_after"]


class LaneRule(_Rule):
    """A move from lane `from` to lane `to` when enough salary credit is earned."""

    from_: str = Field(alias="from")
    to: str
    requires: Decimal = Field(gt=0)
    category_minimums: dict[str, Decimal] = Field(default_factory=dict)
    credit: list[LaneCredit]
    earned_after: Literal["placement", "none"] = "none"
    evidence_within_days: int | None = Field(default=None, gt=0)
    deadlines: list[Deadline] = Field(default_factory=list)
    #: `lateral` (default): the move keeps the step (a mid-year move gains no step);
    #: `advance`: the move also gains one step, where the schedule has it (issue 10)
    step_on_move: Literal["lateral", "advance"] = "lateral"


class BaseIncreaseRule(_Rule):
    """A permanent addition to the base salary for each qualifying credential."""

    when: CredentialMatcher
    amount: Dated
    max_count: int | None = Field(default=None, ge=0)
    max_total: Decimal | None = Field(default=None, ge=0)
    deadlines: list[Deadline] = Field(default_factory=list)


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


PayDay = Annotated[int, Field(ge=1, le=31)] | Literal["last"]


class PayCalendar(_Model):
    """The real pay dates of a school year (issue 10).

    - `semi_monthly`: twice a month on `days` (default `[15, last]`), from `first` (MM-DD, the
      school year's first pay date; default `first_pay_date`, else `first_day`), `periods`
      dates (default: every one up to the school year's end);
    - `monthly`: once a month on `days[0]` (default the day of `first`), likewise;
    - `biweekly`: every 14 days from `anchor` (any one real pay date, before or after): the
      dates that fall in the school year (26 or 27);
    - `dates`: the listed dates, per school year (`"2024-25": [2024-07-15, …]`).
    A day past a month's end (30 in February) is that month's last day: never the next month.
    Every date lies in its school year; a calendar that would run past it is a load error."""

    kind: Literal["semi_monthly", "monthly", "biweekly", "dates"]
    days: list[PayDay] | None = None
    first: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    periods: int | None = Field(default=None, gt=0, le=53)
    anchor: Date | None = None
    dates: dict[str, list[Date]] | None = None

    @model_validator(mode="after")
    def _shape(self) -> PayCalendar:
        need = {"biweekly": "anchor", "dates": "dates"}.get(self.kind)
        if need is not None and getattr(self, need) is None:
            raise ValueError(f"a {self.kind} pay calendar needs `{need}`")
        if self.kind == "semi_monthly" and self.days is not None and len(self.days) != 2:
            raise ValueError("a semi_monthly pay calendar has two `days` (e.g. [15, last])")
        if self.kind == "monthly" and self.days is not None and len(self.days) != 1:
            raise ValueError("a monthly pay calendar has one of `days` (e.g. [20] or [last])")
        order = [32 if d == "last" else d for d in self.days or []]
        if order != sorted(set(order)):
            raise ValueError("pay `days` are listed in order within the month, each once")
        for year, listed in (self.dates or {}).items():
            if not _SCHOOL_YEAR.match(year) or int(year[5:]) != (int(year[:4]) + 1) % 100:
                raise ValueError(f"school year {year!r}: write it as YYYY-YY, e.g. 2024-25")
            if listed != sorted(set(listed)):
                raise ValueError(f"the pay dates of {year} repeat or are out of order")
        return self


_SCHOOL_YEAR = re.compile(r"^\d{4}-\d{2}$")


class SalarySettings(_Model):
    """A district's payroll calendar and lane-move policy.

    The school year starts on `school_year_start` (MM-DD, the fiscal year); pay for the
    contract year starts on `first_day`; its pay dates are `pay_calendar` (see `PayCalendar`).
    Without one, the older spelling still reads: `pay_periods` dates from `first_pay_date`
    (24: twice a month on that day and 15 days later, each within its month; 12: monthly on
    that day, within the month; otherwise every 364/N days). Deadlines say when filed documents
    take effect (see `Deadline`). Every pay date lies in its school year: a calendar that would
    run into the next one is a load error (pay summer dates inside the year, or start earlier).
    """

    title: str = "Salary calendar"
    source: Source
    school_year_start: str = Field(default="07-01", pattern=r"^\d{2}-\d{2}$")
    first_day: str = Field(default="07-01", pattern=r"^\d{2}-\d{2}$")
    pay_periods: int = Field(default=24, gt=0, le=53)
    first_pay_date: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    pay_calendar: PayCalendar | None = None
    step_advance: Literal["school_year", "none"] = "school_year"
    max_lanes_per_year: int = Field(default=1, ge=1)
    deadlines: list[Deadline] = Field(default_factory=lambda: [Deadline(pay="next_school_year")])
    missing_submitted: Literal["earned", "not_filed"] = "earned"

    @model_validator(mode="after")
    def _dates_in_school_year(self) -> SalarySettings:
        problem = calendar_problem(self)
        if problem is not None:
            raise ValueError(problem)
        return self


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


class ScheduleFile(_Model):
    """A salary schedule for one school year: annual amounts by step, one per lane in order."""

    schedule: str = "teachers"
    title: str
    source: Source
    effective: Window
    lanes: list[str]
    steps: dict[int, list[Decimal]]
    example_values: bool = False
    example_steps: list[int] = Field(default_factory=list)
    origin: Origin | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _grid(self) -> ScheduleFile:
        if self.effective.start is None:
            raise ValueError("a schedule needs effective.from")
        if len(set(self.lanes)) != len(self.lanes):
            raise ValueError("lanes repeat")
        return self

    @field_validator("steps")
    @classmethod
    def _cells(
        cls, steps: dict[int, list[Decimal]], info: ValidationInfo
    ) -> dict[int, list[Decimal]]:
        lanes: list[str] = info.data.get("lanes") or []
        bad = [s for s, row in steps.items() if len(row) != len(lanes)]
        if bad:
            raise ValueError(
                f"steps {bad} have a missing or extra cell: each step needs one amount per lane "
                f"({len(lanes)}: {', '.join(lanes)})"
            )
        for s, row in steps.items():
            if any(a < 0 for a in row):
                raise ValueError(f"step {s} has a negative amount")
            for left, right, a, b in zip(lanes, lanes[1:], row, row[1:], strict=False):
                if b < a:
                    raise ValueError(
                        f"lanes out of order: at step {s} lane {right!r} pays {b}, less than "
                        f"{left!r} ({a}); list lanes from lowest to highest pay"
                    )
        return steps

    def amount(self, lane: str, step: int) -> Decimal | None:
        row = self.steps.get(step)
        if row is None or lane not in self.lanes:
            return None
        return row[self.lanes.index(lane)].quantize(Decimal("0.01"))


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
