"""The credit rules: awards, caps, stacks, renewal requirements and advancement, with the
`Conditions` and `Alternative`s a requirement or an advancement may be met by."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..._types import Date
from .._matchers import parse_matcher
from ._base import (
    CredentialMatcher,
    Dated,
    EducatorMatcher,
    LicenseMatcher,
    RuleId,
    Source,
    UnitId,
    Window,
    _Model,
    _Rule,
)

__all__ = [
    "AdvancementRule",
    "Alternative",
    "AwardRule",
    "CapRule",
    "Conditions",
    "RequirementRule",
    "StackRule",
]


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
